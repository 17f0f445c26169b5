package audit

import (
	"time"

	"github.com/plexus-health/plexus/platform/auth"
)

// Actions recorded by code other than the HTTP classifiers.
const (
	// ActionLogin is a login attempt, successful or not.
	ActionLogin = "login"
)

// Outcomes of a recorded action.
const (
	OutcomeSuccess = "success" // done (HTTP 1xx-3xx)
	OutcomeFailure = "failure" // refused: the caller's mistake or lack of rights (HTTP 4xx)
	OutcomeError   = "error"   // failed on the server's side (HTTP 5xx)
)

// Entry is one action to record: who, from where, what, when and with what
// outcome. Only Action is required; Record fills in Time and Outcome when
// they are zero.
type Entry struct {
	Time time.Time `json:"time"` // when it happened; now when zero

	// Who: the principal's kind ("" for an anonymous request), subject and
	// token or session ID (never the secret).
	Principal auth.Kind `json:"principal,omitempty"`
	Subject   string    `json:"subject,omitempty"`
	TokenID   string    `json:"token_id,omitempty"`
	// Remote is where the request came from: the peer's IP address.
	Remote string `json:"remote,omitempty"`

	// What: the action ("fhir.read", "admin.dlq.replay", "login"), the HTTP
	// method, the FHIR resource type and id (or an admin object's id), and
	// the request's path and raw query.
	Action       string `json:"action"`
	Method       string `json:"method,omitempty"`
	ResourceType string `json:"resource_type,omitempty"`
	ResourceID   string `json:"resource_id,omitempty"`
	Path         string `json:"path,omitempty"`
	Query        string `json:"query,omitempty"`

	// Outcome: the HTTP status (0 when the action was not a request) and
	// one of OutcomeSuccess, OutcomeFailure, OutcomeError. An empty
	// Outcome is derived from Status (success when Status is 0 too).
	Status  int    `json:"status,omitempty"`
	Outcome string `json:"outcome"`
}

// Record is an Entry as stored: its place in the chain and its hashes.
type Record struct {
	Seq int64 `json:"seq"`
	Entry
	PrevHash Hash `json:"prev_hash"`
	Hash     Hash `json:"hash"`
}

// SetPrincipal fills in the entry's who from p; a nil p leaves it
// anonymous.
func (e *Entry) SetPrincipal(p *auth.Principal) {
	if p == nil {
		return
	}
	e.Principal, e.Subject, e.TokenID = p.Kind, p.Subject, p.TokenID
}

// OutcomeOf returns the outcome an HTTP status stands for.
func OutcomeOf(status int) string {
	switch {
	case status >= 500:
		return OutcomeError
	case status >= 400:
		return OutcomeFailure
	default:
		return OutcomeSuccess
	}
}

// normalize fills in the defaults Record applies, so that what is hashed is
// exactly what is stored: the time in UTC at nanosecond precision and an
// explicit outcome.
func (e *Entry) normalize(now time.Time) {
	if e.Time.IsZero() {
		e.Time = now
	}
	e.Time = time.Unix(0, e.Time.UnixNano()).UTC()
	if e.Outcome == "" {
		e.Outcome = OutcomeOf(e.Status)
	}
}
