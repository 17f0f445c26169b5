package v2fhir

import (
	"strings"

	"github.com/plexus-health/plexus/format/hl7v2"
)

// val is a v2 value at a known depth: a field repetition (level 0, whose
// parts are components), a component (1, parts are subcomponents) or a
// subcomponent (2).
type val struct {
	v     hl7v2.Value
	level int
}

func (x val) part(i int) val {
	switch x.level {
	case 0:
		return val{x.v.Component(i), 1}
	case 1:
		return val{x.v.Sub(i), 2}
	}
	if i == 1 {
		return x
	}
	return val{}
}

func (x val) empty() bool { return x.v.IsEmpty() || x.v.IsNull() }

// text is the value's first leaf as text: "F" for "F^Female^HL70001".
func (x val) text() string {
	for x.level < 2 {
		x = x.part(1)
	}
	if x.v.IsNull() {
		return ""
	}
	return trimSpace(x.v.String())
}

func trimSpace(s string) string {
	i, j := 0, len(s)
	for i < j && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	for j > i && (s[j-1] == ' ' || s[j-1] == '\t') {
		j--
	}
	return s[i:j]
}

// segEnv evaluates a segment table's conditions. Within the rows of a
// repeating field, the field's own value is the current repetition. The
// texts a condition reads are kept in cache for the rows of one repetition:
// the OBX-5 rows all test OBX-2, for example.
type segEnv struct {
	seg   *hl7v2.Segment
	field int
	rep   val
	cache *[]cachedText
	c     *conv
}

func (e segEnv) otherText(seg string, field, comp int) string {
	s := e.c.related(seg)
	if s == nil {
		return ""
	}
	x := val{s.Field(field).Rep(1), 0}
	if comp > 0 {
		x = x.part(comp)
	}
	return x.text()
}

type cachedText struct {
	field, comp int
	s           string
}

func (e segEnv) text(field, comp int) string {
	for _, t := range *e.cache {
		if t.field == field && t.comp == comp {
			return t.s
		}
	}
	var x val
	if field == e.field {
		x = e.rep
	} else {
		x = val{e.seg.Field(field).Rep(1), 0}
	}
	if comp > 0 {
		x = x.part(comp)
	}
	s := x.text()
	*e.cache = append(*e.cache, cachedText{field, comp, s})
	return s
}

func (e segEnv) reps(field int) int {
	f := e.seg.Field(field)
	if f.IsEmpty() {
		return 0
	}
	return f.Reps()
}

// dtEnv evaluates a data type table's conditions on one value, whose parts
// are split once.
type dtEnv struct{ parts []val }

func (e dtEnv) part(i int) val {
	if i >= 1 && i <= len(e.parts) {
		return e.parts[i-1]
	}
	return val{}
}

func (e dtEnv) text(field, comp int) string {
	x := e.part(field)
	if comp > 0 {
		x = x.part(comp)
	}
	return x.text()
}

func (dtEnv) otherText(string, int, int) string { return "" }

func (e dtEnv) reps(field int) int {
	if e.part(field).empty() {
		return 0
	}
	return 1
}

// slots remembers, for one application of a table, the elements made for
// each "[n]" under each parent, one per repetition of the field that made
// them, so that rows naming the same slot fill the same element. Its entries
// live on a stack in conv: an application nested in a row (a data type
// table) pushes its own above them and pops them when it ends.
type slots struct {
	c     *conv
	start int
}

type slotElem struct {
	parent    *obj
	name      string
	slot, rep int
	e         *obj
}

func (c *conv) openSlots() slots { return slots{c, len(c.slotStack)} }

func (s slots) close() {
	clear(s.c.slotStack[s.start:])
	s.c.slotStack = s.c.slotStack[:s.start]
}

func (s slots) elem(parent *obj, st step, rep int) *obj {
	for _, se := range s.c.slotStack[s.start:] {
		if se.parent == parent && se.slot == st.slot && se.rep == rep && se.name == st.name {
			return se.e
		}
	}
	e := s.c.newObj()
	s.c.push(parent, st.name, e)
	s.c.slotStack = append(s.c.slotStack, slotElem{parent, st.name, st.slot, rep, e})
	return e
}

// walk returns the object that holds the leaf of steps, creating the
// elements on the way.
func (s slots) walk(root *obj, steps []step, rep int) *obj {
	cur := root
	for _, st := range steps[:len(steps)-1] {
		if st.repeats {
			cur = s.elem(cur, st, rep)
		} else {
			cur = s.c.child(cur, st.name)
		}
	}
	return cur
}

// leafObj returns the object at the leaf of steps.
func (s slots) leafObj(root *obj, steps []step, rep int) *obj {
	parent := s.walk(root, steps, rep)
	st := steps[len(steps)-1]
	if st.repeats {
		return s.elem(parent, st, rep)
	}
	return s.c.child(parent, st.name)
}

// place puts o at the leaf of steps when no element is there yet, and
// reports whether it did; else it returns the element that is there, for
// the caller to merge o into.
func (s slots) place(root *obj, steps []step, rep int, o *obj) (*obj, bool) {
	parent := s.walk(root, steps, rep)
	st := steps[len(steps)-1]
	if st.repeats {
		for _, se := range s.c.slotStack[s.start:] {
			if se.parent == parent && se.slot == st.slot && se.rep == rep && se.name == st.name {
				return se.e, false
			}
		}
		s.c.push(parent, st.name, o)
		s.c.slotStack = append(s.c.slotStack, slotElem{parent, st.name, st.slot, rep, o})
		return o, true
	}
	if e, ok := parent.get(st.name).(*obj); ok {
		return e, false
	}
	parent.set(st.name, o)
	return o, true
}

func (s slots) setPrimitive(root *obj, steps []step, rep int, v any) {
	parent := s.walk(root, steps, rep)
	st := steps[len(steps)-1]
	if st.repeats {
		s.c.push(parent, st.name, v)
	} else {
		parent.set(st.name, v)
	}
}

// applySegment applies a segment table to seg, filling target. It marks in
// used the fields a row took a value from.
func (c *conv) applySegment(t *table, seg *hl7v2.Segment, target *obj, used []bool) {
	if t == nil {
		return
	}
	sl := c.openSlots()
	defer sl.close()
	for i := 0; i < len(t.rows); {
		f := t.rows[i].field
		j := i
		for j < len(t.rows) && t.rows[j].field == f {
			j++
		}
		rows := t.rows[i:j]
		i = j
		if f == 0 { // rows for the segment as a whole: constants
			c.condCache = c.condCache[:0]
			env := segEnv{seg, 0, val{}, &c.condCache, c}
			for _, rw := range rows {
				if rw.cond != nil && !eval(rw.cond, env, 0) {
					continue
				}
				c.applyRow(rw, val{}, target, sl, 0, seg.Name(), 0)
			}
			continue
		}
		fv := seg.Field(f)
		if fv.IsEmpty() || fv.IsNull() {
			continue
		}
		n := fv.Reps()
		for r := 1; r <= n; r++ {
			rep := val{fv.Rep(r), 0}
			if rep.empty() {
				continue
			}
			c.condCache = c.condCache[:0]
			env := segEnv{seg, f, rep, &c.condCache, c}
			c.curField = f
			for _, rw := range rows {
				if rw.cond != nil && !eval(rw.cond, env, f) {
					continue
				}
				if c.applyRow(rw, rep, target, sl, r-1, seg.Name(), f) && f < len(used) {
					used[f] = true
				}
			}
		}
	}
}

// applyDT applies a data type table to x, filling target (the element of
// root slot 1) and making extra elements for root slots above 1.
func (c *conv) applyDT(t *table, x val, target *obj, depth int) (extra []*obj) {
	if depth > 6 {
		return nil
	}
	saved := c.depth
	defer func() { c.depth = saved }()
	sl := c.openSlots()
	defer sl.close()
	var roots []rootElem
	// The parts live on a stack in c, reused by every application; a nested
	// application appends above them and truncates back.
	start := len(c.parts)
	c.parts = splitParts(x, c.parts, t.fields)
	env := dtEnv{c.parts[start:len(c.parts):len(c.parts)]}
	defer func() { c.parts = c.parts[:start] }()
	for _, rw := range t.rows {
		cv := env.part(rw.field)
		if cv.empty() {
			continue
		}
		if rw.cond != nil && !eval(rw.cond, env, rw.field) {
			continue
		}
		tgt := target
		if rw.rootSlot > 1 {
			tgt = nil
			for _, r := range roots {
				if r.slot == rw.rootSlot {
					tgt = r.o
				}
			}
			if tgt == nil {
				tgt = c.newObj()
				roots = append(roots, rootElem{rw.rootSlot, tgt})
				extra = append(extra, tgt)
			}
		}
		c.depth = depth + 1
		c.applyRow(rw, cv, tgt, sl, 0, t.name, rw.field)
	}
	return extra
}

type rootElem struct {
	slot int
	o    *obj
}

// splitParts splits x into its first n parts in one pass over its bytes,
// appending them to buf: the same values as x.part(1) … x.part(n).
func splitParts(x val, buf []val, n int) []val {
	if x.level >= 2 {
		if !x.v.IsEmpty() {
			buf = append(buf, x)
		}
		return buf
	}
	for i, p := range x.v.Split() {
		if i > n {
			break
		}
		buf = append(buf, val{p, x.level + 1})
	}
	return buf
}

// applyRow applies one row to the value x. It reports whether it wrote
// something.
func (c *conv) applyRow(rw *row, x val, target *obj, sl slots, rep int, where string, field int) bool {
	if rw.inPlace {
		if rw.dt == nil {
			return false
		}
		for _, e := range c.applyDT(rw.dt, x, target, c.depth) {
			merge(target, e)
		}
		return true
	}
	if rw.hasAssig && !isPrimitive(rw.leafType) {
		sl.setPrimitive(target, rw.steps, rep, c.assignedCode(rw))
		return true
	}
	if rw.hasAssig {
		v, err := primitive(rw.leafType, rw.assign)
		if err != nil {
			return false
		}
		sl.setPrimitive(target, rw.steps, rep, v)
		return true
	}
	leaf := rw.leafType
	switch {
	case leaf == "Reference":
		ref := c.reference(rw, x)
		if ref == "" {
			return false
		}
		o := sl.leafObj(target, rw.steps, rep)
		o.set("reference", ref)
		return true
	case isPrimitive(leaf):
		v, err := c.primitiveFrom(rw, x)
		if err != nil {
			c.note(where, field, err.Error())
			if v == nil {
				return false
			}
		}
		if v == nil {
			return false
		}
		sl.setPrimitive(target, rw.steps, rep, v)
		return true
	}
	dt := rw.dt
	if dt == nil || dt.base != leaf && !compatible(dt.base, leaf) {
		return false
	}
	o := c.newObj()
	extra := c.applyDT(dt, x, o, c.depth)
	c.finishCoded(o, leaf, rw.cm)
	if leaf == "ContactPoint" {
		contactSystem(o)
	}
	if o.clean() {
		return false
	}
	if dst, placed := sl.place(target, rw.steps, rep, o); !placed {
		merge(dst, o)
	}
	if st := rw.steps[len(rw.steps)-1]; st.repeats {
		parent := sl.walk(target, rw.steps, rep)
		for _, e := range extra {
			if !e.clean() {
				c.push(parent, st.name, e)
			}
		}
	}
	return true
}

func compatible(base, leaf string) bool {
	switch leaf {
	case "SimpleQuantity", "Quantity", "Age", "Duration", "Count", "Distance":
		return base == "Quantity"
	}
	return false
}

// defaultDT is the data type map used when a row names none.
func (ms *MappingSet) defaultDT(leaf string) *table {
	switch leaf {
	case "CodeableConcept":
		return ms.datatypes["CWE[CodeableConcept]"]
	case "Coding":
		return ms.datatypes["CWE[Coding]"]
	case "Identifier":
		return ms.datatypes["CX[Identifier]"]
	}
	return nil
}

func merge(dst, src *obj) {
	for _, f := range src.f {
		switch d := dst.get(f.k).(type) {
		case *obj:
			if s, ok := f.v.(*obj); ok {
				merge(d, s)
				continue
			}
		case *arr:
			if s, ok := f.v.(*arr); ok {
				d.v = append(d.v, s.v...)
				continue
			}
		}
		dst.set(f.k, f.v)
	}
}

// contactSystem gives a ContactPoint whose XTN named no equipment type
// (XTN.3) the system its value implies, since FHIR requires one (cpt-2):
// email for an address with "@", phone for digits, else other.
func contactSystem(o *obj) {
	v := o.str("value")
	if v == "" || o.str("system") != "" {
		return
	}
	sys := "phone"
	for _, r := range v {
		if r == '@' {
			sys = "email"
			break
		}
		if !(r >= '0' && r <= '9' || strings.ContainsRune(" +-()./x", r)) {
			sys = "other"
		}
	}
	o.set("system", sys)
}

// assignedCode is the constant of a row that assigns a code to a
// CodeableConcept or Coding: a coding of the system its value set gives,
// else (for a CodeableConcept) the text.
func (c *conv) assignedCode(rw *row) *obj {
	cd := c.newObj()
	if rw.assignSystem != "" {
		cd.set("system", rw.assignSystem)
		cd.set("code", rw.assign)
	} else if rw.leafType == "Coding" {
		cd.set("code", rw.assign)
	} else {
		cd.set("text", rw.assign)
		return cd
	}
	if rw.leafType == "Coding" {
		return cd
	}
	cc := c.newObj()
	c.push(cc, "coding", cd)
	return cc
}
