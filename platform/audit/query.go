package audit

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Limits of a query page.
const (
	DefaultLimit = 100
	MaxLimit     = 1000
)

// Filter selects records for Query. Zero fields select everything.
type Filter struct {
	Since time.Time // at or after
	Until time.Time // before
	// Who is a principal's subject (user, API key or client name).
	Who string
	// Actions are the actions wanted, any of them; one ending in "*"
	// matches every action with that prefix ("fhir.*").
	Actions      []string
	ResourceType string
	ResourceID   string
	Outcome      string // OutcomeSuccess, OutcomeFailure or OutcomeError
	// Limit is the page size, DefaultLimit when zero, at most MaxLimit.
	Limit int
	// Before is the cursor of the page to read: records with a smaller
	// seq. Zero starts at the newest record.
	Before int64
}

// Query returns the records that match f, newest first, one page of at most
// f.Limit. next is the Before of the following page, 0 when this is the
// last: paging is by seq (keyset), so records appended meanwhile neither
// shift nor repeat pages.
func (l *Log) Query(ctx context.Context, f Filter) (recs []Record, next int64, err error) {
	limit := f.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	limit = min(limit, MaxLimit)
	var where []string
	var args []any
	add := func(cond string, a ...any) {
		where = append(where, cond)
		args = append(args, a...)
	}
	if f.Before > 0 {
		add("seq < ?", f.Before)
	}
	if !f.Since.IsZero() {
		add("at >= ?", f.Since.UnixNano())
	}
	if !f.Until.IsZero() {
		add("at < ?", f.Until.UnixNano())
	}
	if f.Who != "" {
		add("subject = ?", f.Who)
	}
	if len(f.Actions) > 0 {
		var alts []string
		for _, a := range f.Actions {
			if p, ok := strings.CutSuffix(a, "*"); ok {
				alts = append(alts, "substr(action, 1, ?) = ?")
				args = append(args, len(p), p)
			} else {
				alts = append(alts, "action = ?")
				args = append(args, a)
			}
		}
		where = append(where, "("+strings.Join(alts, " OR ")+")")
	}
	if f.ResourceType != "" {
		add("resource_type = ?", f.ResourceType)
	}
	if f.ResourceID != "" {
		add("resource_id = ?", f.ResourceID)
	}
	if f.Outcome != "" {
		add("outcome = ?", f.Outcome)
	}
	q := `SELECT ` + recordColumns + ` FROM audit`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY seq DESC LIMIT ?"
	args = append(args, limit+1)
	err = l.scan(ctx, q, args, func(rec *Record) bool {
		recs = append(recs, *rec)
		return true
	})
	if err != nil {
		return nil, 0, fmt.Errorf("audit: querying: %w", err)
	}
	if len(recs) > limit {
		recs = recs[:limit]
		next = recs[limit-1].Seq
	}
	return recs, next, nil
}

// Get returns the record with seq, or false when there is none.
func (l *Log) Get(ctx context.Context, seq int64) (Record, bool, error) {
	var found *Record
	err := l.scan(ctx, `SELECT `+recordColumns+` FROM audit WHERE seq = ?`, []any{seq}, func(rec *Record) bool {
		found = rec
		return false
	})
	if err != nil {
		return Record{}, false, fmt.Errorf("audit: reading record %d: %w", seq, err)
	}
	if found == nil {
		return Record{}, false, nil
	}
	return *found, true, nil
}
