package alert

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/plexus-health/plexus/engine/channel"
	"github.com/plexus-health/plexus/engine/config"
	"github.com/plexus-health/plexus/engine/journal"
	"github.com/plexus-health/plexus/engine/stats"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// fakeQueues stands for the journal's queue counts.
type fakeQueues struct {
	mu  sync.Mutex
	qs  []journal.QueueStats
	err error
}

func (f *fakeQueues) Queues(context.Context) ([]journal.QueueStats, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]journal.QueueStats(nil), f.qs...), f.err
}

func (f *fakeQueues) set(err error, qs ...journal.QueueStats) {
	f.mu.Lock()
	f.qs, f.err = qs, err
	f.mu.Unlock()
}

// logBuffer collects log lines from several goroutines.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// bench is a node's worth of sources: real channel metrics read by a real
// Recorder, fake queues, and a list of running channels.
type bench struct {
	t        *testing.T
	metrics  *channel.Metrics
	rec      *stats.Recorder
	queues   *fakeQueues
	reg      *prometheus.Registry
	logs     *logBuffer
	ev       *Evaluator
	mu       sync.Mutex
	channels []string
}

func newBench(t *testing.T, rules config.Alerts, notify NotifyOptions) *bench {
	t.Helper()
	reg := prometheus.NewRegistry()
	b := &bench{
		t: t, metrics: channel.NewMetrics(reg), queues: &fakeQueues{}, reg: reg, logs: &logBuffer{},
		channels: []string{"adt", "orm"},
	}
	b.rec = stats.New(reg, stats.Options{Interval: 10 * time.Second})
	b.ev = New(rules, Sources{History: b.rec, Queues: b.queues, Channels: b.running}, Options{
		Logger: slog.New(slog.NewJSONHandler(b.logs, nil)), Registerer: reg, Notify: notify,
	})
	t.Cleanup(b.ev.Close)
	if err := b.rec.Sample(t0.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	return b
}

func (b *bench) running() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.channels...)
}

func (b *bench) setChannels(names ...string) {
	b.mu.Lock()
	b.channels = names
	b.mu.Unlock()
}

// at samples the metrics and evaluates at t.
func (b *bench) at(t time.Time) []Alert {
	b.t.Helper()
	if err := b.rec.Sample(t); err != nil {
		b.t.Fatal(err)
	}
	if err := b.ev.Evaluate(context.Background(), t); err != nil {
		b.t.Fatal(err)
	}
	return b.ev.Active()
}

func rules(rs ...config.AlertRule) config.Alerts {
	for i := range rs {
		if rs[i].Severity == "" {
			rs[i].Severity = config.SeverityWarning
		}
		if rs[i].Kind.Windowed() && rs[i].Window == 0 {
			rs[i].Window = config.DefaultAlertWindow
		}
	}
	return config.Alerts{Interval: config.DefaultAlertInterval, Rules: rs}
}

// firing lists alerts as "rule/channel/destination=value".
func firing(as []Alert) string {
	var parts []string
	for _, a := range as {
		s := a.Rule + "/" + a.Channel
		if a.Destination != "" {
			s += "/" + a.Destination
		}
		parts = append(parts, s+"="+strconv.FormatFloat(a.Value, 'g', -1, 64))
	}
	return strings.Join(parts, " ")
}

func TestKinds(t *testing.T) {
	type step struct {
		after time.Duration // from t0
		do    func(b *bench)
		want  string // firing(Active())
	}
	received := func(ch string, n float64) func(*bench) {
		return func(b *bench) { b.metrics.Received.WithLabelValues(ch).Add(n) }
	}
	cases := []struct {
		name  string
		rule  config.AlertRule
		steps []step
	}{
		{"error rate", config.AlertRule{Name: "errors", Kind: config.AlertErrorRate, Threshold: 0.05}, []step{
			{0, nil, ""}, // no traffic: not firing
			{time.Minute, func(b *bench) {
				b.metrics.Received.WithLabelValues("adt").Add(100)
				b.metrics.Errored.WithLabelValues("adt").Add(10)
				b.metrics.Received.WithLabelValues("orm").Add(100)
				b.metrics.Errored.WithLabelValues("orm").Add(4)
			}, "errors/adt=0.1"},
			{2 * time.Minute, received("adt", 100), "errors/adt=0.05"},
			{3 * time.Minute, received("adt", 100), ""},
			// The errors leave the 5m window.
			{7 * time.Minute, func(b *bench) { b.metrics.Errored.WithLabelValues("orm").Add(1) }, ""},
		}},
		{"dead letters", config.AlertRule{Name: "dead", Kind: config.AlertDeadLetters, Threshold: 2, Window: 10 * time.Minute}, []step{
			{time.Minute, func(b *bench) {
				b.metrics.DeadLetters.WithLabelValues("adt", "ehr").Add(1)
				b.metrics.DeadLetters.WithLabelValues("adt", "lab").Add(5)
			}, "dead/adt/lab=5"},
			{2 * time.Minute, func(b *bench) { b.metrics.DeadLetters.WithLabelValues("adt", "ehr").Add(1) }, "dead/adt/ehr=2 dead/adt/lab=5"},
			// lab's five leave the window; ehr's second is still in it.
			{11*time.Minute + time.Second, func(b *bench) { b.metrics.DeadLetters.WithLabelValues("adt", "ehr").Add(1) }, "dead/adt/ehr=2"},
			{13 * time.Minute, nil, ""},
		}},
		{"queue depth", config.AlertRule{Name: "depth", Kind: config.AlertQueueDepth, Threshold: 500}, []step{
			{0, func(b *bench) {
				b.queues.set(nil, journal.QueueStats{Channel: "adt", Destination: "ehr", Pending: 499},
					journal.QueueStats{Channel: "orm", Destination: "billing", Pending: 900, Dead: 3})
			}, "depth/orm/billing=900"},
			{time.Minute, func(b *bench) {
				b.queues.set(nil, journal.QueueStats{Channel: "adt", Destination: "ehr", Pending: 500})
			}, "depth/adt/ehr=500"},
			{2 * time.Minute, func(b *bench) { b.queues.set(nil) }, ""},
		}},
		{"queue age", config.AlertRule{Name: "age", Kind: config.AlertQueueAge, Threshold: 600}, []step{
			{0, func(b *bench) {
				b.queues.set(nil, journal.QueueStats{Channel: "adt", Destination: "ehr", Pending: 1, OldestPending: t0.Add(-5 * time.Minute)},
					journal.QueueStats{Channel: "adt", Destination: "lab", Dead: 4})
			}, ""},
			{5 * time.Minute, nil, "age/adt/ehr=600"},
			{6 * time.Minute, func(b *bench) {
				b.queues.set(nil, journal.QueueStats{Channel: "adt", Destination: "ehr", Pending: 1, OldestPending: t0.Add(5 * time.Minute)})
			}, ""},
		}},
		{"no traffic", config.AlertRule{Name: "quiet", Kind: config.AlertNoTraffic, Channel: "adt", Threshold: 600}, []step{
			{0, nil, ""},
			{9 * time.Minute, nil, ""},
			{10 * time.Minute, nil, "quiet/adt=600"},
			{11 * time.Minute, received("adt", 1), ""},
			{20 * time.Minute, nil, ""},
			{21 * time.Minute, nil, "quiet/adt=600"},
			// A channel gone and back counts again from its return.
			{22 * time.Minute, func(b *bench) { b.setChannels("orm") }, ""},
			{23 * time.Minute, func(b *bench) { b.setChannels("adt", "orm") }, ""},
			{32 * time.Minute, nil, ""},
			{33 * time.Minute, nil, "quiet/adt=600"},
		}},
		{"destination failing", config.AlertRule{Name: "failing", Kind: config.AlertDestinationFailing, Threshold: 3, Window: time.Minute}, []step{
			{30 * time.Second, func(b *bench) {
				b.metrics.Failed.WithLabelValues("adt", "ehr").Add(3)
				b.metrics.Failed.WithLabelValues("adt", "lab").Add(9)
				b.metrics.Delivered.WithLabelValues("adt", "lab").Add(1)
				b.metrics.Failed.WithLabelValues("orm", "billing").Add(2)
			}, "failing/adt/ehr=3"},
			{2 * time.Minute, nil, ""},
		}},
		{"one channel, one destination", config.AlertRule{Name: "dead", Kind: config.AlertDeadLetters, Channel: "adt", Destination: "lab", Threshold: 1}, []step{
			{time.Minute, func(b *bench) {
				b.metrics.DeadLetters.WithLabelValues("adt", "ehr").Add(5)
				b.metrics.DeadLetters.WithLabelValues("adt", "lab").Add(1)
				b.metrics.DeadLetters.WithLabelValues("orm", "lab").Add(5)
			}, "dead/adt/lab=1"},
		}},
		{"channel not running", config.AlertRule{Name: "errors", Kind: config.AlertErrorRate, Channel: "adt", Threshold: 0.5}, []step{
			{time.Minute, func(b *bench) {
				b.metrics.Received.WithLabelValues("adt").Add(2)
				b.metrics.Errored.WithLabelValues("adt").Add(2)
			}, "errors/adt=1"},
			{2 * time.Minute, func(b *bench) { b.setChannels("orm") }, ""},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := newBench(t, rules(tc.rule), NotifyOptions{})
			for _, s := range tc.steps {
				if s.do != nil {
					s.do(b)
				}
				if got := firing(b.at(t0.Add(s.after))); got != s.want {
					t.Errorf("at +%v: firing %q, want %q", s.after, got, s.want)
				}
			}
		})
	}
}

func TestForAndResolve(t *testing.T) {
	b := newBench(t, rules(config.AlertRule{Name: "depth", Kind: config.AlertQueueDepth, Threshold: 10, For: time.Minute, Severity: config.SeverityCritical}), NotifyOptions{})
	gauge := func() float64 { return gaugeValue(t, b.reg, "depth") }
	b.queues.set(nil, journal.QueueStats{Channel: "adt", Destination: "ehr", Pending: 20})
	if got := b.at(t0); len(got) != 0 {
		t.Fatalf("fired before its for: %v", got)
	}
	if got := b.at(t0.Add(59 * time.Second)); len(got) != 0 {
		t.Fatalf("fired before its for: %v", got)
	}
	// Dipping below the threshold starts the wait again.
	b.queues.set(nil, journal.QueueStats{Channel: "adt", Destination: "ehr", Pending: 5})
	b.at(t0.Add(70 * time.Second))
	b.queues.set(nil, journal.QueueStats{Channel: "adt", Destination: "ehr", Pending: 30})
	if got := b.at(t0.Add(80 * time.Second)); len(got) != 0 {
		t.Fatalf("fired although the rule stopped holding: %v", got)
	}
	got := b.at(t0.Add(140 * time.Second))
	want := Alert{Rule: "depth", Kind: "queue_depth", Severity: "critical", Channel: "adt", Destination: "ehr",
		Since: t0.Add(140 * time.Second), Value: 30, Threshold: 10, Message: "30 deliveries pending (threshold 10)"}
	if len(got) != 1 || got[0] != want {
		t.Fatalf("got %+v\nwant %+v", got, want)
	}
	if gauge() != 1 {
		t.Errorf("plexus_alerts_firing %v, want 1", gauge())
	}
	// Still firing: Since stays, Value follows.
	b.queues.set(nil, journal.QueueStats{Channel: "adt", Destination: "ehr", Pending: 40})
	if got := b.at(t0.Add(150 * time.Second)); len(got) != 1 || !got[0].Since.Equal(want.Since) || got[0].Value != 40 {
		t.Fatalf("%+v", got)
	}
	b.queues.set(nil)
	if got := b.at(t0.Add(160 * time.Second)); len(got) != 0 {
		t.Fatalf("not resolved: %+v", got)
	}
	if gauge() != 0 {
		t.Errorf("plexus_alerts_firing %v, want 0", gauge())
	}
	logs := b.logs.String()
	for _, line := range []string{`"msg":"alert firing"`, `"msg":"alert resolved"`, `"rule":"depth"`, `"destination":"ehr"`, `"value":40`} {
		if !strings.Contains(logs, line) {
			t.Errorf("logs lack %s:\n%s", line, logs)
		}
	}
	if n := strings.Count(logs, "alert firing"); n != 1 {
		t.Errorf("%d firing lines, want 1", n)
	}
}

func TestQueueErrorKeepsQueueAlerts(t *testing.T) {
	b := newBench(t, rules(
		config.AlertRule{Name: "depth", Kind: config.AlertQueueDepth, Threshold: 1},
		config.AlertRule{Name: "errors", Kind: config.AlertErrorRate, Threshold: 0.5},
	), NotifyOptions{})
	b.queues.set(nil, journal.QueueStats{Channel: "adt", Destination: "ehr", Pending: 3})
	b.metrics.Received.WithLabelValues("orm").Add(1)
	b.metrics.Errored.WithLabelValues("orm").Add(1)
	if got := firing(b.at(t0)); got != "depth/adt/ehr=3 errors/orm=1" {
		t.Fatalf("firing %q", got)
	}
	b.queues.set(errors.New("database is locked"))
	b.rec.Sample(t0.Add(10 * time.Minute))
	err := b.ev.Evaluate(context.Background(), t0.Add(10*time.Minute))
	if err == nil || !strings.Contains(err.Error(), "database is locked") {
		t.Errorf("error %v", err)
	}
	// The queue alert stays; the error rate, whose errors left the
	// window, resolves.
	if got := firing(b.ev.Active()); got != "depth/adt/ehr=3" {
		t.Errorf("firing %q", got)
	}
}

func TestActiveOrder(t *testing.T) {
	b := newBench(t, rules(
		config.AlertRule{Name: "b-depth", Kind: config.AlertQueueDepth, Threshold: 1},
		config.AlertRule{Name: "a-depth", Kind: config.AlertQueueDepth, Threshold: 1},
		config.AlertRule{Name: "z-critical", Kind: config.AlertQueueDepth, Threshold: 1, Severity: config.SeverityCritical},
	), NotifyOptions{})
	b.queues.set(nil, journal.QueueStats{Channel: "orm", Destination: "x", Pending: 1}, journal.QueueStats{Channel: "adt", Destination: "y", Pending: 1})
	got := firing(b.at(t0))
	want := "z-critical/adt/y=1 z-critical/orm/x=1 a-depth/adt/y=1 a-depth/orm/x=1 b-depth/adt/y=1 b-depth/orm/x=1"
	if got != want {
		t.Errorf("order %q\nwant  %q", got, want)
	}
}

func TestApply(t *testing.T) {
	depth := config.AlertRule{Name: "depth", Kind: config.AlertQueueDepth, Threshold: 1}
	age := config.AlertRule{Name: "age", Kind: config.AlertQueueAge, Threshold: 60}
	gone := config.AlertRule{Name: "gone", Kind: config.AlertQueueDepth, Threshold: 1}
	b := newBench(t, rules(depth, age, gone), NotifyOptions{})
	b.queues.set(nil, journal.QueueStats{Channel: "adt", Destination: "ehr", Pending: 5, OldestPending: t0.Add(-time.Hour)})
	if got := firing(b.at(t0)); got != "age/adt/ehr=3600 depth/adt/ehr=5 gone/adt/ehr=5" {
		t.Fatalf("firing %q", got)
	}
	since := b.ev.Active()[1].Since

	// depth keeps its name and kind and still holds; age becomes a queue
	// depth rule; gone is removed.
	higher := depth
	higher.Threshold = 3
	b.ev.Apply(rules(higher, config.AlertRule{Name: "age", Kind: config.AlertQueueDepth, Threshold: 100}))
	got := b.ev.Active()
	if firing(got) != "depth/adt/ehr=5" || !got[0].Since.Equal(since) {
		t.Fatalf("after Apply: %+v", got)
	}
	if got := len(gaugeSeries(t, b.reg)); got != 2 {
		t.Errorf("plexus_alerts_firing has %d series, want 2 (the removed rule's is deleted)", got)
	}
	if got := firing(b.at(t0.Add(time.Minute))); got != "depth/adt/ehr=5" {
		t.Errorf("firing %q", got)
	}
	// A threshold that no longer holds resolves at the next evaluation.
	higher.Threshold = 10
	b.ev.Apply(rules(higher))
	if got := firing(b.at(t0.Add(2 * time.Minute))); got != "" {
		t.Errorf("firing %q", got)
	}
	if n := strings.Count(b.logs.String(), "alert resolved"); n != 3 {
		t.Errorf("%d resolved lines, want 3", n)
	}
}

func TestRun(t *testing.T) {
	b := newBench(t, config.Alerts{Interval: time.Hour}, NotifyOptions{})
	b.queues.set(nil, journal.QueueStats{Channel: "adt", Destination: "ehr", Pending: 5})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		b.ev.Run(ctx)
		close(done)
	}()
	// Apply wakes Run, which evaluates the new rules at once rather than
	// after the hour.
	r := rules(config.AlertRule{Name: "depth", Kind: config.AlertQueueDepth, Threshold: 1})
	r.Interval = time.Hour
	b.ev.Apply(r)
	deadline := time.Now().Add(30 * time.Second)
	for len(b.ev.Active()) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("Run did not evaluate the applied rules")
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	<-done
}

// TestConcurrent runs evaluation, reloads and reads together under the
// race detector.
func TestConcurrent(t *testing.T) {
	b := newBench(t, rules(config.AlertRule{Name: "depth", Kind: config.AlertQueueDepth, Threshold: 1}), NotifyOptions{})
	var wg sync.WaitGroup
	for i := range 3 {
		wg.Go(func() {
			for j := range 50 {
				at := t0.Add(time.Duration(i*1000+j) * time.Second)
				b.queues.set(nil, journal.QueueStats{Channel: "adt", Destination: "ehr", Pending: int64(j % 3)})
				b.ev.Evaluate(context.Background(), at)
				b.ev.Active()
				if j%10 == 0 {
					b.ev.Apply(rules(config.AlertRule{Name: "depth", Kind: config.AlertQueueDepth, Threshold: config.Threshold(j%4 + 1)}))
				}
			}
		})
	}
	wg.Wait()
}

// gaugeSeries returns plexus_alerts_firing by rule, as the registry
// serves it.
func gaugeSeries(t *testing.T, reg *prometheus.Registry) map[string]float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, f := range families {
		if f.GetName() != "plexus_alerts_firing" {
			continue
		}
		for _, m := range f.GetMetric() {
			out[label(m, "rule")] = m.GetGauge().GetValue()
		}
	}
	return out
}

func label(m *dto.Metric, name string) string {
	for _, l := range m.GetLabel() {
		if l.GetName() == name {
			return l.GetValue()
		}
	}
	return ""
}

func gaugeValue(t *testing.T, reg *prometheus.Registry, rule string) float64 {
	t.Helper()
	v, ok := gaugeSeries(t, reg)[rule]
	if !ok {
		t.Fatalf("no plexus_alerts_firing series for rule %s", rule)
	}
	return v
}
