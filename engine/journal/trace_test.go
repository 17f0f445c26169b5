package journal

import (
	"context"
	"testing"

	"github.com/plexus-health/plexus/engine"
)

// TestTraceIDKept checks that a message's trace and root span IDs are
// stored, read back by Message, Messages and Pending, and that Messages
// finds a message by its trace ID.
func TestTraceIDKept(t *testing.T) {
	j := openJournal(t)
	ctx := context.Background()
	traced := &Record{
		Msg: &engine.Message{
			Channel: "adt", Source: "mllp", ContentType: engine.ContentText, Raw: []byte("x"), Status: engine.StatusReceived,
			TraceID: "4bf92f3577b34da6a3ce929d0e0e4736", SpanID: "00f067aa0ba902b7", TraceFlags: 1,
		},
		Deliveries: []NewDelivery{{Destination: "lab"}},
	}
	if err := j.Append(ctx, traced); err != nil {
		t.Fatal(err)
	}
	untraced := appendMsg(t, j, "adt", "C2", "lab")

	m, err := j.Message(ctx, traced.Msg.ID)
	if err != nil {
		t.Fatal(err)
	}
	if m.TraceID != traced.Msg.TraceID || m.SpanID != traced.Msg.SpanID || m.TraceFlags != 1 {
		t.Errorf("Message: trace %q span %q flags %d", m.TraceID, m.SpanID, m.TraceFlags)
	}
	cases := []struct {
		trace string
		want  []int64
	}{
		{traced.Msg.TraceID, []int64{traced.Msg.ID}},
		{"00000000000000000000000000000001", nil},
		{"", []int64{untraced.Msg.ID, traced.Msg.ID}},
	}
	for _, tc := range cases {
		ms, err := j.Messages(ctx, MessageFilter{TraceID: tc.trace})
		if err != nil {
			t.Fatal(err)
		}
		var got []int64
		for _, m := range ms {
			got = append(got, m.ID)
			if m.ID == traced.Msg.ID && m.TraceID != traced.Msg.TraceID {
				t.Errorf("Messages: trace %q", m.TraceID)
			}
		}
		if len(got) != len(tc.want) || (len(got) > 0 && (got[0] != tc.want[0] || got[len(got)-1] != tc.want[len(tc.want)-1])) {
			t.Errorf("trace %q: messages %v, want %v", tc.trace, got, tc.want)
		}
	}
	ds, err := j.Pending(ctx, "adt", "lab", 0, 10)
	if err != nil || len(ds) != 2 {
		t.Fatalf("pending %d %v", len(ds), err)
	}
	if ds[0].Message.TraceID != traced.Msg.TraceID || ds[0].Message.SpanID != traced.Msg.SpanID || ds[0].Message.TraceFlags != 1 {
		t.Errorf("Pending: trace %q span %q flags %d", ds[0].Message.TraceID, ds[0].Message.SpanID, ds[0].Message.TraceFlags)
	}
	if ds[1].Message.TraceID != "" || ds[1].Message.SpanID != "" {
		t.Errorf("Pending of an untraced message: trace %q span %q", ds[1].Message.TraceID, ds[1].Message.SpanID)
	}
}

// TestChannelStates checks that recorded states read back, that a state
// is replaced, and that an empty state removes the record.
func TestChannelStates(t *testing.T) {
	j := openJournal(t)
	ctx := context.Background()
	steps := []struct {
		channel, state string
		want           map[string]string
	}{
		{"adt", "paused", map[string]string{"adt": "paused"}},
		{"lab", "stopped", map[string]string{"adt": "paused", "lab": "stopped"}},
		{"adt", "stopped", map[string]string{"adt": "stopped", "lab": "stopped"}},
		{"lab", "", map[string]string{"adt": "stopped"}},
		{"none", "", map[string]string{"adt": "stopped"}},
	}
	for _, s := range steps {
		if err := j.SetChannelState(ctx, s.channel, s.state); err != nil {
			t.Fatal(err)
		}
		got, err := j.ChannelStates(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(s.want) {
			t.Errorf("after %s=%q: %v, want %v", s.channel, s.state, got, s.want)
			continue
		}
		for k, v := range s.want {
			if got[k] != v {
				t.Errorf("after %s=%q: %v, want %v", s.channel, s.state, got, s.want)
			}
		}
	}
}
