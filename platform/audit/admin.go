package audit

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// AdminPath is where AdminHandler serves the log in the admin API.
const AdminPath = "/api/v1/audit"

// Page is the admin API's answer: one page of records, newest first, and
// the "before" value of the next page (0 on the last).
type Page struct {
	Records []Record `json:"records"`
	Next    int64    `json:"next,omitempty"`
}

// adminParams are the query parameters GET /api/v1/audit accepts.
var adminParams = []string{"since", "until", "who", "action", "type", "id", "outcome", "limit", "before"}

// AdminHandler serves the log in the admin API:
//
//	GET /api/v1/audit?since=&until=&who=&action=&type=&id=&outcome=&limit=&before=
//
// since and until are RFC 3339 times (until exclusive), action is a
// comma-separated list (an entry ending in "*" is a prefix), limit is at
// most MaxLimit, and before is the next value of the previous Page. The
// answer is a Page as JSON; a bad or unknown parameter is a 400 with an
// {"error": "..."} body like the rest of the admin API. Mount it at
// AdminPath behind authentication that lets auditors only through.
func (l *Log) AdminHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		if r.URL.Path != AdminPath {
			writeJSON(w, http.StatusNotFound, adminError{"not found"})
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			writeJSON(w, http.StatusMethodNotAllowed, adminError{"method " + r.Method + " is not allowed; the audit log is read-only"})
			return
		}
		f, err := adminFilter(r.URL.Query())
		if err != nil {
			writeJSON(w, http.StatusBadRequest, adminError{err.Error()})
			return
		}
		recs, next, err := l.Query(r.Context(), f)
		if err != nil {
			l.log.Error("audit: admin API query failed", "err", err)
			writeJSON(w, http.StatusInternalServerError, adminError{"internal error; see the server log"})
			return
		}
		if recs == nil {
			recs = []Record{}
		}
		writeJSON(w, http.StatusOK, Page{Records: recs, Next: next})
	})
}

// adminError is the admin API's error body.
type adminError struct {
	Message string `json:"error"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v) // a failed write means the client went away
}

// adminFilter reads the admin API's query parameters.
func adminFilter(q url.Values) (Filter, error) {
	var f Filter
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if !slices.Contains(adminParams, k) {
			return f, fmt.Errorf("parameter %s: unknown parameter", k)
		}
		if len(q[k]) > 1 {
			return f, fmt.Errorf("parameter %s: given %d times, at most once allowed", k, len(q[k]))
		}
		v := q.Get(k)
		if v == "" {
			continue
		}
		var err error
		switch k {
		case "since", "until":
			var t time.Time
			if t, err = time.Parse(time.RFC3339Nano, v); err != nil {
				return f, fmt.Errorf("parameter %s: must be an RFC 3339 time such as 2025-01-31T08:00:00Z, not %q", k, v)
			}
			if k == "since" {
				f.Since = t
			} else {
				f.Until = t
			}
		case "who":
			f.Who = v
		case "action":
			f.Actions = strings.Split(v, ",")
		case "type":
			f.ResourceType = v
		case "id":
			f.ResourceID = v
		case "outcome":
			if v != OutcomeSuccess && v != OutcomeFailure && v != OutcomeError {
				return f, fmt.Errorf("parameter outcome: must be %s, %s or %s, not %q", OutcomeSuccess, OutcomeFailure, OutcomeError, v)
			}
			f.Outcome = v
		case "limit":
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > MaxLimit {
				return f, fmt.Errorf("parameter limit: must be an integer from 1 to %d, not %q", MaxLimit, v)
			}
			f.Limit = n
		case "before":
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 1 {
				return f, fmt.Errorf("parameter before: must be a positive integer, not %q", v)
			}
			f.Before = n
		}
	}
	return f, nil
}
