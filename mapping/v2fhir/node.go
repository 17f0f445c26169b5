package v2fhir

import (
	"strconv"
	"unicode/utf8"
)

// obj is a JSON object that keeps its keys in insertion order, so that
// converted resources print the way FHIR examples do (resourceType first)
// and every run gives the same bytes. Values are string, num, bool, *obj or
// []any of those.
type obj struct {
	keys []string
	vals []any
}

// num is a JSON number kept as its decimal text.
type num string

func newObj() *obj { return &obj{} }

func newResource(typ string) *obj {
	o := &obj{}
	o.set("resourceType", typ)
	return o
}

func (o *obj) index(k string) int {
	for i, kk := range o.keys {
		if kk == k {
			return i
		}
	}
	return -1
}

func (o *obj) get(k string) any {
	if i := o.index(k); i >= 0 {
		return o.vals[i]
	}
	return nil
}

func (o *obj) set(k string, v any) {
	if i := o.index(k); i >= 0 {
		o.vals[i] = v
		return
	}
	o.keys = append(o.keys, k)
	o.vals = append(o.vals, v)
}

func (o *obj) del(k string) {
	if i := o.index(k); i >= 0 {
		o.keys = append(o.keys[:i], o.keys[i+1:]...)
		o.vals = append(o.vals[:i], o.vals[i+1:]...)
	}
}

func (o *obj) str(k string) string {
	s, _ := o.get(k).(string)
	return s
}

// child returns the object at k, creating it.
func (o *obj) child(k string) *obj {
	if c, ok := o.get(k).(*obj); ok {
		return c
	}
	c := newObj()
	o.set(k, c)
	return c
}

// add appends v to the array at k.
func (o *obj) add(k string, v any) {
	a, _ := o.get(k).([]any)
	o.set(k, append(a, v))
}

func (o *obj) empty() bool { return o == nil || len(o.keys) == 0 }

// clean removes what FHIR forbids and the tables can leave behind: empty
// objects, arrays and strings, extensions without a value, and objects that
// hold nothing but a url, system or use. It reports whether o is now empty.
func (o *obj) clean() bool {
	n := 0
	for i, k := range o.keys {
		if v, ok := cleanValue(k, o.vals[i]); ok {
			o.keys[n], o.vals[n] = k, v
			n++
		}
	}
	o.keys, o.vals = o.keys[:n], o.vals[:n]
	if n == 1 {
		switch o.keys[0] {
		case "url", "system", "use", "resourceType":
			o.keys, o.vals = o.keys[:0], o.vals[:0]
		}
	}
	return len(o.keys) == 0
}

func hasValueX(o *obj) bool {
	for _, k := range o.keys {
		if len(k) > 5 && k[:5] == "value" || k == "extension" {
			return true
		}
	}
	return false
}

func cleanValue(k string, v any) (any, bool) {
	switch v := v.(type) {
	case string:
		return v, v != ""
	case *obj:
		if v.clean() {
			return nil, false
		}
		if (k == "extension" || k == "modifierExtension") && !hasValueX(v) {
			return nil, false
		}
		return v, true
	case []any:
		n := 0
		for _, e := range v {
			if e2, ok := cleanValue(k, e); ok {
				v[n] = e2
				n++
			}
		}
		return v[:n], n > 0
	case nil:
		return nil, false
	}
	return v, true
}

// appendJSON writes o as JSON.
func (o *obj) appendJSON(b []byte) []byte {
	b = append(b, '{')
	for i, k := range o.keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, k)
		b = append(b, ':')
		b = appendValue(b, o.vals[i])
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
	case []any:
		b = append(b, '[')
		for i, e := range v {
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

func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c < 0x20 || c == '<' || c == '>' || c == '&':
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, `\ufffd`...)
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}
