package engine

import (
	"time"

	"github.com/plexus-health/plexus/format/hl7v2"
)

// Content types the engine recognises. Any other media type is carried as
// opaque text or bytes.
const (
	ContentHL7v2 = "application/hl7-v2"
	ContentJSON  = "application/json"
	ContentFHIR  = "application/fhir+json"
	ContentText  = "text/plain"
	ContentX12   = "application/edi-x12" // ASC X12 EDI interchanges
	// ContentDICOM is a DICOM instance's descriptor (connector/dicom):
	// its UIDs, tags worth routing on and where the archive keeps it.
	ContentDICOM = "application/dicom+json"
)

// Status is where a message stands in its channel.
type Status string

// Message statuses, as stored in the journal.
const (
	StatusReceived  Status = "received"  // journaled, deliveries not all finished
	StatusFiltered  Status = "filtered"  // stored, but the filter let it go nowhere
	StatusDelivered Status = "delivered" // every delivery succeeded
	StatusError     Status = "error"     // malformed, or a transform failed
	StatusDead      Status = "dead"      // at least one delivery was dead-lettered
	StatusDuplicate Status = "duplicate" // stored, but a copy was already accepted
	// StatusSplit is a message stored as received and split into messages
	// of its own (ParentID names it), which are routed in its stead.
	StatusSplit Status = "split"
)

// Message is one inbound message and what Plexus extracted from it.
type Message struct {
	ID          int64 // journal ID, set when stored
	Channel     string
	Source      string // source type, for example "mllp"
	Remote      string // remote address of the sender
	ReceivedAt  time.Time
	ContentType string
	Raw         []byte // exactly as received

	// Metadata from the HL7 v2 header and PID, empty for other content.
	Type            string // MSH-9.1
	Trigger         string // MSH-9.2
	ControlID       string // MSH-10
	SendingApp      string // MSH-3.1
	SendingFacility string // MSH-4.1
	PatientID       string // PID-3(1).1

	Priority      int    // higher is delivered first
	ConfigVersion string // version of the configuration that processed it
	Status        Status
	// Error says why the status is error; for an X12 interchange that was
	// partially accepted, it names the transaction sets left out.
	Error string
	// ParentID is the journal ID of the message this one was split from
	// (StatusSplit), 0 for a message received as such.
	ParentID int64

	// TraceID is the W3C trace ID (32 lowercase hex digits) of the
	// message's trace, from receipt to every destination; empty for
	// messages journaled before tracing existed.
	TraceID string
	// SpanID is the span ID (16 lowercase hex digits) of the message's root
	// span, the parent of its delivery attempts' spans; empty with TraceID.
	SpanID string
	// TraceFlags are the W3C trace flags of the root span: 1 when the
	// trace is sampled (its spans exported).
	TraceFlags byte

	// Unmapped lists what a conversion step (transform v2_to_fhir) did not
	// map, one entry per segment or field. The journal does not store it
	// yet: it lives until the message is journaled.
	Unmapped []string

	// HL7 is the parsed message, nil when ContentType is not HL7 v2 or it
	// failed to parse. It is not stored; the journal keeps Raw.
	HL7 *hl7v2.Message
}

// Metadata fills the header fields of msg from its parsed HL7 message.
func (msg *Message) Metadata() {
	m := msg.HL7
	if m == nil {
		return
	}
	get := func(path string) string {
		v, _ := m.Get(path)
		return v
	}
	msg.Type, msg.Trigger, _ = m.Type()
	msg.ControlID = m.ControlID()
	msg.SendingApp = get("MSH-3.1")
	msg.SendingFacility = get("MSH-4.1")
	msg.PatientID = get("PID-3(1).1")
}
