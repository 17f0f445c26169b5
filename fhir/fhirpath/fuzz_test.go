package fhirpath

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzEvaluate compiles and evaluates arbitrary expressions against a
// patient: neither step may panic (Compile and Evaluate turn a panic into
// an "internal error", which this test treats as a failure). The seeds are
// the official suite's expressions, so they run in every go test.
func FuzzEvaluate(f *testing.F) {
	for _, s := range []string{
		"name.given", "1 + 2 * 3", "@2014-01-25T14:30 + 1 day", "4 'mg' = 0.004 'g'",
		"descendants().count()", "name.where($this.given.exists()).select(given[0])",
		"(1 | 2).aggregate($total + $this, 0)", "%context.repeat(children())",
	} {
		f.Add(s)
	}
	if data, err := os.ReadFile(filepath.Join(suiteDir, "tests-fhir-r4.xml")); err == nil {
		var sf suiteFile
		if xml.Unmarshal(data, &sf) == nil {
			for _, g := range sf.Groups {
				for _, tc := range g.Tests {
					f.Add(tc.Expression.Text)
				}
			}
		}
	}
	patient := decode(f, patientJSON)
	f.Fuzz(func(t *testing.T, expr string) {
		e, err := Compile(expr)
		if err != nil {
			if strings.Contains(err.Error(), "internal error") {
				t.Fatalf("Compile(%q) panicked: %v", expr, err)
			}
			return
		}
		_, err = e.Evaluate(patient, map[string]any{"x": "1"})
		if err != nil && strings.Contains(err.Error(), "internal error") {
			t.Fatalf("Evaluate(%q) panicked: %v", expr, err)
		}
	})
}
