package node

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/plexus-health/plexus/engine"
	"github.com/plexus-health/plexus/engine/config"
)

// fakeSource hands messages to the channel when the test says so.
type fakeSource struct {
	name      string
	failStart bool
	mu        sync.Mutex
	recv      engine.Receiver
}

var (
	sourcesMu sync.Mutex
	sources   = map[string]*fakeSource{} // running sources by name
)

func (s *fakeSource) Start(ctx context.Context, recv engine.Receiver) error {
	if s.failStart {
		return errors.New("address already in use")
	}
	sourcesMu.Lock()
	sources[s.name] = s
	sourcesMu.Unlock()
	s.mu.Lock()
	s.recv = recv
	s.mu.Unlock()
	return nil
}

func (s *fakeSource) Stop(ctx context.Context) error {
	sourcesMu.Lock()
	if sources[s.name] == s {
		delete(sources, s.name)
	}
	sourcesMu.Unlock()
	return nil
}

// stuck is a destination that is always down.
type stuck struct{}

func (stuck) Deliver(ctx context.Context, out *engine.Outbound) (*engine.Response, error) {
	return nil, errors.New("down")
}

type fakeDest struct {
	mu  sync.Mutex
	got [][]byte
}

var dest = &fakeDest{}

func (d *fakeDest) Deliver(ctx context.Context, out *engine.Outbound) (*engine.Response, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.got = append(d.got, out.Payload)
	return &engine.Response{Status: "ok"}, nil
}

func registry() *engine.Registry {
	reg := engine.NewRegistry()
	reg.RegisterSource("fake", func(env engine.Env, opts engine.Options) (engine.Source, error) {
		var o struct {
			Name      string `yaml:"name"`
			FailStart bool   `yaml:"fail_start"`
		}
		if err := opts.Decode(&o); err != nil {
			return nil, err
		}
		return &fakeSource{name: o.Name, failStart: o.FailStart}, nil
	})
	reg.RegisterDestination("fake", func(env engine.Env, opts engine.Options) (engine.Destination, error) {
		return dest, nil
	})
	reg.RegisterDestination("stuck", func(env engine.Env, opts engine.Options) (engine.Destination, error) {
		return stuck{}, nil
	})
	return reg
}

func load(t *testing.T, dir, yaml string) *config.Config {
	t.Helper()
	path := filepath.Join(dir, "plexus.yaml")
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(path, registry())
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func sourceNamed(name string) *fakeSource {
	sourcesMu.Lock()
	defer sourcesMu.Unlock()
	return sources[name]
}

// openNode opens a node on dir, closed when the test ends.
func openNode(t *testing.T, dir string) *Node {
	t.Helper()
	n, err := Open(context.Background(), Options{DataDir: dir, Synchronous: "NORMAL", Registry: registry(), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close(context.Background()) })
	return n
}

func TestApplyReloadsAtomically(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	n := openNode(t, dir)
	v1 := load(t, dir, `version: 1
channels:
  - name: a
    source: {type: fake, name: a}
    destinations: [{name: d, type: fake}]
  - name: b
    source: {type: fake, name: b}
    destinations: [{name: d, type: fake}]
`)
	if err := n.Apply(ctx, v1); err != nil {
		t.Fatal(err)
	}
	a1, b1 := sourceNamed("a"), sourceNamed("b")
	if a1 == nil || b1 == nil || len(n.Channels()) != 2 {
		t.Fatalf("channels not running: %v", n.Channels())
	}
	reply, err := a1.recv.Receive(ctx, &engine.Inbound{Source: "fake", ContentType: engine.ContentText, Raw: []byte("hello")})
	if err != nil || !reply.Accepted {
		t.Fatalf("receive: %+v %v", reply, err)
	}
	m, _ := n.Journal().Message(ctx, reply.MessageID)
	if m.ConfigVersion != v1.Version.Hash {
		t.Errorf("message records version %q, want %q", m.ConfigVersion, v1.Version.Hash)
	}
	// Channel a is removed below; a queue left behind by a removed channel
	// waits for it to come back, so let this delivery happen first.
	waitDelivered(t, 1)

	// v2 changes b and adds c, whose source cannot start: nothing changes.
	bad := load(t, dir, `version: 1
channels:
  - name: a
    source: {type: fake, name: a}
    destinations: [{name: d, type: fake}]
  - name: b
    source: {type: fake, name: b}
    priority: 5
    destinations: [{name: d, type: fake}]
  - name: c
    source: {type: fake, name: c, fail_start: true}
    destinations: [{name: d, type: fake}]
`)
	if err := n.Apply(ctx, bad); err == nil {
		t.Fatal("a configuration whose channel cannot start was applied")
	}
	if sourceNamed("a") != a1 {
		t.Error("unchanged channel a was restarted by a failed reload")
	}
	if sourceNamed("b") == nil || sourceNamed("c") != nil {
		t.Errorf("after a failed reload: b running %v, c running %v", sourceNamed("b") != nil, sourceNamed("c") != nil)
	}
	if n.Config() != v1 {
		t.Error("the failed configuration became current")
	}

	// v3 removes a and changes b: a stops, b restarts, history records it.
	v3 := load(t, dir, `version: 1
channels:
  - name: b
    source: {type: fake, name: b}
    priority: 5
    destinations: [{name: d, type: fake}]
`)
	if err := n.Apply(ctx, v3); err != nil {
		t.Fatal(err)
	}
	if sourceNamed("a") != nil || sourceNamed("b") == nil || sourceNamed("b") == b1 {
		t.Error("v3 not applied as expected")
	}
	reply, err = sourceNamed("b").recv.Receive(ctx, &engine.Inbound{Source: "fake", ContentType: engine.ContentText, Raw: []byte("x")})
	if err != nil {
		t.Fatal(err)
	}
	m, _ = n.Journal().Message(ctx, reply.MessageID)
	if m.Priority != 5 || m.ConfigVersion != v3.Version.Hash {
		t.Errorf("message after reload: priority %d version %s", m.Priority, m.ConfigVersion)
	}
	if h := n.History(); len(h) != 2 || h[1].Version != v3.Version.Hash {
		t.Errorf("history %+v", h)
	}
	waitDelivered(t, 2)
}

// waitDelivered waits until the fake destination has n deliveries.
func waitDelivered(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		dest.mu.Lock()
		got := len(dest.got)
		dest.mu.Unlock()
		if got >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("delivered %d of %d", got, n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestQueueDepthGauge(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	n := openNode(t, dir)
	cfg := load(t, dir, `version: 1
channels:
  - name: q
    source: {type: fake, name: q}
    destinations: [{name: down, type: stuck, retry: {initial_backoff: 1h, max_backoff: 1h}}]
`)
	if err := n.Apply(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if _, err := sourceNamed("q").recv.Receive(ctx, &engine.Inbound{Source: "fake", ContentType: engine.ContentText, Raw: []byte("x")}); err != nil {
			t.Fatal(err)
		}
	}
	n.countQueues(ctx)
	families, err := n.Prometheus().Gather()
	if err != nil {
		t.Fatal(err)
	}
	var depth float64 = -1
	for _, f := range families {
		if f.GetName() == "plexus_queue_depth" {
			for _, m := range f.GetMetric() {
				depth = m.GetGauge().GetValue()
			}
		}
	}
	if depth != 3 {
		t.Errorf("plexus_queue_depth = %v, want 3", depth)
	}
}
