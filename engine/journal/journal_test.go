package journal

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/plexus-health/plexus/engine"
	"github.com/plexus-health/plexus/platform/store"
	"github.com/plexus-health/plexus/platform/store/storetest"
)

func openJournal(t *testing.T) *Journal {
	t.Helper()
	db := storetest.Open(t, testDialect, store.Options{Synchronous: "NORMAL"})
	j := Open(db, Options{})
	t.Cleanup(func() { j.Close() })
	return j
}

func appendMsg(t *testing.T, j *Journal, channel, control string, dests ...string) *Record {
	t.Helper()
	rec := &Record{Msg: &engine.Message{
		Channel: channel, Source: "mllp", Remote: "127.0.0.1:5000", ContentType: engine.ContentHL7v2,
		Raw: []byte("MSH|^~\\&|A|B|||||ADT^A01|" + control + "|P|2.5\r"), Type: "ADT", Trigger: "A01",
		ControlID: control, SendingApp: "A", SendingFacility: "B", PatientID: "P" + control, Status: engine.StatusReceived,
	}}
	for _, d := range dests {
		rec.Deliveries = append(rec.Deliveries, NewDelivery{Destination: d, ContentType: engine.ContentHL7v2, Payload: []byte("out-" + control)})
	}
	if err := j.Append(context.Background(), rec); err != nil {
		t.Fatal(err)
	}
	return rec
}

func TestAppendAndRead(t *testing.T) {
	j := openJournal(t)
	ctx := context.Background()
	rec := appendMsg(t, j, "adt", "C1", "lab", "archive")
	if rec.Msg.ID == 0 || rec.Deliveries[0].ID == 0 || rec.Deliveries[1].ID == 0 {
		t.Fatalf("IDs not set: %+v", rec)
	}
	m, err := j.Message(ctx, rec.Msg.ID)
	if err != nil {
		t.Fatal(err)
	}
	if string(m.Raw) != string(rec.Msg.Raw) || m.ControlID != "C1" || m.PatientID != "PC1" || m.Status != engine.StatusReceived {
		t.Errorf("read back %+v", m)
	}
	if _, err := j.Message(ctx, 999); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing message: %v", err)
	}
	ds, err := j.Deliveries(ctx, rec.Msg.ID)
	if err != nil || len(ds) != 2 || ds[0].Destination != "lab" || ds[0].Status != Pending {
		t.Fatalf("deliveries %+v %v", ds, err)
	}
}

// TestUnmappedKept checks that what a conversion did not map is stored
// with the message and read back with its details, and that a message
// without a list reads back without one.
func TestUnmappedKept(t *testing.T) {
	j := openJournal(t)
	ctx := context.Background()
	plain := appendMsg(t, j, "adt", "C1")
	rec := &Record{Msg: &engine.Message{
		Channel: "adt", Source: "mllp", ContentType: engine.ContentHL7v2, Raw: []byte("MSH|^~\\&|A|B\r"),
		ControlID: "C2", Status: engine.StatusReceived,
		Unmapped: []string{"PV1-44 (segment 4): bad date/time", "ZXT (segment 9): segment not mapped"},
	}}
	if err := j.Append(ctx, rec); err != nil {
		t.Fatal(err)
	}
	m, err := j.Message(ctx, rec.Msg.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(m.Unmapped, rec.Msg.Unmapped) {
		t.Errorf("unmapped read back %q, want %q", m.Unmapped, rec.Msg.Unmapped)
	}
	if m, err := j.Message(ctx, plain.Msg.ID); err != nil || m.Unmapped != nil {
		t.Errorf("message without a list: %q, %v", m.Unmapped, err)
	}
}

func TestQueueOrderOutcomesAndSettle(t *testing.T) {
	j := openJournal(t)
	ctx := context.Background()
	var recs []*Record
	for i := range 5 {
		recs = append(recs, appendMsg(t, j, "adt", fmt.Sprint("C", i), "lab", "archive"))
	}
	p, err := j.Pending(ctx, "adt", "lab", 0, 10)
	if err != nil || len(p) != 5 {
		t.Fatalf("pending %d %v", len(p), err)
	}
	for i, d := range p {
		if d.MessageID != recs[i].Msg.ID || string(d.Payload) != fmt.Sprint("out-C", i) {
			t.Fatalf("order: %d is message %d", i, d.MessageID)
		}
	}
	now := time.Now()
	// Message 0: both delivered -> delivered. Message 1: lab dead -> dead.
	// Message 2: lab retried -> still received.
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(j.Record(ctx, Outcome{DeliveryID: recs[0].Deliveries[0].ID, MessageID: recs[0].Msg.ID, Attempt: 1, Started: now, Status: Delivered, ResponseStatus: "AA", Response: []byte("ack")}))
	must(j.Record(ctx, Outcome{DeliveryID: recs[0].Deliveries[1].ID, MessageID: recs[0].Msg.ID, Attempt: 1, Started: now, Status: Delivered}))
	must(j.Record(ctx, Outcome{DeliveryID: recs[1].Deliveries[0].ID, MessageID: recs[1].Msg.ID, Attempt: 3, Started: now, Status: Dead, Error: "AR: unknown patient"}))
	must(j.Record(ctx, Outcome{DeliveryID: recs[2].Deliveries[0].ID, MessageID: recs[2].Msg.ID, Attempt: 1, Started: now, Status: Pending, NextAttemptAt: now.Add(time.Minute), Error: "connection refused"}))
	status := func(rec *Record) engine.Status {
		m, err := j.Message(ctx, rec.Msg.ID)
		must(err)
		return m.Status
	}
	if s := status(recs[0]); s != engine.StatusDelivered {
		t.Errorf("message 0 status %s", s)
	}
	if s := status(recs[1]); s != engine.StatusDead {
		t.Errorf("message 1 status %s", s)
	}
	if s := status(recs[2]); s != engine.StatusReceived {
		t.Errorf("message 2 status %s", s)
	}
	att, err := j.Attempts(ctx, recs[0].Deliveries[0].ID)
	if err != nil || len(att) != 1 || att[0].ResponseStatus != "AA" || string(att[0].Response) != "ack" {
		t.Errorf("attempts %+v %v", att, err)
	}
	p, _ = j.Pending(ctx, "adt", "lab", 0, 10)
	if len(p) != 3 || p[0].MessageID != recs[2].Msg.ID || p[0].Attempts != 1 {
		t.Fatalf("pending after outcomes: %+v", p)
	}
	dead, _ := j.DeadLetters(ctx, "adt", "lab", 10)
	if len(dead) != 1 || dead[0].LastError != "AR: unknown patient" {
		t.Fatalf("dead letters %+v", dead)
	}
	qs, _ := j.Queues(ctx)
	if len(qs) != 2 || qs[1].Destination != "lab" || qs[1].Pending != 3 || qs[1].Dead != 1 || qs[1].OldestPending.IsZero() {
		t.Errorf("queues %+v", qs)
	}
	n, err := j.Replay(ctx, ReplayFilter{Channel: "adt", Destination: "lab"})
	if err != nil || n != 1 {
		t.Fatalf("replay %d %v", n, err)
	}
	if s := status(recs[1]); s != engine.StatusReceived {
		t.Errorf("replayed message status %s", s)
	}
	p, _ = j.Pending(ctx, "adt", "lab", 0, 10)
	if len(p) != 4 || p[0].MessageID != recs[1].Msg.ID || p[0].Attempts != 0 {
		t.Errorf("replayed delivery not back at its place in the queue: %+v", p[0])
	}
	n, err = j.Resend(ctx, recs[0].Msg.ID)
	if err != nil || n != 2 {
		t.Fatalf("resend %d %v", n, err)
	}
	if _, err := j.Resend(ctx, 12345); !errors.Is(err, ErrNotFound) {
		t.Errorf("resend missing: %v", err)
	}
}

func TestMessagesFilterAndPrune(t *testing.T) {
	j := openJournal(t)
	ctx := context.Background()
	for i := range 30 {
		appendMsg(t, j, []string{"adt", "lab"}[i%2], fmt.Sprint("CTL", i), "out")
	}
	all, err := j.Messages(ctx, MessageFilter{Limit: 100})
	if err != nil || len(all) != 30 || all[0].ControlID != "CTL29" {
		t.Fatalf("all: %d %v", len(all), err)
	}
	page, _ := j.Messages(ctx, MessageFilter{Channel: "adt", Limit: 5})
	next, _ := j.Messages(ctx, MessageFilter{Channel: "adt", Limit: 5, BeforeID: page[4].ID})
	if len(page) != 5 || len(next) != 5 || next[0].ID >= page[4].ID {
		t.Errorf("paging: %d %d", len(page), len(next))
	}
	byText, _ := j.Messages(ctx, MessageFilter{Text: "CTL1"})
	if len(byText) != 11 { // CTL1, CTL10..CTL19
		t.Errorf("text search found %d", len(byText))
	}
	byPatient, _ := j.Messages(ctx, MessageFilter{PatientID: "PCTL7"})
	if len(byPatient) != 1 {
		t.Errorf("patient search found %d", len(byPatient))
	}
	withPercent, _ := j.Messages(ctx, MessageFilter{Text: "%"})
	if len(withPercent) != 0 {
		t.Errorf("%% matched %d", len(withPercent))
	}
	// Finish every delivery, then prune: content first, then metadata.
	for _, m := range all {
		ds, _ := j.Deliveries(ctx, m.ID)
		for _, d := range ds {
			j.Record(ctx, Outcome{DeliveryID: d.ID, MessageID: m.ID, Attempt: 1, Started: time.Now(), Status: Delivered})
		}
	}
	future := time.Now().Add(time.Hour)
	c, n, err := j.Prune(ctx, "adt", future, time.Time{}, 4)
	if err != nil || c != 15 || n != 0 {
		t.Fatalf("prune content: %d %d %v", c, n, err)
	}
	m, _ := j.Message(ctx, all[1].ID) // an adt message
	if m.Raw != nil || m.ControlID == "" {
		t.Errorf("content not pruned or metadata lost: %+v", m)
	}
	_, n, err = j.Prune(ctx, "adt", time.Time{}, future, 4)
	if err != nil || n != 15 {
		t.Fatalf("prune metadata: %d %v", n, err)
	}
	left, _ := j.Messages(ctx, MessageFilter{Limit: 100})
	if len(left) != 15 || left[0].Channel != "lab" {
		t.Errorf("left %d", len(left))
	}
	seen := 0
	j.RecentControlIDs(ctx, "lab", time.Now().Add(-time.Hour), func(app, fac, id string, at time.Time) { seen++ })
	if seen != 15 {
		t.Errorf("recent control ids %d", seen)
	}
}
