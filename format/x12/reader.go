package x12

import (
	"bufio"
	"bytes"
	"errors"
	"io"
)

// DefaultMaxSegment is the longest segment a Reader accepts by default.
const DefaultMaxSegment = 1 << 20

// Reader reads the segments of X12 interchanges from a stream, one at a
// time, taking the separators from each ISA. Memory stays bounded by the
// longest segment whatever the size of the input.
type Reader struct {
	br *bufio.Reader
	// MaxSegment is the longest segment accepted; 0 means DefaultMaxSegment.
	MaxSegment int

	d       Delimiters
	have    bool
	pos     int
	off     int64
	err     error
	arena   []byte
	segbuf  []byte // the segment being read
	brk     []byte // the line breaks after it
	segSlab []Segment
	endSlab []int32
	scratch []byte
}

// NewReader returns a Reader reading from r.
func NewReader(r io.Reader) *Reader {
	return &Reader{br: bufio.NewReaderSize(r, 64<<10)}
}

// Delimiters returns the separators of the interchange being read.
func (r *Reader) Delimiters() Delimiters { return r.d }

// Next returns the next segment. It returns io.EOF after the last one, and
// an *Error for input it cannot read (no ISA, an ISA whose separators cannot
// be read, a segment over the limit); after such an error every call
// returns it again. The returned segment's bytes are its own.
func (r *Reader) Next() (*Segment, error) {
	if r.err != nil {
		return nil, r.err
	}
	seg, err := r.next()
	if err != nil {
		r.err = err
	}
	return seg, err
}

func (r *Reader) next() (*Segment, error) {
	lead, err := r.skipSpace()
	if err != nil {
		if errors.Is(err, io.EOF) {
			if len(lead) > 0 {
				// White space after the last segment belongs to it in a
				// round trip; the caller sees it through Trailer.
				r.scratch = lead
			}
			return nil, io.EOF
		}
		return nil, err
	}
	if !r.have && r.pos == 0 {
		// A UTF-8 byte order mark some editors write before the ISA.
		if head, _ := r.br.Peek(3); string(head) == "\xef\xbb\xbf" {
			r.br.Discard(3)
			r.off += 3
			lead = append(lead, head...)
			more, err := r.skipSpace()
			if err != nil && !errors.Is(err, io.EOF) {
				return nil, err
			}
			lead = append(lead, more...)
		}
	}
	start := r.off
	if head, _ := r.br.Peek(4); len(head) >= 3 && string(head[:3]) == "ISA" {
		return r.readISA(lead, start)
	}
	if !r.have {
		return nil, &Error{Pos: r.pos + 1, Offset: start, Err: ErrNoISA}
	}
	max := r.MaxSegment
	if max <= 0 {
		max = DefaultMaxSegment
	}
	raw := r.segbuf[:0]
	defer func() { r.segbuf = raw[:0] }()
	for {
		chunk, err := r.br.ReadSlice(r.d.Segment)
		r.off += int64(len(chunk))
		if len(raw)+len(chunk) > max+1 {
			return nil, &Error{Pos: r.pos + 1, Offset: start, Err: ErrSegmentTooLong}
		}
		if err == bufio.ErrBufferFull {
			raw = append(raw, chunk...)
			continue
		}
		// The slice ReadSlice returns is only good until the next read,
		// and breaks reads on: keep the bytes in the reader's own buffer.
		raw = append(raw, chunk...)
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, err
		}
		break
	}
	term := 0
	if len(raw) > 0 && raw[len(raw)-1] == r.d.Segment {
		term = 1
	}
	suffix, err := r.breaks()
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	return r.build(lead, raw, term, suffix, start), nil
}

// readISA reads an ISA segment and takes its separators.
func (r *Reader) readISA(lead []byte, start int64) (*Segment, error) {
	head, _ := r.br.Peek(4 * isaLen)
	d, n, err := readISA(head)
	if err != nil {
		var e *Error
		if errors.As(err, &e) {
			e.Pos, e.Offset = r.pos+1, start
			return nil, e
		}
		return nil, &Error{Pos: r.pos + 1, Offset: start, Segment: "ISA", Err: err}
	}
	r.d, r.have = d, true
	raw := make([]byte, n+1)
	io.ReadFull(r.br, raw)
	r.off += int64(n + 1)
	suffix, err := r.breaks()
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	return r.build(lead, raw, 1, suffix, start), nil
}

// build copies the bytes of a segment into the reader's arena and indexes it.
func (r *Reader) build(lead, raw []byte, term int, suffix []byte, start int64) *Segment {
	n := len(lead) + len(raw) + len(suffix)
	if cap(r.arena)-len(r.arena) < n {
		r.arena = make([]byte, 0, max(n, 64<<10))
	}
	at := len(r.arena)
	r.arena = append(r.arena, lead...)
	r.arena = append(r.arena, raw...)
	r.arena = append(r.arena, suffix...)
	b := r.arena[at:len(r.arena):len(r.arena)]
	r.pos++
	body := len(lead) + len(raw) - term
	// Segments and their element lists come from slabs, as their bytes
	// come from the arena: a few allocations per hundred segments.
	if len(r.segSlab) == 0 {
		r.segSlab = make([]Segment, 128)
	}
	s := &r.segSlab[0]
	r.segSlab = r.segSlab[1:]
	*s = Segment{
		Lead:   b[:len(lead):len(lead)],
		Raw:    b[len(lead):body:body],
		Suffix: b[body:],
		Pos:    r.pos,
		Offset: start + int64(len(lead)),
		Delims: r.d,
	}
	ne := bytes.Count(s.Raw, []byte{r.d.Element}) + 1
	if cap(r.endSlab)-len(r.endSlab) < ne {
		r.endSlab = make([]int32, 0, max(ne, 4096))
	}
	l := len(r.endSlab)
	s.ends = r.endSlab[l : l : l+ne]
	r.endSlab = r.endSlab[:l+ne]
	s.split()
	return s
}

// skipSpace consumes white space before a segment.
func (r *Reader) skipSpace() ([]byte, error) {
	var lead []byte
	for {
		c, err := r.br.ReadByte()
		if err != nil {
			return lead, err
		}
		if !isSpace(c) || c == r.d.Element {
			r.br.UnreadByte()
			return lead, nil
		}
		lead = append(lead, c)
		r.off++
	}
}

// breaks consumes the line breaks after a terminator, so that they stay
// with the segment they follow.
func (r *Reader) breaks() ([]byte, error) {
	out := r.brk[:0] // copied by build before the next read
	defer func() { r.brk = out }()
	for {
		b, err := r.br.Peek(1)
		if err != nil {
			return out, err
		}
		if (b[0] != '\r' && b[0] != '\n') || b[0] == r.d.Element || b[0] == r.d.Component {
			return out, nil
		}
		r.br.ReadByte()
		r.off++
		out = append(out, b[0])
	}
}

// Trailer returns white space read after the last segment, once Next has
// returned io.EOF; Encode appends it for a byte-for-byte round trip.
func (r *Reader) Trailer() []byte { return r.scratch }

// ReadAll reads every segment of data. On an error it returns the segments
// read before it.
func ReadAll(data []byte) ([]*Segment, []byte, error) {
	r := NewReader(bytes.NewReader(data))
	var segs []*Segment
	for {
		s, err := r.Next()
		if errors.Is(err, io.EOF) {
			return segs, r.Trailer(), nil
		}
		if err != nil {
			return segs, nil, err
		}
		segs = append(segs, s)
	}
}

// Encode writes segments back as X12, each with its own lead, terminator and
// line breaks, followed by trailer: segments read by a Reader and not
// modified give back the bytes they were read from.
func Encode(segs []*Segment, trailer []byte) []byte {
	n := len(trailer)
	for _, s := range segs {
		n += len(s.Lead) + len(s.Raw) + len(s.Suffix)
	}
	out := make([]byte, 0, n)
	for _, s := range segs {
		out = s.AppendTo(out)
	}
	return append(out, trailer...)
}
