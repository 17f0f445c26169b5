package nats

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/plexus-health/plexus/connector/internal/conntest"
	"github.com/plexus-health/plexus/engine"
)

// inStream creates a stream taking "<name lower-cased>.>" and returns its
// name and subject prefix.
func inStream(t *testing.T, f *fixture) (name, subj string) {
	t.Helper()
	name = unique("IN")
	subj = strings.ToLower(name)
	f.stream(t, jetstream.StreamConfig{Name: name, Subjects: []string{subj + ".>"}, Storage: jetstream.MemoryStorage})
	return name, subj
}

// startSource starts a source on the stream with a consumer and extra
// options, stopped when the test ends.
func startSource(t *testing.T, f *fixture, stream, consumer, extra string, recv engine.Receiver, logs *conntest.SyncBuffer) *Source {
	t.Helper()
	opts := fmt.Sprintf("url: %s\nstream: %s\nconsumer: %s\n%s", f.url, stream, consumer, extra)
	s, err := NewSource(conntest.Env(t, logs), conntest.Options(opts))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(context.Background(), recv); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Stop(context.Background()) })
	return s.(*Source)
}

// consumerState returns the consumer's counts of messages handed out and
// not acknowledged, and of messages not yet handed out.
func consumerState(t *testing.T, f *fixture, stream, consumer string) (ackPending int, pending uint64) {
	t.Helper()
	c, err := f.js.Consumer(context.Background(), stream, consumer)
	if err != nil {
		t.Fatal(err)
	}
	info, err := c.Info(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return info.NumAckPending, info.NumPending
}

// settled waits until the consumer has handed out every message and each
// was acknowledged (or terminated).
func settled(t *testing.T, f *fixture, stream, consumer string) {
	t.Helper()
	eventually(t, "every message settled", func() (bool, string) {
		a, p := consumerState(t, f, stream, consumer)
		return a == 0 && p == 0, fmt.Sprintf("ack pending %d, pending %d", a, p)
	})
}

func TestSourceReceives(t *testing.T) {
	f := newFixture(t)
	stream, subj := inStream(t, f)
	consumer := unique("c")
	refused := "BAD1"
	recv := &conntest.Receiver{Reply: func(in *engine.Inbound) *engine.Reply {
		if strings.Contains(string(in.Raw), refused) {
			return conntest.AckFor(in, "AE")
		}
		return conntest.AckFor(in, "AA")
	}}
	var logs conntest.SyncBuffer
	startSource(t, f, stream, consumer, "ack_wait: 1m", recv, &logs)

	traceparent := "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
	f.publish(t, subj+".adt", conntest.Message("C1"), "Content-Type", "application/hl7-v2", "traceparent", traceparent)
	f.publish(t, subj+".json", []byte(`{"resourceType":"Patient"}`))
	f.publish(t, subj+".adt", conntest.Message(refused), "Content-Type", "application/hl7-v2")
	f.publish(t, subj+".adt", conntest.Message("C2"))

	got := recv.WaitFor(t, 4)
	want := []struct{ ct, raw, remote, traceparent string }{
		{engine.ContentHL7v2, string(conntest.Message("C1")), stream + "/1", traceparent},
		{engine.ContentJSON, `{"resourceType":"Patient"}`, stream + "/2", ""},
		{engine.ContentHL7v2, string(conntest.Message(refused)), stream + "/3", ""},
		{engine.ContentHL7v2, string(conntest.Message("C2")), stream + "/4", ""},
	}
	for i, w := range want {
		in := got[i]
		if in.Source != "nats" || in.ContentType != w.ct || string(in.Raw) != w.raw || in.Remote != w.remote || in.TraceParent != w.traceparent || in.ReceivedAt.IsZero() {
			t.Errorf("message %d: %+v", i+1, in)
		}
	}
	settled(t, f, stream, consumer)
	// Nothing comes again: the refused message was terminated, not left
	// to be redelivered.
	c, err := f.js.Consumer(context.Background(), stream, consumer)
	if err != nil {
		t.Fatal(err)
	}
	if info := c.CachedInfo(); info.NumRedelivered != 0 || info.AckFloor.Stream != 4 {
		t.Errorf("redelivered %d, ack floor %d", info.NumRedelivered, info.AckFloor.Stream)
	}
	if n := len(recv.Received()); n != 4 {
		t.Errorf("received %d messages, want 4", n)
	}
	conntest.NoContentLogged(t, &logs, "DOE")
	if !strings.Contains(logs.String(), "refused by the channel") {
		t.Errorf("the refusal was not logged:\n%s", logs.String())
	}
}

// TestSourceRetriesInOrder makes the channel fail to store the first
// message twice: the source tries it again until it is stored, and the
// message after it does not overtake it.
func TestSourceRetriesInOrder(t *testing.T) {
	f := newFixture(t)
	stream, subj := inStream(t, f)
	consumer := unique("c")
	var failures atomic.Int32
	recv := &conntest.Receiver{Fail: func(in *engine.Inbound) error {
		if strings.Contains(string(in.Raw), "|FIRST|") && failures.Add(1) <= 2 {
			return errors.New("journal unavailable")
		}
		return nil
	}}
	startSource(t, f, stream, consumer, "retry_delay: 10ms", recv, nil)
	f.publish(t, subj+".a", conntest.Message("FIRST"))
	f.publish(t, subj+".a", conntest.Message("SECOND"))
	got := recv.WaitFor(t, 2)
	if !strings.Contains(string(got[0].Raw), "|FIRST|") || !strings.Contains(string(got[1].Raw), "|SECOND|") {
		t.Errorf("order %q, %q", got[0].Raw, got[1].Raw)
	}
	if n := failures.Load(); n < 3 {
		t.Errorf("the first message was tried %d times, want 3", n)
	}
	settled(t, f, stream, consumer)
}

// blockingReceiver holds each message until released, then stores it.
type blockingReceiver struct {
	conntest.Receiver
	entered chan struct{} // a message is being received
	release chan struct{} // closed to let them through
}

func newBlockingReceiver() *blockingReceiver {
	return &blockingReceiver{entered: make(chan struct{}, 100), release: make(chan struct{})}
}

func (b *blockingReceiver) Receive(ctx context.Context, in *engine.Inbound) (*engine.Reply, error) {
	b.entered <- struct{}{}
	<-b.release
	return b.Receiver.Receive(ctx, in)
}

// TestSourceRedeliveryAfterCrash loses the connection while the channel
// is storing a message, as a crash of the process would: the message is
// not acknowledged, and the next source on the consumer receives it again
// once ack_wait has passed.
func TestSourceRedeliveryAfterCrash(t *testing.T) {
	f := newFixture(t)
	stream, subj := inStream(t, f)
	consumer := unique("c")
	first := newBlockingReceiver()
	s := startSource(t, f, stream, consumer, "ack_wait: 1s", first, nil)
	f.publish(t, subj+".a", conntest.Message("CRASH1"))
	<-first.entered
	s.nc.Close() // the crash: gone before the acknowledgement
	close(first.release)
	first.WaitFor(t, 1)

	second := &conntest.Receiver{}
	var logs conntest.SyncBuffer
	startSource(t, f, stream, consumer, "ack_wait: 1s", second, &logs)
	got := second.WaitFor(t, 1)
	if !strings.Contains(string(got[0].Raw), "|CRASH1|") || got[0].Remote != stream+"/1" {
		t.Errorf("redelivered %+v", got[0])
	}
	settled(t, f, stream, consumer)
	if !strings.Contains(logs.String(), "nats message delivered again") {
		t.Errorf("the redelivery was not logged:\n%s", logs.String())
	}
}

// TestSourceMaxDeliverLogged checks that a message given up by the
// server under max_deliver before it was stored is logged as an error.
func TestSourceMaxDeliverLogged(t *testing.T) {
	f := newFixture(t)
	stream, subj := inStream(t, f)
	var tries atomic.Int32
	down := &conntest.Receiver{Fail: func(*engine.Inbound) error {
		tries.Add(1)
		return errors.New("journal unavailable")
	}}
	var logs conntest.SyncBuffer
	s := startSource(t, f, stream, unique("c"), "max_deliver: 1\nretry_delay: 10ms", down, &logs)
	f.publish(t, subj+".a", conntest.Message("GIVEUP"))
	eventually(t, "a try", func() (bool, string) { return tries.Load() > 0, "" })
	if err := s.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), "max_deliver reached") {
		t.Errorf("not logged:\n%s", logs.String())
	}
}

// TestSourceStopGivesBack stops a source while the channel stores one
// message and more are pulled: the one in progress is stored and
// acknowledged, the others are given back at once, long before ack_wait,
// to the next source, and none is received twice.
func TestSourceStopGivesBack(t *testing.T) {
	f := newFixture(t)
	stream, subj := inStream(t, f)
	consumer := unique("c")
	first := newBlockingReceiver()
	s := startSource(t, f, stream, consumer, "ack_wait: 2m", first, nil)
	const n = 5
	for i := range n {
		f.publish(t, subj+".a", conntest.Message(fmt.Sprintf("STOP%d", i+1)))
	}
	<-first.entered
	stopped := make(chan error, 1)
	go func() { stopped <- s.Stop(context.Background()) }()
	eventually(t, "Stop to begin", func() (bool, string) {
		select {
		case <-s.stopping:
			return true, ""
		default:
			return false, "still running"
		}
	})
	close(first.release)
	if err := <-stopped; err != nil {
		t.Fatal(err)
	}
	if got := first.Received(); len(got) != 1 || !strings.Contains(string(got[0].Raw), "|STOP1|") {
		t.Fatalf("first source stored %d messages", len(got))
	}

	second := &conntest.Receiver{}
	startSource(t, f, stream, consumer, "ack_wait: 2m", second, nil)
	got := second.WaitFor(t, n-1)
	for i, in := range got {
		if want := fmt.Sprintf("|STOP%d|", i+2); !strings.Contains(string(in.Raw), want) {
			t.Errorf("message %d is %q, want %s", i, in.Raw, want)
		}
	}
	settled(t, f, stream, consumer)
	if len(second.Received()) != n-1 {
		t.Errorf("second source received %d, want %d", len(second.Received()), n-1)
	}
}

// TestSourceStopWhileNotStored stops a source whose channel cannot store
// a message: the message goes back to the server, with retry_delay, and
// the next source stores it.
func TestSourceStopWhileNotStored(t *testing.T) {
	f := newFixture(t)
	stream, subj := inStream(t, f)
	consumer := unique("c")
	var tries atomic.Int32
	down := &conntest.Receiver{Fail: func(*engine.Inbound) error {
		tries.Add(1)
		return errors.New("journal unavailable")
	}}
	s := startSource(t, f, stream, consumer, "ack_wait: 2m\nretry_delay: 50ms", down, nil)
	f.publish(t, subj+".a", conntest.Message("DOWN1"))
	eventually(t, "a try", func() (bool, string) { return tries.Load() > 0, "" })
	if err := s.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	up := &conntest.Receiver{}
	startSource(t, f, stream, consumer, "ack_wait: 2m\nretry_delay: 50ms", up, nil)
	up.WaitFor(t, 1)
	settled(t, f, stream, consumer)
}

// TestSourceWorkers receives with several workers: every message arrives
// once.
func TestSourceWorkers(t *testing.T) {
	f := newFixture(t)
	stream, subj := inStream(t, f)
	consumer := unique("c")
	recv := &conntest.Receiver{}
	startSource(t, f, stream, consumer, "workers: 8", recv, nil)
	const n = 200
	for i := range n {
		f.publish(t, subj+".a", conntest.Message(fmt.Sprintf("W%d", i)))
	}
	got := recv.WaitFor(t, n)
	settled(t, f, stream, consumer)
	seen := map[string]bool{}
	for _, in := range got {
		if seen[in.Remote] {
			t.Errorf("%s received twice", in.Remote)
		}
		seen[in.Remote] = true
	}
	if len(recv.Received()) != n {
		t.Errorf("received %d, want %d", len(recv.Received()), n)
	}
}

// TestSourceConsumer checks what Start does with the consumer: creates it
// with the options, keeps where an existing one starts, binds to one made
// elsewhere, and fails clearly when the stream or a bound consumer is
// missing.
func TestSourceConsumer(t *testing.T) {
	f := newFixture(t)
	stream, subj := inStream(t, f)
	ctx := context.Background()

	// Several filter subjects need nats-server 2.10 or later.
	two := unique("two")
	s, err := NewSource(conntest.Env(t, nil), conntest.Options(fmt.Sprintf("url: %s\nstream: %s\nconsumer: %s\nfilter_subjects: [%s.a, %s.b]", f.url, stream, two, subj, subj)))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(ctx, &conntest.Receiver{}); err != nil {
		if strings.Contains(err.Error(), "not supported by nats-server") {
			t.Logf("nats-server %s: %v", f.nc.ConnectedServerVersion(), err)
		} else {
			t.Error(err)
		}
	} else {
		s.Stop(ctx)
		if c, err := f.js.Consumer(ctx, stream, two); err != nil || len(c.CachedInfo().Config.FilterSubjects) != 2 {
			t.Errorf("consumer with two filters: %v", err)
		}
	}

	consumer := unique("c")
	startSource(t, f, stream, consumer, fmt.Sprintf("filter_subjects: [%s.a]\ndeliver_policy: new\nack_wait: 45s\nmax_deliver: 7\nmax_ack_pending: 9", subj), &conntest.Receiver{}, nil).Stop(ctx)
	c, err := f.js.Consumer(ctx, stream, consumer)
	if err != nil {
		t.Fatal(err)
	}
	cc := c.CachedInfo().Config
	if cc.Durable != consumer || cc.AckPolicy != jetstream.AckExplicitPolicy || cc.DeliverPolicy != jetstream.DeliverNewPolicy ||
		cc.AckWait != 45*time.Second || cc.MaxDeliver != 7 || cc.MaxAckPending != 9 || cc.FilterSubject != subj+".a" {
		t.Errorf("consumer %+v", cc)
	}
	// Started again with the default deliver policy and other limits: the
	// limits change, where it starts does not.
	startSource(t, f, stream, consumer, "max_ack_pending: 20", &conntest.Receiver{}, nil).Stop(ctx)
	c, err = f.js.Consumer(ctx, stream, consumer)
	if err != nil {
		t.Fatal(err)
	}
	if cc := c.CachedInfo().Config; cc.DeliverPolicy != jetstream.DeliverNewPolicy || cc.MaxAckPending != 20 || cc.MaxDeliver != -1 {
		t.Errorf("updated consumer %+v", cc)
	}

	// bind: a consumer made by someone else, used as it is.
	bound := unique("ops")
	if _, err := f.js.CreateConsumer(ctx, stream, jetstream.ConsumerConfig{Durable: bound, AckPolicy: jetstream.AckExplicitPolicy, MaxAckPending: 3}); err != nil {
		t.Fatal(err)
	}
	recv := &conntest.Receiver{}
	startSource(t, f, stream, bound, "bind: true", recv, nil)
	f.publish(t, subj+".a", conntest.Message("B1"))
	recv.WaitFor(t, 1)
	c, err = f.js.Consumer(ctx, stream, bound)
	if err != nil {
		t.Fatal(err)
	}
	if c.CachedInfo().Config.MaxAckPending != 3 {
		t.Errorf("bind changed the consumer: %+v", c.CachedInfo().Config)
	}
	noAck := unique("noack")
	if _, err := f.js.CreateConsumer(ctx, stream, jetstream.ConsumerConfig{Durable: noAck, AckPolicy: jetstream.AckNonePolicy}); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct{ opts, want string }{
		{fmt.Sprintf("stream: %s\nconsumer: x", unique("NOSTREAM")), "stream not found"},
		{fmt.Sprintf("stream: %s\nconsumer: %s\nbind: true", stream, unique("none")), "bind uses a consumer that exists"},
		{fmt.Sprintf("stream: %s\nconsumer: %s\nbind: true", stream, noAck), "needs explicit acknowledgements"},
	} {
		s, err := NewSource(conntest.Env(t, nil), conntest.Options("url: "+f.url+"\n"+tc.opts))
		if err != nil {
			t.Fatal(err)
		}
		err = s.Start(ctx, &conntest.Receiver{})
		if err == nil {
			s.Stop(ctx)
		}
		conntest.CheckErr(t, tc.opts, err, tc.want)
	}
}

// TestSourceStartTwice checks the lifecycle errors.
func TestSourceStartTwice(t *testing.T) {
	f := newFixture(t)
	stream, _ := inStream(t, f)
	s := startSource(t, f, stream, unique("c"), "", &conntest.Receiver{}, nil)
	if err := s.Start(context.Background(), &conntest.Receiver{}); err == nil {
		t.Error("a second Start succeeded")
	}
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := s.Stop(context.Background()); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
}
