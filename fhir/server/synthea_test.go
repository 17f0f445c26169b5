package server

import (
	"encoding/json"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// TestSyntheaPatient creates a Synthea patient and reads it back: the same
// content, with the server's id and meta.versionId and meta.lastUpdated
// added to the meta it came with.
func TestSyntheaPatient(t *testing.T) {
	files, _ := filepath.Glob("../../../shared/testdata/synthea/*.json")
	if len(files) == 0 {
		t.Skip("no Synthea bundles in ../../../shared/testdata/synthea")
	}
	raw, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	var bundle struct {
		Entry []struct{ Resource json.RawMessage }
	}
	if err := json.Unmarshal(raw, &bundle); err != nil {
		t.Fatal(err)
	}
	var sent map[string]any
	var body []byte
	for _, e := range bundle.Entry {
		var m map[string]any
		if err := json.Unmarshal(e.Resource, &m); err != nil {
			t.Fatal(err)
		}
		if m["resourceType"] == "Patient" {
			sent, body = m, e.Resource
			break
		}
	}
	if sent == nil {
		t.Fatalf("%s has no Patient", files[0])
	}

	srv := testServer(t, Options{})
	id := create(t, srv, "Patient", string(body))
	a := call(t, srv, "GET", "/fhir/Patient/"+id, "")
	if a.status != http.StatusOK {
		t.Fatalf("read: %d %s", a.status, a.raw)
	}
	got := a.body
	meta, _ := got["meta"].(map[string]any)
	if meta["versionId"] != "1" || meta["lastUpdated"] == nil || got["id"] != id {
		t.Fatalf("read back without the server's id and meta: id %v meta %v", got["id"], meta)
	}
	// Take the server's additions out; what remains is what was sent.
	want := maps.Clone(sent)
	delete(want, "id")
	delete(got, "id")
	gotMeta := maps.Clone(meta)
	delete(gotMeta, "versionId")
	delete(gotMeta, "lastUpdated")
	got["meta"] = gotMeta
	if len(gotMeta) == 0 && want["meta"] == nil {
		delete(got, "meta")
	}
	if !reflect.DeepEqual(got, want) {
		g, _ := json.MarshalIndent(got, "", " ")
		w, _ := json.MarshalIndent(want, "", " ")
		t.Errorf("read back differs:\n%s\nwant\n%s", g, w)
	}
}
