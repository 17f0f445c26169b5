package v2fhir

import (
	"testing"

	"github.com/plexus-health/plexus/format/hl7v2"
)

// BenchmarkConvert reports conversions per second. Parse is the baseline in
// the same run: the v2 parse alone, which every conversion includes, so the
// ratio of the two survives a noisy machine.
func BenchmarkConvert(b *testing.B) {
	cv := testConverter(b, Options{})
	for _, c := range []struct {
		name string
		msg  []byte
	}{{"ADT_A01", []byte(adtA01)}, {"ORU_R01_30OBX", []byte(oruR01(30))}} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(c.msg)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := cv.ConvertBytes(c.msg); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "conv/s")
		})
		b.Run(c.name+"_Parse", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := hl7v2.Parse(c.msg); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
