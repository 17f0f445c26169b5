package transform

import (
	"fmt"

	"github.com/plexus-health/plexus/engine"
	"github.com/plexus-health/plexus/format/hl7v2"
)

// Doc is the document a pipeline transforms. While it holds HL7 v2 content,
// HL7 is the parsed message, which HL7 steps edit in place, and Raw is nil.
// A format-changing step calls SetContent, after which HL7 is nil and Raw
// holds the new payload.
type Doc struct {
	ContentType string
	HL7         *hl7v2.Message
	Raw         []byte

	// Unmapped lists what a converting step (v2_to_fhir) left out of the
	// new content, one entry per segment or field ("PV1-19 (segment 4):
	// field not mapped"), for the engine to keep with the message.
	Unmapped []string

	// Meta is the inbound message, read by the steps' conditions for its
	// metadata (type, trigger, channel, ...). Steps never change it. It may
	// be nil.
	Meta *engine.Message
}

// NewDoc returns a document holding msg's content. HL7 v2 content is parsed
// again from msg.Raw, so that the steps edit a message of their own and
// never msg.HL7, which other destinations and the filter may be reading.
// msg.Raw itself is never modified.
func NewDoc(msg *engine.Message) (*Doc, error) {
	d := &Doc{ContentType: msg.ContentType, Meta: msg}
	if msg.ContentType != engine.ContentHL7v2 && msg.HL7 == nil {
		d.Raw = msg.Raw
		return d, nil
	}
	m, err := hl7v2.Parse(msg.Raw)
	if err != nil {
		return nil, fmt.Errorf("parsing the message for transformation: %w", err)
	}
	d.ContentType, d.HL7 = engine.ContentHL7v2, m
	return d, nil
}

// SetContent replaces the document's content with a payload in another
// format, dropping the HL7 message. Format-changing steps call it.
func (d *Doc) SetContent(contentType string, raw []byte) {
	d.ContentType, d.Raw, d.HL7 = contentType, raw, nil
}

// Bytes returns the payload to deliver: the HL7 message encoded in its own
// character set, or the content a format-changing step produced.
func (d *Doc) Bytes() ([]byte, error) {
	if d.HL7 != nil {
		return d.HL7.Encode()
	}
	return d.Raw, nil
}

// message returns the HL7 message a step edits, or an error when the
// document no longer holds HL7 v2.
func (d *Doc) message() (*hl7v2.Message, error) {
	if d.HL7 == nil {
		ct := d.ContentType
		if ct == "" {
			ct = "no content type"
		}
		return nil, fmt.Errorf("the step needs HL7 v2 content, the document is %s", ct)
	}
	return d.HL7, nil
}
