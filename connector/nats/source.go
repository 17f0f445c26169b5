package nats

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	natsgo "github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/plexus-health/plexus/connector/internal/option"
	"github.com/plexus-health/plexus/engine"
)

// Defaults of the source options.
const (
	DefaultAckWait       = 30 * time.Second
	DefaultMaxAckPending = 1000
	DefaultRetryDelay    = 5 * time.Second
)

// SourceConfig is the options of a NATS source.
type SourceConfig struct {
	ConnConfig `yaml:",inline"`
	// Stream is the stream to consume; it must exist.
	Stream string `yaml:"stream"`
	// Consumer is the durable pull consumer's name. It is created, or
	// updated to these options, at start; with Bind it must exist and is
	// used as it is.
	Consumer string `yaml:"consumer"`
	Bind     bool   `yaml:"bind"`
	// FilterSubject or FilterSubjects restrict the consumer to subjects of
	// the stream; none means all.
	FilterSubject  string   `yaml:"filter_subject"`
	FilterSubjects []string `yaml:"filter_subjects"`
	// DeliverPolicy is where a new consumer starts: "all" (default), the
	// stream's first message, or "new", messages published from now on.
	// It has no effect on a consumer that exists.
	DeliverPolicy string `yaml:"deliver_policy"`
	// AckWait is how long the server waits for an acknowledgement before
	// it sends the message again; 0 means DefaultAckWait. The source
	// tells the server it is still working on a message that takes longer.
	AckWait time.Duration `yaml:"ack_wait"`
	// MaxDeliver bounds how often the server sends one message; 0 means
	// no bound, the default (see the package documentation).
	MaxDeliver int `yaml:"max_deliver"`
	// MaxAckPending bounds the messages handed out and not yet
	// acknowledged, over every node sharing the consumer; 0 means
	// DefaultMaxAckPending.
	MaxAckPending int `yaml:"max_ack_pending"`
	// Workers is how many messages are handed to the channel at once; 1,
	// the default, keeps the stream's order.
	Workers int `yaml:"workers"`
	// ContentType, when set, is the content type of every message;
	// otherwise the Content-Type header says, or the payload is sniffed.
	ContentType string `yaml:"content_type"`
	// RetryDelay is the wait before a message the channel could not store
	// is tried again; 0 means DefaultRetryDelay.
	RetryDelay time.Duration `yaml:"retry_delay"`
}

func (c *SourceConfig) validate() error {
	var p option.Problems
	c.ConnConfig.validate(&p)
	if err := checkName(c.Stream); err != nil {
		p.Addf("stream", "%v", err)
	}
	if err := checkName(c.Consumer); err != nil {
		p.Addf("consumer", "%v", err)
	}
	if c.FilterSubject != "" && len(c.FilterSubjects) > 0 {
		p.Addf("filter_subject", "set filter_subject or filter_subjects, not both")
	}
	if c.FilterSubject != "" {
		if err := checkSubject(c.FilterSubject, true); err != nil {
			p.Addf("filter_subject", "%v", err)
		}
	}
	for i, s := range c.FilterSubjects {
		if err := checkSubject(s, true); err != nil {
			p.Addf(fmt.Sprintf("filter_subjects[%d]", i), "%v", err)
		}
	}
	if c.Bind {
		if c.FilterSubject != "" || len(c.FilterSubjects) > 0 || c.DeliverPolicy != "" || c.AckWait != 0 || c.MaxDeliver != 0 || c.MaxAckPending != 0 {
			p.Addf("bind", "a bound consumer is used as it is: remove filter_subject(s), deliver_policy, ack_wait, max_deliver and max_ack_pending")
		}
	}
	c.DeliverPolicy = cmp.Or(c.DeliverPolicy, "all")
	p.OneOf("deliver_policy", c.DeliverPolicy, "all", "new")
	p.Duration("ack_wait", c.AckWait)
	if c.AckWait != 0 && c.AckWait < time.Second {
		p.Addf("ack_wait", "%v is too short; at least 1s", c.AckWait)
	}
	p.NotNegative("max_deliver", int64(c.MaxDeliver))
	p.NotNegative("max_ack_pending", int64(c.MaxAckPending))
	p.NotNegative("workers", int64(c.Workers))
	if c.Workers > 256 {
		p.Addf("workers", "%d is more than 256", c.Workers)
	}
	p.Duration("retry_delay", c.RetryDelay)
	return p.Err()
}

// Source consumes a stream through a durable pull consumer and hands each
// message to the channel, acknowledging it only once the channel has
// journaled it.
type Source struct {
	cfg SourceConfig
	env engine.Env
	log *slog.Logger

	mu       sync.Mutex
	started  bool
	nc       *natsgo.Conn
	iter     jetstream.MessagesContext
	ackWait  time.Duration // the consumer's, which a bound consumer decides
	maxDeliv int           // the consumer's max_deliver; <= 0 is no bound
	stopping chan struct{} // closed by Stop
	cancel   context.CancelFunc
	done     chan struct{} // closed when every worker returned
}

// NewSource is the engine.SourceFactory of NATS sources. It checks the
// options; Start connects.
func NewSource(env engine.Env, opts engine.Options) (engine.Source, error) {
	var cfg SourceConfig
	if err := opts.Decode(&cfg); err != nil {
		return nil, err
	}
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	cfg.Workers = max(cfg.Workers, 1)
	log := env.Logger
	if log == nil {
		log = slog.Default()
	}
	return &Source{cfg: cfg, env: env, log: log.With("channel", env.Channel, "source", "nats",
		"stream", cfg.Stream, "consumer", cfg.Consumer)}, nil
}

// Start connects, creates (or binds) the consumer and starts consuming.
// It fails when the server refuses the connection (an authorization
// violation, say) or the stream does not exist.
func (s *Source) Start(ctx context.Context, recv engine.Receiver) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.started {
		return errors.New("nats source: already started")
	}
	nc, err := s.cfg.connect("plexus "+s.env.Channel+"/source", s.log)
	if err != nil {
		return fmt.Errorf("nats source: %w", err)
	}
	cons, err := s.consumer(ctx, nc)
	if err != nil {
		nc.Close()
		return fmt.Errorf("nats source: %w", err)
	}
	info := cons.CachedInfo()
	ackWait, maxDeliver := info.Config.AckWait, info.Config.MaxDeliver
	// The client asks for a small batch at a time: what it holds is not
	// yet being worked on, and is given back at Stop.
	iter, err := cons.Messages(jetstream.PullMaxMessages(max(2*s.cfg.Workers, 16)))
	if err != nil {
		nc.Close()
		return fmt.Errorf("nats source: %w", err)
	}
	rctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	s.started, s.nc, s.iter, s.ackWait, s.maxDeliv, s.cancel = true, nc, iter, ackWait, maxDeliver, cancel
	s.stopping, s.done = make(chan struct{}), make(chan struct{})
	work := make(chan jetstream.Msg)
	var wg sync.WaitGroup
	for range s.cfg.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for msg := range work {
				s.handle(rctx, recv, msg)
			}
		}()
	}
	go func() {
		s.dispatch(iter, work)
		close(work)
		wg.Wait()
		close(s.done)
	}()
	s.log.Info("nats source consuming", "server", redacted(nc.ConnectedUrl()), "workers", s.cfg.Workers)
	return nil
}

// consumer creates or updates the durable consumer, or binds to it.
func (s *Source) consumer(ctx context.Context, nc *natsgo.Conn) (jetstream.Consumer, error) {
	js, err := jetstream.New(nc)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, cmp.Or(s.cfg.ConnectTimeout, DefaultConnectTimeout))
	defer cancel()
	stream, err := js.Stream(ctx, s.cfg.Stream)
	if err != nil {
		return nil, fmt.Errorf("stream %s: %w", s.cfg.Stream, err)
	}
	existing, err := stream.Consumer(ctx, s.cfg.Consumer)
	if err != nil && !errors.Is(err, jetstream.ErrConsumerNotFound) {
		return nil, fmt.Errorf("consumer %s: %w", s.cfg.Consumer, err)
	}
	if s.cfg.Bind {
		if existing == nil {
			return nil, fmt.Errorf("consumer %s: %w (bind uses a consumer that exists)", s.cfg.Consumer, err)
		}
		c := existing.CachedInfo().Config
		if c.AckPolicy != jetstream.AckExplicitPolicy {
			return nil, fmt.Errorf("consumer %s: ack policy is %v; the source needs explicit acknowledgements", s.cfg.Consumer, c.AckPolicy)
		}
		if c.DeliverSubject != "" {
			return nil, fmt.Errorf("consumer %s is a push consumer; the source needs a pull consumer", s.cfg.Consumer)
		}
		return existing, nil
	}
	cc := jetstream.ConsumerConfig{
		Durable:       s.cfg.Consumer,
		AckPolicy:     jetstream.AckExplicitPolicy,
		AckWait:       cmp.Or(s.cfg.AckWait, DefaultAckWait),
		MaxDeliver:    cmp.Or(s.cfg.MaxDeliver, -1),
		MaxAckPending: cmp.Or(s.cfg.MaxAckPending, DefaultMaxAckPending),
		FilterSubject: s.cfg.FilterSubject,
		Description:   "Plexus channel " + s.env.Channel,
	}
	if len(s.cfg.FilterSubjects) == 1 {
		cc.FilterSubject = s.cfg.FilterSubjects[0]
	} else {
		cc.FilterSubjects = s.cfg.FilterSubjects
	}
	if s.cfg.DeliverPolicy == "new" {
		cc.DeliverPolicy = jetstream.DeliverNewPolicy
	}
	if existing != nil {
		// Where a consumer starts cannot change once it exists.
		old := existing.CachedInfo().Config
		cc.DeliverPolicy, cc.OptStartSeq, cc.OptStartTime = old.DeliverPolicy, old.OptStartSeq, old.OptStartTime
		c, err := stream.UpdateConsumer(ctx, cc)
		if err != nil {
			return nil, fmt.Errorf("updating consumer %s: %w", s.cfg.Consumer, err)
		}
		return c, nil
	}
	c, err := stream.CreateConsumer(ctx, cc)
	if errors.Is(err, jetstream.ErrConsumerExists) {
		// Another node sharing the consumer made it in between.
		c, err = stream.UpdateConsumer(ctx, cc)
	}
	if err != nil {
		return nil, fmt.Errorf("creating consumer %s: %w", s.cfg.Consumer, err)
	}
	return c, nil
}

// dispatch takes messages from the iterator and hands them to the workers
// until the iterator is closed. Once Stop was called, the messages the
// client still holds are given back to the server at once (nak) rather
// than handed on, so that another node, or this one after a restart, gets
// them without waiting for ack_wait.
func (s *Source) dispatch(iter jetstream.MessagesContext, work chan<- jetstream.Msg) {
	for {
		msg, err := iter.Next()
		if err != nil {
			if errors.Is(err, jetstream.ErrMsgIteratorClosed) || errors.Is(err, jetstream.ErrConnectionClosed) {
				return
			}
			// Missed heartbeats and the like: the iterator carries on.
			s.log.Warn("nats source: pulling messages", "err", err)
			select {
			case <-s.stopping:
				return
			case <-time.After(time.Second):
			}
			continue
		}
		select {
		case <-s.stopping:
			s.giveBack(msg)
			continue
		default:
		}
		select {
		case work <- msg:
		case <-s.stopping:
			s.giveBack(msg)
		}
	}
}

// giveBackDelay is how long the server holds a message given back at Stop
// before sending it again: long enough for this source's pull requests to
// be gone, so that it goes to another node or the next start rather than
// into the subscription that is closing.
const giveBackDelay = time.Second

// giveBack naks a message that was not worked on.
func (s *Source) giveBack(msg jetstream.Msg) {
	if err := msg.NakWithDelay(giveBackDelay); err != nil {
		seq, _ := streamSeq(msg)
		s.log.Info("nats source: giving a message back failed; the server sends it again after ack_wait", "seq", seq, "err", err)
	}
}

// handle hands one message to the channel and settles it with the server:
// ack once stored and accepted, term once stored and refused (the journal
// has it with status error; sending it again would not change that), and
// when the channel could not store it, the same message is tried again
// after retry_delay, here, so that the messages after it do not overtake
// it; at Stop it is nakked with that delay for the next consumer.
func (s *Source) handle(ctx context.Context, recv engine.Receiver, msg jetstream.Msg) {
	seq, delivered := streamSeq(msg)
	if delivered > 1 {
		s.log.Info("nats message delivered again", "seq", seq, "delivery", delivered)
	}
	in := s.inbound(msg, seq)
	// Tell the server the message is being worked on whenever half of
	// ack_wait passes, so that a slow journal does not make it send the
	// message again to another worker.
	defer s.keepAlive(msg)()
	for {
		reply, err := recv.Receive(ctx, in)
		if err == nil && reply == nil {
			err = errors.New("the receiver gave no reply")
		}
		if err == nil {
			s.settle(msg, seq, reply)
			return
		}
		s.log.Warn("nats source: message not stored; retrying", "seq", seq, "size", len(in.Raw), "retry_in", s.retryDelay(), "err", err)
		select {
		case <-s.stopping:
			if err := msg.NakWithDelay(s.retryDelay()); err != nil {
				s.log.Info("nats source: nak failed; the server sends the message again after ack_wait", "seq", seq, "err", err)
			}
			if s.maxDeliv > 0 && delivered >= s.maxDeliv {
				s.log.Error("nats message never stored: max_deliver reached, the server will not send it again; it stays in the stream",
					"seq", seq, "delivery", delivered, "max_deliver", s.maxDeliv)
			}
			return
		case <-time.After(s.retryDelay()):
		}
	}
}

// settle acknowledges a message the channel journaled.
func (s *Source) settle(msg jetstream.Msg, seq uint64, reply *engine.Reply) {
	if reply.Accepted {
		if err := msg.Ack(); err != nil {
			s.log.Warn("nats source: ack failed; the server sends the message again", "seq", seq, "message_id", reply.MessageID, "err", err)
			return
		}
		s.log.Debug("nats message received", "seq", seq, "message_id", reply.MessageID, "code", reply.Code)
		return
	}
	// A plain term: servers before 2.10 do not understand a term with a
	// reason, and leave the message pending.
	if err := msg.Term(); err != nil {
		s.log.Warn("nats source: term failed; the server sends the message again", "seq", seq, "message_id", reply.MessageID, "err", err)
		return
	}
	s.log.Info("nats message refused by the channel; terminated", "seq", seq, "message_id", reply.MessageID, "code", reply.Code)
}

// keepAlive sends "in progress" for msg every half ack_wait until the
// function it returns is called.
func (s *Source) keepAlive(msg jetstream.Msg) (stop func()) {
	every := cmp.Or(s.ackWait, DefaultAckWait) / 2
	quit := make(chan struct{})
	go func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-quit:
				return
			case <-t.C:
				msg.InProgress()
			}
		}
	}()
	return func() { close(quit) }
}

// inbound builds the engine's view of msg. Remote is the stream and its
// sequence number ("HL7_IN/42"), which a redelivered copy shares.
func (s *Source) inbound(msg jetstream.Msg, seq uint64) *engine.Inbound {
	h := msg.Headers()
	ct := s.cfg.ContentType
	if ct == "" {
		ct = contentType(h.Get(HeaderContentType), msg.Data())
	}
	in := &engine.Inbound{
		Source: "nats", Remote: s.cfg.Stream + "/" + strconv.FormatUint(seq, 10),
		ContentType: ct, Raw: msg.Data(), ReceivedAt: time.Now(),
		TraceParent: cmp.Or(h.Get("traceparent"), h.Get("Traceparent")),
	}
	return in
}

func (s *Source) retryDelay() time.Duration { return cmp.Or(s.cfg.RetryDelay, DefaultRetryDelay) }

// streamSeq returns the stream sequence number of msg and how many times
// the server has sent it, zeros if unknown.
func streamSeq(msg jetstream.Msg) (seq uint64, delivered int) {
	md, err := msg.Metadata()
	if err != nil {
		return 0, 0
	}
	return md.Sequence.Stream, int(md.NumDelivered)
}

// Stop stops pulling, gives back the messages pulled and not yet worked
// on, waits for those being worked on to be settled, and closes the
// connection. When ctx ends first, it closes the connection anyway: the
// messages it did not acknowledge are sent again by the server after
// ack_wait, so none is lost.
func (s *Source) Stop(ctx context.Context) error {
	s.mu.Lock()
	if !s.started || s.iter == nil {
		s.started = true // not startable after Stop
		s.mu.Unlock()
		return nil
	}
	iter, nc, done, cancel := s.iter, s.nc, s.done, s.cancel
	s.iter = nil
	close(s.stopping)
	s.mu.Unlock()

	iter.Drain()
	defer cancel()
	select {
	case <-done:
	case <-ctx.Done():
		// The receivers still running see their context cancelled; what
		// they did not acknowledge comes back after ack_wait.
		cancel()
		nc.Close()
		return fmt.Errorf("nats source: stopping: %w", ctx.Err())
	}
	// Send the last acknowledgements before closing.
	fctx, fcancel := context.WithTimeout(ctx, 5*time.Second)
	defer fcancel()
	if err := nc.FlushWithContext(fctx); err != nil {
		s.log.Info("nats source: flushing acknowledgements at stop", "err", err)
	}
	nc.Close()
	return nil
}

var _ engine.Source = (*Source)(nil)
