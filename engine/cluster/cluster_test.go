package cluster

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/plexus-health/plexus/engine"
	"github.com/plexus-health/plexus/engine/journal"
	"github.com/plexus-health/plexus/platform/store"
	"github.com/plexus-health/plexus/platform/store/storetest"
)

// clock is a fake clock the nodes of a test share.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

const testTTL = 10 * time.Second

func fourPartitions() []Partition {
	return []Partition{{"adt", "lab", 0}, {"adt", "lab", 1}, {"adt", "lab", 2}, {"adt", "pharmacy", 0}}
}

// join registers a node on db with the test's clock and partitions.
func join(t *testing.T, db *store.DB, clk *clock, name string, gained *[]string) *Cluster {
	t.Helper()
	var mu sync.Mutex
	c, err := New(context.Background(), db, Options{Name: name, TTL: testTTL, Now: clk.now, OnGain: func(p Partition) {
		if gained != nil {
			mu.Lock()
			*gained = append(*gained, p.Key())
			mu.Unlock()
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	c.SetPartitions(fourPartitions())
	return c
}

func step(t *testing.T, cs ...*Cluster) {
	t.Helper()
	for _, c := range cs {
		if err := c.Step(context.Background()); err != nil {
			t.Fatalf("step of %s: %v", c.Name(), err)
		}
	}
}

// disjoint checks that no partition is held twice and returns how many
// are held in all.
func disjoint(t *testing.T, cs ...*Cluster) int {
	t.Helper()
	seen := map[string]string{}
	for _, c := range cs {
		for _, k := range c.Held() {
			if other, dup := seen[k]; dup {
				t.Fatalf("%s held by %s and %s", k, other, c.Name())
			}
			seen[k] = c.Name()
		}
	}
	return len(seen)
}

func TestClaimAloneHoldsEverything(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, d store.Dialect) {
		db := storetest.Open(t, d, store.Options{})
		clk := &clock{t: time.Unix(1_700_000_000, 0)}
		var gained []string
		a := join(t, db, clk, "a", &gained)
		if a.Leader() {
			t.Fatal("leader before the first step")
		}
		if _, ok := a.Lease("adt", "lab", 0); ok {
			t.Fatal("lease before the first step")
		}
		step(t, a)
		if got := a.Held(); len(got) != 4 {
			t.Fatalf("held %v, want all 4", got)
		}
		slices.Sort(gained)
		if want := []string{"adt/lab/0", "adt/lab/1", "adt/lab/2", "adt/pharmacy/0"}; !slices.Equal(gained, want) {
			t.Fatalf("OnGain %v, want %v", gained, want)
		}
		if !a.Leader() {
			t.Fatal("a lone node is not the leader")
		}
		f, ok := a.Lease("adt", "lab", 1)
		if !ok || f.Token != 1 || f.Holder != a.ID() || f.Partition != "adt/lab/1" {
			t.Fatalf("lease %+v %v", f, ok)
		}
		if _, ok := a.Lease("adt", "lab", 3); ok {
			t.Fatal("lease of a partition that is not configured")
		}
		// Renewals keep the lease valid past the first TTL, with the
		// same token.
		for range 5 {
			clk.advance(testTTL / 2)
			step(t, a)
		}
		if f2, ok := a.Lease("adt", "lab", 1); !ok || f2 != f {
			t.Fatalf("after renewals: %+v %v, want %+v", f2, ok, f)
		}
		// Without a renew the lease runs out here before the row expires
		// for the other nodes.
		clk.advance(testTTL - time.Second)
		if _, ok := a.Lease("adt", "lab", 1); ok {
			t.Fatal("lease still trusted a second before its row expires")
		}
		if a.Leader() {
			t.Fatal("still leader a second before the lease row expires")
		}
		b := join(t, db, clk, "b", nil)
		step(t, b)
		if len(b.Held()) != 0 {
			t.Fatalf("b took %v before the rows expired", b.Held())
		}
		clk.advance(2 * time.Second)
		step(t, b)
		if len(b.Held()) != 4 || !b.Leader() {
			t.Fatalf("b holds %v (leader %v) once the rows expired", b.Held(), b.Leader())
		}
	})
}

func TestFairShareAndRebalance(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, d store.Dialect) {
		db := storetest.Open(t, d, store.Options{})
		clk := &clock{t: time.Unix(1_700_000_000, 0)}
		a := join(t, db, clk, "a", nil)
		step(t, a)
		b := join(t, db, clk, "b", nil)
		step(t, b) // nothing free yet
		if len(b.Held()) != 0 {
			t.Fatalf("b took %v while a held everything", b.Held())
		}
		step(t, a) // a sees two nodes and stops draining half
		if len(a.Held()) != 2 {
			t.Fatalf("a holds %v, want 2 of 4", a.Held())
		}
		step(t, b)
		if len(b.Held()) != 0 {
			t.Fatalf("b took %v before a released them", b.Held())
		}
		step(t, a, b) // a releases them at its next step
		if len(b.Held()) != 2 {
			t.Fatalf("b holds %v, want 2 of 4", b.Held())
		}
		if n := disjoint(t, a, b); n != 4 {
			t.Fatalf("%d partitions held, want 4", n)
		}
		if a.Leader() == b.Leader() {
			t.Fatalf("leaders: a %v, b %v; want exactly one", a.Leader(), b.Leader())
		}
		// Stable: more steps change nothing.
		before := [][]string{a.Held(), b.Held()}
		clk.advance(time.Second)
		step(t, a, b, a, b)
		if !slices.Equal(before[0], a.Held()) || !slices.Equal(before[1], b.Held()) {
			t.Fatalf("leases moved: %v → %v, %v → %v", before[0], a.Held(), before[1], b.Held())
		}
		// A partition that leaves the configuration is released.
		a.SetPartitions(fourPartitions()[:3])
		b.SetPartitions(fourPartitions()[:3])
		step(t, a, b, a, b)
		for _, c := range []*Cluster{a, b} {
			if slices.Contains(c.Held(), "adt/pharmacy/0") {
				t.Fatalf("%s still holds a partition no longer configured", c.Name())
			}
		}
		if n := disjoint(t, a, b); n != 3 {
			t.Fatalf("%d partitions held, want 3", n)
		}
	})
}

func TestTakeoverAfterExpiryAndFencing(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, d store.Dialect) {
		db := storetest.Open(t, d, store.Options{})
		j := journal.Open(db, journal.Options{})
		defer j.Close()
		ctx := context.Background()
		clk := &clock{t: time.Unix(1_700_000_000, 0)}
		a := join(t, db, clk, "a", nil)
		step(t, a)
		b := join(t, db, clk, "b", nil)
		step(t, b)
		wasLeader := a.Leader()
		fa, ok := a.Lease("adt", "lab", 0)
		if !ok {
			t.Fatal("a does not hold adt/lab/0")
		}
		rec := &journal.Record{
			Msg:        &engine.Message{Channel: "adt", Source: "test", ContentType: engine.ContentText, Raw: []byte("x"), Status: engine.StatusReceived},
			Deliveries: []journal.NewDelivery{{Destination: "lab", Lane: 0}},
		}
		if err := j.Append(ctx, rec); err != nil {
			t.Fatal(err)
		}
		out := journal.Outcome{DeliveryID: rec.Deliveries[0].ID, MessageID: rec.Msg.ID, Attempt: 1, Started: clk.now(), Status: journal.Pending,
			NextAttemptAt: clk.now(), Error: "refused"}
		if err := j.RecordFenced(ctx, out, fa); err != nil {
			t.Fatalf("recording under a held lease: %v", err)
		}

		// a stops (paused, partitioned); after the TTL b takes over.
		var gained []string
		b.opts.OnGain = func(p Partition) { gained = append(gained, p.Key()) }
		clk.advance(testTTL / 2)
		step(t, b)
		if len(b.Held()) != 0 || len(gained) != 0 {
			t.Fatalf("b took %v before a's leases expired", b.Held())
		}
		clk.advance(testTTL/2 + time.Millisecond)
		step(t, b)
		if len(b.Held()) != 4 || len(gained) != 4 {
			t.Fatalf("b holds %v after a's leases expired, gained %v", b.Held(), gained)
		}
		if !b.Leader() {
			t.Fatalf("b is not the leader after a died (a was leader: %v)", wasLeader)
		}
		fb, ok := b.Lease("adt", "lab", 0)
		if !ok || fb.Token <= fa.Token || fb.Holder == fa.Holder {
			t.Fatalf("b's fence %+v after a's %+v", fb, fa)
		}
		// a's lease ran out locally: its lanes stop before any attempt.
		if _, ok := a.Lease("adt", "lab", 0); ok {
			t.Fatal("a still thinks it holds adt/lab/0")
		}
		// a's late outcome is refused; b's is recorded.
		out.Attempt, out.Status = 2, journal.Delivered
		if err := j.RecordFenced(ctx, out, fa); !errors.Is(err, journal.ErrFenced) {
			t.Fatalf("recording under a lost lease: %v, want ErrFenced", err)
		}
		if err := j.RecordFenced(ctx, out, fb); err != nil {
			t.Fatalf("recording under the new lease: %v", err)
		}
		atts, err := j.Attempts(ctx, rec.Deliveries[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(atts) != 2 {
			t.Fatalf("%d attempts recorded, want 2 (the fenced one refused)", len(atts))
		}
		// a wakes: its renew finds the leases gone and it gives them up,
		// then takes its fair share back from what b releases.
		step(t, a)
		if len(a.Held()) != 0 {
			t.Fatalf("a holds %v after losing everything", a.Held())
		}
		step(t, b, b, a) // b stops draining two, then releases them; a takes them
		if len(a.Held()) != 2 || len(b.Held()) != 2 || disjoint(t, a, b) != 4 {
			t.Fatalf("after a rejoined: a %v, b %v", a.Held(), b.Held())
		}
		if fa2, ok := a.Lease("adt", "lab", 0); ok && fa2.Token <= fb.Token {
			t.Fatalf("token went back: %+v after %+v", fa2, fb)
		}
	})
}

func TestCloseHandsOverAtOnce(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, d store.Dialect) {
		db := storetest.Open(t, d, store.Options{})
		clk := &clock{t: time.Unix(1_700_000_000, 0)}
		a := join(t, db, clk, "a", nil)
		b := join(t, db, clk, "b", nil)
		step(t, a, b, a, b)
		if err := a.Close(context.Background()); err != nil {
			t.Fatal(err)
		}
		if len(a.Held()) != 0 || a.Leader() {
			t.Fatal("a still holds leases after Close")
		}
		if err := a.Step(context.Background()); !errors.Is(err, ErrClosed) {
			t.Fatalf("step after Close: %v", err)
		}
		step(t, b) // no clock advance: released leases are free at once
		if len(b.Held()) != 4 || !b.Leader() {
			t.Fatalf("b holds %v (leader %v) after a left", b.Held(), b.Leader())
		}
		nodes, err := Nodes(context.Background(), db, clk.now(), testTTL)
		if err != nil {
			t.Fatal(err)
		}
		if len(nodes) != 1 || nodes[0].Name != "b" || !nodes[0].Leader || !nodes[0].Alive || len(nodes[0].Leases) != 4 {
			t.Fatalf("nodes %+v", nodes)
		}
	})
}

func TestRenewFailureGivesUp(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, d store.Dialect) {
		dsn := ""
		if d == store.Postgres {
			dsn = storetest.PostgresURL(t)
		}
		db, err := store.Open(context.Background(), dsn, t.TempDir(), store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		clk := &clock{t: time.Unix(1_700_000_000, 0)}
		a := join(t, db, clk, "a", nil)
		step(t, a)
		if len(a.Held()) != 4 || !a.Leader() {
			t.Fatal("a does not hold everything")
		}
		db.Close() // the database is gone
		if err := a.Step(context.Background()); err == nil {
			t.Fatal("step on a closed store succeeded")
		}
		if len(a.Held()) != 0 || a.Leader() {
			t.Fatalf("a holds %v (leader %v) after a failed renew", a.Held(), a.Leader())
		}
		if _, ok := a.Lease("adt", "lab", 0); ok {
			t.Fatal("lease still granted after a failed renew")
		}
	})
}

func TestParsePartition(t *testing.T) {
	cases := []struct {
		in   string
		want Partition
		ok   bool
	}{
		{"adt/lab/0", Partition{"adt", "lab", 0}, true},
		{"a-b/c_d/17", Partition{"a-b", "c_d", 17}, true},
		{"adt/lab", Partition{}, false},
		{"adt/lab/x", Partition{}, false},
		{"adt/lab/-1", Partition{}, false},
		{"/lab/0", Partition{}, false},
		{"adt//0", Partition{}, false},
		{"leader", Partition{}, false},
		{"", Partition{}, false},
	}
	for _, c := range cases {
		got, err := ParsePartition(c.in)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("ParsePartition(%q) = %+v, %v; want %+v, ok %v", c.in, got, err, c.want, c.ok)
		}
		if c.ok && got.Key() != c.in {
			t.Errorf("Key of %q = %q", c.in, got.Key())
		}
	}
}

func FuzzParsePartition(f *testing.F) {
	for _, s := range []string{"adt/lab/0", "a/b/c/1", "//", "x/y/99999999999999999999", "*"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePartition(s)
		if err != nil {
			return
		}
		back, err := ParsePartition(p.Key())
		if err != nil || back != p {
			t.Fatalf("%q → %+v → %q → %+v, %v", s, p, p.Key(), back, err)
		}
	})
}
