package alert

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/plexus-health/plexus/engine/config"
	"github.com/plexus-health/plexus/engine/journal"
)

// hook is a webhook receiver that records what it is sent.
type hook struct {
	mu       sync.Mutex
	bodies   []Notification
	headers  []http.Header
	answer   func(n int) int // status for the nth request (from 1); 200 when nil
	requests int
}

func (h *hook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	h.mu.Lock()
	h.requests++
	status := http.StatusOK
	if h.answer != nil {
		status = h.answer(h.requests)
	}
	if status == http.StatusOK {
		var n Notification
		if err := json.Unmarshal(body, &n); err == nil {
			h.bodies = append(h.bodies, n)
			h.headers = append(h.headers, r.Header.Clone())
		}
	}
	h.mu.Unlock()
	w.WriteHeader(status)
}

// received returns the accepted notifications.
func (h *hook) received() []Notification {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]Notification(nil), h.bodies...)
}

// waitFor polls until cond holds, failing the test after a generous
// deadline.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// depthRules is one queue_depth rule posting to url.
func depthRules(url string, headers map[string]string) config.Alerts {
	r := rules(config.AlertRule{Name: "depth", Kind: config.AlertQueueDepth, Threshold: 10, Severity: config.SeverityCritical})
	r.Webhook = &config.Webhook{URL: url, Headers: headers, Timeout: time.Minute}
	return r
}

// flip makes the depth rule fire (on) or resolve (off) at t.
func (b *bench) flip(on bool, t time.Time) {
	if on {
		b.queues.set(nil, journal.QueueStats{Channel: "adt", Destination: "ehr", Pending: 25})
	} else {
		b.queues.set(nil)
	}
	b.at(t)
}

func TestWebhookFiringAndResolved(t *testing.T) {
	h := &hook{}
	srv := httptest.NewServer(h)
	defer srv.Close()
	b := newBench(t, depthRules(srv.URL+"/hooks/plexus", map[string]string{"Authorization": "Bearer s3cret"}), NotifyOptions{})
	b.flip(true, t0)
	b.flip(true, t0.Add(time.Minute)) // still firing: no second notification
	b.flip(false, t0.Add(2*time.Minute))
	waitFor(t, "two notifications", func() bool { return len(h.received()) >= 2 })

	got := h.received()
	want := []Notification{
		{Status: "firing", Alert: WebhookAlert{Rule: "depth", Kind: "queue_depth", Severity: "critical", Channel: "adt", Destination: "ehr",
			Since: t0, Value: 25, Threshold: 10, Message: "25 deliveries pending (threshold 10)"}},
		{Status: "resolved", Alert: WebhookAlert{Rule: "depth", Kind: "queue_depth", Severity: "critical", Channel: "adt", Destination: "ehr",
			Since: t0, Resolved: t0.Add(2 * time.Minute), Value: 25, Threshold: 10, Message: "25 deliveries pending (threshold 10)"}},
	}
	if len(got) != 2 {
		t.Fatalf("%d notifications: %+v", len(got), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("notification %d:\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}
	h.mu.Lock()
	hd := h.headers[0]
	h.mu.Unlock()
	if hd.Get("Authorization") != "Bearer s3cret" || hd.Get("Content-Type") != "application/json" {
		t.Errorf("headers %v", hd)
	}
	if strings.Contains(b.logs.String(), "s3cret") {
		t.Error("a header value reached the log")
	}
}

func TestWebhookDownThenUp(t *testing.T) {
	// A port nothing listens on, at first.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	b := newBench(t, depthRules("http://ops:hunter2@"+addr+"/hook", nil),
		NotifyOptions{Attempts: 1000, Backoff: 5 * time.Millisecond, MaxBackoff: 20 * time.Millisecond})
	b.flip(true, t0)
	waitFor(t, "a failed attempt", func() bool { return strings.Contains(b.logs.String(), "alert webhook attempt failed") })

	// The webhook comes up, answering 503 twice more before it accepts.
	h := &hook{answer: func(n int) int {
		if n <= 2 {
			return http.StatusServiceUnavailable
		}
		return http.StatusOK
	}}
	ln, err = net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("listening again on %s: %v", addr, err)
	}
	srv := &http.Server{Handler: h}
	go srv.Serve(ln)
	defer srv.Close()
	b.flip(false, t0.Add(time.Minute))
	waitFor(t, "both notifications", func() bool { return len(h.received()) >= 2 })
	got := h.received()
	if len(got) != 2 || got[0].Status != "firing" || got[1].Status != "resolved" {
		t.Errorf("received %+v, want the firing then the resolved notification once each", got)
	}
	if logs := b.logs.String(); strings.Contains(logs, "hunter2") {
		t.Errorf("the URL's password reached the log:\n%s", logs)
	}
}

func TestSlowWebhookDoesNotBlock(t *testing.T) {
	release := make(chan struct{})
	var mu sync.Mutex
	var statuses []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-release
		var n Notification
		json.NewDecoder(r.Body).Decode(&n)
		mu.Lock()
		statuses = append(statuses, n.Status)
		mu.Unlock()
	}))
	defer srv.Close()
	var once sync.Once
	unblock := func() { once.Do(func() { close(release) }) }
	defer unblock()

	b := newBench(t, depthRules(srv.URL, nil), NotifyOptions{QueueSize: 2})
	const flips = 20
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range flips {
			b.flip(i%2 == 0, t0.Add(time.Duration(i)*time.Minute))
		}
	}()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("evaluation waited for the webhook")
	}
	dropped := int(counterValue(t, b, "plexus_alert_notifications_dropped_total"))
	// One in flight and two queued at most; the rest were dropped.
	if dropped < flips-3 || dropped > flips-1 {
		t.Errorf("%d dropped of %d, want at least %d", dropped, flips, flips-3)
	}
	if !strings.Contains(b.logs.String(), "alert webhook queue full") {
		t.Error("the first drop was not logged")
	}
	unblock()
	waitFor(t, "the queued notifications", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(statuses) == flips-dropped
	})
	mu.Lock()
	first := statuses[0]
	mu.Unlock()
	if first != "firing" {
		t.Errorf("first notification %q, want firing", first)
	}
	waitFor(t, "the drop count in the log", func() bool {
		return strings.Contains(b.logs.String(), fmt.Sprintf(`"msg":"alert notifications dropped while the webhook queue was full","count":%d`, dropped))
	})
}

func TestWebhookRefusalNotRetried(t *testing.T) {
	h := &hook{answer: func(n int) int {
		if n == 1 {
			return http.StatusBadRequest
		}
		return http.StatusOK
	}}
	srv := httptest.NewServer(h)
	defer srv.Close()
	b := newBench(t, depthRules(srv.URL, nil), NotifyOptions{Backoff: time.Millisecond})
	b.flip(true, t0)
	b.flip(false, t0.Add(time.Minute))
	waitFor(t, "the second notification", func() bool { return len(h.received()) >= 1 })
	h.mu.Lock()
	defer h.mu.Unlock()
	// The refused firing notification was not sent again: the second
	// request is the resolved one.
	if h.requests != 2 || h.bodies[0].Status != "resolved" {
		t.Errorf("%d requests, accepted %+v", h.requests, h.bodies)
	}
	if !strings.Contains(b.logs.String(), `"msg":"alert webhook refused a notification","status":400`) {
		t.Errorf("refusal not logged:\n%s", b.logs.String())
	}
}

func TestWebhookApplied(t *testing.T) {
	first, second := &hook{}, &hook{}
	s1, s2 := httptest.NewServer(first), httptest.NewServer(second)
	defer s1.Close()
	defer s2.Close()
	b := newBench(t, depthRules(s1.URL, nil), NotifyOptions{})
	b.flip(true, t0)
	waitFor(t, "the first webhook", func() bool { return len(first.received()) == 1 })
	b.ev.Apply(depthRules(s2.URL, nil))
	b.flip(false, t0.Add(time.Minute))
	waitFor(t, "the second webhook", func() bool { return len(second.received()) == 1 })
	// Without a webhook, notifications go only to the log.
	b.ev.Apply(rules(config.AlertRule{Name: "depth", Kind: config.AlertQueueDepth, Threshold: 10}))
	b.flip(true, t0.Add(2*time.Minute))
	b.ev.Close()
	if len(first.received()) != 1 || len(second.received()) != 1 {
		t.Errorf("received %d and %d, want 1 each", len(first.received()), len(second.received()))
	}
}

func TestCloseAbandonsQueue(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	b := newBench(t, depthRules(srv.URL, nil), NotifyOptions{})
	for i := range 5 {
		b.flip(i%2 == 0, t0.Add(time.Duration(i)*time.Minute))
	}
	b.ev.Close() // returns although the webhook never answers
	if !strings.Contains(b.logs.String(), `"msg":"alert notifications not sent at shutdown"`) {
		t.Errorf("unsent notifications not logged:\n%s", b.logs.String())
	}
}

// counterValue reads a counter without labels from the bench's registry.
func counterValue(t *testing.T, b *bench, name string) float64 {
	t.Helper()
	families, err := b.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() == name && len(f.GetMetric()) == 1 {
			return f.GetMetric()[0].GetCounter().GetValue()
		}
	}
	t.Fatalf("no counter %s", name)
	return 0
}
