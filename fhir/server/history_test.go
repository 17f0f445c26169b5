package server

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// entries follows a history Bundle's next links from path and returns every
// entry, checking each page's size and shape.
func entries(t *testing.T, srv *httptest.Server, path string, pageSize int) []map[string]any {
	t.Helper()
	var out []map[string]any
	for pages := 0; path != ""; pages++ {
		if pages > 100 {
			t.Fatal("next links do not end")
		}
		a := call(t, srv, "GET", path, "")
		if a.status != http.StatusOK || a.body["resourceType"] != "Bundle" || a.body["type"] != "history" {
			t.Fatalf("GET %s: %d %s", path, a.status, a.raw)
		}
		list, _ := a.body["entry"].([]any)
		if pageSize > 0 && len(list) > pageSize {
			t.Fatalf("page of %d entries, _count %d", len(list), pageSize)
		}
		path = ""
		links, _ := a.body["link"].([]any)
		for _, l := range links {
			l := l.(map[string]any)
			if l["relation"] == "next" {
				u, err := url.Parse(l["url"].(string))
				if err != nil || !strings.HasPrefix(l["url"].(string), srv.URL+"/fhir/") {
					t.Fatalf("next link %v", l["url"])
				}
				path = u.RequestURI()
				if len(list) != pageSize {
					t.Errorf("a page with a next link has %d entries, want %d", len(list), pageSize)
				}
			}
		}
		for _, e := range list {
			out = append(out, e.(map[string]any))
		}
	}
	return out
}

// describe renders an entry as "METHOD url status etag" for comparisons.
func describe(e map[string]any) string {
	req := e["request"].(map[string]any)
	resp := e["response"].(map[string]any)
	return req["method"].(string) + " " + req["url"].(string) + " " + resp["status"].(string) + " " + resp["etag"].(string)
}

func TestHistory(t *testing.T) {
	srv := testServer(t, Options{})
	var ids []string
	for range 5 {
		ids = append(ids, create(t, srv, "Patient", patient))
	}
	obs := create(t, srv, "Observation", `{"resourceType":"Observation","status":"final","code":{"text":"x"}}`)
	call(t, srv, "PUT", "/fhir/Patient/"+ids[0], `{"resourceType":"Patient","id":"`+ids[0]+`"}`)
	call(t, srv, "DELETE", "/fhir/Patient/"+ids[1], "")

	// Instance history, newest first, with every member an entry needs.
	inst := entries(t, srv, "/fhir/Patient/"+ids[0]+"/_history", 0)
	if len(inst) != 2 {
		t.Fatalf("instance history has %d entries", len(inst))
	}
	if got, want := describe(inst[0]), "PUT Patient/"+ids[0]+" 200 OK W/\"2\""; got != want {
		t.Errorf("newest entry %q, want %q", got, want)
	}
	if got, want := describe(inst[1]), `POST Patient 201 Created W/"1"`; got != want {
		t.Errorf("oldest entry %q, want %q", got, want)
	}
	for _, e := range inst {
		if e["fullUrl"] != srv.URL+"/fhir/Patient/"+ids[0] || e["resource"] == nil || e["response"].(map[string]any)["lastModified"] == "" {
			t.Errorf("entry %v", e)
		}
	}
	del := entries(t, srv, "/fhir/Patient/"+ids[1]+"/_history", 0)
	if len(del) != 2 || describe(del[0]) != "DELETE Patient/"+ids[1]+` 204 No Content W/"2"` || del[0]["resource"] != nil {
		t.Errorf("history of a deleted resource: %v", del)
	}

	// Type history pages through every Patient version, two at a time.
	all := entries(t, srv, "/fhir/Patient/_history", 0)
	paged := entries(t, srv, "/fhir/Patient/_history?_count=2", 2)
	if len(all) != 7 || len(paged) != len(all) {
		t.Fatalf("type history: %d entries, %d paged, want 7", len(all), len(paged))
	}
	for i := range all {
		if describe(all[i]) != describe(paged[i]) {
			t.Errorf("entry %d: %s paged, %s whole", i, describe(paged[i]), describe(all[i]))
		}
	}
	// System history has the Observation too.
	sys := entries(t, srv, "/fhir/_history?_count=3", 3)
	if len(sys) != 8 {
		t.Fatalf("system history: %d entries", len(sys))
	}
	found := false
	for _, e := range sys {
		found = found || e["fullUrl"] == srv.URL+"/fhir/Observation/"+obs
	}
	if !found {
		t.Error("system history lacks the Observation")
	}

	// _since keeps versions at or after the instant, also across pages:
	// the newest version's instant keeps it and whatever shares the
	// millisecond, a millisecond later keeps nothing.
	lm := sys[0]["response"].(map[string]any)["lastModified"].(string)
	since := entries(t, srv, "/fhir/_history?_count=1&_since="+url.QueryEscape(lm), 1)
	if len(since) < 1 || describe(since[0]) != describe(sys[0]) {
		t.Errorf("_since %s: %d entries", lm, len(since))
	}
	for _, e := range since {
		if e["response"].(map[string]any)["lastModified"].(string) < lm {
			t.Errorf("_since %s kept %s", lm, describe(e))
		}
	}
	after, _ := time.Parse(time.RFC3339Nano, lm)
	later := after.Add(time.Millisecond).Format(time.RFC3339Nano)
	if e := entries(t, srv, "/fhir/_history?_since="+url.QueryEscape(later), 0); len(e) != 0 {
		t.Errorf("_since %s: %d entries, want none", later, len(e))
	}
	if e := entries(t, srv, "/fhir/_history?_since=2000-01-01", 0); len(e) != 8 {
		t.Errorf("_since a date: %d entries", len(e))
	}

	for _, tt := range []struct {
		path   string
		status int
	}{
		{"/fhir/_history?_count=0", 400},
		{"/fhir/_history?_count=x", 400},
		{"/fhir/_history?_since=yesterday", 400},
		{"/fhir/_history?_cursor=x", 400},
		{"/fhir/Patient/nobody/_history", 404},
		{"/fhir/Nope/_history", 404},
	} {
		if a := call(t, srv, "GET", tt.path, ""); a.status != tt.status {
			t.Errorf("GET %s: %d, want %d: %s", tt.path, a.status, tt.status, a.raw)
		}
	}
}
