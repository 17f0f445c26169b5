package web

import (
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/plexus-health/plexus/engine/stats"
)

// series is one line of a chart.
type series struct {
	name   string
	class  string // the CSS class that colours it
	values []float64
}

// Chart geometry, in SVG user units.
const (
	chartW, chartH = 520, 150
	padL, padR     = 48, 8
	padT, padB     = 18, 22
)

// charts draws a channel's throughput (messages a second) and latency (p95
// milliseconds) charts from Options.Stats over Options.ChartWindow.
func (s *server) charts(channel string, now time.Time) (throughput, latency template.HTML) {
	if s.opts.Stats == nil {
		return "", ""
	}
	samples := s.opts.Stats.Series(channel, now.Add(-s.opts.ChartWindow))
	if len(samples) == 0 {
		return "", ""
	}
	rate := func(f func(stats.Sample) int64) []float64 {
		out := make([]float64, len(samples))
		for i, x := range samples {
			if x.Interval > 0 {
				out[i] = float64(f(x)) / x.Interval.Seconds()
			}
		}
		return out
	}
	millis := func(f func(stats.Sample) time.Duration) []float64 {
		out := make([]float64, len(samples))
		for i, x := range samples {
			out[i] = float64(f(x).Microseconds()) / 1000
		}
		return out
	}
	times := make([]time.Time, len(samples))
	for i, x := range samples {
		times[i] = x.At
	}
	throughput = svgChart("messages per second", "/s", times, []series{
		{"received", "s-received", rate(func(x stats.Sample) int64 { return x.Received })},
		{"delivered", "s-delivered", rate(func(x stats.Sample) int64 { return x.Delivered })},
		{"errored", "s-errored", rate(func(x stats.Sample) int64 { return x.Errored + x.DeadLettered })},
	})
	latency = svgChart("latency, 95th percentile", "ms", times, []series{
		{"ack", "s-ack", millis(func(x stats.Sample) time.Duration { return x.AckP95 })},
		{"delivery", "s-delivery", millis(func(x stats.Sample) time.Duration { return x.DeliveryP95 })},
	})
	return throughput, latency
}

// svgChart draws line series over times as an inline SVG with a title, a
// y axis from zero to a rounded maximum, the first and last times, and a
// legend. Only numbers and the fixed names given here go into it.
func svgChart(title, unit string, times []time.Time, lines []series) template.HTML {
	top := 0.0
	for _, l := range lines {
		for _, v := range l.values {
			if !math.IsNaN(v) && !math.IsInf(v, 0) {
				top = max(top, v)
			}
		}
	}
	top = niceCeil(top)
	plotW, plotH := float64(chartW-padL-padR), float64(chartH-padT-padB)
	x := func(i int) float64 {
		if len(times) < 2 {
			return padL + plotW
		}
		span := times[len(times)-1].Sub(times[0]).Seconds()
		if span <= 0 {
			return padL + plotW*float64(i)/float64(len(times)-1)
		}
		return padL + plotW*times[i].Sub(times[0]).Seconds()/span
	}
	y := func(v float64) float64 {
		if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
			v = 0
		}
		return padT + plotH - plotH*v/top
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %d %d" role="img" aria-label="%s">`, chartW, chartH, title)
	fmt.Fprintf(&b, `<text class="c-title" x="%d" y="12">%s</text>`, padL, title)
	for _, frac := range []float64{0, 0.5, 1} {
		yy := padT + plotH - plotH*frac
		fmt.Fprintf(&b, `<line class="c-grid" x1="%d" x2="%d" y1="%.1f" y2="%.1f"/>`, padL, chartW-padR, yy, yy)
		fmt.Fprintf(&b, `<text class="c-axis" x="%d" y="%.1f" text-anchor="end">%s</text>`, padL-4, yy+4, axisLabel(top*frac, unit))
	}
	if len(times) > 0 {
		fmt.Fprintf(&b, `<text class="c-axis" x="%d" y="%d">%s</text>`, padL, chartH-6, times[0].UTC().Format("15:04"))
		fmt.Fprintf(&b, `<text class="c-axis" x="%d" y="%d" text-anchor="end">%s</text>`, chartW-padR, chartH-6, times[len(times)-1].UTC().Format("15:04"))
	}
	for li, l := range lines {
		b.WriteString(`<polyline class="c-line ` + l.class + `" points="`)
		for i, v := range l.values {
			if i > 0 {
				b.WriteByte(' ')
			}
			fmt.Fprintf(&b, "%.1f,%.1f", x(i), y(v))
		}
		b.WriteString(`"/>`)
		lx := chartW/2 - 40 + li*78
		fmt.Fprintf(&b, `<rect class="%s" x="%d" y="4" width="10" height="8"/><text class="c-legend" x="%d" y="12">%s</text>`, l.class, lx, lx+13, l.name)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// niceCeil rounds v up to 1, 2 or 5 times a power of ten; 1 for zero.
func niceCeil(v float64) float64 {
	if v <= 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if v <= m*p {
			return m * p
		}
	}
	return 10 * p
}

// axisLabel writes an axis value compactly.
func axisLabel(v float64, unit string) string {
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if v >= 1000 {
		s = strconv.FormatFloat(v/1000, 'f', -1, 64) + "k"
	} else if v != math.Trunc(v) {
		s = strconv.FormatFloat(v, 'g', 2, 64)
	}
	return s + unit
}
