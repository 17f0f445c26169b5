package config

import (
	"testing"
	"time"
)

// TestAuthDefaults: the issuer is derived from the admin address, the
// token lifetime defaults to 15 minutes, and an external provider's
// audience defaults to this server's FHIR base.
func TestAuthDefaults(t *testing.T) {
	cases := []struct {
		name, yaml string
		issuer     string
		lifetime   time.Duration
		audience   string
	}{
		{"no section", "channels: []\n", "http://127.0.0.1:8080", 15 * time.Minute, ""},
		{"all interfaces", "admin: {listen: '0.0.0.0:9443'}\nchannels: []\n", "http://127.0.0.1:9443", 15 * time.Minute, ""},
		{"given", "auth:\n  issuer: https://plexus.example.org/\n  token_lifetime: 30m\n  external:\n    - issuer: https://idp.example.org\nchannels: []\n",
			"https://plexus.example.org", 30 * time.Minute, "https://plexus.example.org/fhir"},
		{"loopback http provider", "auth:\n  external:\n    - {issuer: 'http://127.0.0.1:9000', audience: plexus}\nchannels: []\n",
			"http://127.0.0.1:8080", 15 * time.Minute, "plexus"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := load([]source{{"c.yaml", []byte(tc.yaml)}}, testRegistry(nil), time.Unix(0, 0))
			if err != nil {
				t.Fatal(err)
			}
			a := cfg.Auth
			if a.Issuer != tc.issuer || a.TokenLifetime != tc.lifetime {
				t.Errorf("issuer %q lifetime %v", a.Issuer, a.TokenLifetime)
			}
			if tc.audience != "" && (len(a.External) != 1 || a.External[0].Audience != tc.audience) {
				t.Errorf("external %+v", a.External)
			}
		})
	}
}
