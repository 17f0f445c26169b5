package alert

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/plexus-health/plexus/engine/config"
	"github.com/plexus-health/plexus/engine/journal"
	"github.com/plexus-health/plexus/engine/stats"
)

// History is the recent history of the channels that rules measure; a
// *stats.Recorder is one. Its methods may be called concurrently with
// whatever updates it.
type History interface {
	Series(channel string, since time.Time) []stats.Sample
	DestinationSeries(channel, destination string, since time.Time) []stats.Sample
	Channels() []string
	Destinations(channel string) []string
	Totals(channel string) stats.Sample
}

// Queues reports the destination queues that hold pending or dead
// deliveries; a *journal.Journal is one.
type Queues interface {
	Queues(ctx context.Context) ([]journal.QueueStats, error)
}

var (
	_ History = (*stats.Recorder)(nil)
	_ Queues  = (*journal.Journal)(nil)
)

// Sources are what an Evaluator measures.
type Sources struct {
	History History
	// Queues is needed by queue_depth and queue_age rules; without it they
	// never fire.
	Queues Queues
	// Channels returns the names of the running channels. Rules apply to
	// these only, and no_traffic counts from when a channel first appears
	// here. When nil, the channels History has seen are used.
	Channels func() []string
}

// Options tune an Evaluator.
type Options struct {
	// Logger receives the firing and resolved lines and the webhook's
	// failures; slog.Default() when nil.
	Logger *slog.Logger
	// Registerer, when set, receives plexus_alerts_firing{rule} and
	// plexus_alert_notifications_dropped_total.
	Registerer prometheus.Registerer
	// Notify tunes the webhook sender.
	Notify NotifyOptions
}

// Evaluator evaluates alert rules and keeps the alerts that fire. Its
// methods may be called concurrently.
type Evaluator struct {
	src    Sources
	log    *slog.Logger
	firing *prometheus.GaugeVec
	notify *notifier

	evaluating sync.Mutex // one evaluation at a time
	wake       chan struct{}

	mu     sync.Mutex
	rules  config.Alerts
	states map[key]*state
	// seen is when each running channel was first listed; traffic is its
	// received count and when that last changed. Both drive no_traffic.
	seen    map[string]time.Time
	traffic map[string]mark
}

// key identifies one alert: a rule applied to one channel (and
// destination).
type key struct{ rule, channel, destination string }

// state is a rule that holds, pending until its "for" has passed, then
// firing.
type state struct {
	holdsSince time.Time
	firing     bool
	alert      Alert
}

// mark is a channel's received total and when it was last seen to change.
type mark struct {
	received int64
	at       time.Time
}

// New returns an Evaluator of rules. It starts the webhook sender, which
// Close stops; evaluation starts with Run (or Evaluate).
func New(rules config.Alerts, src Sources, opts Options) *Evaluator {
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	firing := prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "plexus_alerts_firing", Help: "Alerts firing now, by rule.",
	}, []string{"rule"})
	firing = register(opts.Registerer, firing)
	e := &Evaluator{
		src: src, log: log, firing: firing,
		notify: newNotifier(rules.Webhook, log, opts.Registerer, opts.Notify),
		wake:   make(chan struct{}, 1),
		rules:  rules, states: map[key]*state{}, seen: map[string]time.Time{}, traffic: map[string]mark{},
	}
	e.resetGauge(nil)
	return e
}

// register registers c with reg, or returns the collector registered
// before under the same name; c itself when reg is nil.
func register[C prometheus.Collector](reg prometheus.Registerer, c C) C {
	if reg == nil {
		return c
	}
	if err := reg.Register(c); err != nil {
		var are prometheus.AlreadyRegisteredError
		if errors.As(err, &are) {
			if existing, ok := are.ExistingCollector.(C); ok {
				return existing
			}
		}
	}
	return c
}

// Run evaluates every interval of the rules until ctx ends, starting at
// once. Apply changes the interval from the next evaluation on.
func (e *Evaluator) Run(ctx context.Context) {
	for {
		if err := e.Evaluate(ctx, time.Now()); err != nil && ctx.Err() == nil {
			e.log.Warn("evaluating alert rules", "err", err)
		}
		e.mu.Lock()
		interval := e.rules.Interval
		e.mu.Unlock()
		if interval <= 0 {
			interval = config.DefaultAlertInterval
		}
		t := time.NewTimer(interval)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-e.wake:
			t.Stop()
		case <-t.C:
		}
	}
}

// Close stops the webhook sender; notifications still waiting are
// dropped, and their count logged.
func (e *Evaluator) Close() { e.notify.Close() }

// Apply replaces the rules and the webhook, as on a configuration reload.
// Alerts of a rule that keeps its name and kind stay, pending or firing,
// and the next evaluation resolves those that no longer hold; alerts of
// rules that went away or changed kind resolve now.
func (e *Evaluator) Apply(rules config.Alerts) {
	e.mu.Lock()
	old := e.rules
	e.rules = rules
	now := time.Now()
	for k, s := range e.states {
		if r := ruleNamed(rules, k.rule); r == nil || string(r.Kind) != s.alert.Kind {
			e.resolve(k, s, now)
		}
	}
	e.resetGauge(&old)
	e.mu.Unlock()
	e.notify.setWebhook(rules.Webhook)
	select {
	case e.wake <- struct{}{}:
	default:
	}
}

func ruleNamed(rules config.Alerts, name string) *config.AlertRule {
	for i := range rules.Rules {
		if rules.Rules[i].Name == name {
			return &rules.Rules[i]
		}
	}
	return nil
}

// Active returns the firing alerts, critical first, then by rule, channel
// and destination.
func (e *Evaluator) Active() []Alert {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []Alert
	for _, s := range e.states {
		if s.firing {
			out = append(out, s.alert)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if (a.Severity == config.SeverityCritical) != (b.Severity == config.SeverityCritical) {
			return a.Severity == config.SeverityCritical
		}
		if a.Rule != b.Rule {
			return a.Rule < b.Rule
		}
		if a.Channel != b.Channel {
			return a.Channel < b.Channel
		}
		return a.Destination < b.Destination
	})
	return out
}

// Evaluate measures every rule at now, fires the alerts whose rule has held
// for its "for" duration and resolves those whose rule no longer holds. When
// the queues cannot be read, queue rules keep their alerts as they were and
// the error is returned; the other rules are evaluated all the same.
func (e *Evaluator) Evaluate(ctx context.Context, now time.Time) error {
	e.evaluating.Lock()
	defer e.evaluating.Unlock()

	e.mu.Lock()
	needQueues := false
	for _, r := range e.rules.Rules {
		needQueues = needQueues || r.Kind == config.AlertQueueDepth || r.Kind == config.AlertQueueAge
	}
	e.mu.Unlock()
	var queues []journal.QueueStats
	var queueErr error
	queuesRead := false
	if needQueues && e.src.Queues != nil {
		queues, queueErr = e.src.Queues.Queues(ctx)
		queuesRead = queueErr == nil
	}
	channels := e.channels()

	e.mu.Lock()
	defer e.mu.Unlock()
	e.track(channels, now)
	m := measure{e: e, now: now, queues: map[string][]journal.QueueStats{}}
	for _, q := range queues {
		m.queues[q.Channel] = append(m.queues[q.Channel], q)
	}
	visited := map[key]bool{}
	skipped := map[string]bool{} // rules whose data could not be read
	for i := range e.rules.Rules {
		r := &e.rules.Rules[i]
		if (r.Kind == config.AlertQueueDepth || r.Kind == config.AlertQueueAge) && !queuesRead {
			if e.src.Queues != nil {
				skipped[r.Name] = true
			}
			continue
		}
		for _, ch := range channels {
			if r.Channel != "" && r.Channel != ch {
				continue
			}
			targets := []string{""}
			if r.Kind.PerDestination() {
				targets = m.destinations(ch, r.Destination)
			}
			for _, dest := range targets {
				k := key{r.Name, ch, dest}
				visited[k] = true
				value, holds, msg := m.rule(r, ch, dest)
				e.step(k, r, now, value, holds, msg)
			}
		}
	}
	for k, s := range e.states {
		if !visited[k] && !skipped[k.rule] {
			e.resolve(k, s, now)
		}
	}
	e.resetGauge(nil)
	if queueErr != nil {
		return fmt.Errorf("alert: reading the queues: %w", queueErr)
	}
	return nil
}

// channels returns the running channels, sorted.
func (e *Evaluator) channels() []string {
	var names []string
	switch {
	case e.src.Channels != nil:
		names = e.src.Channels()
	case e.src.History != nil:
		names = e.src.History.Channels()
	}
	names = slices.Clone(names)
	sort.Strings(names)
	return slices.Compact(names)
}

// track notes when each channel was first listed and when its received
// count last changed; a channel no longer listed is forgotten, so that it
// counts afresh if it comes back.
func (e *Evaluator) track(channels []string, now time.Time) {
	listed := map[string]bool{}
	for _, ch := range channels {
		listed[ch] = true
		if _, ok := e.seen[ch]; !ok {
			e.seen[ch] = now
		}
		var received int64
		if e.src.History != nil {
			received = e.src.History.Totals(ch).Received
		}
		if t, ok := e.traffic[ch]; !ok || t.received != received {
			e.traffic[ch] = mark{received, now}
		}
	}
	for ch := range e.seen {
		if !listed[ch] {
			delete(e.seen, ch)
			delete(e.traffic, ch)
		}
	}
}

// step advances one alert's state by one evaluation.
func (e *Evaluator) step(k key, r *config.AlertRule, now time.Time, value float64, holds bool, msg string) {
	s := e.states[k]
	if !holds {
		if s != nil {
			e.resolve(k, s, now)
		}
		return
	}
	if s == nil {
		s = &state{holdsSince: now}
		e.states[k] = s
	}
	s.alert = Alert{
		Rule: r.Name, Kind: string(r.Kind), Severity: r.Severity, Channel: k.channel, Destination: k.destination,
		Since: s.alert.Since, Value: value, Threshold: float64(r.Threshold), Message: msg,
	}
	if !s.firing && now.Sub(s.holdsSince) >= r.For {
		s.firing = true
		s.alert.Since = now
		e.log.Warn("alert firing", logAttrs(s.alert)...)
		e.notify.send(statusFiring, s.alert)
	}
}

// resolve ends an alert, notifying if it had fired.
func (e *Evaluator) resolve(k key, s *state, now time.Time) {
	delete(e.states, k)
	if !s.firing {
		return
	}
	a := s.alert
	a.Resolved = now
	e.log.Info("alert resolved", logAttrs(a)...)
	e.notify.send(statusResolved, a)
}

// logAttrs are what a log line says of an alert: never patient data.
func logAttrs(a Alert) []any {
	attrs := []any{"rule", a.Rule, "kind", a.Kind, "severity", a.Severity, "channel", a.Channel}
	if a.Destination != "" {
		attrs = append(attrs, "destination", a.Destination)
	}
	return append(attrs, "value", a.Value, "threshold", a.Threshold)
}

// resetGauge sets plexus_alerts_firing for every rule, dropping the series
// of the rules in old that are gone.
func (e *Evaluator) resetGauge(old *config.Alerts) {
	count := map[string]int{}
	for _, r := range e.rules.Rules {
		count[r.Name] = 0
	}
	for k, s := range e.states {
		if s.firing {
			count[k.rule]++
		}
	}
	if old != nil {
		for _, r := range old.Rules {
			if _, ok := count[r.Name]; !ok {
				e.firing.DeleteLabelValues(r.Name)
			}
		}
	}
	for rule, n := range count {
		e.firing.WithLabelValues(rule).Set(float64(n))
	}
}
