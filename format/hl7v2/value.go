package hl7v2

import (
	"bytes"
	"iter"
)

type level uint8

const (
	lvlField   level = iota // a whole field: repetitions, components, subcomponents
	lvlRep                  // one repetition: components, subcomponents
	lvlComp                 // one component: subcomponents
	lvlSub                  // one subcomponent
	lvlLiteral              // MSH-1, MSH-2: never split, never unescaped
)

// Value is a read-only view of a field, a repetition, a component or a
// subcomponent. It refers to the message's bytes and costs no allocation
// until it is turned into a string. The zero Value is empty.
type Value struct {
	b   []byte
	c   *codec
	lvl level
	ok  bool // present in the message (even if empty)
}

// Raw returns the value's bytes as they appear in the message, escape
// sequences included.
func (v Value) Raw() []byte { return v.b }

// Present reports whether the value's position exists in the message. A
// field that is present may still be empty.
func (v Value) Present() bool { return v.ok }

// IsEmpty reports whether the value holds no data. The null value `""` is not
// empty: it explicitly tells the receiver to delete the stored value.
func (v Value) IsEmpty() bool { return len(v.b) == 0 }

// IsNull reports whether the value is the HL7 null `""`.
func (v Value) IsNull() bool { return len(v.b) == 2 && v.b[0] == '"' && v.b[1] == '"' }

// String returns the value with its escape sequences decoded. For a value
// with repetitions or components, the delimiters between them are kept.
func (v Value) String() string {
	if v.lvl == lvlLiteral || v.c == nil || v.c.Escape == 0 || bytes.IndexByte(v.b, v.c.Escape) < 0 {
		return string(v.b)
	}
	return string(unescape(nil, v.b, v.c))
}

// AppendText appends the value with escape sequences decoded to dst and
// returns the extended slice; it allocates only when dst must grow.
func (v Value) AppendText(dst []byte) []byte {
	if v.lvl == lvlLiteral || v.c == nil || v.c.Escape == 0 || bytes.IndexByte(v.b, v.c.Escape) < 0 {
		return append(dst, v.b...)
	}
	return unescape(dst, v.b, v.c)
}

// Reps returns the number of repetitions in a field (1 for a field without
// repetitions, 0 for an empty one).
func (v Value) Reps() int { return v.count(lvlRep) }

// Components returns the number of components in the value (of the first
// repetition, for a field).
func (v Value) Components() int {
	if v.lvl == lvlField {
		v = v.Rep(1)
	}
	return v.count(lvlComp)
}

// Subcomponents returns the number of subcomponents in the value (of the
// first component, for a field or repetition).
func (v Value) Subcomponents() int {
	if v.lvl < lvlComp {
		v = v.Component(1)
	}
	return v.count(lvlSub)
}

// count returns how many parts of level l the value splits into.
func (v Value) count(l level) int {
	if len(v.b) == 0 {
		return 0
	}
	sep := v.sep(l)
	if v.lvl == lvlLiteral || v.lvl >= l || sep == 0 {
		return 1
	}
	return bytes.Count(v.b, []byte{sep}) + 1
}

// sep returns the delimiter that splits a value into parts of the given level.
func (v Value) sep(l level) byte {
	if v.c == nil {
		return 0
	}
	switch l {
	case lvlRep:
		return v.c.Repetition
	case lvlComp:
		return v.c.Component
	case lvlSub:
		return v.c.Subcomponent
	}
	return 0
}

// Rep returns repetition i (1-based) of a field. On a value below field level
// it returns the value itself for i == 1.
func (v Value) Rep(i int) Value { return v.part(lvlRep, i) }

// Component returns component i (1-based). On a field it addresses the first
// repetition.
func (v Value) Component(i int) Value {
	if v.lvl == lvlField {
		v = v.Rep(1)
	}
	return v.part(lvlComp, i)
}

// Sub returns subcomponent i (1-based). On a field or repetition it addresses
// the first component.
func (v Value) Sub(i int) Value {
	if v.lvl < lvlComp {
		v = v.Component(1)
	}
	return v.part(lvlSub, i)
}

// part splits v one level down, returning piece i.
func (v Value) part(l level, i int) Value {
	if i < 1 {
		return Value{c: v.c, lvl: l}
	}
	if v.lvl == lvlLiteral || v.lvl >= l {
		// Already at or below the requested level: only the first piece exists.
		if i == 1 {
			return v
		}
		return Value{c: v.c, lvl: l}
	}
	sep := v.sep(l)
	b := v.b
	if sep == 0 {
		if i == 1 {
			return Value{b: b, c: v.c, lvl: l, ok: v.ok}
		}
		return Value{c: v.c, lvl: l}
	}
	for n := 1; ; n++ {
		j := bytes.IndexByte(b, sep)
		if n == i {
			if j >= 0 {
				b = b[:j:j]
			}
			return Value{b: b, c: v.c, lvl: l, ok: v.ok}
		}
		if j < 0 {
			return Value{c: v.c, lvl: l}
		}
		b = b[j+1:]
	}
}

// Split returns an iterator over the parts one level below v, numbered from
// 1: the repetitions of a field, the components of a repetition, the
// subcomponents of a component. It scans the value once, so walking a whole
// message with nested Split loops costs one pass over its bytes. An empty
// value has no parts; a subcomponent or literal has itself as its only part.
func (v Value) Split() iter.Seq2[int, Value] {
	return func(yield func(int, Value) bool) {
		if len(v.b) == 0 {
			return
		}
		if v.lvl >= lvlSub {
			yield(1, v)
			return
		}
		l := v.lvl + 1
		sep := v.sep(l)
		b := v.b
		for n := 1; ; n++ {
			j := -1
			if sep != 0 {
				j = bytes.IndexByte(b, sep)
			}
			if j < 0 {
				yield(n, Value{b: b, c: v.c, lvl: l, ok: true})
				return
			}
			if !yield(n, Value{b: b[:j:j], c: v.c, lvl: l, ok: true}) {
				return
			}
			b = b[j+1:]
		}
	}
}
