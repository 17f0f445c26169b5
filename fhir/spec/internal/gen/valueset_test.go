package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// testTerminology builds a terminology from ValueSet and CodeSystem JSON.
func testTerminology(t *testing.T, resources ...string) *terminology {
	t.Helper()
	term := &terminology{valueSets: map[string]*valueSetJSON{}, codeSystems: map[string]*codeSystemJSON{}}
	for _, r := range resources {
		var kind struct{ ResourceType string }
		if err := json.Unmarshal([]byte(r), &kind); err != nil {
			t.Fatal(err)
		}
		var err error
		switch kind.ResourceType {
		case "ValueSet":
			vs := new(valueSetJSON)
			err = json.Unmarshal([]byte(r), vs)
			term.valueSets[vs.URL] = vs
		case "CodeSystem":
			cs := new(codeSystemJSON)
			err = json.Unmarshal([]byte(r), cs)
			term.codeSystems[cs.URL] = cs
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	return term
}

func TestExpand(t *testing.T) {
	term := testTerminology(t,
		`{"resourceType":"CodeSystem","url":"http://x/cs","content":"complete","concept":[
			{"code":"a","concept":[{"code":"a1","concept":[{"code":"a1x"}]},{"code":"a2"}]},{"code":"b"},{"code":"c"}]}`,
		`{"resourceType":"CodeSystem","url":"http://x/frag","content":"fragment","concept":[{"code":"f"}]}`,
		`{"resourceType":"ValueSet","url":"http://x/vs/b-c","compose":{"include":[{"system":"http://x/cs","concept":[{"code":"b"},{"code":"c"}]}]}}`,
		`{"resourceType":"ValueSet","url":"http://x/vs/loop","compose":{"include":[{"valueSet":["http://x/vs/loop"]}]}}`,
	)
	tests := []struct {
		name, compose string
		want          string // system: codes; or "error: ..." with a part of the message
	}{
		{"whole code system, nested concepts",
			`{"include":[{"system":"http://x/cs"}]}`, "http://x/cs: a a1 a1x a2 b c"},
		{"explicit concepts",
			`{"include":[{"system":"http://x/cs","concept":[{"code":"b"},{"code":"a1"}]}]}`, "http://x/cs: a1 b"},
		{"explicit concepts of an external system",
			`{"include":[{"system":"http://unitsofmeasure.org","concept":[{"code":"s"},{"code":"h"}]}]}`, "http://unitsofmeasure.org: h s"},
		{"two systems",
			`{"include":[{"system":"http://x/cs","concept":[{"code":"b"}]},{"system":"http://y","concept":[{"code":"b"}]}]}`, "http://x/cs: b; http://y: b"},
		{"exclude",
			`{"include":[{"system":"http://x/cs"}],"exclude":[{"system":"http://x/cs","concept":[{"code":"a1"},{"code":"c"}]}]}`, "http://x/cs: a a1x a2 b"},
		{"exclude a value set",
			`{"include":[{"system":"http://x/cs"}],"exclude":[{"valueSet":["http://x/vs/b-c|1.0"]}]}`, "http://x/cs: a a1 a1x a2"},
		{"include a value set",
			`{"include":[{"valueSet":["http://x/vs/b-c"]}]}`, "http://x/cs: b c"},
		{"system intersected with a value set",
			`{"include":[{"system":"http://x/cs","concept":[{"code":"a"},{"code":"b"}],"valueSet":["http://x/vs/b-c"]}]}`, "http://x/cs: b"},
		{"filter is-a", `{"include":[{"system":"http://x/cs","filter":[{"property":"concept","op":"is-a","value":"a1"}]}]}`,
			"http://x/cs: a1 a1x"},
		{"filter descendent-of", `{"include":[{"system":"http://x/cs","filter":[{"property":"concept","op":"descendent-of","value":"a"}]}]}`,
			"http://x/cs: a1 a1x a2"},
		{"filter is-not-a", `{"include":[{"system":"http://x/cs","filter":[{"property":"concept","op":"is-not-a","value":"a"}]}]}`,
			"http://x/cs: b c"},
		{"two filters", `{"include":[{"system":"http://x/cs","filter":[{"property":"concept","op":"is-a","value":"a"},{"property":"concept","op":"is-not-a","value":"a1"}]}]}`,
			"http://x/cs: a a2"},
		{"filter in an exclude", `{"include":[{"system":"http://x/cs"}],"exclude":[{"system":"http://x/cs","filter":[{"property":"concept","op":"is-a","value":"a"}]}]}`,
			"http://x/cs: b c"},
		{"filter on another property", `{"include":[{"system":"http://x/cs","filter":[{"property":"status","op":"=","value":"active"}]}]}`,
			"error: filter status = active"},
		{"filter on an unknown code", `{"include":[{"system":"http://x/cs","filter":[{"property":"concept","op":"is-a","value":"zz"}]}]}`,
			"error: no such code"},
		{"filter on a fragment", `{"include":[{"system":"http://x/frag","filter":[{"property":"concept","op":"is-a","value":"f"}]}]}`,
			"error: not complete"},
		{"code system not in the package", `{"include":[{"system":"http://snomed.info/sct"}]}`,
			"error: code system http://snomed.info/sct is not in the package"},
		{"code system only partly in the package", `{"include":[{"system":"http://x/frag"}]}`,
			"error: not complete"},
		{"value set not in the package", `{"include":[{"valueSet":["http://x/vs/nope"]}]}`,
			"error: value set http://x/vs/nope is not in the package"},
		{"value set including itself", `{"include":[{"valueSet":["http://x/vs/loop"]}]}`,
			"error: includes itself"},
		{"no compose", `null`, "error: no compose.include"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vs := new(valueSetJSON)
			if err := json.Unmarshal([]byte(`{"url":"http://x/vs/test","compose":`+tt.compose+`}`), vs); err != nil {
				t.Fatal(err)
			}
			codes, err := term.expand(vs, nil)
			if msg, ok := strings.CutPrefix(tt.want, "error: "); ok {
				if err == nil || !strings.Contains(err.Error(), msg) {
					t.Errorf("error %v, want one containing %q", err, msg)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, cs := range codes.sets() {
				got = append(got, fmt.Sprintf("%s: %s", cs.System, strings.Join(cs.Codes, " ")))
			}
			if s := strings.Join(got, "; "); s != tt.want {
				t.Errorf("got  %s\nwant %s", s, tt.want)
			}
		})
	}
}
