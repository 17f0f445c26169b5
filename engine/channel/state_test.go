package channel

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/plexus-health/plexus/engine"
)

// oneShotSource is a source that, like the network sources, cannot start
// again once stopped.
type oneShotSource struct {
	mu      sync.Mutex
	recv    engine.Receiver
	started bool
	stopped bool
	failing bool // Start fails
}

func (s *oneShotSource) Start(ctx context.Context, recv engine.Receiver) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failing {
		return errors.New("address in use")
	}
	if s.started || s.stopped {
		return errors.New("already started")
	}
	s.started, s.recv = true, recv
	return nil
}

func (s *oneShotSource) Stop(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stopped = true
	return nil
}

func (s *oneShotSource) running() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.started && !s.stopped
}

// TestSetState walks a channel through its states: the source stops on
// pause and stop and a fresh one starts on resume; deliveries go on while
// paused, wait in the queue while stopped, and drain on start.
func TestSetState(t *testing.T) {
	j := newJournal(t)
	dest := newRecorder()
	var sources []*oneShotSource
	var failNext bool
	newSource := func() (engine.Source, error) {
		s := &oneShotSource{failing: failNext}
		sources = append(sources, s)
		return s, nil
	}
	first, _ := newSource()
	c := start(t, Spec{Name: "adt", Source: first, NewSource: newSource, Destinations: []Destination{{Name: "lab", Dest: dest}}}, j)
	ctx := context.Background()
	current := func() *oneShotSource { return sources[len(sources)-1] }
	if c.State() != Running || !current().running() {
		t.Fatalf("started: state %s, source running %v", c.State(), current().running())
	}

	// Paused: no source, deliveries go on.
	if err := c.SetState(ctx, Paused); err != nil {
		t.Fatal(err)
	}
	if c.State() != Paused || current().running() {
		t.Fatalf("paused: state %s, source running %v", c.State(), current().running())
	}
	receive(t, c, hl7("P1", "X", "A01")) // a message the source was finishing
	dest.wait(t, 1)

	// Stopped: queued deliveries wait.
	if err := c.SetState(ctx, Stopped); err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, ctl := range []string{"S1", "S2", "S3"} {
		ids = append(ids, receive(t, c, hl7(ctl, "X", "A01")).MessageID)
	}
	qs, err := j.Queues(ctx)
	if err != nil || len(qs) != 1 || qs[0].Pending != 3 {
		t.Fatalf("queue while stopped: %+v %v", qs, err)
	}
	if got := len(dest.payloads()); got != 1 {
		t.Fatalf("%d deliveries while stopped", got)
	}

	// A source that cannot start leaves the channel stopped.
	failNext = true
	if err := c.SetState(ctx, Running); err == nil {
		t.Fatal("start with a failing source succeeded")
	}
	if c.State() != Stopped || len(dest.payloads()) != 1 {
		t.Fatalf("after a failed start: state %s, %d deliveries", c.State(), len(dest.payloads()))
	}

	// Running: a fresh source, and the queue drains.
	failNext = false
	if err := c.SetState(ctx, Running); err != nil {
		t.Fatal(err)
	}
	if c.State() != Running || !current().running() {
		t.Fatalf("running: state %s, source running %v", c.State(), current().running())
	}
	dest.wait(t, 3)
	for _, id := range ids {
		waitStatus(t, j, id, engine.StatusDelivered)
	}
	// Setting the state it is in changes nothing.
	n := len(sources)
	if err := c.SetState(ctx, Running); err != nil || len(sources) != n {
		t.Errorf("running again: %v, %d sources made", err, len(sources)-n)
	}
	if err := c.SetState(ctx, "sleeping"); err == nil {
		t.Error("an unknown state was accepted")
	}
	c.Stop(ctx)
	if err := c.SetState(ctx, Running); !errors.Is(err, ErrShutDown) {
		t.Errorf("after Stop: %v", err)
	}
}

// TestStartInState checks that Start honours Spec.State: a paused channel
// starts its lanes and not its source, a stopped one neither.
func TestStartInState(t *testing.T) {
	for _, st := range []State{Paused, Stopped} {
		t.Run(string(st), func(t *testing.T) {
			j := newJournal(t)
			dest := newRecorder()
			src := &oneShotSource{}
			c := start(t, Spec{Name: "adt", Source: src, State: st, Destinations: []Destination{{Name: "lab", Dest: dest}}}, j)
			if src.running() || c.State() != st {
				t.Fatalf("source running %v, state %s", src.running(), c.State())
			}
			id := receive(t, c, hl7("C1", "X", "A01")).MessageID
			if st == Paused {
				dest.wait(t, 1)
				waitStatus(t, j, id, engine.StatusDelivered)
				return
			}
			// Stopped: no lane runs, and the delivery waits.
			c.ctlMu.Lock()
			lanes := c.lanesCancel != nil
			c.ctlMu.Unlock()
			if lanes {
				t.Error("the lanes of a stopped channel run")
			}
			// Without NewSource the channel cannot take messages again,
			// but its deliveries can go.
			if err := c.SetState(context.Background(), Paused); err != nil {
				t.Fatal(err)
			}
			dest.wait(t, 1)
		})
	}
}
