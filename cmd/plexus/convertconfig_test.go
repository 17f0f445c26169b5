package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestConfigValidateMappingOverrides checks that the binary installs the
// conversion with override support: a v2_to_fhir step naming a good
// override file validates, one naming a missing file is refused with the
// file named.
func TestConfigValidateMappingOverrides(t *testing.T) {
	dir := t.TempDir()
	sex := filepath.Join(dir, "sex.csv")
	// The IG's vocabulary layout: header rows, then code rows; one code added.
	src, err := os.ReadFile("../../mapping/v2fhir/mappings/v2-to-fhir-ig/2024.1/codesystems/AdministrativeSex.csv")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(sex, src, 0o644); err != nil {
		t.Fatal(err)
	}
	config := func(file string) string {
		p := filepath.Join(dir, "c.yaml")
		yaml := `version: 1
channels:
  - name: a
    source: {type: mllp, listen: 127.0.0.1:0}
    transform:
      - v2_to_fhir: {overrides: {codesystems: {AdministrativeSex: "` + file + `"}}}
    destinations:
      - {name: fhir, type: fhir-store}
`
		if err := os.WriteFile(p, []byte(yaml), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	var stdout, stderr bytes.Buffer
	if code := run([]string{"config", "validate", config(sex)}, nil, &stdout, &stderr); code != exitOK {
		t.Fatalf("valid override refused: exit %d: %s", code, stderr.String())
	}
	stderr.Reset()
	missing := filepath.Join(dir, "nope.csv")
	if code := run([]string{"config", "validate", config(missing)}, nil, &stdout, &stderr); code == exitOK || !strings.Contains(stderr.String(), "nope.csv") {
		t.Fatalf("missing override file: exit %d: %s", code, stderr.String())
	}
}
