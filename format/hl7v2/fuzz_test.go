package hl7v2

import (
	"bytes"
	"os"
	"testing"
)

// addCorpusSeeds adds every shared test file and the package fixtures as
// fuzz seeds; `go test` runs them as ordinary test cases.
func addCorpusSeeds(f *testing.F) {
	if _, err := os.Stat(sharedHL7); err == nil {
		for _, path := range corpusFiles(f) {
			if raw, err := os.ReadFile(path); err == nil && len(raw) < 64<<10 {
				f.Add(raw)
			}
		}
	}
	for _, s := range []string{adt, "MSH|^~\\&#|A\rPID|1||a#b\\P\\", "MSH*%$!@*A\rPID*1", "MSH|^~\\&|||||||||||||||||8859/1\rPID|1||\xe9"} {
		f.Add([]byte(s))
	}
}

// FuzzParse checks that any input either parses or gives an *Error, that an
// unmodified message encodes back to its input, that every value can be
// read, and that a value set with escaping reads back the same.
func FuzzParse(f *testing.F) {
	addCorpusSeeds(f)
	f.Fuzz(func(t *testing.T, raw []byte) {
		m, err := Parse(raw)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error %T is not *Error: %v", err, err)
			}
			return
		}
		out, err := m.Encode()
		if m.Charset() == "" && (err != nil || !bytes.Equal(out, raw)) {
			t.Fatalf("round trip: %v\n got %q\nwant %q", err, out, raw)
		}
		visitAll(m)
		_ = m.Validate()
		for _, p := range []string{"MSH-9.2", "PID-3(2).1", "OBX(2)-5.1.1", "MSH-2", "MSH-1"} {
			if _, err := m.Get(p); err != nil {
				t.Fatal(err)
			}
		}
		const text = "x|y^z~w\\v&u\r"
		if err := m.Set("ZZZ-2(2).3.2", text); err != nil {
			return // e.g. no subcomponent delimiter declared
		}
		enc := m.AppendTo(nil)
		again, err := Parse(enc)
		if err != nil {
			t.Fatalf("edited message does not parse: %v\n%q", err, enc)
		}
		if got, _ := again.Get("ZZZ-2(2).3.2"); got != text {
			t.Fatalf("value set = %q, read back %q", text, got)
		}
	})
}

// FuzzUnescape checks the escape decoder on arbitrary text and that
// escaping then unescaping gives back the input.
func FuzzUnescape(f *testing.F) {
	for _, s := range []string{`\F\\S\\T\\R\\E\`, `\X0D0A\`, `\.br\\.sp 3\\.sk2\`, `\H\x\N\`, `\C2D41\` + "\xe9", `\M2442\4A;z\C2842\`, `\Zabc\`, `\`, `\X\`, "plain"} {
		f.Add(s)
	}
	d := DefaultDelimiters
	d.Truncation = '#'
	f.Fuzz(func(t *testing.T, s string) {
		_ = Unescape(s, d)
		if got := Unescape(Escape(s, d), d); got != s {
			t.Fatalf("Unescape(Escape(%q)) = %q", s, got)
		}
		if !bytes.ContainsRune([]byte(s), '\\') && Unescape(s, d) != s {
			t.Fatalf("text without escapes changed: %q", s)
		}
	})
}
