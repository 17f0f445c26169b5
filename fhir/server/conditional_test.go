package server

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestConditionalRead checks If-None-Match and If-Modified-Since on read:
// 304 with the version's headers and no body when the client's copy is
// current, the resource otherwise, and If-None-Match deciding when both are
// sent.
func TestConditionalRead(t *testing.T) {
	srv := testServer(t, Options{})
	id := create(t, srv, "Patient", patient)
	path := "/fhir/Patient/" + id
	first := call(t, srv, "GET", path, "")
	lastModified := first.header.Get("Last-Modified")
	modified, err := http.ParseTime(lastModified)
	if err != nil {
		t.Fatalf("Last-Modified %q: %v", lastModified, err)
	}
	long := modified.Add(-time.Hour).Format(http.TimeFormat)
	later := modified.Add(time.Hour).Format(http.TimeFormat)

	tests := []struct {
		name   string
		header []string
		status int
	}{
		{"current version", []string{"If-None-Match", `W/"1"`}, 304},
		{"strong form", []string{"If-None-Match", `"1"`}, 304},
		{"in a list", []string{"If-None-Match", `W/"7", W/"1"`}, 304},
		{"any", []string{"If-None-Match", `*`}, 304},
		{"other version", []string{"If-None-Match", `W/"2"`}, 200},
		{"not a version", []string{"If-None-Match", `W/"abc"`}, 200},
		{"not modified since", []string{"If-Modified-Since", lastModified}, 304},
		{"not modified since later", []string{"If-Modified-Since", later}, 304},
		{"modified since", []string{"If-Modified-Since", long}, 200},
		{"unparseable date", []string{"If-Modified-Since", "yesterday"}, 200},
		{"If-None-Match decides", []string{"If-None-Match", `W/"2"`, "If-Modified-Since", later}, 200},
		{"If-None-Match decides the other way", []string{"If-None-Match", `W/"1"`, "If-Modified-Since", long}, 304},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := call(t, srv, "GET", path, "", tt.header...)
			if a.status != tt.status {
				t.Fatalf("status %d, want %d: %s", a.status, tt.status, a.raw)
			}
			if a.header.Get("ETag") != `W/"1"` || a.header.Get("Last-Modified") != lastModified {
				t.Errorf("headers %v", a.header)
			}
			if tt.status == http.StatusNotModified && len(a.raw) != 0 {
				t.Errorf("a 304 with a body: %s", a.raw)
			}
			if tt.status == http.StatusOK && a.body["id"] != id {
				t.Errorf("body %s", a.raw)
			}
		})
	}

	// A new version makes the old ETag stale.
	upd := call(t, srv, "PUT", path, `{"resourceType":"Patient","id":"`+id+`","active":false}`)
	if upd.status != http.StatusOK {
		t.Fatalf("update: %d %s", upd.status, upd.raw)
	}
	if a := call(t, srv, "GET", path, "", "If-None-Match", `W/"1"`); a.status != http.StatusOK || a.body["active"] != false {
		t.Errorf("after an update: %d %s", a.status, a.raw)
	}
	if a := call(t, srv, "GET", path, "", "If-None-Match", `W/"2"`); a.status != http.StatusNotModified {
		t.Errorf("the new version: %d %s", a.status, a.raw)
	}
	// Conditions do not hide that a resource is gone or absent.
	call(t, srv, "DELETE", path, "")
	if a := call(t, srv, "GET", path, "", "If-None-Match", "*"); a.status != http.StatusGone {
		t.Errorf("deleted: %d %s", a.status, a.raw)
	}
	if a := call(t, srv, "GET", "/fhir/Patient/nobody", "", "If-Modified-Since", later); a.status != http.StatusNotFound {
		t.Errorf("absent: %d %s", a.status, a.raw)
	}
}

// TestConditionalWrites checks If-None-Exist on create, conditional update
// and conditional delete against a store holding one Patient with
// identifier urn:s|one and two with urn:s|dup.
func TestConditionalWrites(t *testing.T) {
	tests := []struct {
		name, method, path, body string
		header                   []string
		status                   int
		check                    func(t *testing.T, a answer, seed map[string]string, m *scanMatcher)
	}{
		{name: "create, no match", method: "POST", path: "/fhir/Patient", body: pat("urn:s", "new"), header: []string{"If-None-Exist", "identifier=urn:s|new"}, status: 201},
		{name: "create, type-qualified query", method: "POST", path: "/fhir/Patient", body: pat("urn:s", "new"), header: []string{"If-None-Exist", "Patient?identifier=urn:s|new"}, status: 201},
		{name: "create, one match", method: "POST", path: "/fhir/Patient", body: pat("urn:s", "one"), header: []string{"If-None-Exist", "identifier=urn:s|one"}, status: 200,
			check: func(t *testing.T, a answer, seed map[string]string, m *scanMatcher) {
				if a.body["id"] != seed["one"] || m.count(t, "Patient") != 3 {
					t.Errorf("answer %s", a.raw)
				}
			}},
		{name: "create, two matches", method: "POST", path: "/fhir/Patient", body: pat("urn:s", "dup"), header: []string{"If-None-Exist", "identifier=urn:s|dup"}, status: 412},
		{name: "create, bad query", method: "POST", path: "/fhir/Patient", body: pat("urn:s", "x"), header: []string{"If-None-Exist", "nonsense=1"}, status: 400},
		{name: "create, invalid resource", method: "POST", path: "/fhir/Patient", body: `{"resourceType":"Patient","birthDate":"x"}`, header: []string{"If-None-Exist", "identifier=urn:s|x"}, status: 422},

		{name: "update, no match, no id", method: "PUT", path: "/fhir/Patient?identifier=urn:s|new", body: pat("urn:s", "new"), status: 201},
		{name: "update, no match, new id", method: "PUT", path: "/fhir/Patient?identifier=urn:s|new", body: `{"resourceType":"Patient","id":"chosen"}`, status: 201,
			check: func(t *testing.T, a answer, _ map[string]string, _ *scanMatcher) {
				if a.body["id"] != "chosen" {
					t.Errorf("id %v", a.body["id"])
				}
			}},
		{name: "update, no match, id of another resource", method: "PUT", path: "/fhir/Patient?identifier=urn:s|new", body: `{"resourceType":"Patient","id":"{d1}"}`, status: 409},
		{name: "update, one match", method: "PUT", path: "/fhir/Patient?identifier=urn:s|one", body: pat("urn:s", "one"), status: 200,
			check: func(t *testing.T, a answer, seed map[string]string, _ *scanMatcher) {
				if a.body["id"] != seed["one"] || a.meta("versionId") != "2" {
					t.Errorf("answer %s", a.raw)
				}
			}},
		{name: "update, one match, same id", method: "PUT", path: "/fhir/Patient?identifier=urn:s|one", body: `{"resourceType":"Patient","id":"{one}"}`, status: 200},
		{name: "update, one match, other id", method: "PUT", path: "/fhir/Patient?identifier=urn:s|one", body: `{"resourceType":"Patient","id":"{d1}"}`, status: 400},
		{name: "update, one match, If-Match current", method: "PUT", path: "/fhir/Patient?identifier=urn:s|one", body: pat("urn:s", "one"), header: []string{"If-Match", `W/"1"`}, status: 200},
		{name: "update, one match, If-Match stale", method: "PUT", path: "/fhir/Patient?identifier=urn:s|one", body: pat("urn:s", "one"), header: []string{"If-Match", `W/"9"`}, status: 412},
		{name: "update, two matches", method: "PUT", path: "/fhir/Patient?identifier=urn:s|dup", body: pat("urn:s", "dup"), status: 412},
		{name: "update, no query", method: "PUT", path: "/fhir/Patient?_format=json", body: pat("urn:s", "dup"), status: 400},
		{name: "update, bad query", method: "PUT", path: "/fhir/Patient?nonsense=1", body: pat("urn:s", "dup"), status: 400},

		{name: "delete, no match", method: "DELETE", path: "/fhir/Patient?identifier=urn:s|nobody", status: 204},
		{name: "delete, one match", method: "DELETE", path: "/fhir/Patient?identifier=urn:s|one", status: 204,
			check: func(t *testing.T, _ answer, _ map[string]string, m *scanMatcher) {
				if n := m.count(t, "Patient"); n != 2 {
					t.Errorf("%d Patients left", n)
				}
			}},
		{name: "delete, one match, If-Match stale", method: "DELETE", path: "/fhir/Patient?identifier=urn:s|one", header: []string{"If-Match", `W/"2"`}, status: 412},
		{name: "delete, two matches", method: "DELETE", path: "/fhir/Patient?identifier=urn:s|dup", status: 412},
		{name: "delete, outcome preferred", method: "DELETE", path: "/fhir/Patient?identifier=urn:s|one", header: []string{"Prefer", "return=OperationOutcome"}, status: 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, m := matchServer(t)
			seed := map[string]string{
				"one": create(t, srv, "Patient", pat("urn:s", "one")),
				"d1":  create(t, srv, "Patient", pat("urn:s", "dup")),
				"d2":  create(t, srv, "Patient", pat("urn:s", "dup")),
			}
			body := strings.ReplaceAll(strings.ReplaceAll(tt.body, "{one}", seed["one"]), "{d1}", seed["d1"])
			a := call(t, srv, tt.method, tt.path, body, tt.header...)
			if a.status != tt.status {
				t.Fatalf("status %d, want %d: %s", a.status, tt.status, a.raw)
			}
			if tt.check != nil {
				tt.check(t, a, seed, m)
			}
		})
	}
}

// TestConditionalCreateRace sends the same conditional create from many
// clients at once: the match and the write share a transaction, so exactly
// one resource is created and every other client is answered with it.
func TestConditionalCreateRace(t *testing.T) {
	srv, m := matchServer(t)
	const n = 16
	var wg sync.WaitGroup
	statuses := make([]int, n)
	ids := make([]any, n)
	for i := range n {
		wg.Go(func() {
			a := call(t, srv, "POST", "/fhir/Patient", pat("urn:s", "race"), "If-None-Exist", "identifier=urn:s|race")
			statuses[i], ids[i] = a.status, a.body["id"]
		})
	}
	wg.Wait()
	created := 0
	for i, s := range statuses {
		switch s {
		case 201:
			created++
		case 200:
		default:
			t.Errorf("client %d: status %d", i, s)
		}
		if ids[i] != ids[0] {
			t.Errorf("client %d got %v, client 0 %v", i, ids[i], ids[0])
		}
	}
	if created != 1 || m.count(t, "Patient") != 1 {
		t.Errorf("%d created, %d stored; want exactly one", created, m.count(t, "Patient"))
	}
}
