package search

import (
	"context"
	"errors"
	"net/url"
	"testing"

	"github.com/plexus-health/plexus/fhir/spec"
)

// FuzzParse checks that no query string makes Parse panic, that every
// error is a *ParamError, and that every query Parse accepts is SQL the
// store runs (no syntax errors from values).
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"name=peter&birthdate=ge1980-03&_sort=-birthdate,_id&_count=5",
		"subject:Patient.organization.name=acme&_include=Observation:subject:Patient",
		"_has:Observation:patient:_has:AuditEvent:entity:type=x",
		"code-value-quantity=http://loinc.org|8480-6$gt100|http://unitsofmeasure.org|mm[Hg]",
		`identifier=a\|b\,c\$d\\&value-quantity=ap5.4e-2||mg`,
		"_lastUpdated=lt2024-01-01T00:00:00%2B05:00&_total=accurate&_revinclude:iterate=*",
		"subject:missing=true&code:not=x,y&name:contains=%25_&url:above=http://a/b/c",
		"_cursor=eyJrIjpbXSwidCI6IlBhdGllbnQiLCJpIjoiYSJ9&_summary=count&_elements=name",
	} {
		f.Add("Observation", s)
		f.Add("Patient", s)
	}
	sp, err := spec.R4()
	if err != nil {
		f.Fatal(err)
	}
	fx := newFixture(f)
	fx.res("Patient", "a")
	f.Fuzz(func(t *testing.T, typ, raw string) {
		params, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		for _, strict := range []bool{false, true} {
			q, err := Parse(sp, typ, params, ParseOptions{Strict: strict, Base: "http://example.org/fhir"})
			var pe *ParamError
			if err != nil {
				if !errors.As(err, &pe) {
					t.Fatalf("Parse(%q, %q): %T %v, want a *ParamError", typ, raw, err, err)
				}
				continue
			}
			if _, err := fx.s.Search(context.Background(), q); err != nil && !errors.As(err, &pe) {
				t.Fatalf("Search(%q, %q): %v", typ, raw, err)
			}
		}
	})
}
