package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/plexus-health/plexus/platform/audit"
	"github.com/plexus-health/plexus/platform/auth"
)

// auditPageSize is the number of audit records a page lists.
const auditPageSize = 100

// auditData is the audit page.
type auditData struct {
	Enabled  bool
	Query    url.Values
	Error    string
	Records  []audit.Record
	Next     int64
	Outcomes []string
}

// parseAuditFilter reads the audit page's filters: who, action (a trailing
// * matches a prefix), resource (an id), outcome, from and to, before.
func parseAuditFilter(q url.Values) (audit.Filter, error) {
	f := audit.Filter{Who: strings.TrimSpace(q.Get("who")), ResourceID: strings.TrimSpace(q.Get("resource")),
		Outcome: q.Get("outcome"), Limit: auditPageSize}
	if a := strings.TrimSpace(q.Get("action")); a != "" {
		f.Actions = []string{a}
	}
	switch f.Outcome {
	case "", audit.OutcomeSuccess, audit.OutcomeFailure, audit.OutcomeError:
	default:
		return f, errorf(http.StatusBadRequest, "Outcome must be success, failure or error.")
	}
	var err error
	if f.Since, err = parseFormTime(q.Get("from")); err != nil {
		return f, errorf(http.StatusBadRequest, "From: %v.", err)
	}
	if f.Until, err = parseFormTime(q.Get("to")); err != nil {
		return f, errorf(http.StatusBadRequest, "To: %v.", err)
	}
	if v := q.Get("before"); v != "" {
		if f.Before, err = strconv.ParseInt(v, 10, 64); err != nil || f.Before <= 0 {
			return f, errorf(http.StatusBadRequest, "The page cursor must be a positive sequence number.")
		}
	}
	return f, nil
}

func (s *server) auditPage(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	d := auditData{Enabled: s.opts.Audit != nil, Query: q,
		Outcomes: []string{audit.OutcomeSuccess, audit.OutcomeFailure, audit.OutcomeError}}
	status := http.StatusOK
	if d.Enabled {
		f, err := parseAuditFilter(q)
		var pe *pageError
		switch {
		case errors.As(err, &pe):
			d.Error, status = pe.msg, pe.status
		case err != nil:
			return err
		default:
			if d.Records, d.Next, err = s.opts.Audit.Query(r.Context(), f); err != nil {
				return err
			}
		}
	}
	p, _ := auth.FromContext(r.Context())
	s.render(w, r, status, "audit.html", "Audit log", p, d)
	return nil
}
