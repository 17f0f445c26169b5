package v2fhir

import "testing"

// BenchmarkConvert reports conversions per second; ParseOnly is the
// baseline in the same run (the share of the time the v2 parse takes).
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
	}
}
