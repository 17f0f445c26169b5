package repo

import (
	"context"
	"sync/atomic"
	"testing"
)

// The benchmarks report resources per second. Creates run from many
// goroutines, as a server's clients would, so that group commit batches
// them; reads use the reader pool. Compare creates with BenchmarkTxCreate,
// which writes the same resources a hundred to a transaction: the ratio
// shows what group commit recovers of batching by hand.

const benchPatient = `{"resourceType":"Patient","identifier":[{"system":"urn:oid:1.2.36.146.595.217.0.1","value":"12345"}],"active":true,
"name":[{"use":"official","family":"Chalmers","given":["Peter","James"]}],"telecom":[{"system":"phone","value":"(03) 5555 6473","use":"work"}],
"gender":"male","birthDate":"1974-12-25","address":[{"use":"home","line":["534 Erewhon St"],"city":"PleasantVille","postalCode":"3999"}]}`

func BenchmarkCreate(b *testing.B) {
	r := open(b)
	ctx := context.Background()
	b.SetParallelism(16) // 16 × GOMAXPROCS concurrent clients
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := r.Create(ctx, "Patient", []byte(benchPatient)); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "creates/s")
	if st := r.c.Stats(); st.Commits > 0 {
		b.ReportMetric(float64(st.Ops)/float64(st.Commits), "creates/commit")
	}
}

func BenchmarkTxCreate(b *testing.B) {
	r := open(b)
	ctx := context.Background()
	b.ResetTimer()
	for done := 0; done < b.N; {
		n := min(100, b.N-done)
		err := r.Tx(ctx, func(w *Writer) error {
			for range n {
				if _, err := w.Create(ctx, "Patient", []byte(benchPatient)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		done += n
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "creates/s")
}

func BenchmarkRead(b *testing.B) {
	r := open(b)
	ctx := context.Background()
	ids := make([]string, 1000)
	r.Tx(ctx, func(w *Writer) error {
		for i := range ids {
			v, err := w.Create(ctx, "Patient", []byte(benchPatient))
			if err != nil {
				return err
			}
			ids[i] = v.ID
		}
		return nil
	})
	var next atomic.Int64
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			id := ids[next.Add(1)%int64(len(ids))]
			if _, err := r.Read(ctx, "Patient", id); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "reads/s")
}
