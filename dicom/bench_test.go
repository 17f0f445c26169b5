package dicom

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkParseFile parses shared files of different shapes; MB/s counts
// file bytes. The copy sub-benchmark is the baseline: copying the same bytes
// once, so the ratio survives a noisy machine.
func BenchmarkParseFile(b *testing.B) {
	for _, name := range []string{"CT_small.dcm", "MR_small_implicit.dcm", "rtplan.dcm", "JPEG2000.dcm", "waveform_ecg.dcm"} {
		data, err := os.ReadFile(filepath.Join(testFiles, name))
		if err != nil {
			b.Skipf("shared DICOM test data not found: %v", err)
		}
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ParseFile(data, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(name+"/header", func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := ParseFile(data, &Options{StopAtPixelData: true}); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(name+"/write", func(b *testing.B) {
			f, _ := ParseFile(data, nil)
			var buf bytes.Buffer
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				buf.Reset()
				if err := WriteFile(&buf, f); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(name+"/copy", func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				_ = bytes.Clone(data)
			}
		})
	}
}
