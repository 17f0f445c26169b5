package channel

import (
	"context"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/plexus-health/plexus/engine"
)

// FuzzTraceIDs feeds arbitrary traceparent values to the receive side and
// arbitrary stored IDs to the delivery side: a valid traceparent is
// continued, anything else starts a new trace, the IDs stored are always
// well-formed and read back to the same span context, and stored IDs that
// are not well-formed give no parent. Nothing panics.
func FuzzTraceIDs(f *testing.F) {
	f.Add("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7")
	f.Add("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00", "", "")
	f.Add("00-00000000000000000000000000000000-00f067aa0ba902b7-01", "zz", "00f067aa0ba902b7")
	f.Add("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra", "4BF92F3577B34DA6A3CE929D0E0E4736", "x")
	f.Add("", "4bf92f3577b34da6a3ce929d0e0e4736", "0000000000000000")
	tp := sdktrace.NewTracerProvider(sdktrace.WithSampler(sdktrace.NeverSample()))
	tr := tp.Tracer(TracerName)
	f.Fuzz(func(t *testing.T, traceparent, storedTrace, storedSpan string) {
		ctx := inboundContext(context.Background(), &engine.Inbound{TraceParent: traceparent})
		parent := trace.SpanContextFromContext(ctx)
		_, span := tr.Start(ctx, "message receive")
		span.End()
		var m engine.Message
		setTraceIDs(&m, span.SpanContext())
		if len(m.TraceID) != 32 || len(m.SpanID) != 16 {
			t.Fatalf("stored IDs %q %q", m.TraceID, m.SpanID)
		}
		if parent.IsValid() && m.TraceID != parent.TraceID().String() {
			t.Fatalf("trace %s does not continue the sender's %s", m.TraceID, parent.TraceID())
		}
		back := trace.SpanContextFromContext(messageContext(context.Background(), &m))
		if back.TraceID().String() != m.TraceID || back.SpanID().String() != m.SpanID || !back.IsRemote() {
			t.Fatalf("read back %v from %q %q", back, m.TraceID, m.SpanID)
		}

		stored := &engine.Message{TraceID: storedTrace, SpanID: storedSpan, TraceFlags: 1}
		sc := trace.SpanContextFromContext(messageContext(context.Background(), stored))
		tid, terr := trace.TraceIDFromHex(storedTrace)
		sid, serr := trace.SpanIDFromHex(storedSpan)
		if terr != nil || serr != nil {
			if sc.IsValid() {
				t.Fatalf("stored %q %q gave parent %v", storedTrace, storedSpan, sc)
			}
			return
		}
		if sc.TraceID() != tid || sc.SpanID() != sid || !sc.IsSampled() {
			t.Fatalf("stored %q %q gave parent %v", storedTrace, storedSpan, sc)
		}
	})
}
