package server

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"

	"github.com/plexus-health/plexus/fhir/spec"
)

// TestCapabilityStatement holds /metadata to what the handler does: every
// resource type with exactly the routed interactions (patch included),
// conditional read, and no claim of search or the other conditional
// operations.
func TestCapabilityStatement(t *testing.T) {
	srv := testServer(t, Options{})
	a := call(t, srv, "GET", "/fhir/metadata", "")
	if a.status != http.StatusOK || a.body["resourceType"] != "CapabilityStatement" {
		t.Fatalf("%d %s", a.status, a.raw)
	}
	var cs struct {
		FHIRVersion string   `json:"fhirVersion"`
		Format      []string `json:"format"`
		Kind        string   `json:"kind"`
		Rest        []struct {
			Mode        string
			Interaction []struct{ Code string }
			Operation   []struct{ Name string }
			Resource    []struct {
				Type              string
				Interaction       []struct{ Code string }
				Versioning        string
				UpdateCreate      bool
				ConditionalCreate bool
				ConditionalUpdate bool
				ConditionalRead   string
				ConditionalDelete string
				SearchParam       []any
				SearchInclude     []any
				Operation         []struct{ Name string }
			}
		}
	}
	if err := json.Unmarshal(a.raw, &cs); err != nil {
		t.Fatal(err)
	}
	if cs.FHIRVersion != "4.0.1" || !slices.Contains(cs.Format, "json") || cs.Kind != "instance" || len(cs.Rest) != 1 {
		t.Fatalf("statement: %+v", cs)
	}
	rest := cs.Rest[0]
	var system []string
	for _, i := range rest.Interaction {
		system = append(system, i.Code)
	}
	if rest.Mode != "server" || !slices.Equal(system, []string{"transaction", "batch", "history-system"}) {
		t.Errorf("system interactions %v (search-system needs a Searcher)", system)
	}
	if len(rest.Operation) != 1 || rest.Operation[0].Name != "validate" {
		t.Errorf("operations %+v", rest.Operation)
	}
	sp, err := spec.R4()
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	want := []string{"create", "delete", "history-instance", "history-type", "patch", "read", "update", "vread"}
	for _, r := range rest.Resource {
		types = append(types, r.Type)
		var got []string
		for _, i := range r.Interaction {
			got = append(got, i.Code)
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("%s interactions %v, want %v", r.Type, got, want)
		}
		if r.Versioning != "versioned-update" || !r.UpdateCreate || r.ConditionalCreate || r.ConditionalUpdate ||
			r.ConditionalRead != "full-support" || r.ConditionalDelete != "not-supported" ||
			len(r.SearchParam) != 0 || len(r.SearchInclude) != 0 {
			t.Errorf("%s claims %+v", r.Type, r)
		}
	}
	if !slices.Equal(types, sp.Resources()) {
		t.Errorf("resource types %d, want the %d of R4", len(types), len(sp.Resources()))
	}
}

// TestCapabilityConditional checks that a server with a Matcher claims the
// conditional operations it then serves.
func TestCapabilityConditional(t *testing.T) {
	srv, _ := matchServer(t)
	a := call(t, srv, "GET", "/fhir/metadata", "")
	var cs struct {
		Rest []struct {
			Resource []struct {
				Type              string
				ConditionalCreate bool
				ConditionalUpdate bool
				ConditionalDelete string
			}
		}
	}
	if err := json.Unmarshal(a.raw, &cs); err != nil {
		t.Fatal(err)
	}
	for _, r := range cs.Rest[0].Resource {
		if !r.ConditionalCreate || !r.ConditionalUpdate || r.ConditionalDelete != "single" {
			t.Fatalf("%s claims %+v", r.Type, r)
		}
	}
}
