package stats

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"sort"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// Defaults of Options.
const (
	DefaultInterval = 10 * time.Second
	DefaultKeep     = 6 * time.Hour
)

// The series of engine/channel.Metrics the Recorder reads.
const (
	metricReceived    = "plexus_messages_received_total"
	metricFiltered    = "plexus_messages_filtered_total"
	metricDuplicates  = "plexus_messages_duplicate_total"
	metricErrored     = "plexus_messages_errored_total"
	metricDelivered   = "plexus_deliveries_delivered_total"
	metricFailed      = "plexus_delivery_attempts_failed_total"
	metricDead        = "plexus_deliveries_dead_total"
	metricAckLatency  = "plexus_ack_latency_seconds"
	metricEndToEnd    = "plexus_delivery_latency_seconds"
	labelChannel      = "channel"
	labelDestination  = "destination"
	sampleSize        = 120 // bytes of one Sample, for the memory bound below
	maxSamplesPerRing = 1 << 20
)

// Options configure a Recorder.
type Options struct {
	// Interval is the time between two samples; default 10s.
	Interval time.Duration
	// Keep is how long samples are kept; default 6h.
	Keep time.Duration
	// Logger receives gathering errors; slog.Default() when nil.
	Logger *slog.Logger
}

// Recorder keeps the recent history of every channel and destination.
//
// Memory is bounded: each channel and each (channel, destination) has one
// ring of at most Keep/Interval+1 samples of 120 bytes, about 260 KB at the
// defaults (6h every 10s), allocated as it fills. A node with 20 channels
// of 2 destinations each holds at most 60 rings, about 16 MB. A ring stops
// growing when its channel goes away but is kept, so that its history can
// still be read, until the Recorder is dropped.
//
// All methods may be called concurrently.
type Recorder struct {
	g        prometheus.Gatherer
	interval time.Duration
	keep     time.Duration
	capacity int
	log      *slog.Logger

	sampling sync.Mutex // one Sample at a time
	// Guarded by sampling: the running totals of the previous gathering,
	// by series.
	prevCounters map[seriesKey]float64
	prevHists    map[seriesKey]*histogram

	mu      sync.RWMutex
	first   time.Time // the first sample; zero before it
	last    time.Time // the latest sample
	history map[target]*ring
	totals  map[target]*total
}

// target is a channel (destination "") or one of its destinations.
type target struct{ channel, destination string }

// seriesKey names one series of one metric.
type seriesKey struct {
	metric string
	target
}

// total is what a target did since the node started.
type total struct {
	counts   Sample
	ack, e2e histogram
}

// New returns a Recorder of the channel series in g, normally the node's
// registry (node.Node.Prometheus()).
func New(g prometheus.Gatherer, opts Options) *Recorder {
	if opts.Interval <= 0 {
		opts.Interval = DefaultInterval
	}
	if opts.Keep <= 0 {
		opts.Keep = DefaultKeep
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	capacity := int(min(int64(opts.Keep/opts.Interval)+1, maxSamplesPerRing))
	return &Recorder{
		g: g, interval: opts.Interval, keep: opts.Keep, capacity: capacity, log: opts.Logger,
		prevCounters: map[seriesKey]float64{}, prevHists: map[seriesKey]*histogram{},
		history: map[target]*ring{}, totals: map[target]*total{},
	}
}

// Run samples every interval until ctx ends. The first sample, taken at
// once, only sets the starting point of the counts.
func (r *Recorder) Run(ctx context.Context) {
	t := time.NewTicker(r.interval)
	defer t.Stop()
	r.sampleAndLog(time.Now())
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			r.sampleAndLog(now)
		}
	}
}

func (r *Recorder) sampleAndLog(now time.Time) {
	if err := r.Sample(now); err != nil {
		r.log.Warn("sampling channel statistics", "err", err)
	}
}

// Sample gathers the registry once and records, for every channel and
// destination it has series for, what happened since the previous call as
// a sample at now. The first call records no sample: it is the starting
// point of the intervals (its counts still go to Totals). A call with a
// time not after the previous one is ignored.
//
// A counter or histogram that went down since the previous call was reset
// (its series was removed and made again); its interval counts from zero,
// so no count is ever negative. When gathering fails, the series that were
// gathered are used, the others count nothing in the interval, and the
// error is returned.
func (r *Recorder) Sample(now time.Time) error {
	r.sampling.Lock()
	defer r.sampling.Unlock()
	r.mu.RLock()
	first, last := r.first.IsZero(), r.last
	r.mu.RUnlock()
	if !first && !now.After(last) {
		return nil
	}
	families, gatherErr := r.g.Gather()
	if gatherErr != nil {
		gatherErr = fmt.Errorf("stats: gathering metrics: %w", gatherErr)
	}
	counters, hists := r.read(families)
	if gatherErr != nil {
		// Series missing from a failed gathering keep their running
		// totals, so that they do not count from zero when they are back.
		for k, v := range r.prevCounters {
			if _, ok := counters[k]; !ok {
				counters[k] = v
			}
		}
		for k, h := range r.prevHists {
			if _, ok := hists[k]; !ok {
				hists[k] = h
			}
		}
	}

	// What each target did in the interval.
	deltas := map[target]*Sample{}
	ack := map[target]histogram{}
	e2e := map[target]histogram{}
	at := func(t target) *Sample {
		s := deltas[t]
		if s == nil {
			s = &Sample{}
			deltas[t] = s
		}
		return s
	}
	for k, v := range counters {
		d := v
		if prev, ok := r.prevCounters[k]; ok && prev <= v {
			d = v - prev
		}
		n := count(d)
		s := at(k.target)
		switch k.metric {
		case metricReceived:
			s.Received = n
		case metricFiltered:
			s.Filtered = n
		case metricDuplicates:
			s.Duplicates = n
		case metricErrored:
			s.Errored = n
		case metricDelivered:
			s.Delivered = n
		case metricFailed:
			s.Failed = n
		case metricDead:
			s.DeadLettered = n
		}
	}
	for k, h := range hists {
		d := h.sub(r.prevHists[k])
		at(k.target)
		switch k.metric {
		case metricAckLatency:
			ack[k.target] = d
		case metricEndToEnd:
			e2e[k.target] = d
		}
	}
	// A channel's sample sums its destinations.
	for t, s := range deltas {
		if t.destination == "" {
			continue
		}
		c := at(target{channel: t.channel})
		c.Delivered += s.Delivered
		c.Failed += s.Failed
		c.DeadLettered += s.DeadLettered
		m := e2e[target{channel: t.channel}]
		m.merge(e2e[t])
		e2e[target{channel: t.channel}] = m
	}
	r.prevCounters, r.prevHists = counters, hists

	r.mu.Lock()
	defer r.mu.Unlock()
	for t, s := range deltas {
		tot := r.totals[t]
		if tot == nil {
			tot = &total{}
			r.totals[t] = tot
		}
		tot.counts.add(*s)
		tot.ack.merge(ack[t])
		tot.e2e.merge(e2e[t])
		if first {
			continue
		}
		s.At, s.Interval = now, now.Sub(last)
		s.AckP50, s.AckP95 = ack[t].quantile(0.5), ack[t].quantile(0.95)
		s.DeliveryP50, s.DeliveryP95 = e2e[t].quantile(0.5), e2e[t].quantile(0.95)
		h := r.history[t]
		if h == nil {
			h = &ring{capacity: r.capacity}
			r.history[t] = h
		}
		h.add(*s)
	}
	if first {
		r.first = now
	}
	r.last = now
	return gatherErr
}

// read picks the channel series out of the gathered families.
func (r *Recorder) read(families []*dto.MetricFamily) (map[seriesKey]float64, map[seriesKey]*histogram) {
	counters := map[seriesKey]float64{}
	hists := map[seriesKey]*histogram{}
	for _, f := range families {
		name := f.GetName()
		switch name {
		case metricReceived, metricFiltered, metricDuplicates, metricErrored, metricDelivered, metricFailed, metricDead:
			for _, m := range f.GetMetric() {
				if k, ok := keyOf(name, m); ok && m.GetCounter() != nil {
					counters[k] = m.GetCounter().GetValue()
				}
			}
		case metricAckLatency, metricEndToEnd:
			for _, m := range f.GetMetric() {
				k, ok := keyOf(name, m)
				if !ok || m.GetHistogram() == nil {
					continue
				}
				hp := m.GetHistogram()
				h := &histogram{count: hp.GetSampleCount()}
				for _, b := range hp.GetBucket() {
					if math.IsInf(b.GetUpperBound(), +1) {
						continue
					}
					h.bounds = append(h.bounds, b.GetUpperBound())
					h.cum = append(h.cum, b.GetCumulativeCount())
				}
				hists[k] = h
			}
		}
	}
	return counters, hists
}

// keyOf returns the series key of a metric; false when it has no channel.
func keyOf(name string, m *dto.Metric) (seriesKey, bool) {
	k := seriesKey{metric: name}
	for _, l := range m.GetLabel() {
		switch l.GetName() {
		case labelChannel:
			k.channel = l.GetValue()
		case labelDestination:
			k.destination = l.GetValue()
		}
	}
	return k, k.channel != ""
}

// count rounds a counter difference to a count.
func count(d float64) int64 {
	if math.IsNaN(d) || d <= 0 {
		return 0
	}
	if d >= math.MaxInt64 {
		return math.MaxInt64
	}
	return int64(math.Round(d))
}

// Series returns the samples of a channel that end after since, oldest
// first; nil for a channel with none.
func (r *Recorder) Series(channel string, since time.Time) []Sample {
	return r.series(target{channel: channel}, since)
}

// DestinationSeries returns the samples of one destination of a channel
// that end after since, oldest first.
func (r *Recorder) DestinationSeries(channel, destination string, since time.Time) []Sample {
	if destination == "" {
		return nil
	}
	return r.series(target{channel, destination}, since)
}

func (r *Recorder) series(t target, since time.Time) []Sample {
	r.mu.RLock()
	defer r.mu.RUnlock()
	h := r.history[t]
	if h == nil {
		return nil
	}
	// Samples that ended Keep or longer before the latest are gone, even
	// where the ring has room for them (samples further apart than
	// Interval).
	if cut := r.last.Add(-r.keep); since.Before(cut) {
		since = cut
	}
	return h.since(since)
}

// Channels returns the names of the channels with samples or totals,
// sorted.
func (r *Recorder) Channels() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	var out []string
	for t := range r.totals {
		if t.destination == "" {
			out = append(out, t.channel)
		}
	}
	sort.Strings(out)
	return out
}

// Destinations returns the names of a channel's destinations with samples
// or totals, sorted.
func (r *Recorder) Destinations(channel string) []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	var out []string
	for t := range r.totals {
		if t.channel == channel && t.destination != "" {
			out = append(out, t.destination)
		}
	}
	sort.Strings(out)
	return out
}

// Totals returns what a channel did since the node started: the counts
// and the latency quantiles over every observation. At is the latest
// sample and Interval the time since the first; the zero Sample for a
// channel never seen.
func (r *Recorder) Totals(channel string) Sample {
	return r.total(target{channel: channel})
}

// DestinationTotals is Totals for one destination of a channel.
func (r *Recorder) DestinationTotals(channel, destination string) Sample {
	if destination == "" {
		return Sample{}
	}
	return r.total(target{channel, destination})
}

func (r *Recorder) total(t target) Sample {
	r.mu.RLock()
	defer r.mu.RUnlock()
	tot := r.totals[t]
	if tot == nil {
		return Sample{}
	}
	s := tot.counts
	s.At, s.Interval = r.last, r.last.Sub(r.first)
	s.AckP50, s.AckP95 = tot.ack.quantile(0.5), tot.ack.quantile(0.95)
	s.DeliveryP50, s.DeliveryP95 = tot.e2e.quantile(0.5), tot.e2e.quantile(0.95)
	return s
}

// ring holds the latest samples of one target, oldest first from start.
type ring struct {
	capacity int
	buf      []Sample
	start    int // index of the oldest sample once buf is full
}

// add appends s, dropping the oldest sample when the ring is full.
func (r *ring) add(s Sample) {
	if len(r.buf) < r.capacity {
		r.buf = append(r.buf, s)
		return
	}
	r.buf[r.start] = s
	r.start = (r.start + 1) % len(r.buf)
}

// since returns a copy of the samples ending after t, oldest first.
func (r *ring) since(t time.Time) []Sample {
	n := len(r.buf)
	var out []Sample
	for i := range n {
		s := r.buf[(r.start+i)%n]
		if s.At.After(t) {
			out = append(out, s)
		}
	}
	return out
}
