package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/plexus-health/plexus/platform/auth"
)

// TestClients registers, lists, disables and enables a client through the
// CLI, and checks that mistakes are refused without touching the store.
func TestClients(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	j, err := auth.PublicJWK(&key.PublicKey, "k1", auth.ES384)
	if err != nil {
		t.Fatal(err)
	}
	set, _ := json.Marshal(map[string]any{"keys": []auth.JWK{j}})
	dir := t.TempDir()
	jwks := filepath.Join(dir, "jwks.json")
	if err := os.WriteFile(jwks, set, 0o644); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(dir, "data")
	steps := []struct {
		args   []string
		status int
		out    string // a substring of stdout, or of stderr on failure
	}{
		{[]string{"add", "lab", "--scope", "system/Observation.cruds,system/Patient.rs", "--jwks-file", jwks, "--name", "Lab system"}, exitOK, "registered client lab with scopes system/Observation.cruds system/Patient.rs"},
		{[]string{"add", "lab", "--scope", "system/*.rs", "--jwks-file", jwks}, exitFailure, "already registered"},
		{[]string{"add", "bad", "--scope", "system/patient.rs", "--jwks-file", jwks}, exitFailure, "not a resource type"},
		{[]string{"add", "both", "--scope", "system/*.rs", "--jwks-file", jwks, "--jwks-url", "https://x/j"}, exitUsage, "one of them"},
		{[]string{"add", "noscope", "--jwks-file", jwks}, exitUsage, "--scope is required"},
		{[]string{"add", "remote", "--scope", "system/*.read", "--jwks-url", "https://app.example/jwks"}, exitOK, "registered client remote"},
		{[]string{"disable", "lab"}, exitOK, "client lab disabled"},
		{[]string{"disable", "ghost"}, exitFailure, "client not found"},
		{[]string{"list"}, exitOK, "lab     disabled"},
		{[]string{"enable", "lab"}, exitOK, "client lab enabled"},
		{[]string{"list"}, exitOK, "https://app.example/jwks"},
		{[]string{"frob"}, exitUsage, "unknown sub-command"},
		{[]string{"disable"}, exitUsage, "needs one client ID"},
	}
	for _, s := range steps {
		status, stdout, stderr := runCLI(t, "", append(append([]string{"clients"}, s.args...), "--data", data)...)
		got := stdout
		if s.status != exitOK {
			got = stderr
		}
		if status != s.status || !strings.Contains(got, s.out) {
			t.Errorf("plexus clients %s: exit %d\nstdout: %s\nstderr: %s\nwant exit %d and %q", strings.Join(s.args, " "), status, stdout, stderr, s.status, s.out)
		}
	}
	status, stdout, _ := runCLI(t, "", "clients", "list", "--data", data)
	if status != exitOK || !strings.Contains(stdout, "lab     enabled") || strings.Count(stdout, "\n") != 3 {
		t.Errorf("list after enable:\n%s", stdout)
	}
}
