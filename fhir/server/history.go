package server

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/plexus-health/plexus/fhir/repo"
	"github.com/plexus-health/plexus/platform/auth"
)

// History Bundles. The types mirror only the members the server writes; the
// resources are pasted in as stored, not decoded and re-encoded.
type (
	bundle struct {
		ResourceType string        `json:"resourceType"`
		Type         string        `json:"type"`
		Link         []bundleLink  `json:"link"`
		Entry        []bundleEntry `json:"entry,omitempty"`
	}
	bundleLink struct {
		Relation string `json:"relation"`
		URL      string `json:"url"`
	}
	bundleEntry struct {
		FullURL  string          `json:"fullUrl"`
		Resource json.RawMessage `json:"resource,omitempty"`
		Request  entryRequest    `json:"request"`
		Response entryResponse   `json:"response"`
	}
	entryRequest struct {
		Method string `json:"method"`
		URL    string `json:"url"`
	}
	entryResponse struct {
		Status       string `json:"status"`
		Etag         string `json:"etag"`
		LastModified string `json:"lastModified"`
	}
)

// cursorParam carries the repository's history cursor in next links. It is
// opaque to clients.
const cursorParam = "_cursor"

func (s *Server) historySystem(w http.ResponseWriter, r *http.Request) {
	s.history(w, r, "", "")
}

func (s *Server) historyType(w http.ResponseWriter, r *http.Request) {
	s.history(w, r, r.PathValue("type"), "")
}

func (s *Server) historyInstance(w http.ResponseWriter, r *http.Request) {
	s.history(w, r, r.PathValue("type"), r.PathValue("id"))
}

// history answers a history interaction at any level with one page, newest
// first, and a next link while more remain. _since and _count are kept in
// the next link; the cursor pins the page to the write order, so versions
// written meanwhile do not shift it.
func (s *Server) history(w http.ResponseWriter, r *http.Request, typ, id string) {
	q := r.URL.Query()
	var since time.Time
	if v := q.Get("_since"); v != "" {
		t, err := parseInstant(v)
		if err != nil {
			writeOutcome(w, http.StatusBadRequest, "invalid", "_since "+quote(v)+" is not a FHIR instant (2024-01-31T12:00:00Z)")
			return
		}
		since = t
	}
	count := 0
	if v := q.Get("_count"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			writeOutcome(w, http.StatusBadRequest, "invalid", "_count "+quote(v)+" is not a positive integer")
			return
		}
		count = min(n, repo.MaxCount)
	}
	g := guardOf(r)
	if id != "" && s.hidden(w, r, auth.Read, typ, id) {
		return
	}
	if id != "" {
		// History of a resource that never existed is a 404, not an empty
		// Bundle; a deleted one still has its history.
		if _, err := s.repo.Read(r.Context(), typ, id); err != nil && !isGone(err) {
			s.fail(w, r, err)
			return
		}
	}
	page, err := s.repo.History(r.Context(), typ, id, since, count, q.Get(cursorParam))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if g != nil && id == "" {
		if page.Versions, err = g.visibleVersions(r.Context(), page.Versions); err != nil {
			s.fail(w, r, err)
			return
		}
	}

	base := s.baseURL(r)
	path := base
	if typ != "" {
		path += "/" + typ
	}
	if id != "" {
		path += "/" + id
	}
	path += "/_history"
	b := bundle{ResourceType: "Bundle", Type: "history"}
	b.Link = append(b.Link, bundleLink{"self", pageURL(path, q, q.Get(cursorParam))})
	if page.Next != "" {
		b.Link = append(b.Link, bundleLink{"next", pageURL(path, q, page.Next)})
	}
	for _, v := range page.Versions {
		b.Entry = append(b.Entry, historyEntry(base, v))
	}
	body, err := json.Marshal(b)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, body)
}

// pageURL is the URL of a history page: the request's _since and _count with
// the cursor of the page.
func pageURL(path string, q url.Values, cursor string) string {
	keep := url.Values{}
	for _, k := range []string{"_since", "_count"} {
		if v := q.Get(k); v != "" {
			keep.Set(k, v)
		}
	}
	if cursor != "" {
		keep.Set(cursorParam, cursor)
	}
	if len(keep) == 0 {
		return path
	}
	return path + "?" + keep.Encode()
}

// historyEntry describes one version as the interaction that wrote it. The
// repository records create for both a POST and an update-as-create; a
// first version is shown as the POST, a later create (a resource brought
// back after a delete, which only PUT can do) as the PUT.
func historyEntry(base string, v *repo.Version) bundleEntry {
	ref := v.Type + "/" + v.ID
	e := bundleEntry{
		FullURL:  base + "/" + ref,
		Resource: v.Resource,
		Response: entryResponse{
			Etag:         etag(v.VersionID),
			LastModified: v.LastUpdated.UTC().Format(time.RFC3339Nano),
		},
	}
	switch {
	case v.Method == repo.MethodDelete:
		e.Request = entryRequest{http.MethodDelete, ref}
		e.Response.Status = "204 No Content"
	case v.Method == repo.MethodCreate && v.VersionID == "1":
		e.Request = entryRequest{http.MethodPost, v.Type}
		e.Response.Status = "201 Created"
	case v.Method == repo.MethodCreate:
		e.Request = entryRequest{http.MethodPut, ref}
		e.Response.Status = "201 Created"
	default:
		e.Request = entryRequest{http.MethodPut, ref}
		e.Response.Status = "200 OK"
	}
	return e
}

// parseInstant reads _since: an instant, or a date or dateTime to seconds
// with a time zone, as FHIR search dates may be written.
func parseInstant(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	return time.Parse(time.DateOnly, s)
}

func isGone(err error) bool { return errors.Is(err, repo.ErrGone) }
