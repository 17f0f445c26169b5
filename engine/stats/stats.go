// Package stats keeps a short in-memory history of what each channel did,
// interval by interval, for the dashboard's charts and the alert rules.
package stats

import "time"

// Sample is what one channel (or one destination of it) did in one
// interval ending at At.
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
