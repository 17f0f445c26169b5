package api

import (
	"context"
	"strings"
	"testing"

	"github.com/plexus-health/plexus/engine"
	"github.com/plexus-health/plexus/engine/journal"
)

// TestMessagesByTraceID checks that a message's trace ID is in its listing
// and details, and that ?trace_id= finds it, in either letter case.
func TestMessagesByTraceID(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := context.Background()
	const trace = "4bf92f3577b34da6a3ce929d0e0e4736"
	rec := &journal.Record{Msg: &engine.Message{
		Channel: "adt", Source: "http", ContentType: engine.ContentText, Raw: []byte("x"), Status: engine.StatusDelivered,
		TraceID: trace, SpanID: "00f067aa0ba902b7", TraceFlags: 1,
	}}
	if err := f.j.Append(ctx, rec); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{trace, strings.ToUpper(trace)} {
		list, err := f.c.ListMessages(ctx, MessageQuery{TraceID: q})
		if err != nil {
			t.Fatal(err)
		}
		if len(list.Messages) != 1 || list.Messages[0].ID != rec.Msg.ID || list.Messages[0].TraceID != trace {
			t.Errorf("trace_id=%s: %+v", q, list.Messages)
		}
	}
	list, err := f.c.ListMessages(ctx, MessageQuery{TraceID: strings.Repeat("0", 31) + "1"})
	if err != nil || len(list.Messages) != 0 {
		t.Errorf("another trace: %+v %v", list, err)
	}
	d, err := f.c.Message(ctx, rec.Msg.ID)
	if err != nil {
		t.Fatal(err)
	}
	if d.TraceID != trace {
		t.Errorf("details trace ID %q", d.TraceID)
	}
}
