package http

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	nethttp "net/http"
	"strings"
	"testing"
	"time"

	"github.com/plexus-health/plexus/connector/internal/conntest"
	"github.com/plexus-health/plexus/engine"
)

func TestSourceOptions(t *testing.T) {
	tests := []struct {
		yaml string
		want string // substring of the error; "" for none
	}{
		{"listen: 127.0.0.1:0", ""},
		{"listen: ':8080'\npath: /hl7/in\nmax_body_size: 1024\ncontent_types: [application/hl7-v2, text/*]", ""},
		{"listen: ':8443'\ntls: {cert: s.crt, key: s.key}\nretry_after: 30s", ""},
		{"", "listen: required"},
		{"listen: ':8080'\npath: hl7", `path: "hl7" is not a clean absolute path`},
		{"listen: ':8080'\npath: /hl7/", `path: "/hl7/" is not a clean absolute path`},
		{"listen: ':8080'\npath: /{id}", "path:"},
		{"listen: ':8080'\nmax_body_size: -1", "max_body_size: must not be negative"},
		{"listen: ':8080'\nrate_limit: {per_second: 10, burst: 20}", ""},
		{"listen: ':8080'\nrate_limit: {per_second: -1}", "rate_limit.per_second: must not be negative"},
		{"listen: ':8080'\ncontent_types: ['text/[']", "content_types[0]:"},
		{"listen: ':8080'\ncontent_types: [json]", "content_types[0]:"},
		{"listen: ':8080'\ncontent_types: [Text/Plain]", "content_types[0]:"},
		{"listen: ':8080'\ntls: {key: s.key}", "tls.cert: required"},
		{"listen: ':8080'\nwrite_timeout: -1s", "write_timeout: must not be negative"},
		{"listen: ':8080'\nmethods: [GET]", "field methods not found"},
	}
	for _, tt := range tests {
		_, err := NewSource(conntest.Env(t, nil), conntest.Options(tt.yaml))
		conntest.CheckErr(t, tt.yaml, err, tt.want)
	}
}

// startSource starts an HTTP source with the given options (listen is
// added); it is stopped when the test ends. It returns the source and the
// URL of its endpoint.
func startSource(t *testing.T, opts string, recv engine.Receiver, logs *conntest.SyncBuffer) (*Source, string) {
	t.Helper()
	src, err := NewSource(conntest.Env(t, logs), conntest.Options("listen: 127.0.0.1:0\npath: /in\n"+opts))
	if err != nil {
		t.Fatal(err)
	}
	if err := src.Start(t.Context(), recv); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := src.Stop(ctx); err != nil {
			t.Errorf("stopping source: %v", err)
		}
	})
	s := src.(*Source)
	scheme := "http"
	if s.cfg.TLS != nil {
		scheme = "https"
	}
	return s, scheme + "://" + s.Addr().String() + "/in"
}

// post sends body with the Content-Type ct ("" for none) and returns the
// status, the response Content-Type and the body.
func post(t *testing.T, client *nethttp.Client, url, ct, body string) (int, string, string) {
	t.Helper()
	req, err := nethttp.NewRequestWithContext(t.Context(), "POST", url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header.Get("Content-Type"), string(b)
}

func TestSourceContentTypes(t *testing.T) {
	var logs conntest.SyncBuffer
	recv := &conntest.Receiver{}
	_, url := startSource(t, "", recv, &logs)
	hl7 := string(conntest.Message("CT1"))
	tests := []struct {
		header, body string
		status       int
		engineType   string // content type the engine got; "" when refused
	}{
		{"application/hl7-v2", hl7, 200, engine.ContentHL7v2},
		{"x-application/hl7-v2+er7", hl7, 200, engine.ContentHL7v2},
		{"text/plain; charset=utf-8", hl7, 200, engine.ContentHL7v2},
		{"text/plain", "\xef\xbb\xbf\r\n" + hl7, 200, engine.ContentHL7v2},
		{"", hl7, 200, engine.ContentHL7v2},
		{"text/plain", "free text", 200, engine.ContentText},
		{"text/csv", "a,b\n1,2\n", 200, "text/csv"},
		{"application/json", `{"resourceType":"Patient"}`, 200, engine.ContentJSON},
		{"application/fhir+json", `{"resourceType":"Patient"}`, 200, engine.ContentFHIR},
		{"", `{"event":"x"}`, 200, engine.ContentJSON},
		{"application/xml", "<a/>", 200, "application/xml"},
		{"", "free text", 415, ""},
		{"application/octet-stream", "\x00\x01", 415, ""},
		{"application/x-www-form-urlencoded", hl7, 415, ""},
		{"text/plain; charset", hl7, 415, ""},
		{"application/hl7-v2", "", 400, ""},
		{"application/hl7-v2", " \r\n", 400, ""},
	}
	for _, tt := range tests {
		before := len(recv.Received())
		status, ct, body := post(t, nethttp.DefaultClient, url, tt.header, tt.body)
		name := tt.header + " " + tt.body[:min(len(tt.body), 12)]
		if status != tt.status {
			t.Errorf("%s: status %d, want %d (%s)", name, status, tt.status, body)
		}
		got := recv.Received()[before:]
		switch {
		case tt.engineType == "" && len(got) != 0:
			t.Errorf("%s: refused with %d, but the engine got it", name, status)
		case tt.engineType == "":
		case len(got) != 1:
			t.Errorf("%s: engine got %d messages", name, len(got))
		case got[0].ContentType != tt.engineType || string(got[0].Raw) != tt.body || got[0].Source != "http" || got[0].Remote == "":
			t.Errorf("%s: engine got %+v", name, got[0])
		case tt.engineType == engine.ContentHL7v2:
			if ct != engine.ContentHL7v2 || !strings.Contains(body, "MSA|AA|CT1") {
				t.Errorf("%s: answered %s %q, want the ACK", name, ct, body)
			}
		default:
			var answer struct {
				ID     int64
				Status string
			}
			if err := json.Unmarshal([]byte(body), &answer); err != nil || answer.ID == 0 || answer.Status != "accepted" || ct != engine.ContentJSON {
				t.Errorf("%s: answered %s %q, want JSON with id and status", name, ct, body)
			}
		}
	}
	conntest.NoContentLogged(t, &logs, "DOE^JANE")
}

func TestSourceRejections(t *testing.T) {
	recv := &conntest.Receiver{Reply: func(in *engine.Inbound) *engine.Reply {
		return conntest.AckFor(in, "AE")
	}}
	_, url := startSource(t, "content_types: [application/hl7-v2, application/json]", recv, nil)

	status, ct, body := post(t, nethttp.DefaultClient, url, "application/hl7-v2", string(conntest.Message("BAD1")))
	if status != 400 || ct != engine.ContentHL7v2 || !strings.Contains(body, "MSA|AE|BAD1") {
		t.Errorf("AE: %d %s %q, want 400 with the ACK", status, ct, body)
	}
	status, _, body = post(t, nethttp.DefaultClient, url, "application/json", `{}`)
	if status != 400 || !strings.Contains(body, `"status":"rejected"`) {
		t.Errorf("refused JSON: %d %q", status, body)
	}
	// Types outside the configured list are refused.
	if status, _, _ := post(t, nethttp.DefaultClient, url, "text/plain", string(conntest.Message("T1"))); status != 415 {
		t.Errorf("text/plain not in content_types: status %d, want 415", status)
	}
	// Only POST to the configured path.
	resp, err := nethttp.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 405 {
		t.Errorf("GET: %d, want 405", resp.StatusCode)
	}
	if status, _, _ := post(t, nethttp.DefaultClient, strings.TrimSuffix(url, "/in")+"/other", "application/json", "{}"); status != 404 {
		t.Errorf("other path: %d, want 404", status)
	}
}

func TestSourceUnavailable(t *testing.T) {
	var logs conntest.SyncBuffer
	recv := &conntest.Receiver{Fail: func(*engine.Inbound) error { return errors.New("journal full") }}
	_, url := startSource(t, "retry_after: 1500ms", recv, &logs)
	req, _ := nethttp.NewRequest("POST", url, strings.NewReader(string(conntest.Message("U1"))))
	req.Header.Set("Content-Type", "application/hl7-v2")
	resp, err := nethttp.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 503 || resp.Header.Get("Retry-After") != "2" {
		t.Errorf("status %d, Retry-After %q; want 503 and 2", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	if !strings.Contains(logs.String(), "journal full") {
		t.Errorf("failure not logged:\n%s", logs.String())
	}
	conntest.NoContentLogged(t, &logs, "DOE^JANE")
}

func TestSourceBodyTooLarge(t *testing.T) {
	recv := &conntest.Receiver{}
	_, url := startSource(t, "max_body_size: 100", recv, nil)
	big := strings.Repeat("x", 101)
	if status, _, _ := post(t, nethttp.DefaultClient, url, "text/plain", big); status != 413 {
		t.Errorf("with Content-Length: status %d, want 413", status)
	}
	// Without Content-Length the limit applies while reading.
	req, _ := nethttp.NewRequest("POST", url, io.MultiReader(strings.NewReader(big)))
	req.Header.Set("Content-Type", "text/plain")
	req.ContentLength = -1
	resp, err := nethttp.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 413 {
		t.Errorf("chunked: status %d, want 413", resp.StatusCode)
	}
	if status, _, _ := post(t, nethttp.DefaultClient, url, "text/plain", big[:100]); status != 200 {
		t.Errorf("at the limit: status %d, want 200", status)
	}
	if n := len(recv.Received()); n != 1 {
		t.Errorf("engine got %d messages, want 1", n)
	}
}

// TestSourceStopFinishesRequests stops the source while a message is being
// journaled: the sender still gets its answer, and Stop waits for it.
func TestSourceStopFinishesRequests(t *testing.T) {
	entered, release := make(chan struct{}), make(chan struct{})
	recv := &conntest.Receiver{Fail: func(*engine.Inbound) error {
		close(entered)
		<-release
		return nil
	}}
	src, err := NewSource(conntest.Env(t, nil), conntest.Options("listen: 127.0.0.1:0"))
	if err != nil {
		t.Fatal(err)
	}
	if err := src.Start(t.Context(), recv); err != nil {
		t.Fatal(err)
	}
	url := "http://" + src.(*Source).Addr().String() + "/"
	status := make(chan int)
	go func() {
		resp, err := nethttp.Post(url, "application/json", strings.NewReader(`{}`))
		if err != nil {
			status <- 0
			return
		}
		resp.Body.Close()
		status <- resp.StatusCode
	}()
	<-entered
	stopped := make(chan error)
	go func() { stopped <- src.Stop(context.Background()) }()
	select {
	case err := <-stopped:
		t.Fatalf("Stop returned (%v) before the request was answered", err)
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	if got := <-status; got != 200 {
		t.Errorf("in-flight request: status %d, want 200", got)
	}
	if err := <-stopped; err != nil {
		t.Errorf("Stop: %v", err)
	}
	if _, err := nethttp.Post(url, "application/json", strings.NewReader(`{}`)); err == nil {
		t.Error("a stopped source answered")
	}
}

func TestAccepted(t *testing.T) {
	tests := []struct {
		ct       string
		code     string
		accepted bool
		want     bool
	}{
		{engine.ContentHL7v2, "AA", true, true},
		{engine.ContentHL7v2, "CA", true, true},
		{engine.ContentHL7v2, "AE", true, false}, // stored, but the ACK says AE
		{engine.ContentHL7v2, "AR", false, false},
		{engine.ContentHL7v2, "CR", false, false},
		{engine.ContentHL7v2, "", true, true},    // no acknowledgement: the flag
		{engine.ContentHL7v2, "201", true, true}, // a relayed HTTP status: the flag
		{engine.ContentHL7v2, "500", false, false},
		{engine.ContentJSON, "", true, true},
		{engine.ContentJSON, "", false, false},
	}
	for _, tt := range tests {
		if got := accepted(tt.ct, &engine.Reply{Code: tt.code, Accepted: tt.accepted}); got != tt.want {
			t.Errorf("accepted(%s, code %q, accepted %v) = %v, want %v", tt.ct, tt.code, tt.accepted, got, tt.want)
		}
	}
}

// TestSourceRateLimit limits a client to its burst: the next message is
// answered 429 with Retry-After and never reaches the engine.
func TestSourceRateLimit(t *testing.T) {
	recv := &conntest.Receiver{}
	_, url := startSource(t, "rate_limit: {per_second: 0.01, burst: 2}", recv, nil)
	for i, want := range []int{200, 200, 429} {
		req, err := nethttp.NewRequestWithContext(t.Context(), "POST", url, strings.NewReader(string(conntest.Message(fmt.Sprintf("RL%d", i)))))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/hl7-v2")
		resp, err := nethttp.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Fatalf("message %d: %d, want %d", i+1, resp.StatusCode, want)
		}
		if want == 429 && resp.Header.Get("Retry-After") != "100" {
			t.Errorf("Retry-After %q, want 100", resp.Header.Get("Retry-After"))
		}
	}
	if n := len(recv.Received()); n != 2 {
		t.Errorf("engine got %d messages, want 2", n)
	}
}
