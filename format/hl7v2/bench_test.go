package hl7v2

import (
	"bytes"
	"os"
	"testing"
)

// The benchmark messages are real simulated-hospital messages: an ADT^A01
// and an ORU^R01 whose observations were repeated to 30 OBX segments.
var benchFiles = []struct{ name, file string }{
	{"ADT_A01", "testdata/adt_a01.hl7"},
	{"ORU_R01_30OBX", "testdata/oru_r01_30obx.hl7"},
}

func loadBench(b *testing.B, file string) []byte {
	b.Helper()
	raw, err := os.ReadFile(file)
	if err != nil {
		b.Fatal(err)
	}
	return raw
}

// BenchmarkParse measures parsing into a reused Message: segment and field
// indexing over the raw bytes, no field decoded.
func BenchmarkParse(b *testing.B) {
	for _, f := range benchFiles {
		raw := loadBench(b, f.file)
		b.Run(f.name, func(b *testing.B) {
			var m Message
			b.SetBytes(int64(len(raw)))
			b.ReportAllocs()
			for b.Loop() {
				if err := m.Parse(raw); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkParseNew measures the package-level Parse, which allocates a new
// Message each time.
func BenchmarkParseNew(b *testing.B) {
	for _, f := range benchFiles {
		raw := loadBench(b, f.file)
		b.Run(f.name, func(b *testing.B) {
			b.SetBytes(int64(len(raw)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Parse(raw); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkFieldAccess parses and then visits every subcomponent of every
// field of every segment with nested Split loops, decoding each into a
// reused buffer.
func BenchmarkFieldAccess(b *testing.B) {
	for _, f := range benchFiles {
		raw := loadBench(b, f.file)
		b.Run(f.name, func(b *testing.B) {
			var m Message
			buf := make([]byte, 0, 256)
			b.SetBytes(int64(len(raw)))
			b.ReportAllocs()
			var leaves int
			for b.Loop() {
				if err := m.Parse(raw); err != nil {
					b.Fatal(err)
				}
				leaves = 0
				for i := 0; i < m.Len(); i++ {
					seg := m.Seg(i)
					for n := 1; n <= seg.NumFields(); n++ {
						for _, rep := range seg.Field(n).Split() {
							for _, comp := range rep.Split() {
								for _, sub := range comp.Split() {
									buf = sub.AppendText(buf[:0])
									leaves++
								}
							}
						}
					}
				}
			}
			b.ReportMetric(float64(leaves), "values/msg")
		})
	}
}

// BenchmarkGet measures terser-path reads of the fields a router typically
// looks at, returning decoded strings.
func BenchmarkGet(b *testing.B) {
	paths := []string{"MSH-9.1", "MSH-9.2", "MSH-10", "PID-3(1).1", "PID-5.1", "PID-8", "PV1-19.1", "OBX(3)-5"}
	for _, f := range benchFiles {
		raw := loadBench(b, f.file)
		m, err := Parse(raw)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(f.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				for _, p := range paths {
					if _, err := m.Get(p); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}

// BenchmarkEncode measures writing an unmodified message into a reused buffer.
func BenchmarkEncode(b *testing.B) {
	for _, f := range benchFiles {
		raw := loadBench(b, f.file)
		m, err := Parse(raw)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(f.name, func(b *testing.B) {
			buf := make([]byte, 0, len(raw))
			b.SetBytes(int64(len(raw)))
			b.ReportAllocs()
			for b.Loop() {
				buf = m.AppendTo(buf[:0])
			}
		})
	}
}

// BenchmarkSetEncode measures editing three fields and encoding the result.
func BenchmarkSetEncode(b *testing.B) {
	for _, f := range benchFiles {
		raw := loadBench(b, f.file)
		b.Run(f.name, func(b *testing.B) {
			var m Message
			buf := make([]byte, 0, 2*len(raw))
			b.SetBytes(int64(len(raw)))
			b.ReportAllocs()
			for b.Loop() {
				if err := m.Parse(raw); err != nil {
					b.Fatal(err)
				}
				_ = m.Set("MSH-5", "PLEXUS")
				_ = m.Set("PID-5.1", "O'Brien & Sons")
				_ = m.Set("PID-3(2).1", "X1")
				buf = m.AppendTo(buf[:0])
			}
		})
	}
}

// BenchmarkBaselineSplit is the yardstick the parse figures are compared
// with in docs/performance.md: the common naive approach of splitting the
// whole message into segments, fields and components with bytes.Split.
func BenchmarkBaselineSplit(b *testing.B) {
	for _, f := range benchFiles {
		raw := loadBench(b, f.file)
		b.Run(f.name, func(b *testing.B) {
			b.SetBytes(int64(len(raw)))
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				for _, seg := range bytes.Split(raw, []byte{'\r'}) {
					for _, fld := range bytes.Split(seg, []byte{'|'}) {
						n += len(bytes.Split(fld, []byte{'^'}))
					}
				}
			}
			_ = n
		})
	}
}

// BenchmarkBaselineScan is the memory-speed floor: one pass of
// bytes.IndexByte over the message.
func BenchmarkBaselineScan(b *testing.B) {
	for _, f := range benchFiles {
		raw := loadBench(b, f.file)
		b.Run(f.name, func(b *testing.B) {
			b.SetBytes(int64(len(raw)))
			n := 0
			for b.Loop() {
				n += bytes.Count(raw, []byte{'|'})
			}
			_ = n
		})
	}
}
