package spec

import (
	"reflect"
	"slices"
	"strings"
	"testing"
)

func r4Spec(t testing.TB) *Spec {
	t.Helper()
	s, err := R4()
	if err != nil {
		t.Fatalf("R4: %v", err)
	}
	return s
}

func TestCounts(t *testing.T) {
	s := r4Spec(t)
	if got := s.FHIRVersion(); got != "4.0.1" {
		t.Errorf("FHIRVersion = %q, want 4.0.1", got)
	}
	// R4 is often said to have 145 resources; the package's
	// resource-types code system lists 148 codes, of which Resource and
	// DomainResource are abstract, leaving 146 concrete types.
	if got := len(s.Resources()); got != 146 {
		t.Errorf("len(Resources()) = %d, want 146", got)
	}
	kinds := map[string]int{}
	for _, ty := range s.Types() {
		kinds[ty.Kind]++
	}
	wantKinds := map[string]int{KindResource: 148, KindComplexType: 41, KindPrimitiveType: 20}
	if !reflect.DeepEqual(kinds, wantKinds) {
		t.Errorf("types by kind = %v, want %v", kinds, wantKinds)
	}
	if got := len(s.Primitives()); got != 20 {
		t.Errorf("len(Primitives()) = %d, want 20", got)
	}
	byType := map[string]int{}
	for _, p := range s.AllSearchParams() {
		byType[p.Type]++
	}
	wantByType := map[string]int{
		SearchComposite: 46, SearchDate: 109, SearchNumber: 6, SearchQuantity: 27,
		SearchReference: 472, SearchSpecial: 2, SearchString: 133, SearchToken: 536, SearchURI: 45,
	}
	if !reflect.DeepEqual(byType, wantByType) {
		t.Errorf("search parameters by type = %v, want %v", byType, wantByType)
	}
	if got := len(s.AllSearchParams()); got != 1376 {
		t.Errorf("len(AllSearchParams()) = %d, want 1376", got)
	}
}

func TestResourcesAreSortedAndConcrete(t *testing.T) {
	s := r4Spec(t)
	rs := s.Resources()
	if !slices.IsSorted(rs) {
		t.Error("Resources() is not sorted")
	}
	for _, name := range []string{"Patient", "Observation", "Bundle", "Binary", "Parameters", "Questionnaire"} {
		if !slices.Contains(rs, name) || !s.IsResource(name) {
			t.Errorf("%s missing from Resources()", name)
		}
	}
	for _, name := range []string{"Resource", "DomainResource", "HumanName", "date", "Nope"} {
		if slices.Contains(rs, name) || s.IsResource(name) {
			t.Errorf("%s should not be a concrete resource", name)
		}
	}
}

func TestTypes(t *testing.T) {
	s := r4Spec(t)
	tests := []struct {
		name, kind, base string
		abstract         bool
	}{
		{"Resource", KindResource, "", true},
		{"DomainResource", KindResource, "Resource", true},
		{"Patient", KindResource, "DomainResource", false},
		{"Bundle", KindResource, "Resource", false},
		{"Element", KindComplexType, "", true},
		{"BackboneElement", KindComplexType, "Element", true},
		{"HumanName", KindComplexType, "Element", false},
		{"Age", KindComplexType, "Quantity", false},
		{"date", KindPrimitiveType, "Element", false},
		{"positiveInt", KindPrimitiveType, "integer", false},
		{"code", KindPrimitiveType, "string", false},
	}
	for _, tt := range tests {
		ty := s.Type(tt.name)
		if ty == nil {
			t.Errorf("Type(%q) = nil", tt.name)
			continue
		}
		if ty.Kind != tt.kind || ty.Base != tt.base || ty.Abstract != tt.abstract {
			t.Errorf("Type(%q) = kind %s base %q abstract %v, want %s %q %v",
				tt.name, ty.Kind, ty.Base, ty.Abstract, tt.kind, tt.base, tt.abstract)
		}
		if ty.Root() == nil || ty.Root().Path != tt.name {
			t.Errorf("Type(%q).Root() is not the type's own element", tt.name)
		}
	}
	for _, name := range []string{"SimpleQuantity", "vitalsigns", "Definition", "patient"} {
		if s.Type(name) != nil {
			t.Errorf("Type(%q) should be nil: profiles, logical models and unknown names are not types", name)
		}
	}
	if !s.IsA("Patient", "Resource") || !s.IsA("Age", "Quantity") || s.IsA("Bundle", "DomainResource") {
		t.Error("IsA does not follow the base types")
	}
}

func TestElements(t *testing.T) {
	s := r4Spec(t)
	tests := []struct {
		path     string
		defPath  string // path of the definition found
		typ      string // Resolved.Type
		types    string // all type codes, joined with |
		min      int
		max      string
		modifier bool
		summary  bool
		choice   bool
		backbone bool
	}{
		{"Patient.name", "Patient.name", "HumanName", "HumanName", 0, "*", false, true, false, false},
		{"Patient.birthDate", "Patient.birthDate", "date", "date", 0, "1", false, true, false, false},
		{"Patient.contact", "Patient.contact", "", "BackboneElement", 0, "*", false, false, false, true},
		{"Patient.contact.name", "Patient.contact.name", "HumanName", "HumanName", 0, "1", false, false, false, false},
		{"Patient.deceased[x]", "Patient.deceased[x]", "", "boolean|dateTime", 0, "1", true, true, true, false},
		{"Observation.status", "Observation.status", "code", "code", 1, "1", true, true, false, false},
		{"Observation.value[x]", "Observation.value[x]", "",
			"Quantity|CodeableConcept|string|boolean|integer|Range|Ratio|SampledData|time|dateTime|Period", 0, "1", false, true, true, false},
		{"Observation.valueQuantity", "Observation.value[x]", "Quantity",
			"Quantity|CodeableConcept|string|boolean|integer|Range|Ratio|SampledData|time|dateTime|Period", 0, "1", false, true, true, false},
		{"Observation.effectiveDateTime", "Observation.effective[x]", "dateTime", "dateTime|Period|Timing|instant", 0, "1", false, true, true, false},
		{"Observation.component.valueString", "Observation.component.value[x]", "string",
			"Quantity|CodeableConcept|string|boolean|integer|Range|Ratio|SampledData|time|dateTime|Period", 0, "1", false, true, true, false},
		{"Questionnaire.item.item", "Questionnaire.item.item", "", "", 0, "*", false, false, false, false},
		{"Questionnaire.item.item.linkId", "Questionnaire.item.linkId", "string", "string", 1, "1", false, false, false, false},
		{"Questionnaire.item.item.item.answerOption.valueCoding", "Questionnaire.item.answerOption.value[x]", "Coding",
			"integer|date|time|string|Coding|Reference", 1, "1", false, false, true, false},
		{"Bundle.entry.resource", "Bundle.entry.resource", "Resource", "Resource", 0, "1", false, true, false, false},
		{"Bundle.entry.resource.id", "Resource.id", "string", "string", 0, "1", false, true, false, false},
		{"Patient.name.family", "HumanName.family", "string", "string", 0, "1", false, true, false, false},
		{"Observation.valueQuantity.unit", "Quantity.unit", "string", "string", 0, "1", false, true, false, false},
		{"Patient.birthDate.extension", "date.extension", "Extension", "Extension", 0, "*", false, false, false, false},
		{"Timing.repeat", "Timing.repeat", "", "Element", 0, "1", false, true, false, true},
		{"Patient", "Patient", "", "", 0, "*", false, false, false, false},
	}
	for _, tt := range tests {
		r, ok := s.Resolve(tt.path)
		if !ok {
			t.Errorf("Resolve(%q) failed", tt.path)
			continue
		}
		e := r.Element
		if e != s.Element(tt.path) {
			t.Errorf("Element(%q) differs from Resolve", tt.path)
		}
		got := []any{e.Path, r.Type, strings.Join(e.TypeCodes(), "|"), e.Min, e.Max, e.IsModifier, e.IsSummary, e.Choice, e.Backbone}
		want := []any{tt.defPath, tt.typ, tt.types, tt.min, tt.max, tt.modifier, tt.summary, tt.choice, tt.backbone}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Resolve(%q) =\n  %v\nwant\n  %v", tt.path, got, want)
		}
	}
}

func TestElementsNotFound(t *testing.T) {
	s := r4Spec(t)
	for _, path := range []string{
		"", "Nope", "Nope.name", "Patient.nope", "Patient.name.nope",
		"Observation.valueFoo", "Observation.value", "Observation.valuequantity",
		"Patient.birthDate.value.nope", "Patient..name", "Patient.", ".Patient", "Patient.name.",
	} {
		if r, ok := s.Resolve(path); ok || s.Element(path) != nil {
			t.Errorf("Resolve(%q) = %v, want not found", path, r.Element.Path)
		}
	}
}

func TestReferenceTargets(t *testing.T) {
	s := r4Spec(t)
	tests := []struct{ path, targets string }{
		{"Observation.subject", "Patient|Group|Device|Location"},
		{"Patient.generalPractitioner", "Organization|Practitioner|PractitionerRole"},
		{"Encounter.serviceProvider", "Organization"},
		{"Questionnaire.derivedFrom", "Questionnaire"}, // canonical
		{"Observation.focus", "Resource"},              // any resource
	}
	for _, tt := range tests {
		e := s.Element(tt.path)
		if e == nil || len(e.Types) != 1 {
			t.Errorf("Element(%q) = %v, want one type", tt.path, e)
			continue
		}
		if got := strings.Join(e.Types[0].Targets(), "|"); got != tt.targets {
			t.Errorf("%s targets = %q, want %q", tt.path, got, tt.targets)
		}
	}
}

func TestChildrenAndBindings(t *testing.T) {
	s := r4Spec(t)
	contact := s.Element("Patient.contact")
	var names []string
	for _, c := range contact.Children() {
		names = append(names, c.Name())
	}
	want := "id|extension|modifierExtension|relationship|name|telecom|address|gender|organization|period"
	if got := strings.Join(names, "|"); got != want {
		t.Errorf("Patient.contact children = %s, want %s", got, want)
	}
	if contact.Child("gender") == nil || contact.Child("nope") != nil {
		t.Error("Child does not find children by name")
	}
	// The recursive item shares its children with the item it refers to.
	item, nested := s.Element("Questionnaire.item"), s.Element("Questionnaire.item.item")
	if nested.ContentRef != "#Questionnaire.item" || len(nested.Children()) == 0 || &nested.Children()[0] != &item.Children()[0] {
		t.Errorf("Questionnaire.item.item does not follow its content reference %q", nested.ContentRef)
	}
	b := s.Element("Observation.status").Binding
	if b == nil || b.Strength != "required" || b.ValueSet != "http://hl7.org/fhir/ValueSet/observation-status|4.0.1" {
		t.Errorf("Observation.status binding = %+v", b)
	}
	if !s.Element("Patient.name").Repeats() || s.Element("Patient.birthDate").Repeats() {
		t.Error("Repeats is wrong")
	}
}

// Every element's children must all be found again by Resolve under their
// own paths: the index and the tree agree.
func TestEveryElementResolves(t *testing.T) {
	s := r4Spec(t)
	n := 0
	for _, ty := range s.Types() {
		for _, e := range ty.Elements {
			if got := s.Element(e.Path); got != e {
				t.Errorf("Element(%q) = %v", e.Path, got)
			}
			n++
		}
	}
	if n < 7000 {
		t.Errorf("only %d elements", n)
	}
}

// FuzzResolve checks that no path makes Resolve panic, and that what it
// finds is found again under the definition's own path.
func FuzzResolve(f *testing.F) {
	for _, p := range []string{"Patient.name.family", "Observation.valueQuantity", "Questionnaire.item.item.linkId", "Bundle.entry.resource.id", "Patient..", "Observation.value"} {
		f.Add(p)
	}
	s := r4Spec(f)
	f.Fuzz(func(t *testing.T, path string) {
		r, ok := s.Resolve(path)
		if !ok {
			return
		}
		if r.Element == nil || s.Element(r.Element.Path) != r.Element {
			t.Errorf("Resolve(%q) = %+v, not found again under its own path", path, r)
		}
	})
}

func TestConstraints(t *testing.T) {
	s := r4Spec(t)
	tests := []struct{ path, keys string }{
		{"Patient.contact", "ele-1|pat-1"},
		{"Observation", "dom-2|dom-3|dom-4|dom-5|dom-6|obs-6|obs-7"},
		{"Observation.status", "ele-1"},
		{"Observation.valueQuantity.unit", "ele-1"},
	}
	for _, tt := range tests {
		var keys []string
		for _, c := range s.Element(tt.path).Constraints() {
			keys = append(keys, c.Key)
		}
		slices.Sort(keys)
		if got := strings.Join(keys, "|"); got != tt.keys {
			t.Errorf("%s constraints = %s, want %s", tt.path, got, tt.keys)
		}
	}
	var pat1 *Constraint
	for _, c := range s.Element("Patient.contact").Constraints() {
		if c.Key == "pat-1" {
			pat1 = c
		}
	}
	if pat1 == nil || pat1.Severity != "error" || pat1.Expression != "name.exists() or telecom.exists() or address.exists() or organization.exists()" || pat1.Human == "" {
		t.Errorf("pat-1 = %+v", pat1)
	}
}
