package audit

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/plexus-health/plexus/platform/store"
)

// BenchmarkRecord measures Record throughput from 64 concurrent callers
// with group commit (MaxBatch 256) and with one transaction per entry
// (MaxBatch 1), both on the same b.N in the same run and with SQLite's
// FULL synchronous writes as in production, and reports their ratio.
func BenchmarkRecord(b *testing.B) {
	rate := func(maxBatch int) (float64, float64) {
		db, err := store.Open(context.Background(), "", b.TempDir(), store.Options{})
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		l := New(db, Options{MaxBatch: maxBatch})
		defer l.Close()
		const callers = 64
		start := time.Now()
		var wg sync.WaitGroup
		for c := range callers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := c; i < b.N; i += callers {
					if err := l.Record(context.Background(), entry(i)); err != nil {
						b.Error(err)
						return
					}
				}
			}()
		}
		wg.Wait()
		elapsed := time.Since(start)
		st := l.w.Stats()
		return float64(b.N) / elapsed.Seconds(), float64(st.Ops) / float64(max(st.Commits, 1))
	}
	group, perCommit := rate(DefaultMaxBatch)
	single, _ := rate(1)
	b.ReportMetric(group, "entries/s")
	b.ReportMetric(single, "single-entries/s")
	b.ReportMetric(group/single, "ratio")
	b.ReportMetric(perCommit, "entries/commit")
}
