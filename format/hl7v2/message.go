package hl7v2

import (
	"bytes"
	"fmt"
)

// Message is a parsed HL7 v2 message. It keeps a reference to the bytes it
// was parsed from: the caller must not modify them while the message is in
// use. A Message may be read from several goroutines at once; Set and the
// other editing methods need exclusive access.
type Message struct {
	raw    []byte // message text (UTF-8 when MSH-18 named another character set)
	lead   []byte // bytes before MSH (a byte-order mark, blank lines), kept for Encode
	codec  codec
	segs   []Segment
	slab   []int32 // field separator offsets of all segments, sliced by Segment.seps
	edited bool
}

// Segment is one segment of a message. Its methods read straight from the
// message bytes.
type Segment struct {
	data []byte  // segment bytes without the terminator
	term []byte  // terminator that followed it in the input: CR, LF, CRLF, blank lines, or none
	seps []int32 // offsets in data of each field separator
	c    *codec
	hdr  bool // MSH, FHS or BHS: field 1 is the field separator itself
}

// Parse parses one HL7 v2 message. The message must begin with an MSH
// segment; a UTF-8 byte-order mark and blank lines before it are tolerated.
// The returned message refers to data, which must not be modified.
func Parse(data []byte) (*Message, error) {
	m := new(Message)
	if err := m.Parse(data); err != nil {
		return nil, err
	}
	return m, nil
}

// Parse parses data into m, reusing m's memory. It is the allocation-free
// form of the package-level Parse for callers that handle many messages.
func (m *Message) Parse(data []byte) error {
	m.raw, m.lead, m.edited = nil, nil, false
	m.codec = codec{}
	m.segs = m.segs[:0]
	m.slab = m.slab[:0]
	start := skipLead(data)
	body := data[start:]
	if len(bytes.TrimSpace(body)) == 0 {
		return newError(ErrEmpty, CodeSegmentSequence, Location{}, -1, "")
	}
	if len(body) < 3 || string(body[:3]) != "MSH" {
		name := body[:min(3, len(body))]
		return newError(ErrNoMSH, CodeSegmentSequence, Location{Segment: printable(name), Sequence: 1}, start,
			fmt.Sprintf("found %q", printable(name)))
	}
	d, err := readDelimiters(body, "MSH", start)
	if err != nil {
		return err
	}
	m.codec.Delimiters = d
	cs, err := lookupCharset(msh18(body, d.Field, d.Repetition))
	if err != nil {
		return newError(err, CodeDataType, Location{Segment: "MSH", Sequence: 1, Field: 18}, start, "")
	}
	if cs != nil {
		decoded, err := cs.decode(body)
		if err != nil {
			return newError(ErrCharset, CodeDataType, Location{Segment: "MSH", Sequence: 1, Field: 18}, start,
				fmt.Sprintf("message is not valid %s: %v", cs.name, err))
		}
		m.codec.cs = cs
		body = decoded
	}
	m.lead = data[:start]
	m.raw = body
	m.index()
	return nil
}

// skipLead returns the length of a UTF-8 byte-order mark and of any blank
// lines or spaces before the first segment.
func skipLead(data []byte) int {
	i := 0
	if bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) {
		i = 3
	}
	for i < len(data) && (data[i] == '\r' || data[i] == '\n' || data[i] == ' ' || data[i] == '\t') {
		i++
	}
	return i
}

// msh18 returns the first repetition of MSH-18 (the character set) from the
// raw MSH segment, or nil when it is absent.
func msh18(msh []byte, fs, rep byte) []byte {
	// MSH-n for n >= 2 follows the (n-1)th field separator.
	n := 0
	for i, c := range msh {
		if c == '\r' || c == '\n' {
			return nil
		}
		if c != fs {
			continue
		}
		n++
		if n == 17 {
			v := msh[i+1:]
			for j, c := range v {
				if c == fs || (rep != 0 && c == rep) || c == '\r' || c == '\n' {
					return v[:j]
				}
			}
			return v
		}
	}
	return nil
}

// index finds every segment and every field separator in m.raw in one pass.
func (m *Message) index() {
	b := m.raw
	fs := m.codec.Field
	type span struct{ start, end, termEnd, sep0, sep1 int }
	var spans [64]span
	list := spans[:0]
	slab := m.slab[:0]
	i := 0
	for i < len(b) {
		start := i
		sep0 := len(slab)
		for i < len(b) {
			c := b[i]
			if c == fs {
				slab = append(slab, int32(i-start))
			} else if c == '\r' || c == '\n' {
				break
			}
			i++
		}
		end := i
		i = skipTerminator(b, i)
		list = append(list, span{start, end, i, sep0, len(slab)})
	}
	m.slab = slab
	if cap(m.segs) < len(list) {
		m.segs = make([]Segment, 0, len(list))
	}
	for _, s := range list {
		seg := Segment{
			data: b[s.start:s.end:s.end],
			term: b[s.end:s.termEnd:s.termEnd],
			seps: slab[s.sep0:s.sep1:s.sep1],
			c:    &m.codec,
		}
		seg.hdr = isHeader(seg.data)
		m.segs = append(m.segs, seg)
	}
}

// skipTerminator returns the position after the segment terminator that
// starts at i: any run of CR and LF, including blank lines and lines that
// hold only spaces or tabs.
func skipTerminator(b []byte, i int) int {
	for i < len(b) {
		c := b[i]
		if c == '\r' || c == '\n' {
			i++
			continue
		}
		if c != ' ' && c != '\t' {
			return i
		}
		// A line of blanks belongs to the terminator only if it ends in CR/LF or at the end.
		j := i
		for j < len(b) && (b[j] == ' ' || b[j] == '\t') {
			j++
		}
		if j < len(b) && b[j] != '\r' && b[j] != '\n' {
			return i
		}
		i = j
	}
	return i
}

func isHeader(data []byte) bool {
	if len(data) < 4 {
		return false
	}
	switch string(data[:3]) {
	case "MSH", "FHS", "BHS":
		return true
	}
	return false
}

// printable returns b as a string with control bytes shown as escapes, for
// error messages.
func printable(b []byte) string {
	s := fmt.Sprintf("%q", b)
	return s[1 : len(s)-1]
}

// Delimiters returns the message's encoding characters.
func (m *Message) Delimiters() Delimiters { return m.codec.Delimiters }

// Charset returns the character set named in MSH-18, or "" for the default.
func (m *Message) Charset() string {
	if m.codec.cs == nil {
		return ""
	}
	return m.codec.cs.name
}

// Len returns the number of segments.
func (m *Message) Len() int { return len(m.segs) }

// Seg returns the i-th segment (0-based) in message order.
func (m *Message) Seg(i int) *Segment {
	if i < 0 || i >= len(m.segs) {
		return nil
	}
	return &m.segs[i]
}

// Segment returns the n-th (1-based) segment with the given name, or nil.
func (m *Message) Segment(name string, n int) *Segment {
	if n < 1 {
		n = 1
	}
	for i := range m.segs {
		if m.segs[i].Is(name) {
			n--
			if n == 0 {
				return &m.segs[i]
			}
		}
	}
	return nil
}

// Count returns how many segments have the given name.
func (m *Message) Count(name string) int {
	n := 0
	for i := range m.segs {
		if m.segs[i].Is(name) {
			n++
		}
	}
	return n
}

// Name returns the segment ID, for example "PID".
func (s *Segment) Name() string {
	return string(s.nameBytes())
}

func (s *Segment) nameBytes() []byte {
	if len(s.seps) > 0 {
		return s.data[:s.seps[0]]
	}
	return s.data
}

// Is reports whether the segment's ID is name, without allocating.
func (s *Segment) Is(name string) bool { return string(s.nameBytes()) == name }

// Bytes returns the segment's encoded bytes without its terminator.
func (s *Segment) Bytes() []byte { return s.data }

// NumFields returns the number of the last field present in the segment
// (for MSH, counting MSH-1 as field 1).
func (s *Segment) NumFields() int {
	if s.hdr {
		return len(s.seps) + 1
	}
	return len(s.seps)
}

// Field returns field n (1-based, as the standard numbers them). For MSH, FHS
// and BHS, field 1 is the field separator and field 2 the encoding
// characters, both returned literally. A field that is not present is an
// empty Value.
func (s *Segment) Field(n int) Value {
	if n < 1 {
		return Value{c: s.c}
	}
	if s.hdr {
		switch n {
		case 1:
			return Value{b: s.data[3:4], c: s.c, lvl: lvlLiteral, ok: true}
		case 2:
			v := s.piece(1)
			v.lvl = lvlLiteral
			return v
		}
		return s.piece(n - 1)
	}
	return s.piece(n)
}

// piece returns the text after the n-th field separator.
func (s *Segment) piece(n int) Value {
	if n > len(s.seps) {
		return Value{c: s.c}
	}
	start := int(s.seps[n-1]) + 1
	end := len(s.data)
	if n < len(s.seps) {
		end = int(s.seps[n])
	}
	return Value{b: s.data[start:end:end], c: s.c, ok: true}
}
