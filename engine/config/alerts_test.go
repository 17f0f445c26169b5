package config

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

// alertChannels are two channels for the rules of these tests to name.
const alertChannels = `
channels:
  - name: adt-in
    source: {type: test, listen: "127.0.0.1:0"}
    destinations:
      - {name: ehr, type: test, address: a}
      - {name: lab, type: test, address: b}
  - name: orm-in
    source: {type: test, listen: "127.0.0.1:0"}
    destinations:
      - {name: billing, type: test, address: c}
`

func loadAlerts(t *testing.T, section string) (*Config, error) {
	t.Helper()
	return load([]source{{"c.yaml", []byte("version: 1\n" + section + "\n" + alertChannels)}}, testRegistry(nil), testTime)
}

func TestAlertsSection(t *testing.T) {
	cases := []struct {
		name string
		yaml string
		want Alerts
	}{
		{"no section", "", Alerts{Interval: DefaultAlertInterval}},
		{"empty section", "alerts: {}", Alerts{Interval: DefaultAlertInterval}},
		{"every kind with defaults", `
alerts:
  interval: 30s
  rules:
    - {name: errors, kind: error_rate, threshold: 0.05}
    - {name: dead, kind: dead_letters, channel: adt-in, destination: lab, threshold: 1, window: 1h, for: 2m, severity: critical}
    - {name: depth, kind: queue_depth, threshold: 500}
    - {name: age, kind: queue_age, destination: billing, threshold: 10m}
    - {name: quiet, kind: no_traffic, channel: orm-in, threshold: 1d}
    - {name: failing, kind: destination_failing}`,
			Alerts{Interval: 30 * time.Second, Rules: []AlertRule{
				{Name: "errors", Kind: AlertErrorRate, Threshold: 0.05, Window: DefaultAlertWindow, Severity: SeverityWarning},
				{Name: "dead", Kind: AlertDeadLetters, Channel: "adt-in", Destination: "lab", Threshold: 1, Window: time.Hour, For: 2 * time.Minute, Severity: SeverityCritical},
				{Name: "depth", Kind: AlertQueueDepth, Threshold: 500, Severity: SeverityWarning},
				{Name: "age", Kind: AlertQueueAge, Destination: "billing", Threshold: 600, Severity: SeverityWarning},
				{Name: "quiet", Kind: AlertNoTraffic, Channel: "orm-in", Threshold: 86400, Severity: SeverityWarning},
				{Name: "failing", Kind: AlertDestinationFailing, Threshold: 1, Window: DefaultAlertWindow, Severity: SeverityWarning},
			}}},
		{"webhook", `
alerts:
  webhook:
    url: https://ops.example/hooks/plexus
    headers: {Authorization: "Bearer abc"}`,
			Alerts{Interval: DefaultAlertInterval, Webhook: &Webhook{URL: "https://ops.example/hooks/plexus",
				Headers: map[string]string{"Authorization": "Bearer abc"}, Timeout: DefaultWebhookTimeout}}},
	}
	for _, tc := range cases {
		cfg, err := loadAlerts(t, tc.yaml)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if !reflect.DeepEqual(cfg.Alerts, tc.want) {
			t.Errorf("%s:\n got %+v\nwant %+v", tc.name, cfg.Alerts, tc.want)
		}
	}
	cfg, err := loadAlerts(t, "alerts:\n  rules:\n    - {name: age, kind: queue_age, threshold: 90s}")
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.Alerts.Rules[0].Threshold.Duration(); got != 90*time.Second {
		t.Errorf("Threshold.Duration: %v", got)
	}
}

func TestAlertsProblems(t *testing.T) {
	rule := func(fields string) string { return "alerts:\n  rules:\n    - {" + fields + "}" }
	cases := []struct {
		name    string
		yaml    string
		problem string // the field path and message, as in the error
	}{
		{"interval too short", "alerts: {interval: 100ms}", "alerts.interval: must be from 1s to 1h0m0s"},
		{"unknown field", "alerts: {intervall: 10s}", "alerts.intervall: unknown field (did you mean interval?)"},
		{"rule without name", rule("kind: error_rate, threshold: 0.1"), "alerts.rules[0].name: required"},
		{"bad name", rule("name: Bad Name, kind: error_rate, threshold: 0.1"), `alerts.rules[0].name: "Bad Name" is not a valid name`},
		{"duplicate names", "alerts:\n  rules:\n    - {name: a, kind: error_rate, threshold: 0.1}\n    - {name: a, kind: queue_depth, threshold: 5}",
			`alerts.rules[1].name: rule "a" is already defined at c.yaml:4:14`},
		{"no kind", rule("name: a, threshold: 1"), "alerts.rules[0].kind: required (one of error_rate, dead_letters, queue_depth, queue_age, no_traffic, destination_failing)"},
		{"unknown kind", rule("name: a, kind: latency, threshold: 1"), `alerts.rules[0].kind: "latency" is not one of error_rate`},
		{"unknown channel", rule("name: a, kind: error_rate, channel: nope, threshold: 0.1"), `alerts.rules[0].channel: no channel named "nope" in the configuration`},
		{"unknown destination of the channel", rule("name: a, kind: queue_depth, channel: adt-in, destination: billing, threshold: 5"),
			`alerts.rules[0].destination: channel "adt-in" has no destination named "billing"`},
		{"unknown destination anywhere", rule("name: a, kind: queue_depth, destination: nope, threshold: 5"),
			`alerts.rules[0].destination: no channel has a destination named "nope"`},
		{"destination on a channel rule", rule("name: a, kind: error_rate, destination: ehr, threshold: 0.1"),
			"alerts.rules[0].destination: not used by error_rate, which concerns the whole channel"},
		{"negative threshold", rule("name: a, kind: queue_depth, threshold: -1"), "alerts.rules[0].threshold: must not be negative"},
		{"zero threshold", rule("name: a, kind: dead_letters, threshold: 0"), "alerts.rules[0].threshold: must be more than 0"},
		{"negative duration", rule("name: a, kind: queue_age, threshold: -5m"), "alerts.rules[0].threshold: must be a number or a duration"},
		{"ratio above 1", rule("name: a, kind: error_rate, threshold: 5"), "alerts.rules[0].threshold: must be at most 1"},
		{"missing threshold", rule("name: a, kind: queue_depth"), "alerts.rules[0].threshold: required (a count, at least 1)"},
		{"number for a duration kind", rule("name: a, kind: no_traffic, threshold: 600"), "alerts.rules[0].threshold: must be a duration for no_traffic (for example 10m), not a number"},
		{"duration for a count kind", rule("name: a, kind: queue_depth, threshold: 10m"), "alerts.rules[0].threshold: must be a number for queue_depth"},
		{"not a number", rule("name: a, kind: queue_depth, threshold: lots"), `alerts.rules[0].threshold: must be a number or a duration: "lots" is not a duration`},
		{"infinite", rule("name: a, kind: queue_depth, threshold: .inf"), "alerts.rules[0].threshold: must be a finite number"},
		{"list threshold", rule("name: a, kind: queue_depth, threshold: [1]"), "alerts.rules[0].threshold: must be a number or a duration, not a list"},
		{"window on a queue rule", rule("name: a, kind: queue_depth, threshold: 5, window: 5m"), "alerts.rules[0].window: not used by queue_depth"},
		{"window too long", rule("name: a, kind: dead_letters, threshold: 5, window: 7h"), "alerts.rules[0].window: must be at most 6h0m0s"},
		{"window zero", rule("name: a, kind: dead_letters, threshold: 5, window: 0"), "alerts.rules[0].window: must be more than 0"},
		{"negative for", rule("name: a, kind: dead_letters, threshold: 5, for: -1m"), "alerts.rules[0].for:"},
		{"bad severity", rule("name: a, kind: dead_letters, threshold: 5, severity: page"), `alerts.rules[0].severity: "page" is not one of warning, critical`},
		{"rule not a mapping", "alerts:\n  rules:\n    - just-a-name", "alerts.rules[0]: must be a mapping"},
		{"webhook without url", "alerts: {webhook: {timeout: 5s}}", "alerts.webhook.url: required"},
		{"webhook not http", "alerts: {webhook: {url: 'ftp://ops.example/x'}}", `alerts.webhook.url: "ftp://ops.example/x" is not an http:// or https:// URL with a host`},
		{"webhook timeout", "alerts: {webhook: {url: 'https://ops.example/x', timeout: 1h}}", "alerts.webhook.timeout: must be more than 0 and at most 5m0s"},
		{"webhook header name", "alerts: {webhook: {url: 'https://ops.example/x', headers: {'Bad Header': x}}}", "alerts.webhook.headers.Bad Header: not a valid HTTP header name"},
		{"webhook header the client sets", "alerts: {webhook: {url: 'https://ops.example/x', headers: {host: x}}}", "alerts.webhook.headers.host: not a valid HTTP header name"},
	}
	for _, tc := range cases {
		_, err := loadAlerts(t, tc.yaml)
		var ve *ValidationError
		if !errors.As(err, &ve) {
			t.Errorf("%s: error %v, want a ValidationError", tc.name, err)
			continue
		}
		if !strings.Contains(err.Error(), tc.problem) {
			t.Errorf("%s: error\n%v\nwant one with %q", tc.name, err, tc.problem)
		}
	}
}

// TestAlertsNeverQuoteSecrets: a webhook URL's password and header values
// are secrets; no problem may show them.
func TestAlertsNeverQuoteSecrets(t *testing.T) {
	cases := []string{
		"alerts: {webhook: {url: 'ftp://ops:hunter2secret@ops.example/x'}}",
		"alerts: {webhook: {url: 'https://ops:hunter2secret@ops.example:bad/x'}}",
		"alerts: {webhook: {url: 'https://ops:hunter2secret@ops.example/x', timeout: 0s}}",
		"alerts: {webhook: {url: 'https://ops.example/x', headers: {Authorization: \"Bearer hunter2secret\\r\\nX: y\"}}}",
		"alerts: {webhook: {url: 'https://ops.example/x', headers: {'Bad:Name': hunter2secret}}}",
	}
	for _, yaml := range cases {
		_, err := loadAlerts(t, yaml)
		if err == nil {
			t.Errorf("%s: accepted", yaml)
			continue
		}
		if strings.Contains(err.Error(), "hunter2secret") {
			t.Errorf("%s: the problem quotes the secret: %v", yaml, err)
		}
	}
}

func FuzzThreshold(f *testing.F) {
	for _, s := range []string{"0.05", "10m", "1d2h", "-1", ".nan", "[1]", "~", "'5'", "1e400"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if strings.ContainsAny(s, "\n\r") {
			return
		}
		cfg, err := loadAlerts(t, "alerts:\n  rules:\n    - name: a\n      kind: queue_age\n      threshold: "+s)
		if err != nil {
			return
		}
		if th := cfg.Alerts.Rules[0].Threshold; !(th > 0) {
			t.Fatalf("%q accepted as threshold %v", s, th)
		}
	})
}
