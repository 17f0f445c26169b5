package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

func openTest(t testing.TB) *DB {
	t.Helper()
	db, err := Open(context.Background(), "", t.TempDir(), Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func insertOp(channel string, id *int64) Op {
	return func(ctx context.Context, tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `INSERT INTO messages (channel, source, received_at, content_type, status, updated_at)
			VALUES (?, 'test', 1, 'text/plain', 'received', 1) RETURNING id`, channel).Scan(id)
	}
}

func TestCommitterGroupsConcurrentOps(t *testing.T) {
	db := openTest(t)
	c := NewCommitter(db.W, CommitterOptions{MaxBatch: 64, MaxWait: 5 * time.Millisecond})
	const n = 500
	ids := make([]int64, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := c.Do(context.Background(), insertOp(fmt.Sprint(i), &ids[i])); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	c.Close()
	seen := map[int64]bool{}
	for _, id := range ids {
		if id == 0 || seen[id] {
			t.Fatalf("bad or repeated id %d", id)
		}
		seen[id] = true
	}
	var count int
	db.R.QueryRow(`SELECT count(*) FROM messages`).Scan(&count)
	if count != n {
		t.Fatalf("rows = %d, want %d", count, n)
	}
	st := c.Stats()
	if st.Ops != n || st.Commits >= n {
		t.Errorf("stats %+v: expected fewer commits than ops", st)
	}
	t.Logf("%d ops in %d commits", st.Ops, st.Commits)
}

func TestCommitterIsolatesAFailingOp(t *testing.T) {
	db := openTest(t)
	c := NewCommitter(db.W, CommitterOptions{MaxBatch: 16, MaxWait: 20 * time.Millisecond})
	defer c.Close()
	bad := errors.New("bad op")
	var wg sync.WaitGroup
	errs := make([]error, 10)
	for i := range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var id int64
			op := insertOp("ok", &id)
			if i == 3 {
				op = func(ctx context.Context, tx *sql.Tx) error {
					if _, err := tx.ExecContext(ctx, `INSERT INTO messages (channel, source, received_at, content_type, status, updated_at) VALUES ('bad', 's', 1, 'x', 'r', 1)`); err != nil {
						return err
					}
					return bad
				}
			}
			errs[i] = c.Do(context.Background(), op)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if i == 3 && !errors.Is(err, bad) || i != 3 && err != nil {
			t.Errorf("op %d: %v", i, err)
		}
	}
	var good, badRows int
	db.R.QueryRow(`SELECT count(*) FROM messages WHERE channel = 'ok'`).Scan(&good)
	db.R.QueryRow(`SELECT count(*) FROM messages WHERE channel = 'bad'`).Scan(&badRows)
	if good != 9 || badRows != 0 {
		t.Errorf("good %d bad %d, want 9 and 0", good, badRows)
	}
}

func TestCommitterContextAndClose(t *testing.T) {
	db := openTest(t)
	c := NewCommitter(db.W, CommitterOptions{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var id int64
	if err := c.Do(ctx, insertOp("x", &id)); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled Do = %v", err)
	}
	c.Close()
	c.Close()
	if err := c.Do(context.Background(), insertOp("x", &id)); !errors.Is(err, ErrClosed) {
		t.Errorf("Do after Close = %v", err)
	}
}

// BenchmarkCommit compares group commit with one transaction per op, in the
// same run, with FULL synchronous writes as in production.
func BenchmarkCommit(b *testing.B) {
	for _, mode := range []struct {
		name  string
		batch int
	}{{"one-per-commit", 1}, {"group", 256}} {
		b.Run(mode.name, func(b *testing.B) {
			db, err := Open(context.Background(), "", b.TempDir(), Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			c := NewCommitter(db.W, CommitterOptions{MaxBatch: mode.batch})
			defer c.Close()
			b.SetParallelism(16)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				var id int64
				for pb.Next() {
					if err := c.Do(context.Background(), insertOp("bench", &id)); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
			st := c.Stats()
			b.ReportMetric(float64(st.Ops)/float64(max(st.Commits, 1)), "ops/commit")
		})
	}
}
