package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// capabilityStatement renders what this handler does, and nothing more: the
// instance and type interactions it routes (patch as JSON Patch), versioned
// storage, update as create, conditional read, and $validate; with a
// Searcher, search at type and system level with the search parameters,
// includes and revincludes of each type, and Patient $everything; batch
// and transaction; with a Matcher, conditional create, update and delete
// (of a single match).
func (s *Server) capabilityStatement() ([]byte, error) {
	type (
		code struct {
			Code string `json:"code"`
		}
		resourceCap struct {
			Type              string              `json:"type"`
			Interaction       []code              `json:"interaction"`
			Versioning        string              `json:"versioning"`
			ReadHistory       bool                `json:"readHistory"`
			UpdateCreate      bool                `json:"updateCreate"`
			ConditionalCreate bool                `json:"conditionalCreate"`
			ConditionalRead   string              `json:"conditionalRead"`
			ConditionalUpdate bool                `json:"conditionalUpdate"`
			ConditionalDelete string              `json:"conditionalDelete"`
			Operation         []map[string]string `json:"operation"`
			SearchInclude     []string            `json:"searchInclude,omitempty"`
			SearchRevInclude  []string            `json:"searchRevInclude,omitempty"`
			SearchParam       []map[string]string `json:"searchParam,omitempty"`
		}
	)
	validateOp := []map[string]string{{"name": "validate", "definition": "http://hl7.org/fhir/OperationDefinition/Resource-validate"}}
	interactions := []code{{"read"}, {"vread"}, {"update"}, {"patch"}, {"delete"}, {"history-instance"}, {"history-type"}, {"create"}}
	var resources []resourceCap
	for _, t := range s.spec.Resources() {
		rc := resourceCap{
			Type:              t,
			Interaction:       interactions,
			Versioning:        "versioned-update", // versions kept, and If-Match honoured on update and delete
			ReadHistory:       true,
			UpdateCreate:      true,
			ConditionalRead:   "full-support", // If-None-Match and If-Modified-Since
			ConditionalDelete: "not-supported",
			Operation:         validateOp,
		}
		if s.match != nil {
			rc.ConditionalCreate, rc.ConditionalUpdate, rc.ConditionalDelete = true, true, "single"
		}
		if s.search != nil {
			rc.Interaction = append(append([]code{}, interactions...), code{"search-type"})
			rc.SearchParam = s.searchParamsOf(t)
			rc.SearchInclude, rc.SearchRevInclude = []string{"*"}, []string{"*"}
			if t == "Patient" {
				rc.Operation = append(append([]map[string]string{}, validateOp...),
					map[string]string{"name": "everything", "definition": "http://hl7.org/fhir/OperationDefinition/Patient-everything"})
			}
		}
		resources = append(resources, rc)
	}
	systemInteractions := []code{{"transaction"}, {"batch"}, {"history-system"}}
	if s.search != nil {
		systemInteractions = append(systemInteractions, code{"search-system"})
	}
	cs := map[string]any{
		"resourceType": "CapabilityStatement",
		"status":       "active",
		"date":         time.Now().UTC().Format(time.DateOnly),
		"kind":         "instance",
		"software":     map[string]string{"name": "Plexus"},
		"implementation": map[string]string{
			"description": "Plexus FHIR R4 server",
			"url":         s.opts.BaseURL,
		},
		"fhirVersion": s.spec.FHIRVersion(),
		"format":      []string{"application/fhir+json", "json"},
		"rest": []map[string]any{{
			"mode":        "server",
			"resource":    resources,
			"interaction": systemInteractions,
			"operation":   validateOp,
		}},
	}
	if s.opts.BaseURL == "" {
		delete(cs["implementation"].(map[string]string), "url")
	}
	body, err := json.Marshal(cs)
	if err != nil {
		return nil, fmt.Errorf("fhir/server: encoding the CapabilityStatement: %w", err)
	}
	return body, nil
}

// metadata is GET [base]/metadata.
func (s *Server) metadata(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, s.caps)
}
