package filter

import (
	"testing"
	"time"
)

// BenchmarkMatch evaluates the example filter over an ADT^A01. The
// baseline sub-benchmark evaluates the constant expression "true", so the
// ratio between the two is the cost of the example itself on this machine.
func BenchmarkMatch(b *testing.B) {
	msg := loadMessage(b, "adt_a01.hl7")
	clock := WithClock(func() time.Time { return time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC) })
	for _, bc := range []struct{ name, src string }{
		{"baseline_true", `true`},
		{"adult_admission", `type == "ADT" && trigger in ["A01", "A04", "A08"] && age() >= 18`},
		{"field_regex", `field("PID-5.1") matches "^Al" && "MRN" in fields("PID-3.5")`},
	} {
		f, err := Compile(bc.src, clock)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				ok, err := f.Match(msg)
				if err != nil || !ok {
					b.Fatal(ok, err)
				}
			}
		})
		b.Run(bc.name+"_parallel", func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if ok, err := f.Match(msg); err != nil || !ok {
						b.Error(ok, err)
						return
					}
				}
			})
		})
	}
}
