package web

import (
	"math"
	"strings"
	"testing"
	"time"
)

func TestNiceCeil(t *testing.T) {
	for _, c := range []struct{ in, want float64 }{
		{0, 1}, {-3, 1}, {math.NaN(), 1}, {math.Inf(1), 1},
		{0.3, 0.5}, {1, 1}, {1.2, 2}, {3, 5}, {7, 10}, {42, 50}, {120, 200}, {999, 1000},
	} {
		if got := niceCeil(c.in); math.Abs(got-c.want) > 1e-9 {
			t.Errorf("niceCeil(%v) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestSVGChart(t *testing.T) {
	t0 := time.Date(2026, 1, 2, 10, 0, 0, 0, time.UTC)
	times := []time.Time{t0, t0.Add(time.Minute), t0.Add(2 * time.Minute)}
	svg := string(svgChart("rate", "/s", times, []series{
		{"received", "s-received", []float64{0, 40, 80}},
		{"errored", "s-errored", []float64{0, math.NaN(), 2}},
	}))
	for _, want := range []string{
		`<svg class="chart" viewBox="0 0 520 150"`, ">100/s<", ">50/s<", ">0/s<", ">10:00<", ">10:02<",
		// 80 of 100 reaches 80% up the plot; the start sits on the left edge.
		`points="48.0,128.0 280.0,84.0 512.0,40.0"`,
		`class="c-line s-errored"`, ">received<", ">errored<",
	} {
		if !strings.Contains(svg, want) {
			t.Errorf("chart lacks %q:\n%s", want, svg)
		}
	}
	if strings.Contains(svg, "NaN") {
		t.Error("chart holds NaN")
	}
}
