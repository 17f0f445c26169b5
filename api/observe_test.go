package api

import (
	"context"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/plexus-health/plexus/engine/alert"
	"github.com/plexus-health/plexus/engine/channel"
	"github.com/plexus-health/plexus/engine/config"
	"github.com/plexus-health/plexus/engine/stats"
)

// TestStatsAndAlerts serves the history of real channel metrics, sampled
// by a stats.Recorder, and an alert an Evaluator raised from it.
func TestStatsAndAlerts(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := channel.NewMetrics(reg)
	rec := stats.New(reg, stats.Options{Interval: 10 * time.Second, Logger: slog.New(slog.DiscardHandler)})
	now := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	m.Received.WithLabelValues("adt").Add(0)
	m.Delivered.WithLabelValues("adt", "lab").Add(0)
	if err := rec.Sample(now); err != nil { // the starting point
		t.Fatal(err)
	}
	m.Received.WithLabelValues("adt").Add(10)
	m.Errored.WithLabelValues("adt").Add(4)
	m.Delivered.WithLabelValues("adt", "lab").Add(6)
	m.AckLatency.WithLabelValues("adt").Observe(0.004)
	now = now.Add(10 * time.Second)
	if err := rec.Sample(now); err != nil {
		t.Fatal(err)
	}
	rules := config.Alerts{Interval: time.Minute, Rules: []config.AlertRule{{
		Name: "adt-errors", Kind: config.AlertErrorRate, Channel: "adt", Threshold: 0.2, Window: time.Minute, Severity: "critical",
	}}}
	ev := alert.New(rules, alert.Sources{History: rec}, alert.Options{Logger: slog.New(slog.DiscardHandler)})
	defer ev.Close()
	if err := ev.Evaluate(context.Background(), now); err != nil {
		t.Fatal(err)
	}

	f := newFixture(t, Options{History: rec, Alerts: ev})
	ctx := context.Background()
	chans, err := f.c.Stats(ctx, StatsQuery{Since: now.Add(-time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if len(chans) != 1 || chans[0].Channel != "adt" {
		t.Fatalf("stats channels %+v", chans)
	}
	adt := chans[0]
	if adt.Totals.Received != 10 || adt.Totals.Errored != 4 || adt.Totals.Delivered != 6 {
		t.Errorf("totals %+v", adt.Totals)
	}
	if len(adt.Series) != 1 || adt.Series[0].Received != 10 || adt.Series[0].IntervalS != 10 || !adt.Series[0].At.Equal(now) {
		t.Errorf("series %+v", adt.Series)
	}
	if adt.Series[0].AckP95MS <= 0 {
		t.Errorf("ack p95 %v ms, want the observed latency", adt.Series[0].AckP95MS)
	}
	if len(adt.Destinations) != 1 || adt.Destinations[0].Name != "lab" || adt.Destinations[0].Totals.Delivered != 6 {
		t.Errorf("destinations %+v", adt.Destinations)
	}
	// A window after the sample holds none; another channel none at all.
	if chans, err = f.c.Stats(ctx, StatsQuery{Since: now.Add(time.Second)}); err != nil || len(chans[0].Series) != 0 {
		t.Errorf("later window: %+v, %v", chans, err)
	}
	if chans, err = f.c.Stats(ctx, StatsQuery{Channel: "orders"}); err != nil || len(chans) != 0 {
		t.Errorf("orders: %+v, %v", chans, err)
	}

	alerts, err := f.c.Alerts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(alerts) != 1 || alerts[0].Rule != "adt-errors" || alerts[0].Severity != "critical" || alerts[0].Value != 0.4 {
		t.Errorf("alerts %+v", alerts)
	}

	for _, q := range []string{"since=yesterday", "window=1h"} {
		resp, err := f.srv.Client().Get(f.srv.URL + "/api/v1/stats?" + q)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("?%s: status %d, want 400", q, resp.StatusCode)
		}
	}
}

// TestStatsAndAlertsWithoutSources answers empty lists when the node keeps
// no history and evaluates no rule.
func TestStatsAndAlertsWithoutSources(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := context.Background()
	if chans, err := f.c.Stats(ctx, StatsQuery{}); err != nil || len(chans) != 0 {
		t.Errorf("stats %+v, %v", chans, err)
	}
	if alerts, err := f.c.Alerts(ctx); err != nil || len(alerts) != 0 {
		t.Errorf("alerts %+v, %v", alerts, err)
	}
}
