package x12

import (
	"bytes"
	"time"
)

// igValidator follows one transaction set through its table (see ig.go),
// one segment at a time, and reports through the Checker's notes. It keeps
// one frame per open loop, so a set of any length costs the memory of its
// deepest nesting.
type igValidator struct {
	set    *igSet
	frames []igFrame
	counts [][]int // the counts of each depth, reused across instances
}

// igFrame is an open loop instance: the item last matched and how often
// each item occurred in this instance.
type igFrame struct {
	loop   *igLoop
	pos    int
	counts []int
}

// reset starts a set: the root frame, at ST.
func (v *igValidator) reset(set *igSet) {
	v.set = set
	v.frames = v.frames[:0]
	v.push(set.root)
}

func (v *igValidator) push(l *igLoop) {
	d := len(v.frames)
	if d == len(v.counts) {
		v.counts = append(v.counts, nil)
	}
	c := v.counts[d]
	if cap(c) < len(l.items) {
		c = make([]int, len(l.items))
	} else {
		c = c[:len(l.items)]
		clear(c)
	}
	c[0] = 1
	v.counts[d] = c
	v.frames = append(v.frames, igFrame{loop: l, counts: c})
}

// loop returns the ID of the innermost open loop ("" at the set's level).
func (v *igValidator) loop() string { return v.frames[len(v.frames)-1].loop.id }

// runStart returns where the search in a frame begins: its current item,
// or the first of the positions with the same segment ID around it, which
// may come in any order among themselves.
func runStart(f *igFrame) int { return f.loop.runStart(f.pos) }

// runStart returns the first of the positions with the same segment ID as
// item i that come right before it (i itself for the trigger). Sibling
// loops started by the same segment (the member name loops of an 834, say)
// form such a run too: the standard gives them one position.
func (l *igLoop) runStart(i int) int {
	if i == 0 {
		return 0
	}
	id := l.items[i].id()
	for i > 1 && l.items[i-1].id() == id && (l.items[i-1].loop == nil) == (l.items[i].loop == nil) {
		i--
	}
	return i
}

// id returns the segment ID of a position, or of a loop's trigger.
func (it igItem) id() string {
	if it.loop != nil {
		return it.loop.trigger().id
	}
	return it.seg.id
}

// find looks for the item s matches, from the innermost frame out, at or
// after each frame's current position; strict also compares the keys.
// A loop's trigger is never matched again inside its own instance: it
// starts the next one.
func (v *igValidator) find(s *Segment, strict bool) (depth, item int, ok bool) {
	for d := len(v.frames) - 1; d >= 0; d-- {
		f := &v.frames[d]
		items := f.loop.items
		for i := max(runStart(f), 1); i < len(items); i++ {
			g := items[i].seg
			if items[i].loop != nil {
				g = items[i].loop.trigger()
			}
			if g.id == s.ID && (!strict || g.key.match(s)) {
				return d, i, true
			}
		}
	}
	return 0, 0, false
}

// segment places s, which the Checker has counted, in the table and
// checks it. It returns the loop s belongs to.
func (v *igValidator) segment(c *Checker, s *Segment) string {
	d, i, ok := v.find(s, true)
	strict := ok
	if !ok {
		d, i, ok = v.find(s, false)
	}
	if !ok {
		v.misplaced(c, s)
		return v.loop()
	}
	for k := len(v.frames) - 1; k > d; k-- {
		v.close(c, s, &v.frames[k])
	}
	v.frames = v.frames[:d+1]
	f := &v.frames[d]
	if i > f.pos {
		// Positions of one segment ID are checked when the set leaves
		// them all behind, since they come in any order among themselves.
		v.passed(c, s, f, f.loop.runStart(f.pos), f.loop.runStart(i))
		f.pos = i
	}
	it := f.loop.items[i]
	if strict || it.loop != nil {
		// A segment placed at a position whose key it does not match
		// (its qualifier is wrong: an IK4 says so) does not use up the
		// position, nor fill it.
		f.counts[i]++
	}
	if it.loop != nil {
		if it.loop.max > 0 && f.counts[i] > it.loop.max {
			c.note(s, it.loop.id, "4", nil, "loop "+it.loop.id+" occurs more often than its maximum ("+itoa(it.loop.max)+")")
		}
		v.push(it.loop)
		v.elements(c, s, it.loop.trigger(), it.loop.id)
		return it.loop.id
	}
	if it.seg.max > 0 && f.counts[i] > it.seg.max {
		c.note(s, f.loop.id, "5", nil, "segment occurs more often than its maximum ("+itoa(it.seg.max)+")")
	}
	if s.ID != "SE" { // SE's elements are the envelope's, which the Checker checks
		v.elements(c, s, it.seg, f.loop.id)
	}
	return f.loop.id
}

// misplaced reports a segment that has no place at or after the current
// positions.
func (v *igValidator) misplaced(c *Checker, s *Segment) {
	loop := v.loop()
	for d := len(v.frames) - 1; d >= 0; d-- {
		f := &v.frames[d]
		for i := 1; i < runStart(f); i++ {
			if g := f.loop.items[i].seg; g != nil && g.id == s.ID && g.key.match(s) {
				f.counts[i]++
				// It was reported missing when the set moved past it: it
				// is not missing, it is late.
				c.unmissing(s.ID, f.loop.id)
				c.note(s, loop, "7", nil, "segment not in proper sequence")
				return
			}
		}
	}
	switch {
	case v.set.ids[s.ID]:
		c.note(s, loop, "2", nil, "unexpected segment: it has no place here in the implementation guide")
	case igByST01[v.set.st01][s.ID]:
		c.note(s, loop, "I4", nil, "segment of the transaction set that this implementation does not use")
	case igAllIDs[s.ID]:
		c.note(s, loop, "6", nil, "segment not in the defined transaction set")
	default:
		c.note(s, loop, "1", nil, "unrecognized segment ID")
	}
}

// passed reports the required items from..to-1 of f that did not occur.
func (v *igValidator) passed(c *Checker, at *Segment, f *igFrame, from, to int) {
	for i := from; i < to; i++ {
		if f.counts[i] > 0 {
			continue
		}
		it := f.loop.items[i]
		switch {
		case it.seg != nil && it.seg.usage == 'R':
			c.missing(at, it.seg.id, f.loop.id, "required segment "+it.seg.id+" missing before this one")
		case it.loop != nil && it.loop.usage == 'R':
			c.missing(at, it.loop.trigger().id, it.loop.id, "required loop "+it.loop.id+" missing before this segment")
		}
	}
}

// close ends a loop instance, reporting its required items not seen.
func (v *igValidator) close(c *Checker, at *Segment, f *igFrame) {
	v.passed(c, at, f, runStart(f), len(f.loop.items))
}

// elements checks the elements of s against g.
func (v *igValidator) elements(c *Checker, s *Segment, g *igSeg, loop string) {
	if len(g.elems) == 0 {
		return
	}
	ek := elemCheck{s: s}
	n := s.Len()
	for i := len(g.elems); i <= n; i++ {
		if len(s.Element(i)) > 0 {
			ek.add(i, 0, 0, "3")
			break
		}
	}
	for i := 1; i < len(g.elems); i++ {
		e := g.elems[i]
		val := s.Element(i)
		if e == nil {
			if len(val) > 0 {
				ek.add(i, 0, 0, "I10")
			}
			continue
		}
		ek.element(e, val)
	}
	for _, r := range g.rules {
		ek.rule(r, g)
	}
	ek.dates(g)
	if len(ek.notes) > 0 {
		c.note(s, loop, "8", ek.notes, "")
	}
}

// elemCheck gathers the element errors of one segment.
type elemCheck struct {
	s     *Segment
	notes []ElementNote
}

func (ek *elemCheck) add(pos, comp, ref int, code string) {
	for _, n := range ek.notes {
		if n.Pos == pos && n.Component == comp {
			return // one error per element
		}
	}
	ek.notes = append(ek.notes, ElementNote{Pos: pos, Component: comp, Ref: ref, Code: code})
}

func (ek *elemCheck) element(e *igElem, val []byte) {
	if len(val) == 0 {
		if e.usage == 'R' {
			ek.add(e.pos, 0, e.ref, "1")
		}
		return
	}
	if e.usage == 'N' {
		ek.add(e.pos, 0, e.ref, "I10")
		return
	}
	d := ek.s.Delims
	if d.Repetition != 0 && bytes.IndexByte(val, d.Repetition) >= 0 {
		if bytes.Count(val, []byte{d.Repetition})+1 > max(e.reps, 1) {
			ek.add(e.pos, 0, e.ref, "12")
			return
		}
	}
	for rest := val; ; {
		r := rest
		i := -1
		if d.Repetition != 0 {
			i = bytes.IndexByte(rest, d.Repetition)
		}
		if i >= 0 {
			r, rest = rest[:i], rest[i+1:]
		}
		if e.typ == "C" {
			ek.composite(e, r)
		} else if d.Component != 0 && bytes.IndexByte(r, d.Component) >= 0 {
			ek.add(e.pos, 0, e.ref, "13")
			return
		} else if code := checkValue(e, r); code != "" {
			ek.add(e.pos, 0, e.ref, code)
			return
		}
		if i < 0 {
			return
		}
	}
}

// composite checks one repetition of a composite element, walking its
// components in place.
func (ek *elemCheck) composite(e *igElem, val []byte) {
	sep := ek.s.Delims.Component
	last := 0 // the last component the guide defines
	if n := len(e.comps); n > 0 {
		last = e.comps[n-1].comp
	}
	next := 0 // the next component rule
	written := 0
	rest, more := val, true
	for k := 1; more; k++ {
		written = k
		pv := rest
		if i := bytes.IndexByte(rest, sep); sep != 0 && i >= 0 {
			pv, rest = rest[:i], rest[i+1:]
		} else {
			more = false
		}
		var ce *igElem
		for next < len(e.comps) && e.comps[next].comp < k {
			next++
		}
		if next < len(e.comps) && e.comps[next].comp == k {
			ce = e.comps[next]
		}
		switch {
		case k > last:
			if len(pv) > 0 {
				ek.add(e.pos, k, e.ref, "13")
				return
			}
		case ce == nil:
			if len(pv) > 0 {
				ek.add(e.pos, k, e.ref, "I10")
			}
		case len(pv) == 0:
			if ce.usage == 'R' {
				ek.add(e.pos, k, ce.ref, "1")
			}
		case ce.usage == 'N':
			ek.add(e.pos, k, ce.ref, "I10")
		default:
			if code := checkValue(ce, pv); code != "" {
				ek.add(e.pos, k, ce.ref, code)
			}
		}
	}
	// Required components after the last one written.
	for _, ce := range e.comps {
		if ce.usage == 'R' && ce.comp > written && sep != 0 {
			ek.add(e.pos, ce.comp, ce.ref, "1")
		}
	}
}

// checkValue checks a simple value against its type, length and codes,
// and returns the IK403 code of the first problem, "" for none.
func checkValue(e *igElem, v []byte) string {
	for _, b := range v {
		if b < 0x20 || b == 0x7f {
			return "6"
		}
	}
	if e.typ == "ID" && len(e.codes) > 0 {
		// A value outside the list is a wrong code, whatever its length.
		for _, c := range e.codes {
			if string(v) == c {
				return ""
			}
		}
		return "7"
	}
	n := len(v)
	switch {
	case e.typ == "DT":
		if !validDate(v) {
			return "8"
		}
		return ""
	case e.typ == "TM":
		if !validTime(v) {
			return "9"
		}
		return ""
	case e.typ == "R":
		digits, ok := decimal(v)
		if !ok {
			return "6"
		}
		n = digits
	case e.typ[0] == 'N':
		digits, ok := integer(v)
		if !ok {
			return "6"
		}
		n = digits
	}
	switch {
	case n < e.min:
		return "4"
	case n > e.max:
		return "5"
	}
	if len(e.codes) > 0 {
		for _, c := range e.codes {
			if string(v) == c {
				return ""
			}
		}
		return "7"
	}
	return ""
}

// integer reports whether v is an optional minus sign and digits, and
// counts the digits (the sign does not count toward the length).
func integer(v []byte) (int, bool) {
	if len(v) > 0 && v[0] == '-' {
		v = v[1:]
	}
	for _, b := range v {
		if b < '0' || b > '9' {
			return 0, false
		}
	}
	return len(v), len(v) > 0
}

// decimal reports whether v is a decimal number, and counts its digits
// (sign and decimal point do not count toward the length).
func decimal(v []byte) (int, bool) {
	if len(v) > 0 && v[0] == '-' {
		v = v[1:]
	}
	digits, points := 0, 0
	for _, b := range v {
		switch {
		case b >= '0' && b <= '9':
			digits++
		case b == '.':
			points++
		default:
			return 0, false
		}
	}
	return digits, digits > 0 && points <= 1
}

func validDate(v []byte) bool {
	if len(v) != 8 {
		return false
	}
	if _, ok := integer(v); !ok || v[0] == '-' {
		return false
	}
	_, err := time.Parse("20060102", string(v))
	return err == nil
}

func validTime(v []byte) bool {
	if len(v) != 4 && len(v) < 6 || len(v) > 8 {
		return false
	}
	if _, ok := integer(v); !ok || v[0] == '-' {
		return false
	}
	h := int(v[0]-'0')*10 + int(v[1]-'0')
	m := int(v[2]-'0')*10 + int(v[3]-'0')
	if h > 23 || m > 59 {
		return false
	}
	return len(v) < 6 || int(v[4]-'0')*10+int(v[5]-'0') <= 59
}

// rule checks a syntax note.
func (ek *elemCheck) rule(r igRule, g *igSeg) {
	present := func(p int) bool { return len(ek.s.Element(p)) > 0 }
	ref := func(p int) int {
		if p < len(g.elems) && g.elems[p] != nil {
			return g.elems[p].ref
		}
		return 0
	}
	count := 0
	for _, p := range r.pos {
		if present(p) {
			count++
		}
	}
	missingFrom := func(ps []int) {
		for _, p := range ps {
			if !present(p) {
				ek.add(p, 0, ref(p), "2")
				return
			}
		}
	}
	switch r.kind {
	case 'P':
		if count > 0 && count < len(r.pos) {
			missingFrom(r.pos)
		}
	case 'R':
		if count == 0 {
			ek.add(r.pos[0], 0, ref(r.pos[0]), "2")
		}
	case 'E':
		if count > 1 {
			seen := false
			for _, p := range r.pos {
				if present(p) {
					if seen {
						ek.add(p, 0, ref(p), "10")
						return
					}
					seen = true
				}
			}
		}
	case 'C':
		if present(r.pos[0]) {
			missingFrom(r.pos[1:])
		}
	case 'L':
		if present(r.pos[0]) {
			any := false
			for _, p := range r.pos[1:] {
				any = any || present(p)
			}
			if !any {
				ek.add(r.pos[1], 0, ref(r.pos[1]), "2")
			}
		}
	}
}

// dates checks the dates whose format a qualifier names: DTP03 by DTP02,
// DMG02 by DMG01 (D8: CCYYMMDD; RD8: CCYYMMDD-CCYYMMDD).
func (ek *elemCheck) dates(g *igSeg) {
	var fmtAt, valAt int
	switch g.id {
	case "DTP":
		fmtAt, valAt = 2, 3
	case "DMG":
		fmtAt, valAt = 1, 2
	default:
		return
	}
	v := ek.s.Element(valAt)
	if len(v) == 0 {
		return
	}
	ok := true
	switch string(ek.s.Element(fmtAt)) {
	case "D8":
		ok = validDate(v)
	case "RD8":
		from, to, cut := bytes.Cut(v, []byte{'-'})
		ok = cut && validDate(from) && validDate(to) && string(from) <= string(to)
	default:
		return
	}
	if !ok {
		ref := 0
		if valAt < len(g.elems) && g.elems[valAt] != nil {
			ref = g.elems[valAt].ref
		}
		ek.add(valAt, 0, ref, "8")
	}
}
