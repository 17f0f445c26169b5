package channel

import (
	"context"
	"math/rand/v2"
	"time"

	"go.opentelemetry.io/otel/trace"

	"github.com/plexus-health/plexus/engine"
	"github.com/plexus-health/plexus/format/hl7v2"
)

// Matcher decides whether a message passes (a compiled filter expression).
type Matcher interface {
	Match(msg *engine.Message) (bool, error)
}

// Transform produces the payload for one destination from the inbound
// message. It must not modify msg.HL7: each destination works on its own
// copy. A nil Transform delivers the message as received.
type Transform func(ctx context.Context, msg *engine.Message) (contentType string, payload []byte, err error)

// Response says when a sender is answered.
type Response string

// Response modes.
const (
	// AfterCommit answers as soon as the message is journaled (default).
	AfterCommit Response = "after_commit"
	// AfterDelivery answers with the response of one destination once it
	// has accepted the message, relaying the downstream acknowledgment.
	AfterDelivery Response = "after_delivery"
)

// Spec is a channel ready to run.
type Spec struct {
	Name          string
	ConfigVersion string
	Source        engine.Source
	Filter        Matcher // nil passes everything
	Priority      int     // default priority of the channel's messages
	PriorityRule  Matcher // messages it matches get UrgentPriority
	Destinations  []Destination
	Response      Response
	// ResponseDestination names the destination whose response is relayed
	// in AfterDelivery mode; ResponseTimeout bounds the wait (default 30s),
	// after which the sender gets an AE while the message stays queued.
	ResponseDestination string
	ResponseTimeout     time.Duration
	DedupWindow         time.Duration // 0 disables duplicate suppression
	RetainContent       time.Duration // 0 keeps content forever
	RetainMetadata      time.Duration // 0 keeps metadata forever
	// X12 checks and answers X12 interchanges (see x12.go); nil uses
	// X12AckAuto, no partners, DefaultX12DuplicateWindow and control
	// numbers in memory.
	X12 *X12

	// Tracer makes the spans of each message's trace (see trace.go); nil
	// makes none, and messages then have no trace ID.
	Tracer trace.Tracer
	// State is the state Start puts the channel in; "" is Running.
	State State
	// NewSource makes a fresh source when the channel's source must run
	// again after it was stopped (a resume after a pause): a source is
	// not restartable. Nil: the channel cannot resume once paused.
	NewSource func() (engine.Source, error)
}

// UrgentPriority is the priority a PriorityRule gives.
const UrgentPriority = 10

// Destination is one destination of a channel with its queue policy.
type Destination struct {
	Name      string
	Dest      engine.Destination
	Transform Transform
	Retry     Retry
	// OrderKey, when set, spreads messages over Lanes lanes by the hash of
	// this path's value, keeping order per key.
	OrderKey *hl7v2.Path
	Lanes    int
}

// Retry is a destination's retry policy.
type Retry struct {
	MaxAttempts    int           // 0: no limit by count
	MaxAge         time.Duration // 0: no limit by age
	InitialBackoff time.Duration // default 1s
	MaxBackoff     time.Duration // default 5m
	Jitter         float64       // fraction of the backoff, default 0.2
}

// Backoff returns the wait before attempt n+1 after attempt n failed:
// exponential from InitialBackoff, capped at MaxBackoff, with jitter.
func (r Retry) Backoff(n int) time.Duration {
	initial, maxB := r.InitialBackoff, r.MaxBackoff
	if initial <= 0 {
		initial = time.Second
	}
	if maxB <= 0 {
		maxB = 5 * time.Minute
	}
	d := initial
	for i := 1; i < n && d < maxB; i++ {
		d *= 2
	}
	d = min(d, maxB)
	j := r.Jitter
	if j == 0 {
		j = 0.2
	}
	if j > 0 {
		d += time.Duration((rand.Float64()*2 - 1) * j * float64(d))
	}
	return max(d, time.Millisecond)
}

// exhausted reports whether a delivery that has failed attempts times and
// was created at created may not be tried again.
func (r Retry) exhausted(attempts int, created, now time.Time) bool {
	if r.MaxAttempts > 0 && attempts >= r.MaxAttempts {
		return true
	}
	return r.MaxAge > 0 && now.Sub(created) >= r.MaxAge
}
