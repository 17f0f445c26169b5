package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/plexus-health/plexus/platform/auth"
)

// TestServeSecurity drives the HTTP surface of a running "plexus serve"
// with every kind of caller: anonymous, the local admin key, API keys of
// the viewer and auditor roles, and an OAuth2 client that gets its token
// from the built-in authorization server with a signed client assertion.
// It checks what each may do, and that the audit log recorded it all in an
// unbroken chain.
func TestServeSecurity(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	cfg := filepath.Join(dir, "plexus.yaml")
	writeFile(t, cfg, "version: 1\nadmin: {listen: \"127.0.0.1:0\"}\nchannels: []\n")
	p := startServe(t, cfg, data)
	base := "http://" + p.admin

	call := func(c *http.Client, method, path, body string, hdr ...string) (int, string, http.Header) {
		t.Helper()
		req, err := http.NewRequest(method, base+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if body != "" {
			req.Header.Set("Content-Type", "application/fhir+json")
		}
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b), resp.Header
	}
	anon := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	withKey := func(key string) *http.Client {
		return &http.Client{Transport: keyTransport{key}, CheckRedirect: anon.CheckRedirect}
	}

	// Anonymous callers reach only what is open.
	for _, c := range []struct {
		method, path string
		want         int
	}{
		{"GET", "/healthz", 200},
		{"GET", "/fhir/metadata", 200},
		{"GET", "/.well-known/smart-configuration", 200},
		{"GET", "/fhir/.well-known/smart-configuration", 200},
		{"GET", "/auth/jwks", 200},
		{"GET", "/api/v1/messages", 401},
		{"GET", "/api/v1/audit", 401},
		{"GET", "/metrics", 401},
		{"GET", "/fhir/Patient", 401},
		{"GET", "/fhir/AuditEvent", 401},
		{"POST", "/fhir", 401},
	} {
		if status, body, _ := call(anon, c.method, c.path, ""); status != c.want {
			t.Errorf("anonymous %s %s: %d, want %d: %.200s", c.method, c.path, status, c.want, body)
		}
	}
	if status, _, h := call(anon, "GET", "/fhir/Patient", "", "Authorization", "Bearer not-a-token"); status != 401 ||
		!strings.Contains(h.Get("WWW-Authenticate"), "invalid_token") {
		t.Errorf("a bad bearer token: %d %q", status, h.Get("WWW-Authenticate"))
	}
	_, meta, _ := call(anon, "GET", "/fhir/metadata", "")
	if !strings.Contains(meta, "SMART-on-FHIR") || !strings.Contains(meta, "/auth/token") {
		t.Errorf("the CapabilityStatement does not describe SMART security: %.500s", meta)
	}

	// The local admin key may write clinical data.
	admin := p.client
	for _, pt := range []string{"alpha", "beta"} {
		patient := fmt.Sprintf(`{"resourceType":"Patient","id":"%s","name":[{"family":"Sectest%s"}]}`, pt, pt)
		if status, body, _ := call(admin, "PUT", "/fhir/Patient/"+pt, patient); status != 201 {
			t.Fatalf("PUT Patient/%s: %d %s", pt, status, body)
		}
		obs := fmt.Sprintf(`{"resourceType":"Observation","id":"obs-%s","status":"final","code":{"text":"weight"},"subject":{"reference":"Patient/%s"}}`, pt, pt)
		if status, body, _ := call(admin, "PUT", "/fhir/Observation/obs-"+pt, obs); status != 201 {
			t.Fatalf("PUT Observation/obs-%s: %d %s", pt, status, body)
		}
	}

	// API keys of other roles, made with the CLI while serve runs.
	newKey := func(name string, args ...string) string {
		t.Helper()
		status, out, errOut := runPlexus(t, append([]string{"apikeys", "create", name, "--data", data}, args...)...)
		if status != 0 {
			t.Fatalf("apikeys create %s: %d %s", name, status, errOut)
		}
		return strings.TrimSpace(out)
	}
	viewer := withKey(newKey("dashboard", "--role", "viewer"))
	auditor := withKey(newKey("audit-reader", "--role", "auditor"))
	reader := withKey(newKey("reporting", "--role", "viewer", "--phi"))
	for _, c := range []struct {
		who          string
		c            *http.Client
		method, path string
		want         int
	}{
		{"viewer", viewer, "GET", "/api/v1/messages", 200},
		{"viewer", viewer, "GET", "/metrics", 200},
		{"viewer", viewer, "GET", "/api/v1/audit", 403},
		{"viewer", viewer, "POST", "/api/v1/dlq/replay?all=1", 403},
		{"viewer", viewer, "GET", "/api/v1/users", 403},
		{"viewer", viewer, "GET", "/fhir/Patient", 403}, // clinical data needs phi
		{"viewer", viewer, "GET", "/fhir/AuditEvent", 403},
		{"auditor", auditor, "GET", "/api/v1/audit", 200},
		{"auditor", auditor, "GET", "/fhir/AuditEvent", 200},
		{"auditor", auditor, "GET", "/fhir/Patient", 403},
		{"reader", reader, "GET", "/fhir/Patient?name=sectest", 200},
		{"reader", reader, "DELETE", "/fhir/Patient/alpha", 403}, // phi without admin: read and search only
		{"admin", admin, "GET", "/api/v1/users", 200},
	} {
		if status, body, _ := call(c.c, c.method, c.path, ""); status != c.want {
			t.Errorf("%s %s %s: %d, want %d: %.200s", c.who, c.method, c.path, status, c.want, body)
		}
	}

	// An OAuth2 client registered with its public key gets a token for
	// what it was registered for, and sees nothing else.
	key, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	jwk, err := auth.PublicJWK(&key.PublicKey, "k1", auth.ES384)
	if err != nil {
		t.Fatal(err)
	}
	jwks, _ := json.Marshal(map[string]any{"keys": []any{jwk}})
	jwksFile := filepath.Join(dir, "jwks.json")
	if err := os.WriteFile(jwksFile, jwks, 0o600); err != nil {
		t.Fatal(err)
	}
	if status, _, errOut := runPlexus(t, "clients", "add", "lab", "--scope", "system/Observation.rs", "--jwks-file", jwksFile, "--data", data); status != 0 {
		t.Fatalf("clients add: %d %s", status, errOut)
	}
	var smart struct {
		TokenEndpoint string `json:"token_endpoint"`
	}
	_, body, _ := call(anon, "GET", "/.well-known/smart-configuration", "")
	if err := json.Unmarshal([]byte(body), &smart); err != nil || smart.TokenEndpoint == "" {
		t.Fatalf("smart-configuration: %v %s", err, body)
	}
	now := time.Now()
	assertion, err := auth.Sign(auth.Claims{Issuer: "lab", Subject: "lab", Audience: auth.Audience{smart.TokenEndpoint},
		Expiry: auth.NumericDate(now.Add(4 * time.Minute).Unix()), ID: fmt.Sprint(now.UnixNano())}, key, "k1", auth.ES384)
	if err != nil {
		t.Fatal(err)
	}
	form := url.Values{
		"grant_type":            {"client_credentials"},
		"scope":                 {"system/Observation.rs system/Patient.rs"},
		"client_assertion_type": {"urn:ietf:params:oauth:client-assertion-type:jwt-bearer"},
		"client_assertion":      {assertion},
	}
	status, body, _ := call(anon, "POST", "/auth/token", form.Encode(), "Content-Type", "application/x-www-form-urlencoded")
	var tok struct {
		AccessToken string `json:"access_token"`
		Scope       string `json:"scope"`
	}
	if err := json.Unmarshal([]byte(body), &tok); status != 200 || err != nil || tok.AccessToken == "" {
		t.Fatalf("token: %d %v %s", status, err, body)
	}
	if tok.Scope != "system/Observation.rs" {
		t.Errorf("granted scope %q, want it cut to system/Observation.rs", tok.Scope)
	}
	bearer := withKey(tok.AccessToken)
	if status, body, _ := call(bearer, "GET", "/fhir/Observation", ""); status != 200 || !strings.Contains(body, "obs-alpha") || !strings.Contains(body, "obs-beta") {
		t.Errorf("client search Observation: %d %.300s", status, body)
	}
	if status, _, _ := call(bearer, "GET", "/fhir/Patient/alpha", ""); status != 403 {
		t.Errorf("client read Patient: %d, want 403", status)
	}
	if status, _, _ := call(bearer, "GET", "/api/v1/messages", ""); status != 401 {
		t.Errorf("a FHIR token on the admin API: %d, want 401", status)
	}
	// The same assertion again is a replay.
	if status, body, _ := call(anon, "POST", "/auth/token", form.Encode(), "Content-Type", "application/x-www-form-urlencoded"); status != 401 || !strings.Contains(body, "invalid_client") {
		t.Errorf("replayed assertion: %d %s", status, body)
	}

	// The audit log saw the refused and the allowed, under each caller.
	var records struct {
		Records []struct {
			Action  string `json:"action"`
			Subject string `json:"subject"`
			Status  int    `json:"status"`
		} `json:"records"`
	}
	_, body, _ = call(auditor, "GET", "/api/v1/audit?limit=500", "")
	if err := json.Unmarshal([]byte(body), &records); err != nil {
		t.Fatalf("audit: %v %s", err, body)
	}
	seen := map[string]bool{}
	for _, r := range records.Records {
		seen[fmt.Sprintf("%s %s %d", r.Action, r.Subject, r.Status)] = true
	}
	for _, want := range []string{
		"fhir.search-type  401",
		"fhir.update local-admin 201",
		"fhir.search-type reporting 200",
		"fhir.search-type lab 200",
		"fhir.read lab 403",
		"admin.messages.list dashboard 200",
	} {
		if !seen[want] {
			t.Errorf("the audit log has no %q record", want)
		}
	}
	if t.Failed() {
		t.Logf("audit records: %v", seen)
	}
	p.stop(t)
	if status, out, errOut := runPlexus(t, "audit", "verify", "--data", data); status != 0 || !strings.Contains(out+errOut, "intact") {
		t.Errorf("audit verify: %d %s %s", status, out, errOut)
	}
}
