package http

import (
	"errors"
	"io"
	nethttp "net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/plexus-health/plexus/connector/internal/conntest"
	"github.com/plexus-health/plexus/engine"
)

func TestDestinationOptions(t *testing.T) {
	tests := []struct {
		yaml string
		want string
	}{
		{"url: http://127.0.0.1:8080/in", ""},
		{"url: https://fhir.example.org/hl7\nmethod: put\nsuccess_codes: [200, 201]\ntimeout: 5s\ntls: {ca: ca.crt}", ""},
		{"url: http://x/\nheaders: {X-Control-ID: '{{.ControlID}}', Idempotency-Key: '{{.Channel}}-{{.MessageID}}'}", ""},
		{"", "url: required"},
		{"url: ftp://x/", "is not an http:// or https:// URL"},
		{"url: /relative", "is not an http:// or https:// URL"},
		{"url: http://x/\ntls: {ca: ca.crt}", "tls: set, but url is not https"},
		{"url: http://x/\nmethod: GET", `method: "GET" is not one of`},
		{"url: http://x/\nsuccess_codes: [200, 1000]", "success_codes[1]: 1000 is not an HTTP status code"},
		{"url: http://x/\nheaders: {X-Id: '{{.ControlId}}'}", "headers.X-Id:"},
		{"url: http://x/\nheaders: {X-Id: '{{.ControlID'}", "headers.X-Id:"},
		{"url: http://x/\nheaders: {'Bad Name': v}", "headers.Bad Name: not a valid header name"},
		{"url: http://x/\nheaders: {content-length: '1'}", "headers.content-length: set by the HTTP client"},
		{"url: https://x/\ntls: {key: k.pem}", "tls.cert: required when tls.key is set"},
		{"url: http://x/\ntimeout: -1s", "timeout: must not be negative"},
		{"url: http://x/\nretry: true", "field retry not found"},
	}
	for _, tt := range tests {
		_, err := NewDestination(conntest.Env(t, nil), conntest.Options(tt.yaml))
		conntest.CheckErr(t, tt.yaml, err, tt.want)
	}
}

func newDestination(t *testing.T, opts string) *Destination {
	t.Helper()
	d, err := NewDestination(conntest.Env(t, nil), conntest.Options(opts))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.(*Destination).Close() })
	return d.(*Destination)
}

func outbound(controlID string) *engine.Outbound {
	return &engine.Outbound{MessageID: 7, Channel: "adt", Destination: "fhir", Attempt: 2,
		ContentType: engine.ContentHL7v2, Payload: conntest.Message(controlID),
		Message: &engine.Message{ControlID: controlID, Type: "ADT", Trigger: "A01", PatientID: "12345"}}
}

func TestDestinationStatusClasses(t *testing.T) {
	srv := httptest.NewServer(nethttp.HandlerFunc(func(w nethttp.ResponseWriter, r *nethttp.Request) {
		// The path names the status to answer with.
		code, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/"))
		if code >= 300 && code < 400 {
			w.Header().Set("Location", "/200")
		}
		w.WriteHeader(code)
		io.WriteString(w, "answer "+strconv.Itoa(code))
	}))
	defer srv.Close()
	tests := []struct {
		code      int
		opts      string
		ok        bool
		permanent bool
	}{
		{200, "", true, false},
		{201, "", true, false},
		{204, "", true, false},
		{202, "success_codes: [200, 201]", false, true},
		{201, "success_codes: [200, 201]", true, false},
		{409, "success_codes: [200, 409]", true, false},
		{301, "", false, true},
		{307, "", false, true},
		{400, "", false, true},
		{401, "", false, true},
		{404, "", false, true},
		{422, "", false, true},
		{408, "", false, false},
		{429, "", false, false},
		{500, "", false, false},
		{502, "", false, false},
		{503, "", false, false},
	}
	for _, tt := range tests {
		d := newDestination(t, "url: "+srv.URL+"/"+strconv.Itoa(tt.code)+"\n"+tt.opts)
		resp, err := d.Deliver(t.Context(), outbound("S1"))
		if (err == nil) != tt.ok || engine.IsPermanent(err) != tt.permanent {
			t.Errorf("%d %s: err = %v (permanent %v), want ok %v permanent %v", tt.code, tt.opts, err, engine.IsPermanent(err), tt.ok, tt.permanent)
		}
		var serr *StatusError
		if !tt.ok && (!errors.As(err, &serr) || serr.StatusCode != tt.code) {
			t.Errorf("%d: error %v is not a StatusError with the code", tt.code, err)
		}
		if resp == nil || resp.Status != strconv.Itoa(tt.code) {
			t.Errorf("%d: response %+v", tt.code, resp)
			continue
		}
		if want := "answer " + strconv.Itoa(tt.code); tt.code != 204 && string(resp.Body) != want {
			t.Errorf("%d: body %q, want %q", tt.code, resp.Body, want)
		}
	}
}

func TestDestinationRequest(t *testing.T) {
	var (
		mu   sync.Mutex
		got  *nethttp.Request
		body []byte
	)
	srv := httptest.NewServer(nethttp.HandlerFunc(func(w nethttp.ResponseWriter, r *nethttp.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got, body = r, b
		mu.Unlock()
		w.Write([]byte(strings.Repeat("y", MaxResponseBody+1000)))
	}))
	defer srv.Close()

	d := newDestination(t, "url: "+srv.URL+"/fhir\nmethod: PUT\nheaders:\n"+
		"  X-Control-ID: '{{.ControlID}}'\n"+
		"  Idempotency-Key: '{{.Channel}}-{{.MessageID}}'\n"+
		"  X-Event: '{{.Type}}^{{.Trigger}} try {{.Attempt}}'\n"+
		"  Authorization: Bearer token\n")
	out := outbound("REQ1")
	resp, err := d.Deliver(t.Context(), out)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Status != "200" || len(resp.Body) != MaxResponseBody {
		t.Errorf("response %s with %d bytes, want 200 with %d", resp.Status, len(resp.Body), MaxResponseBody)
	}
	mu.Lock()
	want := map[string]string{
		"Content-Type":    engine.ContentHL7v2,
		"X-Control-Id":    "REQ1",
		"Idempotency-Key": "adt-7",
		"X-Event":         "ADT^A01 try 2",
		"Authorization":   "Bearer token",
	}
	for k, v := range want {
		if g := got.Header.Get(k); g != v {
			t.Errorf("header %s = %q, want %q", k, g, v)
		}
	}
	if got.Method != "PUT" || got.URL.Path != "/fhir" || string(body) != string(out.Payload) {
		t.Errorf("request %s %s with body %q", got.Method, got.URL.Path, body)
	}
	mu.Unlock()

	// A configured Content-Type wins over the payload's.
	d = newDestination(t, "url: "+srv.URL+"/\nheaders: {Content-Type: text/plain}")
	if _, err := d.Deliver(t.Context(), out); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if ct := got.Header.Get("Content-Type"); ct != "text/plain" {
		t.Errorf("Content-Type %q", ct)
	}
}

func TestDestinationHeaderInjection(t *testing.T) {
	srv := httptest.NewServer(nethttp.HandlerFunc(func(nethttp.ResponseWriter, *nethttp.Request) {}))
	defer srv.Close()
	d := newDestination(t, "url: "+srv.URL+"\nheaders: {X-Control-ID: '{{.ControlID}}'}")
	_, err := d.Deliver(t.Context(), outbound("A\r\nX-Evil: 1"))
	if !engine.IsPermanent(err) {
		t.Errorf("control ID with a line break: err = %v, want permanent", err)
	}
}

func TestDestinationNetworkFailures(t *testing.T) {
	stop := make(chan struct{})
	slow := httptest.NewServer(nethttp.HandlerFunc(func(w nethttp.ResponseWriter, r *nethttp.Request) {
		select {
		case <-r.Context().Done():
		case <-stop:
		}
	}))
	defer slow.Close()
	defer close(stop)
	d := newDestination(t, "url: "+slow.URL+"\ntimeout: 100ms")
	if _, err := d.Deliver(t.Context(), outbound("T1")); err == nil || engine.IsPermanent(err) {
		t.Errorf("timeout: err = %v, want a retryable error", err)
	}

	gone := httptest.NewServer(nethttp.NotFoundHandler())
	url := gone.URL
	gone.Close()
	d = newDestination(t, "url: "+url)
	if _, err := d.Deliver(t.Context(), outbound("T2")); err == nil || engine.IsPermanent(err) {
		t.Errorf("connection refused: err = %v, want a retryable error", err)
	}

	d = newDestination(t, "url: "+slow.URL)
	d.Close()
	if _, err := d.Deliver(t.Context(), outbound("T3")); err == nil {
		t.Error("delivered after Close")
	}
}

// TestTLSAllowedClients pins the HTTP source's clients by certificate
// name: one from the right CA but not listed is refused.
func TestTLSAllowedClients(t *testing.T) {
	pki := conntest.NewPKI(t)
	client := "tls: {ca: " + pki.CA + ", cert: " + pki.ClientCert + ", key: " + pki.ClientKey + "}"
	tests := []struct {
		name    string
		allowed string
		accept  bool
	}{
		{"client listed", "[ris.example.org, TEST-CLIENT]", true},
		{"client not listed", "[ris.example.org]", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recv := &conntest.Receiver{}
			_, url := startSource(t, "tls: {cert: "+pki.ServerCert+", key: "+pki.ServerKey+", client_ca: "+pki.CA+
				", allowed_clients: "+tt.allowed+"}", recv, nil)
			d := newDestination(t, "url: "+url+"\ntimeout: 5s\n"+client)
			_, err := d.Deliver(t.Context(), outbound("PIN1"))
			if tt.accept != (err == nil) {
				t.Fatalf("accept %v: Deliver: %v", tt.accept, err)
			}
			if n := len(recv.Received()); tt.accept != (n == 1) {
				t.Errorf("engine got %d messages", n)
			}
		})
	}
}

// TestTLS posts through an HTTP destination to an HTTP source over mutual
// TLS, and checks that senders without a client certificate, or not
// trusting the server, are refused.
func TestTLS(t *testing.T) {
	pki := conntest.NewPKI(t)
	recv := &conntest.Receiver{}
	_, url := startSource(t, "tls: {cert: "+pki.ServerCert+", key: "+pki.ServerKey+", client_ca: "+pki.CA+"}", recv, nil)

	d := newDestination(t, "url: "+url+"\ntls: {ca: "+pki.CA+", cert: "+pki.ClientCert+", key: "+pki.ClientKey+"}")
	resp, err := d.Deliver(t.Context(), outbound("TLS1"))
	if err != nil {
		t.Fatalf("mutual TLS: %v", err)
	}
	if resp.Status != "200" || !strings.Contains(string(resp.Body), "MSA|AA|TLS1") {
		t.Errorf("response %s %q", resp.Status, resp.Body)
	}
	for _, opts := range []string{
		"tls: {ca: " + pki.CA + "}",
		"tls: {ca: " + pki.OtherCA + ", cert: " + pki.ClientCert + ", key: " + pki.ClientKey + "}",
	} {
		d := newDestination(t, "url: "+url+"\ntimeout: 5s\n"+opts)
		if _, err := d.Deliver(t.Context(), outbound("TLS2")); err == nil || engine.IsPermanent(err) {
			t.Errorf("%s: err = %v, want a retryable error", opts, err)
		}
	}
	if n := len(recv.Received()); n != 1 {
		t.Errorf("engine got %d messages, want 1", n)
	}

	// A certificate file that cannot be read fails the delivery, not the
	// factory.
	d = newDestination(t, "url: "+url+"\ntls: {ca: /nonexistent/ca.crt}")
	if _, err := d.Deliver(t.Context(), outbound("TLS3")); err == nil || !strings.Contains(err.Error(), "/nonexistent/ca.crt") {
		t.Errorf("missing CA file: err = %v", err)
	}
}
