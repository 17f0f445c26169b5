package api

import (
	"net/http"
	"net/url"
	"time"

	"github.com/plexus-health/plexus/engine/alert"
	"github.com/plexus-health/plexus/engine/stats"
)

// History is the channels' recent history that /api/v1/stats serves;
// *stats.Recorder satisfies it.
type History interface {
	Channels() []string
	Destinations(channel string) []string
	Series(channel string, since time.Time) []stats.Sample
	DestinationSeries(channel, destination string, since time.Time) []stats.Sample
	Totals(channel string) stats.Sample
	DestinationTotals(channel, destination string) stats.Sample
}

// Alerting lists the alerts firing now; *alert.Evaluator satisfies it.
type Alerting interface {
	Active() []alert.Alert
}

var (
	_ History  = (*stats.Recorder)(nil)
	_ Alerting = (*alert.Evaluator)(nil)
)

// defaultStatsWindow is how far back /api/v1/stats looks without ?since=.
const defaultStatsWindow = time.Hour

// StatsSample is what a channel or destination did in one interval, or
// since the node started (totals: At and Interval left out).
type StatsSample struct {
	At            time.Time `json:"at,omitzero"`
	IntervalS     float64   `json:"interval_s,omitzero"`
	Received      int64     `json:"received"`
	Filtered      int64     `json:"filtered"`
	Errored       int64     `json:"errored"`
	Duplicates    int64     `json:"duplicates"`
	Delivered     int64     `json:"delivered"`
	Failed        int64     `json:"failed"`
	DeadLettered  int64     `json:"dead_lettered"`
	AckP50MS      float64   `json:"ack_p50_ms,omitzero"`
	AckP95MS      float64   `json:"ack_p95_ms,omitzero"`
	DeliveryP50MS float64   `json:"delivery_p50_ms,omitzero"`
	DeliveryP95MS float64   `json:"delivery_p95_ms,omitzero"`
}

// DestinationStats is one destination's totals and series.
type DestinationStats struct {
	Name   string        `json:"name"`
	Totals StatsSample   `json:"totals"`
	Series []StatsSample `json:"series"`
}

// ChannelStats is one channel's totals and series, with its destinations'.
type ChannelStats struct {
	Channel      string             `json:"channel"`
	Totals       StatsSample        `json:"totals"`
	Series       []StatsSample      `json:"series"`
	Destinations []DestinationStats `json:"destinations"`
}

// StatsList is the body of GET /api/v1/stats.
type StatsList struct {
	Channels []ChannelStats `json:"channels"`
}

// AlertList is the body of GET /api/v1/alerts: the alerts firing now,
// critical first, in the form the webhook posts them.
type AlertList struct {
	Alerts []alert.WebhookAlert `json:"alerts"`
}

// StatsQuery selects the history GET /api/v1/stats returns.
type StatsQuery struct {
	Channel string    // one channel; all when empty
	Since   time.Time // default an hour ago
}

// Values encodes q as a query string.
func (q StatsQuery) Values() url.Values {
	v := url.Values{}
	if q.Channel != "" {
		v.Set(paramChannel, q.Channel)
	}
	if !q.Since.IsZero() {
		v.Set(paramSince, q.Since.Format(time.RFC3339Nano))
	}
	return v
}

const paramSince = "since"

func sampleOf(s stats.Sample) StatsSample {
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	out := StatsSample{
		Received: s.Received, Filtered: s.Filtered, Errored: s.Errored, Duplicates: s.Duplicates,
		Delivered: s.Delivered, Failed: s.Failed, DeadLettered: s.DeadLettered,
		AckP50MS: ms(s.AckP50), AckP95MS: ms(s.AckP95), DeliveryP50MS: ms(s.DeliveryP50), DeliveryP95MS: ms(s.DeliveryP95),
		IntervalS: s.Interval.Seconds(),
	}
	if !s.At.IsZero() {
		out.At = s.At.UTC()
	}
	return out
}

func samplesOf(ss []stats.Sample) []StatsSample {
	out := make([]StatsSample, len(ss))
	for i, s := range ss {
		out[i] = sampleOf(s)
	}
	return out
}

// stats serves the recent history of each channel and destination.
func (s *server) stats(w http.ResponseWriter, r *http.Request) error {
	p := &params{v: r.URL.Query()}
	p.only(paramChannel, paramSince)
	channel := p.str(paramChannel)
	since := p.time(paramSince)
	if p.err != nil {
		return p.err
	}
	if since.IsZero() {
		since = time.Now().Add(-defaultStatsWindow)
	}
	out := StatsList{Channels: []ChannelStats{}}
	h := s.opts.History
	if h == nil {
		writeJSON(w, http.StatusOK, out)
		return nil
	}
	for _, ch := range h.Channels() {
		if channel != "" && ch != channel {
			continue
		}
		cs := ChannelStats{Channel: ch, Totals: sampleOf(h.Totals(ch)), Series: samplesOf(h.Series(ch, since)),
			Destinations: []DestinationStats{}}
		for _, d := range h.Destinations(ch) {
			cs.Destinations = append(cs.Destinations, DestinationStats{Name: d,
				Totals: sampleOf(h.DestinationTotals(ch, d)), Series: samplesOf(h.DestinationSeries(ch, d, since))})
		}
		out.Channels = append(out.Channels, cs)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// alerts serves the alerts firing now.
func (s *server) alerts(w http.ResponseWriter, r *http.Request) error {
	if err := noParams(r); err != nil {
		return err
	}
	out := AlertList{Alerts: []alert.WebhookAlert{}}
	if s.opts.Alerts != nil {
		for _, a := range s.opts.Alerts.Active() {
			out.Alerts = append(out.Alerts, a.Wire())
		}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
