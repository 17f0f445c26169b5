package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/plexus-health/plexus/engine/journal"
	"github.com/plexus-health/plexus/platform/auth"
)

// deadLetterPage caps the dead letters listed per page.
const deadLetterPage = 200

// maxReplaySelection caps the deliveries one selection may replay.
const maxReplaySelection = 1000

// dlqData is the dead-letter page.
type dlqData struct {
	Channel, Destination string
	Queues               []dlqQueue
	Shown                int
}

// dlqQueue is one destination's dead letters.
type dlqQueue struct {
	Channel, Destination string
	Dead                 int64 // all of them, of which Letters lists the newest
	Letters              []journal.Delivery
}

func (s *server) deadLetters(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	d := dlqData{Channel: strings.TrimSpace(q.Get("channel")), Destination: strings.TrimSpace(q.Get("destination"))}
	ctx := r.Context()
	j := s.opts.Engine.Journal()
	stats, err := j.Queues(ctx)
	if err != nil {
		return err
	}
	letters, err := j.DeadLetters(ctx, d.Channel, d.Destination, deadLetterPage)
	if err != nil {
		return err
	}
	d.Shown = len(letters)
	index := map[[2]string]int{}
	for _, st := range stats {
		if st.Dead == 0 || d.Channel != "" && st.Channel != d.Channel || d.Destination != "" && st.Destination != d.Destination {
			continue
		}
		index[[2]string{st.Channel, st.Destination}] = len(d.Queues)
		d.Queues = append(d.Queues, dlqQueue{Channel: st.Channel, Destination: st.Destination, Dead: st.Dead})
	}
	for _, l := range letters {
		k := [2]string{l.Channel, l.Destination}
		i, ok := index[k]
		if !ok {
			// Dead-lettered after the queue counts were read.
			i = len(d.Queues)
			index[k] = i
			d.Queues = append(d.Queues, dlqQueue{Channel: l.Channel, Destination: l.Destination})
		}
		d.Queues[i].Letters = append(d.Queues[i].Letters, l)
		d.Queues[i].Dead = max(d.Queues[i].Dead, int64(len(d.Queues[i].Letters)))
	}
	p, _ := auth.FromContext(r.Context())
	s.render(w, r, http.StatusOK, "dlq.html", "Dead letters", p, d)
	return nil
}

// replay puts dead letters back in their queues: every one of a
// destination (channel and destination fields), or the deliveries
// selected (delivery fields).
func (s *server) replay(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	if err := r.ParseForm(); err != nil {
		return errorf(http.StatusBadRequest, "The form could not be read.")
	}
	ctx := r.Context()
	j := s.opts.Engine.Journal()
	var n int64
	switch ids := r.PostForm["delivery"]; {
	case len(ids) > 0:
		if len(ids) > maxReplaySelection {
			return errorf(http.StatusBadRequest, "Select at most %d dead letters at once, or replay the whole destination.", maxReplaySelection)
		}
		for _, v := range ids {
			id, err := strconv.ParseInt(v, 10, 64)
			if err != nil || id <= 0 {
				return errorf(http.StatusBadRequest, "%q is not a delivery ID.", v)
			}
			k, err := j.Replay(ctx, journal.ReplayFilter{DeliveryID: id})
			if err != nil {
				return err
			}
			n += k
		}
		s.log.Info("dead letters replayed from the dashboard", "selected", len(ids), "replayed", n)
	default:
		channel, destination := r.PostForm.Get("channel"), r.PostForm.Get("destination")
		if channel == "" || destination == "" {
			http.Redirect(w, r, "/ui/dlq?done=nothing", http.StatusSeeOther)
			return nil
		}
		var err error
		if n, err = j.Replay(ctx, journal.ReplayFilter{Channel: channel, Destination: destination}); err != nil {
			return err
		}
		s.log.Info("dead letters replayed from the dashboard", "channel", channel, "destination", destination, "replayed", n)
	}
	http.Redirect(w, r, "/ui/dlq?done=replayed&n="+strconv.FormatInt(n, 10), http.StatusSeeOther)
	return nil
}
