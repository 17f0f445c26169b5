package validate

import (
	"encoding/json"
	"os"
	"testing"
)

// BenchmarkSynthea validates the entry resources of the Synthea bundles one
// by one, as a server does on each write, and reports resources/s.
func BenchmarkSynthea(b *testing.B) {
	var resources []json.RawMessage
	for _, f := range syntheaBundles(b) {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		resources = append(resources, entryResources(b, data)...)
	}
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
