package x12

import (
	"errors"
	"strconv"
	"strings"
)

// Sentinel errors, matched with errors.Is against the *Error values the
// package returns.
var (
	// ErrNoISA is returned for input that does not begin with an ISA segment.
	ErrNoISA = errors.New("interchange does not start with an ISA segment")
	// ErrISA is returned for an ISA segment whose separators cannot be read.
	ErrISA = errors.New("bad ISA segment")
	// ErrSegmentTooLong is returned by Reader.Next for a segment longer than
	// the reader's limit.
	ErrSegmentTooLong = errors.New("segment too long")
	// ErrPath is returned for a malformed loop/segment path.
	ErrPath = errors.New("bad path")
	// ErrNotClaim is returned by SplitClaims for a transaction that is not an 837.
	ErrNotClaim = errors.New("not an 837 claim transaction")
)

// Error is a problem at a place in the input. Pos is the 1-based position of
// the segment in the input (0 when unknown), Offset its byte offset; Loop,
// Segment and Element (1-based, 0 for the whole segment) say where inside a
// transaction. Error never includes a value from the input, so that it can
// be logged.
type Error struct {
	Pos     int
	Offset  int64
	Loop    string
	Segment string
	Element int
	Err     error  // a sentinel, or nil
	Msg     string // what is wrong
}

// Error implements error.
func (e *Error) Error() string {
	var b strings.Builder
	if e.Pos > 0 {
		b.WriteString("segment ")
		b.WriteString(strconv.Itoa(e.Pos))
	}
	if e.Segment != "" {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(e.Segment)
		if e.Element > 0 {
			b.WriteByte('-')
			if e.Element < 10 {
				b.WriteByte('0')
			}
			b.WriteString(strconv.Itoa(e.Element))
		}
	}
	if e.Loop != "" {
		b.WriteString(" (loop ")
		b.WriteString(e.Loop)
		b.WriteByte(')')
	}
	if b.Len() > 0 || e.Offset > 0 {
		b.WriteString(" at byte ")
		b.WriteString(strconv.FormatInt(e.Offset, 10))
		b.WriteString(": ")
	}
	switch {
	case e.Msg != "" && e.Err != nil:
		b.WriteString(e.Err.Error())
		b.WriteString(": ")
		b.WriteString(e.Msg)
	case e.Msg != "":
		b.WriteString(e.Msg)
	case e.Err != nil:
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the sentinel error, if any.
func (e *Error) Unwrap() error { return e.Err }
