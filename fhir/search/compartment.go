package search

import (
	"net/url"
	"slices"

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
