package hl7v2

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/encoding"
)

// Acknowledgments (chapter 2, "Acknowledgment messages"). A receiver
// answers a message with an ACK: MSH, MSA and, for errors, ERR.
//
// In original mode (MSH-15 and MSH-16 both empty) the receiver answers each
// message with an application acknowledgment: AA accepted, AE error in the
// message (do not resend it unchanged), AR rejected (unsupported message
// type, trigger event, processing ID or version, or a failure that has
// nothing to do with the message, such as storage being down).
//
// In enhanced mode (MSH-15 or MSH-16 valued) the receiver first sends an
// accept acknowledgment once the message is committed to safe storage, CA,
// CE or CR, when MSH-15 asks for one; the application acknowledgment (AA,
// AE, AR) follows later as a message of its own, when MSH-16 asks for one.
// MSH-15 and MSH-16 hold a condition of table 0155: AL always, NE never,
// ER only on error or rejection, SU only on success.
//
// What the ACK holds depends on the version of the original message (MSH-12):
//
//   - MSH-9 is ACK^<trigger>^ACK from v2.3.1, when the message structure
//     component was added, ACK^<trigger> in v2.2 to v2.3, ACK before.
//   - MSA-3, a free text, was deprecated in v2.4 in favour of ERR (and
//     withdrawn in v2.7): it carries the first error's text only for
//     versions before 2.4, and AckOptions.Text in any version.
//   - Errors go in one ERR segment with a repetition of ERR-1 (segment ^
//     sequence ^ field ^ code&text&HL70357) per error before v2.5, and in
//     one ERR segment per error from v2.5: ERR-2 location (segment ^
//     sequence ^ field ^ repetition ^ component ^ subcomponent), ERR-3
//     code ^ text ^ HL70357, ERR-4 severity, ERR-8 the error's text.
//   - When MSH-12 is missing, the ACK says 2.5. When it is missing or not a
//     2.x version ID, MSH-9 has all three components, MSA-3 the first error's
//     text, and each ERR both forms, so that receivers of every version can
//     read it.

// AckCode is an acknowledgment code of HL7 table 0008, sent in MSA-1.
type AckCode string

// Acknowledgment codes. AA, AE and AR are application acknowledgments (the
// only ones in original mode); CA, CE and CR are the accept
// acknowledgments of enhanced mode.
const (
	AckAccept       AckCode = "AA" // application accept
	AckError        AckCode = "AE" // application error
	AckReject       AckCode = "AR" // application reject
	AckCommitAccept AckCode = "CA" // commit accept
	AckCommitError  AckCode = "CE" // commit error
	AckCommitReject AckCode = "CR" // commit reject
)

// Valid reports whether c is one of the codes of table 0008.
func (c AckCode) Valid() bool {
	switch c {
	case AckAccept, AckError, AckReject, AckCommitAccept, AckCommitError, AckCommitReject:
		return true
	}
	return false
}

// IsPositive reports whether c accepts the message: AA or CA.
func (c AckCode) IsPositive() bool { return c == AckAccept || c == AckCommitAccept }

// IsCommit reports whether c is an accept acknowledgment of enhanced mode:
// CA, CE or CR.
func (c AckCode) IsCommit() bool {
	return c == AckCommitAccept || c == AckCommitError || c == AckCommitReject
}

// Commit returns the accept-acknowledgment form of c: CA for AA, CE for AE,
// CR for AR. Other codes are returned unchanged.
func (c AckCode) Commit() AckCode {
	switch c {
	case AckAccept:
		return AckCommitAccept
	case AckError:
		return AckCommitError
	case AckReject:
		return AckCommitReject
	}
	return c
}

// Application returns the application-acknowledgment form of c: AA for CA,
// AE for CE, AR for CR. Other codes are returned unchanged.
func (c AckCode) Application() AckCode {
	switch c {
	case AckCommitAccept:
		return AckAccept
	case AckCommitError:
		return AckError
	case AckCommitReject:
		return AckReject
	}
	return c
}

// AckCondition is a value of HL7 table 0155, which MSH-15 and MSH-16 use to
// say when the sender wants an acknowledgment.
type AckCondition string

// Acknowledgment conditions of table 0155.
const (
	AckAlways    AckCondition = "AL"
	AckNever     AckCondition = "NE"
	AckOnError   AckCondition = "ER" // error or reject conditions only
	AckOnSuccess AckCondition = "SU" // successful completion only
)

// Wants reports whether an acknowledgment with the given code is to be
// sent under condition c. An empty or unknown condition counts as AL: an
// acknowledgment the sender did not ask for does less harm than one it
// waits for in vain.
func (c AckCondition) Wants(code AckCode) bool {
	switch c {
	case AckNever:
		return false
	case AckOnError:
		return !code.IsPositive()
	case AckOnSuccess:
		return code.IsPositive()
	}
	return true
}

// AckRequest is how the sender of a message asks to be acknowledged:
// MSH-15 and MSH-16, empty when not valued.
type AckRequest struct {
	Accept      AckCondition // MSH-15, accept acknowledgment type
	Application AckCondition // MSH-16, application acknowledgment type
}

// RequestedAck reads MSH-15 and MSH-16 of m.
func RequestedAck(m *Message) AckRequest {
	if m == nil {
		return AckRequest{}
	}
	msh := m.Segment("MSH", 1)
	if msh == nil {
		return AckRequest{}
	}
	return AckRequest{Accept: ackCondition(msh.Field(15)), Application: ackCondition(msh.Field(16))}
}

func ackCondition(v Value) AckCondition {
	return AckCondition(strings.ToUpper(strings.TrimSpace(v.Rep(1).Component(1).String())))
}

// Enhanced reports whether the sender asked for enhanced acknowledgment
// mode, by valuing MSH-15 or MSH-16.
func (r AckRequest) Enhanced() bool { return r.Accept != "" || r.Application != "" }

// Immediate returns the acknowledgment a receiver sends back right away, on
// the connection the message came in on, once it has stored the message or
// failed to: outcome is AA, AE or AR (as AckCodeFor gives). In original mode
// that is outcome itself, always sent. In enhanced mode it is the accept
// acknowledgment, CA, CE or CR, and send tells whether MSH-15 asks for it.
func (r AckRequest) Immediate(outcome AckCode) (code AckCode, send bool) {
	if !r.Enhanced() {
		return outcome.Application(), true
	}
	code = outcome.Commit()
	return code, r.Accept.Wants(code)
}

// Deferred returns the application acknowledgment a receiver sends later,
// as a message of its own, once it has processed the message: outcome is
// AA, AE or AR. It is sent only in enhanced mode and when MSH-16 asks for
// it; in original mode the immediate acknowledgment is the application
// acknowledgment, and send is false.
func (r AckRequest) Deferred(outcome AckCode) (code AckCode, send bool) {
	code = outcome.Application()
	if !r.Enhanced() {
		return code, false
	}
	return code, r.Application.Wants(code)
}

// AckCodeFor chooses the application acknowledgment code for the outcome of
// receiving a message: AA for a nil error; AR when the message cannot be
// understood at all (no MSH, bad encoding characters, unreadable character
// set), when it is refused as a whole (unsupported message type, trigger
// event, processing ID or version: table 0357 codes 200 to 203), and for
// failures that have nothing to do with its content (record locked,
// internal error, or any error that is not about the message), which the
// sender may retry; AE for errors in the message's data (segment sequence,
// required field, data type, table value, length, unknown or duplicate
// key), which resending unchanged will not cure. For an error joining
// several, AR wins over AE.
func AckCodeFor(err error) AckCode {
	if err == nil {
		return AckAccept
	}
	for _, e := range ackErrors(err) {
		if rejects(e) {
			return AckReject
		}
	}
	return AckError
}

// rejects reports whether err calls for AR rather than AE.
func rejects(err error) bool {
	for _, s := range [...]error{ErrEmpty, ErrNoMSH, ErrEncodingChars, ErrCharset, ErrUnsupportedVersion} {
		if errors.Is(err, s) {
			return true
		}
	}
	var e *Error
	if errors.As(err, &e) {
		switch e.Code {
		case CodeUnsupportedMessage, CodeUnsupportedEvent, CodeUnsupportedProcessing, CodeUnsupportedVersion,
			CodeRecordLocked, CodeInternal:
			return true
		}
		return false
	}
	for _, s := range [...]error{ErrRequiredField, ErrSegmentName, ErrBatch, ErrTooLarge} {
		if errors.Is(err, s) {
			return false
		}
	}
	return true
}

// ackErrors splits an error into the problems to report, one ERR each. An
// error joining several is split when each part carries an *Error, as
// Validate's does; any other error is one problem.
func ackErrors(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		parts := j.Unwrap()
		all := len(parts) > 0
		for _, p := range parts {
			var e *Error
			if !errors.As(p, &e) {
				all = false
				break
			}
		}
		if all {
			var out []error
			for _, p := range parts {
				out = append(out, ackErrors(p)...)
			}
			return out
		}
	}
	return []error{err}
}

// AckOptions adjusts the acknowledgment Ack builds.
type AckOptions struct {
	// ControlID is MSH-10 of the acknowledgment; when empty a random one of
	// 16 hexadecimal digits is generated.
	ControlID string
	// Now gives the time written to MSH-7; time.Now when nil.
	Now func() time.Time
	// Text is a free text for MSA-3, written in every version when set.
	Text string
	// Errors are the problems reported in ERR segments, each with the code
	// and location of the *Error it holds, if any (other errors are
	// reported as 207, application internal error). Their severity is E,
	// or W in a positive acknowledgment.
	Errors []error
}

// Ack builds an acknowledgment of orig with the given code. The result is
// in the encoding characters and character set of orig: MSH-3/4 and MSH-5/6
// are orig's MSH-5/6 and MSH-3/4, MSA-2 is orig's MSH-10, and MSH-11 (P
// when empty), MSH-12 (2.5 when empty) and MSH-18 are echoed. Segments end
// in CR. An original that declares fewer than four encoding characters is
// answered with |^~\&, its echoed fields converted. Ack builds what it is
// asked for: whether a code suits the sender's acknowledgment mode, and
// whether to send anything at all, is for AckRequest to tell.
func Ack(orig *Message, code AckCode, opts AckOptions) ([]byte, error) {
	if orig == nil {
		return nil, errors.New("ack: no original message")
	}
	if !code.Valid() {
		return nil, fmt.Errorf("ack: %q is not an acknowledgment code of table 0008", truncate(string(code), 10))
	}
	h := headerOf(orig)
	return h.build(code, opts)
}

// AckFromError builds the immediate acknowledgment of orig for the outcome
// of receiving it: err nil for success, or what went wrong, reported in ERR
// segments after opts.Errors. The code is AckCodeFor(err), turned into CA,
// CE or CR when orig asks for enhanced mode. The caller decides whether to
// send it with RequestedAck(orig).Immediate.
func AckFromError(orig *Message, err error, opts AckOptions) ([]byte, error) {
	if orig == nil {
		return nil, errors.New("ack: no original message")
	}
	code, _ := RequestedAck(orig).Immediate(AckCodeFor(err))
	if err != nil {
		opts.Errors = append(opts.Errors[:len(opts.Errors):len(opts.Errors)], err)
	}
	return Ack(orig, code, opts)
}

// NakRaw builds a negative acknowledgment for bytes that Parse refused, or
// for the MSH segment that Reader.Next returns with ErrTooLarge. It uses
// whatever the first line gives: the encoding characters if they are
// usable (else |^~\&), the sender and receiver, MSH-10 for MSA-2 (even when
// only the field separator can be read), the version and the
// acknowledgment mode. The code is AckCodeFor(err), AR when err is nil,
// turned into CE or CR when the line asks for enhanced mode.
func NakRaw(data []byte, err error, opts AckOptions) ([]byte, error) {
	h := salvageHeader(data)
	code := AckReject
	if err != nil {
		code = AckCodeFor(err)
		opts.Errors = append(opts.Errors[:len(opts.Errors):len(opts.Errors)], err)
	}
	code, _ = h.req.Immediate(code)
	return h.build(code, opts)
}

// ackHeader is what an acknowledgment takes from the message it answers.
// The byte fields are encoded with d.
type ackHeader struct {
	d                                  Delimiters
	cs                                 *charset
	sendApp, sendFac, recvApp, recvFac []byte
	trigger, controlID, processing     []byte
	version, charsetField              []byte
	versionID                          string
	req                                AckRequest
}

func headerOf(m *Message) ackHeader {
	msh := m.Segment("MSH", 1)
	if msh == nil {
		return ackHeader{d: DefaultDelimiters}
	}
	h := ackHeader{
		d:            m.codec.Delimiters,
		cs:           m.codec.cs,
		sendApp:      msh.Field(3).Raw(),
		sendFac:      msh.Field(4).Raw(),
		recvApp:      msh.Field(5).Raw(),
		recvFac:      msh.Field(6).Raw(),
		trigger:      msh.Field(9).Component(2).Raw(),
		controlID:    msh.Field(10).Raw(),
		processing:   msh.Field(11).Raw(),
		version:      msh.Field(12).Raw(),
		versionID:    strings.TrimSpace(msh.Field(12).Component(1).String()),
		charsetField: msh.Field(18).Raw(),
		req:          RequestedAck(m),
	}
	d := h.d
	if d.Component == 0 || d.Repetition == 0 || d.Escape == 0 || d.Subcomponent == 0 {
		h.useDelimiters(DefaultDelimiters)
	}
	// Echo MSH-18 only if the ACK, parsed, will name a character set that
	// Parse knows.
	cs := h.charsetField
	if i := bytes.IndexByte(cs, h.d.Repetition); i >= 0 {
		cs = cs[:i]
	}
	if _, err := lookupCharset(cs); err != nil {
		h.charsetField, h.cs = nil, nil
	}
	return h
}

// salvageHeader reads what it can of the MSH segment at the start of data.
func salvageHeader(data []byte) ackHeader {
	h := ackHeader{d: DefaultDelimiters}
	start := skipLead(data)
	line := data[start:]
	if i := lineBreak(line); i >= 0 {
		line = line[:i]
	}
	if len(line) < 4 || string(line[:3]) != "MSH" {
		return h
	}
	d, err := readDelimiters(line, "MSH", start)
	if err != nil {
		// Only the field separator may be usable: MSH-10 is the tenth piece.
		if fs := line[3]; validDelimiter(fs) {
			pieces := strings.Split(string(line), string(fs))
			if len(pieces) > 9 && len(pieces[9]) <= 199 {
				h.controlID = h.d.appendEscaped(nil, []byte(pieces[9]))
			}
		}
		return h
	}
	cs, csErr := lookupCharset([]byte(msh18(line, d.Field, d.Repetition)))
	if cs != nil {
		if decoded, err := cs.decode(line); err == nil {
			line = decoded
		} else {
			cs, csErr = nil, err
		}
	}
	m := &Message{raw: line, codec: codec{Delimiters: d, cs: cs}}
	m.index()
	h = headerOf(m)
	if csErr != nil {
		// The ACK cannot be written in that character set: do not claim it.
		h.charsetField, h.cs = nil, nil
	}
	return h
}

// useDelimiters re-encodes the fields taken from the original message with
// delimiters to, for an original that declares too few of its own to write
// an ACK with.
func (h *ackHeader) useDelimiters(to Delimiters) {
	from := h.d
	conv := func(raw []byte) []byte {
		if raw == nil {
			return nil
		}
		out := make([]byte, 0, len(raw))
		for _, c := range raw {
			switch {
			case c == from.Component && c != 0:
				out = append(out, to.Component)
			case c == from.Repetition && c != 0:
				out = append(out, to.Repetition)
			case c == from.Subcomponent && c != 0:
				out = append(out, to.Subcomponent)
			case c == from.Escape && c != 0:
				out = append(out, to.Escape)
			case to.isDelimiter(c):
				out = to.appendEscaped(out, []byte{c})
			default:
				out = append(out, c)
			}
		}
		return out
	}
	for _, f := range []*[]byte{&h.sendApp, &h.sendFac, &h.recvApp, &h.recvFac, &h.trigger,
		&h.controlID, &h.processing, &h.version, &h.charsetField} {
		*f = conv(*f)
	}
	h.d = to
}

// hl7Version returns a 2.x version ID as a number, 2.3.1 as 20301, or -1
// for anything else.
func hl7Version(s string) int {
	parts := strings.Split(s, ".")
	if len(parts) < 2 || len(parts) > 3 || parts[0] != "2" {
		return -1
	}
	v := 20000
	for i, scale := range []int{100, 1} {
		if i+1 >= len(parts) {
			break
		}
		n, err := strconv.Atoi(parts[i+1])
		if err != nil || n < 0 || n > 99 {
			return -1
		}
		v += n * scale
	}
	return v
}

// Versions at which the acknowledgment changes form.
const (
	v22  = 20200 // MSH-9 gets the trigger event
	v231 = 20301 // MSH-9 gets the message structure
	v24  = 20400 // MSA-3 deprecated
	v25  = 20500 // ERR-2 to ERR-12 replace ERR-1
)

// defaultAckVersion is MSH-12 of an acknowledgment whose original gives none.
const defaultAckVersion = "2.5"

// build writes the acknowledgment.
func (h *ackHeader) build(code AckCode, opts AckOptions) ([]byte, error) {
	if !code.Valid() {
		return nil, fmt.Errorf("ack: %q is not an acknowledgment code of table 0008", truncate(string(code), 10))
	}
	d := &h.d
	ver := hl7Version(h.versionID)
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	errs := make([]error, 0, len(opts.Errors))
	for _, e := range opts.Errors {
		errs = append(errs, ackErrors(e)...)
	}

	b := make([]byte, 0, 256)
	sep := func() { b = append(b, d.Field) }
	field := func(v []byte) { b = append(append(b, d.Field), v...) }
	text := func(s string) { b = d.appendEscaped(b, []byte(s)) }

	// MSH
	b = append(b, "MSH"...)
	field([]byte(d.EncodingChars()))
	field(h.recvApp)
	field(h.recvFac)
	field(h.sendApp)
	field(h.sendFac)
	sep()
	b = now().AppendFormat(b, "20060102150405-0700")
	sep() // MSH-8
	field([]byte("ACK"))
	if ver < 0 || ver >= v22 {
		b = append(append(b, d.Component), h.trigger...)
		if ver < 0 || ver >= v231 {
			b = append(append(b, d.Component), "ACK"...)
		}
	}
	sep()
	if opts.ControlID != "" {
		text(opts.ControlID)
	} else {
		b = append(b, newControlID()...)
	}
	if len(h.processing) > 0 {
		field(h.processing)
	} else {
		field([]byte("P"))
	}
	if len(h.version) > 0 {
		field(h.version)
	} else {
		field([]byte(defaultAckVersion))
	}
	if len(h.charsetField) > 0 {
		for range 5 { // MSH-13 to MSH-17
			sep()
		}
		field(h.charsetField)
	}
	b = append(b, '\r')

	// MSA
	b = append(b, "MSA"...)
	field([]byte(code))
	field(h.controlID)
	msa3 := opts.Text
	if msa3 == "" && len(errs) > 0 && ver < v24 { // an unknown version is -1
		msa3 = errs[0].Error()
	}
	if msa3 != "" {
		sep()
		text(msa3)
	}
	b = append(b, '\r')

	// ERR
	severity := byte('E')
	if code.IsPositive() {
		severity = 'W'
	}
	if ver >= 0 && ver < v25 && len(errs) > 0 {
		b = append(b, "ERR"...)
		sep()
		for i, e := range errs {
			if i > 0 {
				b = append(b, d.Repetition)
			}
			b = h.appendELD(b, e, code)
		}
		b = append(b, '\r')
	} else {
		for _, e := range errs {
			b = append(b, "ERR"...)
			sep()
			if ver < 0 {
				b = h.appendELD(b, e, code) // ERR-1 too, for receivers before v2.5
			}
			loc, ec := errorDetail(e, code)
			sep()
			b = h.appendERL(b, loc) // ERR-2
			sep()
			b = strconv.AppendInt(b, int64(ec), 10) // ERR-3
			b = append(b, d.Component)
			text(ec.Text())
			b = append(append(b, d.Component), "HL70357"...)
			sep()
			b = append(b, severity) // ERR-4
			for range 4 {           // ERR-5 to ERR-7, and the separator before ERR-8
				sep()
			}
			text(e.Error())
			b = append(b, '\r')
		}
	}

	if h.cs != nil {
		out, err := h.cs.encode(b)
		if err != nil {
			// Text that the character set cannot hold, such as an error
			// message quoting other data: replace what cannot be encoded.
			out, err = encoding.ReplaceUnsupported(h.cs.enc.NewEncoder()).Bytes(b)
			if err != nil {
				return nil, fmt.Errorf("ack: encoding to %s: %w", h.cs.name, err)
			}
		}
		b = out
	}
	return b, nil
}

// errorDetail returns the location and code to report for e.
func errorDetail(e error, code AckCode) (Location, ErrorCode) {
	var pe *Error
	if !errors.As(e, &pe) {
		return Location{}, CodeInternal
	}
	ec := pe.Code
	if ec == CodeAccepted && !code.IsPositive() {
		ec = CodeInternal
	}
	return pe.Loc, ec
}

// appendELD appends an ERR-1 (ELD, before v2.5): segment ^ sequence ^ field
// ^ code & text & HL70357.
func (h *ackHeader) appendELD(b []byte, e error, code AckCode) []byte {
	d := &h.d
	loc, ec := errorDetail(e, code)
	b = d.appendEscaped(b, []byte(loc.Segment))
	b = append(b, d.Component)
	if loc.Segment != "" && loc.Sequence > 0 {
		b = strconv.AppendInt(b, int64(loc.Sequence), 10)
	}
	b = append(b, d.Component)
	if loc.Segment != "" && loc.Field > 0 {
		b = strconv.AppendInt(b, int64(loc.Field), 10)
	}
	b = append(b, d.Component)
	b = strconv.AppendInt(b, int64(ec), 10)
	b = append(b, d.Subcomponent)
	b = d.appendEscaped(b, []byte(ec.Text()))
	b = append(b, d.Subcomponent)
	return append(b, "HL70357"...)
}

// appendERL appends an ERR-2 (ERL): segment ^ sequence ^ field ^ repetition
// ^ component ^ subcomponent, without trailing empty components.
func (h *ackHeader) appendERL(b []byte, loc Location) []byte {
	if loc.Segment == "" {
		return b
	}
	d := &h.d
	b = d.appendEscaped(b, []byte(loc.Segment))
	nums := [...]int{loc.Sequence, loc.Field, loc.Rep, loc.Component, loc.Sub}
	last := -1
	for i, n := range nums {
		if n > 0 {
			last = i
		}
	}
	for _, n := range nums[:last+1] {
		b = append(b, d.Component)
		if n > 0 {
			b = strconv.AppendInt(b, int64(n), 10)
		}
	}
	return b
}

// newControlID returns a random message control ID of 16 hexadecimal
// digits, short enough for the 20 characters MSH-10 allows before v2.7.
func newControlID() []byte {
	var id [8]byte
	_, _ = rand.Read(id[:]) // never fails: the runtime aborts if it cannot read
	return hex.AppendEncode(nil, id[:])
}
