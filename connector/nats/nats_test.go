package nats

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"testing"
	"time"

	natsgo "github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// EnvURL names the environment variable with the URL of the NATS server
// (JetStream enabled) the tests use.
const EnvURL = "PLEXUS_TEST_NATS_URL"

// serverURL returns the test server's URL, or skips the test.
func serverURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv(EnvURL)
	if u == "" {
		t.Skipf("%s is not set: no NATS server with JetStream to test against (for example nats://127.0.0.1:4222)", EnvURL)
	}
	return u
}

// unique returns prefix with a random suffix, for stream and consumer
// names no other test run uses.
func unique(prefix string) string {
	b := make([]byte, 5)
	rand.Read(b)
	return prefix + "_" + hex.EncodeToString(b)
}

// fixture is a connection of the test's own, to set up streams and read
// what the connectors did.
type fixture struct {
	url string
	nc  *natsgo.Conn
	js  jetstream.JetStream
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	url := serverURL(t)
	nc, err := natsgo.Connect(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{url: url, nc: nc, js: js}
}

// stream creates a stream that is deleted when the test ends.
func (f *fixture) stream(t testing.TB, cfg jetstream.StreamConfig) jetstream.Stream {
	t.Helper()
	ctx := context.Background()
	s, err := f.js.CreateStream(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	f.cleanupStream(t, cfg.Name)
	return s
}

// cleanupStream deletes the stream name when the test ends, if it exists.
func (f *fixture) cleanupStream(t testing.TB, name string) {
	t.Cleanup(func() {
		err := f.js.DeleteStream(context.Background(), name)
		if err != nil && !errors.Is(err, jetstream.ErrStreamNotFound) {
			t.Errorf("deleting stream %s: %v", name, err)
		}
	})
}

// publish publishes data to subject with the headers (name, value, ...)
// and waits for the stream's acknowledgement.
func (f *fixture) publish(t testing.TB, subject string, data []byte, headers ...string) *jetstream.PubAck {
	t.Helper()
	m := natsgo.NewMsg(subject)
	m.Data = data
	for i := 0; i+1 < len(headers); i += 2 {
		m.Header.Set(headers[i], headers[i+1])
	}
	ack, err := f.js.PublishMsg(context.Background(), m)
	if err != nil {
		t.Fatal(err)
	}
	return ack
}

// eventually polls cond until it holds, failing the test with what
// describe says after a deadline.
func eventually(t testing.TB, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		ok, state := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s; %s", what, state)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
