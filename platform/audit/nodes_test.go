package audit

import (
	"context"
	"sync"
	"testing"

	"github.com/plexus-health/plexus/platform/store"
	"github.com/plexus-health/plexus/platform/store/storetest"
)

// TestSeveralNodesShareOneChain has three logs, as three nodes would,
// write concurrently to one PostgreSQL store through their own writer
// pools: the chain must neither fork nor lose an entry.
func TestSeveralNodesShareOneChain(t *testing.T) {
	if testDialect != store.Postgres {
		t.Skip("several nodes share a store on PostgreSQL only")
	}
	dsn := storetest.PostgresURL(t)
	const nodes, each = 3, 60
	var logs []*Log
	for range nodes {
		db, err := store.Open(context.Background(), dsn, t.TempDir(), store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		l := New(db, Options{MaxBatch: 8})
		t.Cleanup(func() { l.Close() })
		logs = append(logs, l)
	}
	var wg sync.WaitGroup
	for _, l := range logs {
		for i := range each {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := l.Record(context.Background(), entry(i)); err != nil {
					t.Error(err)
				}
			}()
		}
	}
	wg.Wait()
	rep, err := logs[0].Verify(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() || rep.Count != nodes*each || rep.HeadSeq != nodes*each {
		t.Fatalf("report %s, want %d intact records", rep.String(), nodes*each)
	}
}
