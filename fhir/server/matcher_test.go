package server

import (
	"context"
	"database/sql"
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/plexus-health/plexus/fhir/search"
	"github.com/plexus-health/plexus/platform/store"
)

// scanMatcher is a Matcher for tests that needs no search index: it reads
// every live resource of the type and keeps those whose identifier (system
// and value, "sys|val", "|val" or "val") or _id matches. Any other
// parameter is a query error.
type scanMatcher struct {
	db    *store.DB
	calls atomic.Int64
}

func (m *scanMatcher) Match(ctx context.Context, tx *sql.Tx, typ string, params url.Values) ([]string, error) {
	m.calls.Add(1)
	for k := range params {
		if k != "identifier" && k != "_id" {
			return nil, &search.ParamError{Param: k, Reason: "unknown search parameter"}
		}
	}
	const q = `SELECT res_id, resource FROM fhir_resources WHERE res_type = ? AND deleted = 0`
	var rows *sql.Rows
	var err error
	if tx != nil {
		rows, err = tx.QueryContext(ctx, q, typ)
	} else {
		rows, err = m.db.R.QueryContext(ctx, q, typ)
	}
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		var body []byte
		if err := rows.Scan(&id, &body); err != nil {
			return nil, err
		}
		var res struct {
			Identifier []struct{ System, Value string }
		}
		if err := json.Unmarshal(body, &res); err != nil {
			return nil, err
		}
		if matchesAll(params, id, res.Identifier) {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids, rows.Err()
}

func matchesAll(params url.Values, id string, idents []struct{ System, Value string }) bool {
	for k, vals := range params {
		for _, want := range vals {
			ok := false
			if k == "_id" {
				ok = id == want
			} else {
				sys, val, hasSys := strings.Cut(want, "|")
				for _, ident := range idents {
					if hasSys && ident.System == sys && ident.Value == val || !hasSys && ident.Value == want {
						ok = true
					}
				}
			}
			if !ok {
				return false
			}
		}
	}
	return true
}

// matchServer serves a handler with a scanMatcher over a fresh store.
func matchServer(t testing.TB) (*httptest.Server, *scanMatcher) {
	t.Helper()
	db, r, v := fixture(t)
	m := &scanMatcher{db: db}
	return serve(t, New(r, v, Options{Matcher: m})), m
}

// countType counts the live resources of a type, straight from the store.
func (m *scanMatcher) count(t testing.TB, typ string) int {
	t.Helper()
	var n int
	if err := m.db.R.QueryRow(`SELECT COUNT(*) FROM fhir_resources WHERE res_type = ? AND deleted = 0`, typ).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
