package api

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/plexus-health/plexus/engine/cluster"
	"github.com/plexus-health/plexus/engine/node"
	"github.com/plexus-health/plexus/platform/store"
)

var _ Clustered = (*node.Node)(nil)

// clusteredEngine is the test engine with nodes.
type clusteredEngine struct {
	*fakeEngine
	c *cluster.Cluster
}

func (e *clusteredEngine) Nodes(ctx context.Context) ([]cluster.NodeInfo, error) {
	return e.c.Nodes(ctx)
}

func TestNodes(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := context.Background()

	// Without a cluster: an empty list, not null.
	nodes, err := f.c.Nodes(ctx)
	if err != nil || nodes == nil || len(nodes) != 0 {
		t.Fatalf("nodes without a cluster: %v, %v", nodes, err)
	}

	db, err := store.Open(ctx, "", t.TempDir(), store.Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	c, err := cluster.New(ctx, db, cluster.Options{Name: "plexus-a", Address: "10.0.0.1:8080", TTL: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	c.SetPartitions([]cluster.Partition{{Channel: "adt", Destination: "lab", Lane: 0}, {Channel: "adt", Destination: "lab", Lane: 1}})
	if err := c.Step(ctx); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(New(&clusteredEngine{fakeEngine: f.eng, c: c}, Options{}))
	defer srv.Close()
	cl := &Client{BaseURL: srv.URL, HTTP: srv.Client()}
	nodes, err = cl.Nodes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(nodes) != 1 {
		t.Fatalf("nodes %+v", nodes)
	}
	n := nodes[0]
	if n.Name != "plexus-a" || n.Address != "10.0.0.1:8080" || n.ID != c.ID() || !n.Alive || !n.Leader || n.Started.IsZero() {
		t.Fatalf("node %+v", n)
	}
	if len(n.Leases) != 2 || n.Leases[0].Partition != "adt/lab/0" || n.Leases[1].Partition != "adt/lab/1" ||
		n.Leases[0].Token != 1 || !n.Leases[0].Expires.After(n.Heartbeat) {
		t.Fatalf("leases %+v", n.Leases)
	}
	resp, err := srv.Client().Get(srv.URL + "/api/v1/nodes?x=1")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("unknown parameter: status %d, want 400", resp.StatusCode)
	}
}
