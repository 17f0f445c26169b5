// Package stats keeps a short in-memory history of what each channel did,
// interval by interval, for the dashboard's charts and the alert rules.
//
// A Recorder gathers the channel series of a Prometheus registry (those of
// engine/channel.Metrics) every interval and stores, per channel and per
// (channel, destination), what changed since the previous gathering: the
// counts of the interval and latency quantiles estimated from the
// histogram buckets that moved. The registry stays the one source of the
// numbers; the Recorder only turns its running totals into a history.
package stats

import "time"

// Sample is what one channel (or one destination of it) did in one
// interval ending at At.
//
// In a channel's sample, Delivered, Failed and DeadLettered sum its
// destinations, and DeliveryP50/P95 merge their latencies. In a
// destination's sample the channel-wide fields (Received, Filtered,
// Errored, Duplicates, AckP50, AckP95) are zero.
type Sample struct {
	At       time.Time
	Interval time.Duration

	// Counts of the interval.
	Received     int64
	Filtered     int64
	Errored      int64
	Duplicates   int64
	Delivered    int64
	Failed       int64 // delivery attempts that failed
	DeadLettered int64

	// Latencies over the interval; zero when nothing was measured.
	AckP50, AckP95           time.Duration // receipt to the answer to the sender
	DeliveryP50, DeliveryP95 time.Duration // receipt to delivered
}

// add adds the counts of o to s; latencies are left alone.
func (s *Sample) add(o Sample) {
	s.Received += o.Received
	s.Filtered += o.Filtered
	s.Errored += o.Errored
	s.Duplicates += o.Duplicates
	s.Delivered += o.Delivered
	s.Failed += o.Failed
	s.DeadLettered += o.DeadLettered
}
