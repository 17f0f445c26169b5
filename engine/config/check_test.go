package config

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the expected output of testdata/check")

// TestCheck runs the cases in testdata/check. Each file holds a YAML
// configuration (loaded as the file "c.yaml", so its line numbers are the
// test file's), a line "----", and the expected result: the problems, one
// per line, or "ok" and a summary of the configuration with its defaults.
func TestCheck(t *testing.T) {
	paths, err := filepath.Glob("testdata/check/*.txt")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no test cases: %v", err)
	}
	for _, path := range paths {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".txt"), func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			input, want, ok := bytes.Cut(data, []byte("\n----\n"))
			if !ok {
				t.Fatalf("%s: no ---- line", path)
			}
			cfg, err := load([]source{{"c.yaml", append(input, '\n')}}, testRegistry(nil), time.Unix(0, 0))
			var got string
			var verr *ValidationError
			switch {
			case err == nil:
				got = "ok\n" + summary(cfg)
			case errors.As(err, &verr):
				got = err.Error() + "\n"
			default:
				t.Fatalf("load: not a *ValidationError: %v", err)
			}
			if *update {
				out := append(append(input, "\n----\n"...), got...)
				if err := os.WriteFile(path, out, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if got != string(want) {
				t.Errorf("%s:\ngot:\n%s\nwant:\n%s", path, got, want)
			}
		})
	}
}
