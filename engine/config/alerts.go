package config

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Alert defaults and limits.
const (
	DefaultAlertInterval  = 15 * time.Second
	DefaultAlertWindow    = 5 * time.Minute
	DefaultWebhookTimeout = 10 * time.Second
	// MaxAlertWindow is the longest window a rule may measure: the history
	// the node keeps of each channel (package engine/stats).
	MaxAlertWindow   = 6 * time.Hour
	minAlertInterval = time.Second
	maxAlertInterval = time.Hour
	maxWebhookWait   = 5 * time.Minute
)

// AlertKind is what an alert rule measures.
type AlertKind string

// Alert kinds. ErrorRate and NoTraffic concern a channel; the others
// concern each destination of a channel.
const (
	// AlertErrorRate is errored/received over the window (a ratio from 0
	// to 1); a window without traffic does not fire.
	AlertErrorRate AlertKind = "error_rate"
	// AlertDeadLetters is the dead letters of a destination over the
	// window.
	AlertDeadLetters AlertKind = "dead_letters"
	// AlertQueueDepth is a destination's pending deliveries now.
	AlertQueueDepth AlertKind = "queue_depth"
	// AlertQueueAge is the age of a destination's oldest pending delivery
	// now; its threshold is a duration.
	AlertQueueAge AlertKind = "queue_age"
	// AlertNoTraffic is how long a channel has received nothing; its
	// threshold is a duration. It fires only for a channel that has been
	// running at least that long.
	AlertNoTraffic AlertKind = "no_traffic"
	// AlertDestinationFailing is the failed delivery attempts of a
	// destination over the window when it delivered nothing in it.
	AlertDestinationFailing AlertKind = "destination_failing"
)

// AlertKinds lists the kinds in the order the documentation gives them.
var AlertKinds = []AlertKind{AlertErrorRate, AlertDeadLetters, AlertQueueDepth, AlertQueueAge, AlertNoTraffic, AlertDestinationFailing}

// PerDestination reports whether the kind is measured for each destination
// (true) or for the channel as a whole.
func (k AlertKind) PerDestination() bool {
	return k == AlertDeadLetters || k == AlertQueueDepth || k == AlertQueueAge || k == AlertDestinationFailing
}

// Windowed reports whether the kind measures over a rule's window; the
// others measure the state now (queues) or have their duration as the
// threshold (no_traffic).
func (k AlertKind) Windowed() bool {
	return k == AlertErrorRate || k == AlertDeadLetters || k == AlertDestinationFailing
}

// Timed reports whether the kind's threshold is a duration.
func (k AlertKind) Timed() bool { return k == AlertQueueAge || k == AlertNoTraffic }

// Alert severities.
const (
	SeverityWarning  = "warning"
	SeverityCritical = "critical"
)

// Alerts is the top-level "alerts" section: the rules the node evaluates
// against its channels and queues, and where it sends notifications.
//
//	alerts:
//	  interval: 15s
//	  webhook: {url: https://ops.example/hooks/plexus, timeout: 10s}
//	  rules:
//	    - {name: adt-errors, kind: error_rate, channel: adt-in, threshold: 0.05, window: 5m, for: 1m}
type Alerts struct {
	// Interval is the time between two evaluations; 1s to 1h, default 15s.
	Interval time.Duration `yaml:"interval"`
	// Webhook, when set, receives a JSON notification when an alert fires
	// and when it resolves; the log always does.
	Webhook *Webhook `yaml:"webhook"`
	// Rules are evaluated in order; their names are unique.
	Rules []AlertRule `yaml:"rules"`
}

// Webhook is where alert notifications are posted.
type Webhook struct {
	// URL is an http:// or https:// URL. Any password in it is never
	// quoted in a problem.
	URL string `yaml:"url"`
	// Headers are added to each request (for example Authorization);
	// their values are never quoted in a problem.
	Headers map[string]string `yaml:"headers"`
	// Timeout bounds one request; up to 5m, default 10s.
	Timeout time.Duration `yaml:"timeout"`
}

// AlertRule is one alert rule. It applies to every channel (and, for the
// kinds measured per destination, every destination) it names, or to all
// of them when it names none; each is a separate alert.
type AlertRule struct {
	Name        string    `yaml:"name"`
	Kind        AlertKind `yaml:"kind"`
	Channel     string    `yaml:"channel"`     // empty: every channel
	Destination string    `yaml:"destination"` // empty: every destination; per-destination kinds only
	// Threshold is the value at or above which the rule holds: a ratio for
	// error_rate, a count for dead_letters, queue_depth and
	// destination_failing (default 1), and for queue_age and no_traffic a
	// duration, written as one ("10m") and held in seconds.
	Threshold Threshold `yaml:"threshold"`
	// Window is the period error_rate, dead_letters and
	// destination_failing measure; up to 6h, default 5m.
	Window time.Duration `yaml:"window"`
	// For is how long the rule must hold before the alert fires; default 0
	// (at the first evaluation that finds it).
	For time.Duration `yaml:"for"`
	// Severity is warning (the default) or critical.
	Severity string `yaml:"severity"`
}

// Threshold is a rule's threshold: a number, or a duration in seconds.
type Threshold float64

// Duration returns the threshold of a timed kind as a duration.
func (t Threshold) Duration() time.Duration { return time.Duration(float64(t) * float64(time.Second)) }

// decodeNode accepts a number or a duration; checkAlerts then checks that
// the form suits the rule's kind.
func (t *Threshold) decodeNode(d *decoder, n *yaml.Node, path string) {
	if n.Kind != yaml.ScalarNode || isNull(n) {
		d.problem(n, path, "must be a number or a duration, not %s", describe(n))
		return
	}
	switch n.ShortTag() {
	case "!!int", "!!float":
		var f float64
		if err := n.Decode(&f); err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			d.problem(n, path, "must be a finite number, not %s", describe(n))
			return
		}
		*t = Threshold(f)
	case "!!str":
		dur, err := parseDuration(n.Value)
		if err != nil {
			d.problem(n, path, "must be a number or a duration: %v", err)
			return
		}
		*t = Threshold(dur.Seconds())
	default:
		d.problem(n, path, "must be a number or a duration, not %s", describe(n))
	}
}

// checkAlerts checks the "alerts" section and fills in its defaults.
func checkAlerts(cfg *Config) {
	at, ok := cfg.sections["alerts"]
	a := &cfg.Alerts
	if !ok {
		a.Interval = DefaultAlertInterval
		return
	}
	d := at.dec
	switch {
	case !d.given("alerts.interval"):
		a.Interval = DefaultAlertInterval
	case a.Interval < minAlertInterval || a.Interval > maxAlertInterval:
		d.at("alerts.interval", "must be from %v to %v", minAlertInterval, maxAlertInterval)
	}
	if a.Webhook != nil {
		checkWebhook(d, a.Webhook)
	}
	names := map[string]int{}
	for i := range a.Rules {
		path := fmt.Sprintf("alerts.rules[%d]", i)
		if d.failed[path] {
			continue // not a mapping: reported
		}
		r := &a.Rules[i]
		if msg := badName(r.Name); msg != "" {
			if !d.failed[path+".name"] {
				d.at(path+".name", "%s", msg)
			}
		} else if first, dup := names[r.Name]; dup {
			d.at(path+".name", "rule %q is already defined at %s", r.Name, place{d, fmt.Sprintf("alerts.rules[%d].name", first)})
		} else {
			names[r.Name] = i
		}
		checkAlertRule(cfg, d, path, r)
	}
}

// checkAlertRule checks one rule and fills in its defaults.
func checkAlertRule(cfg *Config, d *decoder, path string, r *AlertRule) {
	given := func(key string) bool { return d.given(path + "." + key) }
	known := false
	for _, k := range AlertKinds {
		known = known || r.Kind == k
	}
	switch {
	case d.failed[path+".kind"]:
	case r.Kind == "":
		d.at(path+".kind", "required (one of %s)", kindList())
	case !known:
		d.at(path+".kind", "%q is not one of %s", r.Kind, kindList())
	}

	var ch *Channel
	if r.Channel != "" {
		if ch = cfg.Channel(r.Channel); ch == nil {
			d.at(path+".channel", "no channel named %q in the configuration", r.Channel)
		}
	}
	if r.Destination != "" {
		switch {
		case known && !r.Kind.PerDestination():
			d.at(path+".destination", "not used by %s, which concerns the whole channel", r.Kind)
		case ch != nil && !hasDestination(ch, r.Destination):
			d.at(path+".destination", "channel %q has no destination named %q", r.Channel, r.Destination)
		case r.Channel == "" && !anyHasDestination(cfg, r.Destination):
			d.at(path+".destination", "no channel has a destination named %q", r.Destination)
		}
	}

	if known {
		checkThreshold(d, path, r)
		switch {
		case !r.Kind.Windowed():
			if given("window") {
				d.at(path+".window", "not used by %s (only by %s, %s and %s)", r.Kind, AlertErrorRate, AlertDeadLetters, AlertDestinationFailing)
			}
		case !given("window"):
			if !d.failed[path+".window"] {
				r.Window = DefaultAlertWindow
			}
		case r.Window <= 0:
			d.at(path+".window", "must be more than 0")
		case r.Window > MaxAlertWindow:
			d.at(path+".window", "must be at most %v (the history kept of each channel)", MaxAlertWindow)
		}
	}

	switch {
	case !given("severity"):
		if !d.failed[path+".severity"] {
			r.Severity = SeverityWarning
		}
	case r.Severity != SeverityWarning && r.Severity != SeverityCritical:
		d.at(path+".severity", "%q is not one of %s, %s", r.Severity, SeverityWarning, SeverityCritical)
	}
}

// checkThreshold checks a rule's threshold against its kind.
func checkThreshold(d *decoder, path string, r *AlertRule) {
	tp := path + ".threshold"
	if d.failed[tp] {
		return
	}
	if !d.given(tp) {
		if r.Kind == AlertDestinationFailing {
			r.Threshold = 1
			return
		}
		d.at(tp, "required (%s)", thresholdForm(r.Kind))
		return
	}
	asDuration := d.node(tp).ShortTag() == "!!str"
	switch {
	case r.Kind.Timed() && !asDuration:
		d.at(tp, "must be a duration for %s (for example 10m), not a number", r.Kind)
	case !r.Kind.Timed() && asDuration:
		d.at(tp, "must be a number for %s (%s), not a duration", r.Kind, thresholdForm(r.Kind))
	case r.Threshold < 0:
		d.at(tp, "must not be negative")
	case r.Threshold == 0:
		d.at(tp, "must be more than 0")
	case r.Kind == AlertErrorRate && r.Threshold > 1:
		d.at(tp, "must be at most 1 (a ratio: 0.05 is 5%% of the messages received)")
	}
}

// thresholdForm says what a kind's threshold is, for problems.
func thresholdForm(k AlertKind) string {
	switch k {
	case AlertErrorRate:
		return "a ratio above 0 and at most 1, such as 0.05"
	case AlertQueueAge, AlertNoTraffic:
		return "a duration such as 10m"
	}
	return "a count, at least 1"
}

func kindList() string {
	names := make([]string, len(AlertKinds))
	for i, k := range AlertKinds {
		names[i] = string(k)
	}
	return strings.Join(names, ", ")
}

func hasDestination(ch *Channel, name string) bool {
	for _, d := range ch.Destinations {
		if d != nil && d.Name == name {
			return true
		}
	}
	return false
}

func anyHasDestination(cfg *Config, name string) bool {
	for _, ch := range cfg.Channels {
		if hasDestination(ch, name) {
			return true
		}
	}
	return false
}

// checkWebhook checks the webhook and fills in its defaults. No problem
// quotes a header's value or the URL's password.
func checkWebhook(d *decoder, w *Webhook) {
	const path = "alerts.webhook"
	if !d.failed[path+".url"] {
		if msg := badWebhookURL(w.URL); msg != "" {
			d.at(path+".url", "%s", msg)
		}
	}
	for _, name := range sortedKeys(w.Headers) {
		hp := path + ".headers." + name
		switch {
		case !validHeaderName(name):
			d.at(hp, "not a valid HTTP header name")
		case strings.ContainsAny(w.Headers[name], "\r\n\x00"):
			d.at(hp, "the value must not contain line breaks or NUL")
		}
	}
	switch {
	case !d.given(path + ".timeout"):
		if !d.failed[path+".timeout"] {
			w.Timeout = DefaultWebhookTimeout
		}
	case w.Timeout <= 0 || w.Timeout > maxWebhookWait:
		d.at(path+".timeout", "must be more than 0 and at most %v", maxWebhookWait)
	}
}

// badWebhookURL returns what is wrong with a webhook URL, or "". The
// message never holds the URL's password.
func badWebhookURL(raw string) string {
	if raw == "" {
		return "required (an http:// or https:// URL)"
	}
	u, err := url.Parse(raw)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // url.Error quotes the whole URL
		}
		return fmt.Sprintf("not a URL: %v", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return fmt.Sprintf("%q is not an http:// or https:// URL with a host", u.Redacted())
	}
	return ""
}

// validHeaderName reports whether name is an HTTP header field name (a
// token of RFC 9110), and not one the client sets itself.
func validHeaderName(name string) bool {
	if name == "" {
		return false
	}
	for _, c := range name {
		if c > 0x7e || c <= ' ' || strings.ContainsRune(`"(),/:;<=>?@[\]{}`, c) {
			return false
		}
	}
	switch http.CanonicalHeaderKey(name) {
	case "Content-Length", "Host", "Transfer-Encoding", "Connection":
		return false
	}
	return true
}
