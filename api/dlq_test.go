package api

import (
	"context"
	"testing"
	"time"

	"github.com/plexus-health/plexus/engine/journal"
)

func TestDeadLetters(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := context.Background()
	dead := map[int64]bool{f.data.adt[1].Deliveries[0].ID: true, f.data.adt[2].Deliveries[0].ID: true}
	tests := []struct {
		name string
		q    DeadLetterQuery
		want int
	}{
		{"all", DeadLetterQuery{}, 2},
		{"channel", DeadLetterQuery{Channel: "adt"}, 2},
		{"destination", DeadLetterQuery{Channel: "adt", Destination: "lab"}, 2},
		{"limit", DeadLetterQuery{Channel: "adt", Destination: "lab", Limit: 1}, 1},
		{"limit above the cap", DeadLetterQuery{Limit: 5000}, 2},
		{"other destination", DeadLetterQuery{Destination: "archive"}, 0},
		{"other channel", DeadLetterQuery{Channel: "orders"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ds, err := f.c.DeadLetters(ctx, tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if len(ds) != tt.want {
				t.Fatalf("got %d dead letters, want %d", len(ds), tt.want)
			}
			for _, d := range ds {
				if !dead[d.ID] || d.Status != journal.Dead || d.LastError != "AR: unknown patient" || d.Attempts != 2 {
					t.Errorf("dead letter %+v", d)
				}
			}
		})
	}
	if ds, err := f.c.DeadLetters(ctx, DeadLetterQuery{Channel: "orders"}); err != nil || ds == nil {
		t.Errorf("an empty list decodes as nil: %v", err)
	}
}

func TestReplay(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := context.Background()
	adt1, adt2 := f.data.adt[1], f.data.adt[2]
	labOf := func(rec *journal.Record) DeliveryDetail {
		t.Helper()
		m, err := f.c.Message(ctx, rec.Msg.ID)
		if err != nil {
			t.Fatal(err)
		}
		return m.Deliveries[0]
	}
	replay := func(req ReplayRequest, want int64) {
		t.Helper()
		n, err := f.c.Replay(ctx, req)
		if err != nil || n != want {
			t.Fatalf("replay %+v: %d %v, want %d", req, n, err, want)
		}
	}

	// A time window on the receive time: adt 2 arrived at t0+2m.
	replay(ReplayRequest{From: t0.Add(2 * time.Minute), To: t0.Add(3 * time.Minute)}, 1)
	if d := labOf(adt2); d.Status != journal.Pending || d.Attempts != 0 || d.LastError != "" || len(d.AttemptLog) != 2 {
		t.Errorf("replayed delivery is not pending again with its history: %+v", d)
	}
	if m, _ := f.c.Message(ctx, adt2.Msg.ID); m.Status != "received" {
		t.Errorf("replayed message status %s", m.Status)
	}
	if d := labOf(adt1); d.Status != journal.Dead {
		t.Errorf("a dead letter outside the window was replayed: %+v", d)
	}

	// By message.
	replay(ReplayRequest{MessageID: adt1.Msg.ID}, 1)
	if d := labOf(adt1); d.Status != journal.Pending {
		t.Errorf("replay by message: %+v", d)
	}
	if ds, _ := f.c.DeadLetters(ctx, DeadLetterQuery{}); len(ds) != 0 {
		t.Errorf("dead letters left: %+v", ds)
	}

	// It fails again; replay by delivery, then by queue finds nothing left.
	err := f.j.Record(ctx, journal.Outcome{DeliveryID: adt1.Deliveries[0].ID, MessageID: adt1.Msg.ID, Attempt: 1,
		Started: time.Now(), Status: journal.Dead, Error: "AR again"})
	if err != nil {
		t.Fatal(err)
	}
	replay(ReplayRequest{DeliveryID: adt2.Deliveries[0].ID}, 0) // pending, not dead
	replay(ReplayRequest{DeliveryID: adt1.Deliveries[0].ID}, 1)
	replay(ReplayRequest{Channel: "adt", Destination: "lab"}, 0)
	if d := labOf(adt1); d.Status != journal.Pending || len(d.AttemptLog) != 3 {
		t.Errorf("replay by delivery: %+v", d)
	}

	qs, err := f.c.Queues(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range qs {
		if q.Channel == "adt" && q.Destination == "lab" && (q.Pending != 19 || q.Dead != 0) {
			t.Errorf("adt/lab after replay: %+v", q)
		}
	}
}
