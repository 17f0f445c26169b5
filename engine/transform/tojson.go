package transform

import (
	"bytes"
	"context"
	"strconv"
	"unicode/utf8"

	"github.com/plexus-health/plexus/engine"
	"github.com/plexus-health/plexus/format/hl7v2"
)

// ToJSON converts the HL7 v2 message into a JSON document that keeps its
// whole structure, for web services that cannot read HL7. The document's
// content type becomes application/json.
//
// The shape, for "PID|1||123^^^HOSP^MR~456^^^NHS||Doe^Jane||19850223|F":
//
//	{"segments": [
//	  {"id": "MSH", "fields": {"1": ["|"], "2": ["^~\\&"], ...}},
//	  {"id": "PID", "fields": {
//	    "1": ["1"],
//	    "3": [{"1": "123", "4": "HOSP", "5": "MR"}, {"1": "456", "4": "NHS"}],
//	    "5": [{"1": "Doe", "2": "Jane"}],
//	    "7": ["19850223"],
//	    "8": ["F"]}}
//	]}
//
// Segments appear in message order, each with its ID and its fields keyed
// by their number, in increasing order; empty fields are left out. MSH-1
// and MSH-2 (FHS, BHS likewise) are the delimiters as written.
//
// A field is always a list of its repetitions, so that a repeating field
// reads the same with one repetition or several; an empty repetition
// between others is "". A repetition is a string when it has a single
// component, otherwise an object keyed by component number; a component is
// a string when it has a single subcomponent, otherwise an object keyed by
// subcomponent number. Empty components and subcomponents are left out.
// This is HL7's own rule read backwards: a value without delimiters is its
// own first component, so a reader wanting PID-5.1 takes the string itself
// or the "1" of the object.
//
// Text is decoded: escape sequences become the characters they stand for
// (\F\ becomes "|", \.br\ a line break) and the character set of MSH-18 is
// already UTF-8. The HL7 null, "" in the message, which tells the receiver
// to delete its value, becomes JSON null.
type ToJSON struct{}

var _ Step = ToJSON{}

// Apply implements Step.
func (ToJSON) Apply(_ context.Context, d *Doc) error {
	m, err := d.message()
	if err != nil {
		return err
	}
	d.SetContent(engine.ContentJSON, appendMessageJSON(nil, m))
	return nil
}

// appendMessageJSON appends the JSON form of m to dst.
func appendMessageJSON(dst []byte, m *hl7v2.Message) []byte {
	d := m.Delimiters()
	if dst == nil {
		// Decoded text with its keys and quotes is about twice the size of
		// the message.
		n := 16
		for i := range m.Len() {
			n += 2*len(m.Seg(i).Bytes()) + 32
		}
		dst = make([]byte, 0, n)
	}
	var text []byte // decoded text of the value being written
	dst = append(dst, `{"segments":[`...)
	for i := range m.Len() {
		seg := m.Seg(i)
		if i > 0 {
			dst = append(dst, ',')
		}
		name := seg.Bytes()
		if j := bytes.IndexByte(name, d.Field); j >= 0 {
			name = name[:j]
		}
		header := string(name) == "MSH" || string(name) == "FHS" || string(name) == "BHS"
		dst = append(dst, `{"id":`...)
		dst = appendString(dst, name)
		dst = append(dst, `,"fields":{`...)
		first := true
		for f := 1; f <= seg.NumFields(); f++ {
			field := seg.Field(f)
			if field.IsEmpty() {
				continue
			}
			if !first {
				dst = append(dst, ',')
			}
			first = false
			dst = append(dst, '"')
			dst = strconv.AppendInt(dst, int64(f), 10)
			dst = append(dst, `":[`...)
			if header && f <= 2 {
				// The delimiters themselves, never split or decoded.
				dst = appendString(dst, field.Raw())
			} else {
				for r, rep := range field.Split() {
					if r > 1 {
						dst = append(dst, ',')
					}
					dst, text = appendValue(dst, text, rep, &d)
				}
			}
			dst = append(dst, ']')
		}
		dst = append(dst, "}}"...)
	}
	return append(dst, "]}"...)
}

// appendValue appends a repetition or a component: as a string when it
// holds no delimiter of a lower level, otherwise as an object of its parts.
func appendValue(dst, text []byte, v hl7v2.Value, d *hl7v2.Delimiters) ([]byte, []byte) {
	b := v.Raw()
	if (d.Component == 0 || bytes.IndexByte(b, d.Component) < 0) &&
		(d.Subcomponent == 0 || bytes.IndexByte(b, d.Subcomponent) < 0) {
		return appendText(dst, text, v)
	}
	dst = append(dst, '{')
	first := true
	for n, part := range v.Split() {
		if part.IsEmpty() {
			continue
		}
		if !first {
			dst = append(dst, ',')
		}
		first = false
		dst = append(dst, '"')
		dst = strconv.AppendInt(dst, int64(n), 10)
		dst = append(dst, `":`...)
		dst, text = appendValue(dst, text, part, d)
	}
	return append(dst, '}'), text
}

// appendText appends a value's decoded text as a JSON string, or null for
// the HL7 null.
func appendText(dst, text []byte, v hl7v2.Value) ([]byte, []byte) {
	if v.IsNull() {
		return append(dst, "null"...), text
	}
	text = v.AppendText(text[:0])
	return appendString(dst, text), text
}

// appendString appends s as a JSON string. Invalid UTF-8 becomes U+FFFD;
// U+2028 and U+2029 are escaped so that the output is also valid
// JavaScript.
func appendString(dst, s []byte) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRune(s[i:])
		if r == utf8.RuneError && size == 1 || r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			switch r {
			case utf8.RuneError:
				dst = append(dst, `\ufffd`...)
			case '\u2028':
				dst = append(dst, `\u2028`...)
			default:
				dst = append(dst, `\u2029`...)
			}
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
