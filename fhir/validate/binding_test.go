package validate

import (
	"bytes"
	"os"
	"slices"
	"strings"
	"testing"
)

func TestRequiredBindings(t *testing.T) {
	const (
		obs  = `{"resourceType":"Observation","code":{"text":"x"},`
		cond = `{"resourceType":"Condition","subject":{"reference":"Patient/1"},`
		cc   = `http://terminology.hl7.org/CodeSystem/condition-clinical`
		vs   = `http://terminology.hl7.org/CodeSystem/condition-ver-status`
	)
	tests := []struct {
		name string
		json string
		want []want
	}{
		// code elements
		{"Patient.gender valid", `{"resourceType":"Patient","gender":"unknown"}`, nil},
		{"Patient.gender invalid", `{"resourceType":"Patient","gender":"x"}`,
			[]want{{"Patient.gender", CodeCodeInvalid}}},
		{"codes are case-sensitive", `{"resourceType":"Patient","gender":"Male"}`,
			[]want{{"Patient.gender", CodeCodeInvalid}}},
		{"bad format is one issue, not two", `{"resourceType":"Patient","gender":"male "}`,
			[]want{{"Patient.gender", CodeValue}}},
		{"Observation.status valid", obs + `"status":"final"}`, nil},
		{"Observation.status nested concept", obs + `"status":"corrected"}`, nil},
		{"Observation.status invalid", obs + `"status":"bogus"}`,
			[]want{{"Observation.status", CodeCodeInvalid}}},
		{"Bundle.type valid", `{"resourceType":"Bundle","type":"collection"}`, nil},
		{"Bundle.type invalid", `{"resourceType":"Bundle","type":"foo"}`,
			[]want{{"Bundle.type", CodeCodeInvalid}}},
		{"in a backbone element",
			`{"resourceType":"Bundle","type":"batch","entry":[{"request":{"method":"GET","url":"Patient"}},{"request":{"method":"FETCH","url":"Patient"}}]}`,
			[]want{{"Bundle.entry[1].request.method", CodeCodeInvalid}}},
		{"in a data type in an array",
			`{"resourceType":"Patient","name":[{"use":"maiden","family":"x"},{"use":"nick","family":"y"}],"telecom":[{"system":"pager","value":"1"},{"system":"fax2","value":"2"}]}`,
			[]want{{"Patient.name[1].use", CodeCodeInvalid}, {"Patient.telecom[1].system", CodeCodeInvalid}}},
		{"in a choice data type",
			obs + `"status":"final","valueQuantity":{"value":1,"comparator":"<="}}`, nil},
		{"in a choice data type, invalid",
			obs + `"status":"final","valueQuantity":{"value":1,"comparator":"=<"}}`,
			[]want{{"Observation.valueQuantity.comparator", CodeCodeInvalid}}},
		{"in a repeating code element",
			`{"resourceType":"CapabilityStatement","status":"active","date":"2020","kind":"instance","fhirVersion":"4.0.1","format":["json"],"implementation":{"description":"x"},"rest":[{"mode":"server","resource":[{"type":"Patient","interaction":[{"code":"read"},{"code":"write"}]}]}]}`,
			[]want{{"CapabilityStatement.rest[0].resource[0].interaction[1].code", CodeCodeInvalid}}},
		{"a resource type code",
			`{"resourceType":"CapabilityStatement","status":"active","date":"2020","kind":"instance","fhirVersion":"4.0.1","format":["json"],"implementation":{"description":"x"},"rest":[{"mode":"server","resource":[{"type":"Patients"}]}]}`,
			[]want{{"CapabilityStatement.rest[0].resource[0].type", CodeCodeInvalid}}},
		{"in a contained resource",
			`{"resourceType":"Observation","status":"final","code":{"text":"x"},"subject":{"reference":"#p"},"contained":[{"resourceType":"Patient","id":"p","gender":"m"}]}`,
			[]want{{"Observation.contained[0].gender", CodeCodeInvalid}}},
		{"in a bundle entry",
			`{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Patient","gender":"f"}}]}`,
			[]want{{"Bundle.entry[0].resource.gender", CodeCodeInvalid}}},
		{"an extension on a bound code is not a value",
			`{"resourceType":"Patient","_gender":{"extension":[{"url":"http://x","valueCode":"anything"}]}}`, nil},

		// Bindings that are not required, or not expandable from the package
		{"extensible binding is not checked",
			`{"resourceType":"Patient","maritalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-MaritalStatus","code":"nope"}]}}`, nil},
		{"preferred binding is not checked", `{"resourceType":"Patient","language":"xx-nope"}`, nil},
		{"example binding is not checked", obs + `"status":"final","method":{"coding":[{"system":"http://snomed.info/sct","code":"nope"}]}}`, nil},
		{"required binding to an external code system is not checked",
			`{"resourceType":"Patient","photo":[{"contentType":"x-not/a-mime-type"}]}`, nil},

		// CodeableConcept
		{"CodeableConcept valid", cond + `"clinicalStatus":{"coding":[{"system":"` + cc + `","code":"active"}]}}`, nil},
		{"CodeableConcept nested concept", cond + `"clinicalStatus":{"coding":[{"system":"` + cc + `","code":"relapse"}],"text":"x"},"verificationStatus":{"coding":[{"system":"` + vs + `","code":"provisional"}]}}`, nil},
		{"CodeableConcept invalid",
			cond + `"clinicalStatus":{"coding":[{"system":"` + cc + `","code":"bogus"}]}}`,
			[]want{{"Condition.clinicalStatus.coding[0].code", CodeCodeInvalid}}},
		{"CodeableConcept with a translation",
			cond + `"clinicalStatus":{"coding":[{"system":"http://snomed.info/sct","code":"55561003"},{"system":"` + cc + `","code":"active"}]}}`, nil},
		{"CodeableConcept with one coding in the value set and one not",
			cond + `"clinicalStatus":{"coding":[{"system":"` + cc + `","code":"active"},{"system":"` + cc + `","code":"bogus"}]}}`, nil},
		{"CodeableConcept with no coding in the value set",
			cond + `"clinicalStatus":{"coding":[{"system":"http://snomed.info/sct","code":"55561003"},{"system":"` + cc + `","code":"bogus"}]}}`,
			[]want{{"Condition.clinicalStatus.coding[1].code", CodeCodeInvalid}}},
		{"CodeableConcept with a code of the wrong value set's system",
			cond + `"clinicalStatus":{"coding":[{"system":"` + vs + `","code":"confirmed"}]}}`, nil},
		{"CodeableConcept with text only", cond + `"clinicalStatus":{"text":"active"}}`, nil},
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
					b.WriteString("\n\t" + is.Expression + " " + is.Code + ": " + is.Diagnostics)
				}
				t.Errorf("issues %v, want %v%s", got, wantSorted, b.String())
			}
		})
	}
}

func TestCodeInvalidMessage(t *testing.T) {
	tests := []struct{ json, want string }{
		{`{"resourceType":"Patient","gender":"x"}`,
			`"x" is not in the value set http://hl7.org/fhir/ValueSet/administrative-gender|4.0.1 required by Patient.gender (allowed: female, male, other, unknown)`},
		{`{"resourceType":"Bundle","type":"foo"}`,
			`"foo" is not in the value set http://hl7.org/fhir/ValueSet/bundle-type|4.0.1 required by Bundle.type (allowed: batch, batch-response, collection, document, history, message, searchset, transaction, transaction-response)`},
		{`{"resourceType":"CapabilityStatement","status":"active","date":"2020","kind":"instance","fhirVersion":"4.0.1","format":["json"],"implementation":{"description":"x"},"rest":[{"mode":"server","resource":[{"type":"Patients"}]}]}`,
			`"Patients" is not in the value set http://hl7.org/fhir/ValueSet/resource-types|4.0.1 required by CapabilityStatement.rest.resource.type`},
	}
	for _, tt := range tests {
		oo, err := Validate([]byte(tt.json))
		if err != nil {
			t.Fatal(err)
		}
		errs := oo.Errors()
		if len(errs) != 1 || errs[0].Diagnostics != tt.want || errs[0].Severity != SeverityError {
			t.Errorf("%s:\n got %+v\nwant %s", tt.json, errs, tt.want)
		}
	}
}

// TestSyntheaBadCodes breaks the codes of real resources (pretty-printed
// JSON, hence the spaces) and expects each to be found: the Synthea test's 0 errors mean the bound values were
// checked and passed, not skipped.
func TestSyntheaBadCodes(t *testing.T) {
	files := syntheaBundles(t)
	data, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	v, err := New()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ typ, from, to, loc string }{
		{"Observation", `"status": "final"`, `"status": "bogus"`, "Observation.status"},
		{"Patient", `"gender": "`, `"gender": "x`, "Patient.gender"},
		{"Condition", `"code": "active"`, `"code": "bogus"`, "Condition.clinicalStatus.coding[0].code"},
		{"Encounter", `"status": "finished"`, `"status": "done"`, "Encounter.status"},
	}
	for _, tt := range tests {
		n := 0
		for _, r := range entryResources(t, data) {
			if !bytes.Contains(r, []byte(`"resourceType": "`+tt.typ+`"`)) || !bytes.Contains(r, []byte(tt.from)) {
				continue
			}
			n++
			oo, err := v.Validate(bytes.Replace(r, []byte(tt.from), []byte(tt.to), 1))
			if err != nil {
				t.Fatal(err)
			}
			// other issues are the conditional references, valid only in
			// the transaction the resource came from
			got := slices.DeleteFunc(issuesOf(t, oo), func(w want) bool { return w.code != CodeCodeInvalid })
			if !slices.Equal(got, []want{{tt.loc, CodeCodeInvalid}}) {
				t.Errorf("%s with %s: issues %v", tt.typ, tt.to, got)
				break
			}
		}
		if n == 0 {
			t.Errorf("no %s with %s in %s", tt.typ, tt.from, files[0])
		}
	}
}
