package hl7v2

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors, matched with errors.Is against the *Error the parser returns.
var (
	// ErrEmpty is returned for input that holds no segment at all.
	ErrEmpty = errors.New("empty message")
	// ErrNoMSH is returned when a message does not begin with an MSH segment.
	ErrNoMSH = errors.New("message does not start with an MSH segment")
	// ErrEncodingChars is returned when MSH-1 or MSH-2 do not define a usable
	// set of delimiters.
	ErrEncodingChars = errors.New("bad encoding characters")
	// ErrRequiredField is returned by Validate for a required field that is empty.
	ErrRequiredField = errors.New("required field missing")
	// ErrSegmentName is returned by Validate for a segment whose name is not
	// three upper-case letters or digits.
	ErrSegmentName = errors.New("bad segment name")
	// ErrCharset is returned when MSH-18 names a character set Plexus cannot
	// decode, or when the bytes are not valid in the declared set.
	ErrCharset = errors.New("unsupported or invalid character set")
	// ErrUnsupportedVersion is returned by Validate when MSH-12 is not an
	// HL7 version 2 version ID.
	ErrUnsupportedVersion = errors.New("unsupported version ID")
	// ErrPath is returned for a malformed terser path.
	ErrPath = errors.New("bad path")
	// ErrBatch is returned for a batch file whose structure or counts are wrong.
	ErrBatch = errors.New("bad batch")
	// ErrTooLarge is returned by Reader.Next for a message longer than the
	// reader's size limit.
	ErrTooLarge = errors.New("message too large")
	// ErrNotFound is returned by Set when the addressed segment does not exist
	// and cannot be created.
	ErrNotFound = errors.New("segment not found")
)

// ErrorCode is an HL7 error condition code (HL7 table 0357), carried in ERR-3
// of a negative acknowledgment.
type ErrorCode int

// Error condition codes from HL7 table 0357.
const (
	CodeAccepted              ErrorCode = 0
	CodeSegmentSequence       ErrorCode = 100
	CodeRequiredFieldMissing  ErrorCode = 101
	CodeDataType              ErrorCode = 102
	CodeTableValueNotFound    ErrorCode = 103
	CodeValueTooLong          ErrorCode = 104
	CodeUnsupportedMessage    ErrorCode = 200
	CodeUnsupportedEvent      ErrorCode = 201
	CodeUnsupportedProcessing ErrorCode = 202
	CodeUnsupportedVersion    ErrorCode = 203
	CodeUnknownKey            ErrorCode = 204
	CodeDuplicateKey          ErrorCode = 205
	CodeRecordLocked          ErrorCode = 206
	CodeInternal              ErrorCode = 207
)

// Text returns the description HL7 table 0357 gives for the code.
func (c ErrorCode) Text() string {
	switch c {
	case CodeAccepted:
		return "Message accepted"
	case CodeSegmentSequence:
		return "Segment sequence error"
	case CodeRequiredFieldMissing:
		return "Required field missing"
	case CodeDataType:
		return "Data type error"
	case CodeTableValueNotFound:
		return "Table value not found"
	case CodeValueTooLong:
		return "Value too long"
	case CodeUnsupportedMessage:
		return "Unsupported message type"
	case CodeUnsupportedEvent:
		return "Unsupported event code"
	case CodeUnsupportedProcessing:
		return "Unsupported processing id"
	case CodeUnsupportedVersion:
		return "Unsupported version id"
	case CodeUnknownKey:
		return "Unknown key identifier"
	case CodeDuplicateKey:
		return "Duplicate key identifier"
	case CodeRecordLocked:
		return "Application record locked"
	default:
		return "Application internal error"
	}
}

// Location addresses a place in a message the way ERR-2 (ERL) does: the
// segment ID, which occurrence of that segment it is (1 for the first PID,
// as ERL-2 counts), and field, repetition, component and subcomponent
// numbers (0 where not applicable).
type Location struct {
	Segment   string
	Sequence  int
	Field     int
	Rep       int
	Component int
	Sub       int
}

// String renders the location as a terser path, for example "OBX(2)-5" or
// "PID-3(2).1".
func (l Location) String() string {
	if l.Segment == "" {
		return ""
	}
	return Path{Segment: l.Segment, SegRep: l.Sequence, Field: l.Field, Rep: l.Rep, Component: l.Component, Sub: l.Sub}.String()
}

// Error describes a problem found in a message, with its location. Err is one
// of the sentinel errors of this package.
type Error struct {
	Err    error
	Code   ErrorCode
	Loc    Location
	Offset int // byte offset in the input, or -1 when not known
	Detail string
}

func (e *Error) Error() string {
	var b strings.Builder
	if loc := e.Loc.String(); loc != "" {
		b.WriteString(loc)
		if e.Offset >= 0 {
			fmt.Fprintf(&b, " (byte %d)", e.Offset)
		}
		b.WriteString(": ")
	} else if e.Offset >= 0 {
		fmt.Fprintf(&b, "byte %d: ", e.Offset)
	}
	b.WriteString(e.Err.Error())
	if e.Detail != "" {
		b.WriteString(": ")
		b.WriteString(e.Detail)
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

func newError(err error, code ErrorCode, loc Location, offset int, detail string) *Error {
	return &Error{Err: err, Code: code, Loc: loc, Offset: offset, Detail: detail}
}
