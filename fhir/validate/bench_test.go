package validate

import (
	"encoding/json"
	"os"
	"testing"
	"time"
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

// BenchmarkBindings measures what checking required bindings adds to
// validating the Synthea resources: each iteration validates them all with
// the checks off and on, and the on/off ratio of the two times is
// reported, so that a noisy machine slows both alike.
func BenchmarkBindings(b *testing.B) {
	resources := syntheaResources(b)
	on, err := New()
	if err != nil {
		b.Fatal(err)
	}
	off, err := New()
	if err != nil {
		b.Fatal(err)
	}
	off.terminology = false
	run := func(v *Validator) time.Duration {
		start := time.Now()
		for _, r := range resources {
			if _, err := v.Validate(r); err != nil {
				b.Fatal(err)
			}
		}
		return time.Since(start)
	}
	var tOn, tOff time.Duration
	first := true
	for b.Loop() {
		// alternate which goes first, so that neither always pays for
		// the other's garbage
		if first {
			tOff += run(off)
			tOn += run(on)
		} else {
			tOn += run(on)
			tOff += run(off)
		}
		first = !first
	}
	b.ReportMetric(float64(tOn)/float64(tOff), "on/off")
	b.ReportMetric(float64(tOff.Nanoseconds())/float64(b.N*len(resources)), "ns/resource-off")
	b.ReportMetric(float64(tOn.Nanoseconds())/float64(b.N*len(resources)), "ns/resource-on")
}
