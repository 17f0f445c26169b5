package nats

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/plexus-health/plexus/connector/internal/conntest"
	"github.com/plexus-health/plexus/engine"
)

// newTestDestination builds a destination from options, closed when the
// test ends.
func newTestDestination(t *testing.T, opts string) *Destination {
	t.Helper()
	d, err := NewDestination(conntest.Env(t, nil), conntest.Options(opts))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.(*Destination).Close() })
	return d.(*Destination)
}

func outbound(id int64, payload string) *engine.Outbound {
	return &engine.Outbound{
		MessageID: id, Channel: "adt", Destination: "bus", Attempt: 1,
		ContentType: engine.ContentHL7v2, Payload: []byte(payload),
		Message: &engine.Message{Type: "ADT", Trigger: "A01", ControlID: "C1"},
	}
}

func TestDestinationPublishes(t *testing.T) {
	f := newFixture(t)
	name := unique("OUT")
	subj := strings.ToLower(name)
	stream := f.stream(t, jetstream.StreamConfig{Name: name, Subjects: []string{subj + ".>"}, Storage: jetstream.MemoryStorage})
	d := newTestDestination(t, fmt.Sprintf("url: %s\nsubject: '%s.{{.Channel}}.{{.Type}}.{{.Trigger}}'\nstream: %s", f.url, subj, name))

	// A span in the context travels as traceparent.
	tp := sdktrace.NewTracerProvider()
	ctx, span := tp.Tracer("test").Start(context.Background(), "deliver")
	defer span.End()
	resp, err := d.Deliver(ctx, outbound(7, "payload one"))
	if err != nil {
		t.Fatal(err)
	}
	var ack pubAck
	if err := json.Unmarshal(resp.Body, &ack); err != nil {
		t.Fatal(err)
	}
	if resp.Status != "stored" || ack.Stream != name || ack.Sequence != 1 || ack.Duplicate {
		t.Fatalf("response %s %s", resp.Status, resp.Body)
	}
	m, err := stream.GetMsg(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if m.Subject != subj+".adt.ADT.A01" || string(m.Data) != "payload one" {
		t.Errorf("stored %s %q", m.Subject, m.Data)
	}
	want := map[string]string{
		"Nats-Msg-Id":       "plexus-adt-7-bus",
		"Content-Type":      engine.ContentHL7v2,
		"Plexus-Message-Id": "7",
		"Plexus-Channel":    "adt",
		"traceparent":       fmt.Sprintf("00-%s-%s-01", span.SpanContext().TraceID(), span.SpanContext().SpanID()),
	}
	for k, v := range want {
		if got := m.Header.Get(k); got != v {
			t.Errorf("header %s = %q, want %q", k, got, v)
		}
	}
}

// TestDestinationDeduplicates publishes the same delivery twice, as a
// retry after a lost acknowledgement does: the stream keeps one message
// and answers the second with the duplicate flag.
func TestDestinationDeduplicates(t *testing.T) {
	f := newFixture(t)
	name := unique("DEDUP")
	subj := strings.ToLower(name)
	stream := f.stream(t, jetstream.StreamConfig{Name: name, Subjects: []string{subj}, Storage: jetstream.MemoryStorage, Duplicates: time.Minute})
	d := newTestDestination(t, fmt.Sprintf("url: %s\nsubject: %s\nstream: %s", f.url, subj, name))

	out := outbound(42, "the same message")
	first, err := d.Deliver(context.Background(), out)
	if err != nil {
		t.Fatal(err)
	}
	out.Attempt = 2
	second, err := d.Deliver(context.Background(), out)
	if err != nil {
		t.Fatal(err)
	}
	if first.Status != "stored" || second.Status != "duplicate" {
		t.Errorf("statuses %q then %q, want stored then duplicate", first.Status, second.Status)
	}
	if !strings.Contains(string(second.Body), `"duplicate":true`) || !strings.Contains(string(second.Body), `"seq":1`) {
		t.Errorf("second response %s", second.Body)
	}
	// Another message is not a duplicate.
	if r, err := d.Deliver(context.Background(), outbound(43, "another")); err != nil || r.Status != "stored" {
		t.Fatalf("another message: %v %v", r, err)
	}
	info, err := stream.Info(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if info.State.Msgs != 2 {
		t.Errorf("stream holds %d messages, want 2", info.State.Msgs)
	}
}

// TestDestinationRefusals checks which failures are permanent.
func TestDestinationRefusals(t *testing.T) {
	f := newFixture(t)
	name := unique("SMALL")
	subj := strings.ToLower(name)
	other := unique("OTHER")
	f.stream(t, jetstream.StreamConfig{Name: name, Subjects: []string{subj}, Storage: jetstream.MemoryStorage, MaxMsgSize: 64})
	f.stream(t, jetstream.StreamConfig{Name: other, Subjects: []string{strings.ToLower(other)}, Storage: jetstream.MemoryStorage})
	full := unique("FULL")
	f.stream(t, jetstream.StreamConfig{Name: full, Subjects: []string{strings.ToLower(full)}, Storage: jetstream.MemoryStorage, MaxMsgs: 1, Discard: jetstream.DiscardNew})
	f.publish(t, strings.ToLower(full), []byte("the one message it holds"))
	for _, tc := range []struct {
		name, opts, payload string
		permanent           bool
		want                string
	}{
		{"message too large", "subject: " + subj, strings.Repeat("x", 200), true, "error code 10054"},
		{"no stream takes the subject", "subject: " + unique("nowhere"), "x", true, "no stream takes subject"},
		{"another stream than configured", "subject: " + strings.ToLower(other) + "\nstream: " + name, "x", true, "refused"},
		{"empty subject token", "subject: 'x.{{.SendingApp}}'", "x", true, "empty token"},
		{"stream full", "subject: " + strings.ToLower(full), "x", false, "maximum messages exceeded"},
		{"no such stream", "subject: x\nstream: " + unique("MISSING"), "x", false, "stream not found"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := newTestDestination(t, fmt.Sprintf("url: %s\ntimeout: 5s\n%s", f.url, tc.opts))
			out := outbound(1, tc.payload)
			_, err := d.Deliver(context.Background(), out)
			if err == nil {
				t.Fatal("delivered")
			}
			if engine.IsPermanent(err) != tc.permanent || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v (permanent %v), want %q (permanent %v)", err, engine.IsPermanent(err), tc.want, tc.permanent)
			}
		})
	}
}

// TestDestinationCreatesStream checks create_stream, and that a second
// destination finds the stream the first made.
func TestDestinationCreatesStream(t *testing.T) {
	f := newFixture(t)
	name := unique("MADE")
	subj := strings.ToLower(name)
	f.cleanupStream(t, name)
	opts := fmt.Sprintf("url: %s\nsubject: %s.{{.Type}}\nstream: %s\ncreate_stream: {subjects: ['%s.>'], storage: memory, max_age: 1h, duplicate_window: 30s}", f.url, subj, name, subj)
	for i := range 2 {
		d := newTestDestination(t, opts)
		if _, err := d.Deliver(context.Background(), outbound(int64(i+1), "x")); err != nil {
			t.Fatal(err)
		}
	}
	s, err := f.js.Stream(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	c := s.CachedInfo().Config
	if c.Storage != jetstream.MemoryStorage || c.MaxAge != time.Hour || c.Duplicates != 30*time.Second || s.CachedInfo().State.Msgs != 2 {
		t.Errorf("stream %+v with %d messages", c, s.CachedInfo().State.Msgs)
	}
}

// TestDestinationUnreachable checks that a server that is not there is a
// failure worth retrying, and a closed destination fails.
func TestDestinationUnreachable(t *testing.T) {
	d := newTestDestination(t, "url: nats://127.0.0.1:1\nsubject: x\nconnect_timeout: 1s")
	_, err := d.Deliver(context.Background(), outbound(1, "x"))
	if err == nil || engine.IsPermanent(err) || !strings.Contains(err.Error(), "connecting to nats://127.0.0.1:1") {
		t.Errorf("error %v (permanent %v)", err, engine.IsPermanent(err))
	}
	d.Close()
	if _, err := d.Deliver(context.Background(), outbound(1, "x")); err == nil || !strings.Contains(err.Error(), "closed") {
		t.Errorf("after Close: %v", err)
	}
}
