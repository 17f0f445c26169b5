package hl7v2

import (
	"errors"
	"fmt"
)

// Validate checks what every receiver needs of a message: segment names that
// are three upper-case letters or digits, a message type (MSH-9), a control
// ID (MSH-10) and a version ID (MSH-12) that names an HL7 v2 version. It
// returns nil for a valid message, or every problem found joined with
// errors.Join; each is an *Error naming segment, field and byte position, so
// errors.As finds the first one.
func (m *Message) Validate() error {
	var errs []error
	offset := len(m.lead)
	for i := range m.segs {
		s := &m.segs[i]
		if name := s.nameBytes(); !validSegmentName(name) {
			seq := 0
			for k := 0; k <= i; k++ {
				if string(m.segs[k].nameBytes()) == string(name) {
					seq++
				}
			}
			// Only the first three bytes are quoted: a line that is not a
			// segment may hold patient data.
			head := printable(name[:min(len(name), 3)])
			errs = append(errs, newError(ErrSegmentName, CodeSegmentSequence,
				Location{Segment: head, Sequence: seq}, offset,
				fmt.Sprintf("a segment starting %q (%d bytes before the first field separator) is not named by three upper-case letters or digits", head, len(name))))
		}
		offset += len(s.data) + len(s.term)
	}
	msh := m.Segment("MSH", 1)
	if msh == nil {
		return errors.Join(append(errs, newError(ErrNoMSH, CodeSegmentSequence, Location{}, 0, ""))...)
	}
	required := func(field, component int, what string) {
		v := msh.Field(field)
		if component > 0 {
			v = v.Component(component)
		}
		if v.IsEmpty() || v.IsNull() {
			errs = append(errs, newError(ErrRequiredField, CodeRequiredFieldMissing,
				Location{Segment: "MSH", Sequence: 1, Field: field, Component: component}, m.fieldOffset(msh, field), what))
		}
	}
	required(9, 1, "message type")
	required(10, 0, "message control ID")
	required(12, 1, "version ID")
	if v := msh.Field(12).Component(1); !v.IsEmpty() && !knownVersion(string(v.Raw())) {
		errs = append(errs, newError(ErrUnsupportedVersion, CodeUnsupportedVersion,
			Location{Segment: "MSH", Sequence: 1, Field: 12}, m.fieldOffset(msh, 12), fmt.Sprintf("%q", truncate(v.String(), 20))))
	}
	return errors.Join(errs...)
}

// knownVersion reports whether v is an HL7 version 2 version ID (table 0104).
func knownVersion(v string) bool {
	switch v {
	case "2.0", "2.0D", "2.1", "2.2", "2.3", "2.3.1", "2.4", "2.5", "2.5.1", "2.6", "2.7", "2.7.1", "2.8", "2.8.1", "2.8.2", "2.9":
		return true
	}
	return false
}

func validSegmentName(name []byte) bool {
	if len(name) != 3 || name[0] < 'A' || name[0] > 'Z' {
		return false
	}
	return isNameChar(name[1]) && isNameChar(name[2])
}

// fieldOffset returns the byte offset in the parsed input where field n of
// seg starts, or -1 when it cannot be told (the segment was edited).
func (m *Message) fieldOffset(seg *Segment, n int) int {
	offset := len(m.lead)
	for i := range m.segs {
		s := &m.segs[i]
		if s == seg {
			break
		}
		offset += len(s.data) + len(s.term)
	}
	if m.edited || m.codec.cs != nil {
		return -1
	}
	piece := n
	if seg.hdr {
		piece = n - 1
	}
	if piece >= 1 && piece <= len(seg.seps) {
		return offset + int(seg.seps[piece-1]) + 1
	}
	return offset + len(seg.data)
}

// Type returns the message type, trigger event and message structure from
// MSH-9, for example "ADT", "A01", "ADT_A01".
func (m *Message) Type() (code, trigger, structure string) {
	msh := m.Segment("MSH", 1)
	if msh == nil {
		return "", "", ""
	}
	f := msh.Field(9)
	return f.Component(1).String(), f.Component(2).String(), f.Component(3).String()
}

// ControlID returns MSH-10, the message control ID.
func (m *Message) ControlID() string { return m.header(10) }

// Version returns MSH-12.1, the HL7 version ID.
func (m *Message) Version() string {
	msh := m.Segment("MSH", 1)
	if msh == nil {
		return ""
	}
	return msh.Field(12).Component(1).String()
}

func (m *Message) header(n int) string {
	msh := m.Segment("MSH", 1)
	if msh == nil {
		return ""
	}
	return msh.Field(n).Rep(1).String()
}
