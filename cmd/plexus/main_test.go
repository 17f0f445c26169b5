package main

import (
	"regexp"
	"strings"
	"testing"
)

func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"--version"}} {
		status, stdout, _ := runCLI(t, "", args...)
		if status != exitOK || !regexp.MustCompile(`^plexus \S.* \(go[0-9.]+\S*, \w+/\w+\)\n$`).MatchString(stdout) {
			t.Errorf("plexus %s: exit %d, %q", args[0], status, stdout)
		}
	}
}

// TestHelp checks that help lists each verb, that every verb answers -h on
// stdout with status 0, and that an unknown verb is a usage error.
func TestHelp(t *testing.T) {
	status, stdout, _ := runCLI(t, "", "help")
	if status != exitOK {
		t.Fatalf("plexus help: exit %d", status)
	}
	for _, v := range verbs {
		if !strings.Contains(stdout, "\t"+v.name+" ") {
			t.Errorf("plexus help does not list %s:\n%s", v.name, stdout)
		}
		if v.name == "help" {
			continue
		}
		status, out, errOut := runCLI(t, "", v.name, "-h")
		if status != exitOK || !strings.HasPrefix(out, "Usage: plexus "+v.name) || errOut != "" {
			t.Errorf("plexus %s -h: exit %d, stdout %q, stderr %q", v.name, status, out, errOut)
		}
	}
	status, _, stderr := runCLI(t, "", "frobnicate")
	if status != exitUsage || !strings.Contains(stderr, `unknown verb "frobnicate"`) {
		t.Errorf("plexus frobnicate: exit %d, stderr %q", status, stderr)
	}
}

func TestFlagParsing(t *testing.T) {
	cases := []struct {
		args []string
		json bool
		pos  []string
	}{
		{[]string{"a", "--json", "b"}, true, []string{"a", "b"}},
		{[]string{"-", "-json"}, true, []string{"-"}},
		{[]string{"--", "--json", "a"}, false, []string{"--json", "a"}},
		{[]string{"a", "--", "-json"}, false, []string{"a", "-json"}},
		{nil, false, nil},
	}
	for _, tc := range cases {
		cmd := newCommand("test", "", "")
		j := cmd.flags.Bool("json", false, "")
		pos, _, ok := cmd.parse(&cli{}, tc.args)
		if !ok || *j != tc.json || strings.Join(pos, " ") != strings.Join(tc.pos, " ") {
			t.Errorf("parse(%q) = %q, json %v, ok %v; want %q, json %v", tc.args, pos, *j, ok, tc.pos, tc.json)
		}
	}
}
