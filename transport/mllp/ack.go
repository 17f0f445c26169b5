package mllp

import (
	"fmt"
	"strings"

	"github.com/plexus-health/plexus/format/hl7v2"
)

// AckError is the error [Client.Send] returns when the receiver answered
// with a negative acknowledgement: MSA-1 AE (application error), AR
// (application reject), CE (commit error) or CR (commit reject). Send
// returns the acknowledgement bytes alongside it. Check for it with
// errors.As.
type AckError struct {
	// Code is MSA-1: AE, AR, CE or CR.
	Code string
	// ControlID is MSA-2, the control ID of the message acknowledged.
	ControlID string
	// Text is the receiver's explanation: MSA-3, or if that is empty the
	// first ERR segment's user message (ERR-8), error code text (ERR-3.2)
	// or, for HL7 versions before 2.5, ERR-1.4.2.
	Text string
}

// Error describes the rejection, including the receiver's text.
func (e *AckError) Error() string {
	var b strings.Builder
	b.WriteString("mllp: negative acknowledgement ")
	b.WriteString(e.Code)
	if e.ControlID != "" {
		fmt.Fprintf(&b, " for control id %q", e.ControlID)
	}
	if e.Text != "" {
		b.WriteString(": ")
		b.WriteString(e.Text)
	}
	return b.String()
}

// controlID returns MSH-10 of an HL7 message, or "" if the payload does not
// parse as one; the ACK check then cannot compare control IDs. It parses
// into m, reusing its memory.
func controlID(m *hl7v2.Message, payload []byte) string {
	if err := m.Parse(payload); err != nil {
		return ""
	}
	id, err := m.Get("MSH-10")
	if err != nil {
		return ""
	}
	return id
}

// checkAck interprets an acknowledgement to the message whose MSH-10 is
// sentID ("" when unknown), parsing it into m. It returns nil for AA and
// CA, an *AckError for AE, AR, CE and CR, and an error wrapping
// ErrControlIDMismatch or ErrInvalidAck otherwise.
func checkAck(m *hl7v2.Message, ack []byte, sentID string) error {
	if err := m.Parse(ack); err != nil {
		return fmt.Errorf("mllp: parsing acknowledgement: %w: %w", ErrInvalidAck, err)
	}
	get := func(path string) string {
		v, err := m.Get(path)
		if err != nil {
			return ""
		}
		return strings.TrimSpace(v)
	}
	code := strings.ToUpper(get("MSA-1"))
	ackID := get("MSA-2")
	if sentID != "" && ackID != "" && ackID != sentID {
		return fmt.Errorf("mllp: acknowledgement MSA-2 %q, message MSH-10 %q: %w", ackID, sentID, ErrControlIDMismatch)
	}
	switch code {
	case "AA", "CA":
		return nil
	case "AE", "AR", "CE", "CR":
		e := &AckError{Code: code, ControlID: ackID}
		for _, path := range []string{"MSA-3", "ERR-8", "ERR-3.2", "ERR-1.4.2"} {
			if e.Text = get(path); e.Text != "" {
				break
			}
		}
		return e
	case "":
		return fmt.Errorf("mllp: acknowledgement has no MSA-1: %w", ErrInvalidAck)
	default:
		return fmt.Errorf("mllp: acknowledgement code %q is not AA, AE, AR, CA, CE or CR: %w", code, ErrInvalidAck)
	}
}
