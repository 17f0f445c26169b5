package api

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/plexus-health/plexus/engine"
	"github.com/plexus-health/plexus/engine/journal"
)

// The claims split from an X12 interchange name it as their parent in the
// message JSON, and ?parent_id= lists them.
func TestMessagesSplitFromAParent(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := context.Background()
	parent := &journal.Record{Msg: &engine.Message{Channel: "claims", Source: "http", ReceivedAt: t0,
		ContentType: engine.ContentX12, Raw: []byte("ISA*interchange~"), Type: "837", ControlID: "000000905",
		Status: engine.StatusSplit}}
	recs := []*journal.Record{parent}
	for i := range 3 {
		recs = append(recs, &journal.Record{Parent: parent, Msg: &engine.Message{Channel: "claims", Source: "http",
			ReceivedAt: t0, ContentType: engine.ContentX12, Raw: fmt.Appendf(nil, "ISA*claim %d~", i), Type: "837",
			Trigger: "837P", ControlID: fmt.Sprint("CLAIM", i), Status: engine.StatusDelivered}})
	}
	if err := f.j.AppendAll(ctx, recs); err != nil {
		t.Fatal(err)
	}
	pid := parent.Msg.ID

	tests := []struct {
		name string
		q    MessageQuery
		want []string // control IDs, newest first
	}{
		{"children of the interchange", MessageQuery{ParentID: pid}, []string{"CLAIM2", "CLAIM1", "CLAIM0"}},
		{"one child by control ID", MessageQuery{ParentID: pid, ControlID: "CLAIM1"}, []string{"CLAIM1"}},
		{"children of a message not split", MessageQuery{ParentID: f.data.adt[0].Msg.ID}, nil},
		{"split messages", MessageQuery{Status: "split"}, []string{"000000905"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			list, err := f.c.ListMessages(ctx, tt.q)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, m := range list.Messages {
				got = append(got, m.ControlID)
				if want := map[bool]int64{true: pid, false: 0}[strings.HasPrefix(m.ControlID, "CLAIM")]; m.ParentID != want {
					t.Errorf("%s: parent %d, want %d", m.ControlID, m.ParentID, want)
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}

	code, _, body := f.get(fmt.Sprintf("/api/v1/messages/%d", recs[1].Msg.ID))
	if want := fmt.Sprintf(`"parent_id":%d`, pid); code != 200 || !strings.Contains(body, want) {
		t.Errorf("detail of a claim: %d, lacks %s: %s", code, want, body)
	}
	code, _, body = f.get(fmt.Sprintf("/api/v1/messages/%d", pid))
	if code != 200 || strings.Contains(body, "parent_id") || !strings.Contains(body, `"status":"split"`) {
		t.Errorf("detail of the interchange: %d %s", code, body)
	}
	for _, bad := range []string{"x", "0", "-4"} {
		code, _, body := f.get("/api/v1/messages?parent_id=" + bad)
		if code != 400 || !strings.Contains(body, "parameter parent_id") {
			t.Errorf("parent_id=%s: %d %s", bad, code, body)
		}
	}
}
