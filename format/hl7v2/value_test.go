package hl7v2

import "testing"

func TestSplitMatchesIndexedAccess(t *testing.T) {
	m := mustParse(t, adt+"NTE|1||a\\S\\b^c&d&&~~x\r")
	for i := 0; i < m.Len(); i++ {
		seg := m.Seg(i)
		for n := 1; n <= seg.NumFields(); n++ {
			fld := seg.Field(n)
			reps := 0
			for r, rep := range fld.Split() {
				reps++
				if want := fld.Rep(r); string(want.Raw()) != string(rep.Raw()) {
					t.Fatalf("%s-%d rep %d: %q vs %q", seg.Name(), n, r, rep.Raw(), want.Raw())
				}
				comps := 0
				for c, comp := range rep.Split() {
					comps++
					if want := rep.Component(c); string(want.Raw()) != string(comp.Raw()) {
						t.Fatalf("%s-%d(%d).%d: %q vs %q", seg.Name(), n, r, c, comp.Raw(), want.Raw())
					}
					subs := 0
					for s, sub := range comp.Split() {
						subs++
						if want := comp.Sub(s); string(want.Raw()) != string(sub.Raw()) {
							t.Fatalf("sub %d: %q vs %q", s, sub.Raw(), want.Raw())
						}
					}
					if subs != comp.Subcomponents() {
						t.Fatalf("%s-%d(%d).%d: %d subcomponents split, %d counted", seg.Name(), n, r, c, subs, comp.Subcomponents())
					}
				}
				if comps != rep.Components() {
					t.Fatalf("%s-%d(%d): %d components split, %d counted", seg.Name(), n, r, comps, rep.Components())
				}
			}
			if reps != fld.Reps() {
				t.Fatalf("%s-%d: %d reps split, %d counted", seg.Name(), n, reps, fld.Reps())
			}
		}
	}
	// The NTE-3 field: a\S\b^c&d&&~~x has 3 repetitions, the first with 2
	// components, the second of which has 4 subcomponents.
	f := m.Segment("NTE", 1).Field(3)
	if f.Reps() != 3 || f.Rep(1).Components() != 2 || f.Rep(1).Component(2).Subcomponents() != 4 {
		t.Errorf("counts: %d %d %d", f.Reps(), f.Rep(1).Components(), f.Rep(1).Component(2).Subcomponents())
	}
	if got := f.Rep(1).Component(1).String(); got != "a^b" {
		t.Errorf("escaped component = %q", got)
	}
	// Literal header fields are never split.
	n := 0
	for _, v := range m.Segment("MSH", 1).Field(2).Split() {
		n++
		if string(v.Raw()) != "^~\\&" {
			t.Errorf("MSH-2 split into %q", v.Raw())
		}
	}
	if n != 1 {
		t.Errorf("MSH-2 split into %d parts", n)
	}
}
