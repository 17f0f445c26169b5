package spec

import (
	"slices"
	"strings"
	"testing"
)

func TestSearchParams(t *testing.T) {
	s := r4Spec(t)
	tests := []struct {
		resource, code, typ, expression string
	}{
		{"Patient", "name", SearchString, "Patient.name"},
		{"Patient", "birthdate", SearchDate, "Patient.birthDate | Person.birthDate | RelatedPerson.birthDate"},
		{"Patient", "identifier", SearchToken, "Patient.identifier"},
		{"Patient", "_id", SearchToken, "Resource.id"},
		{"Patient", "_lastUpdated", SearchDate, "Resource.meta.lastUpdated"},
		{"Patient", "_text", SearchString, ""},
		{"Observation", "code", SearchToken, ""},
		{"Observation", "date", SearchDate, ""},
		{"Observation", "subject", SearchReference, "Observation.subject"},
		{"Observation", "value-quantity", SearchQuantity, "(Observation.value as Quantity) | (Observation.value as SampledData)"},
		{"Observation", "code-value-quantity", SearchComposite, "Observation"},
		{"Bundle", "_id", SearchToken, "Resource.id"},
	}
	for _, tt := range tests {
		p := s.SearchParam(tt.resource, tt.code)
		if p == nil {
			t.Errorf("SearchParam(%s, %s) = nil", tt.resource, tt.code)
			continue
		}
		if p.Type != tt.typ || p.Code != tt.code || (tt.expression != "" && p.Expression != tt.expression) {
			t.Errorf("SearchParam(%s, %s) = %s %s %q, want %s %q", tt.resource, tt.code, p.Code, p.Type, p.Expression, tt.typ, tt.expression)
		}
		if !slices.Contains(s.SearchParams(tt.resource), p) {
			t.Errorf("SearchParams(%s) lacks %s", tt.resource, tt.code)
		}
	}
	if got := s.SearchParam("Patient", "birthdate").ExpressionFor("Patient"); got != "Patient.birthDate" {
		t.Errorf("birthdate expression for Patient = %q", got)
	}
	for _, missing := range [][2]string{{"Patient", "code"}, {"Bundle", "_text"}, {"Nope", "_id"}, {"Patient", "nope"}} {
		if p := s.SearchParam(missing[0], missing[1]); p != nil {
			t.Errorf("SearchParam(%s, %s) = %s, want nil", missing[0], missing[1], p.URL)
		}
	}
}

func TestSearchParamsApplyToEveryResource(t *testing.T) {
	s := r4Spec(t)
	for _, rt := range s.Resources() {
		ps := s.SearchParams(rt)
		if !slices.IsSortedFunc(ps, func(a, b *SearchParam) int { return strings.Compare(a.Code, b.Code) }) {
			t.Errorf("SearchParams(%s) not sorted by code", rt)
		}
		for _, code := range []string{"_id", "_lastUpdated", "_tag", "_profile", "_security", "_source"} {
			if p := s.SearchParam(rt, code); p == nil || !slices.Contains(ps, p) {
				t.Errorf("%s lacks %s", rt, code)
			}
		}
		hasText := s.SearchParam(rt, "_text") != nil
		if want := s.IsA(rt, "DomainResource"); hasText != want {
			t.Errorf("%s: _text present = %v, want %v", rt, hasText, want)
		}
	}
}

func TestReferenceSearchParam(t *testing.T) {
	s := r4Spec(t)
	p := s.SearchParam("Observation", "subject")
	if got := strings.Join(p.Targets, "|"); got != "Group|Device|Patient|Location" {
		t.Errorf("Observation subject targets = %s", got)
	}
	pat := s.SearchParam("Observation", "patient")
	if pat.ID != "clinical-patient" || len(pat.Base) < 20 {
		t.Fatalf("Observation patient = %s with %d bases", pat.ID, len(pat.Base))
	}
	if !strings.HasPrefix(pat.Expression, "AllergyIntolerance.patient | CarePlan.subject.where(resolve() is Patient) | ") {
		t.Errorf("clinical-patient expression not kept as given: %q", pat.Expression)
	}
	tests := map[string]string{
		"Observation":        "Observation.subject.where(resolve() is Patient)",
		"AllergyIntolerance": "AllergyIntolerance.patient",
		"CarePlan":           "CarePlan.subject.where(resolve() is Patient)",
	}
	for base, want := range tests {
		if got := pat.ExpressionFor(base); got != want {
			t.Errorf("clinical-patient ExpressionFor(%s) = %q, want %q", base, got, want)
		}
	}
	// Every base of every multi-base parameter gets an expression naming it.
	for _, p := range s.AllSearchParams() {
		if p.Expression == "" || len(p.Base) < 2 {
			continue
		}
		for _, b := range p.Base {
			if e := p.ExpressionFor(b); !strings.Contains(e, b) {
				t.Errorf("%s: expression for %s = %q", p.ID, b, e)
			}
		}
	}
}

func TestCompositeSearchParam(t *testing.T) {
	s := r4Spec(t)
	p := s.SearchParam("Observation", "code-value-quantity")
	if len(p.Components) != 2 {
		t.Fatalf("code-value-quantity has %d components, want 2", len(p.Components))
	}
	wantTypes := []string{SearchToken, SearchQuantity}
	wantExprs := []string{"code", "value.as(Quantity)"}
	for i, c := range p.Components {
		def := s.SearchParamByURL(c.Definition)
		if def == nil {
			t.Errorf("component %d: %s not found", i, c.Definition)
			continue
		}
		if def.Type != wantTypes[i] || c.Expression != wantExprs[i] {
			t.Errorf("component %d = %s %q, want %s %q", i, def.Type, c.Expression, wantTypes[i], wantExprs[i])
		}
	}
	// Every component of every composite resolves.
	for _, p := range s.AllSearchParams() {
		if (p.Type == SearchComposite) != (len(p.Components) > 0) {
			t.Errorf("%s: type %s with %d components", p.ID, p.Type, len(p.Components))
		}
		for _, c := range p.Components {
			if s.SearchParamByURL(c.Definition) == nil {
				t.Errorf("%s: component %s not found", p.ID, c.Definition)
			}
		}
	}
}

func TestComparators(t *testing.T) {
	s := r4Spec(t)
	p := s.SearchParam("Observation", "date")
	want := "eq|ne|gt|ge|lt|le|sa|eb|ap"
	if got := strings.Join(p.Comparators, "|"); got != want {
		t.Errorf("Observation date comparators = %s, want %s", got, want)
	}
	if p.XPathUsage != "normal" || p.XPath == "" {
		t.Errorf("Observation date xpath = %q (%s)", p.XPath, p.XPathUsage)
	}
}

func TestSplitUnion(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"Patient.name", []string{"Patient.name"}},
		{"A.b | C.d", []string{"A.b", "C.d"}},
		{"(A.b as X) | C.d.where(e = 'x|y' or (f | g).exists())", []string{"(A.b as X)", "C.d.where(e = 'x|y' or (f | g).exists())"}},
		{`A.b.where(c = 'it\'s | not') | D.e`, []string{`A.b.where(c = 'it\'s | not')`, "D.e"}},
	}
	for _, tt := range tests {
		if got := splitUnion(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("splitUnion(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestPatientCompartment(t *testing.T) {
	s := r4Spec(t)
	tests := map[string]string{
		"Observation":        "subject|performer",
		"AllergyIntolerance": "patient|recorder|asserter",
		"Patient":            "link",
		"Encounter":          "patient",
		"Binary":             "",
		"Nope":               "",
	}
	for rt, want := range tests {
		if got := strings.Join(s.PatientCompartment(rt), "|"); got != want {
			t.Errorf("PatientCompartment(%s) = %q, want %q", rt, got, want)
		}
	}
	// Every parameter a compartment names exists for its resource type.
	for _, code := range []string{"Patient", "Encounter", "RelatedPerson", "Practitioner", "Device"} {
		types := s.CompartmentTypes(code)
		if len(types) == 0 {
			t.Errorf("compartment %s is empty", code)
		}
		for _, rt := range types {
			for _, param := range s.Compartment(code, rt) {
				if param == "{def}" {
					continue // the compartment owner itself
				}
				if s.SearchParam(rt, param) == nil {
					t.Errorf("compartment %s: %s has no search parameter %s", code, rt, param)
				}
			}
		}
	}
	if n := len(s.CompartmentTypes("Patient")); n < 60 {
		t.Errorf("Patient compartment has %d types", n)
	}
}
