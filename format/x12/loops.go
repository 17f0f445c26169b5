package x12

import (
	"slices"
	"strings"
)

// loopDef is one loop of a transaction set, as Loops follows it: its
// trigger and key, the segments that belong to it even when they follow
// one of its child loops (IK5 after the IK3 loops of a 999, PLB after the
// 835's claims), and its child loops. The definitions are the loops of
// the implementation-guide tables (ig.go), so that paths, claim splitting
// and validation agree on every loop.
type loopDef struct {
	id      string
	trigger string
	key     igKey
	owns    []string
	kids    []*loopDef
}

// loopSets are the loop structures by transaction kind.
var loopSets = func() map[string]*loopDef {
	m := make(map[string]*loopDef, len(igSets))
	for kind, set := range igSets {
		m[kind] = loopsOf(set.root, 0)
	}
	return m
}()

// loopsOf returns the loop structure of l; a loop that repeats another's
// definition ("= path") gets its own copy, to a bounded depth.
func loopsOf(l *igLoop, depth int) *loopDef {
	d := &loopDef{id: l.id}
	if l.id != "" { // the set's own table has no trigger
		t := l.trigger()
		d.trigger, d.key = t.id, t.key
	}
	if depth > 16 {
		return d
	}
	afterLoop := false
	for _, it := range l.items[1:] {
		switch {
		case it.loop != nil:
			afterLoop = true
			d.kids = append(d.kids, loopsOf(it.loop, depth+1))
		case afterLoop && !slices.Contains(d.owns, it.seg.id):
			d.owns = append(d.owns, it.seg.id)
		}
	}
	return d
}

// TransactionKind names the structure of a transaction set from its ST01 and
// its implementation reference (ST03, or GS08 when ST03 is empty): "837P",
// "837I", "837D", "835", "270", "271", "276", "277", "277CA", "278", "834",
// "999"; "" for a set whose loops Plexus does not know.
func TransactionKind(st01, reference string) string {
	switch st01 {
	case "837":
		switch {
		case strings.Contains(reference, "X223"):
			return "837I"
		case strings.Contains(reference, "X224"):
			return "837D"
		}
		return "837P"
	case "277":
		if strings.Contains(reference, "X214") {
			return "277CA"
		}
		return "277"
	case "835", "270", "271", "276", "278", "834", "999":
		return st01
	}
	return ""
}

// Loops identifies the loop of each segment of a transaction set, fed one
// segment at a time from ST to SE. The zero value knows no loops.
type Loops struct {
	stack []*loopDef
}

// NewLoops returns a tracker for a transaction kind (see TransactionKind);
// for an unknown kind every segment is at the top level.
func NewLoops(kind string) *Loops {
	root := loopSets[kind]
	if root == nil {
		root = &loopDef{}
	}
	return &Loops{stack: []*loopDef{root}}
}

// Next returns the ID of the loop s belongs to ("" for the top level of the
// set: ST, BHT, SE) and its depth (0 at the top level).
func (l *Loops) Next(s *Segment) (string, int) {
	if len(l.stack) == 0 {
		return "", 0
	}
	if s.ID == "ST" || s.ID == "SE" {
		l.stack = l.stack[:1]
		return "", 0
	}
	for k := len(l.stack) - 1; k >= 0; k-- {
		for _, d := range l.stack[k].kids {
			if d.trigger != s.ID || !d.key.match(s) {
				continue
			}
			l.stack = append(l.stack[:k+1], d)
			return d.id, len(l.stack) - 1
		}
	}
	for k := len(l.stack) - 1; k >= 0; k-- {
		if slices.Contains(l.stack[k].owns, s.ID) {
			l.stack = l.stack[:k+1]
			break
		}
	}
	top := l.stack[len(l.stack)-1]
	return top.id, len(l.stack) - 1
}

// Path returns the IDs of the loops open after the last segment, outermost
// first.
func (l *Loops) Path() []string {
	out := make([]string, 0, len(l.stack))
	for _, d := range l.stack[1:] {
		out = append(out, d.id)
	}
	return out
}
