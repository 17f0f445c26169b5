package hl7v2

import (
	"bytes"
	"fmt"
	"unicode/utf8"
)

// Editing rewrites only the segment it touches: the new value is spliced into
// a copy of that segment's bytes, adding delimiters where the addressed
// position does not exist yet, and the segment's field index is rebuilt.
// Every other segment keeps referring to the original bytes.

// Set stores text at a path, escaping any character that has a meaning in
// the message encoding. Missing fields, repetitions and components are
// created; a missing segment is appended when it is the next occurrence
// (for example ZPI when the message has none, or OBX(4) after three OBX).
// MSH-1 and MSH-2 cannot be set.
func (m *Message) Set(path, text string) error {
	p, err := ParsePath(path)
	if err != nil {
		return err
	}
	return m.SetPath(p, m.codec.appendEscaped(nil, []byte(text)))
}

// SetRaw stores already-encoded content at a path: its delimiters below the
// addressed level are kept as structure, for example SetRaw("PID-5",
// "Doe^John"). Delimiters of the addressed level or above are refused.
func (m *Message) SetRaw(path, encoded string) error {
	p, err := ParsePath(path)
	if err != nil {
		return err
	}
	if err := m.checkRaw(p, []byte(encoded)); err != nil {
		return err
	}
	return m.SetPath(p, []byte(encoded))
}

// checkRaw refuses encoded content that would change the message structure
// around the addressed position.
func (m *Message) checkRaw(p Path, b []byte) error {
	d := &m.codec.Delimiters
	forbidden := []byte{'\r', '\n', d.Field}
	if p.Field > 0 && p.Rep > 0 || p.Component > 0 {
		forbidden = append(forbidden, d.Repetition)
	}
	if p.Component > 0 {
		forbidden = append(forbidden, d.Component)
	}
	if p.Sub > 0 {
		forbidden = append(forbidden, d.Subcomponent)
	}
	for _, c := range forbidden {
		if c != 0 && bytes.IndexByte(b, c) >= 0 {
			return fmt.Errorf("%w %s: encoded value contains delimiter %q of this level or above", ErrPath, p, c)
		}
	}
	return nil
}

// SetPath stores encoded bytes at a parsed path.
func (m *Message) SetPath(p Path, encoded []byte) error {
	if p.Field == 0 {
		return fmt.Errorf("%w %s: a field number is needed to set a value", ErrPath, p)
	}
	d := &m.codec.Delimiters
	if p.Rep > 1 && d.Repetition == 0 || p.Component > 1 && d.Component == 0 || p.Sub > 1 && d.Subcomponent == 0 {
		return fmt.Errorf("%w %s: the message declares no delimiter for that level", ErrPath, p)
	}
	seg := m.Segment(p.Segment, p.SegRep)
	appended := false
	if seg == nil {
		if m.Count(p.Segment) != p.SegRep-1 {
			return fmt.Errorf("%w: %s(%d) (the message has %d)", ErrNotFound, p.Segment, p.SegRep, m.Count(p.Segment))
		}
		seg, appended = m.appendSegment([]byte(p.Segment)), true
	}
	piece := p.Field
	if seg.hdr {
		if p.Field <= 2 {
			return fmt.Errorf("%w %s: the encoding characters cannot be changed", ErrPath, p)
		}
		piece = p.Field - 1
	}
	if encoded == nil {
		encoded = []byte{} // nil signals failure inside splice
	}
	data := splice(seg.data, d.Field, piece, func(field []byte) []byte {
		return splice(field, d.Repetition, max(p.Rep, 1)-1, func(rep []byte) []byte {
			if p.Component == 0 {
				return encoded
			}
			return splice(rep, d.Component, p.Component-1, func(comp []byte) []byte {
				if p.Sub == 0 {
					return encoded
				}
				return splice(comp, d.Subcomponent, p.Sub-1, func([]byte) []byte { return encoded })
			})
		})
	})
	if data == nil {
		// Unreachable after the delimiter check above; kept so that a
		// future change cannot corrupt the segment silently.
		if appended {
			m.segs = m.segs[:len(m.segs)-1]
		}
		return fmt.Errorf("%w %s: the message declares no delimiter for that level", ErrPath, p)
	}
	seg.setData(data)
	m.edited = true
	return nil
}

// splice returns b with its i-th (0-based) sep-delimited piece replaced by
// fn(piece), adding separators when b has fewer pieces. It returns nil when
// a separator is needed but sep is zero.
func splice(b []byte, sep byte, i int, fn func([]byte) []byte) []byte {
	start := 0
	for n := 0; n < i; n++ {
		if sep == 0 {
			return nil
		}
		j := bytes.IndexByte(b[start:], sep)
		if j < 0 {
			// Pad with separators up to the wanted piece.
			out := make([]byte, 0, len(b)+i-n)
			out = append(out, b...)
			for ; n < i; n++ {
				out = append(out, sep)
			}
			repl := fn(nil)
			if repl == nil {
				return nil
			}
			return append(out, repl...)
		}
		start += j + 1
	}
	end := len(b)
	if sep != 0 {
		if j := bytes.IndexByte(b[start:], sep); j >= 0 {
			end = start + j
		}
	}
	repl := fn(b[start:end])
	if repl == nil {
		return nil
	}
	out := make([]byte, 0, start+len(repl)+len(b)-end)
	out = append(out, b[:start]...)
	out = append(out, repl...)
	return append(out, b[end:]...)
}

// setData replaces the segment's bytes and rebuilds its field index in one
// allocation.
func (s *Segment) setData(data []byte) {
	s.data = data
	fs := s.c.Field
	s.seps = make([]int32, 0, bytes.Count(data, []byte{fs}))
	for i, c := range data {
		if c == fs {
			s.seps = append(s.seps, int32(i))
		}
	}
	s.hdr = isHeader(data)
}

// appendSegment adds an empty segment with the given name at the end.
func (m *Message) appendSegment(name []byte) *Segment {
	if n := len(m.segs); n > 0 {
		// The new segment must start a line: the last one may have ended
		// without a terminator, or with trailing blanks after it.
		if t := m.segs[n-1].term; len(t) == 0 || t[len(t)-1] != '\r' && t[len(t)-1] != '\n' {
			m.segs[n-1].term = append(t[:len(t):len(t)], '\r')
		}
	}
	m.segs = append(m.segs, Segment{term: []byte{'\r'}, c: &m.codec})
	seg := &m.segs[len(m.segs)-1]
	seg.setData(append([]byte(nil), name...))
	m.edited = true
	return seg
}

// AppendSegment adds a segment, given in encoded form without terminator
// (for example "NTE|1||note"), at the end of the message.
func (m *Message) AppendSegment(encoded string) error {
	b := []byte(encoded)
	if len(b) < 3 || !isNameChar(b[0]) || !isNameChar(b[1]) || !isNameChar(b[2]) || (len(b) > 3 && b[3] != m.codec.Field) {
		return fmt.Errorf("%w: %q does not start with a segment name and field separator", ErrSegmentName, truncate(encoded, 20))
	}
	if bytes.ContainsAny(b, "\r\n") {
		return fmt.Errorf("%w: a segment cannot contain CR or LF", ErrSegmentName)
	}
	m.appendSegment(b)
	return nil
}

// DeleteSegment removes the n-th (1-based) segment with the given name. It
// reports whether there was one.
func (m *Message) DeleteSegment(name string, n int) bool {
	count := 0
	for i := range m.segs {
		if !m.segs[i].Is(name) {
			continue
		}
		if count++; count == n {
			if i == 0 {
				return false // MSH stays
			}
			if i == len(m.segs)-1 {
				// The previous segment takes over the final terminator.
				m.segs[i-1].term = m.segs[i].term
			}
			m.segs = append(m.segs[:i], m.segs[i+1:]...)
			m.edited = true
			return true
		}
	}
	return false
}

// Edited reports whether the message was changed since it was parsed.
func (m *Message) Edited() bool { return m.edited }

// truncate shortens s to at most n bytes, cutting on a character boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// ClearField empties field n of the given occurrence (1-based) of a
// segment, every repetition of it, leaving the field separators in place so
// that the fields after it keep their numbers. It reports whether the
// segment exists. MSH-1 and MSH-2 cannot be cleared.
func (m *Message) ClearField(segment string, occurrence, n int) (bool, error) {
	seg := m.Segment(segment, occurrence)
	if seg == nil {
		return false, nil
	}
	piece := n
	if seg.hdr {
		if n <= 2 {
			return true, fmt.Errorf("%w %s-%d: the encoding characters cannot be changed", ErrPath, segment, n)
		}
		piece = n - 1
	}
	if n < 1 {
		return true, fmt.Errorf("%w %s-%d: fields are numbered from 1", ErrPath, segment, n)
	}
	if !seg.Field(n).Present() {
		return true, nil
	}
	seg.setData(splice(seg.data, m.codec.Field, piece, func([]byte) []byte { return []byte{} }))
	m.edited = true
	return true, nil
}
