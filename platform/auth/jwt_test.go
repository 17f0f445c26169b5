package auth

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
)

// Test keys are generated once per test binary: RSA generation is slow
// under the race detector.
var (
	keysOnce                  sync.Once
	testRSA, testRSA2         *rsa.PrivateKey
	testEC256, testEC384, ecB *ecdsa.PrivateKey
)

func testKeys(t testing.TB) {
	t.Helper()
	keysOnce.Do(func() {
		var err error
		for _, k := range []**rsa.PrivateKey{&testRSA, &testRSA2} {
			if *k, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
				panic(err)
			}
		}
		testEC256, _ = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		ecB, _ = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		testEC384, _ = ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	})
}

var t0 = time.Unix(1_700_000_000, 0)

func claimsAt(now time.Time) Claims {
	return Claims{Issuer: "https://idp.example", Subject: "svc", Audience: Audience{"https://plexus.example/fhir"},
		IssuedAt: NumericDate(now.Unix()), Expiry: NumericDate(now.Add(10 * time.Minute).Unix()), ID: "j1", Scope: "system/*.rs"}
}

func mustSign(t testing.TB, c any, k crypto.Signer, kid, alg string) string {
	t.Helper()
	s, err := Sign(c, k, kid, alg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// forge builds a token with any header and payload and signature bytes.
func forge(header, payload string, sig []byte) string {
	e := base64.RawURLEncoding.EncodeToString
	return e([]byte(header)) + "." + e([]byte(payload)) + "." + e(sig)
}

func TestSignVerify(t *testing.T) {
	testKeys(t)
	all := []string{RS256, RS384, ES256, ES384}
	cases := []struct {
		name string
		key  crypto.Signer
		alg  string
	}{
		{"RS256", testRSA, RS256},
		{"RS384", testRSA, RS384},
		{"ES256", testEC256, ES256},
		{"ES384", testEC384, ES384},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			raw := mustSign(t, claimsAt(t0), tc.key, "k1", tc.alg)
			tok, err := ParseToken(raw)
			if err != nil {
				t.Fatal(err)
			}
			if tok.Header.Alg != tc.alg || tok.Header.Kid != "k1" || tok.Claims.Subject != "svc" {
				t.Errorf("header %+v claims %+v", tok.Header, tok.Claims)
			}
			if err := tok.Verify(tc.key.Public(), all); err != nil {
				t.Errorf("verify: %v", err)
			}
			if err := tok.Verify(tc.key.Public(), []string{"XX"}); !errors.Is(err, ErrAlgorithm) {
				t.Errorf("an alg the caller does not accept: %v", err)
			}
			if tc.alg[0] == 'E' {
				// JWS wants r||s, never ASN.1.
				if n := len(tok.sig); n != map[string]int{ES256: 64, ES384: 96}[tc.alg] {
					t.Errorf("signature is %d bytes", n)
				}
				if err := tok.Verify(testRSA.Public(), all); !errors.Is(err, ErrAlgorithm) {
					t.Errorf("EC token with an RSA key: %v", err)
				}
			} else if err := tok.Verify(testEC256.Public(), all); !errors.Is(err, ErrAlgorithm) {
				t.Errorf("RSA token with an EC key: %v", err)
			}
			// Tampering with any part breaks the signature.
			parts := strings.Split(raw, ".")
			c := claimsAt(t0)
			c.Scope = "system/*.cruds"
			other := strings.Split(mustSign(t, c, tc.key, "k1", tc.alg), ".")
			tampered, _ := ParseToken(parts[0] + "." + other[1] + "." + parts[2])
			if err := tampered.Verify(tc.key.Public(), all); !errors.Is(err, ErrSignature) {
				t.Errorf("tampered payload: %v", err)
			}
		})
	}
	if err := mustParse(t, mustSign(t, claimsAt(t0), testRSA, "", "")).Verify(testRSA2.Public(), all); !errors.Is(err, ErrSignature) {
		t.Errorf("another RSA key: %v", err)
	}
	if err := mustParse(t, mustSign(t, claimsAt(t0), testEC256, "", "")).Verify(ecB.Public(), all); !errors.Is(err, ErrSignature) {
		t.Errorf("another EC key: %v", err)
	}
	if _, err := Sign(claimsAt(t0), testEC256, "", ES384); err == nil {
		t.Error("signed ES384 with a P-256 key")
	}
}

func mustParse(t testing.TB, raw string) *Token {
	t.Helper()
	tok, err := ParseToken(raw)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// TestRefusedAlgorithms: none, HS256 (the public-key-as-secret attack) and
// unknown algorithms are refused whatever the key.
func TestRefusedAlgorithms(t *testing.T) {
	testKeys(t)
	payload := `{"iss":"x","exp":1}`
	for _, hdr := range []string{`{"alg":"none"}`, `{"alg":"None"}`, `{"alg":""}`, `{"alg":"HS256"}`, `{"alg":"hs512"}`, `{"alg":"PS256"}`, `{"alg":"EdDSA"}`} {
		tok := mustParse(t, forge(hdr, payload, []byte("sig")))
		for _, key := range []crypto.PublicKey{testRSA.Public(), testEC256.Public()} {
			if err := tok.Verify(key, []string{RS256, ES256, "HS256", "none", "PS256", "EdDSA"}); !errors.Is(err, ErrAlgorithm) {
				t.Errorf("%s with %T: %v", hdr, key, err)
			}
		}
	}
	// An empty signature with alg none is still refused.
	tok := mustParse(t, forge(`{"alg":"none"}`, payload, nil))
	if err := tok.Verify(testEC256.Public(), AccessTokenAlgs); !errors.Is(err, ErrAlgorithm) {
		t.Errorf("none, empty signature: %v", err)
	}
}

func TestParseMalformed(t *testing.T) {
	cases := []string{
		"",
		"a.b",
		"a.b.c.d",
		"!!!.e30.",
		"e30.!!!.",
		forge(`[]`, `{}`, nil),
		forge(`{"alg":"ES256"}`, `"x"`, nil),
		forge(`{"alg":"ES256"}`, `{} {}`, nil),
		forge(`{"alg":"ES256","crit":["exp"]}`, `{}`, nil),
		forge(`{"alg":"ES256"}`, `{"aud":7}`, nil),
		forge(`{"alg":"ES256"}`, `{"exp":"tomorrow"}`, nil),
		forge(`{"alg":"ES256"}`, `{"exp":-5}`, nil),
		forge(`{"alg":"ES256"}`, `{"iss":5}`, nil),
		"e30.e30.e30=",
		strings.Repeat("a", MaxTokenSize+1),
	}
	for _, raw := range cases {
		if _, err := ParseToken(raw); !errors.Is(err, ErrMalformed) {
			short := raw
			if len(short) > 60 {
				short = short[:60]
			}
			t.Errorf("ParseToken(%q) = %v, want ErrMalformed", short, err)
		}
	}
	tok := mustParse(t, forge(`{"alg":"ES256"}`, `{"aud":["a","b"],"exp":1.5}`, nil))
	if len(tok.Claims.Audience) != 2 || tok.Claims.Expiry != 1 {
		t.Errorf("claims %+v", tok.Claims)
	}
}

func TestValidate(t *testing.T) {
	base := Expect{Issuers: []string{"https://idp.example"}, Audience: "https://plexus.example/fhir", Now: func() time.Time { return t0 }}
	cases := []struct {
		name   string
		edit   func(*Claims)
		expect func(*Expect)
		want   error
	}{
		{"good", nil, nil, nil},
		{"aud in an array", func(c *Claims) { c.Audience = Audience{"other", "https://plexus.example/fhir"} }, nil, nil},
		{"no exp", func(c *Claims) { c.Expiry = 0 }, nil, ErrExpired},
		{"expired", func(c *Claims) { c.Expiry = NumericDate(t0.Add(-2 * time.Minute).Unix()) }, nil, ErrExpired},
		{"expired within skew", func(c *Claims) { c.Expiry = NumericDate(t0.Add(-30 * time.Second).Unix()) }, nil, nil},
		{"nbf ahead", func(c *Claims) { c.NotBefore = NumericDate(t0.Add(5 * time.Minute).Unix()) }, nil, ErrNotYetValid},
		{"nbf within skew", func(c *Claims) { c.NotBefore = NumericDate(t0.Add(30 * time.Second).Unix()) }, nil, nil},
		{"iat in the future", func(c *Claims) { c.IssuedAt = NumericDate(t0.Add(time.Hour).Unix()) }, nil, ErrNotYetValid},
		{"wrong iss", func(c *Claims) { c.Issuer = "https://evil.example" }, nil, ErrIssuer},
		{"wrong aud", func(c *Claims) { c.Audience = Audience{"https://other.example/fhir"} }, nil, ErrAudience},
		{"no aud", func(c *Claims) { c.Audience = nil }, nil, ErrAudience},
		{"lifetime too long", nil, func(e *Expect) { e.MaxLifetime = 5 * time.Minute }, ErrExpired},
		{"lifetime ok", func(c *Claims) { c.Expiry = NumericDate(t0.Add(4 * time.Minute).Unix()) }, func(e *Expect) { e.MaxLifetime = 5 * time.Minute }, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := claimsAt(t0)
			if tc.edit != nil {
				tc.edit(&c)
			}
			e := base
			if tc.expect != nil {
				tc.expect(&e)
			}
			tok := &Token{Claims: c}
			err := tok.Validate(e)
			if tc.want == nil && err != nil || tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("Validate = %v, want %v", err, tc.want)
			}
		})
	}
}

// FuzzParseToken: the parser never panics, and whatever it accepts
// verifies only with the right key.
func FuzzParseToken(f *testing.F) {
	testKeys(f)
	f.Add(mustSign(f, claimsAt(t0), testEC256, "k", ES256))
	f.Add(mustSign(f, claimsAt(t0), testRSA, "k", RS256))
	f.Add(forge(`{"alg":"none"}`, `{"aud":["a"]}`, nil))
	f.Add("e30.e30.")
	f.Add("..")
	f.Fuzz(func(t *testing.T, raw string) {
		tok, err := ParseToken(raw)
		if err != nil {
			return
		}
		_ = tok.Validate(Expect{Now: func() time.Time { return t0 }})
		if tok.Verify(ecB.Public(), AssertionAlgs) == nil {
			t.Errorf("%q verified with a key that never signed anything", raw)
		}
		_ = tok.Verify(testRSA2.Public(), AssertionAlgs)
	})
}
