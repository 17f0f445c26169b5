package api

import (
	"fmt"
	"net/http"
	"time"

	"github.com/plexus-health/plexus/engine/journal"
	"github.com/plexus-health/plexus/engine/node"
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
	queues := queuesByName(stats, time.Now())
	out := ChannelList{Channels: []Channel{}}
	for _, info := range s.e.Channels() {
		out.Channels = append(out.Channels, channelOf(info, queues))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// control returns the handler of one channel action; it answers the
// channel as it is afterwards.
func (s *server) control(action string) func(w http.ResponseWriter, r *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := noParams(r); err != nil {
			return err
		}
		name := r.PathValue("name")
		if err := s.e.Control(r.Context(), name, action); err != nil {
			return err
		}
		stats, err := s.e.Journal().Queues(r.Context())
		if err != nil {
			return err
		}
		for _, info := range s.e.Channels() {
			if info.Name == name {
				writeJSON(w, http.StatusOK, channelOf(info, queuesByName(stats, time.Now())))
				return nil
			}
		}
		// A reload removed it in between.
		return fmt.Errorf("channel %s: %w", name, node.ErrUnknownChannel)
	}
}

// queueKey names a destination queue.
type queueKey struct{ channel, destination string }

// queuesByName indexes queue statistics by channel and destination.
func queuesByName(stats []journal.QueueStats, now time.Time) map[queueKey]Queue {
	queues := make(map[queueKey]Queue, len(stats))
	for _, q := range stats {
		queues[queueKey{q.Channel, q.Destination}] = queueOf(q, now)
	}
	return queues
}

// channelOf describes a channel with the queues of its destinations.
func channelOf(info node.ChannelInfo, queues map[queueKey]Queue) Channel {
	c := Channel{Name: info.Name, Source: info.Source, ConfigVersion: info.ConfigVersion, State: info.State, Destinations: []Queue{}}
	var oldest time.Time
	for _, d := range info.Destinations {
		q, ok := queues[queueKey{info.Name, d}]
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
		q.setOldest(oldest, time.Now())
		c.OldestPending, c.OldestPendingAgeSeconds = q.OldestPending, q.OldestPendingAgeSeconds
	}
	return c
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
