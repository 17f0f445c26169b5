package audit

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/plexus-health/plexus/platform/auth"
)

// noRedirects is a client that reports redirects instead of following them.
var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error {
	return errors.New("unexpected redirect")
}}

func do(t *testing.T, method, url, body string, header ...string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := noRedirects.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// fakeAuth stands for authentication middleware: the X-User header names
// the user, "bad" is refused with 401 before the handler runs.
func fakeAuth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user := r.Header.Get("X-User")
		if user == "bad" {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		if user != "" {
			p := &auth.Principal{Kind: auth.KindClient, Subject: user, TokenID: "jti-1", Scopes: []string{"user/*.rs"}}
			NotePrincipal(r.Context(), p)
			r = r.WithContext(auth.WithPrincipal(r.Context(), p))
		}
		next.ServeHTTP(w, r)
	})
}

// fhirStub answers like a FHIR server: it reads the whole body, and fails
// Patient/missing with 404 and Patient/crash with 500.
var fhirStub = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	io.Copy(io.Discard, r.Body)
	switch {
	case strings.HasSuffix(r.URL.Path, "/missing"):
		w.WriteHeader(http.StatusNotFound)
	case strings.HasSuffix(r.URL.Path, "/crash"):
		w.WriteHeader(http.StatusInternalServerError)
	case r.Method == http.MethodPost:
		w.WriteHeader(http.StatusCreated)
	}
	io.WriteString(w, `{"resourceType":"OperationOutcome"}`)
})

func TestMiddlewareRecordsFHIRRequests(t *testing.T) {
	_, l := openTest(t, Options{})
	// Audit outside authentication: refused requests are recorded too.
	srv := httptest.NewServer(Middleware(l, FHIRClassifier("/fhir"))(fakeAuth(fhirStub)))
	defer srv.Close()

	secret := `{"resourceType":"Patient","name":[{"family":"Secretname"}]}`
	bigEntries := `"entry":[` + strings.Repeat(`{"resource":{"resourceType":"Basic"}},`, 3000) + `{}]`
	steps := []struct {
		method, path, body, user string
		status                   int
		action, outcome          string
	}{
		{"GET", "/fhir/Patient/1", "", "ann", 200, "fhir.read", OutcomeSuccess},
		{"GET", "/fhir/Patient/missing", "", "ann", 404, "fhir.read", OutcomeFailure},
		{"DELETE", "/fhir/Patient/crash", "", "ann", 500, "fhir.delete", OutcomeError},
		{"POST", "/fhir/Patient", secret, "ann", 201, "fhir.create", OutcomeSuccess},
		{"GET", "/fhir/Patient?name=Secretname", "", "bad", 401, "fhir.search-type", OutcomeFailure},
		{"POST", "/fhir", `{"resourceType":"Bundle","type":"transaction","entry":[]}`, "ann", 201, "fhir.transaction", OutcomeSuccess},
		{"POST", "/fhir/", `{"resourceType":"Bundle","type":"batch"}`, "", 201, "fhir.batch", OutcomeSuccess},
		{"POST", "/fhir", `{"resourceType":"Bundle",` + bigEntries + `,"type":"batch"}`, "ann", 201, "fhir.bundle", OutcomeSuccess},
		{"GET", "/other", "", "ann", 200, "", ""},
	}
	for _, s := range steps {
		status, _ := do(t, s.method, srv.URL+s.path, s.body, "X-User", s.user, "Content-Type", "application/fhir+json")
		if status != s.status {
			t.Fatalf("%s %s: status %d, want %d", s.method, s.path, status, s.status)
		}
	}
	recs, _, err := l.Query(context.Background(), Filter{})
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, s := range steps {
		if s.action != "" {
			want = append(want, s.action)
		}
	}
	if len(recs) != len(want) {
		t.Fatalf("%d records, want %d", len(recs), len(want))
	}
	for i, s := range steps[:len(want)] {
		r := recs[len(recs)-1-i] // oldest last
		if r.Action != s.action || r.Status != s.status || r.Outcome != s.outcome || r.Method != s.method || r.Remote != "127.0.0.1" {
			t.Errorf("%s %s recorded as %+v", s.method, s.path, r.Entry)
		}
		switch s.user {
		case "ann":
			if r.Principal != auth.KindClient || r.Subject != "ann" || r.TokenID != "jti-1" {
				t.Errorf("%s %s: who %q %q %q", s.method, s.path, r.Principal, r.Subject, r.TokenID)
			}
		default:
			if r.Principal != "" || r.Subject != "" {
				t.Errorf("%s %s: anonymous recorded as %q %q", s.method, s.path, r.Principal, r.Subject)
			}
		}
		if strings.Contains(r.Path+r.Query+r.ResourceID, "family") {
			t.Errorf("a body reached the log: %+v", r.Entry)
		}
	}
	if rep, err := l.Verify(context.Background()); err != nil || !rep.OK() {
		t.Errorf("verify: %s, %v", rep.String(), err)
	}
}

// TestMiddlewareInsideAuthentication reads the principal from the context
// when authentication runs first.
func TestMiddlewareInsideAuthentication(t *testing.T) {
	_, l := openTest(t, Options{})
	srv := httptest.NewServer(fakeAuth(Middleware(l, AdminAction)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("payload"))
	}))))
	defer srv.Close()
	do(t, "GET", srv.URL+"/api/v1/messages/42/content", "", "X-User", "ops")
	do(t, "GET", srv.URL+"/healthz", "", "X-User", "ops")
	recs, _, err := l.Query(context.Background(), Filter{})
	if err != nil || len(recs) != 1 {
		t.Fatalf("%d records, %v", len(recs), err)
	}
	r := recs[0]
	if r.Action != "admin.messages.content" || r.ResourceID != "42" || r.Subject != "ops" || r.Status != 200 {
		t.Errorf("recorded %+v", r.Entry)
	}
}

// TestAttribute wires the middleware as serve does, around
// auth.RequireBearer-style authentication that knows nothing of the audit
// log: Attribute passes the principal out.
func TestAttribute(t *testing.T) {
	_, l := openTest(t, Options{})
	authn := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Authorization") != "Bearer good" {
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			p := &auth.Principal{Kind: auth.KindClient, Subject: "backend", TokenID: "jti-7"}
			next.ServeHTTP(w, r.WithContext(auth.WithPrincipal(r.Context(), p)))
		})
	}
	srv := httptest.NewServer(Middleware(l, FHIRClassifier("/fhir"))(authn(Attribute(fhirStub))))
	defer srv.Close()
	do(t, "GET", srv.URL+"/fhir/Patient/1", "", "Authorization", "Bearer good")
	do(t, "GET", srv.URL+"/fhir/Patient/2", "", "Authorization", "Bearer bad")
	recs, _, err := l.Query(context.Background(), Filter{})
	if err != nil || len(recs) != 2 {
		t.Fatalf("%d records, %v", len(recs), err)
	}
	if r := recs[1]; r.Subject != "backend" || r.TokenID != "jti-7" || r.Status != 200 || r.ResourceID != "1" {
		t.Errorf("authenticated request recorded as %+v", r.Entry)
	}
	if r := recs[0]; r.Subject != "" || r.Status != 401 || r.Outcome != OutcomeFailure || r.ResourceID != "2" {
		t.Errorf("refused request recorded as %+v", r.Entry)
	}
}
