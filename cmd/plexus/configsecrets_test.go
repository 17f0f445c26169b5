package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestConfigNeverPrintsSecrets runs "plexus config validate" and "config
// diff" over configurations that hold secrets where a configuration can
// (a password in a URL, a token in a header, values of the environment
// variables that name secrets), valid and with problems around them, and
// checks that none of the secrets is printed.
func TestConfigNeverPrintsSecrets(t *testing.T) {
	secrets := []string{"S3cretPw1", "HdrT0ken77", "EnvS3cret9", "KeyMat3rial"}
	t.Setenv("PLEXUS_TEST_CLIENT_SECRET", "EnvS3cret9")
	t.Setenv("PLEXUS_TEST_KEYS", "k1:KeyMat3rial")
	dir := t.TempDir()
	valid := filepath.Join(dir, "valid.yaml")
	writeFile(t, valid, `version: 1
encryption: {keys_env: PLEXUS_TEST_KEYS}
channels:
  - name: out
    source: {type: mllp, listen: "127.0.0.1:0"}
    destinations:
      - name: partner
        type: http
        url: "https://svc:S3cretPw1@partner.example.org/in"
        headers: {Authorization: "Bearer HdrT0ken77"}
      - name: fhir
        type: fhir-http
        url: "https://fhir.example.org/r4"
        oauth2: {token_url: "https://fhir.example.org/token", client_id: plexus, client_secret_env: PLEXUS_TEST_CLIENT_SECRET}
`)
	broken := filepath.Join(dir, "broken.yaml")
	writeFile(t, broken, `version: 1
encryption: {keys_env: PLEXUS_TEST_KEYS, keys_file: /nonexistent}
channels:
  - name: out
    source: {type: mllp, listen: "127.0.0.1:0"}
    destinations:
      - name: partner
        type: http
        url: "ftp://svc:S3cretPw1@partner.example.org/in"
        headers: {Authorization: "Bearer HdrT0ken77 {{.Nope", "Bad Header": "HdrT0ken77"}
      - name: partner2
        type: http
        url: "https://svc:S3cretPw1@[::1"
      - name: fhir
        type: fhir-http
        url: "https://svc:S3cretPw1@fhir.example.org/r4"
        oauth2: {token_url: "ftp://svc:S3cretPw1@x/token", client_id: plexus, client_secret_env: PLEXUS_TEST_CLIENT_SECRET, client_secret_file: /x}
`)
	runs := [][]string{
		{"config", "validate", valid},
		{"config", "validate", broken},
		{"config", "diff", valid, broken},
		{"config", "diff", broken, valid},
	}
	for _, args := range runs {
		status, out, errOut := runCLI(t, "", args...)
		if args[1] == "validate" && strings.Contains(args[2], "broken") && status == 0 {
			t.Errorf("%v: the broken configuration validated", args)
		}
		for _, s := range secrets {
			if strings.Contains(out, s) || strings.Contains(errOut, s) {
				t.Errorf("%v printed the secret %q:\n%s%s", args, s, out, errOut)
			}
		}
	}
	if status, out, errOut := runCLI(t, "", "config", "validate", valid); status != 0 {
		t.Errorf("the valid configuration: %d %s %s", status, out, errOut)
	}
}
