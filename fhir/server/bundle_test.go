package server

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/plexus-health/plexus/fhir/repo"
	"github.com/plexus-health/plexus/fhir/validate"
	"github.com/plexus-health/plexus/platform/store"
	"github.com/plexus-health/plexus/platform/store/storetest"
)

// be is one entry of a test Bundle.
type be struct {
	full, method, url, ifNoneExist, ifMatch, res string
}

func bundleJSON(typ string, entries ...be) string {
	var list []map[string]any
	for _, e := range entries {
		req := map[string]any{"method": e.method, "url": e.url}
		if e.ifNoneExist != "" {
			req["ifNoneExist"] = e.ifNoneExist
		}
		if e.ifMatch != "" {
			req["ifMatch"] = e.ifMatch
		}
		m := map[string]any{"request": req}
		if e.full != "" {
			m["fullUrl"] = e.full
		}
		if e.res != "" {
			m["resource"] = json.RawMessage(e.res)
		}
		list = append(list, m)
	}
	b, _ := json.Marshal(map[string]any{"resourceType": "Bundle", "type": typ, "entry": list})
	return string(b)
}

func pat(system, value string) string {
	return `{"resourceType":"Patient","identifier":[{"system":"` + system + `","value":"` + value + `"}]}`
}

func obs(subject string) string {
	return `{"resourceType":"Observation","status":"final","code":{"text":"x"},"subject":{"reference":"` + subject + `"}}`
}

// entries returns the response entries of a Bundle answer.
func (a answer) entries() []map[string]any {
	list, _ := a.body["entry"].([]any)
	out := make([]map[string]any, len(list))
	for i, e := range list {
		out[i], _ = e.(map[string]any)
	}
	return out
}

func entryStatus(e map[string]any) string {
	r, _ := e["response"].(map[string]any)
	s, _ := r["status"].(string)
	return s
}

func entryLocation(e map[string]any) string {
	r, _ := e["response"].(map[string]any)
	s, _ := r["location"].(string)
	return s
}

// idOf is the id in a location Type/id/_history/v.
func idOf(loc string) string {
	parts := strings.Split(loc, "/")
	if len(parts) < 2 {
		return ""
	}
	return parts[1]
}

// TestBundleRules runs one Bundle per rule against a store holding two
// Patients with identifier urn:s|dup and one with urn:s|one.
func TestBundleRules(t *testing.T) {
	type check func(t *testing.T, srv *httptest.Server, m *scanMatcher, a answer, seed map[string]string)
	tests := []struct {
		name    string
		bundle  string
		status  int
		entries []string // response statuses, when the Bundle succeeds
		issue   string   // a fragment of the first issue's expression, when it fails
		check   check
	}{
		{
			name: "transaction resolves urn:uuid references",
			bundle: bundleJSON("transaction",
				be{full: "urn:uuid:0f6c1c2e-4d5a-4e0b-9c1a-8a7b6c5d4e3f", method: "POST", url: "Observation", res: obs("urn:uuid:6a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d")},
				be{full: "urn:uuid:6a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", method: "POST", url: "Patient", res: pat("urn:s", "new")}),
			status: 200, entries: []string{"201 Created", "201 Created"},
			check: func(t *testing.T, srv *httptest.Server, m *scanMatcher, a answer, _ map[string]string) {
				es := a.entries()
				o := call(t, srv, "GET", "/fhir/"+strings.Split(entryLocation(es[0]), "/_history")[0], "")
				subj := o.body["subject"].(map[string]any)["reference"]
				if want := "Patient/" + idOf(entryLocation(es[1])); subj != want {
					t.Errorf("subject %v, want %s", subj, want)
				}
				r := es[0]["response"].(map[string]any)
				if r["etag"] != `W/"1"` || r["lastModified"] == nil || es[0]["resource"] == nil {
					t.Errorf("entry answer %v", es[0])
				}
			},
		},
		{
			name: "urn:oid and update fullUrls are resolved too",
			bundle: bundleJSON("transaction",
				be{full: "urn:oid:1.2.3.4", method: "PUT", url: "Patient/fixed", res: `{"resourceType":"Patient","id":"fixed"}`},
				be{method: "POST", url: "Observation", res: obs("urn:oid:1.2.3.4")}),
			status: 200, entries: []string{"201 Created", "201 Created"},
			check: func(t *testing.T, srv *httptest.Server, _ *scanMatcher, a answer, _ map[string]string) {
				o := call(t, srv, "GET", "/fhir/"+strings.Split(entryLocation(a.entries()[1]), "/_history")[0], "")
				if subj := o.body["subject"].(map[string]any)["reference"]; subj != "Patient/fixed" {
					t.Errorf("subject %v", subj)
				}
			},
		},
		{
			name: "transaction is atomic: an invalid resource writes nothing",
			bundle: bundleJSON("transaction",
				be{method: "POST", url: "Patient", res: pat("urn:s", "atomic")},
				be{method: "POST", url: "Patient", res: `{"resourceType":"Patient","birthDate":"yesterday"}`}),
			status: 422, issue: "Bundle.entry[1].resource.birthDate",
			check: func(t *testing.T, _ *httptest.Server, m *scanMatcher, _ answer, _ map[string]string) {
				if n := m.count(t, "Patient"); n != 3 {
					t.Errorf("%d Patients after a failed transaction, want the 3 seeded", n)
				}
			},
		},
		{
			name: "batch entries fail on their own",
			bundle: bundleJSON("batch",
				be{method: "POST", url: "Patient", res: pat("urn:s", "b1")},
				be{method: "POST", url: "Patient", res: `{"resourceType":"Patient","birthDate":"yesterday"}`},
				be{method: "GET", url: "Patient/nobody"},
				be{method: "PATCH", url: "Patient/x"}),
			status: 200, entries: []string{"201 Created", "422 Unprocessable Entity", "404 Not Found", "400 Bad Request"},
			check: func(t *testing.T, _ *httptest.Server, m *scanMatcher, a answer, _ map[string]string) {
				r := a.entries()[1]["response"].(map[string]any)
				if r["outcome"] == nil {
					t.Errorf("failed entry without outcome: %v", r)
				}
				if n := m.count(t, "Patient"); n != 4 {
					t.Errorf("%d Patients, want 4", n)
				}
			},
		},
		{
			name:   "ifNoneExist with no match creates",
			bundle: bundleJSON("transaction", be{method: "POST", url: "Patient", ifNoneExist: "identifier=urn:s|none", res: pat("urn:s", "none")}),
			status: 200, entries: []string{"201 Created"},
		},
		{
			name:   "ifNoneExist with one match answers the existing resource",
			bundle: bundleJSON("transaction", be{method: "POST", url: "Patient", ifNoneExist: "identifier=urn:s|one", res: pat("urn:s", "one")}),
			status: 200, entries: []string{"200 OK"},
			check: func(t *testing.T, _ *httptest.Server, m *scanMatcher, a answer, seed map[string]string) {
				if got := idOf(entryLocation(a.entries()[0])); got != seed["one"] {
					t.Errorf("location names %s, want the existing %s", got, seed["one"])
				}
				if n := m.count(t, "Patient"); n != 3 {
					t.Errorf("%d Patients, want 3", n)
				}
			},
		},
		{
			name:   "ifNoneExist with two matches fails",
			bundle: bundleJSON("transaction", be{method: "POST", url: "Patient", ifNoneExist: "identifier=urn:s|dup", res: pat("urn:s", "dup")}),
			status: 412, issue: "Bundle.entry[0].request.ifNoneExist",
		},
		{
			name: "ifNoneExist match decides where references point",
			bundle: bundleJSON("transaction",
				be{full: "urn:uuid:11111111-2222-4333-8444-555555555555", method: "POST", url: "Patient", ifNoneExist: "identifier=urn:s|one", res: pat("urn:s", "one")},
				be{method: "POST", url: "Observation", res: obs("urn:uuid:11111111-2222-4333-8444-555555555555")}),
			status: 200, entries: []string{"200 OK", "201 Created"},
			check: func(t *testing.T, srv *httptest.Server, _ *scanMatcher, a answer, seed map[string]string) {
				o := call(t, srv, "GET", "/fhir/"+strings.Split(entryLocation(a.entries()[1]), "/_history")[0], "")
				if subj := o.body["subject"].(map[string]any)["reference"]; subj != "Patient/"+seed["one"] {
					t.Errorf("subject %v, want Patient/%s", subj, seed["one"])
				}
			},
		},
		{
			name:   "conditional reference with one match is resolved",
			bundle: bundleJSON("transaction", be{method: "POST", url: "Observation", res: obs("Patient?identifier=urn:s|one")}),
			status: 200, entries: []string{"201 Created"},
			check: func(t *testing.T, srv *httptest.Server, _ *scanMatcher, a answer, seed map[string]string) {
				o := call(t, srv, "GET", "/fhir/"+strings.Split(entryLocation(a.entries()[0]), "/_history")[0], "")
				if subj := o.body["subject"].(map[string]any)["reference"]; subj != "Patient/"+seed["one"] {
					t.Errorf("subject %v", subj)
				}
			},
		},
		{
			name:   "conditional reference with no match fails",
			bundle: bundleJSON("transaction", be{method: "POST", url: "Observation", res: obs("Patient?identifier=urn:s|nobody")}),
			status: 412, issue: "Bundle.entry[0].resource",
		},
		{
			name:   "conditional reference with two matches fails",
			bundle: bundleJSON("transaction", be{method: "POST", url: "Observation", res: obs("Patient?identifier=urn:s|dup")}),
			status: 412, issue: "Bundle.entry[0].resource",
		},
		{
			name:   "conditional reference with a bad query is a 400",
			bundle: bundleJSON("transaction", be{method: "POST", url: "Observation", res: obs("Patient?nonsense=1")}),
			status: 400, issue: "Bundle.entry[0].resource",
		},
		{
			name:   "conditional reference in a batch fails its entry only",
			bundle: bundleJSON("batch", be{method: "POST", url: "Observation", res: obs("Patient?identifier=urn:s|nobody")}, be{method: "POST", url: "Observation", res: obs("Patient?identifier=urn:s|one")}),
			status: 200, entries: []string{"412 Precondition Failed", "201 Created"},
		},
		{
			name:   "conditional update with no match creates",
			bundle: bundleJSON("transaction", be{method: "PUT", url: "Patient?identifier=urn:s|cu", res: pat("urn:s", "cu")}),
			status: 200, entries: []string{"201 Created"},
		},
		{
			name:   "conditional update with one match updates it",
			bundle: bundleJSON("transaction", be{method: "PUT", url: "Patient?identifier=urn:s|one", res: pat("urn:s", "one")}),
			status: 200, entries: []string{"200 OK"},
			check: func(t *testing.T, _ *httptest.Server, _ *scanMatcher, a answer, seed map[string]string) {
				if loc := entryLocation(a.entries()[0]); loc != "Patient/"+seed["one"]+"/_history/2" {
					t.Errorf("location %s", loc)
				}
			},
		},
		{
			name:   "conditional update with no match and the id of another resource conflicts",
			bundle: bundleJSON("transaction", be{method: "PUT", url: "Patient?identifier=urn:s|cu", res: `{"resourceType":"Patient","id":"{one}"}`}),
			status: 409, issue: "Bundle.entry[0].resource.id",
		},
		{
			name:   "update whose resource id is not the url's",
			bundle: bundleJSON("transaction", be{method: "PUT", url: "Patient/{one}", res: `{"resourceType":"Patient","id":"other"}`}),
			status: 400, issue: "Bundle.entry[0].resource.id",
		},
		{
			name:   "update without an id in the resource",
			bundle: bundleJSON("transaction", be{method: "PUT", url: "Patient/{one}", res: `{"resourceType":"Patient"}`}),
			status: 400, issue: "Bundle.entry[0].resource.id",
		},
		{
			name:   "conditional update with two matches fails",
			bundle: bundleJSON("transaction", be{method: "PUT", url: "Patient?identifier=urn:s|dup", res: pat("urn:s", "dup")}),
			status: 412, issue: "Bundle.entry[0].request.url",
		},
		{
			name:   "conditional delete of one match",
			bundle: bundleJSON("transaction", be{method: "DELETE", url: "Patient?identifier=urn:s|one"}),
			status: 200, entries: []string{"204 No Content"},
			check: func(t *testing.T, srv *httptest.Server, _ *scanMatcher, _ answer, seed map[string]string) {
				if a := call(t, srv, "GET", "/fhir/Patient/"+seed["one"], ""); a.status != http.StatusGone {
					t.Errorf("read after delete: %d", a.status)
				}
			},
		},
		{
			name:   "conditional delete of two matches fails",
			bundle: bundleJSON("transaction", be{method: "DELETE", url: "Patient?identifier=urn:s|dup"}),
			status: 412, issue: "Bundle.entry[0].request.url",
		},
		{
			name:   "ifMatch on the current version updates",
			bundle: bundleJSON("transaction", be{method: "PUT", url: "Patient/{one}", ifMatch: `W/"1"`, res: `{"resourceType":"Patient","id":"{one}","active":true}`}),
			status: 200, entries: []string{"200 OK"},
		},
		{
			name:   "ifMatch on another version fails",
			bundle: bundleJSON("transaction", be{method: "PUT", url: "Patient/{one}", ifMatch: `W/"7"`, res: `{"resourceType":"Patient","id":"{one}","active":true}`}),
			status: 412, issue: "Bundle.entry[0].request.ifMatch",
		},
		{
			name:   "ifMatch on delete",
			bundle: bundleJSON("batch", be{method: "DELETE", url: "Patient/{one}", ifMatch: `W/"7"`}, be{method: "DELETE", url: "Patient/{one}", ifMatch: `W/"1"`}),
			status: 200, entries: []string{"412 Precondition Failed", "204 No Content"},
		},
		{
			name: "FHIR order: DELETE, POST, PUT, then GET",
			bundle: bundleJSON("transaction",
				be{method: "GET", url: "Patient/p1"},
				be{method: "PUT", url: "Patient/p1", res: `{"resourceType":"Patient","id":"p1"}`},
				be{method: "POST", url: "Patient", ifNoneExist: "identifier=urn:s|one", res: pat("urn:s", "one")},
				be{method: "DELETE", url: "Patient/{one}"}),
			status: 200, entries: []string{"200 OK", "201 Created", "201 Created", "204 No Content"},
		},
		{
			name:   "search entry",
			bundle: bundleJSON("batch", be{method: "GET", url: "Patient?identifier=urn:s|dup"}),
			status: 200, entries: []string{"200 OK"},
			check: func(t *testing.T, _ *httptest.Server, _ *scanMatcher, a answer, _ map[string]string) {
				res := a.entries()[0]["resource"].(map[string]any)
				if res["type"] != "searchset" || res["total"] != 2.0 {
					t.Errorf("search answer %v", res)
				}
			},
		},
		{
			name:   "search entry without parameters",
			bundle: bundleJSON("batch", be{method: "GET", url: "Patient"}),
			status: 200, entries: []string{"400 Bad Request"},
		},
		{
			name:   "resourceType must match the url",
			bundle: bundleJSON("transaction", be{method: "POST", url: "Observation", res: pat("urn:s", "x")}),
			status: 400, issue: "Bundle.entry[0].resource.resourceType",
		},
		{
			name: "duplicate fullUrl",
			bundle: bundleJSON("transaction",
				be{full: "urn:uuid:11111111-2222-4333-8444-555555555555", method: "POST", url: "Patient", res: pat("urn:s", "a")},
				be{full: "urn:uuid:11111111-2222-4333-8444-555555555555", method: "POST", url: "Patient", res: pat("urn:s", "b")}),
			status: 400, issue: "Bundle.entry[1].fullUrl",
		},
		{
			name:   "entry without request",
			bundle: `{"resourceType":"Bundle","type":"transaction","entry":[{"resource":{"resourceType":"Patient"}}]}`,
			status: 400, issue: "Bundle.entry[0].request",
		},
		{name: "not a Bundle", bundle: pat("urn:s", "x"), status: 400},
		{name: "not batch or transaction", bundle: `{"resourceType":"Bundle","type":"collection"}`, status: 400},
		{name: "not JSON", bundle: `{"resourceType":`, status: 400},
		{name: "empty transaction", bundle: `{"resourceType":"Bundle","type":"transaction"}`, status: 200, entries: []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, m := matchServer(t)
			seed := map[string]string{
				"one": create(t, srv, "Patient", pat("urn:s", "one")),
				"d1":  create(t, srv, "Patient", pat("urn:s", "dup")),
				"d2":  create(t, srv, "Patient", pat("urn:s", "dup")),
			}
			body := strings.ReplaceAll(tt.bundle, "{one}", seed["one"])
			a := call(t, srv, "POST", "/fhir", body)
			if a.status != tt.status {
				t.Fatalf("status %d, want %d: %s", a.status, tt.status, a.raw)
			}
			if tt.entries != nil {
				if a.body["resourceType"] != "Bundle" || !strings.HasSuffix(a.body["type"].(string), "-response") {
					t.Fatalf("answer is not a response Bundle: %s", a.raw)
				}
				var got []string
				for _, e := range a.entries() {
					got = append(got, entryStatus(e))
				}
				if fmt.Sprint(got) != fmt.Sprint(tt.entries) {
					t.Fatalf("entry statuses %q, want %q: %s", got, tt.entries, a.raw)
				}
			}
			if tt.issue != "" && !strings.Contains(strings.Join(a.expressions(), " "), tt.issue) {
				t.Errorf("issues at %q, want %q: %s", a.expressions(), tt.issue, a.raw)
			}
			if tt.check != nil {
				tt.check(t, srv, m, a, seed)
			}
		})
	}
}

// TestBundlePrefer checks that Prefer shapes each entry's answer.
func TestBundlePrefer(t *testing.T) {
	srv, _ := matchServer(t)
	b := bundleJSON("transaction", be{method: "POST", url: "Patient", res: pat("urn:s", "p")})
	a := call(t, srv, "POST", "/fhir", b, "Prefer", "return=minimal")
	if e := a.entries()[0]; e["resource"] != nil || entryLocation(e) == "" || !strings.HasPrefix(e["fullUrl"].(string), srv.URL+"/fhir/Patient/") {
		t.Errorf("minimal: %s", a.raw)
	}
	a = call(t, srv, "POST", "/fhir", b, "Prefer", "return=OperationOutcome")
	if e := a.entries()[0]; e["resource"] != nil || e["response"].(map[string]any)["outcome"] == nil {
		t.Errorf("OperationOutcome: %s", a.raw)
	}
}

// TestBundleTooLarge checks the request size limit.
func TestBundleTooLarge(t *testing.T) {
	srv := testServer(t, Options{MaxBody: 1 << 10})
	b := bundleJSON("batch", be{method: "POST", url: "Patient", res: `{"resourceType":"Patient","name":[{"text":"` + strings.Repeat("x", 2<<10) + `"}]}`})
	if a := call(t, srv, "POST", "/fhir", b); a.status != http.StatusRequestEntityTooLarge {
		t.Errorf("status %d: %s", a.status, a.raw)
	}
}

// TestBundleWithoutMatcher checks that conditional entries answer 501 when
// the server has no search, and plain ones still work.
func TestBundleWithoutMatcher(t *testing.T) {
	srv := testServer(t, Options{})
	b := bundleJSON("batch",
		be{method: "POST", url: "Patient", res: pat("urn:s", "p")},
		be{method: "POST", url: "Patient", ifNoneExist: "identifier=urn:s|p", res: pat("urn:s", "p")})
	a := call(t, srv, "POST", "/fhir", b)
	if a.status != 200 || entryStatus(a.entries()[0]) != "201 Created" || entryStatus(a.entries()[1]) != "501 Not Implemented" {
		t.Errorf("%d %s", a.status, a.raw)
	}
}

func TestScanRefs(t *testing.T) {
	tests := []struct{ in, id, want string }{
		{`{"resourceType":"Observation","id":"old","subject":{"reference":"urn:uuid:a"}}`, "new",
			`{"resourceType":"Observation","id":"new","subject":{"reference":"Patient/1"}}`},
		{`{"subject":{"reference" : "urn:uuid:a"},"id":"old"}`, "new", `{"subject":{"reference" : "Patient/1"},"id":"new"}`},
		{`{"contained":[{"id":"inner"}],"note":[{"text":"\"reference\":\"urn:uuid:a\""}]}`, "new", `{"contained":[{"id":"inner"}],"note":[{"text":"\"reference\":\"urn:uuid:a\""}]}`},
		{`{"a":{"reference":{"reference":"urn:uuid:a"}},"b":{"reference":"Patient?x=\u0031"}}`, "", `{"a":{"reference":{"reference":"Patient/1"}},"b":{"reference":"Patient/2"}}`},
		{`{"reference":"other"}`, "", `{"reference":"other"}`},
	}
	resolve := func(s string) (string, bool) {
		switch s {
		case "urn:uuid:a":
			return "Patient/1", true
		case "Patient?x=1":
			return "Patient/2", true
		}
		return "", false
	}
	for _, tt := range tests {
		sc, err := scanRefs([]byte(tt.in))
		if err != nil {
			t.Fatalf("%s: %v", tt.in, err)
		}
		if got := string(sc.rewrite([]byte(tt.in), tt.id, resolve)); got != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.in, got, tt.want)
		}
	}
	if _, err := scanRefs([]byte(`{"a":"unterminated`)); err == nil {
		t.Error("an unterminated string scanned without error")
	}
}

// TestBundleLargeBatch sends a batch of more entries than commit together:
// every entry is answered, in order, and stored.
func TestBundleLargeBatch(t *testing.T) {
	srv, m := matchServer(t)
	n := 2*batchPart + 17
	var entries []be
	for i := range n {
		entries = append(entries, be{method: "POST", url: "Patient", res: pat("urn:s", fmt.Sprint(i))})
	}
	a := call(t, srv, "POST", "/fhir", bundleJSON("batch", entries...), "Prefer", "return=minimal")
	if a.status != 200 || len(a.entries()) != n {
		t.Fatalf("%d, %d entries", a.status, len(a.entries()))
	}
	for i, e := range a.entries() {
		if entryStatus(e) != "201 Created" {
			t.Fatalf("entry %d: %v", i, e)
		}
	}
	if got := m.count(t, "Patient"); got != n {
		t.Errorf("%d stored, want %d", got, n)
	}
}

// TestBundleStoreFailure checks that a failure of the store is a 500 that
// is logged without content.
func TestBundleStoreFailure(t *testing.T) {
	db, r, v := fixture(t)
	var logged bytes.Buffer
	srv := serve(t, New(r, v, Options{Logger: slog.New(slog.NewTextHandler(&logged, nil))}))
	// The store goes away under the running server (closing again at the
	// end of the test is harmless).
	r.Close()
	db.Close()
	for _, typ := range []string{"transaction", "batch"} {
		logged.Reset()
		a := call(t, srv, "POST", "/fhir", bundleJSON(typ, be{method: "POST", url: "Patient", res: pat("urn:s", "Chalmers")}))
		switch typ {
		case "transaction":
			if a.status != http.StatusInternalServerError || a.issue()["code"] != "exception" {
				t.Errorf("%s: %d %s", typ, a.status, a.raw)
			}
		case "batch":
			if a.status != http.StatusOK || entryStatus(a.entries()[0]) != "500 Internal Server Error" {
				t.Errorf("%s: %d %s", typ, a.status, a.raw)
			}
		}
		if !strings.Contains(logged.String(), `pattern="POST /fhir"`) || strings.Contains(logged.String(), "Chalmers") {
			t.Errorf("%s: log: %s", typ, logged.String())
		}
	}
}

// FuzzScanRefs checks the reference rewrite on any input: it never panics,
// a rewrite that resolves nothing changes nothing, and valid JSON stays
// valid JSON with every reference string it found replaced.
func FuzzScanRefs(f *testing.F) {
	f.Add([]byte(`{"resourceType":"Observation","id":"a","subject":{"reference":"urn:uuid:x"}}`))
	f.Add([]byte(`{"a":[{"reference":"Patient?identifier=s|v"},{"reference":{"reference":"b"}}],"id":1}`))
	f.Add([]byte(`{"note":"\"reference\":\"x\"","reference" : "\u0041"}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		sc, err := scanRefs(body)
		if err != nil {
			return
		}
		if got := sc.rewrite(body, "", func(string) (string, bool) { return "", false }); !bytes.Equal(got, body) {
			t.Fatalf("a rewrite of nothing changed %q to %q", body, got)
		}
		if !json.Valid(body) {
			return
		}
		out := sc.rewrite(body, "new-id", func(string) (string, bool) { return "X/1", true })
		if !json.Valid(out) {
			t.Fatalf("%q rewritten to invalid JSON %q", body, out)
		}
		again, err := scanRefs(out)
		if err != nil || len(again.refs) != len(sc.refs) {
			t.Fatalf("%q: %d references, after the rewrite %d (%v)", body, len(sc.refs), len(again.refs), err)
		}
		for _, r := range again.refs {
			if r.value != "X/1" {
				t.Fatalf("%q: reference %q left after the rewrite", out, r.value)
			}
		}
	})
}

// shiftingMatcher answers the lookups made before the transaction with
// another resource, as if a concurrent writer changed the data between
// them and the transaction, for its first `shifts` lookups.
type shiftingMatcher struct {
	*scanMatcher
	shifts int
}

func (m *shiftingMatcher) Match(ctx context.Context, tx *sql.Tx, typ string, params url.Values) ([]string, error) {
	if tx == nil && m.shifts != 0 {
		m.shifts--
		return []string{"moved-away"}, nil
	}
	return m.scanMatcher.Match(ctx, tx, typ, params)
}

// TestBundleConditionsChangeUnderneath checks that what was looked up
// before the transaction is checked again inside it: a transaction whose
// conditions changed is processed again, and gives up with 409 if they
// keep changing; nothing is written from stale lookups.
func TestBundleConditionsChangeUnderneath(t *testing.T) {
	for _, tt := range []struct {
		name   string
		shifts int
		status int
	}{
		{"changed once", 1, 200},
		{"keeps changing", -1, 409},
	} {
		t.Run(tt.name, func(t *testing.T) {
			db := storetest.Open(t, testDialect, store.Options{Synchronous: "NORMAL"})
			r, err := repo.New(db)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			v, err := validate.New()
			if err != nil {
				t.Fatal(err)
			}
			m := &shiftingMatcher{scanMatcher: &scanMatcher{db: db}}
			srv := httptest.NewServer(New(r, v, Options{Matcher: m}))
			defer srv.Close()
			id := create(t, srv, "Patient", pat("urn:s", "one"))
			m.shifts = tt.shifts
			a := call(t, srv, "POST", "/fhir", bundleJSON("transaction", be{method: "POST", url: "Observation", res: obs("Patient?identifier=urn:s|one")}))
			if a.status != tt.status {
				t.Fatalf("status %d, want %d: %s", a.status, tt.status, a.raw)
			}
			if tt.status == 200 {
				o := call(t, srv, "GET", "/fhir/"+strings.Split(entryLocation(a.entries()[0]), "/_history")[0], "")
				if subj := o.body["subject"].(map[string]any)["reference"]; subj != "Patient/"+id {
					t.Errorf("subject %v, want Patient/%s", subj, id)
				}
			} else if n := m.count(t, "Observation"); n != 0 {
				t.Errorf("%d Observations written from stale lookups", n)
			}
		})
	}
}

// patchEntry is a Bundle PATCH entry's resource: a Binary holding a JSON
// Patch, base64-encoded.
func patchEntry(patch string) string {
	return `{"resourceType":"Binary","contentType":"application/json-patch+json","data":"` + base64.StdEncoding.EncodeToString([]byte(patch)) + `"}`
}

// TestBundlePatch applies JSON Patches carried in Binary entries: in a
// transaction after the PUT that creates the resource, checked against
// the version (ifMatch), validated, and atomic with the rest.
func TestBundlePatch(t *testing.T) {
	srv, _ := matchServer(t)
	put := be{method: "PUT", url: "Patient/p1", res: `{"resourceType":"Patient","id":"p1","gender":"male"}`}
	setFemale := patchEntry(`[{"op":"replace","path":"/gender","value":"female"}]`)
	a := call(t, srv, "POST", "/fhir", bundleJSON("transaction", be{method: "PATCH", url: "Patient/p1", res: setFemale}, put))
	if a.status != http.StatusOK {
		t.Fatalf("transaction: %d %s", a.status, a.raw)
	}
	// The PUT runs before the PATCH whatever their order in the Bundle.
	if got := entryStatus(a.entries()[0]); got != "200 OK" {
		t.Errorf("patch entry: %s", got)
	}
	read := call(t, srv, "GET", "/fhir/Patient/p1", "")
	if !strings.Contains(string(read.raw), `"gender":"female"`) || read.header.Get("ETag") != `W/"2"` {
		t.Fatalf("after the patch: %s %s", read.header.Get("ETag"), read.raw)
	}

	for _, tc := range []struct {
		name   string
		entry  be
		status int
	}{
		{"stale ifMatch", be{method: "PATCH", url: "Patient/p1", ifMatch: `W/"1"`, res: setFemale}, 412},
		{"failing test op", be{method: "PATCH", url: "Patient/p1", res: patchEntry(`[{"op":"test","path":"/gender","value":"male"}]`)}, 422},
		{"invalid result", be{method: "PATCH", url: "Patient/p1", res: patchEntry(`[{"op":"replace","path":"/gender","value":"purple"}]`)}, 422},
		{"changes the id", be{method: "PATCH", url: "Patient/p1", res: patchEntry(`[{"op":"replace","path":"/id","value":"p2"}]`)}, 422},
		{"absent resource", be{method: "PATCH", url: "Patient/nobody", res: setFemale}, 404},
		{"not a patch", be{method: "PATCH", url: "Patient/p1", res: patchEntry(`{"op":"add"}`)}, 400},
		{"FHIRPath Patch", be{method: "PATCH", url: "Patient/p1", res: `{"resourceType":"Parameters"}`}, 501},
		{"conditional patch", be{method: "PATCH", url: "Patient?identifier=x", res: setFemale}, 501},
	} {
		// Atomic: a failing patch takes the create beside it down too.
		a := call(t, srv, "POST", "/fhir", bundleJSON("transaction", tc.entry,
			be{method: "PUT", url: "Patient/beside", res: `{"resourceType":"Patient","id":"beside"}`}))
		if a.status != tc.status {
			t.Errorf("%s: %d, want %d: %s", tc.name, a.status, tc.status, a.raw)
		}
		if got := call(t, srv, "GET", "/fhir/Patient/beside", ""); got.status != http.StatusNotFound {
			t.Errorf("%s: the entry beside a failed patch was written (%d)", tc.name, got.status)
		}
	}
	if read := call(t, srv, "GET", "/fhir/Patient/p1", ""); read.header.Get("ETag") != `W/"2"` {
		t.Errorf("failed patches changed the resource: %s", read.header.Get("ETag"))
	}
}
