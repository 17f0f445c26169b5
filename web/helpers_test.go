package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/plexus-health/plexus/engine"
	"github.com/plexus-health/plexus/engine/alert"
	"github.com/plexus-health/plexus/engine/config"
	"github.com/plexus-health/plexus/engine/journal"
	"github.com/plexus-health/plexus/engine/node"
	"github.com/plexus-health/plexus/engine/stats"
	"github.com/plexus-health/plexus/platform/accounts"
	"github.com/plexus-health/plexus/platform/audit"
	"github.com/plexus-health/plexus/platform/store"
	"github.com/plexus-health/plexus/platform/store/storetest"
)

// fakeEngine serves a real journal with a fixed set of channels.
type fakeEngine struct {
	j        *journal.Journal
	channels []node.ChannelInfo
	cfg      *config.Config
	history  []node.Applied
}

func (e *fakeEngine) Journal() *journal.Journal { return e.j }
func (e *fakeEngine) Channels() []node.ChannelInfo {
	return append([]node.ChannelInfo(nil), e.channels...)
}
func (e *fakeEngine) Config() *config.Config  { return e.cfg }
func (e *fakeEngine) History() []node.Applied { return e.history }
func (e *fakeEngine) append(t testing.TB, rec *journal.Record) {
	t.Helper()
	if err := e.j.Append(context.Background(), rec); err != nil {
		t.Fatal(err)
	}
}

// journalRecord is a record to append.
type journalRecord = journal.Record

// appendAll appends records concurrently, so that the journal commits
// them in a few transactions.
func (f *fixture) appendAll(t testing.TB, recs []*journal.Record) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, len(recs))
	sem := make(chan struct{}, 64)
	for _, rec := range recs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if err := f.engine.j.Append(context.Background(), rec); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

// fakeStats returns fixed samples.
type fakeStats struct{ samples []stats.Sample }

func (f fakeStats) Series(string, time.Time) []stats.Sample { return f.samples }

// fakeAlerts returns fixed alerts.
type fakeAlerts struct{ active []alert.Alert }

func (f fakeAlerts) Active() []alert.Alert { return f.active }

// controlRecorder is an Options.Control that records its calls.
type controlRecorder struct {
	mu    sync.Mutex
	calls []string
}

func (c *controlRecorder) control(_ context.Context, channel, action string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls = append(c.calls, channel+" "+action)
	return nil
}

func (c *controlRecorder) got() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.calls...)
}

// fixture is a dashboard over a real store: journal, accounts, audit log.
type fixture struct {
	t       testing.TB
	srv     *httptest.Server
	engine  *fakeEngine
	accts   *accounts.Accounts
	audit   *audit.Log
	metrics *prometheus.Registry
	control *controlRecorder
	tokens  map[string]string // user → session token
}

// testPassword is every test user's password.
const testPassword = "correct horse battery staple"

// users are the test accounts: one per role, and an operator with phi.
var testUsers = []accounts.NewUser{
	{Name: "viewer", Roles: []string{accounts.RoleViewer}},
	{Name: "operator", Roles: []string{accounts.RoleOperator}},
	{Name: "phiop", Roles: []string{accounts.RoleOperator}, Permissions: []string{accounts.PermPHI}},
	{Name: "auditor", Roles: []string{accounts.RoleAuditor}},
	{Name: "admin", Roles: []string{accounts.RoleAdmin}},
}

// newFixture starts a dashboard; tweak may change the options first.
func newFixture(t testing.TB, tweak func(*Options)) *fixture {
	t.Helper()
	ctx := context.Background()
	db := storetest.Open(t, testDialect, store.Options{Synchronous: "NORMAL"})
	j := journal.Open(db, journal.Options{})
	f := &fixture{t: t, engine: &fakeEngine{j: j, channels: []node.ChannelInfo{
		{Name: "adt", Source: "mllp", Destinations: []string{"lab", "fhir"}, ConfigVersion: "v1"},
		{Name: "orders", Source: "http", Destinations: []string{"billing"}, ConfigVersion: "v1"},
	}}, accts: accounts.New(db, accounts.Options{}), audit: audit.New(db, audit.Options{}),
		metrics: prometheus.NewRegistry(), control: &controlRecorder{}, tokens: map[string]string{}}
	t.Cleanup(func() { f.audit.Close(); j.Close(); db.Close() })
	for _, u := range testUsers {
		u.Password = testPassword
		if _, err := f.accts.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		s, err := f.accts.Login(ctx, u.Name, testPassword, "127.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		f.tokens[u.Name] = s.Token
	}
	opts := Options{Engine: f.engine, Sessions: f.accts, Authorize: accounts.Authorize, Audit: f.audit,
		Metrics: f.metrics, Control: f.control.control, Logger: slog.New(slog.DiscardHandler), Poll: 20 * time.Millisecond, Refresh: 50 * time.Millisecond}
	if tweak != nil {
		tweak(&opts)
	}
	h, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	f.srv = httptest.NewServer(audit.Middleware(f.audit, Classify)(h))
	t.Cleanup(f.srv.Close)
	return f
}

// response is a finished request.
type response struct {
	status int
	header http.Header
	body   string
}

// do makes a request as user ("" for nobody) without following redirects.
// A form makes it a POST of that form; hdr adds headers in pairs.
func (f *fixture) do(user, method, path string, form url.Values, hdr ...string) response {
	f.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, f.srv.URL+path, body)
	if err != nil {
		f.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if user != "" {
		req.AddCookie(&http.Cookie{Name: accounts.SessionCookie, Value: f.tokens[user]})
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{resp.StatusCode, resp.Header, string(b)}
}

// get is do for a GET.
func (f *fixture) get(user, path string) response {
	f.t.Helper()
	return f.do(user, "GET", path, nil)
}

// hl7 is an ADT message with a control ID and a patient ID.
func hl7(control, patient string) []byte {
	return []byte("MSH|^~\\&|EPIC|HOSP|LAB|HOSP|20240101120000||ADT^A01^ADT_A01|" + control + "|P|2.5\r" +
		"PID|1||" + patient + "^^^HOSP^MR~" + patient + "9^^^SSA^SS||Doe^John^Q||19800101|M\rPV1|1|I\r")
}

// record returns a journal record of an ADT message for channel with a
// delivery per destination, each carrying payload (nil: the message).
func record(channel, control, patient string, payload []byte, dests ...string) *journal.Record {
	rec := &journal.Record{Msg: &engine.Message{
		Channel: channel, Source: "mllp", Remote: "127.0.0.1:5000", ContentType: engine.ContentHL7v2,
		Raw: hl7(control, patient), Type: "ADT", Trigger: "A01", ControlID: control, SendingApp: "EPIC",
		SendingFacility: "HOSP", PatientID: patient, Status: engine.StatusReceived, ConfigVersion: "v1",
	}}
	for _, d := range dests {
		rec.Deliveries = append(rec.Deliveries, journal.NewDelivery{Destination: d, ContentType: engine.ContentFHIR, Payload: payload})
	}
	return rec
}

// kill records a failed final attempt of a delivery, dead-lettering it.
func (f *fixture) kill(deliveryID, messageID int64, response string) {
	f.t.Helper()
	err := f.engine.j.Record(context.Background(), journal.Outcome{DeliveryID: deliveryID, MessageID: messageID, Attempt: 1,
		Started: time.Now(), Duration: 12 * time.Millisecond, Status: journal.Dead, Error: "connection refused",
		ResponseStatus: "AE", Response: []byte(response)})
	if err != nil {
		f.t.Fatal(err)
	}
}

// mustContain fails unless body holds every want.
func mustContain(t testing.TB, what, body string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("%s lacks %q", what, w)
		}
	}
}

// mustNotContain fails if body holds any of bad.
func mustNotContain(t testing.TB, what, body string, bad ...string) {
	t.Helper()
	for _, b := range bad {
		if strings.Contains(body, b) {
			t.Errorf("%s holds %q", what, b)
		}
	}
}
