package mllp

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestServerRoundTrip(t *testing.T) {
	var got []*Message
	var mu sync.Mutex
	ts := startServer(t, HandlerFunc(func(_ context.Context, m *Message) ([]byte, error) {
		mu.Lock()
		got = append(got, m)
		mu.Unlock()
		return testAck("AA", controlIDOf(t, m.Payload), ""), nil
	}))
	c := ts.client(t)
	ctx := testContext(t)
	for i := range 3 {
		id := fmt.Sprint("MSG", i)
		ack, err := c.Send(ctx, testMessage(id))
		if err != nil {
			t.Fatalf("Send %s: %v", id, err)
		}
		if want := testAck("AA", id, ""); !bytes.Equal(ack, want) {
			t.Errorf("ack = %q, want %q", ack, want)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 3 {
		t.Fatalf("handler saw %d messages, want 3", len(got))
	}
	for i, m := range got {
		if want := testMessage(fmt.Sprint("MSG", i)); !bytes.Equal(m.Payload, want) {
			t.Errorf("message %d payload = %q, want %q", i, m.Payload, want)
		}
		if m.RemoteAddr == nil || !strings.HasPrefix(m.RemoteAddr.String(), "127.0.0.1:") {
			t.Errorf("message %d RemoteAddr = %v", i, m.RemoteAddr)
		}
		if m.TLS != nil || m.PeerSubject != "" {
			t.Errorf("message %d has TLS details on a plain connection", i)
		}
		if m.ReceivedAt.IsZero() {
			t.Errorf("message %d has no ReceivedAt", i)
		}
	}
}

func TestListenAndServe(t *testing.T) {
	s := &Server{Addr: "127.0.0.1:0", Handler: acceptAll(t), Logger: discardLogger()}
	served := make(chan error, 1)
	go func() { served <- s.ListenAndServe() }()
	waitFor(t, "the server to listen", func() bool { return s.BoundAddr() != nil })
	c := &Client{Addr: s.BoundAddr().String()}
	defer c.Close()
	if _, err := c.Send(testContext(t), testMessage("1")); err != nil {
		t.Fatalf("Send: %v", err)
	}
	if err := s.Shutdown(testContext(t)); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if err := <-served; !errors.Is(err, ErrServerClosed) {
		t.Errorf("ListenAndServe returned %v, want ErrServerClosed", err)
	}
	if err := s.ListenAndServe(); !errors.Is(err, ErrServerClosed) {
		t.Errorf("ListenAndServe after Shutdown returned %v, want ErrServerClosed", err)
	}
}

func TestServeConfigErrors(t *testing.T) {
	listen := func() net.Listener {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		return ln
	}
	if err := (&Server{}).Serve(listen()); err == nil || !strings.Contains(err.Error(), "handler") {
		t.Errorf("Serve without handler: err = %v", err)
	}
	s := &Server{Handler: acceptAll(t), TLSConfig: &tls.Config{}}
	if err := s.Serve(listen()); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("Serve with certificate-less TLS config: err = %v", err)
	}
	s = &Server{Handler: acceptAll(t)}
	s.Close()
	if err := s.Serve(listen()); !errors.Is(err, ErrServerClosed) {
		t.Errorf("Serve after Close: err = %v, want ErrServerClosed", err)
	}
}

func TestServerTLS(t *testing.T) {
	pki := newTestPKI(t, "Test CA")
	serverCert := pki.issue(t, pkix.Name{CommonName: "localhost"}, x509.ExtKeyUsageServerAuth)
	got := make(chan *Message, 1)
	ts := startServer(t, HandlerFunc(func(_ context.Context, m *Message) ([]byte, error) {
		got <- m
		return testAck("AA", controlIDOf(t, m.Payload), ""), nil
	}), func(s *Server) {
		s.TLSConfig = &tls.Config{Certificates: []tls.Certificate{serverCert}}
	})

	c := &Client{Addr: ts.addr, TLSConfig: &tls.Config{RootCAs: pki.pool}}
	defer c.Close()
	if _, err := c.Send(testContext(t), testMessage("T1")); err != nil {
		t.Fatalf("Send over TLS: %v", err)
	}
	m := <-got
	if m.TLS == nil || !m.TLS.HandshakeComplete {
		t.Errorf("Message.TLS = %v, want a completed handshake", m.TLS)
	}
	if m.PeerSubject != "" {
		t.Errorf("PeerSubject = %q without a client certificate", m.PeerSubject)
	}

	// A client that does not trust the server's CA must not send.
	untrusting := &Client{Addr: ts.addr, TLSConfig: &tls.Config{RootCAs: x509.NewCertPool()}}
	defer untrusting.Close()
	if _, err := untrusting.Send(testContext(t), testMessage("T2")); err == nil {
		t.Error("Send to an untrusted server succeeded")
	}
	// Nor may a plain-TCP client get through to the TLS listener.
	plain := ts.client(t)
	if _, err := plain.Send(testContext(t), testMessage("T3")); err == nil {
		t.Error("plain Send to a TLS server succeeded")
	}
	if len(got) != 0 {
		t.Error("handler received a message from a client that should have been refused")
	}
}

func TestServerMutualTLS(t *testing.T) {
	pki := newTestPKI(t, "Test CA")
	serverCert := pki.issue(t, pkix.Name{CommonName: "localhost"}, x509.ExtKeyUsageServerAuth)
	var received atomic.Int64
	subjects := make(chan string, 10)
	ts := startServer(t, HandlerFunc(func(_ context.Context, m *Message) ([]byte, error) {
		received.Add(1)
		subjects <- m.PeerSubject
		return testAck("AA", controlIDOf(t, m.Payload), ""), nil
	}), func(s *Server) {
		s.TLSConfig = &tls.Config{
			Certificates: []tls.Certificate{serverCert},
			ClientAuth:   tls.RequireAndVerifyClientCert,
			ClientCAs:    pki.pool,
		}
	})

	t.Run("no client certificate", func(t *testing.T) {
		c := &Client{Addr: ts.addr, TLSConfig: &tls.Config{RootCAs: pki.pool}}
		defer c.Close()
		if _, err := c.Send(testContext(t), testMessage("M1")); err == nil {
			t.Fatal("Send without a client certificate succeeded")
		}
	})
	t.Run("certificate from another CA", func(t *testing.T) {
		other := newTestPKI(t, "Other CA")
		cert := other.issue(t, pkix.Name{CommonName: "intruder"}, x509.ExtKeyUsageClientAuth)
		c := &Client{Addr: ts.addr, TLSConfig: &tls.Config{RootCAs: pki.pool, Certificates: []tls.Certificate{cert}}}
		defer c.Close()
		if _, err := c.Send(testContext(t), testMessage("M2")); err == nil {
			t.Fatal("Send with a certificate from an unknown CA succeeded")
		}
	})
	if n := received.Load(); n != 0 {
		t.Fatalf("handler received %d messages from refused clients", n)
	}
	t.Run("CA-signed certificate", func(t *testing.T) {
		cert := pki.issue(t, pkix.Name{CommonName: "lab-sender", Organization: []string{"Example Lab"}}, x509.ExtKeyUsageClientAuth)
		c := &Client{Addr: ts.addr, TLSConfig: &tls.Config{RootCAs: pki.pool, Certificates: []tls.Certificate{cert}}}
		defer c.Close()
		if _, err := c.Send(testContext(t), testMessage("M3")); err != nil {
			t.Fatalf("Send with a valid client certificate: %v", err)
		}
		if got, want := <-subjects, "CN=lab-sender,O=Example Lab"; got != want {
			t.Errorf("PeerSubject = %q, want %q", got, want)
		}
	})
	if !strings.Contains(ts.logs.String(), "tls handshake failed") {
		t.Error("refused handshakes were not logged")
	}
}

func TestServerManyConcurrentClients(t *testing.T) {
	const clients, perClient = 20, 50
	var (
		mu   sync.Mutex
		last = map[string]int{} // remote address -> last sequence number seen
	)
	var handled atomic.Int64
	ts := startServer(t, HandlerFunc(func(_ context.Context, m *Message) ([]byte, error) {
		id := controlIDOf(t, m.Payload)
		var client, seq int
		if _, err := fmt.Sscanf(id, "C%d-%d", &client, &seq); err != nil {
			t.Errorf("bad control id %q", id)
		}
		// Messages on one connection arrive one at a time, in order.
		mu.Lock()
		prev, seen := last[m.RemoteAddr.String()]
		if seen && seq != prev+1 || !seen && seq != 0 {
			t.Errorf("connection %v: message %d after %d", m.RemoteAddr, seq, prev)
		}
		last[m.RemoteAddr.String()] = seq
		mu.Unlock()
		handled.Add(1)
		return testAck("AA", id, ""), nil
	}), func(s *Server) { s.Logger = discardLogger() })

	ctx := testContext(t)
	var wg sync.WaitGroup
	for i := range clients {
		wg.Go(func() {
			c := ts.client(t)
			for j := range perClient {
				id := fmt.Sprintf("C%d-%d", i, j)
				ack, err := c.Send(ctx, testMessage(id))
				if err != nil {
					t.Errorf("Send %s: %v", id, err)
					return
				}
				// Send already checks MSA-2 against MSH-10; check the
				// bytes too.
				if !bytes.Contains(ack, []byte("MSA|AA|"+id+"|")) {
					t.Errorf("Send %s got ack %q", id, ack)
				}
			}
		})
	}
	wg.Wait()
	if n := handled.Load(); n != clients*perClient {
		t.Errorf("handled %d messages, want %d", n, clients*perClient)
	}
}

func TestClientConcurrentSends(t *testing.T) {
	// One Client shared by many goroutines: sends are serialized on its
	// connection and every caller gets the ACK to its own message.
	ts := startServer(t, acceptAll(t))
	c := ts.client(t)
	ctx := testContext(t)
	var wg sync.WaitGroup
	for i := range 10 {
		wg.Go(func() {
			for j := range 20 {
				id := fmt.Sprintf("G%d-%d", i, j)
				ack, err := c.Send(ctx, testMessage(id))
				if err != nil {
					t.Errorf("Send %s: %v", id, err)
					return
				}
				if !bytes.Contains(ack, []byte("MSA|AA|"+id+"|")) {
					t.Errorf("Send %s got ack %q", id, ack)
				}
			}
		})
	}
	wg.Wait()
}

func TestServerConnectionLimit(t *testing.T) {
	var handled atomic.Int64
	ts := startServer(t, HandlerFunc(func(_ context.Context, m *Message) ([]byte, error) {
		handled.Add(1)
		return testAck("AA", controlIDOf(t, m.Payload), ""), nil
	}), func(s *Server) { s.MaxConns = 2 })
	ctx := testContext(t)

	first, second := ts.client(t), ts.client(t)
	for _, c := range []*Client{first, second} {
		if _, err := c.Send(ctx, testMessage("ok")); err != nil {
			t.Fatalf("Send within the limit: %v", err)
		}
	}
	third := ts.client(t)
	if _, err := third.Send(ctx, testMessage("over")); err == nil {
		t.Fatal("Send on a connection over the limit succeeded")
	}
	if n := handled.Load(); n != 2 {
		t.Fatalf("handled %d messages, want 2", n)
	}
	if !strings.Contains(ts.logs.String(), "connection limit reached") {
		t.Error("refused connection was not logged")
	}

	// Once a connection closes, a new one is served.
	first.Close()
	waitFor(t, "the server to notice the closed connection", func() bool { return ts.openConns() < 2 })
	if _, err := third.Send(ctx, testMessage("later")); err != nil {
		t.Fatalf("Send after a slot freed up: %v", err)
	}
}

func TestServerIdleTimeout(t *testing.T) {
	var handled atomic.Int64
	ts := startServer(t, HandlerFunc(func(_ context.Context, m *Message) ([]byte, error) {
		handled.Add(1)
		return testAck("AA", controlIDOf(t, m.Payload), ""), nil
	}), func(s *Server) { s.IdleTimeout = 50 * time.Millisecond })

	t.Run("closes idle connection", func(t *testing.T) {
		nc := ts.dialRaw(t)
		if _, err := nc.Read(make([]byte, 1)); err != io.EOF {
			t.Fatalf("read from idle connection: err = %v, want io.EOF", err)
		}
	})

	t.Run("client reconnects without duplicating", func(t *testing.T) {
		handled.Store(0)
		c := ts.client(t)
		ctx := testContext(t)
		if _, err := c.Send(ctx, testMessage("I1")); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the idle connection to close", func() bool { return ts.openConns() == 0 })
		// The client's connection is now stale; Send finds out and
		// resends on a new connection.
		if _, err := c.Send(ctx, testMessage("I2")); err != nil {
			t.Fatalf("Send after idle close: %v", err)
		}
		if n := handled.Load(); n != 2 {
			t.Errorf("handled %d messages, want 2", n)
		}
	})

	t.Run("slow frame is not idle", func(t *testing.T) {
		// Once a frame has begun, the idle timeout no longer applies
		// (ReadTimeout does, and it is unset here).
		nc := ts.dialRaw(t)
		msg := appendFrame(nil, testMessage("SLOW"))
		if _, err := nc.Write(msg[:10]); err != nil {
			t.Fatal(err)
		}
		time.Sleep(150 * time.Millisecond) // three idle timeouts
		if _, err := nc.Write(msg[10:]); err != nil {
			t.Fatal(err)
		}
		ack, err := NewReader(nc, 0).ReadFrame()
		if err != nil {
			t.Fatalf("reading ack: %v", err)
		}
		if !bytes.Contains(ack, []byte("MSA|AA|SLOW|")) {
			t.Errorf("ack = %q", ack)
		}
	})
}

func TestServerReadTimeout(t *testing.T) {
	ts := startServer(t, acceptAll(t), func(s *Server) { s.ReadTimeout = 50 * time.Millisecond })
	nc := ts.dialRaw(t)
	if _, err := nc.Write([]byte("\vMSH|^~\\&|partial")); err != nil {
		t.Fatal(err)
	}
	if _, err := nc.Read(make([]byte, 1)); err != io.EOF {
		t.Fatalf("read after stalling mid-frame: err = %v, want io.EOF", err)
	}
	waitFor(t, "the timeout to be logged", func() bool {
		return strings.Contains(ts.logs.String(), "read timeout inside a message")
	})
}

func TestServerFrameTooLarge(t *testing.T) {
	var handled atomic.Int64
	ts := startServer(t, HandlerFunc(func(_ context.Context, m *Message) ([]byte, error) {
		handled.Add(1)
		return testAck("AA", "x", ""), nil
	}), func(s *Server) { s.MaxMessageSize = 64 })
	nc := ts.dialRaw(t)
	if _, err := nc.Write(appendFrame(nil, testMessage("BIG"))); err != nil {
		t.Fatal(err)
	}
	if _, err := nc.Read(make([]byte, 1)); err == nil {
		t.Fatal("server answered an oversized message")
	}
	if handled.Load() != 0 {
		t.Error("handler saw an oversized message")
	}
	waitFor(t, "the refusal to be logged", func() bool {
		return strings.Contains(ts.logs.String(), "message too large")
	})
}

func TestServerGarbageBetweenFrames(t *testing.T) {
	ts := startServer(t, acceptAll(t))
	nc := ts.dialRaw(t)
	in := "\r\n" + string(appendFrame(nil, testMessage("G1"))) + "\n" + string(appendFrame(nil, testMessage("G2")))
	if _, err := nc.Write([]byte(in)); err != nil {
		t.Fatal(err)
	}
	rd := NewReader(nc, 0)
	for _, id := range []string{"G1", "G2"} {
		ack, err := rd.ReadFrame()
		if err != nil {
			t.Fatalf("reading ack for %s: %v", id, err)
		}
		if !bytes.Contains(ack, []byte("MSA|AA|"+id+"|")) {
			t.Errorf("ack = %q, want one for %s", ack, id)
		}
	}
	nc.Close()
	waitFor(t, "the discard count to be logged", func() bool {
		return strings.Contains(ts.logs.String(), "discarded_bytes=3")
	})
}

func TestServerNoResponse(t *testing.T) {
	// A nil response sends nothing; the connection carries on.
	ts := startServer(t, HandlerFunc(func(_ context.Context, m *Message) ([]byte, error) {
		id := controlIDOf(t, m.Payload)
		if id == "QUIET" {
			return nil, nil
		}
		return testAck("AA", id, ""), nil
	}))
	nc := ts.dialRaw(t)
	w := NewWriter(nc)
	for _, id := range []string{"QUIET", "LOUD"} {
		if err := w.WriteFrame(testMessage(id)); err != nil {
			t.Fatal(err)
		}
	}
	ack, err := NewReader(nc, 0).ReadFrame()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(ack, []byte("MSA|AA|LOUD|")) {
		t.Errorf("first response = %q, want the ACK to LOUD", ack)
	}
}

func TestServerHandlerFailure(t *testing.T) {
	tests := []struct {
		name    string
		handler HandlerFunc
		logged  string
	}{
		{"error", func(context.Context, *Message) ([]byte, error) {
			return nil, errors.New("journal unavailable")
		}, "journal unavailable"},
		{"panic", func(_ context.Context, m *Message) ([]byte, error) {
			panic("boom " + string(m.Payload))
		}, "handler panicked"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var calls atomic.Int64
			ts := startServer(t, HandlerFunc(func(ctx context.Context, m *Message) ([]byte, error) {
				if calls.Add(1) == 1 {
					return tt.handler(ctx, m)
				}
				return testAck("AA", controlIDOf(t, m.Payload), ""), nil
			}))
			// The failing message gets no response: the connection closes.
			nc := ts.dialRaw(t)
			if err := NewWriter(nc).WriteFrame(testMessage("F1")); err != nil {
				t.Fatal(err)
			}
			if _, err := NewReader(nc, 0).ReadFrame(); err != io.EOF {
				t.Fatalf("after handler failure: err = %v, want io.EOF", err)
			}
			if !strings.Contains(ts.logs.String(), tt.logged) {
				t.Errorf("log does not mention %q", tt.logged)
			}
			// The server goes on serving.
			if _, err := ts.client(t).Send(testContext(t), testMessage("F2")); err != nil {
				t.Fatalf("Send after handler failure: %v", err)
			}
		})
	}
}

func TestServerGracefulShutdown(t *testing.T) {
	entered, release := make(chan struct{}), make(chan struct{})
	ts := startServer(t, HandlerFunc(func(_ context.Context, m *Message) ([]byte, error) {
		id := controlIDOf(t, m.Payload)
		if id == "SLOW" {
			close(entered)
			<-release
		}
		return testAck("AA", id, ""), nil
	}))
	ctx := testContext(t)

	// An idle connection, which shutdown closes at once.
	idle := ts.dialRaw(t)
	if err := NewWriter(idle).WriteFrame(testMessage("IDLE")); err != nil {
		t.Fatal(err)
	}
	idleReader := NewReader(idle, 0)
	if _, err := idleReader.ReadFrame(); err != nil {
		t.Fatal(err)
	}

	// A connection whose message is being handled.
	type result struct {
		ack []byte
		err error
	}
	sent := make(chan result, 1)
	go func() {
		ack, err := ts.client(t).Send(ctx, testMessage("SLOW"))
		sent <- result{ack, err}
	}()
	<-entered

	shutdown := make(chan error, 1)
	go func() { shutdown <- ts.Shutdown(ctx) }()

	if _, err := idleReader.ReadFrame(); err != io.EOF {
		t.Fatalf("idle connection during shutdown: err = %v, want io.EOF", err)
	}
	select {
	case err := <-shutdown:
		t.Fatalf("Shutdown returned (%v) while a handler was still running", err)
	default:
	}
	if nc, err := net.Dial("tcp", ts.addr); err == nil {
		nc.Close()
		t.Error("server accepted a connection during shutdown")
	}

	close(release)
	r := <-sent
	if r.err != nil {
		t.Fatalf("in-flight Send during shutdown: %v", r.err)
	}
	if !bytes.Contains(r.ack, []byte("MSA|AA|SLOW|")) {
		t.Errorf("in-flight ack = %q", r.ack)
	}
	if err := <-shutdown; err != nil {
		t.Errorf("Shutdown: %v", err)
	}
	if n := ts.openConns(); n != 0 {
		t.Errorf("%d connections open after Shutdown returned", n)
	}
}

func TestServerShutdownDeadline(t *testing.T) {
	entered := make(chan struct{})
	ts := startServer(t, HandlerFunc(func(ctx context.Context, m *Message) ([]byte, error) {
		close(entered)
		<-ctx.Done() // a handler stuck until cancelled
		return nil, ctx.Err()
	}))
	sent := make(chan error, 1)
	go func() {
		_, err := ts.client(t).Send(testContext(t), testMessage("STUCK"))
		sent <- err
	}()
	<-entered
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := ts.Shutdown(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Shutdown = %v, want context.DeadlineExceeded", err)
	}
	if err := <-sent; err == nil {
		t.Error("Send succeeded although its handler never answered")
	}
}
