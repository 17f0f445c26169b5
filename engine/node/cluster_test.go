package node

import (
	"context"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/plexus-health/plexus/engine"
	"github.com/plexus-health/plexus/engine/config"
	"github.com/plexus-health/plexus/platform/store/storetest"
)

// TestLeaderHandsOver opens two nodes on one PostgreSQL store: exactly one
// leads and runs the WhileLeader job; when it closes, the other takes the
// leadership and starts the job.
func TestLeaderHandsOver(t *testing.T) {
	dsn := storetest.PostgresURL(t)
	ctx := context.Background()
	open := func(name string) *Node {
		n, err := Open(ctx, Options{DataDir: t.TempDir(), Store: dsn, Registry: engine.NewRegistry(),
			Logger:  slog.New(slog.DiscardHandler),
			Cluster: config.Cluster{NodeName: name, LeaseTTL: 2 * time.Second, RenewInterval: 200 * time.Millisecond}})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for !cond() {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s", what)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	a := open("a")
	waitFor("a to lead", a.Leader)
	b := open("b")
	defer b.Close(ctx)

	var runs [2]atomic.Int32
	jobCtx, stop := context.WithCancel(ctx)
	defer stop()
	for i, n := range []*Node{a, b} {
		go n.WhileLeader(jobCtx, func(ctx context.Context) {
			runs[i].Add(1)
			<-ctx.Done()
		})
	}
	waitFor("a's job", func() bool { return runs[0].Load() == 1 })
	nodes, err := b.Nodes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(nodes) != 2 || !nodes[0].Leader || nodes[1].Leader {
		t.Fatalf("nodes %+v", nodes)
	}
	if b.Leader() || runs[1].Load() != 0 {
		t.Fatal("b leads while a does")
	}
	if err := a.Close(ctx); err != nil {
		t.Fatal(err)
	}
	waitFor("b to lead", b.Leader)
	waitFor("b's job", func() bool { return runs[1].Load() == 1 })
	if got := runs[0].Load(); got != 1 {
		t.Fatalf("a's job ran %d times", got)
	}
}
