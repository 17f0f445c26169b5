// Package alert evaluates the alert rules of the configuration against the
// node's channels and queues, and notifies a webhook and the log when an
// alert fires and when it resolves.
//
// An Evaluator measures each rule every interval for every channel (and
// destination) it applies to. A rule that holds for its "for" duration
// fires an alert; the alert resolves at the first evaluation where the
// rule no longer holds, or its channel or destination is gone. Each
// change is logged and posted to the webhook by a bounded queue that
// retries with backoff and never makes evaluation wait.
package alert

import "time"

// Alert is one firing alert: a rule that holds now for one channel (and
// destination, for queue rules).
//
// Value and Threshold are in the rule's terms: a ratio (error_rate), a
// count (dead_letters, queue_depth, destination_failing) or seconds
// (queue_age, no_traffic). Since is when the alert fired.
type Alert struct {
	Rule        string // the rule's name
	Kind        string // error_rate, dead_letters, queue_depth, queue_age, no_traffic, destination_failing
	Severity    string // warning or critical
	Channel     string
	Destination string // empty for channel-wide rules
	Since       time.Time
	Value       float64 // the measured value when last evaluated
	Threshold   float64
	Message     string // one line for people; never patient data

	// Resolved is when the alert stopped holding; zero while it fires.
	// Only resolved notifications carry it.
	Resolved time.Time
}
