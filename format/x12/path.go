package x12

import (
	"strings"
)

// Path addresses values in a transaction set by loop and segment:
//
//	2010BA/NM1-09      NM1-09 of the first segment NM1 in loop 2010BA
//	2300/REF[G1]-02    REF-02 of the REF in loop 2300 whose REF-01 is G1
//	2400/SV1-01-2      component 2 of SV1-01 in loop 2400 (also SV1-01.2)
//	CLM-01             CLM-01 wherever it is
//	BHT04              the hyphen before the element is optional
//
// Elements and components are 1-based.
type Path struct {
	Loop      string
	Segment   string
	Qualifier string // required value of element 1, "" for any
	Element   int
	Component int // 0: the whole element
}

// ParsePath parses a path; errors wrap ErrPath.
func ParsePath(s string) (Path, error) {
	var p Path
	bad := func(msg string) (Path, error) {
		return Path{}, &Error{Err: ErrPath, Msg: msg + " in " + quote(s)}
	}
	rest := s
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		p.Loop, rest = rest[:i], rest[i+1:]
		if p.Loop == "" {
			return bad("an empty loop")
		}
	}
	head := rest
	if i := strings.IndexAny(rest, "[-."); i >= 0 {
		head, rest = rest[:i], rest[i:]
	} else {
		rest = ""
	}
	if rest == "" || rest[0] == '.' {
		// The compact form, NM109: the element is the last two digits.
		if len(head) < 4 {
			return bad("no element number")
		}
		p.Segment, rest = head[:len(head)-2], head[len(head)-2:]+rest
	} else {
		p.Segment = head
	}
	if !validID(p.Segment) {
		return bad("no segment ID")
	}
	if strings.HasPrefix(rest, "[") {
		i := strings.IndexByte(rest, ']')
		if i < 2 {
			return bad("an unterminated or empty qualifier")
		}
		p.Qualifier, rest = rest[1:i], rest[i+1:]
	}
	rest = strings.TrimPrefix(rest, "-")
	elem, comp, hasComp := strings.Cut(rest, "-")
	if !hasComp {
		elem, comp, hasComp = strings.Cut(rest, ".")
	}
	e, ok := atoi([]byte(elem))
	if !ok || e < 1 || e > 999 {
		return bad("no element number")
	}
	p.Element = e
	if hasComp {
		c, ok := atoi([]byte(comp))
		if !ok || c < 1 || c > 999 {
			return bad("a bad component number")
		}
		p.Component = c
	}
	return p, nil
}

func quote(s string) string {
	if len(s) > 40 {
		s = s[:40] + "..."
	}
	return "\"" + s + "\""
}

// String returns the path in its canonical form, as 2010BA/NM1-09.
func (p Path) String() string {
	var b strings.Builder
	if p.Loop != "" {
		b.WriteString(p.Loop + "/")
	}
	b.WriteString(p.Segment)
	if p.Qualifier != "" {
		b.WriteString("[" + p.Qualifier + "]")
	}
	b.WriteByte('-')
	if p.Element < 10 {
		b.WriteByte('0')
	}
	b.WriteString(itoa(p.Element))
	if p.Component > 0 {
		b.WriteString("-" + itoa(p.Component))
	}
	return b.String()
}

// match reports whether segment i of t is addressed by p.
func (p Path) match(t *Transaction, i int) bool {
	s := t.Segments[i]
	return s.ID == p.Segment && (p.Loop == "" || t.Loops[i] == p.Loop) &&
		(p.Qualifier == "" || string(s.Element(1)) == p.Qualifier)
}

func (p Path) value(s *Segment) string {
	if p.Component > 0 {
		return string(s.Component(p.Element, p.Component))
	}
	return string(s.Element(p.Element))
}

// Get returns the value at p in the first segment it addresses, and whether
// there is such a segment.
func (t *Transaction) Get(p Path) (string, bool) {
	for i := range t.Segments {
		if p.match(t, i) {
			return p.value(t.Segments[i]), true
		}
	}
	return "", false
}

// GetAll returns the value at p in every segment it addresses, in order.
func (t *Transaction) GetAll(p Path) []string {
	var out []string
	for i := range t.Segments {
		if p.match(t, i) {
			out = append(out, p.value(t.Segments[i]))
		}
	}
	return out
}

// Set writes v at p in every segment p addresses (see Segment.SetElement;
// a component is set within its element) and returns how many it changed.
func (t *Transaction) Set(p Path, v string) int {
	n := 0
	for i := range t.Segments {
		if !p.match(t, i) {
			continue
		}
		s := t.Segments[i]
		if p.Component > 0 {
			comps := strings.Split(string(s.Element(p.Element)), string(s.Delims.Component))
			for len(comps) < p.Component {
				comps = append(comps, "")
			}
			comps[p.Component-1] = v
			for len(comps) > 1 && comps[len(comps)-1] == "" {
				comps = comps[:len(comps)-1]
			}
			s.SetElement(p.Element, strings.Join(comps, string(s.Delims.Component)))
		} else {
			s.SetElement(p.Element, v)
		}
		n++
	}
	return n
}
