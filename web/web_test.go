package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/plexus-health/plexus/engine/alert"
	"github.com/plexus-health/plexus/engine/channel"
	"github.com/plexus-health/plexus/engine/stats"
	"github.com/plexus-health/plexus/platform/accounts"
	"github.com/plexus-health/plexus/platform/audit"
)

func TestLogin(t *testing.T) {
	f := newFixture(t, nil)

	// A page without a session goes to the form, remembering where.
	r := f.get("", "/ui/messages?channel=adt")
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/ui/login?next=%2Fui%2Fmessages%3Fchannel%3Dadt" {
		t.Fatalf("anonymous page: %d %q", r.status, r.header.Get("Location"))
	}
	// So does a session that has ended, whose cookie is cleared.
	r = f.do("", "GET", "/ui/", nil, "Cookie", accounts.SessionCookie+"=not-a-session")
	if r.status != http.StatusSeeOther || !strings.Contains(r.header.Get("Set-Cookie"), "Max-Age=0") {
		t.Errorf("dead session: %d, Set-Cookie %q", r.status, r.header.Get("Set-Cookie"))
	}
	if r := f.get("", "/"); r.status != http.StatusFound || r.header.Get("Location") != "/ui/" {
		t.Errorf("GET /: %d %q", r.status, r.header.Get("Location"))
	}
	r = f.get("", "/ui/login?next=%2Fui%2Fdlq")
	mustContain(t, "login form", r.body, `name="user"`, `name="password"`, `value="/ui/dlq"`)

	login := func(user, password, next string) response {
		return f.do("", "POST", "/ui/login", url.Values{"user": {user}, "password": {password}, "next": {next}})
	}
	r = login("operator", "wrong password!", "")
	if r.status != http.StatusUnauthorized || r.header.Get("Set-Cookie") != "" {
		t.Errorf("bad password: %d, Set-Cookie %q", r.status, r.header.Get("Set-Cookie"))
	}
	mustContain(t, "failed login", r.body, "Invalid user name or password.", `value="operator"`)

	r = login("viewer", testPassword, "/ui/dlq")
	cookie := r.header.Get("Set-Cookie")
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/ui/dlq" {
		t.Fatalf("login: %d %q", r.status, r.header.Get("Location"))
	}
	for _, want := range []string{accounts.SessionCookie + "=", "HttpOnly", "SameSite=Strict", "Path=/"} {
		if !strings.Contains(cookie, want) {
			t.Errorf("session cookie %q lacks %s", cookie, want)
		}
	}
	token := strings.TrimPrefix(strings.SplitN(cookie, ";", 2)[0], accounts.SessionCookie+"=")
	if p, err := f.accts.AuthenticateSession(context.Background(), token); err != nil || p.Subject != "viewer" {
		t.Fatalf("the cookie's session: %v %v", p, err)
	}
	// A login never sends the browser off the dashboard.
	for _, next := range []string{"https://evil.example/", "//evil.example/ui/", "/ui/login", "/api/v1/messages"} {
		if r := login("viewer", testPassword, next); r.header.Get("Location") != "/ui/" {
			t.Errorf("next %q: sent to %q", next, r.header.Get("Location"))
		}
	}
	// An auditor lands on the audit log, the one page it may see.
	if r := login("auditor", testPassword, ""); r.header.Get("Location") != "/ui/audit" {
		t.Errorf("auditor sent to %q", r.header.Get("Location"))
	}

	// Logging out ends the session.
	r = f.do("", "POST", "/ui/logout", url.Values{}, "Cookie", accounts.SessionCookie+"="+token)
	if r.status != http.StatusSeeOther || !strings.Contains(r.header.Get("Set-Cookie"), "Max-Age=0") {
		t.Errorf("logout: %d %q", r.status, r.header.Get("Set-Cookie"))
	}
	if _, err := f.accts.AuthenticateSession(context.Background(), token); err == nil {
		t.Error("the session outlived logout")
	}

	// Repeated failures lock the user out, and the form says so.
	var last response
	for range 12 {
		if last = login("admin", "not the password", ""); last.status == http.StatusTooManyRequests {
			break
		}
	}
	if last.status != http.StatusTooManyRequests {
		t.Fatalf("no lockout after 12 failures: %d", last.status)
	}
	mustContain(t, "locked login", last.body, "Too many failed logins")
	if r := login("admin", testPassword, ""); r.status != http.StatusTooManyRequests {
		t.Errorf("the right password during lockout: %d", r.status)
	}
}

func TestHeaders(t *testing.T) {
	f := newFixture(t, nil)
	for _, path := range []string{"/ui/", "/ui/login", "/ui/messages", "/ui/static/app.css", "/ui/nowhere"} {
		r := f.get("admin", path)
		for name, want := range map[string]string{
			"X-Frame-Options": "DENY", "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff",
		} {
			if got := r.header.Get(name); got != want {
				t.Errorf("%s: %s %q, want %q", path, name, got, want)
			}
		}
		csp := r.header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("%s: Content-Security-Policy %q", path, csp)
		}
	}
	if r := f.get("admin", "/ui/nowhere"); r.status != http.StatusNotFound {
		t.Errorf("unknown page: %d", r.status)
	}
	if r := f.get("", "/ui/static/app.js"); r.status != http.StatusOK || !strings.Contains(r.body, "EventSource") {
		t.Errorf("the script: %d", r.status)
	}
}

// inlineScript finds what a Content Security Policy without
// 'unsafe-inline' would block: script elements with a body, event handler
// attributes, style attributes and elements.
var inlineScript = regexp.MustCompile(`(?i)<script>|<script[^>]*>[^<]|\son[a-z]+=|\sstyle=|<style`)

func TestNoInlineScript(t *testing.T) {
	f := newFixture(t, nil)
	rec := record("adt", "C1", "P1", []byte(`{"resourceType":"Bundle","type":"transaction","entry":[]}`), "lab", "fhir")
	f.engine.append(t, rec)
	f.kill(rec.Deliveries[0].ID, rec.Msg.ID, "MSH|^~\\&|LAB\rMSA|AE|C1\r")
	for _, path := range []string{"/ui/", "/ui/login", "/ui/messages", "/ui/messages/1", "/ui/messages/1?content=1",
		"/ui/dlq", "/ui/alerts", "/ui/config", "/ui/audit", "/ui/nowhere"} {
		r := f.get("admin", path)
		if path == "/ui/messages/1?content=1" {
			r = f.get("phiop", path)
		}
		if m := inlineScript.FindString(r.body); m != "" {
			t.Errorf("%s has inline script or style: %q", path, m)
		}
	}
}

// TestAccess checks who may open each page and make each action, through
// the dashboard's own check and the server's policy (accounts.Authorize).
func TestAccess(t *testing.T) {
	f := newFixture(t, nil)
	rec := record("adt", "C1", "P1", nil, "lab")
	f.engine.append(t, rec)
	const (
		readersOK = "viewer operator phiop admin"
		operateOK = "operator phiop admin"
		auditOK   = "auditor admin"
	)
	for _, c := range []struct {
		method, path string
		form         url.Values
		allowed      string
		okStatus     int
	}{
		{"GET", "/ui/", nil, readersOK, 200},
		{"GET", "/ui/messages", nil, readersOK, 200},
		{"GET", "/ui/messages/1", nil, readersOK, 200},
		{"GET", "/ui/messages/1?content=1", nil, "phiop", 200},
		{"GET", "/ui/dlq", nil, readersOK, 200},
		{"GET", "/ui/alerts", nil, readersOK, 200},
		{"GET", "/ui/config", nil, readersOK, 200},
		{"GET", "/ui/audit", nil, auditOK, 200},
		{"POST", "/ui/channels/adt/pause", url.Values{}, operateOK, 303},
		{"POST", "/ui/messages/1/resend", url.Values{}, operateOK, 303},
		{"POST", "/ui/dlq/replay", url.Values{"channel": {"adt"}, "destination": {"lab"}}, operateOK, 303},
	} {
		for _, u := range testUsers {
			r := f.do(u.Name, c.method, c.path, c.form)
			want := http.StatusForbidden
			if slices.Contains(strings.Fields(c.allowed), u.Name) {
				want = c.okStatus
			}
			if r.status != want {
				t.Errorf("%s %s as %s: %d, want %d", c.method, c.path, u.Name, r.status, want)
			}
			if r.status == http.StatusForbidden && !strings.Contains(r.header.Get("Content-Type"), "text/html") {
				t.Errorf("%s %s as %s: the refusal is %s, not a page", c.method, c.path, u.Name, r.header.Get("Content-Type"))
			}
		}
	}
	// Only operators' actions reached the channel.
	if got := f.control.got(); len(got) != 3 || got[0] != "adt pause" {
		t.Errorf("control calls %q", got)
	}
	// Anonymous actions are refused with a page, not redirected.
	if r := f.do("", "POST", "/ui/dlq/replay", url.Values{"channel": {"adt"}, "destination": {"lab"}}); r.status != http.StatusUnauthorized {
		t.Errorf("anonymous replay: %d", r.status)
	}
}

func TestCrossOriginRefused(t *testing.T) {
	f := newFixture(t, nil)
	rec := record("adt", "C1", "P1", nil, "lab")
	f.engine.append(t, rec)
	f.kill(rec.Deliveries[0].ID, rec.Msg.ID, "")
	for _, c := range []struct {
		path string
		form url.Values
	}{
		{"/ui/channels/adt/stop", url.Values{}},
		{"/ui/dlq/replay", url.Values{"channel": {"adt"}, "destination": {"lab"}}},
		{"/ui/messages/1/resend", url.Values{}},
		{"/ui/login", url.Values{"user": {"admin"}, "password": {testPassword}}},
	} {
		r := f.do("admin", "POST", c.path, c.form, "Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example")
		if r.status != http.StatusForbidden {
			t.Errorf("cross-origin POST %s: %d", c.path, r.status)
		}
	}
	if got := f.control.got(); len(got) != 0 {
		t.Errorf("a cross-origin request reached the channel: %q", got)
	}
	ds, _ := f.engine.j.DeadLetters(context.Background(), "", "", 10)
	if len(ds) != 1 {
		t.Errorf("a cross-origin replay ran: %d dead letters left", len(ds))
	}
	// The same form from the dashboard's own origin goes through.
	if r := f.do("admin", "POST", "/ui/channels/adt/stop", url.Values{}, "Sec-Fetch-Site", "same-origin"); r.status != http.StatusSeeOther {
		t.Errorf("same-origin POST: %d", r.status)
	}
}

func TestChannelsPage(t *testing.T) {
	now := time.Now()
	samples := []stats.Sample{
		{At: now.Add(-2 * time.Minute), Interval: time.Minute, Received: 120, Delivered: 118, Errored: 2, AckP95: 4 * time.Millisecond, DeliveryP95: 30 * time.Millisecond},
		{At: now.Add(-time.Minute), Interval: time.Minute, Received: 60, Delivered: 60, AckP95: 3 * time.Millisecond, DeliveryP95: 25 * time.Millisecond},
	}
	alerts := []alert.Alert{{Rule: "lab-backlog", Kind: "queue_depth", Severity: "critical", Channel: "adt", Destination: "lab",
		Since: now.Add(-5 * time.Minute), Value: 2, Threshold: 1, Message: "lab queue holds 2 deliveries"}}
	f := newFixture(t, func(o *Options) {
		o.Stats = fakeStats{samples}
		o.Alerts = fakeAlerts{alerts}
	})
	f.engine.channels[1].State = "paused"
	m := channel.NewMetrics(f.metrics)
	m.Received.WithLabelValues("adt").Add(7)
	m.Errored.WithLabelValues("adt").Add(1)
	m.Delivered.WithLabelValues("adt", "lab").Add(3)
	m.Delivered.WithLabelValues("adt", "fhir").Add(2)
	for i := range 3 {
		f.engine.append(t, record("adt", "C"+string(rune('0'+i)), "P1", nil, "lab"))
	}
	rec := record("adt", "D1", "P2", nil, "lab")
	f.engine.append(t, rec)
	f.kill(rec.Deliveries[0].ID, rec.Msg.ID, "")

	r := f.get("operator", "/ui/")
	if r.status != http.StatusOK {
		t.Fatalf("channels page: %d", r.status)
	}
	mustContain(t, "channels page", r.body,
		`data-channel="adt"`, `data-channel="orders"`,
		`<dd data-field="received">7</dd>`, `<dd data-field="errored">1</dd>`, `<dd data-field="delivered">5</dd>`,
		`<dd data-field="queued">3</dd>`, `<dd data-field="dead">1</dd>`,
		`<tr data-destination="lab">`, `/ui/dlq?channel=adt&amp;destination=lab`,
		`<svg class="chart"`, `class="c-line s-received"`, `class="c-line s-delivery"`,
		"lab queue holds 2 deliveries", "badge state-paused",
		`action="/ui/channels/adt/pause"`, `action="/ui/channels/orders/resume"`)
	// The oldest pending delivery's age is shown.
	if !regexp.MustCompile(`data-field="oldest_age">\d+(ms|s)</td>`).MatchString(r.body) {
		t.Error("no age of the oldest queued delivery")
	}
	// Viewers see no buttons; without Control nobody does.
	mustNotContain(t, "viewer's channels page", f.get("viewer", "/ui/").body, `action="/ui/channels/`)
	g := newFixture(t, func(o *Options) { o.Control = nil })
	r = g.get("admin", "/ui/")
	mustNotContain(t, "channels page without control", r.body, `action="/ui/channels/`)
	mustContain(t, "channels page without stats", r.body, "no data yet")
	if r := g.do("admin", "POST", "/ui/channels/adt/stop", url.Values{}); r.status != http.StatusNotImplemented {
		t.Errorf("control without Control: %d", r.status)
	}

	// Actions: an unknown channel or action is refused; a known one
	// reaches Control and comes back to the page with a notice.
	if r := f.do("operator", "POST", "/ui/channels/nosuch/stop", url.Values{}); r.status != http.StatusNotFound {
		t.Errorf("unknown channel: %d", r.status)
	}
	if r := f.do("operator", "POST", "/ui/channels/adt/explode", url.Values{}); r.status != http.StatusNotFound {
		t.Errorf("unknown action: %d", r.status)
	}
	r = f.do("operator", "POST", "/ui/channels/orders/resume", url.Values{})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/ui/?done=resumed" {
		t.Errorf("resume: %d %q", r.status, r.header.Get("Location"))
	}
	mustContain(t, "page after an action", f.get("operator", "/ui/?done=resumed").body, "Channel resumed.")
	if got := f.control.got(); !slices.Equal(got, []string{"orders resume"}) {
		t.Errorf("control calls %q", got)
	}

	r = f.get("viewer", "/ui/alerts")
	mustContain(t, "alerts page", r.body, "lab-backlog", "queue_depth", "lab queue holds 2 deliveries", "badge sev-critical")
}

func TestConfigPage(t *testing.T) {
	f := newFixture(t, nil)
	r := f.get("viewer", "/ui/config")
	mustContain(t, "config page without a configuration", r.body, "No configuration has been applied yet.", "adt", "lab, fhir")
}

func TestAuditPage(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	for i, who := range []string{"alice", "bob", "alice"} {
		status := []int{200, 500, 403}[i]
		if err := f.audit.Record(ctx, audit.Entry{Action: "admin.dlq.replay", Subject: who, Principal: "user", Status: status}); err != nil {
			t.Fatal(err)
		}
	}
	r := f.get("auditor", "/ui/audit")
	mustContain(t, "audit page", r.body, "alice", "bob", "admin.dlq.replay")
	r = f.get("auditor", "/ui/audit?who=bob")
	mustContain(t, "filtered audit page", r.body, "bob")
	mustNotContain(t, "filtered audit page", r.body, "<td>alice ")
	r = f.get("auditor", "/ui/audit?outcome=failure")
	mustContain(t, "audit page of failures", r.body, "alice", " 403")
	mustNotContain(t, "audit page of failures", r.body, "<td>bob ", " 500")
	if r := f.get("auditor", "/ui/audit?outcome=maybe"); r.status != http.StatusBadRequest || !strings.Contains(r.body, "Outcome must be") {
		t.Errorf("bad outcome: %d", r.status)
	}
	// The auditor's navigation offers only the audit log.
	mustNotContain(t, "auditor's navigation", r.body, `href="/ui/messages"`)
	g := newFixture(t, func(o *Options) { o.Audit = nil })
	mustContain(t, "audit page without a log", g.get("admin", "/ui/audit").body, "The audit log is disabled")
}

func TestClassify(t *testing.T) {
	for _, c := range []struct {
		method, target string
		action, id     string
	}{
		{"GET", "/ui/", "admin.channels.list", ""},
		{"POST", "/ui/channels/adt/pause", "admin.channels.pause", "adt"},
		{"GET", "/ui/messages?patient_id=123", "admin.messages.list", ""},
		{"GET", "/ui/events", "admin.messages.stream", ""},
		{"GET", "/ui/messages/42", "admin.messages.read", "42"},
		{"GET", "/ui/messages/42?content=1", "admin.messages.content", "42"},
		{"POST", "/ui/messages/42/resend", "admin.messages.resend", "42"},
		{"GET", "/ui/dlq", "admin.dlq.list", ""},
		{"POST", "/ui/dlq/replay", "admin.dlq.replay", ""},
		{"GET", "/ui/alerts", "admin.alerts.list", ""},
		{"GET", "/ui/config", "admin.config.read", ""},
		{"GET", "/ui/audit", "admin.audit.list", ""},
		{"GET", "/ui/login", "", ""},
		{"POST", "/ui/login", "", ""},
		{"GET", "/ui/static/app.css", "", ""},
		{"GET", "/", "", ""},
		{"GET", "/api/v1/messages", "", ""},
	} {
		r, _ := http.NewRequest(c.method, "http://x"+c.target, nil)
		e := Classify(r)
		if e.Action != c.action || e.ResourceID != c.id {
			t.Errorf("%s %s: %q %q, want %q %q", c.method, c.target, e.Action, e.ResourceID, c.action, c.id)
		}
	}
}
