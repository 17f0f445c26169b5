package fhirpath

import (
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/plexus-health/plexus/fhir/spec"
)

const patientJSON = `{
  "resourceType": "Patient",
  "id": "p1",
  "birthDate": "1974-12-25",
  "_birthDate": {"extension": [{"url": "http://example.org/time", "valueDateTime": "1974-12-25T14:35:45-05:00"}]},
  "active": true,
  "name": [
    {"use": "official", "family": "Chalmers", "given": ["Peter", "James"]},
    {"use": "usual", "given": ["Jim"], "_given": [{"extension": [{"url": "http://example.org/nick", "valueBoolean": true}]}]}
  ],
  "contained": [{"resourceType": "Organization", "id": "org", "name": "Acme"}],
  "managingOrganization": {"reference": "#org"},
  "multipleBirthInteger": 2
}`

const observationJSON = `{
  "resourceType": "Observation",
  "status": "final",
  "code": {"coding": [{"system": "http://loinc.org", "code": "29463-7"}]},
  "valueQuantity": {"value": 185.0, "unit": "lbs", "code": "[lb_av]", "system": "http://unitsofmeasure.org"},
  "effectiveDateTime": "2016-03-28"
}`

func decode(t testing.TB, s string) map[string]any {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Fatal(err)
	}
	return m
}

// render turns a result into text for comparison: system values by their
// FHIRPath string form, elements by type.
func render(c Collection) string {
	parts := make([]string, len(c))
	ec := &evalCtx{}
	ec.spec = mustSpec()
	for i, v := range c {
		v = ec.prim(v)
		switch x := v.(type) {
		case *Node:
			parts[i] = x.Type
		case Temporal:
			parts[i] = "@" + x.String()
			if x.Kind == kTime {
				parts[i] = "@T" + x.String()
			}
		case Quantity:
			parts[i] = x.String()
		case Decimal:
			parts[i] = x.String()
		default:
			s, _ := toStringV(ec, x)
			parts[i] = string(s.(String))
		}
	}
	return strings.Join(parts, ",")
}

func TestEvaluate(t *testing.T) {
	patient := decode(t, patientJSON)
	obs := decode(t, observationJSON)
	tests := []struct {
		res  map[string]any
		expr string
		want string
	}{
		{patient, "Patient.name.given", "Peter,James,Jim"},
		{patient, "name.where(use = 'usual').given", "Jim"},
		{patient, "birthDate", "@1974-12-25"},
		{patient, "birthDate is Date", "false"},
		{patient, "birthDate is date", "true"},
		{patient, "birthDate < @1980", "true"},
		{patient, "birthDate = @1974-12", ""},
		{patient, "birthDate.extension('http://example.org/time').value", "@1974-12-25T14:35:45-05:00"},
		{patient, "name[1].given.extension.value", "true"},
		{patient, "multipleBirth", "2"},
		{patient, "multipleBirth.ofType(integer) + 1", "3"},
		{patient, "managingOrganization.resolve().name", "Acme"},
		{patient, "name.given.count()", "3"},
		{patient, "name.given.distinct().count() = 3 and active", "true"},
		{patient, "name.select(given.first()).exists()", "true"},
		{patient, "name.given.skip(1).take(1)", "James"},
		{patient, "name.given.first().indexOf('x')", "-1"},
		{patient, "'Peter'.indexOf('t')", "2"},
		{patient, "name.first().family.upper().substring(1, 3)", "HAL"},
		{patient, "name.given.aggregate($total + $this.length(), 0)", "13"},
		{patient, "iif(active, 'yes', 'no')", "yes"},
		{patient, "descendants().where($this is HumanName).count()", "2"},
		{patient, "children().ofType(HumanName).count()", "2"},
		{patient, "name.given.last().toChars().count() = 3", "true"},
		{patient, "%resource.id & '/' & %context.id", "p1/p1"},
		{obs, "value.unit", "lbs"},
		{obs, "value is Quantity", "true"},
		{obs, "value.value > 180", "true"},
		{obs, "(value as Quantity).code", "[lb_av]"},
		{obs, "effective.toString()", "2016-03-28"},
		{obs, "value = 185 '[lb_av]'", "true"},
		{obs, "value.type().name", "Quantity"},
		{nil, "1 + 2 * 3", "7"},
		{nil, "7 / 2", "3.5"},
		{nil, "7 div 2 + 7 mod 2", "4"},
		{nil, "1.8 - 1.2 = 0.6", "true"},
		{nil, "(1 | 2 | 2).count()", "2"},
		{nil, "{} = 1", ""},
		{nil, "true or {}", "true"},
		{nil, "false and {}", "false"},
		{nil, "{} implies true", "true"},
		{nil, "'abc' ~ 'ABC'", "true"},
		{nil, "1.0 ~ 1.04", "true"},
		{nil, "@2012-04-15T15:00:00+02:00 = @2012-04-15T16:00:00+03:00", "true"},
		{nil, "@2012-04-15 < @2012-04-15T10:00", ""},
		{nil, "@2019-01-31 + 1 month", "@2019-03-03"},
		{nil, "@T10:30 + 90 minutes", "@T12:00"},
		{nil, "1 'g' = 1000 'mg'", "true"},
		{nil, "7 days = 1 week", "true"},
		{nil, "'4.5 \\'mg\\''.toQuantity()", "4.5 'mg'"},
		{nil, "'1 month'.toQuantity() = 1 month", "true"},
		{nil, "'abc'.matches('b')", "true"},
		{nil, "'abc'.matchesFull('b')", "false"},
		{nil, "'a.b.c'.replaceMatches('\\\\.', '-')", "a-b-c"},
		{nil, "2.power(10)", "1024"},
		{nil, "3.14159.round(2)", "3.14"},
		{nil, "(-5.5).abs().ceiling()", "6"},
		{nil, "'true'.toBoolean() and '1'.toInteger() = 1", "true"},
		{nil, "'2014-01'.toDate()", "@2014-01"},
		{nil, "'x'.convertsToDecimal()", "false"},
		{nil, "(3 | 1 | 2).sort()", "1,2,3"},
		{nil, "1.587.lowBoundary(2)", "1.58"},
		{nil, "(1 | 2 | 3).repeat(iif($this < 3, $this + 1, {}))", "2,3"},
	}
	for _, tt := range tests {
		e, err := Compile(tt.expr)
		if err != nil {
			t.Errorf("Compile(%q): %v", tt.expr, err)
			continue
		}
		var res any
		if tt.res != nil {
			res = tt.res
		}
		got, err := e.Evaluate(res, nil)
		if err != nil {
			t.Errorf("%q: %v", tt.expr, err)
			continue
		}
		if r := render(got); r != tt.want {
			t.Errorf("%q = %q, want %q", tt.expr, r, tt.want)
		}
	}
}

func TestEvaluateErrors(t *testing.T) {
	patient := decode(t, patientJSON)
	tests := []struct {
		expr     string
		semantic bool
	}{
		{"name.given1", true},
		{"Encounter.status", true},
		{"multipleBirthInteger", true},
		{"name.given.single()", false},
		{"'a' - 'b'", false},
		{"name.given + 1", false},
		{"undefinedFunction()", false},
		{"%undefined", false},
		{"iif(name.given, 1, 2)", false},
		{"name.given.as(string1)", false},
		{"conformsTo('http://example.org/profile')", false},
	}
	for _, tt := range tests {
		e, err := Compile(tt.expr)
		if err != nil {
			t.Errorf("Compile(%q): %v", tt.expr, err)
			continue
		}
		_, err = e.Evaluate(patient, nil)
		if err == nil {
			t.Errorf("%q: no error", tt.expr)
			continue
		}
		if tt.semantic != errors.Is(err, ErrSemantic) {
			t.Errorf("%q: error %v, semantic = %v, want %v", tt.expr, err, !tt.semantic, tt.semantic)
		}
	}
}

func TestEnvironment(t *testing.T) {
	e, err := Compile("%limit + %items.count()")
	if err != nil {
		t.Fatal(err)
	}
	got, err := e.Evaluate(nil, map[string]any{"limit": json.Number("4"), "items": []any{"a", "b"}})
	if err != nil {
		t.Fatal(err)
	}
	if r := render(got); r != "6" {
		t.Errorf("got %q, want 6", r)
	}
}

// TestConcurrentEvaluate runs one compiled expression from many goroutines;
// run it with -race.
func TestConcurrentEvaluate(t *testing.T) {
	patient := decode(t, patientJSON)
	e, err := Compile("name.where(use = 'official').given.first() & ' ' & birthDate.toString()")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				got, err := e.Evaluate(patient, nil)
				if err != nil || render(got) != "Peter 1974-12-25" {
					t.Errorf("got %v, %v", render(got), err)
					return
				}
			}
		}()
	}
	wg.Wait()
}

// mustSpec returns the shared R4 definitions; they are embedded, so a
// failure to load them is a build defect.
func mustSpec() *spec.Spec {
	sp, err := spec.R4()
	if err != nil {
		panic(err)
	}
	return sp
}
