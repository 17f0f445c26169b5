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
	if s.search != nil {
		// GET [base]/{owner}/{id}/{type} searches within these.
		cs["rest"].([]map[string]any)[0]["compartment"] = []string{
			"http://hl7.org/fhir/CompartmentDefinition/device",
			"http://hl7.org/fhir/CompartmentDefinition/encounter",
			"http://hl7.org/fhir/CompartmentDefinition/patient",
			"http://hl7.org/fhir/CompartmentDefinition/practitioner",
			"http://hl7.org/fhir/CompartmentDefinition/relatedPerson",
		}
	}
	if s.opts.Authorize {
		cs["rest"].([]map[string]any)[0]["security"] = s.security()
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

// security is rest.security when scopes are enforced: the SMART-on-FHIR
// service and, in the SMART oauth-uris extension, the token endpoint (and
// the authorize endpoint when there is one).
func (s *Server) security() map[string]any {
	var uris []map[string]string
	if s.opts.TokenURL != "" {
		uris = append(uris, map[string]string{"url": "token", "valueUri": s.opts.TokenURL})
	}
	if s.opts.AuthorizeURL != "" {
		uris = append(uris, map[string]string{"url": "authorize", "valueUri": s.opts.AuthorizeURL})
	}
	sec := map[string]any{
		"service": []map[string]any{{
			"coding": []map[string]string{{"system": "http://terminology.hl7.org/CodeSystem/restful-security-service", "code": "SMART-on-FHIR"}},
			"text":   "OAuth2 bearer tokens with SMART on FHIR scopes",
		}},
		"description": "Every interaction but /metadata needs a bearer token; SMART on FHIR v1 and v2 scopes decide what it may do and see.",
	}
	if len(uris) > 0 {
		sec["extension"] = []map[string]any{{
			"url":       "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris",
			"extension": uris,
		}}
	}
	return sec
}
