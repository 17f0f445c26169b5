package journal

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/plexus-health/plexus/engine"
	"github.com/plexus-health/plexus/platform/store"
	"github.com/plexus-health/plexus/platform/store/storetest"
)

// queueOne appends a message with one delivery and returns the outcome
// that delivers it.
func queueOne(tb testing.TB, j *Journal) Outcome {
	tb.Helper()
	rec := &Record{
		Msg:        &engine.Message{Channel: "adt", Source: "test", ContentType: engine.ContentText, Raw: []byte("x"), Status: engine.StatusReceived},
		Deliveries: []NewDelivery{{Destination: "lab"}},
	}
	if err := j.Append(context.Background(), rec); err != nil {
		tb.Fatal(err)
	}
	return Outcome{DeliveryID: rec.Deliveries[0].ID, MessageID: rec.Msg.ID, Attempt: 1, Started: time.Now(), Status: Delivered}
}

func setLease(tb testing.TB, db *store.DB, holder string, token int64) {
	tb.Helper()
	if _, err := db.W.Exec(`INSERT INTO cluster_leases (partition, holder, token, expires_at) VALUES ('adt/lab/0', ?, ?, 0)
		ON CONFLICT (partition) DO UPDATE SET holder = excluded.holder, token = excluded.token`, holder, token); err != nil {
		tb.Fatal(err)
	}
}

func TestRecordFenced(t *testing.T) {
	db := storetest.Open(t, testDialect, store.Options{Synchronous: "NORMAL"})
	j := Open(db, Options{})
	defer j.Close()
	ctx := context.Background()
	fence := Fence{Partition: "adt/lab/0", Holder: "node-a", Token: 3}
	cases := []struct {
		name   string
		holder string
		token  int64
		want   error
	}{
		{"held", "node-a", 3, nil},
		{"taken over", "node-b", 4, ErrFenced},
		{"same holder, new token", "node-a", 4, ErrFenced},
		{"released", "", 3, ErrFenced},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			setLease(t, db, c.holder, c.token)
			o := queueOne(t, j)
			err := j.RecordFenced(ctx, o, fence)
			if !errors.Is(err, c.want) {
				t.Fatalf("RecordFenced: %v, want %v", err, c.want)
			}
			atts, err := j.Attempts(ctx, o.DeliveryID)
			if err != nil {
				t.Fatal(err)
			}
			m, err := j.Message(ctx, o.MessageID)
			if err != nil {
				t.Fatal(err)
			}
			if c.want == nil && (len(atts) != 1 || m.Status != engine.StatusDelivered) {
				t.Fatalf("recorded: %d attempts, message %s", len(atts), m.Status)
			}
			if c.want != nil && (len(atts) != 0 || m.Status != engine.StatusReceived) {
				t.Fatalf("fenced off, yet %d attempts, message %s", len(atts), m.Status)
			}
		})
	}
	// No lease row at all: fenced off too.
	if _, err := db.W.Exec(`DELETE FROM cluster_leases`); err != nil {
		t.Fatal(err)
	}
	if err := j.RecordFenced(ctx, queueOne(t, j), fence); !errors.Is(err, ErrFenced) {
		t.Fatalf("without a lease row: %v", err)
	}
}

// BenchmarkRecord compares recording delivery outcomes with and without
// the fencing check, 16 lanes recording at once, in one run.
func BenchmarkRecord(b *testing.B) {
	for _, mode := range []string{"plain", "fenced"} {
		b.Run(mode, func(b *testing.B) {
			db := storetest.Open(b, testDialect, store.Options{Synchronous: "NORMAL"})
			j := Open(db, Options{})
			defer j.Close()
			setLease(b, db, "node-a", 1)
			fence := Fence{Partition: "adt/lab/0", Holder: "node-a", Token: 1}
			outs := make([]Outcome, b.N)
			for i := range outs {
				outs[i] = queueOne(b, j)
			}
			b.ResetTimer()
			var wg sync.WaitGroup
			next := make(chan Outcome)
			for range 16 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for o := range next {
						var err error
						if mode == "fenced" {
							err = j.RecordFenced(context.Background(), o, fence)
						} else {
							err = j.Record(context.Background(), o)
						}
						if err != nil {
							b.Error(err)
						}
					}
				}()
			}
			for _, o := range outs {
				next <- o
			}
			close(next)
			wg.Wait()
		})
	}
}
