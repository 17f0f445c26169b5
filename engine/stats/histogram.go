package stats

import (
	"math"
	"time"
)

// histogram is a Prometheus histogram's cumulative bucket counts: cum[i]
// observations were at most bounds[i], count in all (the +Inf bucket).
type histogram struct {
	bounds []float64 // upper bounds in seconds, ascending, without +Inf
	cum    []uint64
	count  uint64
}

// sub returns h minus prev, the observations made between the two. A
// histogram whose count or any bucket went down was reset (its channel was
// rebuilt) and counts from zero, so the difference is h itself; so is it
// when prev is nil or has other buckets.
func (h histogram) sub(prev *histogram) histogram {
	if prev == nil || len(prev.bounds) != len(h.bounds) || prev.count > h.count {
		return h.clone()
	}
	d := histogram{bounds: h.bounds, cum: make([]uint64, len(h.cum)), count: h.count - prev.count}
	for i := range h.cum {
		if prev.cum[i] > h.cum[i] || prev.bounds[i] != h.bounds[i] {
			return h.clone()
		}
		d.cum[i] = h.cum[i] - prev.cum[i]
	}
	return d
}

func (h histogram) clone() histogram {
	return histogram{bounds: h.bounds, cum: append([]uint64(nil), h.cum...), count: h.count}
}

// merge adds o into h. Histograms with other buckets cannot be merged and
// are left out; those of one HistogramVec always share them.
func (h *histogram) merge(o histogram) {
	if h.bounds == nil {
		*h = o.clone()
		return
	}
	if len(h.bounds) != len(o.bounds) {
		return
	}
	for i := range h.cum {
		if h.bounds[i] != o.bounds[i] {
			return
		}
	}
	for i := range h.cum {
		h.cum[i] += o.cum[i]
	}
	h.count += o.count
}

// quantile estimates the q-quantile (0 < q < 1) of the observations,
// assuming they are spread evenly inside each bucket, as Prometheus's
// histogram_quantile does. The first bucket starts at 0 (latencies are not
// negative); a quantile that falls in the +Inf bucket is reported as the
// highest finite bound, the most that is known. It returns 0 when there
// were no observations.
func (h histogram) quantile(q float64) time.Duration {
	if h.count == 0 {
		return 0
	}
	rank := q * float64(h.count)
	lower, below := 0.0, uint64(0)
	for i, upper := range h.bounds {
		c := h.cum[i]
		if float64(c) >= rank && c > below {
			v := lower + (upper-lower)*(rank-float64(below))/float64(c-below)
			return seconds(v)
		}
		lower, below = upper, c
	}
	if len(h.bounds) == 0 {
		return 0
	}
	return seconds(h.bounds[len(h.bounds)-1])
}

// seconds converts seconds to a Duration, saturating instead of
// overflowing.
func seconds(s float64) time.Duration {
	switch {
	case math.IsNaN(s) || s <= 0:
		return 0
	case s >= float64(math.MaxInt64)/float64(time.Second):
		return math.MaxInt64
	}
	return time.Duration(s * float64(time.Second))
}
