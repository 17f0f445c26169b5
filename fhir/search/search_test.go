package search

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestStrings(t *testing.T) {
	f := newFixture(t)
	f.res("Patient", "a").str("Patient", "a", "name", "Peter").str("Patient", "a", "name", "Chalmers")
	f.res("Patient", "b").str("Patient", "b", "name", "Pétra")
	f.res("Patient", "c").str("Patient", "c", "name", "Van der Berg")
	f.res("Patient", "d").str("Patient", "d", "name", "Ann_%")
	for _, c := range []struct{ q, want string }{
		{"name=pet", "a b"},            // prefix, accents and case ignored
		{"name=PETR", "b"},             // é is e
		{"name:exact=Peter", "a"},      // as written
		{"name:exact=peter", ""},       // exact is case sensitive
		{"name:contains=alm", "a"},     // anywhere
		{"name:contains=der%20b", "c"}, // white space inside
		{"name:contains=_", "d"},       // LIKE wildcards are literal
		{"name:contains=%25", "d"},
		{"name=van%20%20der", "c"},  // white space collapsed
		{"name=pet,van", "a b c"},   // OR
		{"name=pet&name=chal", "a"}, // AND
		{"name:missing=true", ""},
		{"family=x", ""},
	} {
		f.expect("Patient", c.q, c.want)
	}
}

func TestDates(t *testing.T) {
	f := newFixture(t)
	f.res("Patient", "y").date("Patient", "y", "birthdate", "1980")
	f.res("Patient", "m").date("Patient", "m", "birthdate", "1980-03")
	f.res("Patient", "d").date("Patient", "d", "birthdate", "1980-03-15")
	f.res("Patient", "t").date("Patient", "t", "birthdate", "1980-03-15T23:30:00-05:00") // 1980-03-16T04:30Z
	f.res("Patient", "n")
	for _, c := range []struct{ q, want string }{
		{"birthdate=1980", "y m d t"},
		{"birthdate=1980-03", "m d t"}, // t is 16 March in UTC, still March
		{"birthdate=1980-03-15", "d"},  // the year and the month are wider than the day
		{"birthdate=1980-03-16", "t"},  // time zones count
		{"birthdate=1980-03-15T23:30:00-05:00", "t"},
		{"birthdate=1980-03-16T04:30:00Z", "t"},
		{"birthdate=ne1980-03-15", "y m t"},
		{"birthdate=gt1980-03-15", "y m t"}, // reach above the day
		{"birthdate=lt1980-03-15", "y m"},   // start before it
		{"birthdate=ge1980-03-15", "y m d t"},
		{"birthdate=le1980-03-15", "y m d"},
		{"birthdate=sa1980-03-15", "t"},  // start after the day
		{"birthdate=eb1980-04", "m d t"}, // end before April
		{"birthdate=eb1980-03-16", "d"},
		{"birthdate=sa1979", "y m d t"},
		{"birthdate=gt1980", ""},
		{"birthdate=ap1980-03-15", "y m d t"},                        // overlaps the widened range
		{"birthdate=ge1980-03-01&birthdate=le1980-03-31", "y m d t"}, // the year reaches both ways
		{"birthdate:missing=true", "n"},
	} {
		f.expect("Patient", c.q, c.want)
	}
	// A Period with an open end.
	lo, _, _ := dateRange("2020-01-01")
	f.res("Encounter", "open").dateRange("Encounter", "open", "date", lo, maxOpen)
	f.expect("Encounter", "date=gt2030", "open")
	f.expect("Encounter", "date=lt2019", "")
	f.expect("Encounter", "date=2020", "")
}

// maxOpen is the open end of a Period as the index stores it.
var maxOpen = func() int64 { _, hi, _ := dateRange("9999"); return hi }()

func TestNumbersAndQuantities(t *testing.T) {
	f := newFixture(t)
	for id, v := range map[string]float64{"a": 99.4, "b": 99.5, "c": 100, "d": 100.4, "e": 100.5, "f": 150} {
		f.res("RiskAssessment", id).number("RiskAssessment", id, "probability", v)
	}
	for _, c := range []struct{ q, want string }{
		{"probability=100", "b c d"},     // [99.5, 100.5)
		{"probability=100.0", "c"},       // [99.95, 100.05)
		{"probability=1e2", "a b c d e"}, // [50, 150)
		{"probability=ne100", "a e f"},
		{"probability=gt100", "d e f"},
		{"probability=ge100", "c d e f"},
		{"probability=lt100", "a b"},
		{"probability=le100", "a b c"},
		{"probability=sa100", "e f"},
		{"probability=eb100", "a"},
		{"probability=ap100", "a b c d e"}, // within 10%
		{"probability=gt100,lt99.5", "a d e f"},
	} {
		f.expect("RiskAssessment", c.q, c.want)
	}
	ucum := "http://unitsofmeasure.org"
	f.res("Observation", "g").quantity("Observation", "g", "value-quantity", 0, 1, ucum, "g")
	f.res("Observation", "mg").quantity("Observation", "mg", "value-quantity", 0, 1000, ucum, "mg")
	f.res("Observation", "kg").quantity("Observation", "kg", "value-quantity", 0, 5, ucum, "kg")
	f.res("Observation", "x").quantity("Observation", "x", "value-quantity", 0, 1, "http://local", "tab")
	for _, c := range []struct{ q, want string }{
		{"value-quantity=1", "g x"},
		{"value-quantity=1|http://unitsofmeasure.org|g", "g mg"}, // 1000 mg is 1 g
		{"value-quantity=1000||mg", "g mg"},
		{"value-quantity=gt2|http://unitsofmeasure.org|g", "kg"},
		{"value-quantity=1|http://local|tab", "x"},
		{"value-quantity=1||tab", "x"}, // code or unit, any system
		{"value-quantity=lt4000|http://unitsofmeasure.org|g", "g mg"},
	} {
		f.expect("Observation", c.q, c.want)
	}
	if _, err := f.match("Observation", "value-quantity=1|g"); err == nil {
		t.Error("a quantity with two parts was accepted")
	}
}

func TestURIs(t *testing.T) {
	f := newFixture(t)
	f.res("ValueSet", "a").uri("ValueSet", "a", "url", "http://acme.org/fhir/ValueSet/123")
	f.res("ValueSet", "b").uri("ValueSet", "b", "url", "http://acme.org/fhir/ValueSet/123/_history/5")
	f.res("ValueSet", "c").uri("ValueSet", "c", "url", "http://acme.org/fhir")
	f.expect("ValueSet", "url=http://acme.org/fhir/ValueSet/123", "a")
	f.expect("ValueSet", "url:below=http://acme.org/fhir/", "a b")
	f.expect("ValueSet", "url:above=http://acme.org/fhir/ValueSet/123/_history/5", "a b c")
}

func TestReferences(t *testing.T) {
	f := newFixture(t)
	f.res("Observation", "o1").ref("Observation", "o1", "subject", "Patient", "p1").ref("Observation", "o1", "patient", "Patient", "p1")
	f.res("Observation", "o2").ref("Observation", "o2", "subject", "Group", "p1")
	f.res("Observation", "o3").refURL("Observation", "o3", "subject", "http://other.org/fhir/Patient/9", "")
	f.res("Observation", "o4").tokenGrp("Observation", "o4", "subject:identifier", 0, "http://mrn", "42", "")
	for _, c := range []struct{ q, want string }{
		{"subject=Patient/p1", "o1"},
		{"subject=p1", "o1 o2"},
		{"subject:Patient=p1", "o1"},
		{"subject=Patient/p1/_history/3", "o1"},
		{"patient=p1", "o1"},
		{"subject=http://other.org/fhir/Patient/9", "o3"},
		{"subject=http://example.org/fhir/Patient/p1", "o1"}, // our own base
		{"subject:identifier=http://mrn|42", "o4"},
		{"subject:missing=true", "o4"},
	} {
		params, _ := url.ParseQuery(c.q)
		q, err := f.s.Parse("Observation", params, ParseOptions{Base: "http://example.org/fhir", Strict: true})
		if err != nil {
			t.Errorf("%s: %v", c.q, err)
			continue
		}
		page, err := f.s.Search(context.Background(), q)
		if err != nil {
			t.Errorf("%s: %v", c.q, err)
			continue
		}
		if got := ids(page.Matches); got != c.want {
			t.Errorf("Observation?%s = %q, want %q", c.q, got, c.want)
		}
	}
	f.res("Questionnaire", "q1")
	f.res("QuestionnaireResponse", "r1").refURL("QuestionnaireResponse", "r1", "questionnaire", "http://acme.org/Questionnaire/q", "2.0")
	f.expect("QuestionnaireResponse", "questionnaire=http://acme.org/Questionnaire/q|2.0", "r1")
	f.expect("QuestionnaireResponse", "questionnaire=http://acme.org/Questionnaire/q|1.0", "")
	f.expect("QuestionnaireResponse", "questionnaire=http://acme.org/Questionnaire/q", "r1")
}

// ids lists the ids of rs, space separated, in order.
func ids(rs []Resource) string {
	var s []string
	for _, r := range rs {
		s = append(s, r.ID)
	}
	return strings.Join(s, " ")
}

func TestChainsAndHas(t *testing.T) {
	f := newFixture(t)
	f.res("Organization", "org").str("Organization", "org", "name", "Acme")
	f.res("Patient", "p1").str("Patient", "p1", "name", "Peter").ref("Patient", "p1", "organization", "Organization", "org")
	f.res("Patient", "p2").str("Patient", "p2", "name", "Paul")
	f.res("Location", "g1").str("Location", "g1", "name", "Peter's place") // Location has a name too
	f.res("Observation", "o1").ref("Observation", "o1", "subject", "Patient", "p1").ref("Observation", "o1", "patient", "Patient", "p1").token("Observation", "o1", "code", "http://loinc.org", "1234-5", "")
	f.res("Observation", "o2").ref("Observation", "o2", "subject", "Patient", "p2").ref("Observation", "o2", "patient", "Patient", "p2").token("Observation", "o2", "code", "http://loinc.org", "9999-9", "")
	f.res("Observation", "o3").ref("Observation", "o3", "subject", "Location", "g1")
	f.res("AuditEvent", "ae").ref("AuditEvent", "ae", "entity", "Observation", "o2").token("AuditEvent", "ae", "type", "", "rest", "")
	for _, c := range []struct{ typ, q, want string }{
		{"Observation", "subject:Patient.name=peter", "o1"},
		{"Observation", "subject.name=peter", "o1 o3"}, // every target type with a name
		{"Observation", "subject:Location.name=peter", "o3"},
		{"Observation", "patient.name=pa", "o2"},
		{"Observation", "subject:Patient.organization.name=acme", "o1"}, // two levels
		{"Observation", "subject:Patient.organization:Organization.name=acme", "o1"},
		{"Observation", "subject:Patient._id=p2", "o2"},
		{"Patient", "_has:Observation:subject:code=1234-5", "p1"},
		{"Patient", "_has:Observation:patient:code=http://loinc.org|9999-9", "p2"},
		{"Patient", "_has:Observation:subject:_has:AuditEvent:entity:type=rest", "p2"}, // nested
		{"Organization", "_has:Patient:organization:_has:Observation:subject:code=1234-5", "org"},
		{"Patient", "_has:Observation:subject:code=nothing", ""},
	} {
		f.expect(c.typ, c.q, c.want)
	}
	for _, q := range []string{"name.x=1", "subject.nonsense=1", "subject:Group.name=peter", "_has:Observation:code:code=1", "_has:Nope:subject:code=1", "_has:Observation=1"} {
		typ := "Patient"
		if strings.HasPrefix(q, "subject") {
			typ = "Observation"
		}
		if _, err := f.match(typ, q); err == nil {
			t.Errorf("%s?%s: no error", typ, q)
		}
	}
}

func TestComposite(t *testing.T) {
	f := newFixture(t)
	ucum := "http://unitsofmeasure.org"
	// o1 has systolic 120 and diastolic 80 in two components; o2 has 80
	// systolic: only the grp keeps the parts of one component together.
	f.res("Observation", "o1").
		tokenGrp("Observation", "o1", "component-code-value-quantity$0", 1, "http://loinc.org", "8480-6", "").
		quantity("Observation", "o1", "component-code-value-quantity$1", 1, 120, ucum, "mm[Hg]").
		tokenGrp("Observation", "o1", "component-code-value-quantity$0", 2, "http://loinc.org", "8462-4", "").
		quantity("Observation", "o1", "component-code-value-quantity$1", 2, 80, ucum, "mm[Hg]")
	f.res("Observation", "o2").
		tokenGrp("Observation", "o2", "component-code-value-quantity$0", 1, "http://loinc.org", "8480-6", "").
		quantity("Observation", "o2", "component-code-value-quantity$1", 1, 80, ucum, "mm[Hg]")
	f.expect("Observation", "component-code-value-quantity=8480-6$120", "o1")
	f.expect("Observation", "component-code-value-quantity=8480-6$80", "o2")
	f.expect("Observation", "component-code-value-quantity=8462-4$lt100", "o1")
	f.expect("Observation", "component-code-value-quantity=http://loinc.org|8480-6$gt100,8480-6$lt90", "o1 o2")
	f.expect("Observation", "component-code-value-quantity:missing=true", "")
	if _, err := f.match("Observation", "component-code-value-quantity=8480-6"); err == nil {
		t.Error("a composite value with one part was accepted")
	}
}

func TestEscaping(t *testing.T) {
	f := newFixture(t)
	f.res("Patient", "a").str("Patient", "a", "name", "a,b")
	f.res("Patient", "b").str("Patient", "b", "name", "a")
	f.res("Patient", "c").token("Patient", "c", "identifier", "sys", "x|y", "")
	f.res("Patient", "d").token("Patient", "d", "identifier", "", `x\y`, "")
	f.expect("Patient", `name:exact=a\,b`, "a")
	f.expect("Patient", `name:exact=a,b`, "b")
	f.expect("Patient", `identifier=sys|x\|y`, "c")
	f.expect("Patient", `identifier=x\\y`, "d")
}

func TestUnknownParameters(t *testing.T) {
	f := newFixture(t)
	f.res("Patient", "a")
	params := url.Values{"foo": {"1"}, "name:nonsense": {"x"}}
	_, err := f.s.Parse("Patient", url.Values{"foo": {"1"}}, ParseOptions{Strict: true})
	var pe *ParamError
	if !errors.As(err, &pe) || pe.Param != "foo" {
		t.Fatalf("strict: %v", err)
	}
	// A known parameter used wrongly is an error even when lenient.
	if _, err := f.s.Parse("Patient", params, ParseOptions{}); err == nil {
		t.Fatal("name:nonsense accepted")
	}
	q, err := f.s.Parse("Patient", url.Values{"foo": {"1"}, "near": {"1"}, "_text": {"x"}}, ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, u := range q.Unknown {
		names = append(names, u.Param)
	}
	if !slices.Equal(names, []string{"_text", "foo", "near"}) || len(q.Used) != 0 {
		t.Fatalf("unknown = %v, used %v", names, q.Used)
	}
	page, err := f.s.Search(context.Background(), q)
	if err != nil || ids(page.Matches) != "a" {
		t.Fatalf("lenient search = %v, %v", page, err)
	}
	for _, bad := range []string{"_count=-1", "_count=x", "_total=some", "_sort=subject", "_sort=nothing",
		"_include=Observation:code", "_include=Nope:x", "birthdate=yesterday", "_lastUpdated=x",
		"probability=1x", "_summary=maybe", "_cursor=garbage", "identifier:below=x"} {
		params, _ := url.ParseQuery(bad)
		typ := "Patient"
		if strings.HasPrefix(bad, "prob") {
			typ = "RiskAssessment"
		}
		q, err := f.s.Parse(typ, params, ParseOptions{})
		if err == nil {
			_, err = f.s.Search(context.Background(), q)
		}
		if !errors.As(err, &pe) {
			t.Errorf("%s: %v, want a *ParamError", bad, err)
		}
	}
}

func TestLastUpdated(t *testing.T) {
	f := newFixture(t)
	f.at = time.Date(2024, 3, 5, 10, 0, 0, 0, time.UTC).UnixMicro()
	f.res("Patient", "a")
	f.at = time.Date(2024, 3, 6, 10, 0, 0, 0, time.UTC).UnixMicro()
	f.res("Patient", "b")
	f.expect("Patient", "_lastUpdated=2024-03-05", "a")
	f.expect("Patient", "_lastUpdated=gt2024-03-05", "b")
	f.expect("Patient", "_lastUpdated=ge2024-03-05T10:00:00Z", "a b")
	f.expect("Patient", "_lastUpdated=lt2024-03-06T12:00:00%2B02:00", "a")
}

// search runs query and fails the test on an error.
func (f *fixture) search(typ, query string) *Page {
	f.t.Helper()
	params, err := url.ParseQuery(query)
	if err != nil {
		f.t.Fatal(err)
	}
	q, err := f.s.Parse(typ, params, ParseOptions{})
	if err != nil {
		f.t.Fatalf("%s?%s: %v", typ, query, err)
	}
	page, err := f.s.Search(context.Background(), q)
	if err != nil {
		f.t.Fatalf("%s?%s: %v", typ, query, err)
	}
	return page
}

func TestSort(t *testing.T) {
	f := newFixture(t)
	f.res("Patient", "a").str("Patient", "a", "family", "Smith").date("Patient", "a", "birthdate", "1990")
	f.res("Patient", "b").str("Patient", "b", "family", "Jones").date("Patient", "b", "birthdate", "1980-05-01")
	f.res("Patient", "c").str("Patient", "c", "family", "Smith").date("Patient", "c", "birthdate", "1970")
	f.res("Patient", "d") // no values: last both ways
	for _, c := range []struct{ q, want string }{
		{"_sort=family", "b a c d"},
		{"_sort=-family", "a c b d"},
		{"_sort=family,-birthdate", "b a c d"},
		{"_sort=family,birthdate", "b c a d"},
		{"_sort=birthdate", "c b a d"},
		{"_sort=-birthdate", "a b c d"},
		{"_sort=-_id", "d c b a"},
		{"_sort=_lastUpdated", "a b c d"},
		{"_sort=-_lastUpdated", "d c b a"},
		{"", "a b c d"},
	} {
		if got := ids(f.search("Patient", c.q).Matches); got != c.want {
			t.Errorf("%s = %q, want %q", c.q, got, c.want)
		}
	}
}

func TestPaging(t *testing.T) {
	f := newFixture(t)
	for _, id := range []string{"a", "b", "c", "d", "e", "f", "g"} {
		f.res("Patient", id).str("Patient", id, "family", "F"+id)
	}
	for _, sort := range []string{"", "&_sort=-family"} {
		var got []string
		page := f.search("Patient", "_count=3"+sort)
		if page.Total != 7 || page.Prev != "" {
			t.Fatalf("first page: total %d prev %q", page.Total, page.Prev)
		}
		pages := []*Page{page}
		got = append(got, ids(page.Matches))
		for page.Next != "" {
			page = f.search("Patient", "_count=3"+sort+"&_cursor="+page.Next)
			got = append(got, ids(page.Matches))
			pages = append(pages, page)
		}
		want := "a b c|d e f|g"
		if sort != "" {
			want = "g f e|d c b|a"
		}
		if strings.Join(got, "|") != want {
			t.Fatalf("%s pages %q, want %q", sort, got, want)
		}
		// Back from the last page.
		back := f.search("Patient", "_count=3"+sort+"&_cursor="+pages[2].Prev)
		if ids(back.Matches) != strings.Split(want, "|")[1] || back.Prev == "" || back.Next == "" {
			t.Fatalf("%s previous of the last page: %q", sort, ids(back.Matches))
		}
		first := f.search("Patient", "_count=3"+sort+"&_cursor="+back.Prev)
		if ids(first.Matches) != strings.Split(want, "|")[0] || first.Prev != "" {
			t.Fatalf("%s previous of the second page: %q prev %q", sort, ids(first.Matches), first.Prev)
		}
	}
	// A write between two pages does not shift the next page.
	page := f.search("Patient", "_count=3")
	f.res("Patient", "0").str("Patient", "0", "family", "F0") // sorts first
	f.del("Patient", "a")
	next := f.search("Patient", "_count=3&_cursor="+page.Next)
	if ids(next.Matches) != "d e f" {
		t.Fatalf("after writes, the second page is %q", ids(next.Matches))
	}
	if p := f.search("Patient", "_count=0"); len(p.Matches) != 0 || p.Total != 7 {
		t.Fatalf("_count=0: %d matches, total %d", len(p.Matches), p.Total)
	}
	if p := f.search("Patient", "_total=none"); p.Total != -1 {
		t.Fatalf("_total=none: total %d", p.Total)
	}
	if p := f.search("Patient", "_summary=count"); p.Total != 7 || len(p.Matches) != 0 {
		t.Fatalf("_summary=count: %d matches, total %d", len(p.Matches), p.Total)
	}
}

func TestIncludes(t *testing.T) {
	f := newFixture(t)
	f.res("Organization", "org")
	f.res("Patient", "p1").ref("Patient", "p1", "organization", "Organization", "org")
	f.res("Patient", "p2")
	f.res("Practitioner", "dr")
	f.res("Observation", "o1").ref("Observation", "o1", "subject", "Patient", "p1").ref("Observation", "o1", "patient", "Patient", "p1").ref("Observation", "o1", "performer", "Practitioner", "dr").token("Observation", "o1", "code", "", "x", "")
	f.res("Observation", "o2").ref("Observation", "o2", "subject", "Patient", "p2").ref("Observation", "o2", "patient", "Patient", "p2").token("Observation", "o2", "code", "", "x", "")
	f.res("Observation", "o3").ref("Observation", "o3", "subject", "Patient", "gone").token("Observation", "o3", "code", "", "y", "")
	f.res("Provenance", "prov").ref("Provenance", "prov", "target", "Observation", "o1")
	f.res("Patient", "gone").del("Patient", "gone")
	incl := func(p *Page) string {
		var s []string
		for _, r := range p.Included {
			s = append(s, r.Type+"/"+r.ID)
		}
		slices.Sort(s)
		return strings.Join(s, " ")
	}
	for _, c := range []struct{ typ, q, want string }{
		{"Observation", "code=x&_include=Observation:subject", "Patient/p1 Patient/p2"},
		{"Observation", "code=x&_include=Observation:subject:Group", ""},
		{"Observation", "code=x&_include=Observation:*", "Patient/p1 Patient/p2 Practitioner/dr"},
		{"Observation", "code=y&_include=Observation:subject", ""}, // a deleted target is left out
		{"Observation", "code=x&_include=Observation:subject&_include:iterate=Patient:organization", "Organization/org Patient/p1 Patient/p2"},
		{"Observation", "code=x&_include=Observation:subject&_include=Patient:organization", "Patient/p1 Patient/p2"}, // no iterate
		{"Patient", "_revinclude=Observation:subject", "Observation/o1 Observation/o2"},                               // o3 refers to a deleted patient
		{"Patient", "_id=p1&_revinclude=Observation:subject", "Observation/o1"},
		{"Patient", "_id=p1&_revinclude=Observation:subject&_revinclude:iterate=Provenance:target", "Observation/o1 Provenance/prov"},
		{"Patient", "_id=p1&_revinclude=*", "Observation/o1"},
		{"Organization", "_revinclude=Patient:organization&_revinclude:iterate=Observation:patient", "Observation/o1 Patient/p1"},
	} {
		if got := incl(f.search(c.typ, c.q)); got != c.want {
			t.Errorf("%s?%s includes %q, want %q", c.typ, c.q, got, c.want)
		}
	}
}

func TestSystemSearch(t *testing.T) {
	f := newFixture(t)
	f.res("Patient", "p").token("Patient", "p", "_tag", "http://t", "x", "")
	f.res("Observation", "o").token("Observation", "o", "_tag", "http://t", "x", "")
	f.res("Device", "d")
	if got := ids(f.search("", "_tag=x").Matches); got != "o p" {
		t.Errorf("_tag=x: %q", got)
	}
	if got := ids(f.search("", "_type=Patient,Device").Matches); got != "d p" {
		t.Errorf("_type: %q", got)
	}
	if got := ids(f.search("", "_type=Patient,Observation&_tag=x&_sort=-_id").Matches); got != "p o" {
		t.Errorf("_type and _tag: %q", got)
	}
	if _, err := f.s.Parse("", url.Values{"name": {"x"}}, ParseOptions{Strict: true}); err == nil {
		t.Error("name in a system search without _type accepted")
	}
}

// TestTerminologyModifiers checks :below and :above against a code
// system hierarchy of the R4 package, and :in and :not-in against one of
// its value sets, including codes indexed without a system.
func TestTerminologyModifiers(t *testing.T) {
	f := newFixture(t)
	const ver = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
	f.res("Condition", "prov").token("Condition", "prov", "verification-status", ver, "provisional", "")
	f.res("Condition", "diff").token("Condition", "diff", "verification-status", ver, "differential", "")
	f.res("Condition", "unc").token("Condition", "unc", "verification-status", ver, "unconfirmed", "")
	f.res("Condition", "conf").token("Condition", "conf", "verification-status", ver, "confirmed", "")
	f.res("Condition", "other").token("Condition", "other", "verification-status", "http://example.org/cs", "provisional", "")
	f.expect("Condition", "verification-status:below="+ver+"|unconfirmed", "diff prov unc")
	f.expect("Condition", "verification-status:below="+ver+"|provisional", "prov")
	f.expect("Condition", "verification-status:above="+ver+"|provisional", "prov unc")
	f.expect("Condition", "verification-status:above="+ver+"|confirmed", "conf")
	// A system without a known hierarchy: the code itself.
	f.expect("Condition", "verification-status:below=http://example.org/cs|provisional", "other")

	const genderVS = "http://hl7.org/fhir/ValueSet/administrative-gender"
	f.res("Patient", "m").token("Patient", "m", "gender", "", "male", "")
	f.res("Patient", "f").token("Patient", "f", "gender", "", "female", "")
	f.res("Patient", "x").token("Patient", "x", "gender", "", "robot", "")
	f.res("Patient", "none")
	f.expect("Patient", "gender:in="+genderVS, "f m")
	f.expect("Patient", "gender:in="+genderVS+"|4.0.1", "f m")
	f.expect("Patient", "gender:not-in="+genderVS, "none x")
	f.expect("Condition", "verification-status:in=http://hl7.org/fhir/ValueSet/condition-ver-status", "conf diff prov unc")

	for _, q := range []string{
		"verification-status:below=unconfirmed", // no system
		"gender:in=http://hl7.org/fhir/ValueSet/nope",
		"gender:in=" + genderVS + "|3.0.2",
		"gender:in=http://hl7.org/fhir/ValueSet/ucum-units", // cannot be expanded here
	} {
		typ := "Patient"
		if q[0] == 'v' {
			typ = "Condition"
		}
		if _, err := f.match(typ, q); err == nil {
			t.Errorf("%s %s was accepted", typ, q)
		}
	}
}
