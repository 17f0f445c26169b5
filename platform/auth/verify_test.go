package auth

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func newRequest(authorization string) *http.Request {
	r := httptest.NewRequest("GET", "/fhir/Patient", nil)
	if authorization != "" {
		r.Header.Set("Authorization", authorization)
	}
	return r
}

func TestVerifierAuthenticate(t *testing.T) {
	testKeys(t)
	ks := &KeySet{Keys: []Key{{ID: "ec", Public: testEC256.Public()}, {ID: "rsa", Public: testRSA.Public()}}}
	v := NewVerifier(Issuer{Issuer: "https://idp.example", Audience: "https://plexus.example/fhir", Keys: ks})
	v.Now = func() time.Time { return t0 }
	c := claimsAt(t0)
	c.Patient = "p1"
	c.Scope = "patient/Observation.rs patient/Patient.r"
	good := mustSign(t, c, testEC256, "ec", ES256)
	cases := []struct {
		name   string
		header string
		want   error
	}{
		{"es256", "Bearer " + good, nil},
		{"rs256", "bearer " + mustSign(t, c, testRSA, "rsa", RS256), nil},
		{"no kid tries every key", "Bearer " + mustSign(t, c, testRSA, "", RS256), nil},
		{"missing", "", ErrNoToken},
		{"basic", "Basic dXNlcjpwYXNz", ErrNoToken},
		{"unknown kid", "Bearer " + mustSign(t, c, testEC256, "nope", ES256), ErrUnknownKey},
		{"kid of another key", "Bearer " + mustSign(t, c, ecB, "ec", ES256), ErrSignature},
		{"RS384 not accepted on access tokens", "Bearer " + mustSign(t, c, testRSA, "rsa", RS384), ErrAlgorithm},
		{"untrusted issuer", "Bearer " + mustSign(t, Claims{Issuer: "https://evil", Expiry: c.Expiry}, testEC256, "ec", ES256), ErrIssuer},
		{"garbage", "Bearer abc", ErrMalformed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := newRequest(tc.header)
			p, err := v.Authenticate(r)
			if tc.want != nil {
				if !errors.Is(err, tc.want) {
					t.Errorf("err = %v, want %v", err, tc.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if p.Kind != KindClient || p.Subject != "svc" || p.Patient != "p1" || p.TokenID != "j1" || strings.Join(p.Scopes, ",") != "patient/Observation.rs,patient/Patient.r" {
				t.Errorf("principal %+v", p)
			}
		})
	}
}

// TestRequireBearer: a good token reaches the handler with its principal;
// a missing or bad one gets 401, the RFC 6750 challenge and an
// OperationOutcome, and the handler is not called.
func TestRequireBearer(t *testing.T) {
	testKeys(t)
	ks := &KeySet{Keys: []Key{{ID: "ec", Public: testEC256.Public()}}}
	v := NewVerifier(Issuer{Issuer: "https://idp.example", Audience: "https://plexus.example/fhir", Keys: ks})
	v.Now = func() time.Time { return t0 }
	var called atomic.Int32
	h := RequireBearer(v, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		called.Add(1)
		p, ok := FromContext(r.Context())
		if !ok || p.Subject != "svc" {
			t.Errorf("principal %+v", p)
		}
	}))
	good := mustSign(t, claimsAt(t0), testEC256, "ec", ES256)
	parts := strings.Split(good, ".")
	tampered := parts[0] + "." + parts[1] + "x." + parts[2]
	for _, tc := range []struct {
		header string
		status int
	}{
		{"Bearer " + good, 200},
		{"", 401},
		{"Bearer " + tampered, 401},
		{"Bearer " + parts[0] + "." + parts[1] + ".", 401},
	} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, newRequest(tc.header))
		if w.Code != tc.status {
			t.Errorf("%.20q: status %d, want %d", tc.header, w.Code, tc.status)
			continue
		}
		if tc.status == 200 {
			continue
		}
		if got := w.Header().Get("WWW-Authenticate"); !strings.HasPrefix(got, `Bearer error="invalid_token"`) {
			t.Errorf("WWW-Authenticate %q", got)
		}
		var oo struct {
			ResourceType string
			Issue        []struct{ Severity, Code string }
		}
		if err := json.Unmarshal(w.Body.Bytes(), &oo); err != nil || oo.ResourceType != "OperationOutcome" || len(oo.Issue) != 1 || oo.Issue[0].Code != "login" {
			t.Errorf("body %s (%v)", w.Body, err)
		}
		if strings.Contains(w.Body.String()+w.Header().Get("WWW-Authenticate"), parts[1]) {
			t.Error("the answer echoes the token")
		}
	}
	if called.Load() != 1 {
		t.Errorf("handler called %d times, want 1", called.Load())
	}
}

// TestRemoteKeySet: keys come from a JWKS URL, are cached, are fetched
// again for an unknown kid (a rotation) but not more often than MinRefresh,
// and an oversized or failing answer is an error that keeps the old set.
func TestRemoteKeySet(t *testing.T) {
	testKeys(t)
	var fetches atomic.Int32
	var body atomic.Value
	setJWKS := func(kid string, k any) {
		j, err := PublicJWK(k, kid, "")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(map[string]any{"keys": []JWK{j}})
		body.Store(b)
	}
	setJWKS("k1", testEC256.Public())
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fetches.Add(1)
		switch r.URL.Path {
		case "/jwks":
			w.Write(body.Load().([]byte))
		case "/big":
			w.Write([]byte(`{"keys":[` + strings.Repeat(" ", MaxJWKSSize) + `]}`))
		case "/redirect":
			http.Redirect(w, r, "/jwks", http.StatusFound)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	now := t0
	clock := func() time.Time { return now }
	r := &RemoteKeySet{URL: srv.URL + "/jwks", MinRefresh: time.Minute, Now: clock}
	ctx := t.Context()
	if keys, err := r.Lookup(ctx, "k1"); err != nil || len(keys) != 1 {
		t.Fatalf("k1: %v %v", keys, err)
	}
	if _, err := r.Lookup(ctx, "k1"); err != nil || fetches.Load() != 1 {
		t.Fatalf("cached lookup: %v, %d fetches", err, fetches.Load())
	}
	// Rotation: k2 appears; an unknown kid within MinRefresh is not fetched.
	setJWKS("k2", ecB.Public())
	if _, err := r.Lookup(ctx, "k2"); !errors.Is(err, ErrUnknownKey) || fetches.Load() != 1 {
		t.Fatalf("k2 within MinRefresh: %v, %d fetches", err, fetches.Load())
	}
	now = now.Add(2 * time.Minute)
	if _, err := r.Lookup(ctx, "k2"); err != nil || fetches.Load() != 2 {
		t.Fatalf("k2 after MinRefresh: %v, %d fetches", err, fetches.Load())
	}
	for i := 0; i < 5; i++ {
		if _, err := r.Lookup(ctx, "made-up"); !errors.Is(err, ErrUnknownKey) {
			t.Fatal(err)
		}
	}
	if fetches.Load() != 2 {
		t.Errorf("made-up kids caused %d fetches", fetches.Load()-2)
	}
	for _, path := range []string{"/big", "/redirect", "/missing"} {
		r := &RemoteKeySet{URL: srv.URL + path}
		if _, err := r.Lookup(ctx, ""); !errors.Is(err, ErrUnknownKey) {
			t.Errorf("%s: %v", path, err)
		}
	}
}

// TestExternalIssuer: a token of an external OpenID Connect provider
// verifies with the keys its discovery document points at.
func TestExternalIssuer(t *testing.T) {
	testKeys(t)
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	defer srv.Close()
	mux.HandleFunc("/.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]string{"issuer": srv.URL, "jwks_uri": srv.URL + "/keys"})
	})
	mux.HandleFunc("/keys", func(w http.ResponseWriter, r *http.Request) {
		j, _ := PublicJWK(testRSA.Public(), "r1", RS256)
		json.NewEncoder(w).Encode(map[string]any{"keys": []JWK{j}})
	})
	v := NewVerifier(Issuer{Issuer: srv.URL, Audience: "plexus", Keys: &RemoteKeySet{Issuer: srv.URL}})
	c := Claims{Issuer: srv.URL, Subject: "app", Audience: Audience{"plexus"}, Expiry: NumericDate(time.Now().Add(time.Minute).Unix()), Scope: "system/Patient.rs"}
	p, err := v.Authenticate(newRequest("Bearer " + mustSign(t, c, testRSA, "r1", RS256)))
	if err != nil || p.Subject != "app" {
		t.Fatalf("%+v %v", p, err)
	}
	if _, err := v.Authenticate(newRequest("Bearer " + mustSign(t, c, testRSA2, "r1", RS256))); !errors.Is(err, ErrSignature) {
		t.Errorf("signed by another key: %v", err)
	}
	c.Audience = Audience{"someone-else"}
	if _, err := v.Authenticate(newRequest("Bearer " + mustSign(t, c, testRSA, "r1", RS256))); !errors.Is(err, ErrAudience) {
		t.Errorf("wrong audience: %v", err)
	}
}
