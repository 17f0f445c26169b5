package spec_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// packageDir is where the official package lives in a full checkout; only
// regenerating needs it.
const packageDir = "../../../shared/spec/fhir-r4/package"

// TestGeneratedDataIsCurrent regenerates the definitions from the official
// package and checks that the committed data/r4.gob.gz is byte for byte what
// the generator writes now.
func TestGeneratedDataIsCurrent(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping regeneration in -short mode")
	}
	if _, err := os.Stat(filepath.Join(packageDir, "package.json")); err != nil {
		t.Skipf("the FHIR R4 package is not at %s (%v); regeneration not checked", packageDir, err)
	}
	out := filepath.Join(t.TempDir(), "r4.gob.gz")
	cmd := exec.Command("go", "run", "./internal/gen", "-package", packageDir, "-out", out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("generator: %v\n%s", err, b)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("data/r4.gob.gz")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("data/r4.gob.gz is stale (%d bytes committed, %d generated): run go generate ./fhir/spec", len(want), len(got))
	}
}
