package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"github.com/plexus-health/plexus/format/hl7v2"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/plexus-health/plexus/engine"
	"github.com/plexus-health/plexus/engine/journal"
	"github.com/plexus-health/plexus/platform/accounts"
	"github.com/plexus-health/plexus/platform/auth"
)

// Message statuses the search form offers.
var messageStatuses = []string{string(engine.StatusReceived), string(engine.StatusFiltered), string(engine.StatusDelivered),
	string(engine.StatusError), string(engine.StatusDead), string(engine.StatusDuplicate), string(engine.StatusSplit)}

// Page sizes of the message list.
const (
	defaultPage = 50
	maxPage     = 500
)

// searchParams are the query parameters of the message search; the live
// stream takes the same ones but before and limit.
var searchParams = []string{"channel", "status", "type", "trigger", "control_id", "patient_id", "parent_id", "q", "from", "to"}

// parseSearch reads a message search from a query string. Times are RFC
// 3339 or the "2006-01-02T15:04" of a datetime-local input, in UTC.
func parseSearch(q url.Values) (journal.MessageFilter, error) {
	f := journal.MessageFilter{
		Channel: strings.TrimSpace(q.Get("channel")), Status: q.Get("status"), Type: strings.TrimSpace(q.Get("type")),
		Trigger: strings.TrimSpace(q.Get("trigger")), ControlID: strings.TrimSpace(q.Get("control_id")),
		PatientID: strings.TrimSpace(q.Get("patient_id")), Text: strings.TrimSpace(q.Get("q")), Limit: defaultPage,
	}
	if f.Status != "" && !slices.Contains(messageStatuses, f.Status) {
		return f, errorf(http.StatusBadRequest, "Status must be one of %s.", strings.Join(messageStatuses, ", "))
	}
	var err error
	if f.From, err = parseFormTime(q.Get("from")); err != nil {
		return f, errorf(http.StatusBadRequest, "From: %v.", err)
	}
	if f.To, err = parseFormTime(q.Get("to")); err != nil {
		return f, errorf(http.StatusBadRequest, "To: %v.", err)
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		return f, errorf(http.StatusBadRequest, "To must be after From.")
	}
	if v := q.Get("parent_id"); v != "" {
		if f.ParentID, err = strconv.ParseInt(v, 10, 64); err != nil || f.ParentID <= 0 {
			return f, errorf(http.StatusBadRequest, "The parent must be a positive message ID.")
		}
	}
	if v := q.Get("before"); v != "" {
		if f.BeforeID, err = strconv.ParseInt(v, 10, 64); err != nil || f.BeforeID <= 0 {
			return f, errorf(http.StatusBadRequest, "The page cursor must be a positive message ID.")
		}
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxPage {
			return f, errorf(http.StatusBadRequest, "The page size must be from 1 to %d.", maxPage)
		}
		f.Limit = n
	}
	return f, nil
}

// parseFormTime reads a form's time: empty, RFC 3339, or a datetime-local
// value taken as UTC.
func parseFormTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, errors.New("not a time; use 2006-01-02T15:04 (UTC)")
}

// messagesData is the message list.
type messagesData struct {
	Query    url.Values // the search as asked, for the form and paging links
	Error    string
	Messages []messageRow
	Next     int64
	Paged    bool   // not the first page
	Live     string // the live stream's URL, on the first page only
	Channels []string
	Statuses []string
}

// messageRow is one message in the list and in the live stream.
type messageRow struct {
	ID         int64     `json:"id"`
	ReceivedAt time.Time `json:"-"`
	Received   string    `json:"received"`
	Channel    string    `json:"channel"`
	Type       string    `json:"type"`
	ControlID  string    `json:"control_id"`
	Sender     string    `json:"sender"`
	PatientID  string    `json:"patient_id"`
	Status     string    `json:"status"`
	Error      string    `json:"error"`
}

func rowOf(m *engine.Message) messageRow {
	typ := m.Type
	if m.Trigger != "" {
		typ += "^" + m.Trigger
	}
	sender := m.SendingApp
	if m.SendingFacility != "" {
		sender += "/" + m.SendingFacility
	}
	return messageRow{ID: m.ID, ReceivedAt: m.ReceivedAt, Received: formatTime(m.ReceivedAt), Channel: m.Channel, Type: typ,
		ControlID: m.ControlID, Sender: sender, PatientID: m.PatientID, Status: string(m.Status), Error: m.Error}
}

func (s *server) messages(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	d := messagesData{Query: q, Statuses: messageStatuses, Messages: []messageRow{}}
	for _, c := range s.opts.Engine.Channels() {
		d.Channels = append(d.Channels, c.Name)
	}
	slices.Sort(d.Channels)
	status := http.StatusOK
	f, err := parseSearch(q)
	var pe *pageError
	switch {
	case errors.As(err, &pe):
		d.Error, status = pe.msg, pe.status
	case err != nil:
		return err
	default:
		list, err := s.opts.Engine.Journal().Messages(r.Context(), f)
		if err != nil {
			return err
		}
		for _, m := range list {
			d.Messages = append(d.Messages, rowOf(m))
		}
		if len(list) == f.Limit {
			d.Next = list[len(list)-1].ID
		}
		d.Paged = f.BeforeID != 0
		if !d.Paged {
			live := url.Values{}
			for _, name := range searchParams {
				if v := q.Get(name); v != "" {
					live.Set(name, v)
				}
			}
			if len(list) > 0 {
				live.Set("after", strconv.FormatInt(list[0].ID, 10))
			}
			d.Live = pageURL("/ui/events", live, "", "")
		}
	}
	p, _ := auth.FromContext(r.Context())
	s.render(w, r, status, "messages.html", "Messages", p, d)
	return nil
}

// messageData is one message's page.
type messageData struct {
	Msg           *engine.Message
	Size          int
	Pruned        bool
	Content       bool // content was asked for and may be shown
	Raw           string
	Tree          []hl7v2.TreeSegment
	TreeError     string
	Unmapped      []string
	Deliveries    []deliveryView
	Resendable    bool
	PayloadReader bool
}

// deliveryView is a delivery with its attempts and, with content, its
// payload.
type deliveryView struct {
	journal.Delivery
	AttemptLog  []journal.Attempt
	Payload     string // the transform output; "" when it is the message as received
	OwnPayload  bool
	Bundle      *bundleSummary
	PayloadNote string
}

// payloadReader reads a delivery's stored payload; *journal.Journal has
// it.
type payloadReader interface {
	DeliveryPayload(ctx context.Context, deliveryID int64) ([]byte, error)
}

func (s *server) message(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return errorf(http.StatusNotFound, "There is no message %q.", r.PathValue("id"))
	}
	p, _ := auth.FromContext(r.Context())
	withContent := r.URL.Query().Get("content") == "1"
	if withContent && !p.HasPermission(accounts.PermPHI) {
		return errorf(http.StatusForbidden, "Seeing message content needs the phi permission.")
	}
	ctx := r.Context()
	j := s.opts.Engine.Journal()
	m, err := j.Message(ctx, id)
	if errors.Is(err, journal.ErrNotFound) {
		return errorf(http.StatusNotFound, "There is no message %d.", id)
	}
	if err != nil {
		return err
	}
	pr, hasPayloads := any(j).(payloadReader)
	d := messageData{Msg: m, Size: len(m.Raw), Pruned: m.Raw == nil, Content: withContent, PayloadReader: hasPayloads}
	ds, err := j.Deliveries(ctx, id)
	if err != nil {
		return err
	}
	d.Resendable = len(ds) > 0
	for _, del := range ds {
		as, err := j.Attempts(ctx, del.ID)
		if err != nil {
			return err
		}
		dv := deliveryView{Delivery: del, AttemptLog: as}
		if withContent && hasPayloads {
			b, err := pr.DeliveryPayload(ctx, del.ID)
			if err != nil {
				return err
			}
			s.describePayload(&dv, b)
		}
		d.Deliveries = append(d.Deliveries, dv)
	}
	if withContent {
		d.Unmapped = m.Unmapped
		if m.Raw != nil {
			d.Raw = displayRaw(m.Raw)
			if isHL7(m.ContentType, m.Raw) {
				d.Tree, err = hl7Tree(m.Raw)
				if err != nil {
					d.TreeError = err.Error()
				}
			}
		}
		// A content view is an access to patient data: the audit log
		// records it (Classify); the process log names the message only.
		s.log.Info("message content viewed on the dashboard", "message_id", id, "user", p.Subject)
	} else {
		// Attempts keep their responses only in content views.
		for i := range d.Deliveries {
			for k := range d.Deliveries[i].AttemptLog {
				d.Deliveries[i].AttemptLog[k].Response = nil
			}
		}
		m.Raw = nil
	}
	s.render(w, r, http.StatusOK, "message.html", "Message "+strconv.FormatInt(id, 10), p, d)
	return nil
}

// describePayload fills in a delivery's transform output for display: the
// text (JSON indented), and for a FHIR Bundle the list of its entries.
func (s *server) describePayload(dv *deliveryView, b []byte) {
	if b == nil {
		dv.PayloadNote = "This destination is sent the message as received."
		return
	}
	dv.OwnPayload = true
	if json.Valid(b) {
		var out bytes.Buffer
		if json.Indent(&out, b, "", "  ") == nil {
			dv.Payload = out.String()
		}
		if sum, err := summarizeFHIR(b); err == nil {
			dv.Bundle = sum
		}
	}
	if dv.Payload == "" {
		dv.Payload = displayRaw(b)
	}
}

// displayRaw turns a message into lines for a <pre>: HL7 segments end
// with a carriage return, which browsers do not break on.
func displayRaw(b []byte) string {
	s := strings.ReplaceAll(string(b), "\r\n", "\n")
	return strings.ReplaceAll(s, "\r", "\n")
}

// isHL7 reports whether content is an HL7 v2 message.
func isHL7(contentType string, raw []byte) bool {
	return strings.Contains(contentType, "hl7-v2") || bytes.HasPrefix(bytes.TrimLeft(raw, "\x0b \r\n"), []byte("MSH"))
}

// resend queues every destination of a message again.
func (s *server) resend(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return errorf(http.StatusNotFound, "There is no message %q.", r.PathValue("id"))
	}
	n, err := s.opts.Engine.Journal().Resend(r.Context(), id)
	if errors.Is(err, journal.ErrNotFound) {
		return errorf(http.StatusConflict, "Message %d has no deliveries to resend, or does not exist.", id)
	}
	if err != nil {
		return err
	}
	s.log.Info("message resent from the dashboard", "message_id", id, "queued", n)
	http.Redirect(w, r, "/ui/messages/"+strconv.FormatInt(id, 10)+"?done=resent&n="+strconv.FormatInt(n, 10), http.StatusSeeOther)
	return nil
}
