package x12

import (
	"bytes"
	"strconv"
	"strings"
)

// Delimiters are the separators of an interchange, read from its ISA
// segment. Repetition is 0 before version 00501, which had none.
type Delimiters struct {
	Element, Component, Repetition, Segment byte
}

// Standard are the separators most senders use: * : ^ ~.
var Standard = Delimiters{Element: '*', Component: ':', Repetition: '^', Segment: '~'}

// isaLen is the length of an ISA segment of fixed widths, terminator excluded.
const isaLen = 105

// isaWidths are the fixed widths of ISA01 to ISA16.
var isaWidths = [17]int{0, 2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1}

// readISA reads the separators from b, which starts with "ISA". It returns
// them and the length of the segment without its terminator. The element
// separator is the byte after "ISA"; the component separator is the one byte
// after the sixteenth element separator, and the terminator the byte after
// that; the widths of the elements are checked later, by the Checker, so
// that an ISA with a short field is still read and answered with a TA1.
func readISA(b []byte) (Delimiters, int, error) {
	var d Delimiters
	if len(b) < 4 || string(b[:3]) != "ISA" {
		return d, 0, ErrNoISA
	}
	d.Element = b[3]
	if isAlnum(d.Element) || isSpace(d.Element) {
		return d, 0, &Error{Segment: "ISA", Err: ErrISA, Msg: "the element separator is a letter, digit or white space"}
	}
	n := 0
	for i := 3; i < len(b) && i < 4*isaLen; i++ {
		if b[i] != d.Element {
			continue
		}
		n++
		if n < 16 {
			continue
		}
		if i+2 >= len(b) {
			break
		}
		d.Component, d.Segment = b[i+1], b[i+2]
		switch {
		case d.Segment == d.Element || d.Segment == d.Component || d.Component == d.Element:
			return d, 0, &Error{Segment: "ISA", Element: 16, Err: ErrISA, Msg: "the element, component and segment separators are not distinct"}
		case isAlnum(d.Component) || isAlnum(d.Segment) || d.Component == ' ' || d.Segment == ' ':
			return d, 0, &Error{Segment: "ISA", Element: 16, Err: ErrISA, Msg: "a separator is a letter, digit or space"}
		}
		// ISA11 is the repetition separator from 00501 on.
		fields := bytes.Split(b[:i+2], []byte{d.Element})
		if len(fields) == 17 && len(fields[11]) == 1 && string(fields[12]) >= "00501" {
			r := fields[11][0]
			if !isAlnum(r) && r != ' ' && r != d.Element && r != d.Component && r != d.Segment {
				d.Repetition = r
			}
		}
		return d, i + 2, nil
	}
	return d, 0, &Error{Segment: "ISA", Err: ErrISA, Msg: "fewer than 16 elements before the end of the input"}
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'
}

func isSpace(c byte) bool { return c == ' ' || c == '\r' || c == '\n' || c == '\t' }

// Segment is one segment: its ID (element 0) and elements, read from Raw
// with the interchange's Delimiters. Lead holds white space found before
// the segment and Suffix its terminator with the line breaks after it, so
// that Lead+Raw+Suffix are the bytes read.
type Segment struct {
	ID     string
	Raw    []byte
	Lead   []byte
	Suffix []byte
	// Pos is the 1-based position of the segment in the input and Offset
	// the byte offset of Raw.
	Pos    int
	Offset int64
	Delims Delimiters

	// ends[i] is the offset in Raw where element i ends (ends[0]: the ID);
	// element i starts one byte after ends[i-1]. Offsets hold no pointer,
	// so indexing costs the garbage collector nothing.
	ends []int32
}

// NewSegment builds a segment from its ID and element values, joined with
// d's separators and terminated by d.Segment. Values are written as given:
// a value containing a component separator has components.
func NewSegment(d Delimiters, id string, elems ...string) *Segment {
	n := len(elems)
	for n > 0 && elems[n-1] == "" {
		n--
	}
	raw := []byte(id)
	for _, e := range elems[:n] {
		raw = append(raw, d.Element)
		raw = append(raw, e...)
	}
	s := &Segment{Raw: raw, Suffix: []byte{d.Segment}, Delims: d}
	s.index()
	return s
}

// index splits Raw into elements and sets ID.
func (s *Segment) index() {
	n := bytes.Count(s.Raw, []byte{s.Delims.Element}) + 1
	s.ends = make([]int32, 0, n)
	s.split()
}

// split fills s.ends, which has room for every element. In an ISA, ISA16
// is itself the component separator and is taken as data.
func (s *Segment) split() {
	raw, e := s.Raw, s.Delims.Element
	isa := len(raw) >= 4 && string(raw[:3]) == "ISA" && raw[3] == e
	at := 0
	for {
		i := bytes.IndexByte(raw[at:], e)
		if i < 0 || (isa && len(s.ends) == 16) {
			s.ends = append(s.ends, int32(len(raw)))
			break
		}
		s.ends = append(s.ends, int32(at+i))
		at += i + 1
	}
	s.ID = segmentID(raw[:s.ends[0]])
}

// knownIDs holds the segment IDs of the 5010 transaction sets, so that
// reading one costs no allocation.
var knownIDs = func() map[string]string {
	m := map[string]string{}
	for _, id := range strings.Fields(`ISA IEA GS GE ST SE TA1 BHT NM1 N1 N2 N3 N4 PER REF HL SBR PAT DMG CLM DTP
		CL1 PWK CN1 AMT K3 NTE CR1 CR2 CRC HI HCP LX SV1 SV2 SV3 SV5 TOO MEA CN1 PS1 LIN CTP SVD CAS LQ FRM
		OI MOA MIA PRV CUR QTY BPR TRN DTM CLP SVC PLB LQ RDM TS3 TS2 EQ EB HSD MSG III LS LE INS DSB HD COB
		AK1 AK2 AK9 IK3 IK4 IK5 CTX STC BGN UM HCR`) {
		m[id] = id
	}
	return m
}()

// segmentID returns b as a string, shared for the common IDs.
func segmentID(b []byte) string {
	if id, ok := knownIDs[string(b)]; ok {
		return id
	}
	return string(b)
}

// Len returns the number of elements after the ID.
func (s *Segment) Len() int { return len(s.ends) - 1 }

// Element returns element i (1-based; 0 is the ID), nil when absent.
func (s *Segment) Element(i int) []byte {
	if i < 0 || i >= len(s.ends) {
		return nil
	}
	start := 0
	if i > 0 {
		start = int(s.ends[i-1]) + 1
	}
	return s.Raw[start:s.ends[i]:s.ends[i]]
}

// Value returns element i as a string, "" when absent.
func (s *Segment) Value(i int) string { return string(s.Element(i)) }

// Component returns component c (1-based) of element i. An element without
// component separators is its own first component.
func (s *Segment) Component(i, c int) []byte {
	return part(s.Element(i), s.Delims.Component, c)
}

// Repetitions returns the repetitions of element i: one when the interchange
// has no repetition separator or the element does not repeat, none when
// the element is empty.
func (s *Segment) Repetitions(i int) [][]byte {
	e := s.Element(i)
	if len(e) == 0 {
		return nil
	}
	if s.Delims.Repetition == 0 || s.ID == "ISA" {
		return [][]byte{e}
	}
	return bytes.Split(e, []byte{s.Delims.Repetition})
}

// part returns the n-th (1-based) piece of b split at sep.
func part(b []byte, sep byte, n int) []byte {
	if n < 1 {
		return nil
	}
	for k := 1; ; k++ {
		i := bytes.IndexByte(b, sep)
		if k == n {
			if i < 0 {
				return b
			}
			return b[:i]
		}
		if i < 0 {
			return nil
		}
		b = b[i+1:]
	}
}

// SetElement replaces element i (1 or more) with v, adding empty elements
// when the segment is shorter, and rebuilds Raw. v is written as given.
func (s *Segment) SetElement(i int, v string) {
	if i < 1 || i > 999 {
		return
	}
	vals := make([]string, max(len(s.ends)-1, i))
	for k := 1; k < len(s.ends); k++ {
		vals[k-1] = string(s.Element(k))
	}
	vals[i-1] = v
	n := NewSegment(s.Delims, s.ID, vals...)
	s.Raw, s.ends = n.Raw, n.ends
	if len(s.Suffix) == 0 {
		s.Suffix = []byte{s.Delims.Segment}
	}
}

// AppendTo appends the segment's bytes as read (Lead, Raw, Suffix) to dst.
func (s *Segment) AppendTo(dst []byte) []byte {
	dst = append(dst, s.Lead...)
	dst = append(dst, s.Raw...)
	return append(dst, s.Suffix...)
}

// String returns the segment's raw text without its terminator.
func (s *Segment) String() string { return string(s.Raw) }

// errAt returns an *Error at the segment.
func (s *Segment) errAt(elem int, msg string) *Error {
	return &Error{Pos: s.Pos, Offset: s.Offset, Segment: safeID(s.ID), Element: elem, Msg: msg}
}

// safeID returns a segment ID fit for errors, logs and IK3: at most three
// characters, anything but a letter or digit as '?', so that a segment
// whose separators are broken (its whole text read as its ID) leaks no
// data.
func safeID(id string) string {
	if validID(id) {
		return id
	}
	b := []byte(id)
	if len(b) > 3 {
		b = b[:3]
	}
	for i, c := range b {
		if !isAlnum(c) {
			b[i] = '?'
		}
	}
	return string(b)
}

// atoi parses a non-negative decimal number of at most 9 digits.
func atoi(b []byte) (int, bool) {
	if len(b) == 0 || len(b) > 9 {
		return 0, false
	}
	n, err := strconv.Atoi(string(b))
	return n, err == nil && n >= 0 && b[0] != '+' && b[0] != '-'
}
