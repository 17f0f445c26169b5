package hl7v2

import (
	"fmt"
	"strings"
)

// Path addresses a segment, field, repetition, component or subcomponent,
// in the terser notation interface analysts use:
//
//	PID-5          field 5 of the first PID (its first repetition)
//	PID-3(2)       the second repetition of PID-3
//	PID-3(2).1     its first component
//	PID-5.1.1      first subcomponent of the first component
//	OBX(3)-5       field 5 of the third OBX segment
//	PID.5.1        dots after the segment name are accepted too
//
// Segment and repetition numbers start at 1. A zero Rep means the first
// repetition; a zero Component or Sub means the whole repetition or
// component.
type Path struct {
	Segment   string
	SegRep    int // 1-based occurrence of the segment in the message
	Field     int
	Rep       int
	Component int
	Sub       int
}

// ParsePath parses a terser path such as "PID-3(2).1".
func ParsePath(s string) (Path, error) {
	var p Path
	bad := func(why string) (Path, error) {
		return Path{}, fmt.Errorf("%w %q: %s", ErrPath, s, why)
	}
	if len(s) < 3 {
		return bad("a path starts with a three-character segment name")
	}
	p.Segment = s[:3]
	for i := 0; i < 3; i++ {
		if !isNameChar(s[i]) {
			return bad("a segment name is three upper-case letters or digits")
		}
	}
	rest := s[3:]
	var ok bool
	if p.SegRep, rest, ok = index(rest); !ok {
		return bad("segment repetition must be a positive number in parentheses")
	}
	if rest == "" {
		return p, nil
	}
	if rest[0] != '-' && rest[0] != '.' {
		return bad("expected '-' and a field number after the segment name")
	}
	if p.Field, rest, ok = number(rest[1:]); !ok {
		return bad("field number must be a positive number")
	}
	if p.Rep, rest, ok = index(rest); !ok {
		return bad("field repetition must be a positive number in parentheses")
	}
	if rest == "" {
		return p, nil
	}
	if rest[0] != '.' && rest[0] != '-' {
		return bad("expected '.' and a component number")
	}
	if p.Component, rest, ok = number(rest[1:]); !ok {
		return bad("component number must be a positive number")
	}
	if rest == "" {
		return p, nil
	}
	if rest[0] != '.' && rest[0] != '-' {
		return bad("expected '.' and a subcomponent number")
	}
	if p.Sub, rest, ok = number(rest[1:]); !ok {
		return bad("subcomponent number must be a positive number")
	}
	if rest != "" {
		return bad("unexpected text after the subcomponent")
	}
	return p, nil
}

// String returns the path in canonical terser form.
func (p Path) String() string {
	var b strings.Builder
	b.WriteString(p.Segment)
	if p.SegRep > 1 {
		fmt.Fprintf(&b, "(%d)", p.SegRep)
	}
	if p.Field > 0 {
		fmt.Fprintf(&b, "-%d", p.Field)
		if p.Rep > 1 {
			fmt.Fprintf(&b, "(%d)", p.Rep)
		}
		if p.Component > 0 {
			fmt.Fprintf(&b, ".%d", p.Component)
			if p.Sub > 0 {
				fmt.Fprintf(&b, ".%d", p.Sub)
			}
		}
	}
	return b.String()
}

func isNameChar(c byte) bool { return c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' }

// number reads a positive decimal number at the start of s.
func number(s string) (int, string, bool) {
	n, i := 0, 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		n = n*10 + int(s[i]-'0')
		if n > 1_000_000 {
			return 0, s, false
		}
		i++
	}
	if i == 0 || n == 0 {
		return 0, s, false
	}
	return n, s[i:], true
}

// index reads an optional "(n)" at the start of s; absent, it is 1.
func index(s string) (int, string, bool) {
	if s == "" || s[0] != '(' {
		return 1, s, true
	}
	n, rest, ok := number(s[1:])
	if !ok || rest == "" || rest[0] != ')' {
		return 0, s, false
	}
	return n, rest[1:], true
}

// Lookup returns the value a path addresses. A path to a field without a
// repetition number addresses its first repetition. A position that is not
// in the message gives an empty Value and no error.
func (m *Message) Lookup(path string) (Value, error) {
	p, err := ParsePath(path)
	if err != nil {
		return Value{}, err
	}
	return m.LookupPath(p), nil
}

// LookupPath is Lookup for a parsed path.
func (m *Message) LookupPath(p Path) Value {
	seg := m.Segment(p.Segment, p.SegRep)
	if seg == nil || p.Field == 0 {
		return Value{c: &m.codec}
	}
	v := seg.Field(p.Field)
	if v.lvl == lvlLiteral {
		return v
	}
	v = v.Rep(max(p.Rep, 1))
	if p.Component > 0 {
		v = v.Component(p.Component)
		if p.Sub > 0 {
			v = v.Sub(p.Sub)
		}
	}
	return v
}

// Get returns the text at a path with escape sequences decoded, or "" when
// the message has no value there. It fails only for a malformed path.
func (m *Message) Get(path string) (string, error) {
	v, err := m.Lookup(path)
	if err != nil {
		return "", err
	}
	return v.String(), nil
}
