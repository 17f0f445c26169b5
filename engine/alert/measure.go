package alert

import (
	"fmt"
	"sort"
	"time"

	"github.com/plexus-health/plexus/engine/config"
	"github.com/plexus-health/plexus/engine/journal"
	"github.com/plexus-health/plexus/engine/stats"
)

// measure computes rule values for one evaluation; the Evaluator's lock is
// held.
type measure struct {
	e      *Evaluator
	now    time.Time
	queues map[string][]journal.QueueStats // by channel
}

// destinations lists the destinations of a channel a per-destination rule
// looks at: those with history and those with queued deliveries, or only
// want when the rule names one.
func (m *measure) destinations(channel, want string) []string {
	if want != "" {
		return []string{want}
	}
	set := map[string]bool{}
	if h := m.e.src.History; h != nil {
		for _, d := range h.Destinations(channel) {
			set[d] = true
		}
	}
	for _, q := range m.queues[channel] {
		set[q.Destination] = true
	}
	out := make([]string, 0, len(set))
	for d := range set {
		out = append(out, d)
	}
	sort.Strings(out)
	return out
}

// window sums the samples of the rule's window.
func (m *measure) window(r *config.AlertRule, channel, destination string) stats.Sample {
	var sum stats.Sample
	h := m.e.src.History
	if h == nil {
		return sum
	}
	since := m.now.Add(-r.Window)
	var samples []stats.Sample
	if destination == "" {
		samples = h.Series(channel, since)
	} else {
		samples = h.DestinationSeries(channel, destination, since)
	}
	for _, s := range samples {
		if s.At.After(m.now) {
			continue // a sample newer than the evaluation time
		}
		sum.Received += s.Received
		sum.Errored += s.Errored
		sum.Delivered += s.Delivered
		sum.Failed += s.Failed
		sum.DeadLettered += s.DeadLettered
	}
	return sum
}

// queue returns the queue of a destination; the zero QueueStats when it
// holds nothing.
func (m *measure) queue(channel, destination string) journal.QueueStats {
	for _, q := range m.queues[channel] {
		if q.Destination == destination {
			return q
		}
	}
	return journal.QueueStats{}
}

// rule measures rule r for a channel (and destination), returning the
// value, whether the rule holds, and a line for people.
func (m *measure) rule(r *config.AlertRule, channel, destination string) (value float64, holds bool, msg string) {
	th := float64(r.Threshold)
	switch r.Kind {
	case config.AlertErrorRate:
		w := m.window(r, channel, "")
		if w.Received == 0 {
			return 0, false, ""
		}
		value = min(1, float64(w.Errored)/float64(w.Received))
		msg = fmt.Sprintf("%s of %d messages errored in the last %v (threshold %s)", percent(value), w.Received, r.Window, percent(th))
		return value, value >= th, msg
	case config.AlertDeadLetters:
		w := m.window(r, channel, destination)
		value = float64(w.DeadLettered)
		msg = fmt.Sprintf("%d deliveries dead-lettered in the last %v (threshold %g)", w.DeadLettered, r.Window, th)
		return value, value >= th, msg
	case config.AlertDestinationFailing:
		w := m.window(r, channel, destination)
		value = float64(w.Failed)
		msg = fmt.Sprintf("%d delivery attempts failed and none succeeded in the last %v", w.Failed, r.Window)
		return value, w.Delivered == 0 && value >= th, msg
	case config.AlertQueueDepth:
		q := m.queue(channel, destination)
		value = float64(q.Pending)
		msg = fmt.Sprintf("%d deliveries pending (threshold %g)", q.Pending, th)
		return value, value >= th, msg
	case config.AlertQueueAge:
		q := m.queue(channel, destination)
		if q.Pending == 0 || q.OldestPending.IsZero() {
			return 0, false, ""
		}
		age := max(0, m.now.Sub(q.OldestPending))
		value = age.Seconds()
		msg = fmt.Sprintf("the oldest pending delivery is %v old (threshold %v)", age.Round(time.Second), r.Threshold.Duration())
		return value, value >= th, msg
	case config.AlertNoTraffic:
		since := m.e.seen[channel]
		if t, ok := m.e.traffic[channel]; ok && t.at.After(since) {
			since = t.at
		}
		quiet := max(0, m.now.Sub(since))
		value = quiet.Seconds()
		msg = fmt.Sprintf("nothing received for %v (threshold %v)", quiet.Round(time.Second), r.Threshold.Duration())
		return value, value >= th, msg
	}
	return 0, false, ""
}

// percent formats a ratio as a percentage.
func percent(r float64) string { return fmt.Sprintf("%.3g%%", r*100) }
