package search

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/plexus-health/plexus/fhir/spec"
	"github.com/plexus-health/plexus/platform/store"
)

// Searcher runs searches on a store. It is safe for concurrent use.
type Searcher struct {
	db   *store.DB
	spec *spec.Spec
}

// New returns a Searcher over db, whose migrations have created the index
// tables, with the R4 search parameters of sp.
func New(db *store.DB, sp *spec.Spec) *Searcher {
	return &Searcher{db: db, spec: sp}
}

// Spec returns the definitions the searcher resolves parameters with.
func (s *Searcher) Spec() *spec.Spec { return s.spec }

// Parse is [Parse] with the searcher's definitions.
func (s *Searcher) Parse(typ string, params url.Values, opts ParseOptions) (*Query, error) {
	return Parse(s.spec, typ, params, opts)
}

// Resource is one resource of a result, as stored.
type Resource struct {
	Type, ID    string
	VersionID   string
	LastUpdated time.Time
	JSON        []byte
}

// Page is one page of a search.
type Page struct {
	// Matches are the resources that match, in order.
	Matches []Resource
	// Included are the resources _include and _revinclude brought in that
	// are not matches themselves.
	Included []Resource
	// Total is the number of matches on all pages, -1 when not counted
	// (_total=none).
	Total int
	// Next and Prev are the cursors of the following and preceding pages,
	// "" when there is none.
	Next, Prev string
}

// queryer is what both *sql.DB and *sql.Tx give.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// Match returns the ids of the live resources of type typ that match
// params, in id order and without paging, for conditional create, update
// and delete and conditional references. Unknown parameters are an error
// here: ignoring one would widen a conditional delete. Result parameters
// (_sort, _count, _include...) are ignored. It runs inside tx when tx is not
// nil (and sees that transaction's writes), else on the reader pool.
func (s *Searcher) Match(ctx context.Context, tx *sql.Tx, typ string, params url.Values) ([]string, error) {
	return s.match(ctx, tx, typ, params, nil)
}

func (s *Searcher) match(ctx context.Context, tx *sql.Tx, typ string, params url.Values, a *Access) ([]string, error) {
	q, err := Parse(s.spec, typ, params, ParseOptions{Strict: true})
	if err != nil {
		return nil, err
	}
	if typ == "" {
		return nil, paramErr("", "", "a match needs a resource type")
	}
	s.Restrict(q, a)
	b := newBuilder(s.db.Dialect)
	b.w("SELECT r.res_id FROM fhir_resources r WHERE ")
	s.whereClause(b, q, "r")
	b.w(" ORDER BY r.res_id")
	var qr queryer = s.db.R
	if tx != nil {
		qr = tx
	}
	rows, err := qr.QueryContext(ctx, b.String(), b.args...)
	if err != nil {
		return nil, fmt.Errorf("fhir/search: matching %s: %w", typ, err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("fhir/search: matching %s: %w", typ, err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("fhir/search: matching %s: %w", typ, err)
	}
	return ids, nil
}

// whereClause writes the conditions of q on the fhir_resources row alias
// row: its type, not deleted, and every parameter.
func (s *Searcher) whereClause(b *builder, q *Query, row string) {
	switch {
	case q.Type != "":
		b.w(row, ".res_type = ")
		b.arg(q.Type)
		b.w(" AND ")
	case len(q.Types) > 0:
		b.w(row, ".res_type IN ")
		b.list(q.Types)
		b.w(" AND ")
	}
	b.w(row, ".deleted = 0")
	writeConds(b, q.Type, row, q.conds)
}

// Search runs q and returns one page. The page, its total and its
// included resources come from one read-only transaction.
func (s *Searcher) Search(ctx context.Context, q *Query) (*Page, error) {
	cur, err := decodeCursor(q)
	if err != nil {
		return nil, err
	}
	tx, err := s.db.R.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("fhir/search: %w", err)
	}
	defer tx.Rollback()
	page := &Page{Total: -1}
	if q.Total != TotalNone || q.Summary == "count" {
		if page.Total, err = s.count(ctx, tx, q); err != nil {
			return nil, err
		}
	}
	if q.Summary == "count" || q.Count == 0 {
		return page, nil
	}
	if err := s.page(ctx, tx, q, cur, page); err != nil {
		return nil, err
	}
	if len(q.Include) > 0 || len(q.RevInclude) > 0 {
		if page.Included, err = s.includes(ctx, tx, q, page.Matches); err != nil {
			return nil, err
		}
	}
	return page, nil
}

func (s *Searcher) count(ctx context.Context, tx *sql.Tx, q *Query) (int, error) {
	b := newBuilder(s.db.Dialect)
	b.w("SELECT COUNT(*) FROM fhir_resources r WHERE ")
	s.whereClause(b, q, "r")
	var n int
	if err := tx.QueryRowContext(ctx, b.String(), b.args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("fhir/search: counting: %w", err)
	}
	return n, nil
}

func scanResource(r *Resource, version, at int64) {
	r.VersionID = strconv.FormatInt(version, 10)
	r.LastUpdated = time.UnixMicro(at).UTC()
}
