package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/plexus-health/plexus/bench"
	"github.com/plexus-health/plexus/format/hl7v2"
	"github.com/plexus-health/plexus/transport/mllp"
)

// freePort returns a loopback address nobody listens on right now.
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// sink is an MLLP receiver that records every control ID it is given, in
// order, and can be told to refuse connections.
type sink struct {
	srv  *mllp.Server
	at   string
	mu   sync.Mutex
	ids  []string
	seen map[string]int
	got  chan string
}

func newSink(t *testing.T) *sink {
	t.Helper()
	s := &sink{seen: map[string]int{}, got: make(chan string, 100000)}
	s.srv = &mllp.Server{Logger: slog.New(slog.DiscardHandler), Handler: mllp.HandlerFunc(func(ctx context.Context, m *mllp.Message) ([]byte, error) {
		msg, err := hl7v2.Parse(m.Payload)
		if err != nil {
			return hl7v2.NakRaw(m.Payload, err, hl7v2.AckOptions{})
		}
		id := msg.ControlID()
		s.mu.Lock()
		s.ids = append(s.ids, id)
		s.seen[id]++
		s.mu.Unlock()
		s.got <- id
		return hl7v2.Ack(msg, hl7v2.AckAccept, hl7v2.AckOptions{})
	})}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.at = ln.Addr().String()
	go s.srv.Serve(ln)
	t.Cleanup(func() { s.srv.Close() })
	return s
}

func (s *sink) addr() string { return s.at }

func (s *sink) count(id string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.seen[id]
}

// logBuffer collects a child's output from its copying goroutine.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// serveProc is a running "plexus serve".
type serveProc struct {
	cmd   *exec.Cmd
	admin string
	out   *logBuffer
	// key is the local admin API key serve wrote to the data directory
	// on its first start; client sends it with every request and follows
	// no redirects.
	key    string
	client *http.Client
}

// keyTransport sends the admin API key as a bearer token.
type keyTransport struct{ key string }

func (k keyTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+k.key)
	return http.DefaultTransport.RoundTrip(r)
}

var servingRE = regexp.MustCompile(`admin API on https?://(\S+)`)

func startServe(t *testing.T, cfg, data string) *serveProc {
	t.Helper()
	if plexusBin == "" {
		t.Skip("the plexus binary could not be built")
	}
	p := &serveProc{out: &logBuffer{}}
	p.cmd = exec.Command(plexusBin, "serve", "--config", cfg, "--data", data, "--sync", "NORMAL")
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	p.cmd.Stderr = p.out
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := servingRE.FindStringSubmatch(sc.Text()); m != nil {
				lines <- m[1]
			}
		}
		close(lines)
	}()
	select {
	case addr, ok := <-lines:
		if !ok {
			p.cmd.Wait()
			t.Fatalf("plexus serve exited:\n%s", tail(p.out.String(), 3000))
		}
		p.admin = addr
		p.useLocalKey(t, data)
	case <-time.After(30 * time.Second):
		p.cmd.Process.Kill()
		t.Fatalf("plexus serve did not start:\n%s", tail(p.out.String(), 3000))
	}
	t.Cleanup(func() {
		if p.cmd.ProcessState == nil {
			p.cmd.Process.Kill()
			p.cmd.Wait()
		}
	})
	return p
}

// useLocalKey reads the admin API key serve wrote to data on its first
// start and sets up p.client to send it.
func (p *serveProc) useLocalKey(t *testing.T, data string) {
	t.Helper()
	key, err := os.ReadFile(filepath.Join(data, "admin.key"))
	if err != nil {
		p.kill()
		t.Fatalf("the local admin key: %v", err)
	}
	p.key = strings.TrimSpace(string(key))
	p.client = &http.Client{
		Transport:     keyTransport{p.key},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

func (p *serveProc) stop(t *testing.T) {
	t.Helper()
	p.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("plexus serve: %v\n%s", err, tail(p.out.String(), 3000))
		}
	case <-time.After(30 * time.Second):
		p.cmd.Process.Kill()
		t.Errorf("plexus serve did not stop on SIGTERM")
	}
}

func (p *serveProc) kill() {
	p.cmd.Process.Kill()
	p.cmd.Wait()
}

func (p *serveProc) getJSON(t *testing.T, path string, v any) {
	t.Helper()
	resp, err := p.client.Get("http://" + p.admin + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", path, resp.StatusCode, body)
	}
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("GET %s: %v: %s", path, err, body)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestServeEndToEnd runs a channel over real sockets: MLLP in, a filter, a
// transform, and delivery to an MLLP receiver, an HTTP endpoint and files.
func TestServeEndToEnd(t *testing.T) {
	dir := t.TempDir()
	in := freePort(t)
	lab := newSink(t)
	var httpMu sync.Mutex
	var posted []string
	web := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		httpMu.Lock()
		posted = append(posted, r.Header.Get("X-Control-ID")+" "+r.Header.Get("Content-Type")+" "+string(b))
		httpMu.Unlock()
		w.WriteHeader(http.StatusCreated)
	}))
	defer web.Close()
	out := filepath.Join(dir, "out")
	cfg := filepath.Join(dir, "plexus.yaml")
	writeFile(t, cfg, fmt.Sprintf(`version: 1
admin: {listen: "127.0.0.1:0"}
tables:
  patient-class: {I: IP, O: OP}
channels:
  - name: adt
    source: {type: mllp, listen: "%s"}
    filter: 'type == "ADT" && trigger in ["A01", "A04"]'
    transform:
      - set: {path: MSH-5, value: LAB}
      - map: {path: PV1-2, table: patient-class, keep_unmapped: true}
    destinations:
      - name: lab
        type: mllp
        address: "%s"
      - name: web
        type: http
        url: "%s/hl7"
        headers: {X-Control-ID: "{{.ControlID}}"}
        transform:
          - to_json: {}
      - name: archive
        type: file
        dir: "%s"
        filename: "{{.ControlID}}.hl7"
`, in, lab.addr(), web.URL, out))
	p := startServe(t, cfg, filepath.Join(dir, "data"))

	c := &mllp.Client{Addr: in}
	defer c.Close()
	const n = 20
	for i := range n {
		trigger := "A01"
		if i%4 == 3 {
			trigger = "A08" // filtered out
		}
		msg := fmt.Sprintf("MSH|^~\\&|EPIC|HOSP|ANY|HOSP|20240101120000||ADT^%s^ADT_A01|E%d|P|2.5\rPID|1||%d^^^HOSP^MR||Doe^John||19800101|M\rPV1|1|I\r", trigger, i, 1000+i)
		ack, err := c.Send(context.Background(), []byte(msg))
		if err != nil {
			t.Fatalf("message %d: %v (%q)", i, err, ack)
		}
	}
	// A malformed message gets a negative ACK and is kept.
	if _, err := c.Send(context.Background(), []byte("MSH|^~\\&|EPIC|HOSP|ANY|HOSP|2024||ADT^A01||P|2.5\r")); err == nil {
		t.Error("message without MSH-10 was accepted")
	}
	want := n - n/4
	deadline := time.After(30 * time.Second)
	for got := 0; got < want; got++ {
		select {
		case <-lab.got:
		case <-deadline:
			t.Fatalf("lab received %d of %d\n%s", got, want, tail(p.out.String(), 3000))
		}
	}
	for {
		httpMu.Lock()
		nposted := len(posted)
		httpMu.Unlock()
		files, _ := os.ReadDir(out)
		if nposted == want && len(files) == want {
			break
		}
		select {
		case <-deadline:
			t.Fatalf("web got %d, archive %d files, want %d", nposted, len(files), want)
		case <-time.After(20 * time.Millisecond):
		}
	}
	lab.mu.Lock()
	for i, id := range lab.ids {
		if want := fmt.Sprintf("E%d", []int{0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, 16, 17, 18}[i]); id != want {
			t.Errorf("lab message %d is %s, want %s (order)", i, id, want)
		}
	}
	lab.mu.Unlock()
	stored, err := os.ReadFile(filepath.Join(out, "E0.hl7"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := hl7v2.Parse(stored)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := m.Get("MSH-5"); got != "LAB" {
		t.Errorf("transform not applied: MSH-5 = %q", got)
	}
	if got, _ := m.Get("PV1-2"); got != "IP" {
		t.Errorf("code not mapped: PV1-2 = %q", got)
	}
	httpMu.Lock()
	if !strings.HasPrefix(posted[0], "E0 application/json {") {
		t.Errorf("web got %q", posted[0][:min(len(posted[0]), 80)])
	}
	httpMu.Unlock()

	var list struct {
		Messages []struct {
			ID        int64  `json:"id"`
			ControlID string `json:"control_id"`
			Status    string `json:"status"`
		} `json:"messages"`
	}
	p.getJSON(t, "/api/v1/messages?channel=adt&limit=100", &list)
	statuses := map[string]int{}
	for _, m := range list.Messages {
		statuses[m.Status]++
	}
	if len(list.Messages) != n+1 || statuses["filtered"] != n/4 || statuses["error"] != 1 {
		t.Errorf("journal holds %d messages %v", len(list.Messages), statuses)
	}
	resp, err := p.client.Get("http://" + p.admin + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(metrics), `plexus_messages_received_total{channel="adt"} 21`) {
		t.Errorf("metrics lack the received count")
	}
	// The FHIR API is served beside the admin API.
	patient := `{"resourceType":"Patient","name":[{"family":"Fhirtest","given":["Ada"]}],"birthDate":"1970-01-01"}`
	resp, err = p.client.Post("http://"+p.admin+"/fhir/Patient", "application/fhir+json", strings.NewReader(patient))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusCreated || !strings.Contains(loc, "/fhir/Patient/") {
		t.Fatalf("FHIR create: %d %q", resp.StatusCode, loc)
	}
	var read map[string]any
	p.getJSON(t, loc[strings.Index(loc, "/fhir/"):], &read)
	if read["birthDate"] != "1970-01-01" || read["meta"] == nil {
		t.Errorf("FHIR read back %v", read)
	}
	// A transaction goes to the base itself, /fhir, answered there (a
	// redirect to /fhir/ is not followed for a POST); search finds it.
	tx := `{"resourceType":"Bundle","type":"transaction","entry":[{"fullUrl":"urn:uuid:0b8a5d3e-1c2f-4a6b-9d7e-8f9a0b1c2d3e",` +
		`"resource":{"resourceType":"Patient","name":[{"family":"Txtest"}]},"request":{"method":"POST","url":"Patient"}}]}`
	resp, err = p.client.Post("http://"+p.admin+"/fhir", "application/fhir+json", strings.NewReader(tx))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("transaction to /fhir: %d", resp.StatusCode)
	}
	var found struct{ Total int }
	p.getJSON(t, "/fhir/Patient?name=txtest", &found)
	if found.Total != 1 {
		t.Errorf("search after the transaction: total %d", found.Total)
	}
	if strings.Contains(p.out.String(), "Doe") || strings.Contains(p.out.String(), "Fhirtest") || strings.Contains(p.out.String(), "Txtest") {
		t.Error("the log contains patient data")
	}
	p.stop(t)
}

// TestServeCrashLosesNothing kills plexus serve with SIGKILL while senders
// are sending, restarts it, and checks that every message that was
// acknowledged reaches the destination.
func TestServeCrashLosesNothing(t *testing.T) {
	dir := t.TempDir()
	in := freePort(t)
	dest := newSink(t)
	cfg := filepath.Join(dir, "plexus.yaml")
	writeFile(t, cfg, fmt.Sprintf(`version: 1
admin: {listen: "127.0.0.1:0"}
channels:
  - name: feed
    source: {type: mllp, listen: "%s"}
    destinations:
      - name: out
        type: mllp
        address: "%s"
        retry: {initial_backoff: 10ms, max_backoff: 200ms}
`, in, dest.addr()))
	data := filepath.Join(dir, "data")
	p := startServe(t, cfg, data)

	var mu sync.Mutex
	acked := map[string]bool{}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := &mllp.Client{Addr: in, AckTimeout: 5 * time.Second}
			defer c.Close()
			for i := 0; ctx.Err() == nil && i < 100000; i++ {
				msg := bench.SampleADT(w*1000000 + i)
				if _, err := c.Send(ctx, msg); err == nil {
					m, _ := hl7v2.Parse(msg)
					mu.Lock()
					acked[m.ControlID()] = true
					mu.Unlock()
				} else {
					time.Sleep(10 * time.Millisecond) // the node is down; try again
				}
			}
		}()
	}
	waitFor := func(n int) {
		deadline := time.Now().Add(30 * time.Second)
		for {
			mu.Lock()
			got := len(acked)
			mu.Unlock()
			if got >= n || time.Now().After(deadline) {
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	waitFor(300)
	p.kill() // SIGKILL mid-run
	mu.Lock()
	atKill := len(acked)
	mu.Unlock()
	p = startServe(t, cfg, data)
	waitFor(atKill + 300)
	cancel()
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	deadline := time.Now().Add(60 * time.Second)
	for id := range acked {
		for dest.count(id) == 0 {
			if time.Now().After(deadline) {
				t.Fatalf("acknowledged message %s never delivered (%d acknowledged, %d at kill)", id, len(acked), atKill)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	t.Logf("%d messages acknowledged, %d before the SIGKILL; all delivered", len(acked), atKill)
	p.stop(t)
}

// runPlexus runs the built binary and returns its exit status and output.
func runPlexus(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(plexusBin, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	status := 0
	if ee, ok := err.(*exec.ExitError); ok {
		status = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return status, out.String(), errb.String()
}

// TestServeMessagesAndDLQ drives the operator verbs against a running
// node: a destination refuses messages (HTTP 400, a permanent failure),
// they are dead-lettered, listed, and replayed once it accepts them.
func TestServeMessagesAndDLQ(t *testing.T) {
	dir := t.TempDir()
	in := freePort(t)
	var mu sync.Mutex
	refuse := true
	var accepted []string
	web := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if refuse {
			http.Error(w, "unknown patient", http.StatusBadRequest)
			return
		}
		accepted = append(accepted, r.Header.Get("X-Control-ID"))
		w.WriteHeader(http.StatusOK)
	}))
	defer web.Close()
	cfg := filepath.Join(dir, "plexus.yaml")
	writeFile(t, cfg, fmt.Sprintf(`version: 1
admin: {listen: "127.0.0.1:0"}
channels:
  - name: orders
    source: {type: mllp, listen: "%s"}
    destinations:
      - name: web
        type: http
        url: "%s"
        headers: {X-Control-ID: "{{.ControlID}}"}
`, in, web.URL))
	p := startServe(t, cfg, filepath.Join(dir, "data"))
	server := "http://" + p.admin
	// The CLI finds the local admin key in the data directory; without
	// one the admin API refuses it.
	t.Setenv("PLEXUS_API_KEY", "")
	if status, out, errOut := runPlexus(t, "messages", "list", "--server", server, "--data", filepath.Join(dir, "data")); status != 0 {
		t.Fatalf("messages list with the data directory's key: %d %s %s", status, out, errOut)
	}
	if status, _, errOut := runPlexus(t, "messages", "list", "--server", server, "--data", t.TempDir()); status == 0 {
		t.Fatalf("messages list without a key succeeded: %s", errOut)
	} else {
		t.Logf("without a key: %s", errOut)
	}
	t.Setenv("PLEXUS_API_KEY", p.key)
	c := &mllp.Client{Addr: in}
	defer c.Close()
	for i := range 3 {
		msg := fmt.Sprintf("MSH|^~\\&|EPIC|HOSP|ANY|HOSP|20240101120000||ORM^O01^ORM_O01|O%d|P|2.5\rPID|1||%d^^^HOSP^MR\r", i, 500+i)
		if _, err := c.Send(context.Background(), []byte(msg)); err != nil {
			t.Fatal(err)
		}
	}
	var out string
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		_, out, _ = runPlexus(t, "dlq", "list", "--server", server, "--channel", "orders")
		if strings.Count(out, "\n") == 4 || time.Now().After(deadline) {
			break
		}
	}
	if strings.Count(out, " web ") != 3 || strings.Count(out, "400") != 3 {
		t.Fatalf("dlq list:\n%s", out)
	}
	t.Logf("dlq list:\n%s", out)
	status, out, _ := runPlexus(t, "messages", "list", "--server", server, "--status", "dead")
	if status != 0 || strings.Count(out, "ORM^O01") != 3 || !strings.Contains(out, "O2") {
		t.Fatalf("messages list: %d\n%s", status, out)
	}
	status, out, _ = runPlexus(t, "messages", "show", "--server", server, "1")
	if status != 0 || !strings.Contains(out, "delivery 1 to web: dead after 1 attempts: ") || !strings.Contains(out, "400") {
		t.Errorf("messages show: %d\n%s", status, out)
	}
	if status, _, errOut := runPlexus(t, "dlq", "replay", "--server", server); status != exitUsage || !strings.Contains(errOut, "--all") {
		t.Errorf("dlq replay without a selector: %d %s", status, errOut)
	}
	if status, _, errOut := runPlexus(t, "messages", "show", "--server", server, "99"); status != exitFailure || !strings.Contains(errOut, "not found") {
		t.Errorf("messages show 99: %d %s", status, errOut)
	}
	mu.Lock()
	refuse = false
	mu.Unlock()
	status, out, _ = runPlexus(t, "dlq", "replay", "--server", server, "--channel", "orders", "--destination", "web")
	if status != 0 || !strings.Contains(out, "3 deliveries queued again") {
		t.Fatalf("dlq replay: %d %s", status, out)
	}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		mu.Lock()
		n := len(accepted)
		mu.Unlock()
		if n == 3 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after replay %d of 3 delivered", n)
		}
	}
	mu.Lock()
	if strings.Join(accepted, ",") != "O0,O1,O2" {
		t.Errorf("replayed out of order: %v", accepted)
	}
	mu.Unlock()
	status, out, _ = runPlexus(t, "messages", "resend", "--server", server, "1")
	if status != 0 || !strings.Contains(out, "1 deliveries queued again") {
		t.Errorf("messages resend: %d %s", status, out)
	}
	status, out, _ = runPlexus(t, "messages", "content", "--server", server, "1")
	if status != 0 || !strings.HasPrefix(out, "MSH|^~\\&|EPIC") {
		t.Errorf("messages content: %d %q", status, out)
	}
	p.stop(t)
}
