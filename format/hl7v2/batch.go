package hl7v2

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
)

// The HL7 batch protocol (chapter 2, "HL7 batch protocol") wraps messages
// for file transfer:
//
//	[FHS]              file header
//	{ [BHS]            batch header
//	  { [MSH ...] }    zero or more messages
//	  [BTS] }          batch trailer, BTS-1 = number of messages
//	[FTS]              file trailer, FTS-1 = number of batches
//
// The standard's abstract syntax marks every wrapper segment optional, but a
// header without its trailer is how a truncated transfer looks, and the
// trailer's count is the only check that nothing was lost. ParseBatch
// therefore pairs them by default; BatchOptions.Lenient accepts what the
// abstract syntax allows.

// BatchFile is the content of an HL7 batch file: an optional file header and
// trailer around one or more batches. Input that is only messages, back to
// back, is one batch without header or trailer.
type BatchFile struct {
	// Header is the FHS segment, nil when the input has none. Its fields are
	// numbered like MSH: FHS-1 is the field separator, FHS-2 the encoding
	// characters.
	Header *Segment
	// Trailer is the FTS segment, nil when the input has none.
	Trailer *Segment
	// Batches are the batches in input order.
	Batches []Batch
}

// Batch is one batch of messages.
type Batch struct {
	// Header is the BHS segment, nil for messages outside BHS/BTS.
	Header *Segment
	// Trailer is the BTS segment, nil when the batch has none.
	Trailer *Segment
	// Messages holds each message's bytes, from its MSH to the terminator
	// of its last segment, without the blank lines that may follow. They
	// are sub-slices of the input given to ParseBatch and must not be
	// modified; each can be given to Parse.
	Messages [][]byte
}

// Messages returns the messages of all batches, in order.
func (f *BatchFile) Messages() [][]byte {
	n := 0
	for i := range f.Batches {
		n += len(f.Batches[i].Messages)
	}
	out := make([][]byte, 0, n)
	for i := range f.Batches {
		out = append(out, f.Batches[i].Messages...)
	}
	return out
}

// BatchOptions adjusts how ParseBatchWith reads a batch file.
type BatchOptions struct {
	// Lenient accepts what the standard's abstract syntax allows and strict
	// parsing refuses: an FHS or BHS without its trailer, an FTS or BTS
	// without its header, and messages outside BHS/BTS next to wrapped
	// batches (each run of them becomes a batch without header). Segment
	// order, a second FHS or FTS, a BHS inside an open batch and counts that
	// do not match are errors in both modes.
	Lenient bool
}

// ParseBatch reads an HL7 batch file strictly: FHS needs an FTS and BHS a
// BTS (and the other way round), messages in a file with FHS must be inside
// BHS/BTS, and BTS-1 and FTS-1, when valued, must equal the number of
// messages in the batch and of batches in the file. A BHS batch without FHS
// is allowed, and so is input with no wrapper segment at all, which is one
// implicit batch. CR, LF and CRLF terminators, blank lines and a leading
// UTF-8 byte-order mark are accepted.
//
// ParseBatch checks the structure of the file, not the messages: each
// message is returned as bytes for Parse. Errors wrap ErrBatch (and
// ErrEncodingChars for an FHS or BHS with bad delimiters); errors.As finds
// an *Error naming the segment, its position in the file and its byte
// offset. The result refers to data, which must not be modified while it is
// in use.
func ParseBatch(data []byte) (*BatchFile, error) {
	return ParseBatchWith(data, BatchOptions{})
}

// ParseBatchWith is ParseBatch with options.
func ParseBatchWith(data []byte, opts BatchOptions) (*BatchFile, error) {
	p := batchParser{data: data, lenient: opts.Lenient, file: new(BatchFile),
		msgStart: -1, ctx: DefaultDelimiters}
	i := 0
	if bytes.HasPrefix(data, utf8BOM) {
		i = len(utf8BOM)
	}
	for i < len(data) {
		start := i
		for i < len(data) && data[i] != '\r' && data[i] != '\n' {
			i++
		}
		end := i
		i = skipLineBreak(data, i)
		if line := data[start:end]; !isBlank(line) {
			if err := p.segment(line, start, i); err != nil {
				return nil, err
			}
		}
	}
	if err := p.finish(); err != nil {
		return nil, err
	}
	return p.file, nil
}

var utf8BOM = []byte("\xef\xbb\xbf")

// skipLineBreak returns the position after the one line break (CR, LF or
// CRLF) that starts at i, or i when there is none.
func skipLineBreak(b []byte, i int) int {
	if i < len(b) && b[i] == '\r' {
		i++
		if i < len(b) && b[i] == '\n' {
			i++
		}
	} else if i < len(b) && b[i] == '\n' {
		i++
	}
	return i
}

// isBlank reports whether a line (without its line break) holds only spaces
// and tabs.
func isBlank(line []byte) bool {
	for _, c := range line {
		if c != ' ' && c != '\t' {
			return false
		}
	}
	return true
}

// lineKind tells what starts a line of a batch file or message stream.
type lineKind uint8

const (
	lineOther lineKind = iota // any other segment, or text that is not one
	lineMSH
	lineFHS
	lineBHS
	lineBTS
	lineFTS
)

// classifyLine tells what the line starting with b is. b holds at least the
// first four bytes of the line, or the whole line when it is shorter, and
// may run on past the line's end. MSH, FHS and BHS need a usable field
// separator after the name; BTS and FTS need the name to end there.
func classifyLine(b []byte) lineKind {
	if len(b) < 3 {
		return lineOther
	}
	var next byte // the byte after the segment name; 0 at the end of the line
	if len(b) > 3 && b[3] != '\r' && b[3] != '\n' {
		next = b[3]
	}
	switch string(b[:3]) {
	case "MSH", "FHS", "BHS":
		if !validDelimiter(next) {
			return lineOther
		}
		switch b[0] {
		case 'M':
			return lineMSH
		case 'F':
			return lineFHS
		}
		return lineBHS
	case "BTS", "FTS":
		if next != 0 && isNameChar(next) {
			return lineOther
		}
		if b[0] == 'B' {
			return lineBTS
		}
		return lineFTS
	}
	return lineOther
}

// batchParser holds the state of ParseBatchWith between segments.
type batchParser struct {
	data    []byte
	lenient bool
	file    *BatchFile
	nseg    int  // segments seen so far; Location.Sequence is a segment's position in the file
	wrapped bool // a BHS or BTS was seen
	closed  bool // an FTS was seen: nothing may follow
	fhsOff  int
	ftsOff  int

	cur    *Batch   // the open batch, nil between batches
	curOff int      // offset of the open batch's first segment
	curLoc Location // location of its BHS

	bare    bool // a message outside BHS/BTS was seen
	bareOff int  // offset of the first one

	msgStart, msgEnd int        // the open message; msgStart < 0 when none
	ctx              Delimiters // delimiters of the last header or message, for trailers
}

// segment handles one non-blank line, data[off:off+len(line)], whose line
// break ends at next.
func (p *batchParser) segment(line []byte, off, next int) error {
	first := p.nseg == 0
	p.nseg++
	seq := p.nseg
	// loc is built only when needed: most lines are message segments
	// that need no location.
	loc := func() Location { return Location{Segment: printable(line[:min(3, len(line))]), Sequence: seq} }
	fail := func(format string, args ...any) error {
		return newError(ErrBatch, CodeSegmentSequence, loc(), off, fmt.Sprintf(format, args...))
	}
	if p.closed {
		return fail("%s segment after the FTS at byte %d, which ends the file", loc().Segment, p.ftsOff)
	}
	switch classifyLine(line) {
	case lineMSH:
		p.endMessage()
		if p.cur == nil {
			switch {
			case p.lenient:
			case p.file.Header != nil:
				return fail("message outside a batch: in a file with FHS every message must be between BHS and BTS")
			case p.wrapped:
				return fail("message outside a batch: it follows a BTS and no BHS opens a new batch")
			}
			p.openBatch(nil, off, loc())
			if !p.bare {
				p.bare, p.bareOff = true, off
			}
		}
		p.msgStart, p.msgEnd = off, next
		if d, err := readDelimiters(line, "MSH", off); err == nil {
			p.ctx = d
		}
	case lineFHS:
		if p.file.Header != nil {
			return fail("second FHS; a file has one file header, its first segment")
		}
		if !first {
			return fail("FHS after other segments; the file header must be the first segment")
		}
		seg, err := p.header(line, off, loc())
		if err != nil {
			return err
		}
		p.file.Header, p.fhsOff = seg, off
	case lineBHS:
		p.endMessage()
		if p.cur != nil {
			if p.cur.Header != nil {
				return fail("BHS inside the batch that starts at byte %d, whose BTS is missing", p.curOff)
			}
			if !p.lenient {
				return fail("BHS after messages outside a batch (the first at byte %d)", p.bareOff)
			}
			p.closeBatch()
		}
		p.wrapped = true
		seg, err := p.header(line, off, loc())
		if err != nil {
			return err
		}
		p.openBatch(seg, off, loc())
	case lineBTS:
		p.endMessage()
		if p.cur == nil || p.cur.Header == nil {
			if !p.lenient {
				return fail("BTS without a BHS")
			}
			if p.cur == nil {
				p.openBatch(nil, off, loc())
			}
		}
		p.wrapped = true
		p.cur.Trailer = p.trailer(line)
		if err := checkCount(p.cur.Trailer, loc(), off, len(p.cur.Messages), "batch message count", "messages in the batch"); err != nil {
			return err
		}
		p.closeBatch()
	case lineFTS:
		p.endMessage()
		if p.cur != nil {
			if p.cur.Header != nil && p.cur.Trailer == nil && !p.lenient {
				return fail("FTS before the BTS of the batch that starts at byte %d", p.curOff)
			}
			p.closeBatch()
		}
		if p.file.Header == nil && !p.lenient {
			return fail("FTS without an FHS")
		}
		p.file.Trailer = p.trailer(line)
		if err := checkCount(p.file.Trailer, loc(), off, len(p.file.Batches), "file batch count", "batches in the file"); err != nil {
			return err
		}
		p.closed, p.ftsOff = true, off
	default:
		if p.msgStart < 0 {
			return fail("%s segment outside a message: no MSH before it", loc().Segment)
		}
		p.msgEnd = next
	}
	return nil
}

// finish checks what is still open at the end of the input.
func (p *batchParser) finish() error {
	p.endMessage()
	if p.nseg == 0 {
		return newError(ErrBatch, CodeSegmentSequence, Location{}, -1, "input holds no segment")
	}
	if p.cur != nil {
		if p.cur.Header != nil && !p.lenient {
			return newError(ErrBatch, CodeSegmentSequence, p.curLoc, p.curOff, "BHS without a BTS before the end of the input")
		}
		p.closeBatch()
	}
	if p.file.Header != nil && p.file.Trailer == nil && !p.lenient {
		return newError(ErrBatch, CodeSegmentSequence, Location{Segment: "FHS", Sequence: 1}, p.fhsOff,
			"FHS without an FTS before the end of the input")
	}
	return nil
}

func (p *batchParser) openBatch(header *Segment, off int, loc Location) {
	p.cur = &Batch{Header: header}
	p.curOff, p.curLoc = off, loc
}

func (p *batchParser) closeBatch() {
	p.file.Batches = append(p.file.Batches, *p.cur)
	p.cur = nil
}

// endMessage adds the open message, if any, to the open batch.
func (p *batchParser) endMessage() {
	if p.msgStart < 0 {
		return
	}
	p.cur.Messages = append(p.cur.Messages, p.data[p.msgStart:p.msgEnd:p.msgEnd])
	p.msgStart = -1
}

// header reads an FHS or BHS line, whose delimiters apply to the trailers
// that follow.
func (p *batchParser) header(line []byte, off int, loc Location) (*Segment, error) {
	d, err := readDelimiters(line, loc.Segment, off)
	if err != nil {
		var e *Error
		if errors.As(err, &e) {
			e.Loc.Sequence = loc.Sequence
		}
		return nil, fmt.Errorf("%w: %w", ErrBatch, err)
	}
	p.ctx = d
	return lineSegment(line, d), nil
}

// trailer reads a BTS or FTS line. It has no encoding characters of its
// own: the field separator is the character after its name, the others are
// those of the last header or message.
func (p *batchParser) trailer(line []byte) *Segment {
	d := p.ctx
	if len(line) > 3 {
		d.Field = line[3]
	}
	return lineSegment(line, d)
}

// lineSegment indexes one segment line with the given delimiters.
func lineSegment(line []byte, d Delimiters) *Segment {
	m := &Message{raw: line, codec: codec{Delimiters: d}}
	m.index()
	return &m.segs[0]
}

// checkCount compares a trailer's first field, when it is valued, with the
// number of messages or batches found.
func checkCount(trailer *Segment, loc Location, off, got int, field, what string) error {
	loc.Field = 1
	if len(trailer.seps) > 0 {
		off += int(trailer.seps[0]) + 1
	}
	v := bytes.TrimSpace(trailer.Field(1).Raw())
	if len(v) == 0 {
		return nil
	}
	n, err := strconv.Atoi(string(v))
	if err != nil || v[0] < '0' || v[0] > '9' {
		return newError(ErrBatch, CodeDataType, loc, off, fmt.Sprintf("%s-1 (%s) %q is not a count", loc.Segment, field, printable(v[:min(len(v), 20)])))
	}
	if n != got {
		return newError(ErrBatch, CodeSegmentSequence, loc, off, fmt.Sprintf("%s-1 (%s) is %d, but there are %d %s", loc.Segment, field, n, got, what))
	}
	return nil
}
