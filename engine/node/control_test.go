package node

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/plexus-health/plexus/connector/mllp"
	"github.com/plexus-health/plexus/engine"
	"github.com/plexus-health/plexus/engine/config"
	"github.com/plexus-health/plexus/engine/journal"
	mllpt "github.com/plexus-health/plexus/transport/mllp"
)

// gate is a destination that fails while closed and counts what it
// delivers.
type gate struct {
	mu     sync.Mutex
	closed bool
	got    int
}

func (g *gate) Deliver(ctx context.Context, out *engine.Outbound) (*engine.Response, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return nil, errors.New("closed")
	}
	g.got++
	return &engine.Response{Status: "ok"}, nil
}

func (g *gate) set(closed bool) {
	g.mu.Lock()
	g.closed = closed
	g.mu.Unlock()
}

func (g *gate) delivered() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.got
}

// controlNode opens a node on dir whose registry has the MLLP source and
// the destination g, and applies yaml.
func controlNode(t *testing.T, dir string, g *gate, yaml string) *Node {
	t.Helper()
	reg := engine.NewRegistry()
	reg.RegisterSource("mllp", mllp.NewSource)
	reg.RegisterDestination("gate", func(engine.Env, engine.Options) (engine.Destination, error) { return g, nil })
	path := filepath.Join(dir, "plexus.yaml")
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(path, reg)
	if err != nil {
		t.Fatal(err)
	}
	n, err := Open(context.Background(), Options{DataDir: dir, Synchronous: "NORMAL", Registry: reg, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	if err := n.Apply(context.Background(), cfg); err != nil {
		n.Close(context.Background())
		t.Fatal(err)
	}
	return n
}

// freeAddr returns a loopback address no one listens on now.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// send sends one HL7 message over MLLP on a new connection.
func send(addr, control string) error {
	c := &mllpt.Client{Addr: addr, DialTimeout: 5 * time.Second, AckTimeout: 10 * time.Second}
	defer c.Close()
	msg := "MSH|^~\\&|EPIC|HOSP|PLEXUS|HOSP|20240101120000||ADT^A01^ADT_A01|" + control + "|P|2.5\rPID|1||P1^^^HOSP^MR\r"
	_, err := c.Send(context.Background(), []byte(msg))
	return err
}

func stateOf(n *Node, name string) string {
	for _, c := range n.Channels() {
		if c.Name == name {
			return c.State
		}
	}
	return "(absent)"
}

func pendingOf(t *testing.T, n *Node) int64 {
	t.Helper()
	qs, err := n.Journal().Queues(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var p int64
	for _, q := range qs {
		p += q.Pending
	}
	return p
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// TestControlMLLP pauses, resumes, stops and starts a channel with an MLLP
// source over real sockets: paused, the port refuses connections while
// deliveries go on; stopped, the queue stays in the journal, across a
// configuration reload and a restart of the node, and drains once the
// channel starts.
func TestControlMLLP(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	addr := freeAddr(t)
	yaml := func(priority int) string {
		return fmt.Sprintf(`version: 1
channels:
  - name: adt
    priority: %d
    source: {type: mllp, listen: "%s"}
    destinations: [{name: lab, type: gate, retry: {initial_backoff: 5ms, max_backoff: 10ms}}]
`, priority, addr)
	}
	g := &gate{}
	n := controlNode(t, dir, g, yaml(0))
	defer func() {
		if n != nil {
			n.Close(ctx)
		}
	}()
	if got := stateOf(n, "adt"); got != "running" {
		t.Fatalf("state %s", got)
	}
	if err := send(addr, "C1"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the first delivery", func() bool { return g.delivered() == 1 })

	// Pause: the port refuses; what is queued is still delivered.
	g.set(true)
	if err := send(addr, "C2"); err != nil {
		t.Fatal(err)
	}
	if err := n.Control(ctx, "adt", ActionPause); err != nil {
		t.Fatal(err)
	}
	if got := stateOf(n, "adt"); got != "paused" {
		t.Fatalf("state after pause %s", got)
	}
	if err := send(addr, "C3"); err == nil {
		t.Fatal("a paused channel accepted a message")
	}
	g.set(false)
	waitFor(t, "delivery while paused", func() bool { return g.delivered() == 2 })

	// A reload that changes the channel keeps it paused.
	applyYAML(t, n, dir, yaml(5))
	if got := stateOf(n, "adt"); got != "paused" {
		t.Fatalf("state after a reload %s", got)
	}
	if err := send(addr, "C4"); err == nil {
		t.Fatal("a paused channel accepted a message after a reload")
	}

	// Resume: the port accepts again.
	if err := n.Control(ctx, "adt", ActionResume); err != nil {
		t.Fatal(err)
	}
	if err := send(addr, "C5"); err != nil {
		t.Fatalf("resumed channel: %v", err)
	}
	waitFor(t, "delivery after resume", func() bool { return g.delivered() == 3 })

	// Stop with a delivery queued: it stays queued, across a restart.
	g.set(true)
	if err := send(addr, "C6"); err != nil {
		t.Fatal(err)
	}
	if err := n.Control(ctx, "adt", ActionStop); err != nil {
		t.Fatal(err)
	}
	g.set(false)
	if err := send(addr, "C7"); err == nil {
		t.Fatal("a stopped channel accepted a message")
	}
	if p := pendingOf(t, n); p != 1 {
		t.Fatalf("%d pending after stop, want 1", p)
	}
	for _, c := range []struct {
		action string
		want   error
	}{
		{ActionPause, ErrWrongState},
		{ActionResume, ErrWrongState},
		{"restart", ErrBadAction},
	} {
		if err := n.Control(ctx, "adt", c.action); !errors.Is(err, c.want) {
			t.Errorf("%s on a stopped channel: %v, want %v", c.action, err, c.want)
		}
	}
	if err := n.Control(ctx, "nope", ActionStart); !errors.Is(err, ErrUnknownChannel) {
		t.Errorf("unknown channel: %v", err)
	}
	if err := n.Control(ctx, "adt", ActionStop); err != nil {
		t.Errorf("stopping a stopped channel: %v", err)
	}
	err := n.Close(ctx)
	n = nil
	if err != nil {
		t.Fatal(err)
	}

	n = controlNode(t, dir, g, yaml(5))
	if got := stateOf(n, "adt"); got != "stopped" {
		t.Fatalf("state after restart %s", got)
	}
	if err := send(addr, "C8"); err == nil {
		t.Fatal("a channel stopped before the restart accepted a message")
	}
	if p, d := pendingOf(t, n), g.delivered(); p != 1 || d != 3 {
		t.Fatalf("after restart: %d pending, %d delivered; want 1 and 3", p, d)
	}

	// Start: the queue drains and the port accepts.
	if err := n.Control(ctx, "adt", ActionStart); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the queue to drain", func() bool { return g.delivered() == 4 && pendingOf(t, n) == 0 })
	if err := send(addr, "C9"); err != nil {
		t.Fatalf("started channel: %v", err)
	}
	waitFor(t, "delivery after start", func() bool { return g.delivered() == 5 })
	states, err := n.Journal().ChannelStates(ctx)
	if err != nil || len(states) != 0 {
		t.Errorf("stored states of a running channel: %v %v", states, err)
	}
	ms, err := n.Journal().Messages(ctx, journal.MessageFilter{})
	if err != nil || len(ms) != 5 { // C1, C2, C5, C6, C9
		t.Fatalf("%d messages journaled, want 5: %v", len(ms), err)
	}
	for _, m := range ms {
		if len(m.TraceID) != 32 {
			t.Errorf("message %d trace ID %q", m.ID, m.TraceID)
		}
	}
}

// applyYAML loads yaml with the node's registry and applies it.
func applyYAML(t *testing.T, n *Node, dir, yaml string) {
	t.Helper()
	path := filepath.Join(dir, "plexus.yaml")
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(path, n.reg)
	if err != nil {
		t.Fatal(err)
	}
	if err := n.Apply(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
}
