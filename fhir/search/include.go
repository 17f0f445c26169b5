package search

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
)

// Limits on what _include and _revinclude bring in, so that a page of
// twenty cannot pull in the database.
const (
	// maxIncluded caps the included resources of one page.
	maxIncluded = 5000
	// maxIterations caps the rounds of :iterate.
	maxIterations = 5
	// chunk is the most ids bound in one IN list.
	chunk = 500
)

type ref struct{ typ, id string }

// includes loads the resources q's _include and _revinclude name for the
// matches, then, for the :iterate ones, for what was included, round after
// round until nothing new comes in.
func (s *Searcher) includes(ctx context.Context, tx *sql.Tx, q *Query, matches []Resource) ([]Resource, error) {
	seen := make(map[ref]bool, len(matches))
	var sources []ref
	for _, m := range matches {
		r := ref{m.Type, m.ID}
		seen[r] = true
		sources = append(sources, r)
	}
	var out []Resource
	for round := 0; round < maxIterations && len(sources) > 0 && len(out) < maxIncluded; round++ {
		var found []ref
		for _, inc := range q.Include {
			if round > 0 && !inc.Iterate {
				continue
			}
			refs, err := s.forward(ctx, tx, inc, sources)
			if err != nil {
				return nil, err
			}
			found = append(found, refs...)
		}
		for _, inc := range q.RevInclude {
			if round > 0 && !inc.Iterate {
				continue
			}
			refs, err := s.reverse(ctx, tx, inc, sources)
			if err != nil {
				return nil, err
			}
			found = append(found, refs...)
		}
		var fresh []ref
		for _, r := range found {
			if !seen[r] && len(fresh)+len(out) < maxIncluded {
				seen[r] = true
				fresh = append(fresh, r)
			}
		}
		loaded, err := s.load(ctx, tx, fresh, q.access)
		if err != nil {
			return nil, err
		}
		out = append(out, loaded...)
		sources = sources[:0]
		for _, r := range loaded {
			sources = append(sources, ref{r.Type, r.ID})
		}
	}
	return out, nil
}

// byType groups refs by type, in a stable order.
func byType(refs []ref) ([]string, map[string][]string) {
	m := make(map[string][]string)
	for _, r := range refs {
		m[r.typ] = append(m[r.typ], r.id)
	}
	types := make([]string, 0, len(m))
	for t := range m {
		types = append(types, t)
	}
	sort.Strings(types)
	return types, m
}

// chunks calls fn with ids, at most chunk at a time.
func chunks(ids []string, fn func([]string) error) error {
	for len(ids) > 0 {
		n := min(len(ids), chunk)
		if err := fn(ids[:n]); err != nil {
			return err
		}
		ids = ids[n:]
	}
	return nil
}

// forward finds what the sources of inc.Source point at through inc.Param.
func (s *Searcher) forward(ctx context.Context, tx *sql.Tx, inc Include, sources []ref) ([]ref, error) {
	types, ids := byType(sources)
	var out []ref
	for _, t := range types {
		if inc.Source != "*" && inc.Source != t {
			continue
		}
		err := chunks(ids[t], func(ids []string) error {
			b := newBuilder(s.db.Dialect)
			b.w("SELECT DISTINCT a.target_type, a.target_id FROM fhir_idx_reference a WHERE a.res_type = ")
			b.arg(t)
			b.w(" AND a.res_id IN ")
			b.list(ids)
			if inc.Param != "*" {
				b.w(" AND a.param = ")
				b.arg(inc.Param)
			}
			if inc.Target != "" {
				b.w(" AND a.target_type = ")
				b.arg(inc.Target)
			}
			b.w(" AND a.target_id <> ''")
			refs, err := s.refs(ctx, tx, b)
			out = append(out, refs...)
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// reverse finds the inc.Source resources that point at the sources through
// inc.Param.
func (s *Searcher) reverse(ctx context.Context, tx *sql.Tx, inc Include, sources []ref) ([]ref, error) {
	types, ids := byType(sources)
	var out []ref
	for _, t := range types {
		if inc.Target != "" && inc.Target != t {
			continue
		}
		err := chunks(ids[t], func(ids []string) error {
			b := newBuilder(s.db.Dialect)
			b.w("SELECT DISTINCT a.res_type, a.res_id FROM fhir_idx_reference a WHERE a.target_type = ")
			b.arg(t)
			b.w(" AND a.target_id IN ")
			b.list(ids)
			if inc.Source != "*" {
				b.w(" AND a.res_type = ")
				b.arg(inc.Source)
			}
			if inc.Param != "*" {
				b.w(" AND a.param = ")
				b.arg(inc.Param)
			}
			refs, err := s.refs(ctx, tx, b)
			out = append(out, refs...)
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (s *Searcher) refs(ctx context.Context, tx *sql.Tx, b *builder) ([]ref, error) {
	rows, err := tx.QueryContext(ctx, b.String(), b.args...)
	if err != nil {
		return nil, fmt.Errorf("fhir/search: including: %w", err)
	}
	defer rows.Close()
	var out []ref
	for rows.Next() {
		var r ref
		if err := rows.Scan(&r.typ, &r.id); err != nil {
			return nil, fmt.Errorf("fhir/search: including: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// load reads the live resources refs name, in type and id order; those
// that do not exist or are deleted, or that access does not admit (when it
// is not nil), are left out.
func (s *Searcher) load(ctx context.Context, tx *sql.Tx, refs []ref, access *accessCond) ([]Resource, error) {
	types, ids := byType(refs)
	var out []Resource
	for _, t := range types {
		err := chunks(ids[t], func(ids []string) error {
			b := newBuilder(s.db.Dialect)
			b.w("SELECT r.res_type, r.res_id, r.version_id, r.last_updated, r.resource FROM fhir_resources r WHERE r.res_type = ")
			b.arg(t)
			b.w(" AND r.deleted = 0 AND r.res_id IN ")
			b.list(ids)
			if access != nil {
				b.w(" AND ")
				access.where(b, t, "r")
			}
			b.w(" ORDER BY r.res_id")
			rows, err := tx.QueryContext(ctx, b.String(), b.args...)
			if err != nil {
				return fmt.Errorf("fhir/search: including: %w", err)
			}
			defer rows.Close()
			for rows.Next() {
				var r Resource
				var version, at int64
				if err := rows.Scan(&r.Type, &r.ID, &version, &at, &r.JSON); err != nil {
					return fmt.Errorf("fhir/search: including: %w", err)
				}
				scanResource(&r, version, at)
				out = append(out, r)
			}
			return rows.Err()
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}
