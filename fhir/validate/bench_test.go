package validate

import (
	"encoding/json"
	"os"
	"testing"
)

// syntheaResources returns the entry resources of all Synthea bundles.
func syntheaResources(b *testing.B) []json.RawMessage {
	var resources []json.RawMessage
	for _, f := range syntheaBundles(b) {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		resources = append(resources, entryResources(b, data)...)
	}
	return resources
}

// BenchmarkSynthea validates the entry resources of the Synthea bundles one
// by one, JSON decoding included, as a server does on each write, and
// reports resources/s.
func BenchmarkSynthea(b *testing.B) {
	resources := syntheaResources(b)
	v, err := New()
	if err != nil {
		b.Fatal(err)
	}
	var bytes int64
	for _, r := range resources {
		bytes += int64(len(r))
	}
	b.SetBytes(bytes)
	b.ResetTimer()
	for b.Loop() {
		for _, r := range resources {
			if _, err := v.Validate(r); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.N*len(resources))/b.Elapsed().Seconds(), "resources/s")
}

// BenchmarkSyntheaParallel is BenchmarkSynthea on every core.
func BenchmarkSyntheaParallel(b *testing.B) {
	resources := syntheaResources(b)
	v, err := New()
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			if _, err := v.Validate(resources[i%len(resources)]); err != nil {
				b.Error(err)
				return
			}
			i++
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "resources/s")
}
