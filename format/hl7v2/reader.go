package hl7v2

import (
	"bytes"
	"fmt"
	"io"
)

// DefaultMaxMessageSize is the size limit of a Reader that was given none:
// large enough for messages that carry documents or images in OBX-5.
const DefaultMaxMessageSize = 16 << 20

// maxHeadSize bounds the MSH segment returned with ErrTooLarge.
const maxHeadSize = 4 << 10

// Reader splits a stream that holds many HL7 messages, such as a file
// written by an interface or an export, into single messages, reading it
// piece by piece: memory use is bounded by the largest message, not by the
// stream.
//
// A message starts at a line that begins with MSH (after CR, LF or CRLF, or
// at the start of the stream) and runs to the next such line, so messages
// may follow each other directly or be separated by blank lines. Batch
// wrapper segments (FHS, BHS, BTS, FTS) end the message before them and are
// skipped: a Reader hands out messages, and checking a batch's structure and
// counts is ParseBatch's job. A UTF-8 byte-order mark before a message is
// skipped; lines of spaces and tabs count as blank.
//
// A Reader is not safe for concurrent use.
type Reader struct {
	rd   io.Reader
	buf  []byte
	r, w int   // buf[r:w] is read from rd but not consumed yet
	base int64 // stream offset of buf[0]
	err  error // sticky error from rd, returned once the buffer is used up
	max  int
	last int64 // offset of the message (or problem) last reported

	// While a message is being collected, keep is the stream offset of its
	// first byte, which must stay in buf; otherwise it is -1. end is the
	// offset after its last non-blank line so far, and lineBlank tells
	// whether the line being read is blank so far. When the message grows
	// past max, fill sets overflow and stops keeping it.
	keep      int64
	end       int64
	lineBlank bool
	overflow  bool
	head      []byte // the MSH segment of an oversized message
}

// maxBlankRun bounds the blank lines a Reader keeps in memory after the
// last segment of a message it is collecting: a message followed by more
// blank lines than this is reported as too large.
const maxBlankRun = 64 << 10

// NewReader returns a Reader that reads messages from rd with a size limit
// of DefaultMaxMessageSize.
func NewReader(rd io.Reader) *Reader {
	return &Reader{rd: rd, max: DefaultMaxMessageSize, keep: -1, lineBlank: true}
}

// Reset makes r read from rd as if it were new, keeping its buffer and size
// limit.
func (r *Reader) Reset(rd io.Reader) {
	*r = Reader{rd: rd, buf: r.buf, max: r.max, keep: -1, lineBlank: true}
}

// SetMaxSize sets the size limit of a message, in bytes, counting the
// blank lines inside it. A value below 1 restores DefaultMaxMessageSize.
func (r *Reader) SetMaxSize(n int) {
	if n < 1 {
		n = DefaultMaxMessageSize
	}
	r.max = n
}

// Offset returns the byte offset in the stream where the message last
// returned by Next starts, or where the problem it last reported starts.
func (r *Reader) Offset() int64 { return r.last }

// Next returns the next message: a new slice the caller owns, from its MSH
// to the line break that ends its last segment. Segment terminators are as
// in the input; blank lines after the message are not part of it. At the end
// of the stream Next returns io.EOF.
//
// Problems with one message do not stop the stream: the next call goes on
// with the message after it. Text before a message that does not start
// with MSH gives an *Error wrapping ErrNoMSH with its byte offset; it is
// skipped up to the next MSH or batch segment. A message longer than the
// size limit gives an *Error wrapping ErrTooLarge, returned together with
// the message's MSH segment (at most 4 KiB of it) so that the caller can
// still reject it by control ID, for example with NakRaw.
//
// When reading the underlying stream fails, the messages read completely
// before the failure are returned first; then the error is returned as it
// is, on that call and every later one. A message the failure cut short is
// not returned.
func (r *Reader) Next() ([]byte, error) {
	for {
		kind, bom, err := r.peek()
		if err != nil {
			return nil, err
		}
		switch kind {
		case lineMSH:
			r.r += bom
			return r.collect()
		case lineFHS, lineBHS, lineBTS, lineFTS:
			if _, err := r.skipLine(); err != nil {
				return nil, err
			}
			continue
		}
		start := r.offset()
		id := r.buf[r.r:min(r.r+3, r.w)]
		if i := lineBreak(id); i >= 0 {
			id = id[:i]
		}
		name := printable(id) // a copy: skipping moves the buffer
		blank, err := r.skipLine()
		if err != nil {
			return nil, err
		}
		if blank {
			continue
		}
		// Skip the rest of the text up to what can start a message.
		for {
			kind, _, err := r.peek()
			if err == io.EOF || err == nil && kind != lineOther {
				break
			}
			if err != nil {
				return nil, err
			}
			if _, err := r.skipLine(); err != nil {
				return nil, err
			}
		}
		r.last = start
		return nil, newError(ErrNoMSH, CodeSegmentSequence, Location{}, int(start),
			fmt.Sprintf("found %q; %d bytes up to the next message skipped", name, r.offset()-start))
	}
}

// collect reads the message whose MSH starts at buf[r.r].
func (r *Reader) collect() ([]byte, error) {
	start := r.offset()
	r.last, r.keep, r.end, r.overflow, r.head = start, start, start, false, nil
	defer func() { r.keep = -1 }()
	for first := true; ; first = false {
		if !first {
			kind, _, err := r.peek()
			if err == io.EOF {
				break
			}
			if err != nil {
				return nil, err
			}
			if kind != lineOther {
				break
			}
		}
		blank, err := r.skipLine()
		if err != nil {
			return nil, err
		}
		if !blank {
			r.end = r.offset()
		}
	}
	if r.overflow || r.end-start > int64(r.max) {
		head := r.head
		if !r.overflow {
			head = msgHead(r.buf[start-r.base : r.end-r.base])
		}
		return head, newError(ErrTooLarge, CodeValueTooLong, Location{}, int(start),
			fmt.Sprintf("longer than the limit of %d bytes; skipped", r.max))
	}
	return bytes.Clone(r.buf[start-r.base : r.end-r.base]), nil
}

// msgHead returns a copy of the MSH segment at the start of msg, at most
// maxHeadSize bytes of it.
func msgHead(msg []byte) []byte {
	n := min(len(msg), maxHeadSize)
	if i := lineBreak(msg[:n]); i >= 0 {
		n = i
	}
	return bytes.Clone(msg[:n])
}

func (r *Reader) offset() int64 { return r.base + int64(r.r) }

// tooLong reports whether the message being collected is already longer
// than the limit, or followed by too many blank lines to keep.
func (r *Reader) tooLong() bool {
	content := r.end
	if !r.lineBlank {
		content = r.offset() // the line being read is part of the message
	}
	return content-r.keep > int64(r.max) || r.offset()-r.keep > int64(r.max)+maxBlankRun
}

// lineBreak returns the index of the first CR or LF in b, or -1.
func lineBreak(b []byte) int {
	for i, c := range b {
		if c == '\r' || c == '\n' {
			return i
		}
	}
	return -1
}

// peek tells what the line at buf[r.r] is, reading enough of it to decide,
// and the length of a byte-order mark before it. At the end of the stream
// it returns io.EOF, or the error that stopped reading.
func (r *Reader) peek() (lineKind, int, error) {
	const need = 7 // a byte-order mark, a segment name and the field separator
	for r.w-r.r < need && lineBreak(r.buf[r.r:r.w]) < 0 {
		if r.fill() != nil {
			break
		}
	}
	if r.r == r.w {
		// Nothing left: the end of the stream, or the error that cut it.
		// Bytes read before an error are still handed out above.
		if r.err == nil {
			return 0, 0, io.ErrNoProgress
		}
		return 0, 0, r.err
	}
	b := r.buf[r.r:r.w]
	bom := 0
	if bytes.HasPrefix(b, utf8BOM) {
		bom = len(utf8BOM)
	}
	return classifyLine(b[bom:]), bom, nil
}

// skipLine consumes the line at buf[r.r] and the line break after it, and
// reports whether it held only spaces and tabs. The end of the stream ends
// a line; any other read error is returned.
func (r *Reader) skipLine() (blank bool, err error) {
	blank = true
	for {
		b := r.buf[r.r:r.w]
		i := 0
		for i < len(b) && b[i] != '\r' && b[i] != '\n' {
			if blank && b[i] != ' ' && b[i] != '\t' {
				blank = false
			}
			i++
		}
		r.r += i
		if i < len(b) {
			break
		}
		r.lineBlank = blank
		err := r.fill()
		r.lineBlank = true
		if err != nil {
			if err == io.EOF {
				return blank, nil
			}
			return blank, err
		}
	}
	if r.buf[r.r] == '\n' {
		r.r++
		return blank, nil
	}
	r.r++ // CR, perhaps followed by LF
	if r.r == r.w {
		if err := r.fill(); err != nil && err != io.EOF {
			return blank, err
		}
	}
	if r.r < r.w && r.buf[r.r] == '\n' {
		r.r++
	}
	return blank, nil
}

// fill reads more of the stream into buf, dropping the bytes that are
// consumed and not kept. It returns nil when it read something, and
// otherwise the error that stopped it (io.EOF at the end).
func (r *Reader) fill() error {
	if r.err != nil {
		return r.err
	}
	if r.keep >= 0 && r.tooLong() {
		// Keep the message's MSH segment for the error, and stop keeping
		// the rest.
		r.head = msgHead(r.buf[r.keep-r.base : r.w])
		r.overflow, r.keep = true, -1
	}
	from := r.r
	if r.keep >= 0 {
		from = int(r.keep - r.base)
	}
	if from > 0 {
		copy(r.buf, r.buf[from:r.w])
		r.w -= from
		r.r -= from
		r.base += int64(from)
	}
	if r.w == len(r.buf) {
		grown := make([]byte, max(2*len(r.buf), 32<<10))
		copy(grown, r.buf[:r.w])
		r.buf = grown
	}
	for range 100 {
		n, err := r.rd.Read(r.buf[r.w:])
		if n < 0 || n > len(r.buf)-r.w {
			r.err = fmt.Errorf("reading messages: the underlying reader returned %d bytes for a %d-byte buffer", n, len(r.buf)-r.w)
			return r.err
		}
		r.w += n
		if err != nil {
			r.err = err
			if n > 0 {
				return nil
			}
			return err
		}
		if n > 0 {
			return nil
		}
	}
	r.err = io.ErrNoProgress
	return r.err
}
