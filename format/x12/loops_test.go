package x12

import (
	"strings"
	"testing"
)

// TestLoopTables checks the loops of every table: each has an ID and a trigger
// segment, qualifiers are not empty, no loop ID appears twice under the
// same parent, and every table's first loops are reachable by their
// trigger from the top of a set.
func TestLoopTables(t *testing.T) {
	for kind, root := range loopSets {
		if len(root.kids) == 0 {
			t.Errorf("%s: no loops", kind)
		}
		var walk func(d *loopDef, path string)
		walk = func(d *loopDef, path string) {
			seen := map[string]bool{}
			for _, k := range d.kids {
				where := kind + " " + path + "/" + k.id
				if k.id == "" || !validID(k.trigger) {
					t.Errorf("%s: bad loop ID or trigger %q", where, k.trigger)
				}
				if seen[k.id] {
					t.Errorf("%s: loop defined twice", where)
				}
				seen[k.id] = true
				for _, q := range k.key.codes {
					if q == "" {
						t.Errorf("%s: empty qualifier", where)
					}
				}
				walk(k, path+"/"+k.id)
			}
		}
		walk(root, "")
		first := root.kids[0]
		seg := &Segment{ID: first.trigger, Delims: Standard}
		raw := first.trigger + "*" + strings.Repeat("*", max(first.key.elem-1, 0))
		if first.key.codes != nil {
			raw += first.key.codes[0]
		}
		seg.Raw = []byte(raw)
		seg.index()
		if id, depth := NewLoops(kind).Next(seg); id != first.id || depth != 1 {
			t.Errorf("%s: %s starts loop %q at depth %d, want %s", kind, raw, id, depth, first.id)
		}
	}
	for _, id := range []string{"2010BA", "2300", "2110C", "2100", "2000"} {
		if !KnownLoop(id) {
			t.Errorf("KnownLoop(%s) = false", id)
		}
	}
	if KnownLoop("9999") {
		t.Error("KnownLoop(9999) = true")
	}
}

func TestReaderByteOrderMark(t *testing.T) {
	raw := "\xef\xbb\xbf" + fixture(t)
	segs, trailer, err := ReadAll([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	if string(Encode(segs, trailer)) != raw || segs[0].ID != "ISA" {
		t.Error("a file with a byte order mark does not read back")
	}
}
