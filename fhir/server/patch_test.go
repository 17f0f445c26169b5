package server

import (
	"net/http"

	"github.com/plexus-health/plexus/fhir/spec"
	"strings"
	"testing"
)

// TestPatch drives PATCH over HTTP: a JSON Patch applies to the current
// version and is stored as the next, and every way it can be refused gives
// its status and stores nothing.
func TestPatch(t *testing.T) {
	srv := testServer(t, Options{})
	id := create(t, srv, "Patient", patient)
	path := "/fhir/Patient/" + id
	jp := []string{"Content-Type", patchMediaType}
	patch := func(body string, header ...string) answer {
		t.Helper()
		return call(t, srv, "PATCH", path, body, append(append([]string{}, jp...), header...)...)
	}

	a := patch(`[{"op":"test","path":"/name/0/family","value":"Chalmers"},
		{"op":"replace","path":"/active","value":false},
		{"op":"add","path":"/name/0/given/-","value":"Jim"},
		{"op":"remove","path":"/birthDate"},
		{"op":"add","path":"/gender","value":"male"}]`)
	if a.status != http.StatusOK || a.header.Get("ETag") != `W/"2"` || a.meta("versionId") != "2" {
		t.Fatalf("patch: %d %v %s", a.status, a.header, a.raw)
	}
	got := call(t, srv, "GET", path, "")
	name := got.body["name"].([]any)[0].(map[string]any)
	if got.body["active"] != false || got.body["gender"] != "male" || got.body["birthDate"] != nil ||
		len(name["given"].([]any)) != 3 || name["given"].([]any)[2] != "Jim" || got.body["id"] != id {
		t.Fatalf("stored after patch: %s", got.raw)
	}

	// If-Match: current passes, stale is a 412 even when the patch would
	// also fail, malformed is a 400.
	if a := patch(`[{"op":"replace","path":"/active","value":true}]`, "If-Match", `W/"2"`); a.status != http.StatusOK || a.header.Get("ETag") != `W/"3"` {
		t.Fatalf("If-Match current: %d %s", a.status, a.raw)
	}
	if a := patch(`[{"op":"test","path":"/active","value":false}]`, "If-Match", `W/"2"`); a.status != http.StatusPreconditionFailed || a.issue()["code"] != "conflict" {
		t.Errorf("If-Match stale: %d %s", a.status, a.raw)
	}
	if a := patch(`[]`, "If-Match", `W/"x"`); a.status != http.StatusBadRequest {
		t.Errorf("If-Match malformed: %d %s", a.status, a.raw)
	}
	// Prefer applies as to an update.
	if a := patch(`[{"op":"replace","path":"/active","value":false}]`, "Prefer", "return=minimal"); a.status != http.StatusOK || len(a.raw) != 0 || a.header.Get("ETag") != `W/"4"` {
		t.Errorf("return=minimal: %d %v %s", a.status, a.header, a.raw)
	}

	refused := []struct {
		name, body string
		header     []string
		status     int
		code       string
		expression string
	}{
		{"not JSON", `[{"op":`, nil, 400, "invalid", ""},
		{"not an array", `{"op":"remove","path":"/active"}`, nil, 400, "invalid", ""},
		{"unknown op", `[{"op":"merge","path":"/active","value":1}]`, nil, 400, "invalid", ""},
		{"bad pointer", `[{"op":"remove","path":"active"}]`, nil, 400, "invalid", ""},
		{"empty body", ``, nil, 400, "invalid", ""},
		{"failing test", `[{"op":"test","path":"/gender","value":"female"},{"op":"remove","path":"/gender"}]`, nil, 422, "processing", ""},
		{"missing path", `[{"op":"remove","path":"/deceasedBoolean"}]`, nil, 422, "processing", ""},
		{"changes id", `[{"op":"replace","path":"/id","value":"other"}]`, nil, 422, "invalid", "Patient.id"},
		{"removes id", `[{"op":"remove","path":"/id"}]`, nil, 422, "invalid", "Patient.id"},
		{"changes resourceType", `[{"op":"replace","path":"/resourceType","value":"Person"}]`, nil, 422, "invalid", "resourceType"},
		{"result not an object", `[{"op":"replace","path":"","value":[]}]`, nil, 422, "structure", ""},
		{"result invalid", `[{"op":"add","path":"/gender","value":7}]`, nil, 422, "", "Patient.gender"},
		{"unknown element", `[{"op":"add","path":"/colour","value":"blue"}]`, nil, 422, "", ""},
		{"FHIR JSON that is not Parameters", `[]`, []string{"Content-Type", "application/fhir+json"}, 400, "invalid", ""},
		{"merge patch content", `{}`, []string{"Content-Type", "application/merge-patch+json"}, 415, "not-supported", ""},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			a := patch(tt.body, tt.header...)
			if a.status != tt.status {
				t.Fatalf("status %d, want %d: %s", a.status, tt.status, a.raw)
			}
			if is := a.issue(); tt.code != "" && (is == nil || is["code"] != tt.code) {
				t.Errorf("issue %v, want code %q", is, tt.code)
			}
			if tt.expression != "" && !strings.Contains(strings.Join(a.expressions(), " "), tt.expression) {
				t.Errorf("expressions %v, want %s", a.expressions(), tt.expression)
			}
		})
	}
	if a := call(t, srv, "GET", path, ""); a.header.Get("ETag") != `W/"4"` {
		t.Fatalf("a refused patch was written: %v %s", a.header, a.raw)
	}

	// Absent and deleted resources, unknown types.
	if a := call(t, srv, "PATCH", "/fhir/Patient/nobody", `[]`, jp...); a.status != http.StatusNotFound || a.issue()["code"] != "not-found" {
		t.Errorf("absent: %d %s", a.status, a.raw)
	}
	if a := call(t, srv, "PATCH", "/fhir/Nothing/"+id, `[]`, jp...); a.status != http.StatusNotFound {
		t.Errorf("unknown type: %d %s", a.status, a.raw)
	}
	if a := call(t, srv, "DELETE", path, ""); a.status != http.StatusNoContent {
		t.Fatalf("delete: %d %s", a.status, a.raw)
	}
	if a := patch(`[{"op":"replace","path":"/active","value":true}]`); a.status != http.StatusGone || a.issue()["code"] != "deleted" {
		t.Errorf("deleted: %d %s", a.status, a.raw)
	}
}

// TestPatchKeepsContent checks that what a patch does not touch is stored
// as it was: numbers keep their digits and markup is not escaped away.
func TestPatchKeepsContent(t *testing.T) {
	srv := testServer(t, Options{})
	id := create(t, srv, "Observation", `{"resourceType":"Observation","status":"final","code":{"text":"a <b> & c"},"valueQuantity":{"value":1.50,"unit":"mmol/L"}}`)
	a := call(t, srv, "PATCH", "/fhir/Observation/"+id, `[{"op":"replace","path":"/status","value":"amended"}]`, "Content-Type", patchMediaType)
	if a.status != http.StatusOK {
		t.Fatalf("patch: %d %s", a.status, a.raw)
	}
	got := string(call(t, srv, "GET", "/fhir/Observation/"+id, "").raw)
	for _, want := range []string{`"value":1.50`, `"text":"a <b> & c"`, `"status":"amended"`} {
		if !strings.Contains(got, want) {
			t.Errorf("stored %s, want it to contain %s", got, want)
		}
	}
}

// TestFHIRPathPatch drives FHIRPath Patch (a Parameters resource sent as
// FHIR JSON): each operation type, values of a data type and of a backbone
// element, and the ways one can be refused.
func TestFHIRPathPatch(t *testing.T) {
	srv := testServer(t, Options{})
	id := create(t, srv, "Patient", `{"resourceType":"Patient","active":true,
		"identifier":[{"system":"http://h/mrn","value":"1"},{"system":"http://h/ssn","value":"2"}],
		"name":[{"use":"official","family":"Chalmers","given":["Peter","James"]},{"use":"nickname","given":["Jim"]}],
		"birthDate":"1974-12-25"}`)
	path := "/fhir/Patient/" + id
	fp := []string{"Content-Type", "application/fhir+json"}
	op := func(parts string) string { return `{"name":"operation","part":[` + parts + `]}` }
	patch := func(ops ...string) answer {
		t.Helper()
		return call(t, srv, "PATCH", path, `{"resourceType":"Parameters","parameter":[`+strings.Join(ops, ",")+`]}`, fp...)
	}
	a := patch(
		op(`{"name":"type","valueCode":"replace"},{"name":"path","valueString":"Patient.birthDate"},{"name":"value","valueDate":"1974-12-26"}`),
		op(`{"name":"type","valueCode":"add"},{"name":"path","valueString":"Patient"},{"name":"name","valueString":"gender"},{"name":"value","valueCode":"male"}`),
		op(`{"name":"type","valueCode":"add"},{"name":"path","valueString":"Patient.name.where(use='official')"},{"name":"name","valueString":"given"},{"name":"value","valueString":"Jacob"}`),
		op(`{"name":"type","valueCode":"insert"},{"name":"path","valueString":"Patient.identifier"},{"name":"index","valueInteger":0},
			{"name":"value","valueIdentifier":{"system":"http://h/new","value":"0"}}`),
		op(`{"name":"type","valueCode":"delete"},{"name":"path","valueString":"Patient.name.where(use='nickname')"}`),
		op(`{"name":"type","valueCode":"move"},{"name":"path","valueString":"Patient.identifier"},{"name":"source","valueInteger":2},{"name":"destination","valueInteger":0}`),
		op(`{"name":"type","valueCode":"delete"},{"name":"path","valueString":"Patient.name.given[1]"}`),
		op(`{"name":"type","valueCode":"add"},{"name":"path","valueString":"Patient"},{"name":"name","valueString":"contact"},
			{"name":"value","part":[{"name":"name","valueHumanName":{"family":"Chalmers","given":["Ann"]}},{"name":"gender","valueCode":"female"}]}`),
		op(`{"name":"type","valueCode":"delete"},{"name":"path","valueString":"Patient.deceased"}`), // nothing there: no change
	)
	if a.status != http.StatusOK || a.meta("versionId") != "2" {
		t.Fatalf("patch: %d %s", a.status, a.raw)
	}
	got := call(t, srv, "GET", path, "").body
	names := got["name"].([]any)
	official := names[0].(map[string]any)
	ids := got["identifier"].([]any)
	contact, _ := got["contact"].([]any)
	switch {
	case got["birthDate"] != "1974-12-26", got["gender"] != "male":
		t.Errorf("replace/add of primitives: %v %v", got["birthDate"], got["gender"])
	case len(names) != 1 || strings.Join(anyStrings(official["given"]), " ") != "Peter Jacob":
		t.Errorf("names: %v", names)
	case len(ids) != 3 || ids[0].(map[string]any)["value"] != "2" || ids[1].(map[string]any)["value"] != "0" || ids[2].(map[string]any)["value"] != "1":
		t.Errorf("identifiers after insert and move: %v", ids)
	case len(contact) != 1 || contact[0].(map[string]any)["gender"] != "female":
		t.Errorf("contact: %v", got["contact"])
	}

	for _, c := range []struct {
		name   string
		body   string
		status int
	}{
		{"no operation", `{"resourceType":"Parameters"}`, 400},
		{"not Parameters", `{"resourceType":"Patient"}`, 400},
		{"unknown type", `{"resourceType":"Parameters","parameter":[` + op(`{"name":"type","valueCode":"frobnicate"},{"name":"path","valueString":"Patient"}`) + `]}`, 400},
		{"add without value", `{"resourceType":"Parameters","parameter":[` + op(`{"name":"type","valueCode":"add"},{"name":"path","valueString":"Patient"},{"name":"name","valueString":"gender"}`) + `]}`, 400},
		{"replace of two elements", `{"resourceType":"Parameters","parameter":[` + op(`{"name":"type","valueCode":"replace"},{"name":"path","valueString":"Patient.identifier"},{"name":"value","valueIdentifier":{"value":"x"}}`) + `]}`, 422},
		{"add of an unknown element", `{"resourceType":"Parameters","parameter":[` + op(`{"name":"type","valueCode":"add"},{"name":"path","valueString":"Patient"},{"name":"name","valueString":"shoeSize"},{"name":"value","valueString":"9"}`) + `]}`, 422},
		{"insert past the end", `{"resourceType":"Parameters","parameter":[` + op(`{"name":"type","valueCode":"insert"},{"name":"path","valueString":"Patient.identifier"},{"name":"index","valueInteger":9},{"name":"value","valueIdentifier":{"value":"x"}}`) + `]}`, 422},
		{"not FHIRPath", `{"resourceType":"Parameters","parameter":[` + op(`{"name":"type","valueCode":"delete"},{"name":"path","valueString":"Patient.(("}`) + `]}`, 422},
		{"result invalid", `{"resourceType":"Parameters","parameter":[` + op(`{"name":"type","valueCode":"replace"},{"name":"path","valueString":"Patient.birthDate"},{"name":"value","valueDate":"yesterday"}`) + `]}`, 422},
		{"changes the id", `{"resourceType":"Parameters","parameter":[` + op(`{"name":"type","valueCode":"replace"},{"name":"path","valueString":"Patient.id"},{"name":"value","valueId":"other"}`) + `]}`, 422},
	} {
		a := call(t, srv, "PATCH", path, c.body, fp...)
		if a.status != c.status {
			t.Errorf("%s: %d, want %d: %s", c.name, a.status, c.status, a.raw)
		}
	}
	if v := call(t, srv, "GET", path, "").meta("versionId"); v != "2" {
		t.Errorf("a refused patch stored version %s", v)
	}
}

func anyStrings(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}

// FuzzFHIRPathPatch applies arbitrary Parameters to a resource: an error or
// a document, never a panic.
func FuzzFHIRPathPatch(f *testing.F) {
	f.Add(`{"resourceType":"Parameters","parameter":[{"name":"operation","part":[{"name":"type","valueCode":"delete"},{"name":"path","valueString":"Patient.name.given[0]"}]}]}`)
	f.Add(`{"resourceType":"Parameters","parameter":[{"name":"operation","part":[{"name":"type","valueCode":"move"},{"name":"path","valueString":"Patient.name"},{"name":"source","valueInteger":0},{"name":"destination","valueInteger":0}]}]}`)
	f.Add(`{"resourceType":"Parameters","parameter":[{"name":"operation","part":[{"name":"type","valueCode":"add"},{"name":"path","valueString":"Patient.name"},{"name":"name","valueString":"given"},{"name":"value","part":[{"name":"x","valueString":"y"}]}]}]}`)
	sp, err := spec.R4()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body string) {
		doc, err := decodeJSON([]byte(body))
		if err != nil {
			return
		}
		ops, err := parseFHIRPathPatch(doc)
		if err != nil {
			return
		}
		stored, _ := decodeJSON([]byte(patient))
		applyFHIRPathPatch(sp, stored.(map[string]any), "Patient", ops, 1<<16)
	})
}
