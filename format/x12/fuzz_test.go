package x12

import (
	"bytes"
	"errors"
	"os"
	"testing"
)

// addSeeds adds the shared files and the fixtures as fuzz seeds.
func addSeeds(f *testing.F) {
	if _, err := os.Stat(sharedX12); err == nil {
		for _, path := range corpusFiles(f) {
			if raw, err := os.ReadFile(path); err == nil && len(raw) < 16<<10 {
				f.Add(raw)
			}
		}
	}
	if raw, err := os.ReadFile("testdata/837p.x12"); err == nil {
		f.Add(raw)
	}
	for _, s := range []string{"", "ISA", "ISA*", "ISA*00*~", "ISA|a|b|c|d|e|f|g|h|i|j|k|l|m|n|o|p|:\nGS|x\n"} {
		f.Add([]byte(s))
	}
}

// FuzzRead checks that any input is read or refused with an *Error, that
// what is read encodes back to the input, and that checking, acknowledging,
// addressing and splitting never panic.
func FuzzRead(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, raw []byte) {
		segs, trailer, err := ReadAll(raw)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T is not *Error: %v", err, err)
			}
		} else if out := Encode(segs, trailer); !bytes.Equal(out, raw) {
			t.Fatalf("round trip:\n got %q\nwant %q", out, raw)
		}
		for _, s := range segs {
			for i := 0; i <= s.Len()+1; i++ {
				_ = s.Component(i, 2)
				_ = s.Repetitions(i)
			}
		}
		res, _ := Check(bytes.NewReader(raw), Config{Control: &MemoryControlNumbers{}})
		for _, r := range res {
			_ = r.Summary()
			_ = r.AllErrors()
			if r.ISA == nil {
				continue
			}
			ta1, a999, err := Acknowledge(r, AckOptions{Control: 1})
			if err != nil {
				t.Fatalf("Acknowledge: %v", err)
			}
			// The answers always read back; a 999 (written only for an
			// accepted envelope) validates clean: against the 999 guide
			// when the headers it echoes (GS01/06/08, ST01/02/03) are well
			// formed, for syntax otherwise.
			for _, ack := range [][]byte{ta1, a999} {
				if ack == nil {
					continue
				}
				got, err := Check(bytes.NewReader(ack), Config{SyntaxOnly: !echoable(r)})
				if err != nil || len(got) != 1 {
					t.Fatalf("the answer to %s does not read back: %v %v\n%s", r.Summary(), err, summaries(got), ack)
				}
				if a999 != nil && &ack[0] == &a999[0] && !got[0].Valid() {
					t.Fatalf("the 999 to %s does not validate: %v\n%s", r.Summary(), summaries(got), ack)
				}
			}
		}
	})
}

// FuzzParsePath checks that any path parses or gives an error wrapping
// ErrPath, and that a parsed path prints in a form that parses back to it.
func FuzzParsePath(f *testing.F) {
	for _, s := range []string{"2010BA/NM1-09", "2300/REF[G1]-02", "SV1-01.2", "SV101.2", "N301", "BHT04", "A/B/C", "[", "NM1-09-", "REF[a]b]-1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePath(s)
		if err != nil {
			if !errors.Is(err, ErrPath) {
				t.Fatalf("error %v does not wrap ErrPath", err)
			}
			return
		}
		q, err := ParsePath(p.String())
		if err != nil || q != p {
			t.Fatalf("%q parsed as %+v, printed %q, parsed back as %+v (%v)", s, p, p.String(), q, err)
		}
	})
}

// echoable reports whether the group and set headers a 999 copies into
// AK1 and AK2 have the form the 999 guide requires there.
func echoable(r *InterchangeResult) bool {
	d := r.ISA.Delims
	ok := func(v string, lo, hi int, digits bool) bool {
		if len(v) < lo || len(v) > hi {
			return false
		}
		for i := 0; i < len(v); i++ {
			c := v[i]
			if c < 0x20 || c == d.Element || c == d.Segment || c == d.Component || c == d.Repetition ||
				digits && (c < '0' || c > '9') {
				return false
			}
		}
		return true
	}
	for _, g := range r.Groups {
		if !ok(g.FunctionalID, 2, 2, false) || !ok(g.Control, 1, 9, true) || !ok(g.Version, 1, 12, false) {
			return false
		}
		for _, t := range g.Transactions {
			if !ok(t.ID, 3, 3, true) || !ok(t.Control, 4, 9, false) || !ok(t.Reference, 0, 35, false) {
				return false
			}
		}
	}
	return true
}
