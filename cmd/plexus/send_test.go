package main

import (
	"context"
	"io"
	"log/slog"
	"net"
	"strings"
	"testing"

	"github.com/plexus-health/plexus/format/hl7v2"
	"github.com/plexus-health/plexus/transport/mllp"
)

// TestSendStopsWithoutAck checks that send stops at the first message that
// gets no acknowledgement (here: none within --timeout), so that the
// messages after it are not delivered out of order.
func TestSendStopsWithoutAck(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go io.Copy(io.Discard, c) // read everything, answer nothing
		}
	}()
	status, stdout, stderr := runCLI(t, "", "send", "--to", ln.Addr().String(), "--timeout", "200ms", "testdata/two_messages.hl7")
	if status != exitFailure {
		t.Errorf("exit %d, want %d; stderr:\n%s", status, exitFailure, stderr)
	}
	want := "testdata/two_messages.hl7:1 CTRL-0001 failed: mllp: no response within 200ms"
	if !strings.HasPrefix(stdout, want) || strings.Contains(stdout, "CTRL-0002") ||
		!strings.Contains(stdout, "1 messages: 0 accepted, 0 rejected, 1 failed (stopped") {
		t.Errorf("output:\n%s\nwant it to start with %q and stop after message 1", stdout, want)
	}
}

// TestSendConnectionRefused checks the report when nothing listens.
func TestSendConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	status, stdout, _ := runCLI(t, "", "send", "--to", addr, "testdata/two_messages.hl7")
	if status != exitFailure || !strings.Contains(stdout, "CTRL-0001 failed: mllp: connecting to "+addr) {
		t.Errorf("exit %d, output:\n%s", status, stdout)
	}
}

// TestSendReportsNegativeAcks checks that negative acknowledgements are
// printed with their code and text and that sending goes on after them.
func TestSendReportsNegativeAcks(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &mllp.Server{Logger: slog.New(slog.DiscardHandler), Handler: mllp.HandlerFunc(func(ctx context.Context, msg *mllp.Message) ([]byte, error) {
		m, err := hl7v2.Parse(msg.Payload)
		if err != nil {
			return hl7v2.NakRaw(msg.Payload, err, hl7v2.AckOptions{})
		}
		if m.ControlID() == "CTRL-0001" {
			return hl7v2.Ack(m, hl7v2.AckError, hl7v2.AckOptions{Text: "no bed W2 in this ward"})
		}
		return hl7v2.Ack(m, hl7v2.AckAccept, hl7v2.AckOptions{})
	})}
	go srv.Serve(ln)
	defer srv.Close()
	status, stdout, stderr := runCLI(t, "", "send", "--to", ln.Addr().String(), "testdata/two_messages.hl7", "-", "testdata/bad.hl7")
	if status != exitFailure {
		t.Errorf("exit %d, want %d", status, exitFailure)
	}
	want := `testdata/two_messages.hl7:1 CTRL-0001 AE no bed W2 in this ward
testdata/two_messages.hl7:2 CTRL-0002 AA
testdata/bad.hl7:1 CTRL-0001 AE no bed W2 in this ward
testdata/bad.hl7:2 - AA
testdata/bad.hl7:3 - AR MSH-2 (byte 0): bad encoding characters: encoding character '^' is used twice
testdata/bad.hl7:4 CTRL-0002 AA
6 messages: 3 accepted, 3 rejected, 0 failed, input not sent (not a message, or too large): 1
`
	if stdout != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", stdout, want)
	}
	if !strings.Contains(stderr, "testdata/bad.hl7: byte 0: message does not start with an MSH segment") {
		t.Errorf("stderr:\n%s", stderr)
	}
}
