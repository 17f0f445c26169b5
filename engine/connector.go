package engine

import (
	"context"
	"errors"
	"time"
)

// Inbound is a message as a source received it.
type Inbound struct {
	Source      string // source type, for example "mllp", "http", "file"
	Remote      string // remote address or file path
	ContentType string // ContentHL7v2, ContentJSON, ...
	Raw         []byte // the receiver may keep it
	ReceivedAt  time.Time
	// TraceParent is the sender's W3C traceparent, when the transport
	// carries one (an HTTP header): the message's trace then continues
	// the sender's. Optional.
	TraceParent string
}

// Reply is what a source must send back to the sender once the engine has
// decided: the message is stored (or refused) by the time Receive returns.
type Reply struct {
	MessageID int64
	// Code is the HL7 acknowledgment code (AA, AE, AR, CA, CE, CR) for HL7
	// content, or "" for other content.
	Code string
	// Body is the response to send: an HL7 ACK for HL7 v2 content.
	Body        []byte
	ContentType string
	// Accepted reports whether the message was stored and accepted. A
	// message refused as malformed is still stored (status error), with
	// Accepted false.
	Accepted bool
}

// Receiver is what a source hands each message to. Receive returns only
// after the message is durably journaled (or refused); an error means it was
// not stored, and the source must make the sender retry (close the MLLP
// connection without ACK, answer HTTP 503, leave the file in place).
type Receiver interface {
	Receive(ctx context.Context, in *Inbound) (*Reply, error)
}

// Source produces messages. Start begins listening and returns once the
// source is ready (or failed to start); messages then go to recv until Stop.
// Stop finishes in-flight messages and returns when they are done or ctx
// expires.
type Source interface {
	Start(ctx context.Context, recv Receiver) error
	Stop(ctx context.Context) error
}

// Outbound is one delivery attempt of a message to a destination.
type Outbound struct {
	MessageID   int64
	Channel     string
	Destination string
	Attempt     int // 1 for the first attempt
	ContentType string
	Payload     []byte   // the transformed message for this destination
	Message     *Message // metadata of the inbound message (Raw and HL7 may be nil)
}

// Response is what a destination's receiver answered, kept with the
// delivery attempt (an HL7 ACK, an HTTP status and body, a file path).
type Response struct {
	Status string // for example "AA", "201", "written"
	Body   []byte
}

// Destination delivers messages. Deliver must be safe to call again with the
// same message after a failure (the queue retries); it returns a Permanent
// error when retrying cannot help.
type Destination interface {
	Deliver(ctx context.Context, out *Outbound) (*Response, error)
}

// Closer is implemented by destinations that hold connections.
type Closer interface {
	Close() error
}

// permanentError marks a delivery failure that retrying cannot fix.
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// Permanent wraps err so that the delivery queue dead-letters the message
// at once instead of retrying: an AR acknowledgment, an HTTP 4xx answer.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &permanentError{err}
}

// IsPermanent reports whether err was marked with Permanent.
func IsPermanent(err error) bool {
	var p *permanentError
	return errors.As(err, &p)
}
