package server

import (
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/plexus-health/plexus/fhir/search"
	"github.com/plexus-health/plexus/fhir/validate"
	"github.com/plexus-health/plexus/platform/auth"
)

// Search answers: a searchset Bundle per page. The resources are pasted in
// as stored, or cut down by _summary and _elements.
type (
	searchBundle struct {
		ResourceType string        `json:"resourceType"`
		Type         string        `json:"type"`
		Total        *int          `json:"total,omitempty"`
		Link         []bundleLink  `json:"link"`
		Entry        []searchEntry `json:"entry,omitempty"`
	}
	searchEntry struct {
		FullURL  string          `json:"fullUrl,omitempty"`
		Resource json.RawMessage `json:"resource"`
		Search   entrySearch     `json:"search"`
	}
	entrySearch struct {
		Mode string `json:"mode"`
	}
)

// searchType is GET [base]/{type}?params.
func (s *Server) searchType(w http.ResponseWriter, r *http.Request) {
	s.runSearch(w, r, r.PathValue("type"), r.URL.Query(), "")
}

// searchCompartment is GET [base]/{comp}/{id}/{type}: the search of type
// within the compartment of comp/id (Patient/123/Observation?code=...).
func (s *Server) searchCompartment(w http.ResponseWriter, r *http.Request) {
	s.runSearchIn(w, r, r.PathValue("type"), r.URL.Query(), r.PathValue("comp"), r.PathValue("id"))
}

// searchTypePost is POST [base]/{type}/_search with the parameters in a
// form body (and possibly the URL too).
func (s *Server) searchTypePost(w http.ResponseWriter, r *http.Request) {
	params := r.URL.Query()
	if r.Body != nil && r.Body != http.NoBody {
		if err := r.ParseForm(); err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				s.fail(w, r, err)
				return
			}
			writeOutcome(w, http.StatusBadRequest, "invalid", "the form body does not parse: "+err.Error())
			return
		}
		for k, vs := range r.PostForm {
			params[k] = append(params[k], vs...)
		}
	}
	s.runSearch(w, r, r.PathValue("type"), params, "")
}

// searchSystem is GET [base]?_type=...: a search across types.
func (s *Server) searchSystem(w http.ResponseWriter, r *http.Request) {
	s.runSearch(w, r, "", r.URL.Query(), "")
}

// everything is GET [base]/Patient/{id}/$everything: the patient and every
// resource in its compartment, paged like a search.
func (s *Server) everything(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if g := guardOf(r); g != nil && !g.permits(auth.Read|auth.Search, "Patient") {
		s.fail(w, r, forbidden(auth.Read|auth.Search, "Patient"))
		return
	}
	if s.hidden(w, r, auth.Read|auth.Search, "Patient", id) {
		return
	}
	if _, err := s.repo.Read(r.Context(), "Patient", id); err != nil {
		s.fail(w, r, err)
		return
	}
	s.runSearch(w, r, "", r.URL.Query(), id)
}

// formContentType accepts the form bodies of POST _search.
func formContentType(ct string) (string, bool) {
	mt, _, err := mime.ParseMediaType(ct)
	if ct == "" || (err == nil && mt == "application/x-www-form-urlencoded") {
		return "", true
	}
	return "Content-Type " + quote(ct) + " is not supported for _search: send application/x-www-form-urlencoded", false
}

// strictHandling reports whether the client sent Prefer: handling=strict.
func strictHandling(r *http.Request) bool {
	for _, line := range r.Header.Values("Prefer") {
		for p := range strings.SplitSeq(line, ";") {
			for p := range strings.SplitSeq(p, ",") {
				if k, v, ok := strings.Cut(strings.TrimSpace(p), "="); ok && strings.EqualFold(k, "handling") && strings.EqualFold(strings.Trim(v, `"`), "strict") {
					return true
				}
			}
		}
	}
	return false
}

// runSearch parses params, runs the search and writes the searchset. A
// non-empty patient makes it $everything for that patient.
func (s *Server) runSearch(w http.ResponseWriter, r *http.Request, typ string, params url.Values, patient string) {
	s.runSearchIn(w, r, typ, params, "", patient)
}

// runSearchIn is runSearch within the compartment of compType/compID when
// compType is set.
func (s *Server) runSearchIn(w http.ResponseWriter, r *http.Request, typ string, params url.Values, compType, patient string) {
	base := s.baseURL(r)
	opts := search.ParseOptions{Strict: strictHandling(r), Base: base}
	var q *search.Query
	var err error
	if patient != "" && compType == "" {
		q, err = s.search.Everything(patient, params, opts)
	} else {
		q, err = s.search.Parse(typ, params, opts)
		if err == nil && compType != "" {
			err = s.search.InCompartment(q, compType, patient)
		}
	}
	if err != nil {
		s.searchFail(w, r, err)
		return
	}
	if g := guardOf(r); g != nil {
		// In the SQL, not filtered afterwards: pages and _total count only
		// what the caller may see. $everything reads as well as searches.
		need := auth.Search
		if patient != "" && compType == "" {
			need |= auth.Read
		}
		s.search.Restrict(q, g.searchAccess(need))
	}
	page, err := s.search.Search(r.Context(), q)
	if err != nil {
		s.searchFail(w, r, err)
		return
	}

	path := base
	switch {
	case compType != "":
		path += "/" + compType + "/" + patient + "/" + typ
	case patient != "":
		path += "/Patient/" + patient + "/$everything"
	case typ != "":
		path += "/" + typ
	}
	b := searchBundle{ResourceType: "Bundle", Type: "searchset"}
	if page.Total >= 0 {
		b.Total = &page.Total
	}
	link := func(rel, cursor string) {
		b.Link = append(b.Link, bundleLink{rel, searchURL(path, params, q, cursor)})
	}
	link("self", q.Cursor)
	link("first", "")
	if page.Prev != "" {
		link("previous", page.Prev)
	}
	if page.Next != "" {
		link("next", page.Next)
	}
	shape := s.shaper(q)
	for _, m := range page.Matches {
		b.Entry = append(b.Entry, searchEntry{FullURL: base + "/" + m.Type + "/" + m.ID, Resource: shape(m.Type, m.JSON), Search: entrySearch{"match"}})
	}
	for _, m := range page.Included {
		b.Entry = append(b.Entry, searchEntry{FullURL: base + "/" + m.Type + "/" + m.ID, Resource: shape(m.Type, m.JSON), Search: entrySearch{"include"}})
	}
	if len(q.Unknown) > 0 {
		o := &validate.OperationOutcome{}
		for _, u := range q.Unknown {
			o.Issues = append(o.Issues, validate.Issue{Severity: "warning", Code: "not-supported", Diagnostics: u.Error() + "; ignored"})
		}
		raw, err := json.Marshal(o)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		b.Entry = append(b.Entry, searchEntry{Resource: raw, Search: entrySearch{"outcome"}})
	}
	body, err := json.Marshal(b)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, body)
}

// searchFail answers a parameter error with 400 and anything else as fail
// does.
func (s *Server) searchFail(w http.ResponseWriter, r *http.Request, err error) {
	var pe *search.ParamError
	if errors.As(err, &pe) {
		code := "invalid"
		if pe.Unknown {
			code = "not-supported"
		}
		writeOutcome(w, http.StatusBadRequest, code, pe.Error())
		return
	}
	s.fail(w, r, err)
}

// searchURL is the URL of a page: the parameters the search applied (not
// the ones it ignored), with the page's cursor.
func searchURL(path string, params url.Values, q *search.Query, cursor string) string {
	keep := url.Values{}
	for _, name := range q.Used {
		keep[name] = params[name]
	}
	if vs := params["_type"]; len(vs) > 0 {
		keep["_type"] = vs
	}
	if cursor != "" {
		keep.Set("_cursor", cursor)
	}
	if len(keep) == 0 {
		return path
	}
	return path + "?" + keep.Encode()
}

// shaper returns how to cut a resource down for _summary and _elements;
// the identity when neither applies.
func (s *Server) shaper(q *search.Query) func(typ string, raw []byte) json.RawMessage {
	if len(q.Elements) == 0 && (q.Summary == "" || q.Summary == "false") {
		return func(_ string, raw []byte) json.RawMessage { return raw }
	}
	return func(typ string, raw []byte) json.RawMessage {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(raw, &m); err != nil {
			return raw
		}
		keep := func(k string) bool {
			name := strings.TrimPrefix(k, "_") // _birthDate goes with birthDate
			switch name {
			case "resourceType", "id", "meta":
				return true
			}
			if len(q.Elements) > 0 {
				for _, e := range q.Elements {
					if e == name || strings.TrimPrefix(e, typ+".") == name {
						return true
					}
				}
				return false
			}
			switch q.Summary {
			case "text":
				return name == "text" || s.mandatory(typ, name)
			case "data":
				return name != "text"
			}
			return s.inSummary(typ, name)
		}
		removed := false
		for k := range m {
			if !keep(k) {
				delete(m, k)
				removed = true
			}
		}
		if !removed {
			return raw
		}
		markSubsetted(m)
		out, err := json.Marshal(m)
		if err != nil {
			return raw
		}
		return out
	}
}

// inSummary reports whether the top-level element name of typ is in the
// _summary=true view.
func (s *Server) inSummary(typ, name string) bool {
	r, ok := s.spec.Resolve(typ + "." + name)
	return ok && r.Element != nil && (r.Element.IsSummary || r.Element.IsModifier)
}

func (s *Server) mandatory(typ, name string) bool {
	r, ok := s.spec.Resolve(typ + "." + name)
	return ok && r.Element != nil && r.Element.Min > 0
}

// markSubsetted adds the SUBSETTED tag to meta, as FHIR asks of a resource
// returned with elements left out.
func markSubsetted(m map[string]json.RawMessage) {
	var meta map[string]json.RawMessage
	if raw, ok := m["meta"]; ok {
		json.Unmarshal(raw, &meta)
	}
	if meta == nil {
		meta = map[string]json.RawMessage{}
	}
	var tags []json.RawMessage
	if raw, ok := meta["tag"]; ok {
		json.Unmarshal(raw, &tags)
	}
	tags = append(tags, json.RawMessage(`{"system":"http://terminology.hl7.org/CodeSystem/v3-ObservationValue","code":"SUBSETTED"}`))
	meta["tag"], _ = json.Marshal(tags)
	m["meta"], _ = json.Marshal(meta)
}

// searchParamsOf lists the search parameters of typ the searcher supports,
// sorted by code, for the CapabilityStatement.
func (s *Server) searchParamsOf(typ string) []map[string]string {
	var out []map[string]string
	for _, p := range search.Supported(s.spec, typ) {
		out = append(out, map[string]string{"name": p.Code, "definition": p.URL, "type": p.Type})
	}
	sort.Slice(out, func(i, j int) bool { return out[i]["name"] < out[j]["name"] })
	return out
}
