package auth

import (
	"crypto"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/plexus-health/plexus/platform/store"
)

// authFixture is the authorization server over a real HTTP server, with
// the FHIR base guarded by RequireBearer.
type authFixture struct {
	srv     *Server
	http    *httptest.Server
	clients *Clients
	now     atomic.Int64 // the server's clock, unix seconds
	jti     atomic.Int64
	client  *http.Client
}

func newAuthFixture(t *testing.T) *authFixture {
	t.Helper()
	testKeys(t)
	db, err := store.Open(t.Context(), "", t.TempDir(), store.Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	f := &authFixture{clients: NewClients(db)}
	f.now.Store(time.Now().Unix())
	mux := http.NewServeMux()
	f.http = httptest.NewServer(mux)
	t.Cleanup(f.http.Close)
	f.srv, err = NewServer(t.Context(), db, ServerOptions{
		Issuer:        f.http.URL,
		TokenLifetime: 10 * time.Minute,
		Now:           func() time.Time { return time.Unix(f.now.Load(), 0) },
	})
	if err != nil {
		t.Fatal(err)
	}
	mux.Handle("/auth/", f.srv.Handler())
	mux.Handle("/.well-known/", f.srv.Handler())
	mux.Handle("/fhir/.well-known/", f.srv.Handler())
	mux.Handle("/fhir/", RequireBearer(f.srv.Verifier(), http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, _ := FromContext(r.Context())
		json.NewEncoder(w).Encode(p)
	})))
	f.client = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return f
}

func (f *authFixture) register(t *testing.T, id string, key crypto.Signer, alg string, scopes ...string) {
	t.Helper()
	j, err := PublicJWK(key.Public(), id+"-key", alg)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(map[string]any{"keys": []JWK{j}})
	if err := f.clients.Add(t.Context(), Client{ID: id, Name: "test " + id, Scopes: scopes, JWKS: string(b)}); err != nil {
		t.Fatal(err)
	}
}

// assertion returns a client assertion signed by key, with edit applied
// to its claims.
func (f *authFixture) assertion(t *testing.T, id string, key crypto.Signer, alg string, edit func(*Claims)) string {
	t.Helper()
	now := time.Unix(f.now.Load(), 0)
	c := Claims{Issuer: id, Subject: id, Audience: Audience{f.srv.TokenEndpoint()},
		Expiry: NumericDate(now.Add(4 * time.Minute).Unix()), ID: fmt.Sprintf("jti-%d", f.jti.Add(1))}
	if edit != nil {
		edit(&c)
	}
	return mustSign(t, c, key, id+"-key", alg)
}

// token posts a token request and returns the status and the decoded
// answer.
func (f *authFixture) token(t *testing.T, form url.Values) (int, map[string]any) {
	t.Helper()
	resp, err := f.client.PostForm(f.http.URL+TokenPath, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("token answer: %v", err)
	}
	if resp.Header.Get("Cache-Control") != "no-store" {
		t.Error("token answer without Cache-Control: no-store")
	}
	return resp.StatusCode, out
}

func tokenForm(assertion, scope string) url.Values {
	return url.Values{
		"grant_type":            {"client_credentials"},
		"client_assertion_type": {JWTBearer},
		"client_assertion":      {assertion},
		"scope":                 {scope},
	}
}

// fhirGet calls the guarded FHIR base with token and returns the status
// and the principal the handler saw.
func (f *authFixture) fhirGet(t *testing.T, token string) (int, *Principal) {
	t.Helper()
	req, _ := http.NewRequest("GET", f.http.URL+"/fhir/Patient", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := f.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		return resp.StatusCode, nil
	}
	var p Principal
	if err := json.NewDecoder(resp.Body).Decode(&p); err != nil {
		t.Fatal(err)
	}
	return 200, &p
}

// TestBackendServices: clients registered with an ES384 and an RS384 key
// get tokens by SMART Backend Services, and the tokens open the FHIR API.
func TestBackendServices(t *testing.T) {
	f := newAuthFixture(t)
	f.register(t, "lab-es", testEC384, ES384, "system/Observation.cruds", "system/Patient.rs")
	f.register(t, "lab-rs", testRSA, RS384, "system/*.rs")
	for _, tc := range []struct {
		id    string
		key   crypto.Signer
		alg   string
		scope string
		want  string
	}{
		{"lab-es", testEC384, ES384, "system/Observation.rs system/Patient.r", "system/Observation.rs system/Patient.r"},
		{"lab-rs", testRSA, RS384, "system/Observation.rs", "system/Observation.rs"},
		// Wider than registered: cut down to what is covered.
		{"lab-rs", testRSA, RS384, "system/Observation.rs system/Patient.cud openid", "system/Observation.rs"},
	} {
		status, out := f.token(t, tokenForm(f.assertion(t, tc.id, tc.key, tc.alg, nil), tc.scope))
		if status != 200 {
			t.Fatalf("%s: %d %v", tc.id, status, out)
		}
		if out["token_type"] != "bearer" || out["scope"] != tc.want || out["expires_in"] != float64(600) {
			t.Errorf("%s: answer %v", tc.id, out)
		}
		at, _ := out["access_token"].(string)
		status, p := f.fhirGet(t, at)
		if status != 200 || p.Subject != tc.id || p.Kind != KindClient || strings.Join(p.Scopes, " ") != tc.want || p.TokenID == "" {
			t.Errorf("%s: FHIR call %d, principal %+v", tc.id, status, p)
		}
		// Tampered: the scope in the payload widened.
		parts := strings.Split(at, ".")
		tok := mustParse(t, at)
		tok.Claims.Scope = "system/*.cruds"
		payload, _ := json.Marshal(tok.Claims)
		forged := parts[0] + "." + strings.Split(forge("{}", string(payload), nil), ".")[1] + "." + parts[2]
		if status, _ := f.fhirGet(t, forged); status != 401 {
			t.Errorf("%s: tampered token: %d", tc.id, status)
		}
	}
	// The token expires with its lifetime.
	status, out := f.token(t, tokenForm(f.assertion(t, "lab-es", testEC384, ES384, nil), "system/Patient.rs"))
	if status != 200 {
		t.Fatal(out)
	}
	f.now.Add(11 * 60)
	if status, _ := f.fhirGet(t, out["access_token"].(string)); status != 401 {
		t.Errorf("expired token: %d", status)
	}
}

// TestTokenRefusals: every way a token request can be wrong gets the
// OAuth2 error RFC 6749 and SMART Backend Services name.
func TestTokenRefusals(t *testing.T) {
	f := newAuthFixture(t)
	f.register(t, "app", testEC256, ES256, "system/Patient.rs")
	f.register(t, "off", testEC384, ES384, "system/Patient.rs")
	if err := f.clients.SetDisabled(t.Context(), "off", true); err != nil {
		t.Fatal(err)
	}
	replayed := f.assertion(t, "app", testEC256, ES256, nil)
	if status, out := f.token(t, tokenForm(replayed, "system/Patient.rs")); status != 200 {
		t.Fatalf("first use: %d %v", status, out)
	}
	good := func() string { return f.assertion(t, "app", testEC256, ES256, nil) }
	now := time.Unix(f.now.Load(), 0)
	cases := []struct {
		name   string
		form   url.Values
		status int
		code   string
	}{
		{"wrong key", tokenForm(f.assertion(t, "app", ecB, ES256, nil), "system/Patient.rs"), 401, "invalid_client"},
		{"expired assertion", tokenForm(f.assertion(t, "app", testEC256, ES256, func(c *Claims) { c.Expiry = NumericDate(now.Add(-5 * time.Minute).Unix()) }), "system/Patient.rs"), 401, "invalid_client"},
		{"assertion living too long", tokenForm(f.assertion(t, "app", testEC256, ES256, func(c *Claims) { c.Expiry = NumericDate(now.Add(time.Hour).Unix()) }), "system/Patient.rs"), 401, "invalid_client"},
		{"replayed jti", tokenForm(replayed, "system/Patient.rs"), 401, "invalid_client"},
		{"no jti", tokenForm(f.assertion(t, "app", testEC256, ES256, func(c *Claims) { c.ID = "" }), "system/Patient.rs"), 401, "invalid_client"},
		{"wrong aud", tokenForm(f.assertion(t, "app", testEC256, ES256, func(c *Claims) { c.Audience = Audience{f.http.URL + "/fhir"} }), "system/Patient.rs"), 401, "invalid_client"},
		{"sub is not iss", tokenForm(f.assertion(t, "app", testEC256, ES256, func(c *Claims) { c.Subject = "other" }), "system/Patient.rs"), 401, "invalid_client"},
		{"unknown client", tokenForm(f.assertion(t, "ghost", testEC256, ES256, nil), "system/Patient.rs"), 401, "invalid_client"},
		{"disabled client", tokenForm(f.assertion(t, "off", testEC384, ES384, nil), "system/Patient.rs"), 401, "invalid_client"},
		{"HS256 assertion", tokenForm(forge(`{"alg":"HS256"}`, `{"iss":"app","sub":"app"}`, []byte("x")), "system/Patient.rs"), 401, "invalid_client"},
		{"not a JWT", tokenForm("abc", "system/Patient.rs"), 401, "invalid_client"},
		{"scope wider than registered", tokenForm(good(), "system/Patient.cruds system/Observation.rs"), 400, "invalid_scope"},
		{"patient scope for a system client", tokenForm(good(), "patient/Patient.rs"), 400, "invalid_scope"},
		{"no scope", tokenForm(good(), ""), 400, "invalid_request"},
		{"wrong grant type", func() url.Values {
			v := tokenForm(good(), "system/Patient.rs")
			v.Set("grant_type", "password")
			return v
		}(), 400, "unsupported_grant_type"},
		{"no grant type", func() url.Values { v := tokenForm(good(), "system/Patient.rs"); v.Del("grant_type"); return v }(), 400, "invalid_request"},
		{"wrong assertion type", func() url.Values {
			v := tokenForm(good(), "system/Patient.rs")
			v.Set("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:saml2-bearer")
			return v
		}(), 401, "invalid_client"},
		{"client_id of another client", func() url.Values { v := tokenForm(good(), "system/Patient.rs"); v.Set("client_id", "off"); return v }(), 401, "invalid_client"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, out := f.token(t, tc.form)
			if status != tc.status || out["error"] != tc.code {
				t.Errorf("%d %v, want %d %s", status, out, tc.status, tc.code)
			}
			if _, ok := out["access_token"]; ok {
				t.Error("an access token was issued")
			}
		})
	}
	// A request refused for its scope has not spent its jti.
	a := good()
	if status, _ := f.token(t, tokenForm(a, "system/Observation.rs")); status != 400 {
		t.Fatalf("status %d", status)
	}
	if status, out := f.token(t, tokenForm(a, "system/Patient.rs")); status != 200 {
		t.Errorf("retry with a corrected scope: %d %v", status, out)
	}
	// GET is not a token request.
	resp, err := f.client.Get(f.http.URL + TokenPath)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET %s: %d", TokenPath, resp.StatusCode)
	}
}

// TestClientJWKSURL: a client registered with a JWK Set URL authenticates
// with the keys served there.
func TestClientJWKSURL(t *testing.T) {
	f := newAuthFixture(t)
	keys := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		j, _ := PublicJWK(testRSA.Public(), "url-key", "")
		json.NewEncoder(w).Encode(map[string]any{"keys": []JWK{j}})
	}))
	defer keys.Close()
	if err := f.clients.Add(t.Context(), Client{ID: "url", Scopes: []string{"system/*.read"}, JWKSURL: keys.URL}); err != nil {
		t.Fatal(err)
	}
	c := Claims{Issuer: "url", Subject: "url", Audience: Audience{f.srv.TokenEndpoint()}, Expiry: NumericDate(f.now.Load() + 60), ID: "u1"}
	status, out := f.token(t, tokenForm(mustSign(t, c, testRSA, "url-key", RS384), "system/Patient.read"))
	if status != 200 || out["scope"] != "system/Patient.read" {
		t.Errorf("%d %v", status, out)
	}
	c.ID = "u2"
	if status, out := f.token(t, tokenForm(mustSign(t, c, testRSA2, "url-key", RS384), "system/Patient.read")); status != 401 || out["error"] != "invalid_client" {
		t.Errorf("another key: %d %v", status, out)
	}
}

// TestDiscovery: the SMART configuration (at the root and under /fhir)
// and the JWKS describe the server, and the published key verifies its
// tokens.
func TestDiscovery(t *testing.T) {
	f := newAuthFixture(t)
	for _, path := range []string{"/.well-known/smart-configuration", "/fhir/.well-known/smart-configuration"} {
		resp, err := f.client.Get(f.http.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			TokenEndpoint string   `json:"token_endpoint"`
			JWKSURI       string   `json:"jwks_uri"`
			Grants        []string `json:"grant_types_supported"`
			Methods       []string `json:"token_endpoint_auth_methods_supported"`
			Algs          []string `json:"token_endpoint_auth_signing_alg_values_supported"`
			Capabilities  []string `json:"capabilities"`
		}
		err = json.NewDecoder(resp.Body).Decode(&doc)
		resp.Body.Close()
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("%s: %d %v", path, resp.StatusCode, err)
		}
		if doc.TokenEndpoint != f.http.URL+TokenPath || doc.JWKSURI != f.http.URL+JWKSPath ||
			strings.Join(doc.Grants, ",") != "client_credentials" || strings.Join(doc.Methods, ",") != "private_key_jwt" ||
			!strings.Contains(strings.Join(doc.Algs, ","), "ES384") || !strings.Contains(strings.Join(doc.Capabilities, ","), "client-confidential-asymmetric") {
			t.Errorf("%s: %+v", path, doc)
		}
	}
	f.register(t, "app", testEC256, ES256, "system/*.rs")
	_, out := f.token(t, tokenForm(f.assertion(t, "app", testEC256, ES256, nil), "system/Patient.rs"))
	// Verify the token with the published JWKS only, as an outside
	// resource server would.
	remote := NewVerifier(Issuer{Issuer: f.http.URL, Audience: f.http.URL + "/fhir", Keys: &RemoteKeySet{URL: f.http.URL + JWKSPath}})
	remote.Now = func() time.Time { return time.Unix(f.now.Load(), 0) }
	if _, err := remote.Verify(t.Context(), out["access_token"].(string)); err != nil {
		t.Errorf("verifying with the published JWKS: %v", err)
	}
}

// TestServerKeyKept: the signing key is generated once and kept in the
// store, so tokens survive a restart.
func TestServerKeyKept(t *testing.T) {
	testKeys(t)
	dir := t.TempDir()
	open := func() (*Server, *store.DB) {
		db, err := store.Open(t.Context(), "", dir, store.Options{Synchronous: "NORMAL"})
		if err != nil {
			t.Fatal(err)
		}
		s, err := NewServer(t.Context(), db, ServerOptions{Issuer: "https://plexus.example/"})
		if err != nil {
			t.Fatal(err)
		}
		return s, db
	}
	s1, db1 := open()
	c := Claims{Issuer: "https://plexus.example", Subject: "x", Audience: Audience{"https://plexus.example/fhir"}, Expiry: NumericDate(time.Now().Add(time.Minute).Unix())}
	tok, err := Sign(c, s1.key, s1.kid, ES256)
	if err != nil {
		t.Fatal(err)
	}
	db1.Close()
	s2, db2 := open()
	defer db2.Close()
	if s2.kid != s1.kid {
		t.Errorf("kid %s after restart, was %s", s2.kid, s1.kid)
	}
	if _, err := s2.Verifier().Verify(t.Context(), tok); err != nil {
		t.Errorf("a token from before the restart: %v", err)
	}
	if _, err := NewServer(t.Context(), db2, ServerOptions{Issuer: "https://x", TokenLifetime: 2 * time.Hour}); err == nil {
		t.Error("a 2h token lifetime was accepted")
	}
	if _, err := NewServer(t.Context(), db2, ServerOptions{Issuer: "x"}); err == nil {
		t.Error("a relative issuer was accepted")
	}
}

func TestClientCheck(t *testing.T) {
	testKeys(t)
	j, _ := PublicJWK(testEC256.Public(), "k", "")
	set, _ := json.Marshal(map[string]any{"keys": []JWK{j}})
	priv := strings.Replace(string(set), `"kty"`, `"d":"AAAA","kty"`, 1)
	cases := []struct {
		name string
		c    Client
		ok   bool
	}{
		{"inline", Client{ID: "a", Scopes: []string{"system/*.rs"}, JWKS: string(set)}, true},
		{"url", Client{ID: "a", Scopes: []string{"system/*.rs"}, JWKSURL: "https://app.example/jwks"}, true},
		{"bad id", Client{ID: "a b", Scopes: []string{"system/*.rs"}, JWKS: string(set)}, false},
		{"no scope", Client{ID: "a", JWKS: string(set)}, false},
		{"bad scope", Client{ID: "a", Scopes: []string{"system/patient.rs"}, JWKS: string(set)}, false},
		{"no keys", Client{ID: "a", Scopes: []string{"system/*.rs"}}, false},
		{"both", Client{ID: "a", Scopes: []string{"system/*.rs"}, JWKS: string(set), JWKSURL: "https://x/j"}, false},
		{"private key", Client{ID: "a", Scopes: []string{"system/*.rs"}, JWKS: priv}, false},
		{"relative url", Client{ID: "a", Scopes: []string{"system/*.rs"}, JWKSURL: "/jwks"}, false},
	}
	for _, tc := range cases {
		if err := tc.c.Check(); (err == nil) != tc.ok {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
	f := newAuthFixture(t)
	if err := f.clients.Add(t.Context(), cases[0].c); err != nil {
		t.Fatal(err)
	}
	if err := f.clients.Add(t.Context(), cases[0].c); !errors.Is(err, ErrClientExists) {
		t.Errorf("second add: %v", err)
	}
	if err := f.clients.SetDisabled(t.Context(), "nobody", true); !errors.Is(err, ErrClientNotFound) {
		t.Errorf("disable unknown: %v", err)
	}
	list, err := f.clients.List(t.Context())
	if err != nil || len(list) != 1 || list[0].ID != "a" || list[0].Scopes[0] != "system/*.rs" {
		t.Errorf("list %v %v", list, err)
	}
}
