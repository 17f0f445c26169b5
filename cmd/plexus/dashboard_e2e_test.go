package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/plexus-health/plexus/format/hl7v2"
	"github.com/plexus-health/plexus/transport/mllp"
)

// chromiumPath is where the dashboard test looks for the browser; .ci/run
// installs it there.
const chromiumPath = "/usr/bin/chromium"

// flakySink is an MLLP receiver that acknowledges with AA, or with AE (an
// application error, which the destination retries) while failing is set.
type flakySink struct {
	addr    string
	failing atomic.Bool
	mu      sync.Mutex
	got     map[string]int // accepted control IDs
}

func newFlakySink(t *testing.T) *flakySink {
	t.Helper()
	s := &flakySink{got: map[string]int{}}
	srv := &mllp.Server{Logger: slog.New(slog.DiscardHandler), Handler: mllp.HandlerFunc(func(ctx context.Context, m *mllp.Message) ([]byte, error) {
		msg, err := hl7v2.Parse(m.Payload)
		if err != nil {
			return hl7v2.NakRaw(m.Payload, err, hl7v2.AckOptions{})
		}
		if s.failing.Load() {
			return hl7v2.Ack(msg, hl7v2.AckError, hl7v2.AckOptions{})
		}
		s.mu.Lock()
		s.got[msg.ControlID()]++
		s.mu.Unlock()
		return hl7v2.Ack(msg, hl7v2.AckAccept, hl7v2.AckOptions{})
	})}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.addr = ln.Addr().String()
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return s
}

func (s *flakySink) accepted(id string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.got[id]
}

// TestDashboardEndToEnd drives the dashboard of a running "plexus serve" in
// headless Chromium: an operator with the phi permission logs in, watches
// a message sent over MLLP appear live, opens it and its delivery, sees a
// message the destination refuses dead-lettered, and replays it once the
// destination accepts again. With PLEXUS_SCREENSHOTS=dir it saves PNG
// screenshots of the main pages there.
func TestDashboardEndToEnd(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skipf("no browser at %s (apt-get install chromium): the dashboard is not tested in a browser", chromiumPath)
	}
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	in := freePort(t)
	lab := newFlakySink(t)
	cfg := filepath.Join(dir, "plexus.yaml")
	writeFile(t, cfg, fmt.Sprintf(`version: 1
admin: {listen: "127.0.0.1:0"}
channels:
  - name: adt
    source: {type: mllp, listen: "%s"}
    destinations:
      - name: lab
        type: mllp
        address: "%s"
        retry: {max_attempts: 2, initial_backoff: 100ms, max_backoff: 200ms}
        transform:
          - set: {path: MSH-5, value: LAB}
`, in, lab.addr))
	p := startServe(t, cfg, data)
	base := "http://" + p.admin

	const password = "dashboard-e2e-password"
	t.Setenv("PLEXUS_PASSWORD", password)
	if status, _, errOut := runPlexus(t, "users", "add", "opal", "--role", "operator", "--phi", "--data", data); status != 0 {
		t.Fatalf("users add: %d %s", status, errOut)
	}
	if status, _, errOut := runPlexus(t, "users", "add", "audra", "--role", "auditor", "--data", data); status != 0 {
		t.Fatalf("users add: %d %s", status, errOut)
	}

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1400, 1000),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancelBrowser := chromedp.NewContext(actx)
	defer cancelBrowser()
	ctx, cancel := context.WithTimeout(ctx, 4*time.Minute)
	defer cancel()
	// Confirmations (replay, stop) are accepted.
	chromedp.ListenTarget(ctx, func(ev any) {
		if _, ok := ev.(*page.EventJavascriptDialogOpening); ok {
			go chromedp.Run(ctx, page.HandleJavaScriptDialog(true))
		}
	})
	run := func(what string, actions ...chromedp.Action) {
		t.Helper()
		if err := chromedp.Run(ctx, actions...); err != nil {
			t.Fatalf("%s: %v\n%s", what, err, tail(p.out.String(), 3000))
		}
	}
	shots := os.Getenv("PLEXUS_SCREENSHOTS")
	shoot := func(name string) {
		t.Helper()
		if shots == "" {
			return
		}
		var png []byte
		run("screenshot "+name, chromedp.FullScreenshot(&png, 100))
		if err := os.WriteFile(filepath.Join(shots, "dashboard-"+name+".png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// waitFor reloads the page until the selector is there: for what
	// changes after the page was made, without a live stream.
	waitFor := func(what, url, sel string) {
		t.Helper()
		deadline := time.Now().Add(60 * time.Second)
		for {
			var n int
			run("load "+url, chromedp.Navigate(url), chromedp.WaitReady("body"),
				chromedp.Evaluate(fmt.Sprintf("document.querySelectorAll(%q).length", sel), &n))
			if n > 0 {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: %s never showed %s\n%s", what, url, sel, tail(p.out.String(), 3000))
			}
			time.Sleep(200 * time.Millisecond)
		}
	}

	// Anonymous: / leads to the login form. A wrong password is refused.
	var location string
	run("login form", chromedp.Navigate(base+"/"), chromedp.WaitVisible("#user", chromedp.ByID), chromedp.Location(&location))
	if !strings.HasPrefix(location, base+"/ui/login") {
		t.Fatalf("/ led to %s", location)
	}
	shoot("login")
	var errText string
	run("bad login", chromedp.SendKeys("#user", "opal", chromedp.ByID), chromedp.SendKeys("#password", "wrong password", chromedp.ByID),
		chromedp.Click("#login", chromedp.ByID), chromedp.WaitVisible(".error"), chromedp.Text(".error", &errText))
	if !strings.Contains(errText, "Invalid user name or password") {
		t.Errorf("bad login says %q", errText)
	}
	run("login", chromedp.SendKeys("#password", password, chromedp.ByID),
		chromedp.Click("#login", chromedp.ByID), chromedp.WaitVisible(`[data-channel="adt"]`))

	// The message list, live: a message sent now appears without a reload.
	run("messages", chromedp.Navigate(base+"/ui/messages"), chromedp.WaitVisible("#live-state.on"))
	c := &mllp.Client{Addr: in}
	defer c.Close()
	send := func(control string) {
		t.Helper()
		msg := fmt.Sprintf("MSH|^~\\&|EPIC|HOSP|ANY|HOSP|20240101120000||ADT^A01^ADT_A01|%s|P|2.5\rPID|1||%s^^^HOSP^MR||Testperson^Dana||19800101|F\rPV1|1|I\r", control, "MRN-"+control)
		if _, err := c.Send(context.Background(), []byte(msg)); err != nil {
			t.Fatalf("sending %s: %v", control, err)
		}
	}
	send("DASH1")
	run("live message", chromedp.WaitVisible(`//tbody[@id="message-rows"]/tr[contains(., "DASH1")]`, chromedp.BySearch))
	if shots != "" {
		// A fuller list for the picture.
		for i := range 6 {
			send(fmt.Sprintf("DASH1-%d", i))
		}
		run("more live messages", chromedp.WaitVisible(`//tbody[@id="message-rows"]/tr[contains(., "DASH1-5")]`, chromedp.BySearch),
			chromedp.Reload(), chromedp.WaitVisible("#live-state.on"))
	}
	shoot("messages")

	// Its page: the delivery to lab, delivered, with its attempt.
	var href string
	run("message link", chromedp.AttributeValue(`//tbody[@id="message-rows"]/tr[contains(., "DASH1")]//a`, "href", &href, nil, chromedp.BySearch))
	waitFor("delivered", base+href, `[data-field="delivery-status"].st-delivered`)
	var delivery string
	run("delivery", chromedp.Text(".delivery", &delivery))
	if !strings.Contains(delivery, "lab") || !strings.Contains(delivery, "delivered") {
		t.Errorf("delivery shows %q", delivery)
	}
	// The operator holds phi: the content, the parsed tree and the
	// transform output are a click away.
	run("content", chromedp.Click("#show-content", chromedp.ByID), chromedp.WaitVisible("#tree", chromedp.ByID))
	var tree, payload string
	run("tree", chromedp.Text("#tree", &tree), chromedp.Text(".payload pre", &payload))
	if !strings.Contains(tree, "PID-3.1") || !strings.Contains(tree, "MRN-DASH1") {
		t.Errorf("the parsed tree shows %.300q", tree)
	}
	if !strings.Contains(payload, "|LAB|") {
		t.Errorf("the transform output shows %.200q", payload)
	}
	shoot("message")

	// The destination fails: the next message is dead-lettered and listed.
	lab.failing.Store(true)
	send("DASH2")
	waitFor("dead letter", base+"/ui/dlq", `[data-queue="adt/lab"]`)
	var dlq string
	run("dlq", chromedp.Text(`[data-queue="adt/lab"]`, &dlq))
	if !strings.Contains(dlq, "1 dead") {
		t.Errorf("dead letters show %q", dlq)
	}
	run("channels", chromedp.Navigate(base+"/ui/"), chromedp.WaitVisible(`[data-channel="adt"]`))
	shoot("channels")
	run("dlq again", chromedp.Navigate(base+"/ui/dlq"), chromedp.WaitVisible(`[data-queue="adt/lab"]`))
	shoot("dlq")

	// It recovers; the dead letter is selected and replayed, and delivered.
	lab.failing.Store(false)
	var notice string
	run("replay", chromedp.Click(`[data-queue="adt/lab"] tbody input[type=checkbox]`),
		chromedp.Click(`[data-queue="adt/lab"] button[form="replay-selected"]`),
		chromedp.WaitVisible(".notice"), chromedp.Text(".notice", &notice))
	if notice != "Replayed 1 dead letters." {
		t.Errorf("after the replay: %q", notice)
	}
	for deadline := time.Now().Add(30 * time.Second); lab.accepted("DASH2") == 0; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the replayed message never reached lab\n%s", tail(p.out.String(), 3000))
		}
	}
	run("messages after replay", chromedp.Navigate(base+"/ui/messages?control_id=DASH2"),
		chromedp.WaitVisible(`//tbody[@id="message-rows"]/tr[contains(., "DASH2")]//a`, chromedp.BySearch),
		chromedp.AttributeValue(`//tbody[@id="message-rows"]/tr[contains(., "DASH2")]//a`, "href", &href, nil, chromedp.BySearch))
	waitFor("replayed and delivered", base+href, `#message-status.st-delivered`)

	// The operator pauses the channel and resumes it.
	var state string
	run("pause", chromedp.Navigate(base+"/ui/"), chromedp.Click(`form[action="/ui/channels/adt/pause"] button`),
		chromedp.WaitVisible(`[data-channel="adt"] .state-paused`), chromedp.Text(".notice", &notice))
	if notice != "Channel paused." {
		t.Errorf("after pausing: %q", notice)
	}
	run("resume", chromedp.Click(`form[action="/ui/channels/adt/resume"] button`),
		chromedp.WaitVisible(`[data-channel="adt"] .state-running`), chromedp.Text(`[data-channel="adt"] [data-field="state"]`, &state))
	if state != "running" {
		t.Errorf("after resuming: %q", state)
	}

	// The auditor sees the log, content views among them, and nothing else.
	run("logout", chromedp.Click(`button.link`), chromedp.WaitVisible("#user", chromedp.ByID))
	run("auditor login", chromedp.SendKeys("#user", "audra", chromedp.ByID), chromedp.SendKeys("#password", password, chromedp.ByID),
		chromedp.Click("#login", chromedp.ByID), chromedp.WaitVisible("#audit-rows", chromedp.ByID))
	var audit string
	run("audit", chromedp.Text("#audit-rows", &audit))
	if !strings.Contains(audit, "admin.messages.content") || !strings.Contains(audit, "admin.dlq.replay") || !strings.Contains(audit, "opal") {
		t.Errorf("the audit log shows %.500q", audit)
	}
	shoot("audit")
}
