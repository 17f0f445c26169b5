package api

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/plexus-health/plexus/engine/journal"
)

// messages lists message metadata, newest first, a page at a time.
func (s *server) messages(w http.ResponseWriter, r *http.Request) error {
	q, err := parseMessageQuery(r.URL.Query())
	if err != nil {
		return err
	}
	list, err := s.e.Journal().Messages(r.Context(), q.filter())
	if err != nil {
		return err
	}
	out := MessageList{Messages: make([]Message, 0, len(list))}
	for _, m := range list {
		out.Messages = append(out.Messages, messageOf(m))
	}
	limit := q.Limit
	if limit == 0 {
		limit = defaultMessageLimit
	}
	if len(list) > 0 && len(list) >= limit {
		out.Next = list[len(list)-1].ID
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// defaultMessageLimit is the journal's page size when none is asked for.
const defaultMessageLimit = 50

// message shows a message's metadata, deliveries and attempts; with
// ?content=1 the attempts carry the destinations' responses.
func (s *server) message(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r.PathValue("id"))
	if err != nil {
		return err
	}
	p := params{v: r.URL.Query()}
	p.only(paramContent)
	withContent := p.flag(paramContent)
	if p.err != nil {
		return p.err
	}
	if withContent && !s.canViewContent(r) {
		return errContentForbidden
	}
	ctx := r.Context()
	j := s.e.Journal()
	m, err := j.Message(ctx, id)
	if errors.Is(err, journal.ErrNotFound) {
		return errMessageNotFound(id)
	}
	if err != nil {
		return err
	}
	out := MessageDetail{Message: messageOf(m), ContentSize: len(m.Raw), ContentPruned: m.Raw == nil, Unmapped: m.Unmapped, Deliveries: []DeliveryDetail{}}
	ds, err := j.Deliveries(ctx, id)
	if err != nil {
		return err
	}
	for _, d := range ds {
		as, err := j.Attempts(ctx, d.ID)
		if err != nil {
			return err
		}
		dd := DeliveryDetail{Delivery: deliveryOf(d), AttemptLog: make([]Attempt, 0, len(as))}
		for _, a := range as {
			dd.AttemptLog = append(dd.AttemptLog, attemptOf(a, withContent))
		}
		out.Deliveries = append(out.Deliveries, dd)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// content serves a message's raw bytes exactly as received.
func (s *server) content(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := noParams(r); err != nil {
		return err
	}
	// Permission first, so that a caller who may not see content cannot
	// probe which messages exist either.
	if !s.canViewContent(r) {
		return errContentForbidden
	}
	m, err := s.e.Journal().Message(r.Context(), id)
	if errors.Is(err, journal.ErrNotFound) {
		return errMessageNotFound(id)
	}
	if err != nil {
		return err
	}
	if m.Raw == nil {
		return errorf(http.StatusGone, "content of message %d was deleted by retention", id)
	}
	h := w.Header()
	ct := m.ContentType
	if ct == "" {
		ct = "application/octet-stream"
	}
	h.Set("Content-Type", ct)
	h.Set("Content-Length", strconv.Itoa(len(m.Raw)))
	// The bytes come from outside: a browser must not run them as a page
	// of the admin origin, whatever their content type says.
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	w.WriteHeader(http.StatusOK)
	w.Write(m.Raw)
	return nil
}

// resend queues every destination of a message again, as new deliveries.
func (s *server) resend(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := noParams(r); err != nil {
		return err
	}
	ctx := r.Context()
	n, err := s.e.Journal().Resend(ctx, id)
	if errors.Is(err, journal.ErrNotFound) {
		// The journal says the same for a missing message and for one with
		// no deliveries (filtered, errored); tell them apart.
		if _, merr := s.e.Journal().Message(ctx, id); merr == nil {
			return errorf(http.StatusConflict, "message %d has no deliveries to resend", id)
		}
		return errMessageNotFound(id)
	}
	if err != nil {
		return err
	}
	s.log.Info("message resent", "message_id", id, "queued", n)
	writeJSON(w, http.StatusOK, ResendResult{Queued: n})
	return nil
}

var errContentForbidden = errorf(http.StatusForbidden, "viewing message content is not permitted")

func errMessageNotFound(id int64) error {
	return errorf(http.StatusNotFound, "message %d not found", id)
}
