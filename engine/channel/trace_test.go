package channel

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/plexus-health/plexus/engine"
)

// recordedTracer returns a tracer whose ended spans sr holds, sampling
// traces that begin here with ratio.
func recordedTracer(t *testing.T, ratio float64) (*tracetest.SpanRecorder, *sdktrace.TracerProvider) {
	t.Helper()
	sr := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(sr),
		sdktrace.WithSampler(sdktrace.ParentBased(sdktrace.TraceIDRatioBased(ratio))))
	t.Cleanup(func() { tp.Shutdown(context.Background()) })
	return sr, tp
}

func attrOf(s sdktrace.ReadOnlySpan, key attribute.Key) (attribute.Value, bool) {
	for _, kv := range s.Attributes() {
		if kv.Key == key {
			return kv.Value, true
		}
	}
	return attribute.Value{}, false
}

// TestMessageTrace follows one message through the priority rule, the
// filter, two destinations' transforms, the journal and the reply, and a
// delivery that fails once and then succeeds: every span is in the trace
// journaled with the message, the children of the receive span hang from
// it, each attempt is a span under it with its outcome, and no span holds
// the control ID or the patient ID.
func TestMessageTrace(t *testing.T) {
	sr, tp := recordedTracer(t, 1)
	j := newJournal(t)
	lab, ris := newRecorder(), newRecorder()
	lab.failNext = 1
	transform := func(ctx context.Context, msg *engine.Message) (string, []byte, error) {
		return engine.ContentText, []byte("to-" + msg.Trigger), nil
	}
	fast := Retry{InitialBackoff: time.Millisecond, MaxBackoff: 2 * time.Millisecond, Jitter: -1}
	c := start(t, Spec{
		Name: "adt", Tracer: tp.Tracer(TracerName),
		PriorityRule: matchFunc(func(*engine.Message) (bool, error) { return false, nil }),
		Filter:       matchFunc(func(*engine.Message) (bool, error) { return true, nil }),
		Destinations: []Destination{
			{Name: "lab", Dest: lab, Transform: transform, Retry: fast},
			{Name: "ris", Dest: ris, Transform: transform, Retry: fast},
		},
	}, j)
	r := receive(t, c, hl7("CTRL-77", "PAT-991", "A01"))
	m := waitStatus(t, j, r.MessageID, engine.StatusDelivered)
	if len(m.TraceID) != 32 || len(m.SpanID) != 16 || m.TraceFlags != 1 {
		t.Fatalf("journaled trace %q span %q flags %d", m.TraceID, m.SpanID, m.TraceFlags)
	}

	spans := sr.Ended()
	byName := map[string][]sdktrace.ReadOnlySpan{}
	for _, s := range spans {
		if got := s.SpanContext().TraceID().String(); got != m.TraceID {
			t.Errorf("span %q in trace %s, want the journaled %s", s.Name(), got, m.TraceID)
		}
		for _, kv := range s.Attributes() {
			if v := kv.Value.Emit(); strings.Contains(v, "CTRL-77") || strings.Contains(v, "PAT-991") {
				t.Errorf("span %q attribute %s holds message data: %q", s.Name(), kv.Key, v)
			}
		}
		byName[s.Name()] = append(byName[s.Name()], s)
	}
	roots := byName["message receive"]
	if len(roots) != 1 {
		t.Fatalf("%d receive spans", len(roots))
	}
	root := roots[0]
	if root.Parent().IsValid() {
		t.Errorf("the receive span has parent %v", root.Parent())
	}
	if root.SpanContext().SpanID().String() != m.SpanID {
		t.Errorf("journaled span %s, receive span %s", m.SpanID, root.SpanContext().SpanID())
	}
	for key, want := range map[attribute.Key]string{
		attrChannel: "adt", attrHL7Type: "ADT", attrHL7Trigger: "A01", attrSource: "mllp", attrStatus: "received",
	} {
		if v, _ := attrOf(root, key); v.AsString() != want {
			t.Errorf("receive span %s = %q, want %q", key, v.AsString(), want)
		}
	}
	if v, _ := attrOf(root, attrMessageID); v.AsInt64() != m.ID {
		t.Errorf("receive span message id %d, want %d", v.AsInt64(), m.ID)
	}
	for _, name := range []string{"parse", "priority rule", "filter", "transform lab", "transform ris", "journal append", "reply"} {
		got := byName[name]
		if len(got) != 1 {
			t.Errorf("%d %q spans, want 1", len(got), name)
			continue
		}
		if got[0].Parent().SpanID() != root.SpanContext().SpanID() {
			t.Errorf("%q is not a child of the receive span", name)
		}
	}

	// The attempts end before their outcome is recorded; the message is
	// delivered only once both are recorded, so all have ended.
	attempts := append(byName["deliver lab"], byName["deliver ris"]...)
	if len(attempts) != 3 {
		t.Fatalf("%d delivery spans, want 3 (lab twice, ris once)", len(attempts))
	}
	var outcomes []string
	for _, s := range attempts {
		if s.Parent().SpanID() != root.SpanContext().SpanID() || !s.Parent().IsRemote() {
			t.Errorf("%q: parent %v, want the journaled receive span as remote parent", s.Name(), s.Parent())
		}
		dest, _ := attrOf(s, attrDestination)
		attempt, _ := attrOf(s, attrAttempt)
		outcome, _ := attrOf(s, attrOutcome)
		outcomes = append(outcomes, fmt.Sprintf("%s#%d:%s", dest.AsString(), attempt.AsInt64(), outcome.AsString()))
		if v, _ := attrOf(s, attrMessageID); v.AsInt64() != m.ID {
			t.Errorf("%q message id %d", s.Name(), v.AsInt64())
		}
		switch outcome.AsString() {
		case "retry":
			if s.Status().Code != codes.Error || len(s.Events()) == 0 || s.Events()[0].Name != "exception" {
				t.Errorf("failed attempt: status %v events %v", s.Status(), s.Events())
			}
		case "delivered":
			if s.Status().Code == codes.Error {
				t.Errorf("delivered attempt with status %v", s.Status())
			}
			if v, _ := attrOf(s, attrResponse); v.AsString() != "AA" {
				t.Errorf("delivered attempt response %q", v.AsString())
			}
		}
	}
	slices.Sort(outcomes)
	if want := []string{"lab#1:retry", "lab#2:delivered", "ris#1:delivered"}; !slices.Equal(outcomes, want) {
		t.Errorf("attempts %v, want %v", outcomes, want)
	}
}

// TestTraceParentAndSampling checks that a sender's traceparent makes the
// message's trace a continuation of the sender's (an invalid one starts a
// new trace), and that a message whose trace is not sampled still gets a
// trace ID while no span is recorded, its deliveries' included.
func TestTraceParentAndSampling(t *testing.T) {
	const senderTrace, senderSpan = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"
	cases := []struct {
		name        string
		ratio       float64
		traceparent string
		wantTrace   string // "" for a new trace
		wantFlags   byte
		wantSpans   bool
	}{
		{"sender sampled", 0, "00-" + senderTrace + "-" + senderSpan + "-01", senderTrace, 1, true},
		{"sender not sampled", 1, "00-" + senderTrace + "-" + senderSpan + "-00", senderTrace, 0, false},
		{"invalid traceparent", 1, "00-zz-" + senderSpan + "-01", "", 1, true},
		{"not sampled here", 0, "", "", 0, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sr, tp := recordedTracer(t, tc.ratio)
			j := newJournal(t)
			dest := newRecorder()
			c := start(t, Spec{Name: "adt", Tracer: tp.Tracer(TracerName), Destinations: []Destination{{Name: "lab", Dest: dest}}}, j)
			r, err := c.Receive(context.Background(), &engine.Inbound{Source: "http", ContentType: engine.ContentHL7v2,
				Raw: hl7("C1", "P1", "A01"), TraceParent: tc.traceparent})
			if err != nil {
				t.Fatal(err)
			}
			m := waitStatus(t, j, r.MessageID, engine.StatusDelivered)
			if len(m.TraceID) != 32 || m.TraceID == strings.Repeat("0", 32) {
				t.Fatalf("trace ID %q", m.TraceID)
			}
			if tc.wantTrace != "" && m.TraceID != tc.wantTrace {
				t.Errorf("trace %s, want the sender's %s", m.TraceID, tc.wantTrace)
			}
			if tc.wantTrace == "" && m.TraceID == senderTrace {
				t.Errorf("an invalid traceparent was followed")
			}
			if m.TraceFlags != tc.wantFlags {
				t.Errorf("flags %d, want %d", m.TraceFlags, tc.wantFlags)
			}
			spans := sr.Ended()
			if !tc.wantSpans {
				if len(spans) != 0 {
					t.Errorf("%d spans of a trace not sampled", len(spans))
				}
				return
			}
			var receive, deliver sdktrace.ReadOnlySpan
			for _, s := range spans {
				switch s.Name() {
				case "message receive":
					receive = s
				case "deliver lab":
					deliver = s
				}
			}
			if receive == nil || deliver == nil {
				t.Fatalf("spans %d: receive %v deliver %v", len(spans), receive != nil, deliver != nil)
			}
			if tc.wantTrace != "" && (receive.Parent().SpanID().String() != senderSpan || !receive.Parent().IsRemote()) {
				t.Errorf("receive span parent %v, want the sender's span", receive.Parent())
			}
			if deliver.Parent().SpanID() != receive.SpanContext().SpanID() {
				t.Errorf("delivery span parent %v", deliver.Parent())
			}
		})
	}
}

// TestNoTracer checks that a channel without a tracer journals messages
// without a trace ID.
func TestNoTracer(t *testing.T) {
	j := newJournal(t)
	c := start(t, Spec{Name: "adt"}, j)
	r := receive(t, c, hl7("C1", "P1", "A01"))
	m := waitStatus(t, j, r.MessageID, engine.StatusDelivered)
	if m.TraceID != "" || m.SpanID != "" {
		t.Errorf("trace %q span %q without a tracer", m.TraceID, m.SpanID)
	}
}

// syncBuffer is a bytes.Buffer safe for the lanes' concurrent logging.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) lines() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strings.Split(strings.TrimSpace(s.b.String()), "\n")
}

// TestLogsCarryTraceID checks that every log record about a message (a
// refusal, a failed attempt, a dead letter) carries its journaled trace ID
// with its message ID.
func TestLogsCarryTraceID(t *testing.T) {
	_, tp := recordedTracer(t, 1)
	j := newJournal(t)
	var out syncBuffer
	dest := newRecorder()
	dest.failNext, dest.permanent = 2, false
	c := New(Spec{Name: "adt", Tracer: tp.Tracer(TracerName), Destinations: []Destination{{Name: "lab", Dest: dest,
		Retry: Retry{MaxAttempts: 2, InitialBackoff: time.Millisecond, MaxBackoff: time.Millisecond, Jitter: -1}}}},
		j, nil, slog.New(slog.NewJSONHandler(&out, nil)))
	if err := c.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer c.Stop(context.Background())
	dead := receive(t, c, hl7("C1", "P1", "A01"))
	refused := receive(t, c, []byte("MSH|^~\\&|A|B|C|D|20240101||ADT^A01|C2|P|9.9\r"))
	waitStatus(t, j, dead.MessageID, engine.StatusDead)
	traces := map[int64]string{}
	for _, id := range []int64{dead.MessageID, refused.MessageID} {
		m, err := j.Message(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		traces[id] = m.TraceID
	}
	seen := map[string]bool{}
	for _, line := range out.lines() {
		var rec struct {
			Msg       string `json:"msg"`
			MessageID int64  `json:"message_id"`
			TraceID   string `json:"trace_id"`
		}
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		if rec.MessageID == 0 {
			continue
		}
		seen[rec.Msg] = true
		if want := traces[rec.MessageID]; rec.TraceID != want || want == "" {
			t.Errorf("%q about message %d: trace_id %q, want %q", rec.Msg, rec.MessageID, rec.TraceID, want)
		}
	}
	for _, msg := range []string{"message refused", "delivery failed; will retry", "delivery dead-lettered"} {
		if !seen[msg] {
			t.Errorf("no %q record; log:\n%s", msg, strings.Join(out.lines(), "\n"))
		}
	}
}
