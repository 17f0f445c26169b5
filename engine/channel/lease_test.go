package channel

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/plexus-health/plexus/engine"
	"github.com/plexus-health/plexus/engine/journal"
	"github.com/plexus-health/plexus/platform/store"
)

// fakeLeases grants one lane as told and counts the lane's checks.
type fakeLeases struct {
	mu     sync.Mutex
	fence  journal.Fence
	ok     bool
	checks int
}

func (f *fakeLeases) Lease(channel, destination string, lane int) (journal.Fence, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.checks++
	return f.fence, f.ok
}

func (f *fakeLeases) set(fence journal.Fence, ok bool) {
	f.mu.Lock()
	f.fence, f.ok = fence, ok
	f.mu.Unlock()
}

func (f *fakeLeases) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.checks
}

// waitChecks waits until the lane has checked its lease more than n times.
func (f *fakeLeases) waitChecks(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for f.count() <= n {
		if time.Now().After(deadline) {
			t.Fatalf("the lane checked its lease %d times, want more than %d", f.count(), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// blocking is a destination that holds each attempt until released, and
// runs hook just before returning.
type blocking struct {
	*recorder
	entered chan struct{}
	release chan struct{}
	hook    func()
}

func (b *blocking) Deliver(ctx context.Context, out *engine.Outbound) (*engine.Response, error) {
	b.entered <- struct{}{}
	select {
	case <-b.release:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if b.hook != nil {
		b.hook()
	}
	return b.recorder.Deliver(ctx, out)
}

// TestLaneDrainsOnlyUnderItsLease: a lane delivers nothing until its lease
// is granted; and an attempt whose lease passed to another node while it
// was on the wire is not recorded, so the delivery stays queued for the new
// holder.
func TestLaneDrainsOnlyUnderItsLease(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, "", t.TempDir(), store.Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	j := journal.Open(db, journal.Options{})
	t.Cleanup(func() { j.Close(); db.Close() })
	setRow := func(holder string, token int64) {
		t.Helper()
		if _, err := db.W.ExecContext(ctx, `INSERT INTO cluster_leases (partition, holder, token, expires_at) VALUES ('adt/lab/0', ?, ?, 0)
			ON CONFLICT (partition) DO UPDATE SET holder = excluded.holder, token = excluded.token`, holder, token); err != nil {
			t.Fatal(err)
		}
	}

	dest := &blocking{recorder: newRecorder(), entered: make(chan struct{}, 10), release: make(chan struct{}, 10)}
	leases := &fakeLeases{}
	c := New(Spec{Name: "adt", Destinations: []Destination{{Name: "lab", Dest: dest}}}, j, nil, slog.New(slog.DiscardHandler))
	c.SetLeases(leases, time.Hour)
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Stop(context.Background()) })

	// No lease: the message is journaled and acknowledged, not delivered.
	before := leases.count()
	first := receive(t, c, hl7("C1", "P1", "A01"))
	leases.waitChecks(t, before) // the poke woke the lane, which found no lease
	select {
	case <-dest.entered:
		t.Fatal("delivered without a lease")
	default:
	}

	// Granted (and poked, as the cluster does on a gain): delivered and
	// recorded under the fence.
	fence := journal.Fence{Partition: "adt/lab/0", Holder: "node-a", Token: 1}
	setRow("node-a", 1)
	leases.set(fence, true)
	c.Poke("lab", 0)
	<-dest.entered
	dest.release <- struct{}{}
	waitStatus(t, j, first.MessageID, engine.StatusDelivered)

	// The next attempt is on the wire when another node takes the lease
	// (this node, paused, has not noticed yet).
	second := receive(t, c, hl7("C2", "P1", "A01"))
	<-dest.entered
	setRow("node-b", 2)
	checks := make(chan int, 1)
	dest.hook = func() {
		leases.set(journal.Fence{}, false) // this node's renew finds the lease gone
		checks <- leases.count()
	}
	dest.release <- struct{}{}
	leases.waitChecks(t, <-checks) // the lane recorded (or failed to) and looked again
	m, err := j.Message(ctx, second.MessageID)
	if err != nil {
		t.Fatal(err)
	}
	if m.Status != engine.StatusReceived {
		t.Fatalf("message status %s after a fenced attempt, want %s", m.Status, engine.StatusReceived)
	}
	q, err := j.Pending(ctx, "adt", "lab", 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(q) != 1 || q[0].MessageID != second.MessageID || q[0].Attempts != 0 {
		t.Fatalf("queue after a fenced attempt: %+v", q)
	}
	atts, err := j.Attempts(ctx, q[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(atts) != 0 {
		t.Fatalf("fenced attempt recorded: %+v", atts)
	}
}
