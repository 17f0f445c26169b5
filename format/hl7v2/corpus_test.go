package hl7v2

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files from the current output")

// sharedHL7 is the public HL7 v2 test material kept beside the repository.
const sharedHL7 = "../../../shared/testdata/hl7v2"

// corpusFiles returns every file under the shared HL7 v2 test data, or skips
// the test when it is not there.
func corpusFiles(t testing.TB) []string {
	t.Helper()
	if _, err := os.Stat(sharedHL7); err != nil {
		t.Skipf("shared test data not found at %s (check out shared/ beside the repository): %v", sharedHL7, err)
	}
	var files []string
	err := filepath.WalkDir(sharedHL7, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	return files
}

// verdict describes what the parser makes of one input: "ok", "invalid: …"
// when it parses but fails validation, or "error: …".
func verdict(raw []byte) string {
	m, err := Parse(raw)
	if err != nil {
		return "error: " + err.Error()
	}
	if err := m.Validate(); err != nil {
		return "invalid: " + strings.ReplaceAll(err.Error(), "\n", "; ")
	}
	return fmt.Sprintf("ok: %d segments", m.Len())
}

// TestCorpus splits every file of the shared test data into messages with
// the streaming Reader, pins each message's verdict (and the batch verdict
// of files with FHS/BHS wrappers) in testdata/corpus.golden, and checks
// that every message that parses is encoded back to exactly its bytes.
func TestCorpus(t *testing.T) {
	var b strings.Builder
	for _, path := range corpusFiles(t) {
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(sharedHL7, path)
		rel = filepath.ToSlash(rel)
		if bytes.Contains(raw, []byte("BHS")) || bytes.Contains(raw, []byte("FHS")) {
			verdict := "batch ok"
			if f, err := ParseBatch(raw); err != nil {
				verdict = "batch error: " + err.Error()
			} else {
				verdict = fmt.Sprintf("batch ok: %d batches, %d messages", len(f.Batches), len(f.Messages()))
			}
			fmt.Fprintf(&b, "%s\t%s\n", rel, verdict)
		}
		var verdicts []string
		counts := map[string]int{}
		r := NewReader(bytes.NewReader(raw))
		for {
			msg, err := r.Next()
			if err == io.EOF {
				break
			}
			v := ""
			if err != nil {
				v = "split error: " + err.Error()
			} else {
				v = verdict(msg)
				roundTrip(t, rel, msg)
			}
			verdicts = append(verdicts, v)
			counts[strings.SplitN(v, ":", 2)[0]]++
			if err != nil && !errors.Is(err, ErrNoMSH) && !errors.Is(err, ErrTooLarge) {
				break // a read error repeats
			}
		}
		switch {
		case len(verdicts) == 0:
			fmt.Fprintf(&b, "%s\tno messages\n", rel)
		case len(verdicts) <= 20:
			for i, v := range verdicts {
				fmt.Fprintf(&b, "%s#%d\t%s\n", rel, i+1, v)
			}
		default:
			keys := make([]string, 0, len(counts))
			for k := range counts {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			var parts []string
			for _, k := range keys {
				parts = append(parts, fmt.Sprintf("%s %d", k, counts[k]))
			}
			fmt.Fprintf(&b, "%s\t%d messages: %s\n", rel, len(verdicts), strings.Join(parts, ", "))
		}
	}
	checkGolden(t, "testdata/corpus.golden", b.String())
}

// roundTrip checks that a parsed message encodes back to its bytes and that
// every value can be read.
func roundTrip(t *testing.T, name string, raw []byte) {
	t.Helper()
	m, err := Parse(raw)
	if err != nil {
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("%s: error %T is not *Error", name, err)
		}
		return
	}
	out, err := m.Encode()
	if err != nil || !bytes.Equal(out, raw) {
		t.Errorf("%s: unmodified message does not round-trip (err %v)", name, err)
	}
	visitAll(m)
}

// visitAll decodes every subcomponent of every field.
func visitAll(m *Message) int {
	n := 0
	for i := 0; i < m.Len(); i++ {
		seg := m.Seg(i)
		for f := 1; f <= seg.NumFields(); f++ {
			fld := seg.Field(f)
			for r := 1; r <= fld.Reps(); r++ {
				rep := fld.Rep(r)
				for c := 1; c <= rep.Components(); c++ {
					comp := rep.Component(c)
					for s := 1; s <= comp.Subcomponents(); s++ {
						n += len(comp.Sub(s).String())
					}
				}
			}
		}
	}
	return n
}

func checkGolden(t *testing.T, file, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
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
				t.Errorf("%s line %d:\n got %s\nwant %s", file, i+1, g, w)
			}
		}
		t.Errorf("%s differs; rerun with -update if the change is intended, and review the diff", file)
	}
}
