package nats

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	natsgo "github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/plexus-health/plexus/connector/internal/conntest"
	"github.com/plexus-health/plexus/engine"
	"github.com/plexus-health/plexus/engine/channel"
)

// benchBatch is how many messages one iteration of the source benchmark
// moves.
const benchBatch = 1000

// countingReceiver passes messages to a channel and counts those stored.
type countingReceiver struct {
	next   engine.Receiver
	stored atomic.Int64
	notify chan struct{}
}

func (r *countingReceiver) Receive(ctx context.Context, in *engine.Inbound) (*engine.Reply, error) {
	reply, err := r.next.Receive(ctx, in)
	if err == nil {
		r.stored.Add(1)
		select {
		case r.notify <- struct{}{}:
		default:
		}
	}
	return reply, err
}

// BenchmarkSourceToJournal measures messages per second from a stream
// through the source into a channel's journal (SQLite, no destinations),
// and as a baseline the same channel fed by sequential Receive calls in
// the same run; the ratio is the share of that rate the source keeps.
func BenchmarkSourceToJournal(b *testing.B) {
	for _, workers := range []int{1, 8} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) { benchSource(b, workers) })
	}
}

func benchSource(b *testing.B, workers int) {
	f := newFixture(b)
	name := unique("BENCH")
	subj := strings.ToLower(name)
	f.stream(b, jetstream.StreamConfig{Name: name, Subjects: []string{subj}, Storage: jetstream.MemoryStorage})
	j := newJournal(b)
	c := channel.New(channel.Spec{Name: "bench"}, j, nil, nil)
	msgs := make([][]byte, benchBatch)
	for i := range msgs {
		msgs[i] = conntest.Message(fmt.Sprintf("B%06d", i))
	}

	// Baseline: the channel fed directly, one message at a time.
	start := time.Now()
	for _, m := range msgs {
		if _, err := c.Receive(context.Background(), &engine.Inbound{Source: "bench", ContentType: engine.ContentHL7v2, Raw: m}); err != nil {
			b.Fatal(err)
		}
	}
	baseline := float64(benchBatch) / time.Since(start).Seconds()

	recv := &countingReceiver{next: c, notify: make(chan struct{}, 1)}
	src, err := NewSource(engine.Env{Channel: "bench"}, conntest.Options(fmt.Sprintf("url: %s\nstream: %s\nconsumer: %s\nworkers: %d", f.url, name, unique("c"), workers)))
	if err != nil {
		b.Fatal(err)
	}
	if err := src.Start(context.Background(), recv); err != nil {
		b.Fatal(err)
	}
	defer src.Stop(context.Background())
	var elapsed time.Duration
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		for _, m := range msgs {
			f.js.PublishAsync(subj, m)
		}
		<-f.js.PublishAsyncComplete()
		want := int64((i + 1) * benchBatch)
		b.StartTimer()
		t0 := time.Now()
		for recv.stored.Load() < want {
			<-recv.notify
		}
		elapsed += time.Since(t0)
	}
	b.StopTimer()
	rate := float64(b.N*benchBatch) / elapsed.Seconds()
	b.ReportMetric(rate, "msgs/s")
	b.ReportMetric(baseline, "direct-msgs/s")
	b.ReportMetric(rate/baseline, "ratio")
}

// BenchmarkDestinationPublish measures deliveries per second, one at a
// time as a delivery lane makes them, and as a baseline bare JetStream
// publishes of the same payload in the same run.
func BenchmarkDestinationPublish(b *testing.B) {
	f := newFixture(b)
	name := unique("BOUT")
	subj := strings.ToLower(name)
	f.stream(b, jetstream.StreamConfig{Name: name, Subjects: []string{subj + ".>"}, Storage: jetstream.MemoryStorage})
	d, err := NewDestination(engine.Env{Channel: "bench", Name: "bus"}, conntest.Options(fmt.Sprintf("url: %s\nsubject: '%s.{{.Type}}'\nstream: %s", f.url, subj, name)))
	if err != nil {
		b.Fatal(err)
	}
	defer d.(*Destination).Close()
	payload := conntest.Message("P1")

	const baseN = 1000
	start := time.Now()
	for i := range baseN {
		m := natsgo.NewMsg(subj + ".base")
		m.Data = payload
		if _, err := f.js.PublishMsg(context.Background(), m, jetstream.WithMsgID(fmt.Sprint("base-", i))); err != nil {
			b.Fatal(err)
		}
	}
	baseline := float64(baseN) / time.Since(start).Seconds()

	b.ResetTimer()
	for i := range b.N {
		out := &engine.Outbound{MessageID: int64(i + 1), Channel: "bench", Destination: "bus", Attempt: 1,
			ContentType: engine.ContentHL7v2, Payload: payload, Message: &engine.Message{Type: "ADT", Trigger: "A01"}}
		if _, err := d.Deliver(context.Background(), out); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	rate := float64(b.N) / b.Elapsed().Seconds()
	b.ReportMetric(rate, "msgs/s")
	b.ReportMetric(baseline, "bare-msgs/s")
	b.ReportMetric(rate/baseline, "ratio")
}
