package journal

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/plexus-health/plexus/engine"
	"github.com/plexus-health/plexus/platform/store"
)

// splitRecords is a parent message (status split, no deliveries) and n
// children on channel, each child with one delivery.
func splitRecords(channel string, n int) []*Record {
	parent := &Record{Msg: &engine.Message{Channel: channel, Source: "http", ContentType: engine.ContentX12,
		Raw: []byte("ISA*parent~"), Type: "837", ControlID: "000000905", Status: engine.StatusSplit}}
	recs := []*Record{parent}
	for i := range n {
		recs = append(recs, &Record{Parent: parent, Msg: &engine.Message{Channel: channel, Source: "http",
			ContentType: engine.ContentX12, Raw: fmt.Appendf(nil, "ISA*claim %d~", i), Type: "837", Trigger: "837P",
			ControlID: fmt.Sprint("CLAIM", i), Status: engine.StatusReceived},
			Deliveries: []NewDelivery{{Destination: "payer", ContentType: engine.ContentX12}}})
	}
	return recs
}

func TestAppendAllLinksChildren(t *testing.T) {
	j := openJournal(t)
	ctx := context.Background()
	other := appendMsg(t, j, "adt", "C1", "lab")
	recs := splitRecords("claims", 3)
	if err := j.AppendAll(ctx, recs); err != nil {
		t.Fatal(err)
	}
	parent := recs[0].Msg
	if parent.ID == 0 || parent.ParentID != 0 {
		t.Fatalf("parent ID %d, parent's parent %d", parent.ID, parent.ParentID)
	}
	for i, rec := range recs[1:] {
		if rec.Msg.ID == 0 || rec.Msg.ParentID != parent.ID || rec.Deliveries[0].ID == 0 {
			t.Errorf("child %d: ID %d, parent %d, delivery %d", i, rec.Msg.ID, rec.Msg.ParentID, rec.Deliveries[0].ID)
		}
		m, err := j.Message(ctx, rec.Msg.ID)
		if err != nil {
			t.Fatal(err)
		}
		if m.ParentID != parent.ID || string(m.Raw) != string(rec.Msg.Raw) {
			t.Errorf("child %d read back: parent %d, raw %q", i, m.ParentID, m.Raw)
		}
	}
	if m, err := j.Message(ctx, parent.ID); err != nil || m.ParentID != 0 || m.Status != engine.StatusSplit {
		t.Errorf("parent read back: %+v, %v", m, err)
	}

	tests := []struct {
		name string
		f    MessageFilter
		want []int64
	}{
		{"children newest first", MessageFilter{ParentID: parent.ID}, []int64{recs[3].Msg.ID, recs[2].Msg.ID, recs[1].Msg.ID}},
		{"children and a control ID", MessageFilter{ParentID: parent.ID, ControlID: "CLAIM1"}, []int64{recs[2].Msg.ID}},
		{"a message without children", MessageFilter{ParentID: other.Msg.ID}, nil},
		{"every message", MessageFilter{}, []int64{recs[3].Msg.ID, recs[2].Msg.ID, recs[1].Msg.ID, parent.ID, other.Msg.ID}},
	}
	for _, tt := range tests {
		got, err := j.Messages(ctx, tt.f)
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, m := range got {
			ids = append(ids, m.ID)
			wantParent := int64(0)
			if m.ID != parent.ID && m.Channel == "claims" {
				wantParent = parent.ID
			}
			if m.ParentID != wantParent {
				t.Errorf("%s: message %d lists parent %d, want %d", tt.name, m.ID, m.ParentID, wantParent)
			}
		}
		if fmt.Sprint(ids) != fmt.Sprint(tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, ids, tt.want)
		}
	}
	p, err := j.Pending(ctx, "claims", "payer", 0, 10)
	if err != nil || len(p) != 3 {
		t.Fatalf("pending: %d, %v", len(p), err)
	}
	if string(p[0].Payload) != "ISA*claim 0~" {
		t.Errorf("first pending payload %q", p[0].Payload)
	}
}

// A record whose parent is not appended before it is refused before
// anything is written.
func TestAppendAllParentOrder(t *testing.T) {
	j := openJournal(t)
	recs := splitRecords("claims", 1)
	recs[0], recs[1] = recs[1], recs[0]
	if err := j.AppendAll(context.Background(), recs); err == nil {
		t.Fatal("a child before its parent was appended")
	}
	if got, _ := j.Messages(context.Background(), MessageFilter{}); len(got) != 0 {
		t.Errorf("%d messages stored", len(got))
	}
}

// A failure in the middle of AppendAll stores none of its records: the
// third of five inserts fails (a trigger refuses it), and so does an append
// whose context is cancelled.
func TestAppendAllAtomic(t *testing.T) {
	j := openJournal(t)
	ctx := context.Background()
	var ddl []string
	switch j.db.Dialect {
	case store.SQLite:
		ddl = []string{`CREATE TRIGGER refuse_claim BEFORE INSERT ON messages WHEN NEW.control_id = 'CLAIM1'
			BEGIN SELECT RAISE(ABORT, 'refused by the test'); END`}
	case store.Postgres:
		ddl = []string{
			`CREATE FUNCTION refuse_claim() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN IF NEW.control_id = 'CLAIM1' THEN RAISE EXCEPTION 'refused by the test'; END IF; RETURN NEW; END $$`,
			`CREATE TRIGGER refuse_claim BEFORE INSERT ON messages FOR EACH ROW EXECUTE FUNCTION refuse_claim()`,
		}
	}
	for _, q := range ddl {
		if _, err := j.db.W.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}

	recs := splitRecords("claims", 4)
	err := j.AppendAll(ctx, recs)
	if err == nil || !strings.Contains(err.Error(), "refused by the test") {
		t.Fatalf("append: %v", err)
	}
	for i, rec := range recs {
		if rec.Msg.ID != 0 || rec.Msg.ParentID != 0 {
			t.Errorf("record %d keeps ID %d, parent %d after the failure", i, rec.Msg.ID, rec.Msg.ParentID)
		}
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := j.AppendAll(cancelled, splitRecords("claims", 2)); !errors.Is(err, context.Canceled) {
		t.Errorf("append with a cancelled context: %v", err)
	}
	var messages, contents, deliveries int
	for q, n := range map[string]*int{
		`SELECT count(*) FROM messages`:        &messages,
		`SELECT count(*) FROM message_content`: &contents,
		`SELECT count(*) FROM deliveries`:      &deliveries,
	} {
		if err := j.db.R.QueryRowContext(ctx, q).Scan(n); err != nil {
			t.Fatal(err)
		}
	}
	if messages+contents+deliveries != 0 {
		t.Errorf("stored after failures: %d messages, %d contents, %d deliveries", messages, contents, deliveries)
	}

	// The same records, the refused one changed, then go in whole.
	recs[2].Msg.ControlID = "CLAIM1-fixed"
	if err := j.AppendAll(ctx, recs); err != nil {
		t.Fatal(err)
	}
	if got, _ := j.Messages(ctx, MessageFilter{ParentID: recs[0].Msg.ID}); len(got) != 4 {
		t.Errorf("after the retry: %d children", len(got))
	}
}
