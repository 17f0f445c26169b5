package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/plexus-health/plexus/format/hl7v2"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// runCLI runs the command in-process and returns its exit status and output.
func runCLI(t *testing.T, stdin string, args ...string) (status int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	status = run(args, strings.NewReader(stdin), &out, &errb)
	return status, out.String(), errb.String()
}

// TestParseGolden runs "plexus hl7 parse" on the fixtures and compares exit
// status, stdout and stderr with testdata/golden/NAME.txt. Run with -update
// to rewrite the golden files, then review the diff.
func TestParseGolden(t *testing.T) {
	two := readFile(t, "testdata/two_messages.hl7")
	cases := []struct {
		name  string
		stdin string
		args  []string
	}{
		{"tree", "", []string{"hl7", "parse", "testdata/two_messages.hl7"}},
		{"json", "", []string{"hl7", "parse", "--json", "testdata/two_messages.hl7"}},
		{"path", "", []string{"hl7", "parse", "--path", "PID-5.1", "testdata/two_messages.hl7", "testdata/batch.hl7"}},
		{"path-repetition", "", []string{"hl7", "parse", "testdata/two_messages.hl7", "--path", "PID-3(2).4"}},
		{"path-json-null", "", []string{"hl7", "parse", "--json", "--path=PID-13", "testdata/two_messages.hl7"}},
		{"path-escapes", "", []string{"hl7", "parse", "-path", "NTE-3", "testdata/two_messages.hl7"}},
		{"stdin", string(two), []string{"hl7", "parse", "--path", "MSH-10", "-"}},
		{"batch", "", []string{"hl7", "parse", "--validate", "testdata/batch.hl7"}},
		{"bad", "", []string{"hl7", "parse", "--path", "MSH-10", "testdata/bad.hl7"}},
		{"bad-validate", "", []string{"hl7", "parse", "--validate", "--path", "MSH-10", "testdata/bad.hl7"}},
		{"missing-file", "", []string{"hl7", "parse", "testdata/no-such-file.hl7", "--path", "MSH-10", "testdata/two_messages.hl7"}},
		{"bad-path", "", []string{"hl7", "parse", "--path", "PID-x", "testdata/two_messages.hl7"}},
		{"no-file", "", []string{"hl7", "parse", "--json"}},
		{"unknown-flag", "", []string{"hl7", "parse", "--jsn", "testdata/two_messages.hl7"}},
		{"dash-dash", "", []string{"hl7", "parse", "--path", "MSH-10", "--", "testdata/two_messages.hl7"}},
		{"unknown-verb", "", []string{"frobnicate"}},
		{"unknown-hl7-command", "", []string{"hl7", "frobnicate"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, stdout, stderr := runCLI(t, tc.stdin, tc.args...)
			got := fmt.Sprintf("$ plexus %s\nexit %d\n-- stdout --\n%s-- stderr --\n%s", strings.Join(tc.args, " "), status, stdout, stderr)
			golden := filepath.Join("testdata", "golden", tc.name+".txt")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want := string(readFile(t, golden))
			if got != want {
				t.Errorf("output differs from %s (run with -update to accept):\n--- got\n%s\n--- want\n%s", golden, got, want)
			}
		})
	}
}

// TestParseExitStatus pins the exit statuses independently of the golden
// files, so that accepting a golden file cannot silently change them.
func TestParseExitStatus(t *testing.T) {
	cases := []struct {
		args []string
		want int
	}{
		{[]string{"hl7", "parse", "testdata/two_messages.hl7"}, exitOK},
		{[]string{"hl7", "parse", "--validate", "testdata/batch.hl7"}, exitOK},
		{[]string{"hl7", "parse", "testdata/bad.hl7"}, exitFailure},
		{[]string{"hl7", "parse", "testdata/missing.hl7"}, exitFailure},
		{[]string{"hl7", "parse"}, exitUsage},
		{[]string{"hl7", "parse", "--path", "P", "testdata/two_messages.hl7"}, exitUsage},
		{[]string{"hl7", "parse", "-h"}, exitOK},
		{[]string{"hl7"}, exitUsage},
		{[]string{"serve"}, exitUsage},
		{[]string{}, exitUsage},
		{[]string{"help"}, exitOK},
		{[]string{"help", "send"}, exitOK},
		{[]string{"help", "nope"}, exitUsage},
		{[]string{"version"}, exitOK},
		{[]string{"version", "extra"}, exitUsage},
		{[]string{"send", "testdata/two_messages.hl7"}, exitUsage},                              // no --to
		{[]string{"send", "--to", "localhost", "testdata/two_messages.hl7"}, exitUsage},         // no port
		{[]string{"send", "--to", "127.0.0.1:1", "--cert", "x.pem", "testdata/x"}, exitUsage},   // --cert without --key
		{[]string{"listen", "--out", "x"}, exitUsage},                                           // no --port
		{[]string{"listen", "--port", "0"}, exitUsage},                                          // no --out
		{[]string{"listen", "--port", "0", "--out", "x", "--client-ca", "ca.pem"}, exitUsage},   // mTLS without a certificate
		{[]string{"listen", "--port", "70000", "--out", "x"}, exitUsage},                        // not a port
		{[]string{"listen", "--port", "0", "--out", "x", "--tls-cert", "c.pem"}, exitUsage},     // no key
		{[]string{"listen", "--port", "0", "--out", "x", "stray-argument"}, exitUsage},          // arguments
		{[]string{"send", "--to", "127.0.0.1:1", "--timeout", "0s", "testdata/x"}, exitUsage},   // no time at all
		{[]string{"send", "--to", "127.0.0.1:1", "--timeout", "soon", "testdata/x"}, exitUsage}, // not a duration
	}
	for _, tc := range cases {
		status, _, stderr := runCLI(t, "", tc.args...)
		if status != tc.want {
			t.Errorf("plexus %s: exit %d, want %d; stderr:\n%s", strings.Join(tc.args, " "), status, tc.want, stderr)
		}
	}
}

// TestBadFileNamesTheProblem checks that each problem in a bad file is
// reported with the file, the message number and the location, and that the
// good messages around them are still printed.
func TestBadFileNamesTheProblem(t *testing.T) {
	status, stdout, stderr := runCLI(t, "", "hl7", "parse", "--validate", "--path", "MSH-10", "testdata/bad.hl7")
	if status != exitFailure {
		t.Errorf("exit %d, want %d", status, exitFailure)
	}
	if want := "CTRL-0001\n\nCTRL-0002\n"; stdout != want {
		t.Errorf("stdout = %q, want %q (messages 1 and 4, and the invalid message 2)", stdout, want)
	}
	for _, want := range []string{
		"testdata/bad.hl7: byte 0: message does not start with an MSH segment",
		"testdata/bad.hl7: message 2: invalid: MSH-9.1 (byte ",
		"testdata/bad.hl7: message 2: invalid: MSH-10 (byte ",
		"testdata/bad.hl7: message 3: MSH-2 (byte ",
		"2 of 4 messages failed",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
}

// TestErrorOffsetsCountFromFileStart checks that a byte offset in an error
// points into the file at the field it names.
func TestErrorOffsetsCountFromFileStart(t *testing.T) {
	data := readFile(t, "testdata/bad.hl7")
	_, _, stderr := runCLI(t, "", "hl7", "parse", "--validate", "testdata/bad.hl7")
	var off int
	for _, line := range strings.Split(stderr, "\n") {
		if strings.Contains(line, "MSH-10 (byte ") {
			fmt.Sscanf(line[strings.Index(line, "byte ")+5:], "%d", &off)
		}
	}
	// MSH-10 of message 2 is empty: the byte at the offset is the field
	// separator after it, and the 9 separators before it start the segment.
	start := bytes.LastIndex(data[:off], []byte("MSH|"))
	if off == 0 || start < 0 || bytes.Count(data[start:off], []byte("|")) != 9 {
		t.Errorf("offset %d does not point at MSH-10 of message 2 in %q", off, data)
	}
}

// TestFlagsAfterFiles checks that flags may follow the file arguments.
func TestFlagsAfterFiles(t *testing.T) {
	_, before, _ := runCLI(t, "", "hl7", "parse", "--json", "--path", "MSH-10", "testdata/two_messages.hl7")
	_, after, _ := runCLI(t, "", "hl7", "parse", "testdata/two_messages.hl7", "--path", "MSH-10", "--json")
	if before != after || before != "\"CTRL-0001\"\n\"CTRL-0002\"\n" {
		t.Errorf("flags before files give %q, after files %q", before, after)
	}
}

// TestTreeLabelsArePaths checks the promise of the tree form: each leaf is
// labelled with a path whose value is the leaf's text.
func TestTreeLabelsArePaths(t *testing.T) {
	for _, data := range fixtureMessages(t) {
		m, err := hl7v2.Parse(data)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := writeTree(&b, m); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
		leaves := 0
		for i, line := range lines {
			if strings.HasPrefix(line, "[") {
				continue
			}
			depth := indent(line)
			if i+1 < len(lines) && indent(lines[i+1]) > depth && !strings.HasPrefix(lines[i+1], "[") {
				continue // a composite value: its parts follow
			}
			label, text, _ := strings.Cut(strings.TrimSpace(line), " ")
			text = strings.TrimLeft(text, " ")
			got, err := m.Get(label)
			if err != nil {
				t.Errorf("label %q is not a path: %v", label, err)
				continue
			}
			if displayText(got) != text {
				t.Errorf("%s: tree shows %q, Get returns %q", label, text, got)
			}
			leaves++
		}
		if leaves < 10 {
			t.Errorf("only %d leaves checked", leaves)
		}
	}
}

func indent(line string) int { return len(line) - len(strings.TrimLeft(line, " ")) }

// TestJSONPositions checks that every string in the JSON form sits at the
// position it was read from: for each leaf, the path built from its array
// indexes gives the same text, and the HL7 null "" is null.
func TestJSONPositions(t *testing.T) {
	for i, data := range fixtureMessages(t) {
		m, err := hl7v2.Parse(data)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := writeJSON(&b, "x", i+1, m); err != nil {
			t.Fatal(err)
		}
		if bytes.Count(b.Bytes(), []byte("\n")) != 1 {
			t.Errorf("JSON of message %d is not one line", i+1)
		}
		var doc struct {
			Source   string
			Message  int
			Segments []struct {
				Name   string
				Fields []any
			}
		}
		if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
			t.Fatalf("message %d: %v", i+1, err)
		}
		if doc.Source != "x" || doc.Message != i+1 || len(doc.Segments) != m.Len() {
			t.Fatalf("message %d: header %q %d, %d segments, want %d", i+1, doc.Source, doc.Message, len(doc.Segments), m.Len())
		}
		seen := map[string]int{}
		checked := 0
		for s, seg := range doc.Segments {
			seen[seg.Name]++
			prefix := fmt.Sprintf("%s(%d)", seg.Name, seen[seg.Name])
			if seg.Fields[0] != seg.Name || seg.Name != m.Seg(s).Name() {
				t.Errorf("segment %d: name %q, fields[0] %v", s+1, seg.Name, seg.Fields[0])
			}
			if len(seg.Fields)-1 != m.Seg(s).NumFields() {
				t.Errorf("%s: %d fields, want %d", prefix, len(seg.Fields)-1, m.Seg(s).NumFields())
			}
			for f := 1; f < len(seg.Fields); f++ {
				reps, ok := seg.Fields[f].([]any)
				if !ok {
					t.Errorf("%s-%d is %T, want an array of repetitions", prefix, f, seg.Fields[f])
					continue
				}
				if m.Seg(s).Field(f).IsEmpty() != (len(reps) == 0) {
					t.Errorf("%s-%d: %d repetitions for raw %q", prefix, f, len(reps), m.Seg(s).Field(f).Raw())
				}
				for r, rep := range reps {
					checked += checkJSONValue(t, m, fmt.Sprintf("%s-%d(%d)", prefix, f, r+1), rep, 2)
				}
			}
		}
		if checked < 10 {
			t.Errorf("only %d leaves checked", checked)
		}
	}
}

// checkJSONValue compares a JSON value at path with the message; levels is
// how many levels of splitting (component, subcomponent) may remain.
func checkJSONValue(t *testing.T, m *hl7v2.Message, path string, v any, levels int) int {
	t.Helper()
	switch v := v.(type) {
	case []any:
		if levels == 0 {
			t.Errorf("%s: an array below subcomponent level", path)
			return 0
		}
		if _, nested := v[0].([]any); len(v) < 2 && !(len(v) == 1 && nested) {
			t.Errorf("%s: an array of %d, want a string for a single part", path, len(v))
		}
		n := 0
		for i, part := range v {
			n += checkJSONValue(t, m, fmt.Sprintf("%s.%d", path, i+1), part, levels-1)
		}
		return n
	case nil:
		val, err := m.Lookup(path)
		if err != nil || !val.IsNull() {
			t.Errorf("%s: JSON null, message has %q (%v)", path, val.Raw(), err)
		}
		return 1
	case string:
		got, err := m.Get(path)
		if err != nil || got != v {
			t.Errorf("%s: JSON %q, message has %q (%v)", path, v, got, err)
		}
		return 1
	default:
		t.Errorf("%s: unexpected JSON value %T", path, v)
		return 0
	}
}

// fixtureMessages returns the messages of the fixture files.
func fixtureMessages(t *testing.T) [][]byte {
	t.Helper()
	var out [][]byte
	for _, name := range []string{"testdata/two_messages.hl7", "testdata/batch.hl7"} {
		rd := hl7v2.NewReader(bytes.NewReader(readFile(t, name)))
		for {
			data, err := rd.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			out = append(out, data)
		}
	}
	return out
}

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestDisplayText(t *testing.T) {
	cases := map[string]string{
		"plain ^~&":          "plain ^~&",
		"two\nlines\r":       `two\nlines\r`,
		"tab\there":          `tab\there`,
		"Zoë Ångström":       "Zoë Ångström",
		"bell\x07":           `bell\x07`,
		"bad \xff utf8":      `bad \xff utf8`,
		"c1 \u0085 ctrl":     `c1 \x85 ctrl`,
		"del \x7f":           `del \x7f`,
		"replacement \ufffd": "replacement \ufffd",
	}
	for in, want := range cases {
		if got := displayText(in); got != want {
			t.Errorf("displayText(%q) = %q, want %q", in, got, want)
		}
	}
}
