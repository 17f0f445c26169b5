package stats

import (
	"context"
	"errors"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"
	"unsafe"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/plexus-health/plexus/engine/channel"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func newRecorder(t *testing.T, opts Options) (*Recorder, *channel.Metrics) {
	t.Helper()
	reg := prometheus.NewRegistry()
	m := channel.NewMetrics(reg)
	return New(reg, opts), m
}

func mustSample(t *testing.T, r *Recorder, at time.Time) {
	t.Helper()
	if err := r.Sample(at); err != nil {
		t.Fatal(err)
	}
}

func TestSampleSize(t *testing.T) {
	// The memory bound in the Recorder's doc comment counts on this.
	if got := unsafe.Sizeof(Sample{}); got != sampleSize {
		t.Fatalf("Sample is %d bytes, the documented bound assumes %d", got, sampleSize)
	}
}

func TestDeltas(t *testing.T) {
	r, m := newRecorder(t, Options{})
	// Before the first sample: counted in totals, not in any interval.
	m.Received.WithLabelValues("adt").Add(4)
	m.Delivered.WithLabelValues("adt", "ehr").Add(4)
	mustSample(t, r, t0)
	if got := r.Series("adt", time.Time{}); len(got) != 0 {
		t.Fatalf("first sample recorded %v; it only sets the starting point", got)
	}

	m.Received.WithLabelValues("adt").Add(10)
	m.Filtered.WithLabelValues("adt").Add(2)
	m.Duplicates.WithLabelValues("adt").Add(1)
	m.Errored.WithLabelValues("adt").Add(3)
	m.Delivered.WithLabelValues("adt", "ehr").Add(5)
	m.Delivered.WithLabelValues("adt", "lab").Add(4)
	m.Failed.WithLabelValues("adt", "lab").Add(6)
	m.DeadLetters.WithLabelValues("adt", "lab").Add(1)
	m.Received.WithLabelValues("orm").Add(7)
	mustSample(t, r, t0.Add(10*time.Second))
	// An interval with nothing new is a sample of zeros.
	mustSample(t, r, t0.Add(25*time.Second))

	cases := []struct {
		name        string
		got         []Sample
		first, next Sample
	}{
		{"channel adt", r.Series("adt", time.Time{}),
			Sample{At: t0.Add(10 * time.Second), Interval: 10 * time.Second, Received: 10, Filtered: 2, Duplicates: 1, Errored: 3, Delivered: 9, Failed: 6, DeadLettered: 1},
			Sample{At: t0.Add(25 * time.Second), Interval: 15 * time.Second}},
		{"adt to ehr", r.DestinationSeries("adt", "ehr", time.Time{}),
			Sample{At: t0.Add(10 * time.Second), Interval: 10 * time.Second, Delivered: 5},
			Sample{At: t0.Add(25 * time.Second), Interval: 15 * time.Second}},
		{"adt to lab", r.DestinationSeries("adt", "lab", time.Time{}),
			Sample{At: t0.Add(10 * time.Second), Interval: 10 * time.Second, Delivered: 4, Failed: 6, DeadLettered: 1},
			Sample{At: t0.Add(25 * time.Second), Interval: 15 * time.Second}},
		{"channel orm, new after the first sample", r.Series("orm", time.Time{}),
			Sample{At: t0.Add(10 * time.Second), Interval: 10 * time.Second, Received: 7},
			Sample{At: t0.Add(25 * time.Second), Interval: 15 * time.Second}},
	}
	for _, tc := range cases {
		if len(tc.got) != 2 || tc.got[0] != tc.first || tc.got[1] != tc.next {
			t.Errorf("%s: %+v, want [%+v %+v]", tc.name, tc.got, tc.first, tc.next)
		}
	}
	if got := r.Series("adt", t0.Add(10*time.Second)); len(got) != 1 || !got[0].At.Equal(t0.Add(25*time.Second)) {
		t.Errorf("Series since the first interval's end: %+v, want only the second", got)
	}
	if got := r.Series("nothing", time.Time{}); got != nil {
		t.Errorf("unknown channel: %+v", got)
	}
	if got := r.DestinationSeries("adt", "", time.Time{}); got != nil {
		t.Errorf("empty destination: %+v", got)
	}

	tot := r.Totals("adt")
	want := Sample{At: t0.Add(25 * time.Second), Interval: 25 * time.Second, Received: 14, Filtered: 2, Duplicates: 1, Errored: 3, Delivered: 13, Failed: 6, DeadLettered: 1}
	if tot != want {
		t.Errorf("Totals: %+v, want %+v", tot, want)
	}
	if got := r.DestinationTotals("adt", "ehr").Delivered; got != 9 {
		t.Errorf("DestinationTotals delivered %d, want 9", got)
	}
	if got := r.Totals("nothing"); got != (Sample{}) {
		t.Errorf("Totals of an unknown channel: %+v", got)
	}
	if got := r.Channels(); len(got) != 2 || got[0] != "adt" || got[1] != "orm" {
		t.Errorf("Channels: %v", got)
	}
	if got := r.Destinations("adt"); len(got) != 2 || got[0] != "ehr" || got[1] != "lab" {
		t.Errorf("Destinations: %v", got)
	}
}

func TestSampleIgnoresTimeNotAfterLast(t *testing.T) {
	r, m := newRecorder(t, Options{})
	mustSample(t, r, t0)
	m.Received.WithLabelValues("adt").Add(3)
	mustSample(t, r, t0.Add(10*time.Second))
	m.Received.WithLabelValues("adt").Add(5)
	mustSample(t, r, t0.Add(10*time.Second)) // same time: ignored
	mustSample(t, r, t0.Add(5*time.Second))  // earlier: ignored
	mustSample(t, r, t0.Add(20*time.Second))
	got := r.Series("adt", time.Time{})
	if len(got) != 2 || got[0].Received != 3 || got[1].Received != 5 || got[1].Interval != 10*time.Second {
		t.Fatalf("%+v", got)
	}
}

func TestQuantiles(t *testing.T) {
	r, m := newRecorder(t, Options{})
	// Observations before the first sample are not part of any interval.
	for range 50 {
		m.AckLatency.WithLabelValues("adt").Observe(20)
	}
	mustSample(t, r, t0)
	// 100 answers between 2.5ms and 5ms: spread evenly over that bucket.
	for range 100 {
		m.AckLatency.WithLabelValues("adt").Observe(0.003)
	}
	// Deliveries: 60 to ehr in (0.1s, 0.25s], 40 to lab in (1s, 2.5s].
	for range 60 {
		m.EndToEnd.WithLabelValues("adt", "ehr").Observe(0.2)
	}
	for range 40 {
		m.EndToEnd.WithLabelValues("adt", "lab").Observe(2)
	}
	mustSample(t, r, t0.Add(10*time.Second))
	s := r.Series("adt", time.Time{})
	if len(s) != 1 {
		t.Fatalf("%d samples", len(s))
	}
	ms := func(f float64) time.Duration { return time.Duration(f * float64(time.Millisecond)) }
	cases := []struct {
		name      string
		got, want time.Duration
	}{
		{"ack p50", s[0].AckP50, ms(3.75)},
		{"ack p95", s[0].AckP95, ms(4.875)},
		// Merged: rank 50 of 100 is the 50th of ehr's 60 in (100ms, 250ms].
		{"delivery p50", s[0].DeliveryP50, ms(100 + 150*50.0/60)},
		// Rank 95 is the 35th of lab's 40 in (1s, 2.5s].
		{"delivery p95", s[0].DeliveryP95, ms(1000 + 1500*35.0/40)},
	}
	for _, tc := range cases {
		if d := tc.got - tc.want; d < -time.Microsecond || d > time.Microsecond {
			t.Errorf("%s: %v, want %v", tc.name, tc.got, tc.want)
		}
	}
	lab := r.DestinationSeries("adt", "lab", time.Time{})
	if len(lab) != 1 || lab[0].DeliveryP50 != ms(1000+1500*20.0/40) || lab[0].AckP50 != 0 {
		t.Errorf("lab: %+v", lab)
	}
	// Totals cover the observations before the first sample too: 50 of
	// 150 answers took 20s, in (10s, 30s].
	if got, want := r.Totals("adt").AckP95, 10*time.Second+time.Duration(20*float64(time.Second)*(142.5-100)/50); got-want > time.Microsecond || want-got > time.Microsecond {
		t.Errorf("total ack p95 %v, want %v", got, want)
	}
	// An interval without answers has no latency.
	mustSample(t, r, t0.Add(20*time.Second))
	if s := r.Series("adt", t0.Add(10*time.Second)); len(s) != 1 || s[0].AckP50 != 0 || s[0].DeliveryP95 != 0 {
		t.Errorf("quiet interval: %+v", s)
	}
}

func TestHistogramQuantile(t *testing.T) {
	h := func(count uint64, cum ...uint64) histogram {
		return histogram{bounds: []float64{1, 2, 4}, cum: cum, count: count}
	}
	cases := []struct {
		name string
		h    histogram
		q    float64
		want time.Duration
	}{
		{"empty", h(0, 0, 0, 0), 0.5, 0},
		{"first bucket starts at zero", h(10, 10, 10, 10), 0.5, 500 * time.Millisecond},
		{"second bucket", h(10, 0, 10, 10), 0.5, 1500 * time.Millisecond},
		{"skips empty buckets", h(4, 0, 0, 4), 0.25, 2500 * time.Millisecond},
		{"rank on a bucket edge", h(10, 5, 10, 10), 0.5, time.Second},
		{"beyond the last bound", h(10, 0, 0, 1), 0.95, 4 * time.Second},
		{"no finite bucket", histogram{count: 3}, 0.5, 0},
	}
	for _, tc := range cases {
		if got := tc.h.quantile(tc.q); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestReset(t *testing.T) {
	r, m := newRecorder(t, Options{})
	m.Received.WithLabelValues("adt").Add(100)
	m.Failed.WithLabelValues("adt", "ehr").Add(50)
	for range 100 {
		m.AckLatency.WithLabelValues("adt").Observe(0.003)
	}
	mustSample(t, r, t0)
	// The series are made again, as when a channel is rebuilt with fresh
	// metrics: the running totals start again from zero.
	m.Received.DeleteLabelValues("adt")
	m.Failed.DeleteLabelValues("adt", "ehr")
	m.AckLatency.DeleteLabelValues("adt")
	m.Received.WithLabelValues("adt").Add(7)
	m.Failed.WithLabelValues("adt", "ehr").Add(2)
	for range 4 {
		m.AckLatency.WithLabelValues("adt").Observe(0.2)
	}
	mustSample(t, r, t0.Add(10*time.Second))
	// A series gone for one interval and back counts from zero too.
	m.Received.DeleteLabelValues("adt")
	mustSample(t, r, t0.Add(20*time.Second))
	m.Received.WithLabelValues("adt").Add(3)
	mustSample(t, r, t0.Add(30*time.Second))

	s := r.Series("adt", time.Time{})
	if len(s) != 3 {
		t.Fatalf("%d samples: %+v", len(s), s)
	}
	if s[0].Received != 7 || s[0].Failed != 2 {
		t.Errorf("after reset: received %d failed %d, want 7 and 2", s[0].Received, s[0].Failed)
	}
	if s[0].AckP50 < 100*time.Millisecond || s[0].AckP50 > 250*time.Millisecond {
		t.Errorf("after reset: ack p50 %v, want inside (100ms, 250ms]", s[0].AckP50)
	}
	if s[1].Received != 0 || s[2].Received != 3 {
		t.Errorf("series gone and back: %d then %d, want 0 then 3", s[1].Received, s[2].Received)
	}
	if got := r.Totals("adt").Received; got != 110 {
		t.Errorf("total received %d, want 110", got)
	}
}

func TestRetention(t *testing.T) {
	r, m := newRecorder(t, Options{Interval: 10 * time.Second, Keep: time.Minute})
	at := t0
	mustSample(t, r, at)
	for i := range 20 {
		at = at.Add(10 * time.Second)
		m.Received.WithLabelValues("adt").Add(float64(i + 1))
		mustSample(t, r, at)
	}
	s := r.Series("adt", time.Time{})
	// Samples that ended within the last minute: the last 6.
	if len(s) != 6 {
		t.Fatalf("%d samples kept, want 6", len(s))
	}
	for i, x := range s {
		if want := int64(15 + i); x.Received != want {
			t.Errorf("sample %d: received %d, want %d", i, x.Received, want)
		}
	}
	if got := len(r.history[target{channel: "adt"}].buf); got > r.capacity || r.capacity != 7 {
		t.Errorf("ring holds %d of capacity %d, want at most 7", got, r.capacity)
	}
	// Samples further apart than the interval: still only the last minute.
	for range 3 {
		at = at.Add(40 * time.Second)
		mustSample(t, r, at)
	}
	if s := r.Series("adt", time.Time{}); len(s) != 2 || !s[0].At.Equal(at.Add(-40*time.Second)) || !s[1].At.Equal(at) {
		t.Errorf("after sparse samples: %+v", s)
	}
	if got := r.Totals("adt").Received; got != 210 {
		t.Errorf("total %d, want 210: totals are not trimmed", got)
	}
}

func TestConcurrentReads(t *testing.T) {
	r, m := newRecorder(t, Options{Interval: time.Second, Keep: 30 * time.Second})
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 2 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				for _, ch := range r.Channels() {
					for _, s := range r.Series(ch, time.Time{}) {
						if s.Received < 0 {
							t.Error("negative count")
						}
					}
					r.Totals(ch)
					for _, d := range r.Destinations(ch) {
						r.DestinationSeries(ch, d, time.Time{})
					}
				}
				runtime.Gosched()
			}
		})
	}
	at := t0
	for i := range 200 {
		m.Received.WithLabelValues("adt").Inc()
		m.Delivered.WithLabelValues("adt", "ehr").Inc()
		m.AckLatency.WithLabelValues("adt").Observe(float64(i%7) / 100)
		at = at.Add(time.Second)
		mustSample(t, r, at)
	}
	close(stop)
	wg.Wait()
	if got := r.Totals("adt").Received; got != 200 {
		t.Errorf("total %d, want 200", got)
	}
}

// flakyGatherer fails when told to, returning what it has (all or
// nothing) with the error, as a registry with a broken collector does.
type flakyGatherer struct {
	prometheus.Gatherer
	fail, empty bool
}

func (f *flakyGatherer) Gather() ([]*dto.MetricFamily, error) {
	mf, err := f.Gatherer.Gather()
	switch {
	case f.fail && f.empty:
		return nil, errors.New("collector broke")
	case f.fail:
		return mf, errors.New("collector broke")
	}
	return mf, err
}

func TestGatherError(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := channel.NewMetrics(reg)
	g := &flakyGatherer{Gatherer: reg}
	r := New(g, Options{})
	m.Received.WithLabelValues("adt").Add(100)
	mustSample(t, r, t0)
	m.Received.WithLabelValues("adt").Add(2)
	g.fail = true
	if err := r.Sample(t0.Add(10 * time.Second)); err == nil {
		t.Error("no error from a failed gathering")
	}
	// Nothing gathered: the interval counts nothing, and the series does
	// not count from zero once it is back.
	m.Received.WithLabelValues("adt").Add(3)
	g.empty = true
	if err := r.Sample(t0.Add(20 * time.Second)); err == nil {
		t.Error("no error from a failed gathering")
	}
	g.fail, g.empty = false, false
	m.Received.WithLabelValues("adt").Add(4)
	mustSample(t, r, t0.Add(30*time.Second))
	var got []int64
	for _, s := range r.Series("adt", time.Time{}) {
		got = append(got, s.Received)
	}
	if want := []int64{2, 0, 7}; !slices.Equal(got, want) {
		t.Errorf("received per interval %v, want %v", got, want)
	}
	if tot := r.Totals("adt").Received; tot != 109 {
		t.Errorf("total %d, want 109", tot)
	}
}

func TestRun(t *testing.T) {
	r, m := newRecorder(t, Options{Interval: 10 * time.Millisecond})
	m.Received.WithLabelValues("adt").Add(1)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		r.Run(ctx)
		close(done)
	}()
	m.Received.WithLabelValues("adt").Add(1)
	deadline := time.Now().Add(30 * time.Second)
	for len(r.Series("adt", time.Time{})) < 2 {
		if time.Now().After(deadline) {
			t.Fatal("Run recorded no samples")
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	<-done
	if got := r.Totals("adt").Received; got != 2 {
		t.Errorf("total %d, want 2", got)
	}
}

// BenchmarkSample samples a node of 50 channels with 2 destinations each,
// every series moving, and reports the cost against gathering the same
// registry alone (what /metrics pays on each scrape).
func BenchmarkSample(b *testing.B) {
	reg := prometheus.NewRegistry()
	m := channel.NewMetrics(reg)
	var names []string
	for i := range 50 {
		names = append(names, "channel-"+strconv.Itoa(i))
	}
	move := func() {
		for _, ch := range names {
			m.Received.WithLabelValues(ch).Inc()
			m.AckLatency.WithLabelValues(ch).Observe(0.004)
			for _, d := range []string{"ehr", "lab"} {
				m.Delivered.WithLabelValues(ch, d).Inc()
				m.EndToEnd.WithLabelValues(ch, d).Observe(0.2)
			}
		}
	}
	move()
	start := time.Now()
	for range b.N {
		if _, err := reg.Gather(); err != nil {
			b.Fatal(err)
		}
	}
	gather := time.Since(start)
	r := New(reg, Options{Interval: time.Second, Keep: time.Hour})
	at := t0
	b.ResetTimer()
	start = time.Now()
	for range b.N {
		move()
		at = at.Add(time.Second)
		if err := r.Sample(at); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(time.Since(start))/float64(gather), "x-gather")
}
