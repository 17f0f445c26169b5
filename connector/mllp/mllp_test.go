package mllp

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/plexus-health/plexus/connector/internal/conntest"
	"github.com/plexus-health/plexus/engine"
	transport "github.com/plexus-health/plexus/transport/mllp"
)

func TestSourceOptions(t *testing.T) {
	tests := []struct {
		yaml string
		want string // substring of the error; "" for none
	}{
		{"listen: 127.0.0.1:0", ""},
		{"listen: ':2575'\nmax_connections: 10\nread_timeout: 5s\nidle_timeout: 1m", ""},
		{"listen: ':2575'\ntls: {cert: a.crt, key: a.key, client_ca: ca.crt}", ""},
		{"", "listen: required"},
		{"listen: localhost", `listen: "localhost" is not host:port`},
		{"listen: ':http'", `port "http" is not a number`},
		{"listen: ':2575'\nmax_connections: -1", "max_connections: must not be negative"},
		{"listen: ':2575'\nread_timeout: -1s", "read_timeout: must not be negative"},
		{"listen: ':2575'\ntls: {cert: a.crt}", "tls.key: required"},
		{"listen: ':2575'\ntls: {cert: a.crt, key: a.key, client_ca: ca.crt, allowed_clients: [lab-system]}", ""},
		{"listen: ':2575'\ntls: {cert: a.crt, key: a.key, allowed_clients: [lab-system]}", "tls.allowed_clients: needs tls.client_ca"},
		{"listen: ':2575'\nport: 1", "field port not found"},
		{"listen: ':2575'\nread_timeout: soon", "soon"},
	}
	for _, tt := range tests {
		_, err := NewSource(conntest.Env(t, nil), conntest.Options(tt.yaml))
		conntest.CheckErr(t, tt.yaml, err, tt.want)
	}
}

func TestDestinationOptions(t *testing.T) {
	tests := []struct {
		yaml string
		want string
	}{
		{"address: 127.0.0.1:2575", ""},
		{"address: lab:2575\non_ae: dead_letter\non_ar: retry\nack_timeout: 5s", ""},
		{"address: lab:2575\ntls: {ca: ca.crt, server_name: lab, insecure_skip_verify: true}", ""},
		{"", "address: required"},
		{"address: ':2575'", "host required"},
		{"address: lab:0", "port 0 cannot be connected to"},
		{"address: lab:2575\non_ae: ignore", `on_ae: "ignore" is not one of`},
		{"address: lab:2575\non_ar: drop", `on_ar: "drop" is not one of`},
		{"address: lab:2575\ntls: {cert: c.crt}", "tls.key: required when tls.cert is set"},
		{"address: lab:2575\nack_timeout: -5s", "ack_timeout: must not be negative"},
		{"address: lab:2575\nretries: 3", "field retries not found"},
	}
	for _, tt := range tests {
		_, err := NewDestination(conntest.Env(t, nil), conntest.Options(tt.yaml))
		conntest.CheckErr(t, tt.yaml, err, tt.want)
	}
}

// startSource starts an MLLP source with the given options (listen is
// added) and returns it; it is stopped when the test ends.
func startSource(t *testing.T, opts string, recv engine.Receiver, logs *conntest.SyncBuffer) *Source {
	t.Helper()
	src, err := NewSource(conntest.Env(t, logs), conntest.Options("listen: 127.0.0.1:0\n"+opts))
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
	return src.(*Source)
}

func TestSourceAcksWhatTheReceiverReplies(t *testing.T) {
	var logs conntest.SyncBuffer
	codes := map[string]string{"MSG1": "AA", "MSG2": "AE", "MSG3": "AR"}
	recv := &conntest.Receiver{Reply: func(in *engine.Inbound) *engine.Reply {
		for id, code := range codes {
			if strings.Contains(string(in.Raw), "|"+id+"|") {
				return conntest.AckFor(in, code)
			}
		}
		return nil
	}}
	src := startSource(t, "", recv, &logs)
	c := &transport.Client{Addr: src.Addr().String()}
	defer c.Close()

	for _, id := range []string{"MSG1", "MSG2", "MSG3"} {
		ack, err := c.Send(t.Context(), conntest.Message(id))
		if want := "MSA|" + codes[id] + "|" + id + "|"; !strings.Contains(string(ack), want) {
			t.Errorf("%s: ack %q, want it to contain %q", id, ack, want)
		}
		var nak *transport.AckError
		if codes[id] == "AA" && err != nil || codes[id] != "AA" && !errors.As(err, &nak) {
			t.Errorf("%s: Send error %v", id, err)
		}
	}
	got := recv.Received()
	if len(got) != 3 {
		t.Fatalf("received %d messages, want 3", len(got))
	}
	in := got[0]
	if in.Source != "mllp" || in.ContentType != engine.ContentHL7v2 || in.Remote == "" || in.ReceivedAt.IsZero() {
		t.Errorf("inbound = %+v", in)
	}
	if string(in.Raw) != string(conntest.Message("MSG1")) {
		t.Errorf("raw = %q", in.Raw)
	}
	conntest.NoContentLogged(t, &logs, "DOE^JANE")
}

func TestSourceClosesWithoutAckWhenNotStored(t *testing.T) {
	var logs conntest.SyncBuffer
	var fail atomic.Bool
	fail.Store(true)
	recv := &conntest.Receiver{Fail: func(*engine.Inbound) error {
		if fail.Load() {
			return errors.New("journal unavailable")
		}
		return nil
	}}
	src := startSource(t, "", recv, &logs)
	c := &transport.Client{Addr: src.Addr().String()}
	defer c.Close()

	ack, err := c.Send(t.Context(), conntest.Message("MSG1"))
	if err == nil || ack != nil {
		t.Fatalf("Send = %q, %v; want no ack and an error", ack, err)
	}
	var nak *transport.AckError
	if errors.As(err, &nak) {
		t.Fatalf("got a negative ack %v, want the connection closed", err)
	}
	if n := len(recv.Received()); n != 0 {
		t.Fatalf("%d messages stored", n)
	}

	// The sender retries, and this time the journal takes it.
	fail.Store(false)
	if _, err := c.Send(t.Context(), conntest.Message("MSG1")); err != nil {
		t.Fatalf("retry: %v", err)
	}
	recv.WaitFor(t, 1)
	if !strings.Contains(logs.String(), "closing connection without response") {
		t.Errorf("refusal not logged:\n%s", logs.String())
	}
	conntest.NoContentLogged(t, &logs, "DOE^JANE")
}

func TestSourceRefusesOversizedMessage(t *testing.T) {
	recv := &conntest.Receiver{}
	src := startSource(t, "max_message_size: 200", recv, nil)
	c := &transport.Client{Addr: src.Addr().String()}
	defer c.Close()

	big := append(conntest.Message("BIG"), []byte(strings.Repeat("NTE|1||x\r", 20))...)
	if ack, err := c.Send(t.Context(), big); err == nil || ack != nil {
		t.Fatalf("Send = %q, %v; want the connection closed", ack, err)
	}
	if _, err := c.Send(t.Context(), conntest.Message("SMALL")); err != nil {
		t.Fatalf("small message after a big one: %v", err)
	}
	if got := recv.Received(); len(got) != 1 || !strings.Contains(string(got[0].Raw), "SMALL") {
		t.Fatalf("received %d messages", len(got))
	}
}

func TestSourceStartAndStop(t *testing.T) {
	src, err := NewSource(conntest.Env(t, nil), conntest.Options("listen: 127.0.0.1:0"))
	if err != nil {
		t.Fatal(err)
	}
	// Stopping a source that never started is harmless.
	if err := src.Stop(t.Context()); err != nil {
		t.Fatal(err)
	}
	src, _ = NewSource(conntest.Env(t, nil), conntest.Options("listen: 127.0.0.1:0"))
	if err := src.Start(t.Context(), &conntest.Receiver{}); err != nil {
		t.Fatal(err)
	}
	if err := src.Start(t.Context(), &conntest.Receiver{}); err == nil {
		t.Error("second Start succeeded")
	}
	addr := src.(*Source).Addr().String()

	// Another source cannot take the same address.
	other, _ := NewSource(conntest.Env(t, nil), conntest.Options("listen: "+addr))
	if err := other.Start(t.Context(), &conntest.Receiver{}); err == nil {
		t.Error("two sources listen on one address")
	}

	if err := src.Stop(t.Context()); err != nil {
		t.Fatal(err)
	}
	c := &transport.Client{Addr: addr}
	defer c.Close()
	if _, err := c.Send(t.Context(), conntest.Message("LATE")); err == nil {
		t.Error("a stopped source acknowledged a message")
	}
}

func TestSourceTLSFileErrorAtStart(t *testing.T) {
	src, err := NewSource(conntest.Env(t, nil), conntest.Options("listen: 127.0.0.1:0\ntls: {cert: missing.crt, key: missing.key}"))
	if err != nil {
		t.Fatalf("the factory must not read files: %v", err)
	}
	if err := src.Start(t.Context(), &conntest.Receiver{}); err == nil || !strings.Contains(err.Error(), "missing.crt") {
		t.Fatalf("Start = %v, want an error naming the certificate file", err)
	}
}

// fakeReceiver starts an MLLP server that answers each message with what
// respond returns, and returns its address.
func fakeReceiver(t *testing.T, respond func(ctx context.Context, payload []byte) []byte) string {
	t.Helper()
	srv := &transport.Server{
		Handler: transport.HandlerFunc(func(ctx context.Context, m *transport.Message) ([]byte, error) {
			return respond(ctx, m.Payload), nil
		}),
		// Close does not wait for connections to end: they must not log
		// to the test after it finished.
		Logger: slog.New(slog.DiscardHandler),
	}
	ln := listen(t)
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

func newDestination(t *testing.T, opts string, logs *conntest.SyncBuffer) *Destination {
	t.Helper()
	d, err := NewDestination(conntest.Env(t, logs), conntest.Options(opts))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.(*Destination).Close() })
	return d.(*Destination)
}

func outbound(controlID string) *engine.Outbound {
	return &engine.Outbound{MessageID: 7, Channel: "test", Destination: "dest", Attempt: 1,
		ContentType: engine.ContentHL7v2, Payload: conntest.Message(controlID)}
}

func TestDestinationAckPolicies(t *testing.T) {
	addr := fakeReceiver(t, func(_ context.Context, p []byte) []byte {
		// The control ID names the code to answer with.
		s := string(p)
		for _, code := range []string{"AA", "AE", "AR", "CA", "CE", "CR"} {
			if strings.Contains(s, "|"+code+"1|") {
				return conntest.Ack(code, code+"1", "because")
			}
		}
		if strings.Contains(s, "|BAD1|") {
			return []byte("this is not an ack")
		}
		return conntest.Ack("AA", "SOMEONE-ELSE", "")
	})
	tests := []struct {
		opts      string
		controlID string
		status    string
		ok        bool
		permanent bool
	}{
		{"", "AA1", "AA", true, false},
		{"", "CA1", "CA", true, false},
		{"", "AE1", "AE", false, false},
		{"", "CE1", "CE", false, false},
		{"", "AR1", "AR", false, true},
		{"", "CR1", "CR", false, true},
		{"on_ae: dead_letter", "AE1", "AE", false, true},
		{"on_ar: retry", "AR1", "AR", false, false},
		{"", "BAD1", "", false, false},     // not an ACK: retry
		{"", "OTHER1", "AA", false, false}, // ACK for another message: retry
	}
	for _, tt := range tests {
		var logs conntest.SyncBuffer
		d := newDestination(t, "address: "+addr+"\n"+tt.opts, &logs)
		resp, err := d.Deliver(t.Context(), outbound(tt.controlID))
		name := tt.controlID + " " + tt.opts
		if (err == nil) != tt.ok || engine.IsPermanent(err) != tt.permanent {
			t.Errorf("%s: err = %v (permanent %v), want ok %v permanent %v", name, err, engine.IsPermanent(err), tt.ok, tt.permanent)
		}
		if resp == nil {
			t.Errorf("%s: no response", name)
			continue
		}
		if resp.Status != tt.status || len(resp.Body) == 0 {
			t.Errorf("%s: response %q %q, want status %q", name, resp.Status, resp.Body, tt.status)
		}
		var nak *transport.AckError
		if !tt.ok && tt.status != "" && tt.status != "AA" && !errors.As(err, &nak) {
			t.Errorf("%s: error %v is not an *AckError", name, err)
		}
		conntest.NoContentLogged(t, &logs, "DOE^JANE")
	}
}

func TestDestinationFailures(t *testing.T) {
	// Nothing listens on this address any more.
	ln := listen(t)
	addr := ln.Addr().String()
	ln.Close()
	d := newDestination(t, "address: "+addr+"\nconnect_timeout: 2s", nil)
	if _, err := d.Deliver(t.Context(), outbound("X1")); err == nil || engine.IsPermanent(err) {
		t.Errorf("unreachable receiver: err = %v, want a retryable error", err)
	}

	// A payload MLLP cannot frame will never go through.
	bad := outbound("X2")
	bad.Payload = append(bad.Payload, 0x1c)
	if _, err := d.Deliver(t.Context(), bad); !engine.IsPermanent(err) {
		t.Errorf("payload with FS: err = %v, want permanent", err)
	}

	// A receiver that never answers: the ack timeout ends the attempt.
	silent := fakeReceiver(t, func(ctx context.Context, _ []byte) []byte {
		<-ctx.Done() // cancelled by the server's Close
		return nil
	})
	d = newDestination(t, "address: "+silent+"\nack_timeout: 100ms", nil)
	if _, err := d.Deliver(t.Context(), outbound("X3")); err == nil || engine.IsPermanent(err) {
		t.Errorf("silent receiver: err = %v, want a retryable error", err)
	}

	// After Close, deliveries fail.
	addrOK := fakeReceiver(t, func(context.Context, []byte) []byte { return conntest.Ack("AA", "X4", "") })
	d = newDestination(t, "address: "+addrOK, nil)
	if _, err := d.Deliver(t.Context(), outbound("X4")); err != nil {
		t.Fatal(err)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Deliver(t.Context(), outbound("X4")); !errors.Is(err, transport.ErrClientClosed) {
		t.Errorf("after Close: err = %v", err)
	}
}

// TestTLS sends through an MLLP destination to an MLLP source over mutual
// TLS, and checks that a sender without a client certificate or one that
// does not trust the server is refused.
func TestTLS(t *testing.T) {
	pki := conntest.NewPKI(t)
	recv := &conntest.Receiver{}
	src := startSource(t, "tls: {cert: "+pki.ServerCert+", key: "+pki.ServerKey+", client_ca: "+pki.CA+"}", recv, nil)
	addr := src.Addr().String()

	d := newDestination(t, "address: "+addr+"\ntls: {ca: "+pki.CA+", cert: "+pki.ClientCert+", key: "+pki.ClientKey+"}", nil)
	resp, err := d.Deliver(t.Context(), outbound("TLS1"))
	if err != nil {
		t.Fatalf("mutual TLS delivery: %v", err)
	}
	if resp.Status != "AA" {
		t.Errorf("status %q", resp.Status)
	}
	if got := recv.WaitFor(t, 1); !strings.Contains(string(got[0].Raw), "TLS1") {
		t.Errorf("received %q", got[0].Raw)
	}

	refused := []struct{ name, opts string }{
		{"no client certificate", "tls: {ca: " + pki.CA + "}"},
		{"untrusted server", "tls: {ca: " + pki.OtherCA + ", cert: " + pki.ClientCert + ", key: " + pki.ClientKey + "}"},
		{"no TLS", ""},
	}
	for _, tt := range refused {
		d := newDestination(t, "address: "+addr+"\nack_timeout: 2s\n"+tt.opts, nil)
		if _, err := d.Deliver(t.Context(), outbound("TLS2")); err == nil {
			t.Errorf("%s: delivered", tt.name)
		}
	}
	if n := len(recv.Received()); n != 1 {
		t.Errorf("received %d messages, want 1", n)
	}

	// Server-only TLS, verified by server name.
	src2 := startSource(t, "tls: {cert: "+pki.ServerCert+", key: "+pki.ServerKey+"}", recv, nil)
	d = newDestination(t, "address: "+src2.Addr().String()+"\ntls: {ca: "+pki.CA+", server_name: localhost}", nil)
	if _, err := d.Deliver(t.Context(), outbound("TLS3")); err != nil {
		t.Errorf("server TLS: %v", err)
	}
}

// TestTLSAllowedClients pins an MLLP partner: the source accepts only
// client certificates whose name is in allowed_clients, even from its CA.
func TestTLSAllowedClients(t *testing.T) {
	pki := conntest.NewPKI(t)
	client := "tls: {ca: " + pki.CA + ", cert: " + pki.ClientCert + ", key: " + pki.ClientKey + "}"
	tests := []struct {
		name    string
		allowed string
		accept  bool
	}{
		{"partner listed", "[lab-system, test-client]", true},
		{"partner not listed", "[lab-system]", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recv := &conntest.Receiver{}
			src := startSource(t, "tls: {cert: "+pki.ServerCert+", key: "+pki.ServerKey+", client_ca: "+pki.CA+
				", allowed_clients: "+tt.allowed+"}", recv, nil)
			d := newDestination(t, "address: "+src.Addr().String()+"\nack_timeout: 2s\n"+client, nil)
			_, err := d.Deliver(t.Context(), outbound("PIN1"))
			if tt.accept != (err == nil) {
				t.Fatalf("accept %v: Deliver: %v", tt.accept, err)
			}
			if n := len(recv.Received()); tt.accept != (n == 1) {
				t.Errorf("received %d messages", n)
			}
		})
	}
}

func listen(t *testing.T) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln
}
