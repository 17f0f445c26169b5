package hl7v2

import "fmt"

// Delimiters are the encoding characters of a message: the field separator
// from MSH-1 and the component, repetition, escape, subcomponent and (v2.7+)
// truncation characters from MSH-2, in that order. A delimiter the message
// does not declare is zero.
type Delimiters struct {
	Field        byte
	Component    byte
	Repetition   byte
	Escape       byte
	Subcomponent byte
	Truncation   byte
}

// DefaultDelimiters are the encoding characters recommended by the standard,
// |^~\&, used when building a new message.
var DefaultDelimiters = Delimiters{Field: '|', Component: '^', Repetition: '~', Escape: '\\', Subcomponent: '&'}

// EncodingChars returns MSH-2 as the message declares it.
func (d Delimiters) EncodingChars() string {
	b := make([]byte, 0, 5)
	for _, c := range [...]byte{d.Component, d.Repetition, d.Escape, d.Subcomponent, d.Truncation} {
		if c == 0 {
			break
		}
		b = append(b, c)
	}
	return string(b)
}

// isDelimiter reports whether c is one of the declared delimiters (other than
// the truncation character, which only has meaning in some data types).
func (d *Delimiters) isDelimiter(c byte) bool {
	return c != 0 && (c == d.Field || c == d.Component || c == d.Repetition || c == d.Escape || c == d.Subcomponent)
}

// readDelimiters reads MSH-1 and MSH-2 (or FHS/BHS-1 and -2) from the start
// of a header segment. hdr begins with the three-letter segment name.
func readDelimiters(hdr []byte, seg string, offset int) (Delimiters, error) {
	var d Delimiters
	bad := func(field int, format string, args ...any) error {
		return newError(ErrEncodingChars, CodeDataType, Location{Segment: seg, Sequence: 1, Field: field}, offset, fmt.Sprintf(format, args...))
	}
	if len(hdr) < 4 {
		return d, bad(1, "no field separator after %s", seg)
	}
	fs := hdr[3]
	if !validDelimiter(fs) {
		return d, bad(1, "field separator %q is not allowed", fs)
	}
	d.Field = fs
	var enc []byte
	for i := 4; i < len(hdr) && hdr[i] != fs && hdr[i] != '\r' && hdr[i] != '\n'; i++ {
		enc = append(enc, hdr[i])
	}
	if len(enc) == 5 && enc[2] == '\\' && enc[3] == '\\' {
		// "^~\\&": a backslash doubled by a program that escaped the
		// message as a string literal. The intended set is unambiguous.
		enc = append(enc[:3], enc[4])
	}
	if len(enc) == 0 {
		return d, bad(2, "%s-2 is empty", seg)
	}
	if len(enc) > 5 {
		return d, bad(2, "%s-2 has %d characters, at most 5 are allowed (missing field separator after it?)", seg, len(enc))
	}
	var seen [256]bool
	seen[fs] = true
	for i, c := range enc {
		if !validDelimiter(c) {
			return d, bad(2, "encoding character %d (%q) is not allowed", i+1, c)
		}
		if seen[c] {
			return d, bad(2, "encoding character %q is used twice", c)
		}
		seen[c] = true
	}
	dst := [...]*byte{&d.Component, &d.Repetition, &d.Escape, &d.Subcomponent, &d.Truncation}
	for i, c := range enc {
		*dst[i] = c
	}
	return d, nil
}

// validDelimiter reports whether c may serve as a delimiter: a printable
// ASCII character that is neither a letter, a digit nor a space.
func validDelimiter(c byte) bool {
	switch {
	case c <= ' ' || c >= 0x7f:
		return false
	case c >= '0' && c <= '9', c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		return false
	}
	return true
}
