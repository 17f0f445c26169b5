package validate

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// want is an expected issue: its location and code.
type want struct{ loc, code string }

func (w want) String() string { return w.loc + " " + w.code }

func issuesOf(t *testing.T, oo *OperationOutcome) []want {
	t.Helper()
	var got []want
	for _, is := range oo.Issues {
		got = append(got, want{is.Expression, is.Code})
	}
	return got
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		json string
		want []want
	}{
		{"valid patient",
			`{"resourceType":"Patient","id":"p1","active":true,"name":[{"family":"Chalmers","given":["Peter","James"]}],"birthDate":"1974-12-25","multipleBirthInteger":2}`,
			nil},
		{"not json", `{"resourceType":`, []want{{"", CodeInvalid}}},
		{"trailing data", `{"resourceType":"Patient"} {}`, []want{{"", CodeInvalid}}},
		{"not an object", `[1]`, []want{{"", CodeStructure}}},
		{"no resourceType", `{"id":"x"}`, []want{{"", CodeRequired}}},
		{"unknown resourceType", `{"resourceType":"Patientx"}`, []want{{"", CodeNotSupported}}},
		{"abstract resourceType", `{"resourceType":"DomainResource"}`, []want{{"", CodeNotSupported}}},
		{"unknown element", `{"resourceType":"Patient","foo":1}`, []want{{"Patient.foo", CodeStructure}}},
		{"unknown nested element",
			`{"resourceType":"Patient","name":[{"family":"x","middle":"y"}]}`,
			[]want{{"Patient.name[0].middle", CodeStructure}}},
		{"wrong choice suffix",
			`{"resourceType":"Observation","status":"final","code":{"text":"x"},"valueFoo":1}`,
			[]want{{"Observation.valueFoo", CodeStructure}}},
		{"choice without suffix",
			`{"resourceType":"Observation","status":"final","code":{"text":"x"},"value":1}`,
			[]want{{"Observation.value", CodeStructure}}},
		{"choice of a type not allowed here",
			`{"resourceType":"Patient","deceasedString":"yes"}`,
			[]want{{"Patient.deceasedString", CodeStructure}}},
		{"array where max is 1",
			`{"resourceType":"Patient","gender":["male"]}`,
			[]want{{"Patient.gender", CodeStructure}}},
		{"single value where an array is due",
			`{"resourceType":"Patient","name":{"family":"x"}}`,
			[]want{{"Patient.name", CodeStructure}}},
		{"string where boolean",
			`{"resourceType":"Patient","active":"true"}`,
			[]want{{"Patient.active", CodeStructure}}},
		{"string where integer",
			`{"resourceType":"Patient","multipleBirthInteger":"2"}`,
			[]want{{"Patient.multipleBirthInteger", CodeStructure}}},
		{"decimal where integer",
			`{"resourceType":"Patient","multipleBirthInteger":2.5}`,
			[]want{{"Patient.multipleBirthInteger", CodeValue}}},
		{"integer out of 32-bit range",
			`{"resourceType":"Patient","multipleBirthInteger":3000000000}`,
			[]want{{"Patient.multipleBirthInteger", CodeValue}}},
		{"number where string",
			`{"resourceType":"Patient","name":[{"family":12}]}`,
			[]want{{"Patient.name[0].family", CodeStructure}}},
		{"bad date",
			`{"resourceType":"Patient","birthDate":"25/12/1974"}`,
			[]want{{"Patient.birthDate", CodeValue}}},
		{"bad code among several given names",
			`{"resourceType":"Patient","gender":"male ","name":[{"given":["a",""]}]}`,
			[]want{{"Patient.gender", CodeValue}, {"Patient.name[0].given[1]", CodeValue}}},
		{"bad resource id",
			`{"resourceType":"Patient","id":"a b"}`,
			[]want{{"Patient.id", CodeValue}}},
		{"element id is a plain string",
			`{"resourceType":"Patient","name":[{"id":"any thing","family":"x"}]}`,
			nil},
		{"decimal with exponent is valid",
			`{"resourceType":"Observation","status":"final","code":{"text":"x"},"valueQuantity":{"value":1.5e3}}`,
			nil},
		{"empty object", `{"resourceType":"Patient","maritalStatus":{}}`,
			[]want{{"Patient.maritalStatus", CodeStructure}}},
		{"empty array", `{"resourceType":"Patient","name":[]}`,
			[]want{{"Patient.name", CodeStructure}}},
		{"empty string", `{"resourceType":"Patient","gender":""}`,
			[]want{{"Patient.gender", CodeValue}}},
		{"null", `{"resourceType":"Patient","gender":null}`,
			[]want{{"Patient.gender", CodeStructure}}},
		{"element with only an id",
			`{"resourceType":"Patient","maritalStatus":{"id":"a"}}`,
			[]want{{"Patient.maritalStatus", CodeInvariant}}},
		{"primitive with an id only",
			`{"resourceType":"Patient","birthDate":"1970-01-01","_birthDate":{"id":"a"}}`,
			nil},
		{"backbone element with an id only",
			`{"resourceType":"Patient","contact":[{"id":"a"}]}`,
			[]want{{"Patient.contact[0]", CodeInvariant}, {"Patient.contact[0]", CodeInvariant}}}, // ele-1 and pat-1
		{"primitive extension",
			`{"resourceType":"Patient","birthDate":"1970-01-01","_birthDate":{"extension":[{"url":"http://hl7.org/fhir/StructureDefinition/patient-birthTime","valueDateTime":"1970-01-01T10:00:00Z"}]}}`,
			nil},
		{"primitive extension without value, and with nulls in an array",
			`{"resourceType":"Patient","_gender":{"extension":[{"url":"http://x","valueString":"y"}]},"name":[{"given":["a",null],"_given":[null,{"extension":[{"url":"http://x","valueCode":"z"}]}]}]}`,
			nil},
		{"bad primitive extension",
			`{"resourceType":"Patient","birthDate":"1970-01-01","_birthDate":{"extension":[{"url":"http://x","valueFoo":1}],"bar":2}}`,
			// ext-1 fails too: without a known value[x] the extension has neither
			[]want{{"Patient.birthDate.bar", CodeStructure}, {"Patient.birthDate.extension[0]", CodeInvariant}, {"Patient.birthDate.extension[0].valueFoo", CodeStructure}}},
		{"companion of a complex element",
			`{"resourceType":"Patient","_maritalStatus":{"id":"x"}}`,
			[]want{{"Patient._maritalStatus", CodeStructure}}},
		{"null without companion",
			`{"resourceType":"Patient","name":[{"given":["a",null]}]}`,
			[]want{{"Patient.name[0].given[1]", CodeStructure}}},
		{"companion of different length",
			`{"resourceType":"Patient","name":[{"given":["a","b"],"_given":[null]}]}`,
			[]want{{"Patient.name[0]._given", CodeStructure}}},
		{"missing required elements",
			`{"resourceType":"Observation","valueString":"x"}`,
			[]want{{"Observation.status", CodeRequired}, {"Observation.code", CodeRequired}}},
		{"missing required element in a backbone",
			`{"resourceType":"Patient","link":[{"type":"seealso"}]}`,
			[]want{{"Patient.link[0].other", CodeRequired}}},
		{"missing required element in a data type",
			`{"resourceType":"Patient","extension":[{"valueString":"x"}]}`,
			[]want{{"Patient.extension[0].url", CodeRequired}}},
		{"max cardinality beyond 1",
			`{"resourceType":"Questionnaire","status":"draft","item":[{"linkId":"1","type":"group","item":[{"linkId":"1.1","type":"string","item":[{"linkId":"1.1.1","type":"display","text":"x","foo":1}]}]}]}`,
			[]want{{"Questionnaire.item[0].item[0].item[0].foo", CodeStructure}}},
		{"content reference required element",
			`{"resourceType":"Questionnaire","status":"draft","item":[{"linkId":"1","type":"group","item":[{"type":"string"}]}]}`,
			[]want{{"Questionnaire.item[0].item[0].linkId", CodeRequired}}},
		{"contained resource of its own type",
			`{"resourceType":"Observation","status":"final","code":{"text":"x"},"subject":{"reference":"#p"},"contained":[{"resourceType":"Patient","id":"p","gender":"male "}]}`,
			[]want{{"Observation.contained[0].gender", CodeValue}}},
		{"contained without resourceType",
			`{"resourceType":"Observation","status":"final","code":{"text":"x"},"subject":{"reference":"#p"},"contained":[{"id":"p"}]}`,
			[]want{{"Observation.contained[0]", CodeRequired}}},
		{"reference to a missing contained resource",
			`{"resourceType":"Observation","status":"final","code":{"text":"x"},"subject":{"reference":"#nope"}}`,
			[]want{{"Observation.subject.reference", CodeValue}}},
		{"valid references",
			`{"resourceType":"Observation","status":"final","code":{"text":"x"},"subject":{"reference":"Patient/123"},"performer":[{"reference":"Practitioner/a/_history/2"},{"reference":"http://example.org/fhir/Organization/1"},{"reference":"urn:uuid:3d195286-ce77-f5b3-b64f-3eacfb9c273e"}]}`,
			nil},
		{"reference formats",
			`{"resourceType":"Observation","status":"final","code":{"text":"x"},"subject":{"reference":"Patient"},"performer":[{"reference":"Foo/1"},{"reference":"Practitioner/a b"},{"reference":"urn:uuid:nope"},{"reference":"Practitioner?identifier=x"}]}`,
			[]want{{"Observation.performer[0].reference", CodeValue}, {"Observation.performer[1].reference", CodeValue}, {"Observation.performer[2].reference", CodeValue}, {"Observation.performer[3].reference", CodeValue}, {"Observation.subject.reference", CodeValue}}},
		{"reference to a type the element does not allow",
			`{"resourceType":"Observation","status":"final","code":{"text":"x"},"subject":{"reference":"Medication/1"}}`,
			[]want{{"Observation.subject.reference", CodeValue}}},
		{"reference through a choice",
			`{"resourceType":"Observation","status":"final","code":{"text":"x"},"focus":[{"reference":"Anything/1"}],"extension":[{"url":"http://x","valueReference":{"reference":"Medication/1"}}]}`,
			[]want{{"Observation.focus[0].reference", CodeValue}}},
		{"invariant pat-1",
			`{"resourceType":"Patient","contact":[{"gender":"male"}]}`,
			[]want{{"Patient.contact[0]", CodeInvariant}}},
		{"invariant dom-2 and contained checks",
			`{"resourceType":"Patient","contained":[{"resourceType":"Patient","id":"c","contained":[{"resourceType":"Patient","id":"d"}]}],"link":[{"other":{"reference":"#c"},"type":"seealso"}]}`,
			[]want{{"Patient", CodeInvariant}}},
		{"invariant dom-3: unreferenced contained resource",
			`{"resourceType":"Patient","contained":[{"resourceType":"Patient","id":"c"}]}`,
			[]want{{"Patient.contained[0]", CodeInvariant}}},
		{"contained resource referring to its container",
			`{"resourceType":"Patient","contained":[{"resourceType":"Observation","id":"c","status":"final","code":{"text":"x"},"subject":{"reference":"#"}}]}`,
			nil},
		{"invariant ext-1",
			`{"resourceType":"Patient","extension":[{"url":"http://x","valueString":"a","extension":[{"url":"y","valueString":"b"}]}]}`,
			[]want{{"Patient.extension[0]", CodeInvariant}}},
		{"invariant per-1 in a data type in a backbone",
			`{"resourceType":"Patient","contact":[{"name":{"family":"x"},"period":{"start":"2020-01-01","end":"2019-01-01"}}]}`,
			[]want{{"Patient.contact[0].period", CodeInvariant}}},
		{"invariant qty-3 inside a choice",
			`{"resourceType":"Observation","status":"final","code":{"text":"x"},"valueQuantity":{"value":1,"code":"mg"}}`,
			[]want{{"Observation.valueQuantity", CodeInvariant}}},
		{"narrative div",
			`{"resourceType":"Patient","text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\">x</div>"}}`,
			nil},
		{"transaction bundle with conditional references",
			`{"resourceType":"Bundle","type":"transaction","entry":[{"fullUrl":"urn:uuid:3d195286-ce77-f5b3-b64f-3eacfb9c273e","resource":{"resourceType":"Encounter","status":"finished","class":{"code":"AMB"},"participant":[{"individual":{"reference":"Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|999"}}]},"request":{"method":"POST","url":"Encounter"}}]}`,
			nil},
		{"entry resource errors located in the bundle",
			`{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Patient"}},{"resource":{"resourceType":"Observation","status":"final","code":{"text":"x"},"subject":{"reference":"Patient?identifier=1"}}},{"resource":{"resourceType":"Patient","gender":1}}]}`,
			[]want{{"Bundle.entry[1].resource.subject.reference", CodeValue}, {"Bundle.entry[2].resource.gender", CodeStructure}}},
		{"bundle invariant bdl-3",
			`{"resourceType":"Bundle","type":"transaction","entry":[{"resource":{"resourceType":"Patient"}}]}`,
			[]want{{"Bundle", CodeInvariant}}},
		{"companion with only an id", `{"resourceType":"Patient","_id":{"id":"x"},"resourceType2":1}`,
			[]want{{"Patient.id", CodeInvariant}, {"Patient.resourceType2", CodeStructure}}},
	}
	v, err := New()
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			oo, err := v.Validate([]byte(tt.json))
			if err != nil {
				t.Fatal(err)
			}
			got := issuesOf(t, oo)
			sortWants(got)
			wantSorted := slices.Clone(tt.want)
			sortWants(wantSorted)
			if !slices.Equal(got, wantSorted) {
				var b strings.Builder
				for _, is := range oo.Issues {
					fmt.Fprintf(&b, "\n\t%s %s: %s", is.Expression, is.Code, is.Diagnostics)
				}
				t.Errorf("issues %v, want %v%s", got, wantSorted, b.String())
			}
		})
	}
}

func sortWants(ws []want) {
	slices.SortFunc(ws, func(a, b want) int { return strings.Compare(a.String(), b.String()) })
}

func TestValidateAs(t *testing.T) {
	oo, err := std()
	if err != nil {
		t.Fatal(err)
	}
	out, _ := oo.ValidateAs([]byte(`{"resourceType":"Patient"}`), "Observation")
	if got := issuesOf(t, out); !slices.Equal(got, []want{{"Observation", CodeValue}}) {
		t.Errorf("issues %v", got)
	}
	out, _ = oo.ValidateAs([]byte(`{"resourceType":"Patient"}`), "Patient")
	if len(out.Issues) != 0 {
		t.Errorf("issues %v", out.Issues)
	}
}

func TestValidateMap(t *testing.T) {
	v, err := New()
	if err != nil {
		t.Fatal(err)
	}
	res := map[string]any{
		"resourceType": "Parameters",
		"parameter": []any{map[string]any{
			"name":     "p",
			"resource": map[string]any{"resourceType": "Patient", "active": "yes"},
		}},
	}
	got := issuesOf(t, v.ValidateMap(res, "Parameters"))
	if want := []want{{"Parameters.parameter[0].resource.active", CodeStructure}}; !slices.Equal(got, want) {
		t.Errorf("issues %v, want %v", got, want)
	}
}

func TestOperationOutcomeJSON(t *testing.T) {
	oo, err := Validate([]byte(`{"resourceType":"Patient","name":[{"given":["a",""]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(*oo) // a value marshals as FHIR JSON too
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"value","diagnostics":"empty strings are not allowed","expression":["Patient.name[0].given[1]"]}]}`
	if string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
	if oo.OK() {
		t.Error("OK() with an error")
	}
	b, _ = json.Marshal(&OperationOutcome{})
	if !strings.Contains(string(b), `"severity":"information"`) {
		t.Errorf("empty outcome marshals as %s", b)
	}
	// and the outcome is itself a valid resource
	if again, _ := Validate(b); !again.OK() {
		t.Errorf("outcome JSON is not valid: %v", again.Issues)
	}
}
