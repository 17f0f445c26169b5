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

// fhirParams are the AuditEvent search parameters FHIRHandler supports.
var fhirParams = []string{"date", "agent", "subtype", "entity", "entity-type", "outcome", "_count", "_cursor", "_format"}

// FHIRHandler serves the log as read-only FHIR R4 AuditEvent resources
// under base ("/fhir"):
//
//	GET  {base}/AuditEvent?date=&agent=&subtype=&entity=&entity-type=&outcome=&_count=
//	POST {base}/AuditEvent/_search   the same, form-encoded
//	GET  {base}/AuditEvent/{id}
//
// A search answers a searchset Bundle, newest first, with a next link while
// there are more. date takes eq (the default), ge, gt, le and lt prefixes and
// may repeat (the ranges are combined); agent is a principal's subject;
// subtype is a restful-interaction code ("read", "search-type") or a Plexus
// action ("admin.dlq.replay"), comma-separated for any of several; entity is
// a "Type/id" reference; entity-type a resource type; outcome 0, 4 or 8.
// An unknown parameter is a 400. Any other method answers 405: the log is
// written by Plexus alone. Every error is an OperationOutcome.
//
// Mount it for the paths {base}/AuditEvent and {base}/AuditEvent/ ahead of
// the FHIR server, behind authentication that lets auditors only through.
func (l *Log) FHIRHandler(base string) http.Handler {
	base = "/" + strings.Trim(base, "/")
	if base == "/" {
		base = "/fhir"
	}
	prefix := base + "/AuditEvent"
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rest, ok := strings.CutPrefix(r.URL.Path, prefix)
		if !ok || rest != "" && rest[0] != '/' {
			writeOutcome(w, http.StatusNotFound, "not-found", "no AuditEvent interaction at "+strconv.Quote(r.URL.Path))
			return
		}
		rest = strings.Trim(rest, "/")
		search := rest == "" && (r.Method == http.MethodGet || r.Method == http.MethodHead) ||
			rest == "_search" && r.Method == http.MethodPost
		read := rest != "" && rest != "_search" && !strings.Contains(rest, "/") && (r.Method == http.MethodGet || r.Method == http.MethodHead)
		switch {
		case search:
			l.searchFHIR(w, r, base)
		case read:
			l.readFHIR(w, r, rest)
		case r.Method != http.MethodGet && r.Method != http.MethodHead && rest != "_search":
			w.Header().Set("Allow", "GET, HEAD")
			writeOutcome(w, http.StatusMethodNotAllowed, "not-supported", "AuditEvent is read-only: Plexus alone writes the audit log")
		default:
			writeOutcome(w, http.StatusNotFound, "not-found", "no AuditEvent interaction at "+r.Method+" "+strconv.Quote(r.URL.Path))
		}
	})
}

func (l *Log) readFHIR(w http.ResponseWriter, r *http.Request, id string) {
	seq, err := strconv.ParseInt(id, 10, 64)
	if err != nil || seq < 1 {
		writeOutcome(w, http.StatusNotFound, "not-found", "AuditEvent/"+id+" is not known")
		return
	}
	rec, ok, err := l.Get(r.Context(), seq)
	if err != nil {
		l.log.Error("audit: reading an AuditEvent failed", "err", err)
		writeOutcome(w, http.StatusInternalServerError, "exception", "internal error; see the server log")
		return
	}
	if !ok {
		writeOutcome(w, http.StatusNotFound, "not-found", "AuditEvent/"+id+" is not known")
		return
	}
	writeFHIR(w, http.StatusOK, auditEvent(&rec))
}

func (l *Log) searchFHIR(w http.ResponseWriter, r *http.Request, base string) {
	q := r.URL.Query()
	if r.Method == http.MethodPost {
		if err := r.ParseForm(); err != nil {
			writeOutcome(w, http.StatusBadRequest, "invalid", "reading the search form: "+err.Error())
			return
		}
		q = r.Form
	}
	f, err := fhirFilter(q)
	if err != nil {
		writeOutcome(w, http.StatusBadRequest, "invalid", err.Error())
		return
	}
	recs, next, err := l.Query(r.Context(), f)
	if err != nil {
		l.log.Error("audit: searching AuditEvents failed", "err", err)
		writeOutcome(w, http.StatusInternalServerError, "exception", "internal error; see the server log")
		return
	}
	baseURL := requestBase(r, base)
	self := baseURL + "/AuditEvent"
	links := []any{map[string]any{"relation": "self", "url": self + encodeQuery(q, "")}}
	if next != 0 {
		links = append(links, map[string]any{"relation": "next", "url": self + encodeQuery(q, strconv.FormatInt(next, 10))})
	}
	entries := make([]any, 0, len(recs))
	for i := range recs {
		ev := auditEvent(&recs[i])
		entries = append(entries, map[string]any{
			"fullUrl":  self + "/" + ev["id"].(string),
			"resource": ev,
			"search":   map[string]any{"mode": "match"},
		})
	}
	bundle := map[string]any{"resourceType": "Bundle", "type": "searchset", "link": links}
	if len(entries) > 0 {
		bundle["entry"] = entries
	}
	writeFHIR(w, http.StatusOK, bundle)
}

// encodeQuery re-encodes a search's parameters with _cursor set to cursor
// (dropped when "").
func encodeQuery(q url.Values, cursor string) string {
	v := url.Values{}
	for k, vs := range q {
		if k != "_cursor" {
			v[k] = vs
		}
	}
	if cursor != "" {
		v.Set("_cursor", cursor)
	}
	if len(v) == 0 {
		return ""
	}
	return "?" + v.Encode()
}

// requestBase is the absolute FHIR base of r: its scheme, host and base.
func requestBase(r *http.Request, base string) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + base
}

// fhirFilter reads the AuditEvent search parameters.
func fhirFilter(q url.Values) (Filter, error) {
	var f Filter
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if !slices.Contains(fhirParams, k) {
			return f, fmt.Errorf("search parameter %q is not supported for AuditEvent (supported: %s)", k, strings.Join(fhirParams[:len(fhirParams)-2], ", "))
		}
		if k != "date" && len(q[k]) > 1 {
			return f, fmt.Errorf("search parameter %s: given %d times, at most once allowed", k, len(q[k]))
		}
	}
	for _, v := range q["date"] {
		if err := dateRange(&f, v); err != nil {
			return f, fmt.Errorf("search parameter date: %w", err)
		}
	}
	f.Who = q.Get("agent")
	for _, v := range strings.Split(q.Get("subtype"), ",") {
		if v != "" {
			f.Actions = append(f.Actions, subtypeAction(v))
		}
	}
	if v := q.Get("entity"); v != "" {
		typ, id, ok := strings.Cut(v, "/")
		if !ok || typ == "" || id == "" {
			return f, fmt.Errorf("search parameter entity: must be a reference such as Patient/123, not %q", v)
		}
		f.ResourceType, f.ResourceID = typ, id
	}
	if v := q.Get("entity-type"); v != "" {
		if f.ResourceType != "" && f.ResourceType != v {
			return f, fmt.Errorf("search parameters entity and entity-type name different types")
		}
		f.ResourceType = v
	}
	switch v := q.Get("outcome"); v {
	case "":
	case "0":
		f.Outcome = OutcomeSuccess
	case "4":
		f.Outcome = OutcomeFailure
	case "8":
		f.Outcome = OutcomeError
	default:
		return f, fmt.Errorf("search parameter outcome: must be 0, 4 or 8, not %q", v)
	}
	if v := q.Get("_count"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return f, fmt.Errorf("search parameter _count: must be a positive integer, not %q", v)
		}
		f.Limit = min(n, MaxLimit)
	}
	if v := q.Get("_cursor"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1 {
			return f, fmt.Errorf("search parameter _cursor: %q is not a cursor of this server", v)
		}
		f.Before = n
	}
	return f, nil
}

// subtypeAction turns a subtype token ([system|]code) into an action of
// Filter.Actions.
func subtypeAction(token string) string {
	system, code, ok := strings.Cut(token, "|")
	if !ok {
		system, code = "", token
	}
	switch {
	case system == systemInteraction, system == "" && interactions[code].action != "":
		if code == "operation" {
			return "fhir.operation.*"
		}
		return "fhir." + code
	}
	return code
}

// dateRange narrows f by one date search value: an optional prefix (eq,
// ge, gt, le, lt) and a FHIR date or dateTime, whose precision makes it a
// range (2026-03 is all of March).
func dateRange(f *Filter, v string) error {
	prefix := "eq"
	if len(v) > 2 && v[0] >= 'a' && v[0] <= 'z' {
		prefix, v = v[:2], v[2:]
	}
	start, end, err := parseDate(v)
	if err != nil {
		return err
	}
	since, until := time.Time{}, time.Time{}
	switch prefix {
	case "eq":
		since, until = start, end
	case "ge":
		since = start
	case "gt":
		since = end
	case "le":
		until = end
	case "lt":
		until = start
	default:
		return fmt.Errorf("prefix %q is not supported (eq, ge, gt, le, lt)", prefix)
	}
	if !since.IsZero() && (f.Since.IsZero() || since.After(f.Since)) {
		f.Since = since
	}
	if !until.IsZero() && (f.Until.IsZero() || until.Before(f.Until)) {
		f.Until = until
	}
	return nil
}

// dateLayouts are the FHIR date and dateTime forms, each with the step to
// the end of the range it stands for. A value without a zone is UTC.
var dateLayouts = []struct {
	layout string
	next   func(time.Time) time.Time
}{
	{"2006", func(t time.Time) time.Time { return t.AddDate(1, 0, 0) }},
	{"2006-01", func(t time.Time) time.Time { return t.AddDate(0, 1, 0) }},
	{"2006-01-02", func(t time.Time) time.Time { return t.AddDate(0, 0, 1) }},
	{"2006-01-02T15:04Z07:00", func(t time.Time) time.Time { return t.Add(time.Minute) }},
	{"2006-01-02T15:04:05Z07:00", func(t time.Time) time.Time { return t.Add(time.Second) }},
	{"2006-01-02T15:04:05", func(t time.Time) time.Time { return t.Add(time.Second) }},
}

// parseDate returns the range [start, end) a FHIR date or dateTime covers.
func parseDate(v string) (start, end time.Time, err error) {
	// Fractional seconds: the range is the instant itself, to the
	// nanosecond. (time.Parse would accept them with the layouts below too,
	// and make the range a whole second.)
	if strings.Contains(v, ".") {
		if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
			return t, t.Add(time.Nanosecond), nil
		}
	} else {
		for _, d := range dateLayouts {
			if t, err := time.Parse(d.layout, v); err == nil {
				return t, d.next(t), nil
			}
		}
	}
	return time.Time{}, time.Time{}, fmt.Errorf("%q is not a FHIR date or dateTime such as 2026-03-01 or 2026-03-01T08:00:00Z", v)
}

// writeFHIR answers a FHIR resource as JSON.
func writeFHIR(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/fhir+json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v) // a failed write means the client went away
}

// writeOutcome answers an error as an OperationOutcome.
func writeOutcome(w http.ResponseWriter, status int, code, msg string) {
	writeFHIR(w, status, map[string]any{
		"resourceType": "OperationOutcome",
		"issue":        []any{map[string]any{"severity": "error", "code": code, "diagnostics": msg}},
	})
}
