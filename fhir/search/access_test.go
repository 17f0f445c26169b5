package search

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// TestAccess checks each kind of Admit against two patients' data, in the
// matches, the total, the includes, Admits and MatchWithin.
func TestAccess(t *testing.T) {
	f := newFixture(t)
	f.res("Patient", "p1").res("Patient", "p2").res("Practitioner", "dr")
	for _, o := range []struct{ id, patient, cat string }{{"o1", "p1", "laboratory"}, {"o2", "p1", "vital-signs"}, {"o3", "p2", "laboratory"}} {
		f.res("Observation", o.id).ref("Observation", o.id, "subject", "Patient", o.patient).ref("Observation", o.id, "patient", "Patient", o.patient).
			ref("Observation", o.id, "performer", "Practitioner", "dr").token("Observation", o.id, "category", "http://cat", o.cat, "")
	}
	lab := url.Values{"category": {"laboratory"}}
	cases := []struct {
		name     string
		access   *Access
		query    string
		matches  string
		included string
		admitted string // what Admits and MatchWithin let through, when not matches
	}{
		{"nil admits all", nil, "_include=Observation:subject", "o1 o2 o3", "p1 p2", ""},
		{"whole type", &Access{Types: map[string][]Admit{"Observation": {{}}}}, "_include=Observation:subject", "o1 o2 o3", "", ""},
		{"compartment", &Access{Patient: "p1", Types: map[string][]Admit{"Observation": {{Compartment: true}}, "Patient": {{Compartment: true}}, "Practitioner": {{Compartment: true}}}},
			"_include=Observation:subject&_include=Observation:performer", "o1 o2", "p1", ""},
		{"compartment without patient", &Access{Types: map[string][]Admit{"Observation": {{Compartment: true}}}}, "", "", "", ""},
		{"granular", &Access{Types: map[string][]Admit{"Observation": {{Params: lab}}}}, "", "o1 o3", "", ""},
		{"granular in compartment", &Access{Patient: "p1", Types: map[string][]Admit{"Observation": {{Compartment: true, Params: lab}}}}, "", "o1", "", ""},
		{"union", &Access{Patient: "p2", Types: map[string][]Admit{"Observation": {{Compartment: true}, {Params: url.Values{"category": {"vital-signs"}}}}}}, "", "o2 o3", "", ""},
		{"unrunnable query admits nothing", &Access{Types: map[string][]Admit{"Observation": {{Params: url.Values{"no-such-param": {"x"}}}}}}, "", "", "", ""},
		{"type absent", &Access{Types: map[string][]Admit{"Patient": {{}}}}, "", "", "", ""},
		{"chain into what is not visible", &Access{Types: map[string][]Admit{"Observation": {{}}}}, "performer:Practitioner._id=dr", "", "", "o1 o2 o3"},
		{"chain into what is visible", &Access{Types: map[string][]Admit{"Observation": {{}}, "Practitioner": {{}}}}, "performer:Practitioner._id=dr", "o1 o2 o3", "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			params, _ := url.ParseQuery(c.query)
			q, err := f.s.Parse("Observation", params, ParseOptions{Strict: true})
			if err != nil {
				t.Fatal(err)
			}
			f.s.Restrict(q, c.access)
			page, err := f.s.Search(context.Background(), q)
			if err != nil {
				t.Fatal(err)
			}
			if got := ids(page.Matches); got != c.matches {
				t.Errorf("matches %q, want %q", got, c.matches)
			}
			if got := ids(page.Included); got != c.included {
				t.Errorf("included %q, want %q", got, c.included)
			}
			if n := len(page.Matches); page.Total != n {
				t.Errorf("total %d, want %d", page.Total, n)
			}
			admitted := c.matches
			if c.admitted != "" {
				admitted = c.admitted
			}
			matched, err := f.s.MatchWithin(context.Background(), nil, "Observation", url.Values{"performer": {"Practitioner/dr"}}, c.access)
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(matched, " "); got != admitted {
				t.Errorf("MatchWithin %q, want %q", got, admitted)
			}
			for _, id := range []string{"o1", "o2", "o3"} {
				ok, err := f.s.Admits(context.Background(), nil, "Observation", id, c.access)
				if err != nil {
					t.Fatal(err)
				}
				if want := slices.Contains(strings.Fields(admitted), id); ok != want {
					t.Errorf("Admits(%s) = %v, want %v", id, ok, want)
				}
			}
		})
	}
}
