package channel

import (
	"context"
	"encoding/hex"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"

	"github.com/plexus-health/plexus/engine"
)

// Tracing. Each message is one trace. Receive starts its root span,
// "message receive", with children for parsing, the priority rule, the
// filter, each destination's transform, the journal append and the reply;
// the journal keeps the root span's trace ID, span ID and flags with the
// message, and each delivery attempt, made later by a lane of any node, is
// a span "deliver <destination>" whose parent is that root span. Spans
// carry names, IDs, HL7 types and outcomes, never content, patient
// identifiers or control IDs.
//
// Attributes are set only on spans that record: a message whose trace is
// not sampled costs its IDs and little more.

// TracerName is the instrumentation name of the channel's spans.
const TracerName = "github.com/plexus-health/plexus/engine/channel"

// Span attribute keys.
const (
	attrChannel     = attribute.Key("plexus.channel")
	attrDestination = attribute.Key("plexus.destination")
	attrMessageID   = attribute.Key("plexus.message.id")
	attrDeliveryID  = attribute.Key("plexus.delivery.id")
	attrAttempt     = attribute.Key("plexus.attempt")
	attrOutcome     = attribute.Key("plexus.outcome")
	attrStatus      = attribute.Key("plexus.message.status")
	attrResponse    = attribute.Key("plexus.response.status")
	attrSource      = attribute.Key("plexus.source")
	attrHL7Type     = attribute.Key("hl7.message.type")
	attrHL7Trigger  = attribute.Key("hl7.trigger_event")
	attrPass        = attribute.Key("plexus.filter.pass")
	attrUrgent      = attribute.Key("plexus.urgent")
)

// noopTracer is used when a Spec has no Tracer: messages then have no
// trace ID.
var noopTracer = noop.NewTracerProvider().Tracer(TracerName)

// noSpan stands for the spans a trace that is not recorded would have.
var noSpan trace.Span = noop.Span{}

// traceparent is a carrier holding only an inbound W3C traceparent value.
type traceparent string

func (t traceparent) Get(key string) string {
	if key == "traceparent" {
		return string(t)
	}
	return ""
}
func (traceparent) Set(string, string) {}
func (traceparent) Keys() []string     { return []string{"traceparent"} }

var _ propagation.TextMapCarrier = traceparent("")

// inboundContext returns ctx with the sender's span as remote parent when
// in carries a valid traceparent; an invalid one is ignored.
func inboundContext(ctx context.Context, in *engine.Inbound) context.Context {
	if in.TraceParent == "" {
		return ctx
	}
	return propagation.TraceContext{}.Extract(ctx, traceparent(in.TraceParent))
}

// setTraceIDs stores the root span's IDs in msg for the journal.
func setTraceIDs(msg *engine.Message, sc trace.SpanContext) {
	if !sc.IsValid() {
		return
	}
	tid, sid := sc.TraceID(), sc.SpanID()
	msg.TraceID = hex.EncodeToString(tid[:])
	msg.SpanID = hex.EncodeToString(sid[:])
	msg.TraceFlags = byte(sc.TraceFlags())
}

// sampled reports whether the journaled trace of msg is sampled: only then
// do its delivery attempts make spans. A message journaled without a trace
// (before tracing, or with no tracer) makes none either.
func sampled(msg *engine.Message) bool {
	return msg != nil && msg.TraceID != "" && trace.TraceFlags(msg.TraceFlags).IsSampled()
}

// messageContext returns ctx with the journaled root span of msg as the
// remote parent, or ctx itself for a message without a trace.
func messageContext(ctx context.Context, msg *engine.Message) context.Context {
	if msg == nil || msg.TraceID == "" {
		return ctx
	}
	tid, err := trace.TraceIDFromHex(msg.TraceID)
	if err != nil {
		return ctx
	}
	sid, err := trace.SpanIDFromHex(msg.SpanID)
	if err != nil {
		return ctx
	}
	sc := trace.NewSpanContext(trace.SpanContextConfig{
		TraceID: tid, SpanID: sid, TraceFlags: trace.TraceFlags(msg.TraceFlags), Remote: true,
	})
	return trace.ContextWithRemoteSpanContext(ctx, sc)
}

// fail records err on span.
func fail(span trace.Span, err error) {
	if err == nil || !span.IsRecording() {
		return
	}
	span.RecordError(err)
	span.SetStatus(codes.Error, err.Error())
}
