package v2fhir

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"
)

// TestMergedPatient: the merged Patient of an A40 is a PATCH entry whose
// JSON Patch sets active and link only (keeping what the store holds of
// it), or with PutMerged a PUT of what the MRG says.
func TestMergedPatient(t *testing.T) {
	data, err := os.ReadFile("testdata/adt_a40.hl7")
	if err != nil {
		t.Fatal(err)
	}
	msg := bytes.TrimSpace(bytes.ReplaceAll(data, []byte("\n"), []byte("\r")))
	type entry struct {
		Resource struct {
			ResourceType string            `json:"resourceType"`
			ContentType  string            `json:"contentType"`
			Data         []byte            `json:"data"`
			Identifier   []json.RawMessage `json:"identifier"`
			Active       *bool             `json:"active"`
		} `json:"resource"`
		Request struct{ Method, URL string } `json:"request"`
	}
	merged := "Patient/" + makeID("Patient", "100999", "GOODHEALTH")
	find := func(t *testing.T, opts Options) entry {
		t.Helper()
		res, err := testConverter(t, opts).ConvertBytes(msg)
		if err != nil {
			t.Fatal(err)
		}
		checkValid(t, "adt_a40", res.Bundle)
		var b struct{ Entry []entry }
		if err := json.Unmarshal(res.Bundle, &b); err != nil {
			t.Fatal(err)
		}
		for _, e := range b.Entry {
			if e.Request.URL == merged {
				return e
			}
		}
		t.Fatalf("no entry for %s", merged)
		return entry{}
	}

	e := find(t, Options{})
	if e.Request.Method != "PATCH" || e.Resource.ResourceType != "Binary" || e.Resource.ContentType != "application/json-patch+json" {
		t.Fatalf("merged patient: %s of a %s (%s), want PATCH of a JSON Patch Binary", e.Request.Method, e.Resource.ResourceType, e.Resource.ContentType)
	}
	var ops []struct {
		Op, Path string
		Value    json.RawMessage
	}
	if err := json.Unmarshal(e.Resource.Data, &ops); err != nil {
		t.Fatalf("patch %q: %v", e.Resource.Data, err)
	}
	want := map[string]string{"/active": `false`, "/link": `[{"other":{"reference":"Patient/` + makeID("Patient", "100234", "GOODHEALTH") + `"},"type":"replaced-by"}]`}
	if len(ops) != len(want) {
		t.Fatalf("patch %s: want %d operations", e.Resource.Data, len(want))
	}
	for _, op := range ops {
		if op.Op != "add" || want[op.Path] != string(op.Value) {
			t.Errorf("operation %s %s %s, want add %s", op.Op, op.Path, op.Value, want[op.Path])
		}
	}

	e = find(t, Options{PutMerged: true})
	if e.Request.Method != "PUT" || e.Resource.ResourceType != "Patient" || len(e.Resource.Identifier) != 1 || e.Resource.Active == nil || *e.Resource.Active {
		t.Fatalf("with PutMerged: %s of a %s with %d identifiers", e.Request.Method, e.Resource.ResourceType, len(e.Resource.Identifier))
	}
}
