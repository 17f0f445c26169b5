package api

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
)

// deadLetters lists dead-lettered deliveries, most recently failed first.
func (s *server) deadLetters(w http.ResponseWriter, r *http.Request) error {
	q, err := parseDeadLetterQuery(r.URL.Query())
	if err != nil {
		return err
	}
	ds, err := s.e.Journal().DeadLetters(r.Context(), q.Channel, q.Destination, q.Limit)
	if err != nil {
		return err
	}
	out := DeadLetterList{DeadLetters: make([]Delivery, 0, len(ds))}
	for _, d := range ds {
		out.DeadLetters = append(out.DeadLetters, deliveryOf(d))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// replay puts the dead letters a ReplayRequest selects back in their
// queues.
func (s *server) replay(w http.ResponseWriter, r *http.Request) error {
	if err := noParams(r); err != nil {
		return err
	}
	var req ReplayRequest
	if err := decodeBody(w, r, &req); err != nil {
		return err
	}
	if req.empty() {
		return errorf(http.StatusBadRequest, "replay needs at least one of channel, destination, delivery_id, message_id, from, to")
	}
	if req.DeliveryID < 0 || req.MessageID < 0 {
		return errorf(http.StatusBadRequest, "delivery_id and message_id must be positive")
	}
	if !req.From.IsZero() && !req.To.IsZero() && !req.From.Before(req.To) {
		return errorf(http.StatusBadRequest, "to must be after from")
	}
	n, err := s.e.Journal().Replay(r.Context(), req.filter())
	if err != nil {
		return err
	}
	s.log.Info("dead letters replayed", "channel", req.Channel, "destination", req.Destination,
		"delivery_id", req.DeliveryID, "message_id", req.MessageID, "from", req.From, "to", req.To, "replayed", n)
	writeJSON(w, http.StatusOK, ReplayResult{Replayed: n})
	return nil
}

// decodeBody reads one JSON object into v. Unknown fields are refused: a
// misspelt selector must not widen what a replay touches.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) error {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return errorf(http.StatusUnsupportedMediaType, "request body must be application/json")
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return err
		}
		return errorf(http.StatusBadRequest, "invalid JSON body: %v", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errorf(http.StatusBadRequest, "invalid JSON body: more than one value")
	}
	return nil
}
