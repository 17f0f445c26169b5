package auth

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseKeySet(t *testing.T) {
	testKeys(t)
	ec, _ := PublicJWK(testEC256.Public(), "ec", ES256)
	ec384, _ := PublicJWK(testEC384.Public(), "ec384", "")
	rsa, _ := PublicJWK(testRSA.Public(), "rsa", "")
	enc := rsa
	enc.Use, enc.Kid = "enc", "enc"
	good, _ := json.Marshal(map[string]any{"keys": []JWK{ec, ec384, rsa, enc}})
	ks, err := ParseKeySet(good)
	if err != nil || len(ks.Keys) != 3 {
		t.Fatalf("%v, %d keys (want 3: the enc key left out)", err, len(ks.Keys))
	}
	single, _ := json.Marshal(ec)
	if ks, err := ParseKeySet(single); err != nil || len(ks.Keys) != 1 || ks.Keys[0].ID != "ec" {
		t.Errorf("a single JWK: %v", err)
	}
	offCurve := ec
	offCurve.Y = offCurve.X
	shortRSA := rsa
	shortRSA.N = shortRSA.N[:100]
	bad := []struct {
		name string
		jwk  JWK
		want string
	}{
		{"off the curve", offCurve, "EC key"},
		{"short RSA", shortRSA, "shorter than"},
		{"private", JWK{Kty: "EC", Crv: "P-256", X: ec.X, Y: ec.Y, D: "AAAA"}, "private key"},
		{"P-521", JWK{Kty: "EC", Crv: "P-521", X: ec.X, Y: ec.Y}, "not supported"},
		{"oct", JWK{Kty: "oct"}, "not supported"},
		{"even exponent", JWK{Kty: "RSA", N: rsa.N, E: "Ag"}, "exponent"},
	}
	for _, tc := range bad {
		b, _ := json.Marshal(map[string]any{"keys": []JWK{tc.jwk}})
		if _, err := ParseKeySet(b); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
	for _, in := range []string{``, `[]`, `{"keys":[]}`, `{"keys":"x"}`} {
		if _, err := ParseKeySet([]byte(in)); err == nil {
			t.Errorf("%q was accepted", in)
		}
	}
	path := filepath.Join(t.TempDir(), "jwks.json")
	os.WriteFile(path, good, 0o600)
	if ks, err := LoadKeySetFile(path); err != nil || len(ks.Keys) != 3 {
		t.Errorf("LoadKeySetFile: %v", err)
	}
	// Thumbprint is stable and differs between keys.
	a, _ := Thumbprint(testEC256.Public())
	b, _ := Thumbprint(testEC256.Public())
	c, _ := Thumbprint(testRSA.Public())
	if a != b || a == c || len(a) != 43 {
		t.Errorf("thumbprints %q %q %q", a, b, c)
	}
}

func TestCutScopes(t *testing.T) {
	registered := []string{"system/Observation.cruds", "system/Patient.rs", "system/Condition.rs?category=problem-list-item"}
	cases := []struct {
		requested, want string
	}{
		{"system/Observation.rs", "system/Observation.rs"},
		{"system/Observation.read system/Patient.r", "system/Observation.read system/Patient.r"},
		{"system/Patient.rs system/Patient.cud", "system/Patient.rs"},
		{"system/*.rs system/Patient.s", "system/Patient.s"},
		{"system/Condition.rs?category=problem-list-item", "system/Condition.rs?category=problem-list-item"},
		{"system/Condition.rs", ""},
		{"patient/Observation.rs user/Observation.rs", ""},
		{"openid fhirUser not-a-scope", ""},
	}
	for _, tc := range cases {
		got, err := CutScopes(registered, tc.requested)
		if got != tc.want || (tc.want == "") != (err != nil) {
			t.Errorf("CutScopes(%q) = %q, %v; want %q", tc.requested, got, err, tc.want)
		}
	}
}

// FuzzParseKeySet: the JWK Set parser never panics, and every key it
// returns is one Verify can use.
func FuzzParseKeySet(f *testing.F) {
	testKeys(f)
	ec, _ := PublicJWK(testEC256.Public(), "ec", "")
	rsa, _ := PublicJWK(testRSA.Public(), "rsa", "")
	b, _ := json.Marshal(map[string]any{"keys": []JWK{ec, rsa}})
	f.Add(b)
	f.Add([]byte(`{"kty":"EC","crv":"P-256","x":"","y":""}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		ks, err := ParseKeySet(data)
		if err != nil {
			return
		}
		tok := mustParse(t, mustSign(t, claimsAt(t0), testEC256, "", ES256))
		for _, k := range ks.Keys {
			_ = tok.Verify(k.Public, AssertionAlgs)
		}
	})
}
