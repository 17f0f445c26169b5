package alert

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/plexus-health/plexus/engine"
	"github.com/plexus-health/plexus/engine/config"
	"github.com/plexus-health/plexus/engine/node"
	"github.com/plexus-health/plexus/engine/stats"
)

// handSource is a source the test hands messages to.
type handSource struct {
	mu   sync.Mutex
	recv engine.Receiver
}

func (s *handSource) Start(_ context.Context, recv engine.Receiver) error {
	s.mu.Lock()
	s.recv = recv
	s.mu.Unlock()
	return nil
}

func (s *handSource) Stop(context.Context) error { return nil }

type okDest struct{}

func (okDest) Deliver(context.Context, *engine.Outbound) (*engine.Response, error) {
	return &engine.Response{Status: "ok"}, nil
}

type downDest struct{}

func (downDest) Deliver(context.Context, *engine.Outbound) (*engine.Response, error) {
	return nil, errors.New("connection refused")
}

// TestOnNode wires a Recorder and an Evaluator to a running node, as plexus
// serve does, and checks that a destination that is down raises the queue
// and failure alerts while its healthy sibling raises none.
func TestOnNode(t *testing.T) {
	src := &handSource{}
	reg := engine.NewRegistry()
	reg.RegisterSource("hand", func(engine.Env, engine.Options) (engine.Source, error) { return src, nil })
	reg.RegisterDestination("ok", func(engine.Env, engine.Options) (engine.Destination, error) { return okDest{}, nil })
	reg.RegisterDestination("down", func(engine.Env, engine.Options) (engine.Destination, error) { return downDest{}, nil })

	dir := t.TempDir()
	path := filepath.Join(dir, "plexus.yaml")
	yaml := `version: 1
alerts:
  rules:
    - {name: failing, kind: destination_failing}
    - {name: backlog, kind: queue_depth, threshold: 3}
    - {name: errors, kind: error_rate, threshold: 0.5}
channels:
  - name: adt
    source: {type: hand}
    destinations:
      - {name: ehr, type: ok}
      - {name: lab, type: down, retry: {initial_backoff: 1h, max_backoff: 1h}}
`
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(path, reg)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	n, err := node.Open(ctx, node.Options{DataDir: dir, Synchronous: "NORMAL", Registry: reg, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close(ctx)
	if err := n.Apply(ctx, cfg); err != nil {
		t.Fatal(err)
	}

	rec := stats.New(n.Prometheus(), stats.Options{})
	running := func() []string {
		var names []string
		for _, c := range n.Channels() {
			names = append(names, c.Name)
		}
		return names
	}
	ev := New(cfg.Alerts, Sources{History: rec, Queues: n.Journal(), Channels: running},
		Options{Logger: slog.New(slog.DiscardHandler), Registerer: n.Prometheus()})
	defer ev.Close()
	if err := rec.Sample(time.Now()); err != nil {
		t.Fatal(err)
	}

	src.mu.Lock()
	recv := src.recv
	src.mu.Unlock()
	for range 4 {
		if _, err := recv.Receive(ctx, &engine.Inbound{Source: "hand", ContentType: engine.ContentText, Raw: []byte("a message")}); err != nil {
			t.Fatal(err)
		}
	}

	// The lab queue is in order: its first delivery failed and waits for
	// its retry, the three others wait behind it.
	const want = "backlog/adt/lab=4 failing/adt/lab=1"
	deadline := time.Now().Add(time.Minute)
	for {
		// Samples must be further apart than the clock's resolution.
		time.Sleep(10 * time.Millisecond)
		now := time.Now()
		if err := rec.Sample(now); err != nil {
			t.Fatal(err)
		}
		if err := ev.Evaluate(ctx, now); err != nil {
			t.Fatal(err)
		}
		// ehr delivers in its own time; wait for it too.
		got, delivered := firing(ev.Active()), rec.Totals("adt").Delivered
		if got == want && delivered == 4 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("firing %q with %d delivered, want %q with 4", got, delivered, want)
		}
	}
	tot := rec.Totals("adt")
	if tot.Received != 4 || tot.Delivered != 4 || tot.Failed != 1 {
		t.Errorf("totals %+v, want 4 received, 4 delivered (ehr), 1 failed (lab)", tot)
	}
	if d := rec.Destinations("adt"); !slices.Equal(d, []string{"ehr", "lab"}) {
		t.Errorf("destinations %v", d)
	}
}
