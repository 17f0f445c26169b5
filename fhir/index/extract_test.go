package index

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

const patient = `{"resourceType":"Patient","id":"p1",
 "meta":{"tag":[{"system":"http://example.org/tags","code":"vip"}],"profile":["http://example.org/StructureDefinition/p"]},
 "identifier":[{"system":"urn:oid:1.2.36.146.595.217.0.1","value":"12345","type":{"text":"Medical record number"}}],
 "active":true,
 "name":[{"use":"official","family":"Müller","given":["Anna","Maria"]},{"text":"Annie M"}],
 "telecom":[{"system":"phone","value":"555-0101"},{"system":"email","value":"anna@example.org"}],
 "gender":"female","birthDate":"1974-12-25",
 "deceasedBoolean":false,
 "address":[{"line":["1 Main St"],"city":"Springfield","postalCode":"01101","country":"US"}],
 "generalPractitioner":[{"reference":"Practitioner/dr1"},{"identifier":{"system":"http://npi","value":"999"}}],
 "managingOrganization":{"reference":"https://other.example/fhir/Organization/o9"},
 "link":[{"other":{"reference":"Patient/p0"},"type":"seealso"}]}`

const observation = `{"resourceType":"Observation","id":"o1","status":"final",
 "category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"vital-signs"}]}],
 "code":{"coding":[{"system":"http://loinc.org","code":"85354-9","display":"Blood pressure panel"}],"text":"BP"},
 "subject":{"reference":"Patient/p1"},
 "encounter":{"reference":"Encounter/e1"},
 "effectivePeriod":{"start":"2024-03-05T10:00:00+01:00"},
 "valueQuantity":{"value":5.4,"unit":"mg/dL","system":"http://unitsofmeasure.org","code":"mg/dL"},
 "component":[
  {"code":{"coding":[{"system":"http://loinc.org","code":"8480-6"}]},"valueQuantity":{"value":120,"system":"http://unitsofmeasure.org","code":"mm[Hg]"}},
  {"code":{"coding":[{"system":"http://loinc.org","code":"8462-4"}]},"valueQuantity":{"value":80,"system":"http://unitsofmeasure.org","code":"mm[Hg]"}}]}`

func extract(t *testing.T, typ, body string) *Entries {
	t.Helper()
	e, err := Extract(typ, []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Problems) > 0 {
		t.Fatalf("problems: %v", e.Problems)
	}
	return e
}

func TestExtractPatient(t *testing.T) {
	e := extract(t, "Patient", patient)
	strs := func(param string) []string {
		var out []string
		for _, s := range e.Strings {
			if s.Param == param {
				out = append(out, s.Value+"="+s.Exact)
			}
		}
		return out
	}
	if got, want := strs("family"), []string{"muller=Müller"}; !slices.Equal(got, want) {
		t.Errorf("family = %v, want %v", got, want)
	}
	if got, want := strs("name"), []string{"muller=Müller", "anna=Anna", "maria=Maria", "annie m=Annie M"}; !slices.Equal(got, want) {
		t.Errorf("name = %v, want %v", got, want)
	}
	if got, want := strs("address-city"), []string{"springfield=Springfield"}; !slices.Equal(got, want) {
		t.Errorf("address-city = %v, want %v", got, want)
	}
	if got := strs("address"); !slices.Contains(got, "1 main st=1 Main St") || !slices.Contains(got, "01101=01101") {
		t.Errorf("address = %v", got)
	}

	toks := func(param string) []Token {
		var out []Token
		for _, tk := range e.Tokens {
			if tk.Param == param {
				tk.Param = ""
				out = append(out, tk)
			}
		}
		return out
	}
	for _, tc := range []struct {
		param string
		want  []Token
	}{
		{"identifier", []Token{{System: "urn:oid:1.2.36.146.595.217.0.1", Code: "12345", Text: "medical record number"}}},
		{"gender", []Token{{Code: "female"}}},
		{"active", []Token{{Code: "true"}}},
		{"deceased", []Token{{Code: "false"}}},
		{"telecom", []Token{{System: "phone", Code: "555-0101"}, {System: "email", Code: "anna@example.org"}}},
		{"phone", []Token{{System: "phone", Code: "555-0101"}}},
		{"email", []Token{{System: "email", Code: "anna@example.org"}}},
		{"_tag", []Token{{System: "http://example.org/tags", Code: "vip"}}},
		{"general-practitioner:identifier", []Token{{System: "http://npi", Code: "999"}}},
	} {
		if got := toks(tc.param); !slices.Equal(got, tc.want) {
			t.Errorf("%s = %+v, want %+v", tc.param, got, tc.want)
		}
	}

	refs := func(param string) []Reference {
		var out []Reference
		for _, r := range e.References {
			if r.Param == param {
				r.Param = ""
				out = append(out, r)
			}
		}
		return out
	}
	if got, want := refs("general-practitioner"), []Reference{{TargetType: "Practitioner", TargetID: "dr1"}}; !slices.Equal(got, want) {
		t.Errorf("general-practitioner = %+v, want %+v", got, want)
	}
	if got, want := refs("organization"), []Reference{{TargetType: "Organization", URL: "https://other.example/fhir/Organization/o9"}}; !slices.Equal(got, want) {
		t.Errorf("organization = %+v, want %+v", got, want)
	}
	if got, want := refs("link"), []Reference{{TargetType: "Patient", TargetID: "p0"}}; !slices.Equal(got, want) {
		t.Errorf("link = %+v, want %+v", got, want)
	}

	var birth []Date
	for _, d := range e.Dates {
		if d.Param == "birthdate" {
			birth = append(birth, d)
		}
	}
	lo, hi, _ := DateRange("1974-12-25")
	if len(birth) != 1 || birth[0].Lo != lo || birth[0].Hi != hi {
		t.Errorf("birthdate = %+v", birth)
	}
	var profiles []string
	for _, u := range e.URIs {
		if u.Param == "_profile" {
			profiles = append(profiles, u.URI)
		}
	}
	if !slices.Equal(profiles, []string{"http://example.org/StructureDefinition/p"}) {
		t.Errorf("_profile = %v", profiles)
	}
}

func TestExtractObservation(t *testing.T) {
	e := extract(t, "Observation", observation)
	var subject, patientRefs []Reference
	for _, r := range e.References {
		switch r.Param {
		case "subject":
			subject = append(subject, r)
		case "patient":
			patientRefs = append(patientRefs, r)
		case "encounter":
		}
	}
	if len(subject) != 1 || len(patientRefs) != 1 || patientRefs[0].TargetID != "p1" {
		t.Errorf("subject %+v patient %+v", subject, patientRefs)
	}
	// The code's text is searchable with :text only: a row without a code.
	var codeRows []Token
	for _, tk := range e.Tokens {
		if tk.Param == "code" {
			codeRows = append(codeRows, tk)
		}
	}
	want := []Token{{Param: "code", System: "http://loinc.org", Code: "85354-9", Text: "blood pressure panel"}, {Param: "code", Text: "bp"}}
	if !slices.Equal(codeRows, want) {
		t.Errorf("code = %+v, want %+v", codeRows, want)
	}
	// An open-ended period covers everything after its start.
	var date []Date
	for _, d := range e.Dates {
		if d.Param == "date" {
			date = append(date, d)
		}
	}
	lo, _, _ := DateRange("2024-03-05T09:00:00Z")
	if len(date) != 1 || date[0].Lo != lo || date[0].Hi != MaxTime {
		t.Errorf("date = %+v", date)
	}
	var vq []Quantity
	for _, q := range e.Quantities {
		if q.Param == "value-quantity" {
			vq = append(vq, q)
		}
	}
	if len(vq) != 1 || vq[0].Value != 5.4 || vq[0].Code != "mg/dL" || vq[0].CanonCode != "g.m-3" || vq[0].CanonValue < 53.99 || vq[0].CanonValue > 54.01 {
		t.Errorf("value-quantity = %+v", vq)
	}
	// component-code-value-quantity: each component a group, its code and
	// value stored under $0 and $1 with the same group.
	groups := map[int]string{}
	for _, tk := range e.Tokens {
		if tk.Param == "component-code-value-quantity$0" {
			groups[tk.Grp] += tk.Code
		}
	}
	for _, q := range e.Quantities {
		if q.Param == "component-code-value-quantity$1" {
			groups[q.Grp] += "=" + json.Number(formatFloat(q.Value)).String()
		}
	}
	if len(groups) != 2 {
		t.Fatalf("component groups = %v", groups)
	}
	var got []string
	for _, g := range groups {
		got = append(got, g)
	}
	slices.Sort(got)
	if !slices.Equal(got, []string{"8462-4=80", "8480-6=120"}) {
		t.Errorf("component groups = %v", got)
	}
}

func formatFloat(f float64) string { return json.Number(jsonFloat(f)).String() }

func jsonFloat(f float64) string {
	b, _ := json.Marshal(f)
	return string(b)
}

func TestExtractErrors(t *testing.T) {
	if _, err := Extract("NoSuchType", []byte(`{}`)); err == nil {
		t.Error("unknown type accepted")
	}
	if _, err := Extract("Patient", []byte(`{"resourceType":`)); err == nil {
		t.Error("broken JSON accepted")
	}
	// Values the validator would refuse are skipped, not indexed wrongly.
	e := extract(t, "Patient", `{"resourceType":"Patient","birthDate":"not a date","name":[{"family":"  "}]}`)
	if len(e.Dates) != 0 || len(e.Strings) != 0 {
		t.Errorf("bad values indexed: %+v", e)
	}
}

const syntheaDir = "../../../shared/testdata/synthea"

// syntheaResources returns every entry resource of the Synthea bundles,
// skipping when they are absent.
func syntheaResources(tb testing.TB) (types []string, bodies [][]byte) {
	tb.Helper()
	files, _ := filepath.Glob(filepath.Join(syntheaDir, "*.json"))
	if len(files) == 0 {
		tb.Skipf("no Synthea bundles in %s: skipping extraction over real data", syntheaDir)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		var b struct {
			Entry []struct {
				Resource json.RawMessage `json:"resource"`
			} `json:"entry"`
		}
		if err := json.Unmarshal(data, &b); err != nil {
			tb.Fatal(err)
		}
		for _, en := range b.Entry {
			var head struct{ ResourceType string }
			json.Unmarshal(en.Resource, &head)
			types = append(types, head.ResourceType)
			bodies = append(bodies, en.Resource)
		}
	}
	return types, bodies
}

// TestExtractSynthea extracts every Synthea resource: no parameter may fail,
// and every Observation gets its subject (a urn:uuid: reference in the
// bundles, which a transaction rewrites to Patient/id before writing).
func TestExtractSynthea(t *testing.T) {
	types, bodies := syntheaResources(t)
	rows := 0
	for i, body := range bodies {
		e, err := Extract(types[i], body)
		if err != nil {
			t.Fatalf("%s #%d: %v", types[i], i, err)
		}
		if len(e.Problems) > 0 {
			t.Errorf("%s #%d: %v", types[i], i, e.Problems)
		}
		rows += e.Len()
		if types[i] == "Observation" {
			found := false
			for _, r := range e.References {
				found = found || r.Param == "subject" && r.URL != ""
			}
			if !found {
				t.Errorf("Observation #%d has no subject indexed", i)
			}
		}
	}
	t.Logf("%d resources, %d index rows (%.1f per resource)", len(bodies), rows, float64(rows)/float64(len(bodies)))
}

func BenchmarkExtractSynthea(b *testing.B) {
	types, bodies := syntheaResources(b)
	b.ResetTimer()
	n := 0
	for b.Loop() {
		i := n % len(bodies)
		if _, err := Extract(types[i], bodies[i]); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "resources/s")
}
