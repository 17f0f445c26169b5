package channel

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/plexus-health/plexus/engine"
	"github.com/plexus-health/plexus/engine/journal"
	"github.com/plexus-health/plexus/platform/store"
)

// BenchmarkReceiveX12 measures Receive of the shared 837P (two claims,
// 38 segments: check, journal with group commit at synchronous=NORMAL,
// TA1 and 999) from parallel senders, with the control numbers in memory
// and in the store, against an HL7 v2 ADT of the same path in the same
// run: compare "x12-*" with "hl7".
func BenchmarkReceiveX12(b *testing.B) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "format", "x12", "testdata", "837p.x12"))
	if err != nil {
		b.Fatal(err)
	}
	for _, mode := range []string{"hl7", "x12-memory", "x12-store"} {
		b.Run(mode, func(b *testing.B) {
			db, err := store.Open(context.Background(), "", b.TempDir(), store.Options{Synchronous: "NORMAL"})
			if err != nil {
				b.Fatal(err)
			}
			j := journal.Open(db, journal.Options{})
			defer func() { j.Close(); db.Close() }()
			spec := Spec{Name: "bench"}
			if mode == "x12-store" {
				spec.X12 = &X12{Control: NewX12Store(db), DuplicateWindow: DefaultX12DuplicateWindow}
			}
			c := New(spec, j, nil, slog.New(slog.DiscardHandler))
			var seq atomic.Int64
			b.ReportAllocs()
			b.SetParallelism(8)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					n := seq.Add(1)
					in := &engine.Inbound{Source: "http", ContentType: engine.ContentX12,
						Raw: bytes.ReplaceAll(raw, []byte("000000905"), fmt.Appendf(nil, "%09d", n))}
					if mode == "hl7" {
						in = &engine.Inbound{Source: "mllp", ContentType: engine.ContentHL7v2, Raw: hl7(fmt.Sprint("B", n), "P1", "A01")}
					}
					r, err := c.Receive(context.Background(), in)
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
