package x12

import (
	"embed"
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"
)

// The implementation guides' rules for each transaction set are tables in
// ig/*.ig, embedded in the binary and read once; ig/README.md defines
// their format. A Checker validates every set whose kind has a table:
// loop and segment order, repeats and required positions, and each
// element's usage, type, length, codes and syntax notes.

//go:embed ig
var igFiles embed.FS

// igSet is the table of one transaction set.
type igSet struct {
	kind, st01, ref string
	root            *igLoop
	ids             map[string]bool // every segment ID of the set
}

// igLoop is a loop, or the set's own table (root). Its first item is its
// trigger segment.
type igLoop struct {
	id    string
	usage byte
	max   int // 0: unbounded
	items []igItem
	alias bool // items are another loop's ("= path")
}

// igItem is a position in a loop: a segment or a child loop.
type igItem struct {
	seg  *igSeg
	loop *igLoop
}

// trigger returns the segment that starts the loop.
func (l *igLoop) trigger() *igSeg { return l.items[0].seg }

// igSeg is a segment position.
type igSeg struct {
	id    string
	usage byte
	max   int // 0: unbounded
	key   igKey
	elems []*igElem // by position; nil: not used. Empty: elements unchecked.
	rules []igRule
}

// igKey selects a position among those of the same segment ID: the value
// of an element (or one of its components) must be one of codes.
type igKey struct {
	elem, comp int // elem 0: no key
	codes      []string
}

func (k *igKey) match(s *Segment) bool {
	if k.elem == 0 {
		return true
	}
	v := s.Element(k.elem)
	if k.comp > 0 {
		v = part(v, s.Delims.Component, k.comp)
	} else if s.Delims.Component != 0 {
		// A qualifier written with components keeps its first one.
		v = part(v, s.Delims.Component, 1)
	}
	for _, c := range k.codes {
		if string(v) == c {
			return true
		}
	}
	return false
}

// igElem is an element or component.
type igElem struct {
	pos, comp int
	usage     byte
	typ       string // ID, AN, N0..N9, R, DT, TM; C for a composite
	min, max  int
	codes     []string
	reps      int // most repetitions; 0 or 1: does not repeat
	ref       int // data element reference number, 0 when not given
	comps     []*igElem
}

// igRule is a syntax note of a segment: P paired, C conditional, R at
// least one, E at most one, L list conditional, over element positions.
type igRule struct {
	kind byte
	pos  []int
}

// igSets are the tables by kind; igErr is the first error reading them,
// which the package's tests report (a kind whose table is broken is not
// validated).
var igSets, igAllIDs, igErr = loadIG()

// igByST01 are the segment IDs of every implementation of each transaction
// set (the 837P's, 837I's and 837D's under 837), so that a segment of
// another implementation is told from one foreign to the set.
var igByST01 = func() map[string]map[string]bool {
	m := map[string]map[string]bool{}
	for _, set := range igSets {
		if m[set.st01] == nil {
			m[set.st01] = map[string]bool{}
		}
		for id := range set.ids {
			m[set.st01][id] = true
		}
	}
	return m
}()

func loadIG() (map[string]*igSet, map[string]bool, error) {
	sets := map[string]*igSet{}
	all := map[string]bool{}
	entries, err := igFiles.ReadDir("ig")
	if err != nil {
		return sets, all, err
	}
	var errs []string
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".ig") {
			continue
		}
		name := path.Join("ig", e.Name())
		b, err := igFiles.ReadFile(name)
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		set, err := parseIG(name, string(b))
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		if sets[set.kind] != nil {
			errs = append(errs, name+": a second table for "+set.kind)
			continue
		}
		sets[set.kind] = set
		for id := range set.ids {
			all[id] = true
		}
	}
	if len(errs) > 0 {
		return sets, all, fmt.Errorf("x12 implementation guide tables: %s", strings.Join(errs, "; "))
	}
	return sets, all, nil
}

// igParser reads one table.
type igParser struct {
	name  string
	line  int
	set   *igSet
	loops []*igLoop // open loops; loops[k] holds the items indented 2k
	paths []string  // full path of each loop defined, for "= path"
	byPth map[string]*igLoop
	seg   *igSeg // the segment whose elements follow
	segAt int    // its indentation
	comp  *igElem
}

func (p *igParser) errf(format string, args ...any) error {
	return fmt.Errorf("%s:%d: %s", p.name, p.line, fmt.Sprintf(format, args...))
}

// parseIG reads a table (see ig/README.md).
func parseIG(name, text string) (*igSet, error) {
	p := &igParser{name: name, byPth: map[string]*igLoop{}}
	for i, raw := range strings.Split(text, "\n") {
		p.line = i + 1
		line := strings.TrimRight(raw, " \t\r")
		indent := len(line) - len(strings.TrimLeft(line, " "))
		f := fields(line)
		if len(f) == 0 {
			continue
		}
		if indent%2 != 0 {
			return nil, p.errf("indentation must be a multiple of two spaces")
		}
		if p.set == nil {
			if f[0] != "set" || len(f) != 4 || indent != 0 {
				return nil, p.errf(`the table must start with "set KIND ST01 REFERENCE"`)
			}
			p.set = &igSet{kind: f[1], st01: f[2], ref: f[3], root: &igLoop{usage: 'R', max: 1}, ids: map[string]bool{}}
			p.loops = []*igLoop{p.set.root}
			continue
		}
		var err error
		switch {
		case f[0] == "seg" || f[0] == "loop":
			err = p.item(indent, f)
		case f[0] == "rule":
			err = p.rule(indent, f)
		default:
			err = p.element(indent, f)
		}
		if err != nil {
			return nil, err
		}
	}
	if p.set == nil {
		return nil, fmt.Errorf("%s: empty table", name)
	}
	if err := p.checkLoops(p.set.root, true); err != nil {
		return nil, err
	}
	return p.set, nil
}

// fields splits a line into tokens, dropping a comment: "#" alone or
// followed by anything but digits (which is a reference number).
func fields(line string) []string {
	f := strings.Fields(line)
	for i, t := range f {
		if strings.HasPrefix(t, "#") {
			if _, err := strconv.Atoi(t[1:]); err != nil {
				return f[:i]
			}
		}
	}
	return f
}

func (p *igParser) item(indent int, f []string) error {
	depth := indent / 2
	if depth >= len(p.loops) {
		return p.errf("%s indented deeper than the loop it belongs to", f[0])
	}
	p.loops = p.loops[:depth+1]
	parent := p.loops[depth]
	p.seg, p.comp = nil, nil
	if parent.alias {
		return p.errf("loop %s repeats another loop's definition and cannot have items of its own", parent.id)
	}
	if len(f) < 4 {
		return p.errf("%s needs an ID, a usage and a maximum", f[0])
	}
	usage, err := p.usage(f[2], false)
	if err != nil {
		return err
	}
	max, err := p.max(f[3])
	if err != nil {
		return err
	}
	if f[0] == "loop" {
		l := &igLoop{id: f[1], usage: usage, max: max}
		full := p.fullPath(f[1])
		switch {
		case len(f) == 4:
		case len(f) == 6 && f[4] == "=":
			orig := p.find(f[5])
			if orig == nil {
				return p.errf("loop %s repeats %s, which is not defined above", f[1], f[5])
			}
			if slices.Contains(p.loops, orig) {
				return p.errf("loop %s repeats %s, which holds it", f[1], f[5])
			}
			l.items, l.alias = orig.items, true
		default:
			return p.errf("unexpected words after the loop's maximum")
		}
		parent.items = append(parent.items, igItem{loop: l})
		p.loops = append(p.loops, l)
		p.paths = append(p.paths, full)
		p.byPth[full] = l
		return nil
	}
	if !validID(f[1]) {
		return p.errf("%q is not a segment ID", f[1])
	}
	s := &igSeg{id: f[1], usage: usage, max: max}
	switch len(f) {
	case 4:
	case 5:
		k, err := p.key(f[4])
		if err != nil {
			return err
		}
		s.key = k
	default:
		return p.errf("unexpected words after the segment's key")
	}
	if len(parent.items) > 0 && parent.items[0].loop != nil {
		return p.errf("a loop must start with a segment")
	}
	parent.items = append(parent.items, igItem{seg: s})
	p.set.ids[s.id] = true
	p.seg, p.segAt = s, indent
	return nil
}

// fullPath is the path of a loop about to open under the open loops.
func (p *igParser) fullPath(id string) string {
	var b strings.Builder
	for _, o := range p.loops[1:] {
		b.WriteString(o.id)
		b.WriteByte('/')
	}
	b.WriteString(id)
	return b.String()
}

// find returns the loop defined above whose path ends with suffix.
func (p *igParser) find(suffix string) *igLoop {
	for i := len(p.paths) - 1; i >= 0; i-- {
		if pt := p.paths[i]; pt == suffix || strings.HasSuffix(pt, "/"+suffix) {
			return p.byPth[pt]
		}
	}
	return nil
}

func (p *igParser) usage(u string, element bool) (byte, error) {
	switch {
	case u == "R" || u == "S":
		return u[0], nil
	case u == "N" && element:
		return 'N', nil
	}
	return 0, p.errf("usage %q: must be R, S%s", u, map[bool]string{true: " or N", false: ""}[element])
}

func (p *igParser) max(m string) (int, error) {
	if m == ">1" {
		return 0, nil
	}
	n, err := strconv.Atoi(m)
	if err != nil || n < 1 {
		return 0, p.errf("maximum %q: must be a positive number or >1", m)
	}
	return n, nil
}

// key reads "01=41,P3" or "01-1=ABK,BK".
func (p *igParser) key(k string) (igKey, error) {
	at, codes, ok := strings.Cut(k, "=")
	if !ok || codes == "" {
		return igKey{}, p.errf("key %q: must be POSITION=CODE[,CODE...]", k)
	}
	e, c, err := p.position(at)
	if err != nil {
		return igKey{}, err
	}
	return igKey{elem: e, comp: c, codes: strings.Split(codes, ",")}, nil
}

// position reads "03" or "01-2".
func (p *igParser) position(s string) (elem, comp int, err error) {
	e, c, hasComp := strings.Cut(s, "-")
	elem, err1 := strconv.Atoi(e)
	if hasComp {
		comp, err = strconv.Atoi(c)
	}
	if err1 != nil || err != nil || elem < 1 || elem > 99 || hasComp && comp < 1 || len(e) != 2 {
		return 0, 0, p.errf("position %q: must be two digits, or two digits, a dash and a component number", s)
	}
	return elem, comp, nil
}

var igTypes = []string{"ID", "AN", "N0", "N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8", "N9", "R", "DT", "TM"}

func (p *igParser) element(indent int, f []string) error {
	if p.seg == nil {
		return p.errf("an element must follow a segment")
	}
	elem, comp, err := p.position(f[0])
	if err != nil {
		return err
	}
	e := &igElem{pos: elem, comp: comp}
	if len(f) < 3 {
		return p.errf("an element needs a usage and a type")
	}
	if e.usage, err = p.usage(f[1], true); err != nil {
		return err
	}
	e.typ = f[2]
	rest := f[3:]
	if e.typ != "C" {
		if !slices.Contains(igTypes, e.typ) {
			return p.errf("type %q: must be one of %s or C", e.typ, strings.Join(igTypes, " "))
		}
		if len(rest) == 0 {
			return p.errf("a simple element needs MIN/MAX lengths")
		}
		lo, hi, ok := strings.Cut(rest[0], "/")
		e.min, err = strconv.Atoi(lo)
		if err == nil {
			e.max, err = strconv.Atoi(hi)
		}
		if !ok || err != nil || e.min < 0 || e.max < e.min || e.max == 0 {
			return p.errf("length %q: must be MIN/MAX", rest[0])
		}
		rest = rest[1:]
	}
	for _, t := range rest {
		switch {
		case strings.HasPrefix(t, "#"):
			e.ref, _ = strconv.Atoi(t[1:])
		case len(t) > 1 && t[0] == 'x' && t[1] >= '0' && t[1] <= '9':
			if e.reps, err = strconv.Atoi(t[1:]); err != nil || e.reps < 1 {
				return p.errf("repeats %q: must be x and a number", t)
			}
		case e.typ != "C":
			if len(t) < e.min || len(t) > e.max {
				return p.errf("code %q does not fit the element's length %d/%d", t, e.min, e.max)
			}
			e.codes = append(e.codes, t)
		default:
			return p.errf("unexpected %q: a composite has no codes of its own", t)
		}
	}
	if comp > 0 {
		if p.comp == nil || p.comp.pos != elem || indent != p.segAt+4 {
			return p.errf("component %s must follow its composite %02d, indented under it", f[0], elem)
		}
		if n := len(p.comp.comps); n > 0 && p.comp.comps[n-1].comp >= comp {
			return p.errf("component %s is out of order", f[0])
		}
		p.comp.comps = append(p.comp.comps, e)
		return nil
	}
	if indent != p.segAt+2 {
		return p.errf("an element must be indented two spaces under its segment")
	}
	if n := len(p.seg.elems); elem < n {
		return p.errf("element %02d is out of order", elem)
	}
	for len(p.seg.elems) < elem {
		p.seg.elems = append(p.seg.elems, nil)
	}
	p.seg.elems = append(p.seg.elems, e) // elems[0] stays nil: positions are 1-based
	p.comp = nil
	if e.typ == "C" {
		p.comp = e
	}
	return nil
}

func (p *igParser) rule(indent int, f []string) error {
	if p.seg == nil || indent != p.segAt+2 {
		return p.errf("a rule must follow a segment, indented under it")
	}
	if len(f) != 2 || len(f[1]) < 5 || len(f[1])%2 != 1 || !strings.ContainsRune("PCREL", rune(f[1][0])) {
		return p.errf("rule %q: must be P, C, R, E or L and two-digit positions", strings.Join(f[1:], " "))
	}
	r := igRule{kind: f[1][0]}
	for i := 1; i < len(f[1]); i += 2 {
		n, err := strconv.Atoi(f[1][i : i+2])
		if err != nil || n < 1 {
			return p.errf("rule %q: bad position", f[1])
		}
		r.pos = append(r.pos, n)
	}
	p.seg.rules = append(p.seg.rules, r)
	return nil
}

// checkLoops checks that every loop starts with its trigger segment and
// that the set starts with ST and ends with SE.
func (p *igParser) checkLoops(l *igLoop, root bool) error {
	if len(l.items) == 0 || l.items[0].seg == nil {
		return fmt.Errorf("%s: loop %s must start with a segment", p.name, l.id)
	}
	if root {
		if l.items[0].seg.id != "ST" || l.items[len(l.items)-1].seg == nil || l.items[len(l.items)-1].seg.id != "SE" {
			return fmt.Errorf("%s: the set must start with ST and end with SE", p.name)
		}
	}
	for _, it := range l.items {
		if it.loop != nil && !it.loop.alias {
			if err := p.checkLoops(it.loop, false); err != nil {
				return err
			}
		}
	}
	return nil
}
