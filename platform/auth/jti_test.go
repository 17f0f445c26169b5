package auth

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/plexus-health/plexus/platform/store"
	"github.com/plexus-health/plexus/platform/store/storetest"
)

// TestUseJTIOnceAcrossNodes spends each jti from several nodes sharing one
// PostgreSQL store at the same time: exactly one accepts it, the others
// report a replay.
func TestUseJTIOnceAcrossNodes(t *testing.T) {
	dsn := storetest.PostgresURL(t)
	const nodes, jtis = 4, 20
	var cs []*Clients
	for range nodes {
		db, err := store.Open(context.Background(), dsn, t.TempDir(), store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		cs = append(cs, NewClients(db))
	}
	now := time.Now()
	for k := range jtis {
		jti := fmt.Sprintf("jti-%d", k)
		var wg sync.WaitGroup
		results := make([]error, nodes)
		for i, c := range cs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				results[i] = c.UseJTI(context.Background(), "app", jti, now.Add(time.Minute), now)
			}()
		}
		wg.Wait()
		accepted := 0
		for _, err := range results {
			switch {
			case err == nil:
				accepted++
			case !errors.Is(err, ErrReplay):
				t.Fatalf("%s: %v, want nil or ErrReplay", jti, err)
			}
		}
		if accepted != 1 {
			t.Fatalf("%s accepted %d times", jti, accepted)
		}
	}
}
