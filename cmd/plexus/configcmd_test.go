package main

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestConfigValidateAndDiff(t *testing.T) {
	status, out, errOut := runCLI(t, "", "config", "validate", "../../examples/quickstart.yaml")
	if status != exitOK || !strings.Contains(out, "valid, version ") || !strings.Contains(out, "adt-in: mllp source, 2 destinations") {
		t.Fatalf("validate quickstart: %d\n%s%s", status, out, errOut)
	}

	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	writeFile(t, bad, `version: 1
channels:
  - name: Bad Name
    source: {type: mllp, listen: "127.0.0.1:2575", bogus: 1}
    filter: 'type +'
    destinations:
      - name: x
        type: nope
`)
	status, _, errOut = runCLI(t, "", "config", "validate", bad)
	for _, want := range []string{
		bad + ":3:11: channels[0].name:",
		bad + ":4:52: channels[0].source.bogus: unknown field",
		bad + ":5:19: channels[0].filter:",
		bad + `:8:15: channels[0].destinations[0].type: unknown destination type "nope"`,
		"4 problems",
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("validate bad config lacks %q:\n%s", want, errOut)
		}
	}
	if status != exitFailure {
		t.Errorf("validate bad config: exit %d", status)
	}

	one := filepath.Join(dir, "one.yaml")
	two := filepath.Join(dir, "two.yaml")
	base := `version: 1
channels:
  - name: a
    source: {type: mllp, listen: "127.0.0.1:2575"}
    destinations: [{name: out, type: file, dir: ./out}]
`
	writeFile(t, one, base)
	writeFile(t, two, strings.Replace(base, "./out", "./elsewhere", 1)+`  - name: b
    source: {type: http, listen: "127.0.0.1:8081"}
    destinations: [{name: out, type: file, dir: ./b}]
`)
	status, out, errOut = runCLI(t, "", "config", "diff", one, two)
	if status != exitOK || !strings.Contains(out, "added: b; changed: a") {
		t.Errorf("diff: %d %q %q", status, out, errOut)
	}
	if status, _, _ := runCLI(t, "", "config", "frob"); status != exitUsage {
		t.Errorf("unknown sub-command: exit %d", status)
	}
}
