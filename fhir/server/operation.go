package server

import (
	"net/http"
)

// validateOp is POST [base]/$validate and POST [base]/[type]/$validate. The
// body is the resource itself or a Parameters resource whose "resource"
// parameter holds it. The answer is 200 with the validator's outcome whether
// or not the resource is valid: the operation succeeded. Only a body that is
// not a JSON object is a 400.
func (s *Server) validateOp(w http.ResponseWriter, r *http.Request) {
	typ := r.PathValue("type")
	_, doc, ok := s.body(w, r)
	if !ok {
		return
	}
	if rt, _ := doc["resourceType"].(string); rt == "Parameters" && typ != "Parameters" {
		res, found := parameterResource(doc, "resource")
		if !found {
			writeOutcome(w, http.StatusBadRequest, "required", `the Parameters resource has no "resource" parameter holding the resource to validate`)
			return
		}
		doc = res
	}
	writeOutcomeOf(w, http.StatusOK, s.val.ValidateMap(doc, typ))
}

// parameterResource returns the resource of the named parameter of a
// Parameters resource.
func parameterResource(params map[string]any, name string) (map[string]any, bool) {
	list, _ := params["parameter"].([]any)
	for _, p := range list {
		pm, _ := p.(map[string]any)
		if n, _ := pm["name"].(string); n != name {
			continue
		}
		res, ok := pm["resource"].(map[string]any)
		return res, ok
	}
	return nil, false
}
