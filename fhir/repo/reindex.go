package repo

import (
	"context"
	"fmt"
	"runtime"
	"sync"

	"github.com/plexus-health/plexus/fhir/index"
)

// reindexBatch is how many resources one reindex transaction rewrites: big
// enough to share a commit, small enough not to hold the single writer for
// long while the server is running.
const reindexBatch = 500

// Reindex rebuilds the search index of every current resource of the given
// types (every type when types is empty), for when the search parameters
// the index is built from change. It works in transactions of a few hundred
// resources, extracting their values on every core beforehand, and is safe
// to run beside other writes: a resource updated between its reading and
// its reindexing is skipped, since that update indexed it afresh. progress,
// when non-nil, is called after each transaction with the count so far.
func (r *Repo) Reindex(ctx context.Context, types []string, progress func(done int)) (int, error) {
	if len(types) == 0 {
		var err error
		if types, err = r.storedTypes(ctx); err != nil {
			return 0, err
		}
	}
	done := 0
	for _, typ := range types {
		if !validType(typ) {
			return done, invalid("%q is not a resource type", typ)
		}
		after := ""
		for {
			batch, err := r.currentBatch(ctx, typ, after)
			if err != nil {
				return done, err
			}
			if len(batch) == 0 {
				break
			}
			after = batch[len(batch)-1].id
			if err := extractAll(batch); err != nil {
				return done, err
			}
			err = r.Tx(ctx, func(w *Writer) error {
				for _, s := range batch {
					cur, err := w.current(ctx, typ, s.id)
					if err != nil {
						return err
					}
					if !cur.exists || cur.deleted || cur.version != s.version {
						continue
					}
					if err := r.index.Write(ctx, w.tx, typ, s.id, s.entries, true); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				return done, err
			}
			done += len(batch)
			if progress != nil {
				progress(done)
			}
		}
	}
	return done, nil
}

// stored is a current resource read for reindexing.
type stored struct {
	typ, id string
	version int64
	body    []byte
	entries *index.Entries
}

func (r *Repo) storedTypes(ctx context.Context) ([]string, error) {
	rows, err := r.db.R.QueryContext(ctx, `SELECT DISTINCT res_type FROM fhir_resources ORDER BY res_type`)
	if err != nil {
		return nil, fmt.Errorf("fhir/repo: listing resource types: %w", err)
	}
	defer rows.Close()
	var types []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, fmt.Errorf("fhir/repo: listing resource types: %w", err)
		}
		types = append(types, t)
	}
	return types, rows.Err()
}

// currentBatch reads the next live resources of typ after id, in id order.
func (r *Repo) currentBatch(ctx context.Context, typ, after string) ([]*stored, error) {
	rows, err := r.db.R.QueryContext(ctx, `SELECT res_id, version_id, resource FROM fhir_resources
		WHERE res_type = ? AND res_id > ? AND deleted = 0 ORDER BY res_id LIMIT ?`, typ, after, reindexBatch)
	if err != nil {
		return nil, fmt.Errorf("fhir/repo: reading %s for reindexing: %w", typ, err)
	}
	defer rows.Close()
	var out []*stored
	for rows.Next() {
		s := &stored{typ: typ}
		if err := rows.Scan(&s.id, &s.version, &s.body); err != nil {
			return nil, fmt.Errorf("fhir/repo: reading %s for reindexing: %w", typ, err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// extractAll extracts the index values of batch on every core.
func extractAll(batch []*stored) error {
	workers := min(runtime.GOMAXPROCS(0), len(batch))
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(batch); i += workers {
				s := batch[i]
				e, err := index.Extract(s.typ, s.body)
				if err != nil {
					errs[w] = fmt.Errorf("fhir/repo: reindexing %s/%s: %w", s.typ, s.id, err)
					return
				}
				s.entries = e
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
