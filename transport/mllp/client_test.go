package mllp

import (
	"bytes"
	"context"
	"errors"
	"net"
	"os"
	"sync/atomic"
	"testing"
	"time"
)

func TestClientNegativeAcks(t *testing.T) {
	// The handler answers according to the message's control ID.
	responses := map[string][]byte{
		"AE1":   testAck("AE", "AE1", "PID-3 missing"),
		"AR1":   testAck("AR", "AR1", "", "ERR||PID^1^3|101^Required field missing^HL70357|E||||Patient identifier required"),
		"CR1":   testAck("CR", "CR1", "", "ERR||PID^1^3|207^Application internal error^HL70357|E"),
		"WRONG": testAck("AA", "SOMEONE-ELSE", ""),
		"JUNK":  []byte("this is not an HL7 message"),
		"NOMSA": []byte("MSH|^~\\&|EHR|HOSP|LAB|HOSP|20240101||ACK|X|P|2.5\r"),
	}
	ts := startServer(t, HandlerFunc(func(_ context.Context, m *Message) ([]byte, error) {
		id := controlIDOf(t, m.Payload)
		if r, ok := responses[id]; ok {
			return r, nil
		}
		return testAck("AA", id, ""), nil
	}))
	c := ts.client(t)
	ctx := testContext(t)

	for _, tt := range []struct {
		id   string
		code string
		text string
	}{
		{"AE1", "AE", "PID-3 missing"},
		{"AR1", "AR", "Patient identifier required"},
		{"CR1", "CR", "Application internal error"},
	} {
		ack, err := c.Send(ctx, testMessage(tt.id))
		var ackErr *AckError
		if !errors.As(err, &ackErr) {
			t.Fatalf("Send %s: err = %v, want an *AckError", tt.id, err)
		}
		if ackErr.Code != tt.code || ackErr.ControlID != tt.id || ackErr.Text != tt.text {
			t.Errorf("Send %s: AckError = %+v, want code %s, control id %s, text %q", tt.id, ackErr, tt.code, tt.id, tt.text)
		}
		if !bytes.Equal(ack, responses[tt.id]) {
			t.Errorf("Send %s: ack = %q, want the receiver's response", tt.id, ack)
		}
	}

	ack, err := c.Send(ctx, testMessage("WRONG"))
	if !errors.Is(err, ErrControlIDMismatch) {
		t.Errorf("mismatched MSA-2: err = %v, want ErrControlIDMismatch", err)
	}
	if !bytes.Equal(ack, responses["WRONG"]) {
		t.Errorf("mismatched MSA-2: ack = %q", ack)
	}
	for _, id := range []string{"JUNK", "NOMSA"} {
		ack, err := c.Send(ctx, testMessage(id))
		if !errors.Is(err, ErrInvalidAck) {
			t.Errorf("Send %s: err = %v, want ErrInvalidAck", id, err)
		}
		if !bytes.Equal(ack, responses[id]) {
			t.Errorf("Send %s: ack = %q", id, ack)
		}
	}
	// After all that, the client still works.
	if _, err := c.Send(ctx, testMessage("FINE")); err != nil {
		t.Errorf("Send after negative acks: %v", err)
	}
}

func TestClientReconnectsAfterServerDrop(t *testing.T) {
	var handled atomic.Int64
	handler := HandlerFunc(func(_ context.Context, m *Message) ([]byte, error) {
		handled.Add(1)
		return testAck("AA", controlIDOf(t, m.Payload), ""), nil
	})
	ts := startServer(t, handler)
	c := ts.client(t)
	ctx := testContext(t)
	if _, err := c.Send(ctx, testMessage("R1")); err != nil {
		t.Fatal(err)
	}

	// The server drops every connection; the next Send reconnects.
	ts.closeConns()
	waitFor(t, "the connection to be dropped", func() bool { return ts.openConns() == 0 })
	if _, err := c.Send(ctx, testMessage("R2")); err != nil {
		t.Fatalf("Send after the server dropped the connection: %v", err)
	}
	if n := handled.Load(); n != 2 {
		t.Errorf("handled %d messages, want 2", n)
	}

	// The server goes away entirely: Send fails, and works again once a
	// server is back on the same address.
	addr := ts.addr
	ts.Close()
	if _, err := c.Send(ctx, testMessage("R3")); err == nil {
		t.Fatal("Send with no server succeeded")
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Skipf("cannot listen on %s again: %v", addr, err)
	}
	s2 := &Server{Handler: handler, Logger: discardLogger()}
	go s2.Serve(ln)
	defer s2.Close()
	if _, err := c.Send(ctx, testMessage("R4")); err != nil {
		t.Fatalf("Send after the server came back: %v", err)
	}
}

func TestClientDoesNotResendOnFreshConnection(t *testing.T) {
	// The server reads the message and closes without answering. The
	// connection was new, so it was not stale: Send must report the
	// failure rather than send the message again.
	var handled atomic.Int64
	ts := startServer(t, HandlerFunc(func(context.Context, *Message) ([]byte, error) {
		handled.Add(1)
		return nil, errors.New("cannot journal")
	}))
	if _, err := ts.client(t).Send(testContext(t), testMessage("ONCE")); err == nil {
		t.Fatal("Send succeeded without a response")
	}
	if n := handled.Load(); n != 1 {
		t.Errorf("message delivered %d times, want 1", n)
	}
}

func TestClientAckTimeout(t *testing.T) {
	var handled atomic.Int64
	release := make(chan struct{})
	ts := startServer(t, HandlerFunc(func(_ context.Context, m *Message) ([]byte, error) {
		handled.Add(1)
		<-release
		return testAck("AA", controlIDOf(t, m.Payload), ""), nil
	}))
	defer close(release)
	c := &Client{Addr: ts.addr, AckTimeout: 50 * time.Millisecond}
	defer c.Close()
	_, err := c.Send(testContext(t), testMessage("T1"))
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("err = %v, want a deadline error", err)
	}
	if n := handled.Load(); n != 1 {
		t.Errorf("message delivered %d times, want 1 (no resend after a timeout)", n)
	}
}

func TestClientContextCancel(t *testing.T) {
	entered, release := make(chan struct{}), make(chan struct{})
	ts := startServer(t, HandlerFunc(func(_ context.Context, m *Message) ([]byte, error) {
		close(entered)
		<-release
		return testAck("AA", controlIDOf(t, m.Payload), ""), nil
	}))
	defer close(release)
	c := ts.client(t)
	ctx, cancel := context.WithCancel(testContext(t))
	go func() {
		<-entered
		cancel()
	}()
	if _, err := c.Send(ctx, testMessage("C1")); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func TestClientClose(t *testing.T) {
	entered := make(chan struct{})
	ts := startServer(t, HandlerFunc(func(ctx context.Context, m *Message) ([]byte, error) {
		close(entered)
		<-ctx.Done()
		return nil, ctx.Err()
	}))
	c := ts.client(t)
	sent := make(chan error, 1)
	go func() {
		_, err := c.Send(testContext(t), testMessage("X1"))
		sent <- err
	}()
	<-entered
	if err := c.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := <-sent; !errors.Is(err, ErrClientClosed) {
		t.Errorf("interrupted Send: err = %v, want ErrClientClosed", err)
	}
	if _, err := c.Send(testContext(t), testMessage("X2")); !errors.Is(err, ErrClientClosed) {
		t.Errorf("Send after Close: err = %v, want ErrClientClosed", err)
	}
}

func TestClientRejectsInvalidPayload(t *testing.T) {
	c := &Client{Addr: "127.0.0.1:1"} // never dialled
	if _, err := c.Send(context.Background(), []byte("MSH|a\x1c\rMSH|b")); !errors.Is(err, ErrInvalidPayload) {
		t.Errorf("err = %v, want ErrInvalidPayload", err)
	}
}

func TestClientDialFailure(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	c := &Client{Addr: addr, DialTimeout: time.Second}
	if _, err := c.Send(testContext(t), testMessage("D1")); err == nil {
		t.Fatal("Send to a closed port succeeded")
	}
}
