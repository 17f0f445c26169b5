package spec

import (
	"slices"
	"sort"
	"testing"
)

// TestRequiredValueSets checks that every required binding names a value
// set the data knows, and logs the ones the package cannot expand: their
// bindings go unchecked, and this log keeps that gap in view.
func TestRequiredValueSets(t *testing.T) {
	s := r4Spec(t)
	vss := s.ValueSets()
	if !sort.SliceIsSorted(vss, func(i, j int) bool { return vss[i].URL < vss[j].URL }) {
		t.Error("ValueSets() is not sorted")
	}
	required := map[string]bool{}
	for _, ty := range s.Types() {
		for _, e := range ty.Elements {
			if b := e.Binding; b != nil && b.Strength == BindingRequired {
				required[s.ValueSet(b.ValueSet).URL] = true
			}
		}
	}
	var unexpanded []*ValueSet
	for _, vs := range vss {
		if !vs.Expanded() {
			unexpanded = append(unexpanded, vs)
			if vs.Len() != 0 {
				t.Errorf("%s: not expanded but has %d codes", vs.URL, vs.Len())
			}
			continue
		}
		if vs.Len() == 0 && required[vs.URL] {
			// Two of the package's other value sets are empty indeed
			// (message-events draws on a code system without concepts).
			t.Errorf("%s: empty expansion", vs.URL)
		}
		for _, cs := range vs.Systems {
			if len(cs.Codes) == 0 || !slices.IsSorted(cs.Codes) || len(slices.Compact(slices.Clone(cs.Codes))) != len(cs.Codes) {
				t.Errorf("%s: codes of %s are not sorted and distinct", vs.URL, cs.System)
			}
		}
	}
	bindings, checked := 0, 0
	for _, ty := range s.Types() {
		for _, e := range ty.Elements {
			b := e.Binding
			if b == nil {
				continue
			}
			if b.Strength != BindingRequired {
				if b.Expansion() != nil {
					t.Errorf("%s: %s binding has an expansion", e.Path, b.Strength)
				}
				continue
			}
			bindings++
			vs := s.ValueSet(b.ValueSet)
			if vs == nil {
				t.Errorf("%s: value set %s not found", e.Path, b.ValueSet)
				continue
			}
			if (b.Expansion() != nil) != vs.Expanded() {
				t.Errorf("%s: Expansion() = %v, but Expanded() = %v", e.Path, b.Expansion(), vs.Expanded())
			}
			if b.Expansion() != nil {
				checked++
			}
		}
	}
	requiredUnexpanded := 0
	for _, vs := range unexpanded {
		if required[vs.URL] {
			requiredUnexpanded++
			t.Logf("not expanded, named by a required binding: %s: %s", vs.URL, vs.Unexpanded)
		}
	}
	t.Logf("%d required bindings name %d value sets (%d bindings checked, %d not); the package has %d value sets, %d expanded",
		bindings, len(required), checked, bindings-checked, len(vss), len(vss)-len(unexpanded))
	if len(required) != 224 || requiredUnexpanded != 4 {
		t.Errorf("required bindings name %d value sets, %d not expanded; want 224 and 4 (update the test if the generator learned more)", len(required), requiredUnexpanded)
	}
	if len(vss) != 1317 || len(unexpanded) != 100 {
		t.Errorf("%d value sets, %d not expanded; want 1317 and 100 (update the test if the generator learned more)", len(vss), len(unexpanded))
	}
}

func TestValueSetLookup(t *testing.T) {
	s := r4Spec(t)
	const gender = "http://hl7.org/fhir/ValueSet/administrative-gender"
	tests := []struct {
		url   string
		found bool
	}{
		{gender, true},
		{gender + "|4.0.1", true},
		{gender + "|3.0.2", false},
		{"http://hl7.org/fhir/ValueSet/nope", false},
		{"http://hl7.org/fhir/ValueSet/marital-status|4.0.1", true}, // extensible, kept for :in
		{"http://hl7.org/fhir/ValueSet/marital-status|3.0.2", false},
	}
	for _, tt := range tests {
		if got := s.ValueSet(tt.url) != nil; got != tt.found {
			t.Errorf("ValueSet(%q) found = %v, want %v", tt.url, got, tt.found)
		}
	}
	vs := s.ValueSet(gender + "|4.0.1")
	if vs.URL != gender || vs.Version != "4.0.1" {
		t.Errorf("URL %q version %q", vs.URL, vs.Version)
	}
	want := []CodeSet{{System: "http://hl7.org/fhir/administrative-gender", Codes: []string{"female", "male", "other", "unknown"}}}
	if !slices.EqualFunc(vs.Systems, want, func(a, b CodeSet) bool { return a.System == b.System && slices.Equal(a.Codes, b.Codes) }) {
		t.Errorf("administrative-gender = %v, want %v", vs.Systems, want)
	}
}

func TestValueSetContents(t *testing.T) {
	s := r4Spec(t)
	tests := []struct {
		url, system string
		in, out     []string
	}{
		// a whole code system with nested concepts (amended > corrected)
		{"http://hl7.org/fhir/ValueSet/observation-status", "http://hl7.org/fhir/observation-status",
			[]string{"registered", "final", "amended", "corrected", "entered-in-error", "unknown"}, []string{"bogus", "Final", ""}},
		{"http://hl7.org/fhir/ValueSet/name-use", "http://hl7.org/fhir/name-use",
			[]string{"usual", "old", "maiden"}, []string{"nick"}},
		{"http://hl7.org/fhir/ValueSet/condition-clinical", "http://terminology.hl7.org/CodeSystem/condition-clinical",
			[]string{"active", "recurrence", "relapse", "inactive", "remission", "resolved"}, []string{"bogus"}},
		// the resource types, with the abstract ones the code system lists
		{"http://hl7.org/fhir/ValueSet/resource-types", "http://hl7.org/fhir/resource-types",
			[]string{"Patient", "Observation", "Bundle", "Resource"}, []string{"patient", "HumanName"}},
		// two code systems
		{"http://hl7.org/fhir/ValueSet/event-timing", "http://terminology.hl7.org/CodeSystem/v3-TimingEvent",
			[]string{"AC", "HS", "WAKE"}, []string{"MORN"}},
		{"http://hl7.org/fhir/ValueSet/event-timing", "http://hl7.org/fhir/event-timing",
			[]string{"MORN", "NIGHT"}, []string{"AC"}},
		// an explicit concept list from a code system outside the package
		{"http://hl7.org/fhir/ValueSet/units-of-time", "http://unitsofmeasure.org",
			[]string{"s", "min", "h", "d", "wk", "mo", "a"}, []string{"ms", "y"}},
	}
	for _, tt := range tests {
		vs := s.ValueSet(tt.url)
		if vs == nil || !vs.Expanded() {
			t.Errorf("%s: not found or not expanded (%v)", tt.url, vs)
			continue
		}
		for _, c := range tt.in {
			if !vs.Contains(tt.system, c) || !vs.HasCode(c) {
				t.Errorf("%s: %s#%s missing", tt.url, tt.system, c)
			}
		}
		for _, c := range tt.out {
			if vs.Contains(tt.system, c) {
				t.Errorf("%s: %s#%s present", tt.url, tt.system, c)
			}
		}
		if vs.Contains("http://example.org/other", tt.in[0]) || vs.HasSystem("http://example.org/other") {
			t.Errorf("%s: found a code of another system", tt.url)
		}
	}
	for _, url := range []string{"http://hl7.org/fhir/ValueSet/ucum-units", "http://hl7.org/fhir/ValueSet/mimetypes", "http://hl7.org/fhir/ValueSet/currencies"} {
		if vs := s.ValueSet(url); vs == nil || vs.Expanded() || vs.Unexpanded == "" {
			t.Errorf("%s: want known and not expanded, got %+v", url, vs)
		}
	}
}

func TestBindingExpansion(t *testing.T) {
	s := r4Spec(t)
	tests := []struct {
		path     string
		expanded bool
	}{
		{"Patient.gender", true},
		{"Observation.status", true},
		{"Bundle.type", true},
		{"Condition.clinicalStatus", true},
		{"Quantity.comparator", true},
		{"Patient.maritalStatus", false},          // extensible
		{"Patient.communication.language", false}, // preferred
		{"Attachment.contentType", false},         // required, MIME types not in the package
	}
	for _, tt := range tests {
		e := s.Element(tt.path)
		if e == nil || e.Binding == nil {
			t.Errorf("%s: no binding", tt.path)
			continue
		}
		if got := e.Binding.Expansion() != nil; got != tt.expanded {
			t.Errorf("%s: has expansion %v, want %v", tt.path, got, tt.expanded)
		}
	}
}
