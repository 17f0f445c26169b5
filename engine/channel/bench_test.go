package channel

import (
	"context"
	"fmt"
	"log/slog"
	"sync/atomic"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/plexus-health/plexus/engine"
	"github.com/plexus-health/plexus/engine/journal"
	"github.com/plexus-health/plexus/platform/store"
)

// discard is a span exporter that drops what it is given, counting it: the
// cost of building and batching spans without a network.
type discard struct{ n atomic.Int64 }

func (d *discard) ExportSpans(ctx context.Context, spans []sdktrace.ReadOnlySpan) error {
	d.n.Add(int64(len(spans)))
	return nil
}
func (d *discard) Shutdown(context.Context) error { return nil }

// BenchmarkReceiveTracing measures Receive (parse, journal with group
// commit at synchronous=NORMAL, ACK) from parallel senders with tracing
// off (no tracer: no trace ID), with IDs only (the node's default without
// an endpoint), with every span exported through the batch processor, and
// with 10% of traces sampled, in one run: compare each with "off".
func BenchmarkReceiveTracing(b *testing.B) {
	for _, mode := range []string{"off", "ids", "export", "export-sampled-10pct"} {
		b.Run(mode, func(b *testing.B) {
			db, err := store.Open(context.Background(), "", b.TempDir(), store.Options{Synchronous: "NORMAL"})
			if err != nil {
				b.Fatal(err)
			}
			j := journal.Open(db, journal.Options{})
			defer func() { j.Close(); db.Close() }()
			spec := Spec{Name: "bench"}
			exp := &discard{}
			switch mode {
			case "ids":
				tp := sdktrace.NewTracerProvider(sdktrace.WithSampler(sdktrace.NeverSample()))
				defer tp.Shutdown(context.Background())
				spec.Tracer = tp.Tracer(TracerName)
			case "export", "export-sampled-10pct":
				ratio := 1.0
				if mode == "export-sampled-10pct" {
					ratio = 0.1
				}
				tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp),
					sdktrace.WithSampler(sdktrace.ParentBased(sdktrace.TraceIDRatioBased(ratio))))
				defer tp.Shutdown(context.Background())
				spec.Tracer = tp.Tracer(TracerName)
			}
			c := New(spec, j, nil, slog.New(slog.DiscardHandler))
			var seq atomic.Int64
			b.ReportAllocs()
			b.SetParallelism(8) // 8 senders per core, as many connections would
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					raw := hl7(fmt.Sprint("B", seq.Add(1)), "P1", "A01")
					r, err := c.Receive(context.Background(), &engine.Inbound{Source: "mllp", ContentType: engine.ContentHL7v2, Raw: raw})
					if err != nil || !r.Accepted {
						b.Errorf("receive: %+v %v", r, err)
						return
					}
				}
			})
			b.StopTimer()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
		})
	}
}
