package api

import (
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/plexus-health/plexus/engine"
	"github.com/plexus-health/plexus/engine/journal"
	"github.com/plexus-health/plexus/engine/node"
)

// The types in this file are the wire format of /api/v1. The server encodes
// them and Client decodes them, so there is one definition of each. Times
// are RFC 3339 in UTC; a zero time is left out.

// Message is the metadata of one journaled message. It never holds the
// content: that is served only by /api/v1/messages/{id}/content, to callers
// allowed to see it.
type Message struct {
	ID              int64     `json:"id"`
	Channel         string    `json:"channel"`
	Source          string    `json:"source"`
	Remote          string    `json:"remote,omitempty"`
	ReceivedAt      time.Time `json:"received_at"`
	ContentType     string    `json:"content_type"`
	Type            string    `json:"type,omitempty"`    // MSH-9.1
	Trigger         string    `json:"trigger,omitempty"` // MSH-9.2
	ControlID       string    `json:"control_id,omitempty"`
	SendingApp      string    `json:"sending_app,omitempty"`
	SendingFacility string    `json:"sending_facility,omitempty"`
	PatientID       string    `json:"patient_id,omitempty"` // PID-3(1).1
	Priority        int       `json:"priority"`
	ConfigVersion   string    `json:"config_version"`
	Status          string    `json:"status"`
	Error           string    `json:"error,omitempty"`
	// TraceID is the W3C trace ID of the message's trace (32 hex digits),
	// empty for messages stored before tracing.
	TraceID string `json:"trace_id,omitempty"`
	// ParentID is the message this one was split from (an 837 claim of an
	// interchange with status split); absent for a message received as such.
	ParentID int64 `json:"parent_id,omitempty"`
}

// MessageList is one page of messages, newest first. Next, when set, is
// the Before of the following page; it is set whenever the page is full,
// so the last page may be empty.
type MessageList struct {
	Messages []Message `json:"messages"`
	Next     int64     `json:"next,omitzero"`
}

// MessageDetail is a message with its deliveries and their attempts.
type MessageDetail struct {
	Message
	// ContentSize is the size in bytes of the stored content.
	ContentSize int `json:"content_size"`
	// ContentPruned says that retention deleted the content; the metadata
	// stays until the channel's metadata retention.
	ContentPruned bool `json:"content_pruned,omitempty"`
	// Unmapped lists what a converting transform step (v2_to_fhir) left
	// out of its output, one description each ("PV1-44 (segment 4): ...").
	// A description may quote a value, so it is as sensitive as the
	// content.
	Unmapped   []string         `json:"unmapped,omitempty"`
	Deliveries []DeliveryDetail `json:"deliveries"`
}

// Delivery is one message bound for one destination. A resent message has
// several deliveries to the same destination.
type Delivery struct {
	ID             int64     `json:"id"`
	MessageID      int64     `json:"message_id"`
	Channel        string    `json:"channel"`
	Destination    string    `json:"destination"`
	Lane           int       `json:"lane"`
	Priority       int       `json:"priority"`
	Status         string    `json:"status"` // pending, delivered or dead
	Attempts       int       `json:"attempts"`
	NextAttemptAt  time.Time `json:"next_attempt_at,omitzero"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
	ContentType    string    `json:"content_type,omitempty"`
	LastError      string    `json:"last_error,omitempty"`
	ResponseStatus string    `json:"response_status,omitempty"`
}

// DeliveryDetail is a delivery with every attempt made, oldest first.
type DeliveryDetail struct {
	Delivery
	AttemptLog []Attempt `json:"attempt_log"`
}

// Attempt is one try at a delivery.
type Attempt struct {
	Attempt        int       `json:"attempt"`
	Started        time.Time `json:"started"`
	DurationMS     float64   `json:"duration_ms"`
	Outcome        string    `json:"outcome"`
	Error          string    `json:"error,omitempty"`
	ResponseStatus string    `json:"response_status,omitempty"`
	// Response is the destination's answer (an ACK, an HTTP body). It may
	// hold patient data, so it is sent only with ?content=1 to callers
	// allowed to see content.
	Response []byte `json:"response,omitempty"`
}

// Queue is the state of one destination queue.
type Queue struct {
	Channel       string    `json:"channel"`
	Destination   string    `json:"destination"`
	Pending       int64     `json:"pending"`
	Dead          int64     `json:"dead"`
	OldestPending time.Time `json:"oldest_pending,omitzero"`
	// OldestPendingAgeSeconds is how long the oldest pending delivery has
	// waited, measured when the response was made.
	OldestPendingAgeSeconds float64 `json:"oldest_pending_age_seconds,omitzero"`
}

// QueueList lists the destination queues that hold pending or dead
// deliveries, by channel and destination.
type QueueList struct {
	Queues []Queue `json:"queues"`
}

// Channel is a channel of the running configuration and the queues of its
// destinations.
type Channel struct {
	Name          string `json:"name"`
	Source        string `json:"source"`
	ConfigVersion string `json:"config_version"`
	// State is "running", "paused" (the source takes no messages, the
	// queues drain) or "stopped" (source and deliveries stopped, the
	// queues wait).
	State string `json:"state"`
	// Destinations are in configuration order, each with its queue.
	Destinations []Queue `json:"destinations"`
	// Pending, Dead and OldestPending sum up the destinations.
	Pending                 int64     `json:"pending"`
	Dead                    int64     `json:"dead"`
	OldestPending           time.Time `json:"oldest_pending,omitzero"`
	OldestPendingAgeSeconds float64   `json:"oldest_pending_age_seconds,omitzero"`
}

// ChannelList lists the running channels by name.
type ChannelList struct {
	Channels []Channel `json:"channels"`
}

// DeadLetterList lists dead-lettered deliveries, most recently failed
// first.
type DeadLetterList struct {
	DeadLetters []Delivery `json:"dead_letters"`
}

// ReplayRequest selects dead-lettered deliveries to put back in their
// queues. At least one field must be set; every set field must match.
// From and To bound the message's receive time (To excluded).
type ReplayRequest struct {
	Channel     string    `json:"channel,omitempty"`
	Destination string    `json:"destination,omitempty"`
	DeliveryID  int64     `json:"delivery_id,omitempty"`
	MessageID   int64     `json:"message_id,omitempty"`
	From        time.Time `json:"from,omitzero"`
	To          time.Time `json:"to,omitzero"`
}

// ReplayResult says how many deliveries a replay queued again.
type ReplayResult struct {
	Replayed int64 `json:"replayed"`
}

// ResendResult says how many new deliveries a resend queued.
type ResendResult struct {
	Queued int64 `json:"queued"`
}

// ConfigInfo is the configuration running now and those applied before it
// since the node started.
type ConfigInfo struct {
	Version  string    `json:"version"` // empty before the first apply
	LoadedAt time.Time `json:"loaded_at,omitzero"`
	Files    []string  `json:"files"`
	History  []Applied `json:"history"`
}

// Applied is one configuration the node ran.
type Applied struct {
	Version   string    `json:"version"`
	AppliedAt time.Time `json:"applied_at"`
	Changes   string    `json:"changes"`
}

// Error is the body of every error response, and the error Client returns
// for one.
type Error struct {
	// StatusCode is the HTTP status; it is not part of the body.
	StatusCode int    `json:"-"`
	Message    string `json:"error"`
}

// Error returns the message with the status.
func (e *Error) Error() string {
	return "plexus api: " + e.Message + " (HTTP " + strconv.Itoa(e.StatusCode) + ")"
}

// MessageQuery selects messages to list. Zero fields match everything.
// It is the query string of GET /api/v1/messages.
type MessageQuery struct {
	Channel   string
	Status    string // a message status: received, filtered, delivered, error, dead, duplicate, split
	Type      string // MSH-9.1
	Trigger   string // MSH-9.2
	ControlID string // MSH-10
	PatientID string // PID-3(1).1
	TraceID   string // the message's W3C trace ID, 32 hex digits
	ParentID  int64  // the messages split from this one
	Text      string // substring of the control ID, patient ID, sender, type or error
	From, To  time.Time
	Before    int64 // a Next from the previous page
	Limit     int   // default 50, at most 1000
}

// DeadLetterQuery selects dead letters to list. It is the query string of
// GET /api/v1/dlq.
type DeadLetterQuery struct {
	Channel     string
	Destination string
	Limit       int // default 100, at most 1000
}

// Query parameter names.
const (
	paramChannel     = "channel"
	paramDestination = "destination"
	paramStatus      = "status"
	paramType        = "type"
	paramTrigger     = "trigger"
	paramControlID   = "control_id"
	paramPatientID   = "patient_id"
	paramTraceID     = "trace_id"
	paramParentID    = "parent_id"
	paramText        = "q"
	paramFrom        = "from"
	paramTo          = "to"
	paramBefore      = "before"
	paramLimit       = "limit"
	paramContent     = "content"
)

// maxLimit caps every limit parameter.
const maxLimit = 1000

// Values encodes q as a query string.
func (q MessageQuery) Values() url.Values {
	v := url.Values{}
	set := func(name, value string) {
		if value != "" {
			v.Set(name, value)
		}
	}
	set(paramChannel, q.Channel)
	set(paramStatus, q.Status)
	set(paramType, q.Type)
	set(paramTrigger, q.Trigger)
	set(paramControlID, q.ControlID)
	set(paramPatientID, q.PatientID)
	set(paramTraceID, q.TraceID)
	set(paramText, q.Text)
	if q.ParentID != 0 {
		v.Set(paramParentID, strconv.FormatInt(q.ParentID, 10))
	}
	if !q.From.IsZero() {
		v.Set(paramFrom, q.From.Format(time.RFC3339Nano))
	}
	if !q.To.IsZero() {
		v.Set(paramTo, q.To.Format(time.RFC3339Nano))
	}
	if q.Before != 0 {
		v.Set(paramBefore, strconv.FormatInt(q.Before, 10))
	}
	if q.Limit != 0 {
		v.Set(paramLimit, strconv.Itoa(q.Limit))
	}
	return v
}

// parseMessageQuery is the inverse of MessageQuery.Values. It rejects
// unknown parameters, so that a misspelt filter is an error rather than a
// listing of everything.
func parseMessageQuery(v url.Values) (MessageQuery, error) {
	p := params{v: v}
	p.only(paramChannel, paramStatus, paramType, paramTrigger, paramControlID, paramPatientID, paramTraceID, paramParentID,
		paramText, paramFrom, paramTo, paramBefore, paramLimit)
	q := MessageQuery{
		Channel:   p.str(paramChannel),
		Status:    p.str(paramStatus),
		Type:      p.str(paramType),
		Trigger:   p.str(paramTrigger),
		ControlID: p.str(paramControlID),
		PatientID: p.str(paramPatientID),
		TraceID:   strings.ToLower(p.str(paramTraceID)),
		ParentID:  p.id(paramParentID),
		Text:      p.str(paramText),
		From:      p.time(paramFrom),
		To:        p.time(paramTo),
		Before:    p.id(paramBefore),
		Limit:     p.limit(),
	}
	if p.err == nil && q.Status != "" && !slices.Contains(messageStatuses, engine.Status(q.Status)) {
		p.fail(paramStatus, "must be one of received, filtered, delivered, error, dead, duplicate, split, not %q", q.Status)
	}
	if p.err == nil && q.TraceID != "" && !traceIDRE.MatchString(q.TraceID) {
		p.fail(paramTraceID, "must be 32 hexadecimal digits")
	}
	if p.err == nil && !q.From.IsZero() && !q.To.IsZero() && !q.From.Before(q.To) {
		p.fail(paramTo, "must be after from")
	}
	return q, p.err
}

var traceIDRE = regexp.MustCompile(`^[0-9a-f]{32}$`)

var messageStatuses = []engine.Status{engine.StatusReceived, engine.StatusFiltered, engine.StatusDelivered,
	engine.StatusError, engine.StatusDead, engine.StatusDuplicate, engine.StatusSplit}

// filter is the journal filter q selects.
func (q MessageQuery) filter() journal.MessageFilter {
	return journal.MessageFilter{
		Channel: q.Channel, Status: q.Status, Type: q.Type, Trigger: q.Trigger, ControlID: q.ControlID,
		PatientID: q.PatientID, TraceID: q.TraceID, ParentID: q.ParentID, Text: q.Text, From: q.From, To: q.To, BeforeID: q.Before, Limit: q.Limit,
	}
}

// Values encodes q as a query string.
func (q DeadLetterQuery) Values() url.Values {
	v := url.Values{}
	if q.Channel != "" {
		v.Set(paramChannel, q.Channel)
	}
	if q.Destination != "" {
		v.Set(paramDestination, q.Destination)
	}
	if q.Limit != 0 {
		v.Set(paramLimit, strconv.Itoa(q.Limit))
	}
	return v
}

func parseDeadLetterQuery(v url.Values) (DeadLetterQuery, error) {
	p := params{v: v}
	p.only(paramChannel, paramDestination, paramLimit)
	q := DeadLetterQuery{Channel: p.str(paramChannel), Destination: p.str(paramDestination), Limit: p.limit()}
	return q, p.err
}

// empty reports whether r selects nothing, which the server refuses rather
// than replaying every dead letter of every channel.
func (r ReplayRequest) empty() bool { return r == ReplayRequest{} }

func (r ReplayRequest) filter() journal.ReplayFilter {
	return journal.ReplayFilter{Channel: r.Channel, Destination: r.Destination, DeliveryID: r.DeliveryID,
		MessageID: r.MessageID, From: r.From, To: r.To}
}

// Conversions from the engine's types.

func messageOf(m *engine.Message) Message {
	return Message{
		ID: m.ID, Channel: m.Channel, Source: m.Source, Remote: m.Remote, ReceivedAt: utc(m.ReceivedAt),
		ContentType: m.ContentType, Type: m.Type, Trigger: m.Trigger, ControlID: m.ControlID,
		SendingApp: m.SendingApp, SendingFacility: m.SendingFacility, PatientID: m.PatientID,
		Priority: m.Priority, ConfigVersion: m.ConfigVersion, Status: string(m.Status), Error: m.Error,
		TraceID: m.TraceID, ParentID: m.ParentID,
	}
}

func deliveryOf(d journal.Delivery) Delivery {
	out := Delivery{
		ID: d.ID, MessageID: d.MessageID, Channel: d.Channel, Destination: d.Destination, Lane: d.Lane,
		Priority: d.Priority, Status: d.Status, Attempts: d.Attempts, CreatedAt: utc(d.CreatedAt),
		UpdatedAt: utc(d.UpdatedAt), ContentType: d.ContentType, LastError: d.LastError, ResponseStatus: d.ResponseStatus,
	}
	// The next attempt time means something only while the delivery waits.
	if d.Status == journal.Pending {
		out.NextAttemptAt = utc(d.NextAttemptAt)
	}
	return out
}

func attemptOf(a journal.Attempt, withResponse bool) Attempt {
	out := Attempt{
		Attempt: a.Attempt, Started: utc(a.Started), DurationMS: float64(a.Duration.Microseconds()) / 1000,
		Outcome: a.Outcome, Error: a.Error, ResponseStatus: a.ResponseStatus,
	}
	if withResponse {
		out.Response = a.Response
	}
	return out
}

func queueOf(q journal.QueueStats, now time.Time) Queue {
	out := Queue{Channel: q.Channel, Destination: q.Destination, Pending: q.Pending, Dead: q.Dead}
	out.setOldest(q.OldestPending, now)
	return out
}

func (q *Queue) setOldest(t time.Time, now time.Time) {
	if t.IsZero() {
		return
	}
	q.OldestPending = utc(t)
	q.OldestPendingAgeSeconds = max(now.Sub(t).Seconds(), 0)
}

func appliedOf(a node.Applied) Applied {
	return Applied{Version: a.Version, AppliedAt: utc(a.AppliedAt), Changes: a.Changes}
}

// utc drops the monotonic reading and the local zone, so that every time
// is written the same way.
func utc(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC()
}
