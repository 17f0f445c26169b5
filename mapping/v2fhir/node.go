package v2fhir

import (
	"slices"
	"strconv"
	"unicode/utf8"
)

// obj is a JSON object that keeps its keys in insertion order, so that
// converted resources print the way FHIR examples do (resourceType first)
// and every run gives the same bytes. Values are string, num, bool, *obj or
// *arr of those.
//
// Most objects the tables build (a Coding, an Identifier, a Reference) have
// four keys or fewer: their fields live in the object itself (inl), so
// building one is a single allocation. An obj must be made by newObj.
type obj struct {
	f   []field
	inl [4]field
}

type field struct {
	k string
	v any
}

// arr is a JSON array. It is held by pointer so that appending to it does
// not box a new slice header into an interface each time.
type arr struct {
	v   []any
	inl [2]any
}

// num is a JSON number kept as its decimal text.
type num string

func newObj() *obj {
	o := &obj{}
	o.f = o.inl[:0]
	return o
}

func (o *obj) len() int { return len(o.f) }

func (o *obj) index(k string) int {
	for i := range o.f {
		if o.f[i].k == k {
			return i
		}
	}
	return -1
}

func (o *obj) get(k string) any {
	if i := o.index(k); i >= 0 {
		return o.f[i].v
	}
	return nil
}

func (o *obj) set(k string, v any) {
	if i := o.index(k); i >= 0 {
		o.f[i].v = v
		return
	}
	o.f = append(o.f, field{k, v})
}

// insert puts k at position i (it must not be there yet).
func (o *obj) insert(i int, k string, v any) {
	o.f = slices.Insert(o.f, i, field{k, v})
}

func (o *obj) reset() { o.f = o.f[:0] }

func (o *obj) str(k string) string {
	s, _ := o.get(k).(string)
	return s
}

// list returns the elements of the array at k.
func (o *obj) list(k string) []any {
	if a, ok := o.get(k).(*arr); ok {
		return a.v
	}
	return nil
}

func (o *obj) empty() bool { return o == nil || len(o.f) == 0 }

// clean removes what FHIR forbids and the tables can leave behind: empty
// objects, arrays and strings, extensions without a value, and objects that
// hold nothing but a url, system or use. It reports whether o is now empty.
// It works in place and allocates nothing.
func (o *obj) clean() bool {
	n := 0
	for _, f := range o.f {
		if keepValue(f.k, f.v) {
			o.f[n] = f
			n++
		}
	}
	clear(o.f[n:])
	o.f = o.f[:n]
	if n == 1 {
		switch o.f[0].k {
		case "url", "system", "use", "resourceType":
			o.f[0] = field{}
			o.f = o.f[:0]
		}
	}
	return len(o.f) == 0
}

func hasValueX(o *obj) bool {
	for _, f := range o.f {
		if len(f.k) > 5 && f.k[:5] == "value" || f.k == "extension" {
			return true
		}
	}
	return false
}

// keepValue cleans v (in place) and reports whether it stays under key k.
func keepValue(k string, v any) bool {
	switch v := v.(type) {
	case string:
		return v != ""
	case *obj:
		if v.clean() {
			return false
		}
		if (k == "extension" || k == "modifierExtension") && !hasValueX(v) {
			return false
		}
		return true
	case *arr:
		n := 0
		for _, e := range v.v {
			if keepValue(k, e) {
				v.v[n] = e
				n++
			}
		}
		clear(v.v[n:])
		v.v = v.v[:n]
		return n > 0
	case nil:
		return false
	}
	return true
}

// appendJSON writes o as JSON. Keys are element names from the spec (letters,
// digits, '_'), which need no escaping.
func (o *obj) appendJSON(b []byte) []byte {
	b = append(b, '{')
	for i, f := range o.f {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '"')
		b = append(b, f.k...)
		b = append(b, '"', ':')
		b = appendValue(b, f.v)
	}
	return append(b, '}')
}

func appendValue(b []byte, v any) []byte {
	switch v := v.(type) {
	case string:
		return appendString(b, v)
	case num:
		return append(b, v...)
	case bool:
		return strconv.AppendBool(b, v)
	case *obj:
		return v.appendJSON(b)
	case *arr:
		b = append(b, '[')
		for i, e := range v.v {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendValue(b, e)
		}
		return append(b, ']')
	}
	return append(b, "null"...)
}

const hexDigits = "0123456789abcdef"

// plain marks the ASCII bytes a JSON string holds as they are.
var plain = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = true
	}
	for _, c := range `"\<>&` {
		t[c] = false
	}
	return t
}()

func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	b = appendStringBody(b, s)
	return append(b, '"')
}

// appendStringBody writes s escaped for a JSON string, without the quotes.
func appendStringBody(b []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if plain[c] {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i++
			start = i
			continue
		}
		i += size
	}
	return append(b, s[start:]...)
}
