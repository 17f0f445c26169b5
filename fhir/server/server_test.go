package server

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/plexus-health/plexus/fhir/repo"
	"github.com/plexus-health/plexus/fhir/validate"
	"github.com/plexus-health/plexus/platform/store"
	"github.com/plexus-health/plexus/platform/store/storetest"
)

// fixture opens a fresh temporary SQLite store with its repository and a
// validator, closed when the test ends.
func fixture(t testing.TB) (*store.DB, *repo.Repo, *validate.Validator) {
	t.Helper()
	db := storetest.Open(t, testDialect, store.Options{Synchronous: "NORMAL"})
	r, err := repo.New(db)
	if err != nil {
		t.Fatal(err)
	}
	v, err := validate.New()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return db, r, v
}

// serve serves h on a real 127.0.0.1 socket until the test ends.
func serve(t testing.TB, h http.Handler) *httptest.Server {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// testServer serves a handler over a fresh temporary SQLite store on a real
// 127.0.0.1 socket.
func testServer(t testing.TB, opts Options) *httptest.Server {
	t.Helper()
	_, r, v := fixture(t)
	return serve(t, New(r, v, opts))
}

// answer is a response with its body decoded.
type answer struct {
	status int
	header http.Header
	raw    []byte
	body   map[string]any
}

// call sends a request and checks what every answer must have: an
// OperationOutcome for every error, and the FHIR JSON media type on every
// body.
func call(t testing.TB, srv *httptest.Server, method, path, body string, header ...string) answer {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, srv.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/fhir+json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	// Redirects are answers of their own: a FHIR client does not follow
	// one for a POST, so a test must not either.
	client := *srv.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	a := answer{status: resp.StatusCode, header: resp.Header, raw: raw}
	if len(raw) > 0 {
		if ct := resp.Header.Get("Content-Type"); ct != contentType {
			t.Errorf("%s %s: Content-Type %q", method, path, ct)
		}
		if err := json.Unmarshal(raw, &a.body); err != nil {
			t.Fatalf("%s %s: answer is not JSON: %v\n%s", method, path, err, raw)
		}
	}
	if a.status >= 400 && a.body["resourceType"] != "OperationOutcome" {
		t.Errorf("%s %s: %d answer is not an OperationOutcome: %s", method, path, a.status, raw)
	}
	return a
}

// issue returns the first issue of an OperationOutcome answer.
func (a answer) issue() map[string]any {
	list, _ := a.body["issue"].([]any)
	if len(list) == 0 {
		return nil
	}
	m, _ := list[0].(map[string]any)
	return m
}

// expressions lists every issue's expressions.
func (a answer) expressions() []string {
	var out []string
	list, _ := a.body["issue"].([]any)
	for _, is := range list {
		exprs, _ := is.(map[string]any)["expression"].([]any)
		for _, e := range exprs {
			out = append(out, e.(string))
		}
	}
	return out
}

func (a answer) meta(key string) string {
	m, _ := a.body["meta"].(map[string]any)
	s, _ := m[key].(string)
	return s
}

const patient = `{"resourceType":"Patient","active":true,"name":[{"family":"Chalmers","given":["Peter","James"]}],"birthDate":"1974-12-25"}`

// create posts a resource and returns its id.
func create(t testing.TB, srv *httptest.Server, typ, body string) string {
	t.Helper()
	a := call(t, srv, "POST", "/fhir/"+typ, body)
	if a.status != http.StatusCreated {
		t.Fatalf("create %s: %d %s", typ, a.status, a.raw)
	}
	return a.body["id"].(string)
}

func TestCreateRead(t *testing.T) {
	srv := testServer(t, Options{})
	a := call(t, srv, "POST", "/fhir/Patient", patient)
	if a.status != http.StatusCreated {
		t.Fatalf("create: %d %s", a.status, a.raw)
	}
	id, _ := a.body["id"].(string)
	if id == "" || a.meta("versionId") != "1" || a.meta("lastUpdated") == "" {
		t.Fatalf("created resource lacks id or meta: %s", a.raw)
	}
	if want := srv.URL + "/fhir/Patient/" + id + "/_history/1"; a.header.Get("Location") != want {
		t.Errorf("Location = %q, want %q", a.header.Get("Location"), want)
	}
	if a.header.Get("ETag") != `W/"1"` || a.header.Get("Last-Modified") == "" {
		t.Errorf("ETag %q, Last-Modified %q", a.header.Get("ETag"), a.header.Get("Last-Modified"))
	}
	got := call(t, srv, "GET", "/fhir/Patient/"+id, "")
	if got.status != http.StatusOK || string(got.raw) != string(a.raw) {
		t.Fatalf("read: %d %s, want %s", got.status, got.raw, a.raw)
	}
	if got.header.Get("ETag") != `W/"1"` || got.header.Get("Last-Modified") != a.header.Get("Last-Modified") {
		t.Errorf("read headers %v", got.header)
	}
	if v := call(t, srv, "GET", "/fhir/Patient/"+id+"/_history/1", ""); v.status != http.StatusOK || string(v.raw) != string(a.raw) {
		t.Errorf("vread: %d %s", v.status, v.raw)
	}
	// HEAD is a read without the body.
	if h := call(t, srv, "HEAD", "/fhir/Patient/"+id, ""); h.status != http.StatusOK || h.header.Get("ETag") != `W/"1"` {
		t.Errorf("HEAD: %d %v", h.status, h.header)
	}
}

// TestErrors holds each kind of bad request to its status and issue code.
func TestErrors(t *testing.T) {
	srv := testServer(t, Options{MaxBody: 1 << 10})
	id := create(t, srv, "Patient", patient)
	tests := []struct {
		name, method, path, body string
		header                   []string
		status                   int
		code                     string
	}{
		{"unparseable", "POST", "/fhir/Patient", `{"resourceType":`, nil, 400, "invalid"},
		{"trailing data", "POST", "/fhir/Patient", `{"resourceType":"Patient"} {}`, nil, 400, "invalid"},
		{"not an object", "POST", "/fhir/Patient", `["Patient"]`, nil, 400, "structure"},
		{"type mismatch", "POST", "/fhir/Patient", `{"resourceType":"Observation"}`, nil, 400, "invalid"},
		{"invalid resource", "POST", "/fhir/Patient", `{"resourceType":"Patient","gender":7}`, nil, 422, ""},
		{"unknown type", "POST", "/fhir/Patients", patient, nil, 404, "not-supported"},
		{"unknown type read", "GET", "/fhir/Foo/1", "", nil, 404, "not-supported"},
		{"abstract type", "GET", "/fhir/DomainResource/1", "", nil, 404, "not-supported"},
		{"read absent", "GET", "/fhir/Patient/nobody", "", nil, 404, "not-found"},
		{"vread absent version", "GET", "/fhir/Patient/" + id + "/_history/9", "", nil, 404, "not-found"},
		{"vread bad version", "GET", "/fhir/Patient/" + id + "/_history/x", "", nil, 404, "not-found"},
		{"bad id", "GET", "/fhir/Patient/a_b", "", nil, 400, "invalid"},
		{"xml content", "POST", "/fhir/Patient", patient, []string{"Content-Type", "application/fhir+xml"}, 415, "not-supported"},
		{"form content", "POST", "/fhir/Patient", patient, []string{"Content-Type", "application/x-www-form-urlencoded"}, 415, "not-supported"},
		{"xml accept", "GET", "/fhir/Patient/" + id, "", []string{"Accept", "application/fhir+xml"}, 406, "not-supported"},
		{"xml _format", "GET", "/fhir/Patient/" + id + "?_format=xml", "", nil, 406, "not-supported"},
		{"too large", "POST", "/fhir/Patient", `{"resourceType":"Patient","id":"` + strings.Repeat("a", 2<<10) + `"}`, nil, 413, "too-costly"},
		{"conditional create", "POST", "/fhir/Patient", patient, []string{"If-None-Exist", "identifier=x|1"}, 501, "not-supported"},
		{"search", "GET", "/fhir/Patient?name=x", "", nil, 501, "not-supported"},
		{"post search", "POST", "/fhir/Patient/_search", "", nil, 501, "not-supported"},
		{"collection to the base", "POST", "/fhir", `{"resourceType":"Bundle","type":"collection"}`, nil, 400, "invalid"},
		{"collection to the base, slash", "POST", "/fhir/", `{"resourceType":"Bundle","type":"collection"}`, nil, 400, "invalid"},
		{"conditional update", "PUT", "/fhir/Patient?identifier=x", patient, nil, 501, "not-supported"},
		{"conditional delete", "DELETE", "/fhir/Patient?identifier=x", "", nil, 501, "not-supported"},
		{"patch as JSON", "PATCH", "/fhir/Patient/" + id, `[]`, []string{"Content-Type", "application/json"}, 415, "not-supported"},
		{"delete with a stale If-Match", "DELETE", "/fhir/Patient/" + id, "", []string{"If-Match", `W/"7"`}, 412, "conflict"},
		{"delete with a bad If-Match", "DELETE", "/fhir/Patient/" + id, "", []string{"If-Match", `W/"x"`}, 400, "invalid"},
		{"no route", "GET", "/fhir/Patient/" + id + "/_history/1/more", "", nil, 404, "not-found"},
		{"no method", "OPTIONS", "/fhir/Patient", "", nil, 405, "not-supported"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := call(t, srv, tt.method, tt.path, tt.body, tt.header...)
			if a.status != tt.status {
				t.Fatalf("status %d, want %d: %s", a.status, tt.status, a.raw)
			}
			if is := a.issue(); tt.code != "" && (is == nil || is["code"] != tt.code || is["severity"] != "error") {
				t.Errorf("issue %v, want code %q", is, tt.code)
			}
		})
	}
	// Accepting JSON among others, or anything, is fine.
	for _, accept := range []string{"application/json", "application/fhir+json;q=0.9, application/fhir+xml", "text/html,application/xml;q=0.9,*/*;q=0.8"} {
		if a := call(t, srv, "GET", "/fhir/Patient/"+id, "", "Accept", accept); a.status != http.StatusOK {
			t.Errorf("Accept %q: %d", accept, a.status)
		}
	}
	for _, f := range []string{"json", "application/fhir+json", "application/json"} {
		if a := call(t, srv, "GET", "/fhir/Patient/"+id+"?_format="+f, ""); a.status != http.StatusOK {
			t.Errorf("_format %q: %d", f, a.status)
		}
	}
}

// TestInvalidResource checks that a 422 lists every issue with its FHIRPath
// location, and that nothing is stored.
func TestInvalidResource(t *testing.T) {
	srv := testServer(t, Options{})
	bad := `{"resourceType":"Patient","gender":7,"birthDate":"25/12/1974","name":[{"famly":"X"}]}`
	a := call(t, srv, "POST", "/fhir/Patient", bad)
	if a.status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d: %s", a.status, a.raw)
	}
	exprs := strings.Join(a.expressions(), " ")
	for _, want := range []string{"Patient.gender", "Patient.birthDate", "Patient.name[0]"} {
		if !strings.Contains(exprs, want) {
			t.Errorf("no issue at %s in %s", want, a.raw)
		}
	}
	if h := call(t, srv, "GET", "/fhir/Patient/_history", ""); h.body["entry"] != nil {
		t.Errorf("an invalid resource was stored: %s", h.raw)
	}
	// An update is validated the same way.
	id := create(t, srv, "Patient", patient)
	upd := call(t, srv, "PUT", "/fhir/Patient/"+id, `{"resourceType":"Patient","id":"`+id+`","active":"yes"}`)
	if upd.status != http.StatusUnprocessableEntity || !strings.Contains(strings.Join(upd.expressions(), " "), "Patient.active") {
		t.Errorf("update: %d %s", upd.status, upd.raw)
	}
}

func TestPrefer(t *testing.T) {
	srv := testServer(t, Options{})
	for _, tt := range []struct {
		prefer string
		want   string // "resource", "outcome" or "" for no body
	}{
		{"", "resource"},
		{"return=representation", "resource"},
		{"return=minimal", ""},
		{"return=OperationOutcome", "outcome"},
		{"handling=strict, return=minimal", ""},
		{"return=unknown", "resource"},
	} {
		check := func(what string, a answer, status int) {
			t.Helper()
			if a.status != status || a.header.Get("ETag") == "" || a.header.Get("Last-Modified") == "" {
				t.Errorf("%s Prefer %q: %d %v", what, tt.prefer, a.status, a.header)
			}
			var got string
			switch a.body["resourceType"] {
			case "Patient":
				got = "resource"
			case "OperationOutcome":
				got = "outcome"
				if a.issue()["severity"] != "information" {
					t.Errorf("%s Prefer %q: outcome %s", what, tt.prefer, a.raw)
				}
			}
			if got != tt.want {
				t.Errorf("%s Prefer %q: body %q, want %q: %s", what, tt.prefer, got, tt.want, a.raw)
			}
		}
		a := call(t, srv, "POST", "/fhir/Patient", patient, "Prefer", tt.prefer)
		check("create", a, http.StatusCreated)
		loc := a.header.Get("Location")
		id := strings.Split(strings.TrimPrefix(loc, srv.URL+"/fhir/Patient/"), "/")[0]
		u := call(t, srv, "PUT", "/fhir/Patient/"+id, `{"resourceType":"Patient","id":"`+id+`"}`, "Prefer", tt.prefer)
		check("update", u, http.StatusOK)
	}
}

func TestUpdate(t *testing.T) {
	srv := testServer(t, Options{})
	id := create(t, srv, "Patient", patient)
	body := func(id string) string { return `{"resourceType":"Patient","id":"` + id + `","active":false}` }

	a := call(t, srv, "PUT", "/fhir/Patient/"+id, body(id))
	if a.status != http.StatusOK || a.meta("versionId") != "2" || a.header.Get("ETag") != `W/"2"` || a.header.Get("Location") != "" {
		t.Fatalf("update: %d %v %s", a.status, a.header, a.raw)
	}
	// If-Match: the current version passes, a stale one is refused and
	// nothing is written.
	if a := call(t, srv, "PUT", "/fhir/Patient/"+id, body(id), "If-Match", `W/"2"`); a.status != http.StatusOK || a.header.Get("ETag") != `W/"3"` {
		t.Fatalf("If-Match current: %d %s", a.status, a.raw)
	}
	if a := call(t, srv, "PUT", "/fhir/Patient/"+id, body(id), "If-Match", `W/"2"`); a.status != http.StatusPreconditionFailed || a.issue()["code"] != "conflict" {
		t.Fatalf("If-Match stale: %d %s", a.status, a.raw)
	}
	if a := call(t, srv, "GET", "/fhir/Patient/"+id, ""); a.header.Get("ETag") != `W/"3"` {
		t.Fatalf("a refused update was written: %v", a.header)
	}
	if a := call(t, srv, "PUT", "/fhir/Patient/"+id, body(id), "If-Match", `"x"`); a.status != http.StatusBadRequest {
		t.Errorf("malformed If-Match: %d %s", a.status, a.raw)
	}
	// Update as create, with a client id.
	a = call(t, srv, "PUT", "/fhir/Patient/p-1", body("p-1"))
	if a.status != http.StatusCreated || a.meta("versionId") != "1" || a.header.Get("Location") != srv.URL+"/fhir/Patient/p-1/_history/1" {
		t.Fatalf("update as create: %d %v %s", a.status, a.header, a.raw)
	}
	if a := call(t, srv, "PUT", "/fhir/Patient/p-2", body("p-2"), "If-Match", `W/"1"`); a.status != http.StatusPreconditionFailed {
		t.Errorf("If-Match on an absent resource: %d %s", a.status, a.raw)
	}
	// The body's id must be the URL's.
	for _, b := range []string{body("other"), `{"resourceType":"Patient"}`} {
		a := call(t, srv, "PUT", "/fhir/Patient/"+id, b)
		if a.status != http.StatusBadRequest || !strings.Contains(strings.Join(a.expressions(), " "), "Patient.id") {
			t.Errorf("id mismatch %s: %d %s", b, a.status, a.raw)
		}
	}
}

func TestDelete(t *testing.T) {
	srv := testServer(t, Options{})
	id := create(t, srv, "Patient", patient)
	path := "/fhir/Patient/" + id

	a := call(t, srv, "DELETE", path, "")
	if a.status != http.StatusNoContent || len(a.raw) != 0 || a.header.Get("ETag") != `W/"2"` {
		t.Fatalf("delete: %d %v %s", a.status, a.header, a.raw)
	}
	r := call(t, srv, "GET", path, "")
	if r.status != http.StatusGone || r.header.Get("ETag") != `W/"2"` || r.issue()["code"] != "deleted" {
		t.Fatalf("read deleted: %d %v %s", r.status, r.header, r.raw)
	}
	// Idempotent: again, the same deletion; Prefer asks for an outcome.
	a = call(t, srv, "DELETE", path, "", "Prefer", "return=OperationOutcome")
	if a.status != http.StatusOK || a.header.Get("ETag") != `W/"2"` || a.issue()["severity"] != "information" {
		t.Fatalf("delete again: %d %v %s", a.status, a.header, a.raw)
	}
	if a := call(t, srv, "DELETE", "/fhir/Patient/never", ""); a.status != http.StatusNoContent || a.header.Get("ETag") != "" {
		t.Errorf("delete absent: %d %v", a.status, a.header)
	}
	// History survives: version 1 reads, version 2 is the deletion.
	if v := call(t, srv, "GET", path+"/_history/1", ""); v.status != http.StatusOK {
		t.Errorf("vread before delete: %d", v.status)
	}
	if v := call(t, srv, "GET", path+"/_history/2", ""); v.status != http.StatusGone {
		t.Errorf("vread of the deletion: %d", v.status)
	}
	// Update brings it back as a create.
	u := call(t, srv, "PUT", path, `{"resourceType":"Patient","id":"`+id+`"}`)
	if u.status != http.StatusCreated || u.meta("versionId") != "3" {
		t.Fatalf("update after delete: %d %s", u.status, u.raw)
	}
}

func TestValidateOperation(t *testing.T) {
	srv := testServer(t, Options{})
	bad := `{"resourceType":"Patient","gender":7}`
	for _, tt := range []struct {
		name, path, body string
		ok               bool
		expr             string
	}{
		{"valid", "/fhir/Patient/$validate", patient, true, ""},
		{"invalid", "/fhir/Patient/$validate", bad, false, "Patient.gender"},
		{"system", "/fhir/$validate", bad, false, "Patient.gender"},
		{"wrong type", "/fhir/Observation/$validate", patient, false, ""},
		{"parameters", "/fhir/Patient/$validate", `{"resourceType":"Parameters","parameter":[{"name":"resource","resource":` + bad + `}]}`, false, "Patient.gender"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a := call(t, srv, "POST", tt.path, tt.body)
			if a.status != http.StatusOK || a.body["resourceType"] != "OperationOutcome" {
				t.Fatalf("%d %s", a.status, a.raw)
			}
			sev := a.issue()["severity"]
			if (sev != "error") == !tt.ok {
				t.Errorf("severity %v, want ok %v: %s", sev, tt.ok, a.raw)
			}
			if tt.expr != "" && !strings.Contains(strings.Join(a.expressions(), " "), tt.expr) {
				t.Errorf("no issue at %s: %s", tt.expr, a.raw)
			}
		})
	}
	if a := call(t, srv, "POST", "/fhir/Patient/$validate", `{"resourceType":"Parameters"}`); a.status != http.StatusBadRequest {
		t.Errorf("Parameters without a resource: %d %s", a.status, a.raw)
	}
	if a := call(t, srv, "POST", "/fhir/Patient/$validate", `nope`); a.status != http.StatusBadRequest {
		t.Errorf("not JSON: %d %s", a.status, a.raw)
	}
}

func TestBase(t *testing.T) {
	srv := testServer(t, Options{Base: "/api/r4/", BaseURL: "https://fhir.example.org/r4/"})
	a := call(t, srv, "POST", "/api/r4/Patient", patient)
	if a.status != http.StatusCreated || !strings.HasPrefix(a.header.Get("Location"), "https://fhir.example.org/r4/Patient/") {
		t.Fatalf("create under another base: %d %v", a.status, a.header)
	}
	if a := call(t, srv, "GET", "/fhir/metadata", ""); a.status != http.StatusNotFound {
		t.Errorf("the default base still answers: %d", a.status)
	}
}

// TestConcurrentIfMatch races clients updating from the same version: the
// ETag check lets exactly one through, the rest get 412.
func TestConcurrentIfMatch(t *testing.T) {
	srv := testServer(t, Options{})
	id := create(t, srv, "Patient", patient)
	const clients = 8
	statuses := make(chan int, clients)
	var wg sync.WaitGroup
	for range clients {
		wg.Go(func() {
			a := call(t, srv, "PUT", "/fhir/Patient/"+id, `{"resourceType":"Patient","id":"`+id+`","active":false}`, "If-Match", `W/"1"`)
			statuses <- a.status
		})
	}
	wg.Wait()
	close(statuses)
	won := 0
	for s := range statuses {
		switch s {
		case http.StatusOK:
			won++
		case http.StatusPreconditionFailed:
		default:
			t.Errorf("status %d", s)
		}
	}
	if won != 1 {
		t.Errorf("%d updates from version 1 succeeded, want 1", won)
	}
	if a := call(t, srv, "GET", "/fhir/Patient/"+id, ""); a.header.Get("ETag") != `W/"2"` {
		t.Errorf("ETag %q after the race, want W/\"2\"", a.header.Get("ETag"))
	}
}

// TestDeleteIfMatch deletes with the current version as If-Match; a
// second client holding the same version then gets 412, and the deletion's
// version is in the ETag.
func TestDeleteIfMatch(t *testing.T) {
	srv := testServer(t, Options{})
	id := create(t, srv, "Patient", patient)
	if a := call(t, srv, "DELETE", "/fhir/Patient/"+id, "", "If-Match", `W/"1"`); a.status != http.StatusNoContent || a.header.Get("ETag") != `W/"2"` {
		t.Fatalf("delete: %d ETag %q %s", a.status, a.header.Get("ETag"), a.raw)
	}
	if a := call(t, srv, "DELETE", "/fhir/Patient/"+id, "", "If-Match", `W/"1"`); a.status != http.StatusPreconditionFailed {
		t.Fatalf("second delete from version 1: %d %s", a.status, a.raw)
	}
	if a := call(t, srv, "GET", "/fhir/Patient/"+id, ""); a.status != http.StatusGone {
		t.Errorf("read after delete: %d", a.status)
	}
}

// TestStoreFailure checks that a failing store gives a 500 outcome that
// tells the client nothing internal, and that the log names the route and
// error but never the resource.
func TestStoreFailure(t *testing.T) {
	db, r, v := fixture(t)
	var logged bytes.Buffer
	srv := serve(t, New(r, v, Options{Logger: slog.New(slog.NewTextHandler(&logged, nil))}))
	// The store goes away under the running server (closing again at the
	// end of the test is harmless).
	r.Close()
	db.Close()

	a := call(t, srv, "POST", "/fhir/Patient", patient)
	if a.status != http.StatusInternalServerError || a.issue()["code"] != "exception" {
		t.Fatalf("%d %s", a.status, a.raw)
	}
	if !strings.Contains(logged.String(), "POST /fhir/{type}") || strings.Contains(logged.String(), "Chalmers") {
		t.Errorf("log: %s", logged.String())
	}
}
