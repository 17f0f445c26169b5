// Package alert evaluates the alert rules of the configuration against the
// node's channels and queues, and notifies a webhook and the log when an
// alert fires and when it resolves.
package alert

import "time"

// Alert is one firing alert: a rule that holds now for one channel (and
// destination, for queue rules).
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
}
