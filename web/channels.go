package web

import (
	"cmp"
	"context"
	"html/template"
	"net/http"
	"slices"
	"time"

	dto "github.com/prometheus/client_model/go"

	"github.com/plexus-health/plexus/engine/alert"
	"github.com/plexus-health/plexus/engine/journal"
	"github.com/plexus-health/plexus/engine/node"
	"github.com/plexus-health/plexus/platform/auth"
)

// Channel actions Options.Control takes.
var channelActions = []string{"start", "stop", "pause", "resume"}

// channelView is one channel on the channels page and in the live stream.
type channelView struct {
	Name          string        `json:"name"`
	Source        string        `json:"source"`
	ConfigVersion string        `json:"config_version"`
	State         string        `json:"state"`
	Counters      counters      `json:"counters"`
	Queued        int64         `json:"queued"`
	Dead          int64         `json:"dead"`
	Destinations  []queueView   `json:"destinations"`
	Alerts        []alert.Alert `json:"-"`
	Throughput    template.HTML `json:"-"`
	Latency       template.HTML `json:"-"`
}

// queueView is one destination queue.
type queueView struct {
	Name       string    `json:"name"`
	Pending    int64     `json:"pending"`
	Dead       int64     `json:"dead"`
	Oldest     time.Time `json:"-"`
	OldestAge  string    `json:"oldest_age"`
	OldestSecs float64   `json:"oldest_seconds"`
}

// counters are a channel's totals since this process started, from the
// Prometheus series the channels report.
type counters struct {
	Received     int64 `json:"received"`
	Filtered     int64 `json:"filtered"`
	Errored      int64 `json:"errored"`
	Delivered    int64 `json:"delivered"`
	DeadLettered int64 `json:"dead_lettered"`
}

// channelViews gathers the state of every running channel: queues from
// the journal (shared by every node), counters from this process's
// metrics, and, when charts is set, the charts of the stats history.
func (s *server) channelViews(ctx context.Context, charts bool) ([]channelView, error) {
	qs, err := s.opts.Engine.Journal().Queues(ctx)
	if err != nil {
		return nil, err
	}
	type key struct{ channel, destination string }
	queues := make(map[key]journal.QueueStats, len(qs))
	for _, q := range qs {
		queues[key{q.Channel, q.Destination}] = q
	}
	count := s.counters()
	var active []alert.Alert
	if s.opts.Alerts != nil {
		active = s.opts.Alerts.Active()
	}
	now := time.Now()
	infos := s.opts.Engine.Channels()
	slices.SortFunc(infos, func(a, b node.ChannelInfo) int { return cmp.Compare(a.Name, b.Name) })
	out := make([]channelView, 0, len(infos))
	for _, info := range infos {
		c := channelView{Name: info.Name, Source: info.Source, ConfigVersion: info.ConfigVersion, State: info.State,
			Counters: count[info.Name], Destinations: []queueView{}}
		if c.State == "" {
			c.State = "running"
		}
		for _, d := range info.Destinations {
			q := queues[key{info.Name, d}]
			v := queueView{Name: d, Pending: q.Pending, Dead: q.Dead, Oldest: q.OldestPending}
			if !q.OldestPending.IsZero() {
				age := max(now.Sub(q.OldestPending), 0)
				v.OldestAge, v.OldestSecs = formatDuration(age), age.Seconds()
			}
			c.Queued += q.Pending
			c.Dead += q.Dead
			c.Destinations = append(c.Destinations, v)
		}
		for _, a := range active {
			if a.Channel == info.Name {
				c.Alerts = append(c.Alerts, a)
			}
		}
		if charts {
			c.Throughput, c.Latency = s.charts(info.Name, now)
		}
		out = append(out, c)
	}
	return out, nil
}

// counters reads the channel counters from Options.Metrics, by channel.
func (s *server) counters() map[string]counters {
	out := map[string]counters{}
	if s.opts.Metrics == nil {
		return out
	}
	families, err := s.opts.Metrics.Gather()
	if err != nil && len(families) == 0 {
		s.log.Warn("dashboard: reading metrics", "err", err)
		return out
	}
	for _, f := range families {
		var field func(*counters) *int64
		switch f.GetName() {
		case "plexus_messages_received_total":
			field = func(c *counters) *int64 { return &c.Received }
		case "plexus_messages_filtered_total":
			field = func(c *counters) *int64 { return &c.Filtered }
		case "plexus_messages_errored_total":
			field = func(c *counters) *int64 { return &c.Errored }
		case "plexus_deliveries_delivered_total":
			field = func(c *counters) *int64 { return &c.Delivered }
		case "plexus_deliveries_dead_total":
			field = func(c *counters) *int64 { return &c.DeadLettered }
		default:
			continue
		}
		for _, m := range f.GetMetric() {
			ch := label(m, "channel")
			c := out[ch]
			*field(&c) += int64(m.GetCounter().GetValue())
			out[ch] = c
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

// channelsData is the channels page.
type channelsData struct {
	Channels []channelView
	Control  bool
	Actions  []string
	Stats    bool
	Alerts   bool
}

func (s *server) channels(w http.ResponseWriter, r *http.Request) error {
	list, err := s.channelViews(r.Context(), true)
	if err != nil {
		return err
	}
	p, _ := auth.FromContext(r.Context())
	s.render(w, r, http.StatusOK, "channels.html", "Channels", p, channelsData{
		Channels: list, Control: s.opts.Control != nil, Actions: channelActions,
		Stats: s.opts.Stats != nil, Alerts: s.opts.Alerts != nil,
	})
	return nil
}

// control starts, stops, pauses or resumes a channel.
func (s *server) control(w http.ResponseWriter, r *http.Request) error {
	name, action := r.PathValue("name"), r.PathValue("action")
	if s.opts.Control == nil {
		return errorf(http.StatusNotImplemented, "Channel control is not available on this server.")
	}
	if !slices.Contains(channelActions, action) {
		return errorf(http.StatusNotFound, "There is no channel action %q.", action)
	}
	if !slices.ContainsFunc(s.opts.Engine.Channels(), func(c node.ChannelInfo) bool { return c.Name == name }) {
		return errorf(http.StatusNotFound, "There is no channel %q.", name)
	}
	if err := s.opts.Control(r.Context(), name, action); err != nil {
		s.log.Warn("dashboard: channel action failed", "channel", name, "action", action, "err", err)
		return errorf(http.StatusConflict, "Could not %s channel %s: %v", action, name, err)
	}
	s.log.Info("channel action from the dashboard", "channel", name, "action", action)
	done := map[string]string{"start": "started", "stop": "stopped", "pause": "paused", "resume": "resumed"}[action]
	http.Redirect(w, r, "/ui/?done="+done, http.StatusSeeOther)
	return nil
}

// alertsData is the alerts page.
type alertsData struct {
	Enabled bool
	Alerts  []alert.Alert
}

func (s *server) alerts(w http.ResponseWriter, r *http.Request) error {
	d := alertsData{Enabled: s.opts.Alerts != nil}
	if d.Enabled {
		d.Alerts = s.opts.Alerts.Active()
		slices.SortStableFunc(d.Alerts, func(a, b alert.Alert) int {
			if a.Severity != b.Severity {
				return cmp.Compare(a.Severity, b.Severity) // critical before warning
			}
			return a.Since.Compare(b.Since)
		})
	}
	p, _ := auth.FromContext(r.Context())
	s.render(w, r, http.StatusOK, "alerts.html", "Alerts", p, d)
	return nil
}

// configData is the configuration page.
type configData struct {
	Version  string
	LoadedAt time.Time
	Files    []string
	Channels []node.ChannelInfo
	History  []appliedView
}

type appliedView struct {
	Version   string
	AppliedAt time.Time
	Changes   string
}

func (s *server) config(w http.ResponseWriter, r *http.Request) error {
	var d configData
	if cfg := s.opts.Engine.Config(); cfg != nil {
		d.Version, d.LoadedAt, d.Files = cfg.Version.Hash, cfg.Version.LoadedAt, cfg.Files
	}
	d.Channels = s.opts.Engine.Channels()
	slices.SortFunc(d.Channels, func(a, b node.ChannelInfo) int { return cmp.Compare(a.Name, b.Name) })
	h := s.opts.Engine.History()
	for i := len(h) - 1; i >= 0; i-- { // newest first
		d.History = append(d.History, appliedView{h[i].Version, h[i].AppliedAt, h[i].Changes})
	}
	p, _ := auth.FromContext(r.Context())
	s.render(w, r, http.StatusOK, "config.html", "Configuration", p, d)
	return nil
}
