package nats

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/plexus-health/plexus/connector/internal/conntest"
	"github.com/plexus-health/plexus/engine"
	"github.com/plexus-health/plexus/engine/channel"
	"github.com/plexus-health/plexus/engine/journal"
	"github.com/plexus-health/plexus/platform/store"
)

// newJournal opens a journal on a SQLite store in a temporary directory.
func newJournal(t testing.TB) *journal.Journal {
	t.Helper()
	db, err := store.Open(context.Background(), "", t.TempDir(), store.Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	j := journal.Open(db, journal.Options{})
	t.Cleanup(func() { j.Close(); db.Close() })
	return j
}

// bus is a channel from a NATS source to a NATS destination on another
// stream.
type bus struct {
	in, inSubj   string
	out, outSubj string
	outStream    jetstream.Stream
	consumer     string
	j            *journal.Journal
	c            *channel.Channel
}

func newBus(t testing.TB, f *fixture, logs *conntest.SyncBuffer, workers int) *bus {
	t.Helper()
	b := &bus{in: unique("IN"), out: unique("OUT"), consumer: unique("plexus")}
	b.inSubj, b.outSubj = strings.ToLower(b.in), strings.ToLower(b.out)
	f.stream(t, jetstream.StreamConfig{Name: b.in, Subjects: []string{b.inSubj + ".>"}, Storage: jetstream.MemoryStorage})
	b.outStream = f.stream(t, jetstream.StreamConfig{Name: b.out, Subjects: []string{b.outSubj + ".>"}, Storage: jetstream.MemoryStorage})
	b.j = newJournal(t)
	env := engine.Env{Channel: "adt", Logger: conntest.Logger(t, logs)}
	if _, ok := t.(*testing.B); ok {
		env.Logger = nil // no log per message in a benchmark
	}
	src, err := NewSource(env, conntest.Options(fmt.Sprintf("url: %s\nstream: %s\nconsumer: %s\nworkers: %d", f.url, b.in, b.consumer, workers)))
	if err != nil {
		t.Fatal(err)
	}
	env.Name = "bus"
	dst, err := NewDestination(env, conntest.Options(fmt.Sprintf("url: %s\nsubject: '%s.{{.Channel}}.{{.Type}}.{{.Trigger}}'\nstream: %s", f.url, b.outSubj, b.out)))
	if err != nil {
		t.Fatal(err)
	}
	b.c = channel.New(channel.Spec{
		Name: "adt", ConfigVersion: "v1", Source: src, DedupWindow: time.Hour,
		Destinations: []channel.Destination{{Name: "bus", Dest: dst, Retry: channel.Retry{InitialBackoff: 10 * time.Millisecond}}},
	}, b.j, nil, env.Logger)
	if err := b.c.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.c.Stop(context.Background()) })
	return b
}

// TestChannelEndToEnd publishes HL7 v2 messages to a stream, which a
// channel consumes, journals and delivers to another stream; it reads them
// back there, and checks the journal and both consumers' bookkeeping.
func TestChannelEndToEnd(t *testing.T) {
	f := newFixture(t)
	var logs conntest.SyncBuffer
	b := newBus(t, f, &logs, 1)

	const n = 20
	var sent [][]byte
	for i := range n {
		m := conntest.Message(fmt.Sprintf("E2E%03d", i))
		sent = append(sent, m)
		f.publish(t, b.inSubj+".adt", m, "Content-Type", engine.ContentHL7v2)
	}
	// A malformed message (no MSH-10) is journaled with status error and
	// terminated; a copy of the first is journaled as a duplicate and not
	// delivered again.
	f.publish(t, b.inSubj+".adt", []byte("MSH|^~\\&|A|B|C|D|2024||ADT^A01||P|2.5\r"), "Content-Type", engine.ContentHL7v2)
	f.publish(t, b.inSubj+".adt", sent[0], "Content-Type", engine.ContentHL7v2)

	ctx := context.Background()
	eventually(t, "the deliveries", func() (bool, string) {
		info, err := b.outStream.Info(ctx)
		if err != nil {
			return false, err.Error()
		}
		return info.State.Msgs >= n, fmt.Sprintf("%d messages in %s", info.State.Msgs, b.out)
	})
	settled(t, f, b.in, b.consumer)

	msgs, err := b.j.Messages(ctx, journal.MessageFilter{Channel: "adt", Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	byRemote := map[string]*engine.Message{}
	for _, m := range msgs {
		byRemote[m.Remote] = m
	}
	if len(msgs) != n+2 {
		t.Fatalf("journal holds %d messages, want %d", len(msgs), n+2)
	}
	for i := range n {
		m := byRemote[b.in+"/"+strconv.Itoa(i+1)]
		if m == nil || m.Source != "nats" || m.ControlID != fmt.Sprintf("E2E%03d", i) {
			t.Fatalf("journal entry for stream message %d: %+v", i+1, m)
		}
		got, err := b.outStream.GetMsg(ctx, uint64(i+1))
		if err != nil {
			t.Fatal(err)
		}
		if string(got.Data) != string(sent[i]) || got.Subject != b.outSubj+".adt.ADT.A01" ||
			got.Header.Get("Nats-Msg-Id") != fmt.Sprintf("plexus-adt-%d-bus", m.ID) ||
			got.Header.Get(HeaderMessageID) != strconv.FormatInt(m.ID, 10) {
			t.Errorf("delivered message %d: %s %q %v", i+1, got.Subject, got.Data, got.Header)
		}
	}
	if m := byRemote[b.in+"/"+strconv.Itoa(n+1)]; m == nil || m.Status != engine.StatusError {
		t.Errorf("malformed message journaled as %+v", m)
	}
	if m := byRemote[b.in+"/"+strconv.Itoa(n+2)]; m == nil || m.Status != engine.StatusDuplicate {
		t.Errorf("duplicate journaled as %+v", m)
	}
	eventually(t, "every message delivered in the journal", func() (bool, string) {
		msgs, err := b.j.Messages(ctx, journal.MessageFilter{Channel: "adt", Status: string(engine.StatusDelivered), Limit: 100})
		if err != nil {
			return false, err.Error()
		}
		return len(msgs) == n, fmt.Sprintf("%d delivered", len(msgs))
	})
	if info, err := b.outStream.Info(ctx); err != nil || info.State.Msgs != n {
		t.Errorf("%s holds %v messages, want %d (%v)", b.out, info.State.Msgs, n, err)
	}
	conntest.NoContentLogged(t, &logs, "DOE")
}
