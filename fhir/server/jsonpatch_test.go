package server

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// TestJSONPatch holds the patch engine to RFC 6902: each case is a
// document, a patch, and either the result or the kind of failure. The
// first cases follow the examples of the RFC's appendix A.
func TestJSONPatch(t *testing.T) {
	tests := []struct {
		name, doc, patch string
		want             string // the result, when the patch applies
		err              error  // the kind of failure otherwise
	}{
		// RFC 6902 appendix A.
		{"A.1 add a member", `{"foo":"bar"}`, `[{"op":"add","path":"/baz","value":"qux"}]`, `{"baz":"qux","foo":"bar"}`, nil},
		{"A.2 add an element", `{"foo":["bar","baz"]}`, `[{"op":"add","path":"/foo/1","value":"qux"}]`, `{"foo":["bar","qux","baz"]}`, nil},
		{"A.3 remove a member", `{"baz":"qux","foo":"bar"}`, `[{"op":"remove","path":"/baz"}]`, `{"foo":"bar"}`, nil},
		{"A.4 remove an element", `{"foo":["bar","qux","baz"]}`, `[{"op":"remove","path":"/foo/1"}]`, `{"foo":["bar","baz"]}`, nil},
		{"A.5 replace a value", `{"baz":"qux","foo":"bar"}`, `[{"op":"replace","path":"/baz","value":"boo"}]`, `{"baz":"boo","foo":"bar"}`, nil},
		{"A.6 move a value", `{"foo":{"bar":"baz","waldo":"fred"},"qux":{"corge":"grault"}}`, `[{"op":"move","from":"/foo/waldo","path":"/qux/thud"}]`,
			`{"foo":{"bar":"baz"},"qux":{"corge":"grault","thud":"fred"}}`, nil},
		{"A.7 move an element", `{"foo":["all","grass","cows","eat"]}`, `[{"op":"move","from":"/foo/1","path":"/foo/3"}]`, `{"foo":["all","cows","eat","grass"]}`, nil},
		{"A.8 test success", `{"baz":"qux","foo":["a",2,"c"]}`, `[{"op":"test","path":"/baz","value":"qux"},{"op":"test","path":"/foo/1","value":2}]`, `{"baz":"qux","foo":["a",2,"c"]}`, nil},
		{"A.9 test failure", `{"baz":"qux"}`, `[{"op":"test","path":"/baz","value":"bar"}]`, "", errPatchTest},
		{"A.10 add a nested member", `{"foo":"bar"}`, `[{"op":"add","path":"/child","value":{"grandchild":{}}}]`, `{"child":{"grandchild":{}},"foo":"bar"}`, nil},
		{"A.11 unknown members ignored", `{"foo":"bar"}`, `[{"op":"add","path":"/baz","value":"qux","xyz":123}]`, `{"baz":"qux","foo":"bar"}`, nil},
		{"A.12 add to a missing parent", `{"foo":"bar"}`, `[{"op":"add","path":"/baz/bat","value":"qux"}]`, "", errPatchUnapplicable},
		{"A.14 escapes", `{"/":9,"~1":10}`, `[{"op":"test","path":"/~01","value":10}]`, `{"/":9,"~1":10}`, nil},
		{"A.15 string is not number", `{"/":9,"~1":10}`, `[{"op":"test","path":"/~01","value":"10"}]`, "", errPatchTest},
		{"A.16 add an array value", `{"foo":["bar"]}`, `[{"op":"add","path":"/foo/-","value":["abc","def"]}]`, `{"foo":["bar",["abc","def"]]}`, nil},

		// Pointers.
		{"slash escape", `{"a/b":1}`, `[{"op":"replace","path":"/a~1b","value":2}]`, `{"a/b":2}`, nil},
		{"tilde escape", `{"m~n":1}`, `[{"op":"remove","path":"/m~0n"}]`, `{}`, nil},
		{"empty member name", `{"":1}`, `[{"op":"replace","path":"/","value":2}]`, `{"":2}`, nil},
		{"bad escape", `{}`, `[{"op":"add","path":"/a~2","value":1}]`, "", errPatchMalformed},
		{"trailing tilde", `{}`, `[{"op":"add","path":"/a~","value":1}]`, "", errPatchMalformed},
		{"no leading slash", `{}`, `[{"op":"add","path":"a","value":1}]`, "", errPatchMalformed},
		{"append", `{"a":[1]}`, `[{"op":"add","path":"/a/-","value":2}]`, `{"a":[1,2]}`, nil},
		{"add at the end index", `{"a":[1]}`, `[{"op":"add","path":"/a/1","value":2}]`, `{"a":[1,2]}`, nil},
		{"add past the end", `{"a":[1]}`, `[{"op":"add","path":"/a/2","value":2}]`, "", errPatchUnapplicable},
		{"leading zero index", `{"a":[1,2]}`, `[{"op":"remove","path":"/a/01"}]`, "", errPatchUnapplicable},
		{"negative index", `{"a":[1,2]}`, `[{"op":"remove","path":"/a/-1"}]`, "", errPatchUnapplicable},
		{"dash only for add", `{"a":[1,2]}`, `[{"op":"remove","path":"/a/-"}]`, "", errPatchUnapplicable},
		{"replace past the end", `{"a":[1]}`, `[{"op":"replace","path":"/a/1","value":2}]`, "", errPatchUnapplicable},
		{"through a string", `{"a":"x"}`, `[{"op":"add","path":"/a/b","value":1}]`, "", errPatchUnapplicable},
		{"replace the root", `{"a":1}`, `[{"op":"replace","path":"","value":{"b":2}}]`, `{"b":2}`, nil},
		{"remove the root", `{"a":1}`, `[{"op":"remove","path":""}]`, "", errPatchUnapplicable},

		// Operations.
		{"add replaces a member", `{"a":1}`, `[{"op":"add","path":"/a","value":null}]`, `{"a":null}`, nil},
		{"replace a missing member", `{}`, `[{"op":"replace","path":"/a","value":1}]`, "", errPatchUnapplicable},
		{"remove a missing member", `{}`, `[{"op":"remove","path":"/a"}]`, "", errPatchUnapplicable},
		{"move to itself", `{"a":1}`, `[{"op":"move","from":"/a","path":"/a"}]`, `{"a":1}`, nil},
		{"move into its child", `{"a":{"b":1}}`, `[{"op":"move","from":"/a","path":"/a/c"}]`, "", errPatchUnapplicable},
		{"move a child up", `{"a":{"b":{"c":1}}}`, `[{"op":"move","from":"/a/b","path":"/a"}]`, `{"a":{"c":1}}`, nil},
		{"move a missing member", `{}`, `[{"op":"move","from":"/a","path":"/b"}]`, "", errPatchUnapplicable},
		{"copy is deep", `{"a":{"b":1}}`, `[{"op":"copy","from":"/a","path":"/c"},{"op":"replace","path":"/c/b","value":2}]`, `{"a":{"b":1},"c":{"b":2}}`, nil},
		{"copy into an array", `{"a":[1,2],"b":3}`, `[{"op":"copy","from":"/b","path":"/a/0"}]`, `{"a":[3,1,2],"b":3}`, nil},
		{"operations in order", `{}`, `[{"op":"add","path":"/a","value":[]},{"op":"add","path":"/a/-","value":1},{"op":"test","path":"/a","value":[1]}]`, `{"a":[1]}`, nil},
		{"test null", `{"a":null}`, `[{"op":"test","path":"/a","value":null}]`, `{"a":null}`, nil},
		{"test null is not absent", `{}`, `[{"op":"test","path":"/a","value":null}]`, "", errPatchUnapplicable},
		{"test numbers by value", `{"a":1.50}`, `[{"op":"test","path":"/a","value":15e-1}]`, `{"a":1.50}`, nil},
		{"test zero", `{"a":0}`, `[{"op":"test","path":"/a","value":-0.0}]`, `{"a":0}`, nil},
		{"test different numbers", `{"a":10}`, `[{"op":"test","path":"/a","value":1}]`, "", errPatchTest},
		{"test objects in any order", `{"a":{"x":1,"y":[true,"s"]}}`, `[{"op":"test","path":"/a","value":{"y":[true,"s"],"x":1}}]`, `{"a":{"x":1,"y":[true,"s"]}}`, nil},
		{"test array order matters", `{"a":[1,2]}`, `[{"op":"test","path":"/a","value":[2,1]}]`, "", errPatchTest},
		{"test bool is not string", `{"a":true}`, `[{"op":"test","path":"/a","value":"true"}]`, "", errPatchTest},
		{"failure stops the patch", `{"a":1}`, `[{"op":"test","path":"/a","value":2},{"op":"remove","path":"/a"}]`, "", errPatchTest},
		{"empty patch", `{"a":1}`, `[]`, `{"a":1}`, nil},

		// Malformed patches.
		{"not an array", `{}`, `{"op":"add","path":"/a","value":1}`, "", errPatchMalformed},
		{"not JSON", `{}`, `[{"op":`, "", errPatchMalformed},
		{"operation not an object", `{}`, `["add"]`, "", errPatchMalformed},
		{"unknown op", `{}`, `[{"op":"merge","path":"/a","value":1}]`, "", errPatchMalformed},
		{"no op", `{}`, `[{"path":"/a","value":1}]`, "", errPatchMalformed},
		{"no path", `{}`, `[{"op":"remove"}]`, "", errPatchMalformed},
		{"path not a string", `{}`, `[{"op":"remove","path":1}]`, "", errPatchMalformed},
		{"no value", `{}`, `[{"op":"add","path":"/a"}]`, "", errPatchMalformed},
		{"no from", `{"a":1}`, `[{"op":"move","path":"/b"}]`, "", errPatchMalformed},
		{"bad from", `{"a":1}`, `[{"op":"copy","from":"a","path":"/b"}]`, "", errPatchMalformed},
		{"malformed after a valid op", `{"a":1}`, `[{"op":"remove","path":"/a"},{"op":"nope"}]`, "", errPatchMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := decodeJSON([]byte(tt.doc))
			if err != nil {
				t.Fatal(err)
			}
			ops, err := parsePatch([]byte(tt.patch))
			var got any
			if err == nil {
				got, err = applyPatch(doc, ops, 1<<20)
			}
			if tt.err != nil {
				var pe *patchError
				if !errors.Is(err, tt.err) || !errors.As(err, &pe) {
					t.Fatalf("error %v, want %v", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("error %v", err)
			}
			if out, _ := json.Marshal(got); string(out) != tt.want {
				t.Errorf("got %s\nwant %s", out, tt.want)
			}
		})
	}
}

// TestPatchErrorNamesOperation checks that a failure says which operation
// and where, as the OperationOutcome shows it.
func TestPatchErrorNamesOperation(t *testing.T) {
	doc, _ := decodeJSON([]byte(`{"a":[1]}`))
	ops, err := parsePatch([]byte(`[{"op":"test","path":"/a/0","value":1},{"op":"remove","path":"/a/5"}]`))
	if err != nil {
		t.Fatal(err)
	}
	_, err = applyPatch(doc, ops, 1<<20)
	if want := `operation 1 (remove): path "/a/5": index 5 is beyond the array's 1 elements`; err == nil || err.Error() != want {
		t.Errorf("error %v, want %s", err, want)
	}
}

// TestPatchGrowthLimit checks that copies doubling a document stop at the
// limit instead of exhausting memory, counting the bytes of what is copied
// and not only the number of values.
func TestPatchGrowthLimit(t *testing.T) {
	big, _ := decodeJSON([]byte(`{"a":"` + strings.Repeat("x", 1000) + `"}`))
	ops, err := parsePatch([]byte(`[{"op":"copy","from":"/a","path":"/b"},{"op":"copy","from":"/a","path":"/c"}]`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := applyPatch(big, ops, 1500); !errors.Is(err, errPatchUnapplicable) {
		t.Errorf("two copies of 1000 bytes within 1500: %v", err)
	}
	big, _ = decodeJSON([]byte(`{"a":"` + strings.Repeat("x", 1000) + `"}`))
	if _, err := applyPatch(big, ops[:1], 1500); err != nil {
		t.Errorf("one copy of 1000 bytes within 1500: %v", err)
	}

	doc, _ := decodeJSON([]byte(`{"a":[1,2,3,4]}`))
	patch := `[`
	for i := range 40 {
		if i > 0 {
			patch += ","
		}
		patch += `{"op":"copy","from":"/a","path":"/a/-"}`
	}
	ops, err = parsePatch([]byte(patch + `]`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := applyPatch(doc, ops, 1<<20); !errors.Is(err, errPatchUnapplicable) {
		t.Errorf("error %v, want the growth limit", err)
	}
}

func TestCanonicalNumber(t *testing.T) {
	for _, tt := range []struct{ a, b string }{
		{"1", "1.0"}, {"1", "1e0"}, {"100", "1E2"}, {"100", "1e+2"}, {"0.001", "1e-3"}, {"-1.250", "-125e-2"},
		{"0", "-0"}, {"0", "0.000e5"}, {"12345678901234567890", "1.2345678901234567890e19"},
	} {
		if ca, cb := canonicalNumber(tt.a), canonicalNumber(tt.b); ca != cb {
			t.Errorf("%s → %s and %s → %s differ", tt.a, ca, tt.b, cb)
		}
	}
	for _, tt := range []struct{ a, b string }{
		{"1", "-1"}, {"1", "10"}, {"0.1", "0.01"}, {"12345678901234567890", "12345678901234567891"},
	} {
		if canonicalNumber(tt.a) == canonicalNumber(tt.b) {
			t.Errorf("%s and %s compare equal", tt.a, tt.b)
		}
	}
}

// FuzzJSONPatch applies arbitrary patches to arbitrary documents: parsing
// and applying may refuse, never panic, and a result is always JSON.
func FuzzJSONPatch(f *testing.F) {
	f.Add(`{"foo":["bar","baz"],"a":{"b":1}}`, `[{"op":"add","path":"/foo/1","value":"qux"}]`)
	f.Add(`{"a":{"b":{"c":1}}}`, `[{"op":"move","from":"/a/b","path":"/a"},{"op":"test","path":"/a/c","value":1}]`)
	f.Add(`[1,2,3]`, `[{"op":"remove","path":"/-"},{"op":"copy","from":"/0","path":"/-"}]`)
	f.Add(`{"~1":{"/":[]}}`, `[{"op":"replace","path":"/~01/~1/0","value":null},{"op":"add","path":"","value":7}]`)
	f.Add(`"x"`, `[{"op":"test","path":"","value":"x"},{"op":"remove","path":""}]`)
	f.Fuzz(func(t *testing.T, doc, patch string) {
		d, err := decodeJSON([]byte(doc))
		if err != nil {
			return
		}
		ops, err := parsePatch([]byte(patch))
		if err != nil {
			if !errors.Is(err, errPatchMalformed) {
				t.Fatalf("parse error of the wrong kind: %v", err)
			}
			return
		}
		out, err := applyPatch(d, ops, 1<<16)
		if err != nil {
			if !errors.Is(err, errPatchTest) && !errors.Is(err, errPatchUnapplicable) {
				t.Fatalf("apply error of the wrong kind: %v", err)
			}
			return
		}
		if _, err := json.Marshal(out); err != nil {
			t.Fatalf("result does not encode: %v", err)
		}
	})
}
