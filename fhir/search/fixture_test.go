package search

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/plexus-health/plexus/fhir/spec"
	"github.com/plexus-health/plexus/platform/store"
	"github.com/plexus-health/plexus/platform/store/storetest"
)

// fixture is a store whose resources and index rows a test writes
// directly, so that search is tested apart from extraction.
type fixture struct {
	t  testing.TB
	db *store.DB
	s  *Searcher
	at int64
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	db := storetest.Open(t, testDialect, store.Options{Synchronous: "NORMAL"})
	sp, err := spec.R4()
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{t: t, db: db, s: New(db, sp), at: 1_700_000_000_000_000}
}

func (f *fixture) exec(q string, args ...any) {
	f.t.Helper()
	if _, err := f.db.W.Exec(q, args...); err != nil {
		f.t.Fatalf("%s: %v", q, err)
	}
}

// res stores typ/id as a live resource; each one is a microsecond later.
func (f *fixture) res(typ, id string) *fixture {
	f.at++
	body := fmt.Sprintf(`{"resourceType":%q,"id":%q}`, typ, id)
	f.exec(`INSERT INTO fhir_resources (res_type, res_id, version_id, last_updated, deleted, resource) VALUES (?, ?, 1, ?, 0, ?)`, typ, id, f.at, []byte(body))
	return f
}

func (f *fixture) str(typ, id, param, value string) *fixture {
	f.exec(`INSERT INTO fhir_idx_string (res_type, res_id, param, value, exact) VALUES (?, ?, ?, ?, ?)`, typ, id, param, normalizeString(value), value)
	return f
}

func (f *fixture) token(typ, id, param, system, code, text string) *fixture {
	return f.tokenGrp(typ, id, param, 0, system, code, text)
}

func (f *fixture) tokenGrp(typ, id, param string, grp int, system, code, text string) *fixture {
	f.exec(`INSERT INTO fhir_idx_token (res_type, res_id, param, grp, system, code, text) VALUES (?, ?, ?, ?, ?, ?, ?)`, typ, id, param, grp, system, code, normalizeString(text))
	return f
}

func (f *fixture) ref(typ, id, param, targetType, targetID string) *fixture {
	f.exec(`INSERT INTO fhir_idx_reference (res_type, res_id, param, target_type, target_id, url, version) VALUES (?, ?, ?, ?, ?, '', '')`, typ, id, param, targetType, targetID)
	return f
}

func (f *fixture) refURL(typ, id, param, u, version string) *fixture {
	f.exec(`INSERT INTO fhir_idx_reference (res_type, res_id, param, target_type, target_id, url, version) VALUES (?, ?, ?, '', '', ?, ?)`, typ, id, param, u, version)
	return f
}

func (f *fixture) date(typ, id, param, value string) *fixture {
	lo, hi, err := dateRange(value)
	if err != nil {
		f.t.Fatalf("%s: %v", value, err)
	}
	return f.dateRange(typ, id, param, lo, hi)
}

func (f *fixture) dateRange(typ, id, param string, lo, hi int64) *fixture {
	f.exec(`INSERT INTO fhir_idx_date (res_type, res_id, param, lo, hi) VALUES (?, ?, ?, ?, ?)`, typ, id, param, lo, hi)
	return f
}

func (f *fixture) number(typ, id, param string, v float64) *fixture {
	f.exec(`INSERT INTO fhir_idx_number (res_type, res_id, param, value) VALUES (?, ?, ?, ?)`, typ, id, param, v)
	return f
}

func (f *fixture) quantity(typ, id, param string, grp int, v float64, system, code string) *fixture {
	cv, cc, ok := canonicalQuantity(v, code)
	if !ok {
		cv, cc = 0, ""
	}
	f.exec(`INSERT INTO fhir_idx_quantity (res_type, res_id, param, grp, value, system, code, unit, canon_value, canon_code) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		typ, id, param, grp, v, system, code, code, cv, cc)
	return f
}

func (f *fixture) uri(typ, id, param, u string) *fixture {
	f.exec(`INSERT INTO fhir_idx_uri (res_type, res_id, param, uri) VALUES (?, ?, ?, ?)`, typ, id, param, u)
	return f
}

func (f *fixture) del(typ, id string) *fixture {
	f.exec(`UPDATE fhir_resources SET deleted = 1, resource = NULL WHERE res_type = ? AND res_id = ?`, typ, id)
	for _, t := range []string{"string", "token", "reference", "date", "number", "quantity", "uri"} {
		f.exec(`DELETE FROM fhir_idx_`+t+` WHERE res_type = ? AND res_id = ?`, typ, id)
	}
	return f
}

// match runs query (a URL query string) for typ and returns the sorted ids.
func (f *fixture) match(typ, query string) ([]string, error) {
	f.t.Helper()
	params, err := url.ParseQuery(query)
	if err != nil {
		f.t.Fatal(err)
	}
	ids, err := f.s.Match(context.Background(), nil, typ, params)
	slices.Sort(ids)
	return ids, err
}

// expect checks that query matches exactly want (space separated ids).
func (f *fixture) expect(typ, query, want string) {
	f.t.Helper()
	got, err := f.match(typ, query)
	if err != nil {
		f.t.Errorf("%s?%s: %v", typ, query, err)
		return
	}
	w := strings.Fields(want)
	slices.Sort(w)
	if !slices.Equal(got, w) {
		f.t.Errorf("%s?%s = %v, want %v", typ, query, got, w)
	}
}
