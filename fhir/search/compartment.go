package search

import (
	"net/url"
	"slices"
	"strings"

	"github.com/plexus-health/plexus/fhir/spec"
)

// Everything builds the query of Patient/{id}/$everything: the patient and
// every resource in its compartment, as the R4 CompartmentDefinition for
// Patient (loaded by fhir/spec) defines it, ordered by type and id. Of
// params it applies the result parameters (_count, _cursor, _summary,
// _elements...) and _type, which narrows the types; any other parameter is
// unknown to the operation.
func (s *Searcher) Everything(patient string, params url.Values, opts ParseOptions) (*Query, error) {
	kept := url.Values{}
	var unknown []*ParamError
	for k, v := range params {
		if controls[k] || k == "_type" {
			kept[k] = v
			continue
		}
		e := unknownErr(k, "not a parameter of $everything")
		if opts.Strict {
			return nil, e
		}
		unknown = append(unknown, e)
	}
	q, err := Parse(s.spec, "", kept, opts)
	if err != nil {
		return nil, err
	}
	q.Unknown = append(q.Unknown, unknown...)
	c := s.patientCompartment(patient)
	types := append([]string{}, c.types...)
	if !slices.Contains(types, "Patient") {
		types = append(types, "Patient")
		slices.Sort(types)
	}
	switch {
	case q.Type != "":
		q.Types = []string{q.Type}
	case len(q.Types) == 0:
		q.Types = types
	}
	q.Type = ""
	q.conds = append(q.conds, c)
	return q, nil
}

// Supported returns the search parameters of resource type typ that a
// Searcher can search, sorted by code: every R4 parameter of the type but
// the special ones (_text, _content, _query, _filter, near) and composites
// with a component it cannot search.
func Supported(sp *spec.Spec, typ string) []*spec.SearchParam {
	var out []*spec.SearchParam
	for _, p := range sp.SearchParams(typ) {
		switch {
		case p.Code == "_id" || p.Code == "_lastUpdated":
			out = append(out, p)
		case p.Type == spec.SearchComposite:
			ok := len(p.Components) > 0
			for _, c := range p.Components {
				d := sp.SearchParamByURL(c.Definition)
				ok = ok && d != nil && tables[d.Type] != ""
			}
			if ok {
				out = append(out, p)
			}
		case tables[p.Type] != "" && p.Expression != "":
			out = append(out, p)
		}
	}
	return out
}

// compartmentOwners are the resource types that own a compartment in R4.
var compartmentOwners = []string{"Device", "Encounter", "Patient", "Practitioner", "RelatedPerson"}

// InCompartment limits q, a search of one resource type, to the resources
// in the compartment of ownerType/ownerID as the R4 CompartmentDefinitions
// define it: GET [base]/Patient/123/Observation?code=... is the
// Observation search with the Observations that refer to Patient/123
// through one of the compartment's parameters (subject, performer).
// An owner type that has no compartment, or a type outside the
// compartment, is a *ParamError.
func (s *Searcher) InCompartment(q *Query, ownerType, ownerID string) error {
	if !slices.Contains(compartmentOwners, ownerType) {
		return &ParamError{Param: ownerType, Reason: "has no compartment; the compartments are those of " + strings.Join(compartmentOwners, ", ")}
	}
	if q.Type == "" {
		return &ParamError{Param: ownerType, Reason: "a compartment search names one resource type"}
	}
	params := s.spec.Compartment(ownerType, q.Type)
	if len(params) == 0 && q.Type != ownerType {
		return &ParamError{Param: q.Type, Reason: "not in the " + ownerType + " compartment"}
	}
	c := &compartmentCond{ownerType: ownerType, ownerID: ownerID, params: map[string][]string{}}
	if len(params) > 0 {
		c.params[q.Type] = params
		c.types = []string{q.Type}
	}
	q.conds = append(q.conds, c)
	return nil
}
