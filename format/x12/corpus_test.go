package x12

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// sharedX12 is the shared X12 test data, beside the repository.
const sharedX12 = "../../../shared/testdata/x12"

// corpusFiles returns every shared X12 file, or skips when the shared test
// data is not checked out.
func corpusFiles(t testing.TB) []string {
	t.Helper()
	if _, err := os.Stat(sharedX12); err != nil {
		t.Skipf("shared test data not found at %s (check out shared/ beside the repository): %v", sharedX12, err)
	}
	var files []string
	filepath.WalkDir(sharedX12, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".txt") {
			files = append(files, path)
		}
		return nil
	})
	if len(files) == 0 {
		t.Fatalf("no X12 files under %s", sharedX12)
	}
	return files
}

// verdict is the one-line verdict on a file: each interchange's Summary, or
// the error that stopped reading.
func verdict(raw []byte) string {
	res, err := Check(bytes.NewReader(raw), Config{})
	var parts []string
	for _, r := range res {
		parts = append(parts, r.Summary())
	}
	if err != nil {
		var e *Error
		if errors.As(err, &e) {
			parts = append(parts, "refused: "+e.Error())
		} else {
			parts = append(parts, "refused: "+err.Error())
		}
	}
	return strings.Join(parts, " | ")
}

// TestCorpusVerdicts reads every shared X12 file and the package's fixtures,
// checks that each encodes back byte for byte, and compares the verdicts
// with testdata/verdicts.golden (regenerate with -update and review the
// diff). Most of the shared "valid" 837 samples declare a wrong segment
// count in SE01 and number their HL levels out of sequence; the golden list
// pins that they are refused for it, and testdata/837p.x12 is the same
// claim file with the counts corrected, which validates clean.
func TestCorpusVerdicts(t *testing.T) {
	files := corpusFiles(t)
	fixtures, _ := filepath.Glob("testdata/*.x12")
	files = append(files, fixtures...)
	var b strings.Builder
	for _, path := range files {
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		segs, trailer, err := ReadAll(raw)
		if err == nil {
			if out := Encode(segs, trailer); !bytes.Equal(out, raw) {
				t.Errorf("%s: encoding the segments read does not give back the file", path)
			}
		}
		name := strings.TrimPrefix(filepath.ToSlash(path), sharedX12+"/")
		b.WriteString(name + ": " + verdict(raw) + "\n")
	}
	got := b.String()
	const golden = "testdata/verdicts.golden"
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
		for i := 0; i < max(len(gl), len(wl)); i++ {
			var g, w string
			if i < len(gl) {
				g = gl[i]
			}
			if i < len(wl) {
				w = wl[i]
			}
			if g != w {
				t.Errorf("verdict changed:\n got %s\nwant %s", g, w)
			}
		}
	}
	if !strings.Contains(got, "testdata/837p.x12: TA1 000; GS HC A; ST 837 A\n") {
		t.Errorf("the corrected 837P fixture does not validate clean")
	}
}

func mustRead(t testing.TB, path string) []byte {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}
