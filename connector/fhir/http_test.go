package fhir

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/plexus-health/plexus/connector/internal/conntest"
	"github.com/plexus-health/plexus/engine"
)

// authServers is a token endpoint and a FHIR server that requires its
// bearer tokens.
type authServers struct {
	token, fhir *httptest.Server

	mu       sync.Mutex
	issued   map[string]bool // tokens the endpoint gave and the FHIR server accepts
	grants   atomic.Int32    // token requests answered with a token
	bundles  [][]byte        // Bundles the FHIR server accepted
	answer   func(w http.ResponseWriter) bool
	lifetime int // expires_in of new tokens; 0 leaves it out
}

const clientSecret = "s3cret with spaces&symbols"

func newAuthServers(t *testing.T) *authServers {
	s := &authServers{issued: map[string]bool{}, lifetime: 3600}
	s.token = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, secret, ok := r.BasicAuth()
		if err := r.ParseForm(); err != nil || r.Method != http.MethodPost {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		if !ok { // auth_style: body
			id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
		} else {
			// Basic credentials are form-encoded first (RFC 6749 2.3.1).
			id, _ = url.QueryUnescape(id)
			secret, _ = url.QueryUnescape(secret)
		}
		w.Header().Set("Content-Type", "application/json")
		if r.PostForm.Get("grant_type") != "client_credentials" || id != "plexus" || secret != clientSecret {
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"error":"invalid_client"}`)
			return
		}
		if r.PostForm.Get("scope") != "system/*.write" {
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"error":"invalid_scope"}`)
			return
		}
		n := s.grants.Add(1)
		tok := fmt.Sprintf("token-%d", n)
		s.mu.Lock()
		s.issued[tok] = true
		lifetime := s.lifetime
		s.mu.Unlock()
		ans := map[string]any{"access_token": tok, "token_type": "Bearer"}
		if lifetime > 0 {
			ans["expires_in"] = lifetime
		}
		json.NewEncoder(w).Encode(ans)
	}))
	t.Cleanup(s.token.Close)
	s.fhir = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		s.mu.Lock()
		ok := s.issued[tok]
		answer := s.answer
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/fhir+json")
		if !ok {
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"login"}]}`)
			return
		}
		if r.Method != http.MethodPost || r.URL.Path != "/r4" || r.Header.Get("Content-Type") != engine.ContentFHIR {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprintf(w, `{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"invalid","diagnostics":"%s %s %s"}]}`, r.Method, r.URL.Path, r.Header.Get("Content-Type"))
			return
		}
		if answer != nil && answer(w) {
			return
		}
		body, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.bundles = append(s.bundles, body)
		s.mu.Unlock()
		io.WriteString(w, `{"resourceType":"Bundle","type":"transaction-response","entry":[{"response":{"status":"201 Created"}}]}`)
	}))
	t.Cleanup(s.fhir.Close)
	return s
}

func (s *authServers) revoke() {
	s.mu.Lock()
	clear(s.issued)
	s.mu.Unlock()
}

func (s *authServers) options(extra string) conntest.Options {
	return conntest.Options(fmt.Sprintf(`url: %s/r4/
oauth2:
  token_url: %s/token
  client_id: plexus
  client_secret_env: PLEXUS_TEST_FHIR_SECRET
  scope: system/*.write
%s`, s.fhir.URL, s.token.URL, extra))
}

func newHTTP(t *testing.T, opts conntest.Options) *HTTP {
	t.Helper()
	d, err := NewHTTP(conntest.Env(t, nil), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.(*HTTP).Close() })
	return d.(*HTTP)
}

func TestHTTPBearerToken(t *testing.T) {
	t.Setenv("PLEXUS_TEST_FHIR_SECRET", clientSecret)
	s := newAuthServers(t)
	d := newHTTP(t, s.options(""))
	for i := range 3 {
		resp, err := d.Deliver(t.Context(), outbound(goodTx))
		if err != nil {
			t.Fatalf("Deliver %d: %v", i, err)
		}
		if resp.Status != "200" {
			t.Errorf("status %s", resp.Status)
		}
	}
	if n := s.grants.Load(); n != 1 {
		t.Errorf("%d tokens fetched for 3 deliveries, want 1 (cached until expiry)", n)
	}
	if len(s.bundles) != 3 || string(s.bundles[0]) != goodTx {
		t.Errorf("the FHIR server got %d Bundles, want 3 copies of the payload", len(s.bundles))
	}

	// A revoked token: 401, retryable, and the next attempt fetches a new
	// token and succeeds.
	s.revoke()
	_, err := d.Deliver(t.Context(), outbound(goodTx))
	if err == nil || engine.IsPermanent(err) || !strings.Contains(err.Error(), "401") {
		t.Fatalf("Deliver with a revoked token = %v, want a retryable 401 error", err)
	}
	if _, err := d.Deliver(t.Context(), outbound(goodTx)); err != nil {
		t.Fatalf("Deliver after the 401: %v", err)
	}
	if n := s.grants.Load(); n != 2 {
		t.Errorf("%d tokens fetched, want 2", n)
	}
}

func TestHTTPTokenExpiry(t *testing.T) {
	t.Setenv("PLEXUS_TEST_FHIR_SECRET", clientSecret)
	s := newAuthServers(t)
	s.lifetime = 100
	d := newHTTP(t, s.options(""))
	now := time.Now()
	d.now = func() time.Time { return now }
	if _, err := d.Deliver(t.Context(), outbound(goodTx)); err != nil {
		t.Fatal(err)
	}
	now = now.Add(89 * time.Second) // renewed a tenth of the lifetime early
	if _, err := d.Deliver(t.Context(), outbound(goodTx)); err != nil {
		t.Fatal(err)
	}
	if n := s.grants.Load(); n != 1 {
		t.Fatalf("%d tokens before expiry, want 1", n)
	}
	now = now.Add(2 * time.Second)
	if _, err := d.Deliver(t.Context(), outbound(goodTx)); err != nil {
		t.Fatal(err)
	}
	if n := s.grants.Load(); n != 2 {
		t.Errorf("%d tokens after expiry, want 2", n)
	}
}

func TestHTTPSecretFileAndBodyAuth(t *testing.T) {
	s := newAuthServers(t)
	file := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(file, []byte(clientSecret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	opts := conntest.Options(strings.Replace(string(s.options("  auth_style: body\n")), "client_secret_env: PLEXUS_TEST_FHIR_SECRET", "client_secret_file: "+file, 1))
	if _, err := newHTTP(t, opts).Deliver(t.Context(), outbound(goodTx)); err != nil {
		t.Fatalf("Deliver: %v", err)
	}
}

func TestHTTPTokenFailuresAreRetried(t *testing.T) {
	s := newAuthServers(t)
	// No secret in the environment, then a wrong one: the message is not
	// at fault, so it waits in the queue rather than being dead-lettered.
	d := newHTTP(t, s.options(""))
	_, err := d.Deliver(t.Context(), outbound(goodTx))
	if err == nil || engine.IsPermanent(err) || !strings.Contains(err.Error(), "PLEXUS_TEST_FHIR_SECRET") {
		t.Errorf("without the secret: %v, want a retryable error naming the variable", err)
	}
	t.Setenv("PLEXUS_TEST_FHIR_SECRET", "wrong")
	_, err = d.Deliver(t.Context(), outbound(goodTx))
	var te *TokenError
	if !errors.As(err, &te) || te.Code != "invalid_client" || engine.IsPermanent(err) {
		t.Errorf("with a wrong secret: %v, want a retryable TokenError invalid_client", err)
	}
	if strings.Contains(err.Error(), "wrong") {
		t.Errorf("the error %q shows the secret", err)
	}
	if len(s.bundles) != 0 {
		t.Error("a Bundle reached the FHIR server without a token")
	}
}

func TestHTTPClassifiesAnswers(t *testing.T) {
	t.Setenv("PLEXUS_TEST_FHIR_SECRET", clientSecret)
	s := newAuthServers(t)
	d := newHTTP(t, s.options(""))
	for _, tc := range []struct {
		status    int
		body      string
		ok        bool
		permanent bool
		want      string
	}{
		{201, `{"resourceType":"Bundle","type":"transaction-response"}`, true, false, ""},
		{422, `{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"invalid","diagnostics":"bad gender","expression":["Patient.gender"]}]}`, false, true, "422 Unprocessable Entity: error invalid at Patient.gender"},
		{400, `not json`, false, true, "400 Bad Request"},
		{429, ``, false, false, "429"},
		{503, ``, false, false, "503"},
		{200, `{"resourceType":"Bundle","type":"batch-response","entry":[{"response":{"status":"201 Created"}},{"response":{"status":"404 Not Found","outcome":{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"not-found"}]}}}]}`, false, true, "1 of the batch's entries failed; entry 1: 404 Not Found: error not-found"},
	} {
		s.mu.Lock()
		s.answer = func(w http.ResponseWriter) bool {
			w.WriteHeader(tc.status)
			io.WriteString(w, tc.body)
			return true
		}
		s.mu.Unlock()
		resp, err := d.Deliver(t.Context(), outbound(goodTx))
		if tc.ok {
			if err != nil {
				t.Errorf("%d: %v", tc.status, err)
			}
			continue
		}
		if err == nil {
			t.Errorf("%d %s: no error", tc.status, tc.body)
			continue
		}
		if engine.IsPermanent(err) != tc.permanent {
			t.Errorf("%d: permanent = %v, want %v", tc.status, engine.IsPermanent(err), tc.permanent)
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%d: error %q does not contain %q", tc.status, err, tc.want)
		}
		// Diagnostics may quote patient data: the error, which is logged,
		// leaves them out; the response keeps them.
		if strings.Contains(err.Error(), "bad gender") {
			t.Errorf("%d: error %q carries the diagnostics", tc.status, err)
		}
		if resp == nil || resp.Status != fmt.Sprint(tc.status) || string(resp.Body) != tc.body {
			t.Errorf("%d: response %+v does not keep the answer", tc.status, resp)
		}
	}
}

func TestHTTPOptions(t *testing.T) {
	for _, tc := range []struct{ opts, want string }{
		{`url: https://fhir.example/r4`, ""},
		{`{url: "https://fhir.example/r4", oauth2: {token_url: "https://a.example/t", client_id: x, client_secret_env: S}}`, ""},
		{``, "url: required"},
		{`url: ftp://x/`, "not an http"},
		{`url: https://x/r4?a=b`, "no query"},
		{`{url: "https://x", oauth2: {token_url: "https://a/t", client_id: x}}`, "exactly one of client_secret_env and client_secret_file"},
		{`{url: "https://x", oauth2: {token_url: "https://a/t", client_id: x, client_secret_env: S, client_secret_file: f}}`, "exactly one"},
		{`{url: "https://x", oauth2: {client_id: x, client_secret_env: S}}`, "oauth2.token_url: required"},
		{`{url: "https://x", oauth2: {token_url: "https://a/t", client_id: x, client_secret_env: S, auth_style: jwt}}`, "oauth2.auth_style"},
		{`{url: "https://x", oauth2: {token_url: "https://a/t", client_id: x, client_secret: S}}`, "client_secret not found"},
		{`{url: "https://x", timeout: -1s}`, "timeout"},
	} {
		_, err := NewHTTP(conntest.Env(t, nil), conntest.Options(tc.opts))
		conntest.CheckErr(t, tc.opts, err, tc.want)
	}
}
