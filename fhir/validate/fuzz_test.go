package validate

import (
	"encoding/json"
	"slices"
	"testing"
)

// FuzzValidate checks that no input makes Validate panic or fail, and that
// every outcome marshals.
func FuzzValidate(f *testing.F) {
	for _, s := range []string{
		`{"resourceType":"Patient","name":[{"given":["a",null],"_given":[null,{"extension":[{"url":"x","valueCode":"y"}]}]}]}`,
		`{"resourceType":"Observation","status":"final","code":{"text":"x"},"valueQuantity":{"value":1e400,"code":"mg"},"subject":{"reference":"#c"},"contained":[{"resourceType":"Patient","id":"c","contained":[{}]}]}`,
		`{"resourceType":"Bundle","type":"transaction","entry":[{"resource":{"resourceType":"Encounter","subject":{"reference":"Patient?identifier=1"}}}]}`,
		`{"resourceType":"Questionnaire","item":[{"item":[{"item":[{"linkId":1}]}]}]}`,
		`{"resourceType":"Patient","contact":[{"gender":"male"}],"_id":[],"extension":[{}]}`,
		`{"resourceType":"Parameters","parameter":[{"name":"x","resource":{"resourceType":"Bundle"}}]}`,
		`[]`, `null`, `{`, `{"resourceType":1}`,
	} {
		f.Add([]byte(s))
	}
	v, err := New()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		oo, err := v.Validate(data)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := json.Marshal(oo); err != nil {
			t.Fatal(err)
		}
		for _, is := range oo.Issues {
			if is.Severity != SeverityError || is.Code == "" || is.Diagnostics == "" {
				t.Fatalf("malformed issue %+v", is)
			}
		}
		again, _ := v.Validate(data)
		if !slices.Equal(oo.Issues, again.Issues) {
			t.Fatalf("issues differ between runs:\n%v\n%v", oo.Issues, again.Issues)
		}
	})
}
