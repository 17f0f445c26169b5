// Package conntest provides what the connector tests share: options read
// from YAML text, a Receiver that records what it is given, test
// certificates, and sample HL7 messages. It is imported only by tests.
package conntest

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/plexus-health/plexus/engine"
)

// Options is an engine.Options backed by YAML text, decoded strictly
// (unknown fields are errors), as the configuration loader does.
type Options string

// Decode decodes the YAML text into v.
func (o Options) Decode(v any) error {
	dec := yaml.NewDecoder(strings.NewReader(string(o)))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	return nil
}

var _ engine.Options = Options("")

// Receiver is a fake engine.Receiver. It records every message, and answers
// with Reply, or with the error Fail returns when Fail is set. Its methods
// are safe for concurrent use.
type Receiver struct {
	mu       sync.Mutex
	received []*engine.Inbound
	nextID   int64
	notify   chan struct{}

	// Reply builds the reply to a message; nil means AckFor.
	Reply func(in *engine.Inbound) *engine.Reply
	// Fail, when set and returning non-nil, makes Receive fail without
	// recording the message (it was not stored).
	Fail func(in *engine.Inbound) error
}

// Receive records in and answers it.
func (r *Receiver) Receive(ctx context.Context, in *engine.Inbound) (*engine.Reply, error) {
	if r.Fail != nil {
		if err := r.Fail(in); err != nil {
			return nil, err
		}
	}
	r.mu.Lock()
	r.nextID++
	id := r.nextID
	r.received = append(r.received, in)
	if r.notify == nil {
		r.notify = make(chan struct{}, 1)
	}
	select {
	case r.notify <- struct{}{}:
	default:
	}
	r.mu.Unlock()
	reply := AckFor(in, "AA")
	if r.Reply != nil {
		reply = r.Reply(in)
	}
	if reply != nil {
		reply.MessageID = id
	}
	return reply, nil
}

// Received returns the messages received so far.
func (r *Receiver) Received() []*engine.Inbound {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*engine.Inbound(nil), r.received...)
}

// WaitFor waits until at least n messages were received, and fails the
// test if that takes longer than ten seconds.
func (r *Receiver) WaitFor(t testing.TB, n int) []*engine.Inbound {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		r.mu.Lock()
		if len(r.received) >= n {
			got := append([]*engine.Inbound(nil), r.received...)
			r.mu.Unlock()
			return got
		}
		if r.notify == nil {
			r.notify = make(chan struct{}, 1)
		}
		ch := r.notify
		r.mu.Unlock()
		select {
		case <-ch:
		case <-timeout:
			t.Fatalf("received %d messages, want %d", len(r.Received()), n)
		}
	}
}

var _ engine.Receiver = (*Receiver)(nil)

// Message returns a small ADT^A01 message with the given control ID,
// segments ending in CR.
func Message(controlID string) []byte {
	return []byte("MSH|^~\\&|LAB|HOSP|PLEXUS|HOSP|20250101120000||ADT^A01|" + controlID + "|P|2.5.1\r" +
		"PID|1||12345^^^HOSP^MR||DOE^JANE||19700101|F\r")
}

// Ack returns an acknowledgement with MSA-1 code for controlID.
func Ack(code, controlID, text string) []byte {
	return []byte("MSH|^~\\&|PLEXUS|HOSP|LAB|HOSP|20250101120001||ACK^A01|A" + controlID + "|P|2.5.1\r" +
		"MSA|" + code + "|" + controlID + "|" + text + "\r")
}

// AckFor returns a reply acknowledging in with code: an HL7 ACK when in is
// HL7 v2, and an empty body otherwise.
func AckFor(in *engine.Inbound, code string) *engine.Reply {
	accepted := code == "AA" || code == "CA"
	if in.ContentType != engine.ContentHL7v2 {
		return &engine.Reply{Accepted: accepted}
	}
	id := controlID(in.Raw)
	return &engine.Reply{Code: code, Body: Ack(code, id, ""), ContentType: engine.ContentHL7v2, Accepted: accepted}
}

// controlID returns MSH-10 of msg, or "" if it has none, without using the
// package under test.
func controlID(msg []byte) string {
	msg = bytes.TrimLeft(bytes.TrimPrefix(msg, []byte("\xef\xbb\xbf")), " \r\n")
	line, _, _ := bytes.Cut(msg, []byte("\r"))
	if !bytes.HasPrefix(line, []byte("MSH")) || len(line) < 4 {
		return ""
	}
	fields := bytes.Split(line, line[3:4])
	if len(fields) < 10 {
		return ""
	}
	return string(fields[9])
}

// Logger returns a logger writing to buf (which may be nil, for the test's
// output only) and to the test's output.
func Logger(t testing.TB, buf *SyncBuffer) *slog.Logger {
	var w interface{ Write([]byte) (int, error) } = t.Output()
	if buf != nil {
		w = multiWriter{t.Output(), buf}
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// Env returns an engine.Env for tests, logging to buf as Logger does.
func Env(t testing.TB, buf *SyncBuffer) engine.Env {
	return engine.Env{Channel: "test", Name: "dest", DataDir: t.TempDir(), Logger: Logger(t, buf)}
}

type multiWriter [2]interface{ Write([]byte) (int, error) }

func (m multiWriter) Write(p []byte) (int, error) {
	m[0].Write(p)
	return m[1].Write(p)
}

// SyncBuffer is a bytes.Buffer safe for concurrent use, for capturing logs.
type SyncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write appends p.
func (b *SyncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns what was written.
func (b *SyncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// NoContentLogged fails the test if the logs in buf contain the marker,
// a string taken from message content.
func NoContentLogged(t testing.TB, buf *SyncBuffer, marker string) {
	t.Helper()
	if logs := buf.String(); strings.Contains(logs, marker) {
		t.Errorf("logs contain message content %q:\n%s", marker, logs)
	}
}

// CheckErr checks the error a factory returned for the options input: none
// when want is empty, else one containing want.
func CheckErr(t testing.TB, input string, err error, want string) {
	t.Helper()
	switch {
	case want == "" && err != nil:
		t.Errorf("%q: unexpected error: %v", input, err)
	case want != "" && err == nil:
		t.Errorf("%q: no error, want one containing %q", input, want)
	case want != "" && !strings.Contains(err.Error(), want):
		t.Errorf("%q: error %q does not contain %q", input, err, want)
	}
}
