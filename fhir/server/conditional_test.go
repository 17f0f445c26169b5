package server

import (
	"net/http"
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
