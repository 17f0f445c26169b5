package api

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/plexus-health/plexus/engine"
	"github.com/plexus-health/plexus/engine/config"
	"github.com/plexus-health/plexus/engine/journal"
	"github.com/plexus-health/plexus/engine/node"
	"github.com/plexus-health/plexus/platform/store"
	"github.com/plexus-health/plexus/platform/store/storetest"
)

// fakeEngine serves a real journal with a fixed set of channels.
type fakeEngine struct {
	j        *journal.Journal
	mu       sync.Mutex
	cfg      *config.Config
	channels []node.ChannelInfo
	history  []node.Applied
}

func (e *fakeEngine) Journal() *journal.Journal { return e.j }

func (e *fakeEngine) Channels() []node.ChannelInfo {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.channels
}

func (e *fakeEngine) Config() *config.Config {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.cfg
}

func (e *fakeEngine) History() []node.Applied { return e.history }

// Control changes the State of a fake channel the way node.Control does.
func (e *fakeEngine) Control(ctx context.Context, name, action string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	state := map[string]string{node.ActionStart: "running", node.ActionResume: "running", node.ActionStop: "stopped", node.ActionPause: "paused"}[action]
	if state == "" {
		return node.ErrBadAction
	}
	for i := range e.channels {
		c := &e.channels[i]
		if c.Name != name {
			continue
		}
		if c.State == "stopped" && (action == node.ActionPause || action == node.ActionResume) {
			return node.ErrWrongState
		}
		// A copy: Channels hands out the slice.
		chs := append([]node.ChannelInfo(nil), e.channels...)
		chs[i].State = state
		e.channels = chs
		return nil
	}
	return fmt.Errorf("channel %q: %w", name, node.ErrUnknownChannel)
}

func (e *fakeEngine) setConfig(c *config.Config) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.cfg = c
}

// t0 is the receive time of the first seeded message.
var t0 = time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)

// seeded holds the IDs of the fixture's messages.
type seeded struct {
	adt      []*journal.Record // 20 messages to lab and archive, received t0 + i minutes
	orders   []*journal.Record // 10 messages to ris, received t0 + 20+i minutes
	filtered *journal.Record   // an adt message the filter stopped: no deliveries
}

type fixture struct {
	t     *testing.T
	j     *journal.Journal
	eng   *fakeEngine
	reg   *prometheus.Registry
	srv   *httptest.Server
	c     *Client
	data  seeded
	close func() // closes the journal and the store, once
}

// newFixture builds a journal on a temporary SQLite store, fills it with
// the seeded messages and outcomes, and serves the API over it with opts
// (Metrics is set to the fixture's registry).
func newFixture(t *testing.T, opts Options) *fixture {
	t.Helper()
	db := storetest.Open(t, testDialect, store.Options{Synchronous: "NORMAL"})
	j := journal.Open(db, journal.Options{})
	var once sync.Once
	closeStore := func() { once.Do(func() { j.Close(); db.Close() }) }
	t.Cleanup(closeStore)

	f := &fixture{t: t, j: j, reg: prometheus.NewRegistry(), close: closeStore}
	f.eng = &fakeEngine{
		j:   j,
		cfg: &config.Config{Version: config.Version{Hash: "abc123def456", LoadedAt: t0}, Files: []string{"channels.yaml"}},
		channels: []node.ChannelInfo{
			{Name: "adt", Source: "mllp", Destinations: []string{"lab", "archive"}, ConfigVersion: "abc123def456", State: "running"},
			{Name: "orders", Source: "http", Destinations: []string{"ris"}, ConfigVersion: "abc123def456", State: "running"},
		},
		history: []node.Applied{
			{Version: "000000000000", AppliedAt: t0.Add(-time.Hour), Changes: "added adt"},
			{Version: "abc123def456", AppliedAt: t0, Changes: "added orders"},
		},
	}
	f.seed()
	opts.Metrics = f.reg
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	f.srv = httptest.NewServer(New(f.eng, opts))
	t.Cleanup(f.srv.Close)
	f.c = &Client{BaseURL: f.srv.URL, HTTP: f.srv.Client()}
	return f
}

func (f *fixture) seed() {
	t := f.t
	ctx := context.Background()
	add := func(channel, typ, trigger, control, patient string, at time.Time, status engine.Status, dests ...string) *journal.Record {
		raw := fmt.Sprintf("MSH|^~\\&|SND|FAC|||%s||%s^%s|%s|P|2.5\rPID|||%s||DOE^JANE\r", at.Format("20060102150405"), typ, trigger, control, patient)
		rec := &journal.Record{Msg: &engine.Message{
			Channel: channel, Source: "mllp", Remote: "10.0.0.5:41000", ReceivedAt: at, ContentType: engine.ContentHL7v2,
			Raw: []byte(raw), Type: typ, Trigger: trigger, ControlID: control, SendingApp: "SND", SendingFacility: "FAC",
			PatientID: patient, Status: status, ConfigVersion: "abc123def456",
		}}
		for _, d := range dests {
			rec.Deliveries = append(rec.Deliveries, journal.NewDelivery{Destination: d, ContentType: engine.ContentHL7v2, Payload: []byte(raw)})
		}
		if err := f.j.Append(ctx, rec); err != nil {
			t.Fatal(err)
		}
		return rec
	}
	for i := range 20 {
		trigger := "A01"
		if i%2 == 1 {
			trigger = "A08"
		}
		f.data.adt = append(f.data.adt, add("adt", "ADT", trigger, fmt.Sprintf("A%02d", i), fmt.Sprintf("MRN%d", i%5),
			t0.Add(time.Duration(i)*time.Minute), engine.StatusReceived, "lab", "archive"))
	}
	for i := range 10 {
		f.data.orders = append(f.data.orders, add("orders", "ORM", "O01", fmt.Sprintf("O%02d", i), fmt.Sprintf("MRN%d", i%5),
			t0.Add(time.Duration(20+i)*time.Minute), engine.StatusReceived, "ris"))
	}
	f.data.filtered = add("adt", "ADT", "A04", "F00", "MRN9", t0.Add(40*time.Minute), engine.StatusFiltered)

	record := func(rec *journal.Record, d int, o journal.Outcome) {
		t.Helper()
		o.DeliveryID, o.MessageID = rec.Deliveries[d].ID, rec.Msg.ID
		if o.Started.IsZero() {
			o.Started = t0.Add(time.Hour)
		}
		if err := f.j.Record(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	// adt 0: delivered everywhere. adt 1 and 2: lab dead-lettered after a
	// failed attempt. orders 0: a retry is pending.
	record(f.data.adt[0], 0, journal.Outcome{Attempt: 1, Status: journal.Delivered, Duration: 1500 * time.Microsecond,
		ResponseStatus: "AA", Response: []byte("MSH|^~\\&|LAB\rMSA|AA|A00\r")})
	record(f.data.adt[0], 1, journal.Outcome{Attempt: 1, Status: journal.Delivered})
	for _, rec := range f.data.adt[1:3] {
		record(rec, 0, journal.Outcome{Attempt: 1, Status: journal.Pending, NextAttemptAt: t0.Add(2 * time.Hour), Error: "connection refused"})
		record(rec, 0, journal.Outcome{Attempt: 2, Status: journal.Dead, Error: "AR: unknown patient", ResponseStatus: "AR",
			Response: []byte("MSA|AR|" + rec.Msg.ControlID + "\r")})
		record(rec, 1, journal.Outcome{Attempt: 1, Status: journal.Delivered})
	}
	record(f.data.orders[0], 0, journal.Outcome{Attempt: 1, Status: journal.Pending, NextAttemptAt: t0.Add(2 * time.Hour), Error: "HTTP 503"})
}

// get fetches path from the server without the client.
func (f *fixture) get(path string) (int, http.Header, string) {
	f.t.Helper()
	return f.do(http.MethodGet, path, "", "", nil)
}

func (f *fixture) do(method, path, contentType, body string, header http.Header) (int, http.Header, string) {
	f.t.Helper()
	req, err := http.NewRequest(method, f.srv.URL+path, strings.NewReader(body))
	if err != nil {
		f.t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := f.srv.Client().Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		f.t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, string(b)
}

// apiError returns err's *Error, failing the test when it is another kind.
func apiError(t *testing.T, err error) *Error {
	t.Helper()
	e, ok := errors.AsType[*Error](err)
	if !ok {
		t.Fatalf("want an *api.Error, got %v", err)
	}
	return e
}

func TestHealthAndReadiness(t *testing.T) {
	f := newFixture(t, Options{})
	if code, _, body := f.get("/healthz"); code != 200 || body != "ok\n" {
		t.Errorf("healthz: %d %q", code, body)
	}
	if code, _, body := f.get("/readyz"); code != 200 {
		t.Errorf("readyz: %d %q", code, body)
	}

	f.eng.setConfig(nil)
	if code, _, body := f.get("/readyz"); code != 503 || !strings.Contains(body, "no configuration") {
		t.Errorf("readyz before a configuration: %d %q", code, body)
	}
	f.eng.setConfig(&config.Config{})

	f.close()
	if code, _, body := f.get("/readyz"); code != 503 || !strings.Contains(body, "store unreachable") {
		t.Errorf("readyz with the store closed: %d %q", code, body)
	}
	// Liveness does not depend on the store.
	if code, _, _ := f.get("/healthz"); code != 200 {
		t.Errorf("healthz with the store closed: %d", code)
	}
	// An API call on a closed store is a 500 that does not leak the cause.
	_, err := f.c.Queues(context.Background())
	if e := apiError(t, err); e.StatusCode != 500 || strings.Contains(e.Message, "sql") {
		t.Errorf("queues with the store closed: %v", e)
	}
}

func TestMetrics(t *testing.T) {
	f := newFixture(t, Options{})
	c := prometheus.NewCounter(prometheus.CounterOpts{Name: "plexus_test_events_total", Help: "Test events."})
	f.reg.MustRegister(c)
	c.Add(3)
	code, h, body := f.get("/metrics")
	if code != 200 || !strings.Contains(body, "plexus_test_events_total 3") {
		t.Errorf("metrics: %d %s\n%s", code, h.Get("Content-Type"), body)
	}

	// Without a registry there is no /metrics.
	srv := httptest.NewServer(New(f.eng, Options{}))
	defer srv.Close()
	resp, err := srv.Client().Get(srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 {
		t.Errorf("metrics without a registry: %d", resp.StatusCode)
	}
}

func TestChannelsQueuesConfig(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := context.Background()
	chs, err := f.c.Channels(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(chs) != 2 || chs[0].Name != "adt" || chs[0].Source != "mllp" || chs[0].ConfigVersion != "abc123def456" {
		t.Fatalf("channels: %+v", chs)
	}
	adt := chs[0]
	if len(adt.Destinations) != 2 || adt.Destinations[0].Destination != "lab" || adt.Destinations[1].Destination != "archive" {
		t.Fatalf("adt destinations not in configuration order: %+v", adt.Destinations)
	}
	// lab: 17 pending (adt 3..19), 2 dead. archive: 17 pending (adt 3..19).
	lab, archive := adt.Destinations[0], adt.Destinations[1]
	if lab.Pending != 17 || lab.Dead != 2 || archive.Pending != 17 || archive.Dead != 0 {
		t.Errorf("adt queues: lab %+v archive %+v", lab, archive)
	}
	if adt.Pending != 34 || adt.Dead != 2 || adt.OldestPending.IsZero() || adt.OldestPendingAgeSeconds <= 0 {
		t.Errorf("adt totals: %+v", adt)
	}
	if adt.OldestPending.Location() != time.UTC {
		t.Errorf("times not in UTC: %v", adt.OldestPending)
	}
	if ris := chs[1].Destinations[0]; ris.Pending != 10 || ris.Dead != 0 {
		t.Errorf("orders/ris: %+v", ris)
	}

	qs, err := f.c.Queues(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"adt/archive", "adt/lab", "orders/ris"}
	if len(qs) != len(want) {
		t.Fatalf("queues: %+v", qs)
	}
	for i, q := range qs {
		if q.Channel+"/"+q.Destination != want[i] {
			t.Errorf("queue %d is %s/%s, want %s", i, q.Channel, q.Destination, want[i])
		}
	}

	// A channel whose queues are empty still lists its destinations.
	f.eng.mu.Lock()
	f.eng.channels = append(f.eng.channels, node.ChannelInfo{Name: "quiet", Source: "file", Destinations: []string{"out"}})
	f.eng.mu.Unlock()
	chs, err = f.c.Channels(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if q := chs[2]; q.Name != "quiet" || len(q.Destinations) != 1 || q.Destinations[0].Pending != 0 || !q.OldestPending.IsZero() {
		t.Errorf("quiet channel: %+v", q)
	}

	cfg, err := f.c.Config(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Version != "abc123def456" || !cfg.LoadedAt.Equal(t0) || len(cfg.Files) != 1 || len(cfg.History) != 2 ||
		cfg.History[1].Changes != "added orders" || !cfg.History[0].AppliedAt.Equal(t0.Add(-time.Hour)) {
		t.Errorf("config: %+v", cfg)
	}
}

func TestRequestLogHasNoQueryValues(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	f := newFixture(t, Options{Logger: log})
	if _, err := f.c.ListMessages(context.Background(), MessageQuery{PatientID: "MRN3", Text: "DOE"}); err != nil {
		t.Fatal(err)
	}
	f.get("/api/v1/messages/999999")
	out := buf.String()
	for _, want := range []string{`pattern="GET /api/v1/messages"`, "status=200", `pattern="GET /api/v1/messages/{id}"`, "status=404", "duration="} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %s:\n%s", want, out)
		}
	}
	for _, leak := range []string{"MRN3", "DOE", "999999"} {
		if strings.Contains(out, leak) {
			t.Errorf("log holds %q:\n%s", leak, out)
		}
	}
}

func TestCrossOriginPostRefused(t *testing.T) {
	f := newFixture(t, Options{})
	path := fmt.Sprintf("/api/v1/messages/%d/resend", f.data.adt[0].Msg.ID)
	code, _, body := f.do(http.MethodPost, path, "", "", http.Header{"Sec-Fetch-Site": {"cross-site"}})
	if code != 403 || !strings.Contains(body, `"error"`) {
		t.Errorf("cross-site resend: %d %s", code, body)
	}
	code, _, body = f.do(http.MethodPost, path, "", "", http.Header{"Origin": {"http://evil.example"}})
	if code != 403 {
		t.Errorf("resend from another origin: %d %s", code, body)
	}
	ds, _ := f.j.Deliveries(context.Background(), f.data.adt[0].Msg.ID)
	if len(ds) != 2 {
		t.Errorf("a refused resend queued deliveries: %d", len(ds))
	}
}

func TestUnknownRouteAndMethod(t *testing.T) {
	f := newFixture(t, Options{})
	if code, _, _ := f.get("/api/v1/nothing"); code != 404 {
		t.Errorf("unknown route: %d", code)
	}
	if code, _, _ := f.do(http.MethodDelete, "/api/v1/messages/1", "", "", nil); code != 405 {
		t.Errorf("DELETE a message: %d", code)
	}
	// The client turns a plain-text answer into an *Error too.
	c := &Client{BaseURL: f.srv.URL + "/nowhere", HTTP: f.srv.Client()}
	_, err := c.Channels(context.Background())
	if e := apiError(t, err); e.StatusCode != 404 || e.Message == "" {
		t.Errorf("plain-text 404: %+v", e)
	}
}
