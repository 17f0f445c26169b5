package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/plexus-health/plexus/engine/journal"
)

// The live stream (GET /ui/events) is Server-Sent Events:
//
//	event: message    a new message matching the page's search (messageRow), oldest first; id is its ID
//	event: more       more new messages came than one poll sends; reload to see them all
//	event: channels   the channels' counters and queues ([]channelView), every Options.Refresh
//	event: alerts     the active alerts, every Options.Refresh
//
// New messages are found by polling the journal every Options.Poll for IDs
// above the last one sent, so messages other nodes store in a shared
// database appear too. A reconnecting browser sends Last-Event-ID and
// misses nothing the poll window holds. A stream ends after
// streamLifetime (the browser reconnects) and when Options.Stop closes, so
// that a server shutting down does not wait for it.

// Stream bounds.
const (
	streamLifetime = 10 * time.Minute
	pollPage       = 100 // messages read per query
	pollPages      = 5   // queries per poll before sending "more"
	writeSlack     = 30 * time.Second
)

// liveAlert is an alert as the stream sends it.
type liveAlert struct {
	Rule        string `json:"rule"`
	Severity    string `json:"severity"`
	Channel     string `json:"channel"`
	Destination string `json:"destination,omitempty"`
	Message     string `json:"message"`
	Since       string `json:"since"`
}

func (s *server) events(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f, err := parseSearch(q)
	if err != nil {
		return err
	}
	f.BeforeID, f.Limit = 0, pollPage
	ctx := r.Context()
	last, err := s.startID(ctx, r, f)
	if err != nil {
		return err
	}
	rc := http.NewResponseController(w)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	send := func(event, id string, v any) error {
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		rc.SetWriteDeadline(time.Now().Add(writeSlack)) // not every writer supports deadlines; then the server's stand
		if id != "" {
			if _, err := fmt.Fprintf(w, "id: %s\n", id); err != nil {
				return err
			}
		}
		if _, err := fmt.Fprintf(w, "event: %s\ndata: %s\n\n", event, b); err != nil {
			return err
		}
		return rc.Flush()
	}
	if _, err := fmt.Fprint(w, "retry: 1000\n\n"); err != nil {
		return nil
	}
	if err := s.sendState(ctx, send); err != nil {
		return nil
	}
	poll := time.NewTicker(s.opts.Poll)
	defer poll.Stop()
	refresh := time.NewTicker(s.opts.Refresh)
	defer refresh.Stop()
	end := time.NewTimer(streamLifetime)
	defer end.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-s.opts.Stop:
			return nil
		case <-end.C:
			return nil
		case <-refresh.C:
			if err := s.sendState(ctx, send); err != nil {
				return nil
			}
		case <-poll.C:
			rows, more, err := s.newMessages(ctx, f, last)
			if err != nil {
				if ctx.Err() == nil {
					s.log.Warn("dashboard: live stream poll failed", "err", err)
				}
				continue
			}
			for _, m := range rows {
				if err := send("message", strconv.FormatInt(m.ID, 10), m); err != nil {
					return nil
				}
				last = m.ID
			}
			if more {
				if err := send("more", "", struct{}{}); err != nil {
					return nil
				}
			}
		}
	}
}

// startID is the ID above which the stream sends messages: the browser's
// Last-Event-ID when it reconnects, the page's newest (?after=) when it
// connects, else the newest message now.
func (s *server) startID(ctx context.Context, r *http.Request, f journal.MessageFilter) (int64, error) {
	for _, v := range []string{r.Header.Get("Last-Event-ID"), r.URL.Query().Get("after")} {
		if v == "" {
			continue
		}
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id < 0 {
			return 0, errorf(http.StatusBadRequest, "%q is not a message ID.", v)
		}
		return id, nil
	}
	f.Limit = 1
	list, err := s.opts.Engine.Journal().Messages(ctx, f)
	if err != nil || len(list) == 0 {
		return 0, err
	}
	return list[0].ID, nil
}

// newMessages returns the messages matching f with IDs above last, oldest
// first; more says that there were more than a poll reads, the oldest of
// which are left out.
func (s *server) newMessages(ctx context.Context, f journal.MessageFilter, last int64) (rows []messageRow, more bool, err error) {
	j := s.opts.Engine.Journal()
	var found []messageRow
	for page := 0; ; page++ {
		list, err := j.Messages(ctx, f)
		if err != nil {
			return nil, false, err
		}
		reached := len(list) < f.Limit
		for _, m := range list {
			if m.ID <= last {
				reached = true
				break
			}
			found = append(found, rowOf(m))
		}
		// IDs grow by one: when the oldest read is the one after last,
		// nothing was skipped.
		if reached || list[len(list)-1].ID-1 <= last {
			break
		}
		if page == pollPages-1 {
			more = true
			break
		}
		f.BeforeID = list[len(list)-1].ID
	}
	for i, k := 0, len(found)-1; i < k; i, k = i+1, k-1 {
		found[i], found[k] = found[k], found[i]
	}
	return found, more, nil
}

// sendState sends the channels and the alerts.
func (s *server) sendState(ctx context.Context, send func(event, id string, v any) error) error {
	list, err := s.channelViews(ctx, false)
	if err != nil {
		if ctx.Err() == nil {
			s.log.Warn("dashboard: live stream state failed", "err", err)
		}
		return nil
	}
	if err := send("channels", "", list); err != nil {
		return err
	}
	alerts := []liveAlert{}
	if s.opts.Alerts != nil {
		for _, a := range s.opts.Alerts.Active() {
			alerts = append(alerts, liveAlert{Rule: a.Rule, Severity: a.Severity, Channel: a.Channel, Destination: a.Destination,
				Message: a.Message, Since: formatTime(a.Since)})
		}
	}
	return send("alerts", "", alerts)
}
