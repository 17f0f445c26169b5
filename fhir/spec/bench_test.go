package spec

import "testing"

// BenchmarkLoad measures decoding and indexing the embedded definitions, the
// cost paid once per process by R4. Its baseline in the same run is
// BenchmarkDecode, the gob decoding alone: the difference is the indexing.
func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Load(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecode measures only reading the embedded file: gunzip and gob.
func BenchmarkDecode(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		f, err := data.Open(dataFile)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := DecodeDefinitions(f); err != nil {
			b.Fatal(err)
		}
		f.Close()
	}
}

// BenchmarkResolve measures resolving a choice spelling through a data type.
func BenchmarkResolve(b *testing.B) {
	s := r4Spec(b)
	for b.Loop() {
		if _, ok := s.Resolve("Observation.component.valueQuantity.unit"); !ok {
			b.Fatal("not found")
		}
	}
}
