package transform

import (
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkPipeline runs pipelines over an ADT^A01, each iteration as the
// engine does it: a fresh parse of the inbound bytes (NewDoc), the steps,
// and the encoded payload (Bytes). The baseline runs no step, so the
// difference is the cost of the steps themselves, and the ratio between
// them survives a noisy machine.
func BenchmarkPipeline(b *testing.B) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "format", "hl7v2", "testdata", "adt_a01.hl7"))
	if err != nil {
		b.Fatal(err)
	}
	msg := message(b, string(raw))
	for _, bc := range []struct{ name, steps string }{
		{"baseline_no_steps", `[]`},
		{"four_steps", `
- set: {path: MSH-5, value: ARCHIVE}
- copy: {from: PID-3(1).1, to: PID-2}
- delete: {path: PID-13}
- map: {path: PV1-2, table: patient-class}
`},
		{"four_steps_template_when", `
- set: {path: MSH-10, value: '{{field "MSH-10"}}-{{field "PID-3(1).1"}}'}
- copy: {from: PID-3(1).1, to: PID-2}
- when: has("PV1")
  delete: {path: PID-13}
- map: {path: PV1-2, table: patient-class}
`},
		{"to_json", `- to_json: {}`},
	} {
		p, err := Compile(specs(b, bc.steps), testTables)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(raw)))
			b.ReportAllocs()
			for b.Loop() {
				d, err := NewDoc(msg)
				if err != nil {
					b.Fatal(err)
				}
				if err := p.Run(b.Context(), d); err != nil {
					b.Fatal(err)
				}
				if _, err := d.Bytes(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
