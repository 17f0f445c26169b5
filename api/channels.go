package api

import (
	"net/http"
	"time"
)

// channels lists the running channels, each destination with its queue.
func (s *server) channels(w http.ResponseWriter, r *http.Request) error {
	if err := noParams(r); err != nil {
		return err
	}
	stats, err := s.e.Journal().Queues(r.Context())
	if err != nil {
		return err
	}
	type key struct{ channel, destination string }
	queues := make(map[key]Queue, len(stats))
	now := time.Now()
	for _, q := range stats {
		queues[key{q.Channel, q.Destination}] = queueOf(q, now)
	}
	out := ChannelList{Channels: []Channel{}}
	for _, info := range s.e.Channels() {
		c := Channel{Name: info.Name, Source: info.Source, ConfigVersion: info.ConfigVersion, Destinations: []Queue{}}
		var oldest time.Time
		for _, d := range info.Destinations {
			q, ok := queues[key{info.Name, d}]
			if !ok {
				q = Queue{Channel: info.Name, Destination: d}
			}
			c.Destinations = append(c.Destinations, q)
			c.Pending += q.Pending
			c.Dead += q.Dead
			if !q.OldestPending.IsZero() && (oldest.IsZero() || q.OldestPending.Before(oldest)) {
				oldest = q.OldestPending
			}
		}
		if !oldest.IsZero() {
			q := Queue{}
			q.setOldest(oldest, now)
			c.OldestPending, c.OldestPendingAgeSeconds = q.OldestPending, q.OldestPendingAgeSeconds
		}
		out.Channels = append(out.Channels, c)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// queues lists every destination queue holding pending or dead deliveries,
// including those of channels no longer configured.
func (s *server) queues(w http.ResponseWriter, r *http.Request) error {
	if err := noParams(r); err != nil {
		return err
	}
	stats, err := s.e.Journal().Queues(r.Context())
	if err != nil {
		return err
	}
	out := QueueList{Queues: make([]Queue, 0, len(stats))}
	now := time.Now()
	for _, q := range stats {
		out.Queues = append(out.Queues, queueOf(q, now))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// config describes the running configuration and the ones before it.
func (s *server) config(w http.ResponseWriter, r *http.Request) error {
	if err := noParams(r); err != nil {
		return err
	}
	out := ConfigInfo{Files: []string{}, History: []Applied{}}
	if cfg := s.e.Config(); cfg != nil {
		out.Version, out.LoadedAt = cfg.Version.Hash, utc(cfg.Version.LoadedAt)
		out.Files = append(out.Files, cfg.Files...)
	}
	for _, a := range s.e.History() {
		out.History = append(out.History, appliedOf(a))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// noParams refuses a query string on an endpoint that takes none.
func noParams(r *http.Request) error {
	p := params{v: r.URL.Query()}
	p.only()
	return p.err
}
