package nats

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	natsgo "github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/plexus-health/plexus/connector/internal/msgtmpl"
	"github.com/plexus-health/plexus/connector/internal/option"
	"github.com/plexus-health/plexus/engine"
)

// DefaultTimeout bounds one publish, the wait for its acknowledgement
// included, when the options set no timeout.
const DefaultTimeout = 10 * time.Second

// Headers a destination sets on each message.
const (
	HeaderMessageID   = "Plexus-Message-Id" // journal ID of the message
	HeaderChannel     = "Plexus-Channel"    // channel name
	HeaderContentType = "Content-Type"      // the payload's content type
)

// DestinationConfig is the options of a NATS destination.
type DestinationConfig struct {
	ConnConfig `yaml:",inline"`
	// Subject is the subject each message is published to, a text/template
	// over msgtmpl.Data. Values are made safe as subject tokens (see
	// subjectToken).
	Subject string `yaml:"subject"`
	// Stream, when set, is the stream messages must land in: it is
	// checked to exist on the first connection, and a publish that lands
	// in another stream is refused.
	Stream string `yaml:"stream"`
	// CreateStream, when set, creates Stream on the first connection if
	// it does not exist. An existing stream is left as it is.
	CreateStream *StreamConfig `yaml:"create_stream"`
	// Timeout bounds one publish; 0 means DefaultTimeout.
	Timeout time.Duration `yaml:"timeout"`
}

// StreamConfig is the create_stream section.
type StreamConfig struct {
	// Subjects the stream takes, wildcards allowed; required.
	Subjects []string `yaml:"subjects"`
	// Storage is "file" (default) or "memory".
	Storage string `yaml:"storage"`
	// MaxAge is how long the stream keeps a message; 0 is forever.
	MaxAge time.Duration `yaml:"max_age"`
	// DuplicateWindow is how long the stream remembers message IDs to
	// drop a re-published copy; 0 is the server's default (two minutes).
	DuplicateWindow time.Duration `yaml:"duplicate_window"`
}

func (c *DestinationConfig) validate() (*msgtmpl.Template, error) {
	var p option.Problems
	c.ConnConfig.validate(&p)
	p.Duration("timeout", c.Timeout)
	var subject *msgtmpl.Template
	if c.Subject == "" {
		p.Addf("subject", "required")
	} else {
		t, sample, err := msgtmpl.Parse("subject", c.Subject, sampleData)
		switch {
		case err != nil:
			p.Addf("subject", "%v", err)
		default:
			if err := checkSubject(sample, false); err != nil {
				p.Addf("subject", "with sample values: %v", err)
			} else {
				subject = t
			}
		}
	}
	if c.Stream != "" {
		if err := checkName(c.Stream); err != nil {
			p.Addf("stream", "%v", err)
		}
	}
	if s := c.CreateStream; s != nil {
		if c.Stream == "" {
			p.Addf("create_stream", "set, but stream (its name) is not")
		}
		if len(s.Subjects) == 0 {
			p.Addf("create_stream.subjects", "required")
		}
		for i, subj := range s.Subjects {
			if err := checkSubject(subj, true); err != nil {
				p.Addf(fmt.Sprintf("create_stream.subjects[%d]", i), "%v", err)
			}
		}
		s.Storage = cmp.Or(s.Storage, "file")
		p.OneOf("create_stream.storage", s.Storage, "file", "memory")
		p.Duration("create_stream.max_age", s.MaxAge)
		p.Duration("create_stream.duplicate_window", s.DuplicateWindow)
	}
	return subject, p.Err()
}

// sampleData is what a subject template is tried on when it is checked:
// every field set, as for an HL7 v2 message.
var sampleData = msgtmpl.Data{
	Channel: "channel", Destination: "destination", MessageID: 1, Attempt: 1,
	ContentType: "application_hl7-v2", ControlID: "MSG00001", Type: "ADT", Trigger: "A01",
	SendingApp: "APP", SendingFacility: "FAC", ReceivedAt: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC),
}

// Destination publishes each message to a JetStream stream and waits for
// the stream's acknowledgement.
type Destination struct {
	cfg     DestinationConfig
	subject *msgtmpl.Template
	env     engine.Env
	log     *slog.Logger

	mu     sync.Mutex
	nc     *natsgo.Conn // nil until the first Deliver
	js     jetstream.JetStream
	closed bool
}

// NewDestination is the engine.DestinationFactory of NATS destinations. It
// checks the options, the subject template included, without connecting.
func NewDestination(env engine.Env, opts engine.Options) (engine.Destination, error) {
	var cfg DestinationConfig
	if err := opts.Decode(&cfg); err != nil {
		return nil, err
	}
	subject, err := cfg.validate()
	if err != nil {
		return nil, err
	}
	log := env.Logger
	if log == nil {
		log = slog.Default()
	}
	return &Destination{cfg: cfg, subject: subject, env: env,
		log: log.With("channel", env.Channel, "destination", env.Name)}, nil
}

// PublishError is a publish the stream refused, with the server's error
// code (see the JetStream API error codes).
type PublishError struct {
	Subject string
	Code    int    // HTTP-like status: 400, 503, ...
	APICode uint16 // JetStream error code, 10054 for a message too large
	Reason  string
}

// Error names the subject and the reason.
func (e *PublishError) Error() string {
	return fmt.Sprintf("nats destination: publishing to %s refused: %s (code %d, error code %d)", e.Subject, e.Reason, e.Code, e.APICode)
}

// JetStream error codes a publish can meet that retrying cannot help.
const (
	apiMessageTooLarge = 10054 // larger than the stream's max_msg_size
	apiStreamMismatch  = 10060 // the subject is in another stream than expected
)

// Deliver publishes out.Payload and waits for the stream's acknowledgement,
// which is the response: Status "stored", or "duplicate" when the stream
// already had a message with this delivery's Nats-Msg-Id (an earlier
// attempt whose acknowledgement was lost), and a JSON body with the
// stream, its sequence number and the duplicate flag.
func (d *Destination) Deliver(ctx context.Context, out *engine.Outbound) (*engine.Response, error) {
	js, err := d.connect(ctx)
	if err != nil {
		return nil, err
	}
	subject, err := d.subject.Execute(msgtmpl.NewData(out, subjectToken))
	if err == nil {
		err = checkSubject(subject, false)
	}
	if err != nil {
		// The same message gives the same subject on every attempt.
		return nil, engine.Permanent(fmt.Errorf("nats destination: subject: %w", err))
	}
	msg := natsgo.NewMsg(subject)
	msg.Data = out.Payload
	msg.Header.Set(jetstream.MsgIDHeader, MsgID(out))
	msg.Header.Set(HeaderContentType, cmp.Or(out.ContentType, "application/octet-stream"))
	msg.Header.Set(HeaderMessageID, strconv.FormatInt(out.MessageID, 10))
	msg.Header.Set(HeaderChannel, out.Channel)
	if trace.SpanContextFromContext(ctx).IsValid() {
		propagation.TraceContext{}.Inject(ctx, headerCarrier(msg.Header))
	}
	var opts []jetstream.PublishOpt
	if d.cfg.Stream != "" {
		opts = append(opts, jetstream.WithExpectStream(d.cfg.Stream))
	}
	pctx, cancel := context.WithTimeout(ctx, cmp.Or(d.cfg.Timeout, DefaultTimeout))
	defer cancel()
	ack, err := js.PublishMsg(pctx, msg, opts...)
	if err != nil {
		err = d.classify(ctx, js, subject, err)
		d.log.Info("nats destination: publish failed", "message_id", out.MessageID, "attempt", out.Attempt,
			"permanent", engine.IsPermanent(err), "err", err)
		return nil, err
	}
	status := "stored"
	if ack.Duplicate {
		status = "duplicate"
	}
	body, _ := json.Marshal(pubAck{Stream: ack.Stream, Sequence: ack.Sequence, Duplicate: ack.Duplicate})
	return &engine.Response{Status: status, Body: body}, nil
}

// pubAck is the response body of a delivery.
type pubAck struct {
	Stream    string `json:"stream"`
	Sequence  uint64 `json:"seq"`
	Duplicate bool   `json:"duplicate"`
}

// MsgID is the Nats-Msg-Id of a delivery: the same on every attempt of the
// same message to the same destination, so that a stream drops a copy
// re-published after a lost acknowledgement (within its duplicate
// window), and different for each destination and channel.
func MsgID(out *engine.Outbound) string {
	return "plexus-" + out.Channel + "-" + strconv.FormatInt(out.MessageID, 10) + "-" + out.Destination
}

// classify turns a publish error into the delivery's error: permanent when
// the stream refused the message for what it is (too large, a subject no
// stream takes or another stream than the configured one), retryable when
// the server was unreachable, slow or out of space.
func (d *Destination) classify(ctx context.Context, js jetstream.JetStream, subject string, err error) error {
	var apiErr *jetstream.APIError
	switch {
	case errors.As(err, &apiErr):
		perr := &PublishError{Subject: subject, Code: apiErr.Code, APICode: uint16(apiErr.ErrorCode), Reason: apiErr.Description}
		switch {
		case apiErr.ErrorCode == apiMessageTooLarge, apiErr.ErrorCode == apiStreamMismatch,
			apiErr.Code >= 400 && apiErr.Code < 500 && apiErr.Code != 408 && apiErr.Code != 429:
			return engine.Permanent(perr)
		}
		return perr
	case errors.Is(err, natsgo.ErrMaxPayload):
		return engine.Permanent(fmt.Errorf("nats destination: publishing to %s: %w", subject, err))
	case errors.Is(err, jetstream.ErrNoStreamResponse):
		// Nobody answered: either no stream takes the subject, or the
		// stream has no leader for the moment. Ask the JetStream API,
		// which tells them apart.
		lctx, cancel := context.WithTimeout(ctx, cmp.Or(d.cfg.Timeout, DefaultTimeout))
		defer cancel()
		if _, lerr := js.StreamNameBySubject(lctx, subject); errors.Is(lerr, jetstream.ErrStreamNotFound) {
			return engine.Permanent(fmt.Errorf("nats destination: no stream takes subject %s", subject))
		}
		return fmt.Errorf("nats destination: publishing to %s: %w", subject, err)
	}
	return fmt.Errorf("nats destination: publishing to %s: %w", subject, err)
}

// connect returns the JetStream context, connecting on first use and then
// checking (or creating) the stream.
func (d *Destination) connect(ctx context.Context) (jetstream.JetStream, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return nil, errors.New("nats destination: closed")
	}
	if d.js != nil {
		return d.js, nil
	}
	nc, err := d.cfg.connect("plexus "+d.env.Channel+"/"+d.env.Name, d.log)
	if err != nil {
		// Not permanent: the server may come back, the operator may fix
		// the credentials.
		return nil, fmt.Errorf("nats destination: %w", err)
	}
	js, err := jetstream.New(nc)
	if err == nil {
		err = d.prepareStream(ctx, js)
	}
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("nats destination: %w", err)
	}
	d.nc, d.js = nc, js
	d.log.Info("nats destination connected", "server", redacted(nc.ConnectedUrl()), "stream", d.cfg.Stream)
	return js, nil
}

// prepareStream checks that the configured stream exists, creating it
// when create_stream says so.
func (d *Destination) prepareStream(ctx context.Context, js jetstream.JetStream) error {
	if d.cfg.Stream == "" {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, cmp.Or(d.cfg.Timeout, DefaultTimeout))
	defer cancel()
	_, err := js.Stream(ctx, d.cfg.Stream)
	if err == nil {
		return nil
	}
	if !errors.Is(err, jetstream.ErrStreamNotFound) || d.cfg.CreateStream == nil {
		return fmt.Errorf("stream %s: %w", d.cfg.Stream, err)
	}
	sc := d.cfg.CreateStream
	storage := jetstream.FileStorage
	if sc.Storage == "memory" {
		storage = jetstream.MemoryStorage
	}
	_, err = js.CreateStream(ctx, jetstream.StreamConfig{
		Name: d.cfg.Stream, Subjects: sc.Subjects, Storage: storage,
		MaxAge: sc.MaxAge, Duplicates: sc.DuplicateWindow,
	})
	if errors.Is(err, jetstream.ErrStreamNameAlreadyInUse) {
		return nil // another node created it first
	}
	if err != nil {
		return fmt.Errorf("creating stream %s: %w", d.cfg.Stream, err)
	}
	d.log.Info("nats destination created its stream", "stream", d.cfg.Stream)
	return nil
}

// Close closes the connection, after sending what is buffered; later
// deliveries fail.
func (d *Destination) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.closed = true
	if d.nc != nil {
		d.nc.Close()
		d.nc, d.js = nil, nil
	}
	return nil
}

// headerCarrier carries W3C trace context in NATS headers, whose keys are
// case-sensitive: "traceparent" is written and read as it is.
type headerCarrier natsgo.Header

func (c headerCarrier) Get(key string) string { return natsgo.Header(c).Get(key) }
func (c headerCarrier) Set(key, value string) { natsgo.Header(c).Set(key, value) }
func (c headerCarrier) Keys() []string {
	keys := make([]string, 0, len(c))
	for k := range c {
		keys = append(keys, k)
	}
	return keys
}

var (
	_ engine.Destination         = (*Destination)(nil)
	_ engine.Closer              = (*Destination)(nil)
	_ propagation.TextMapCarrier = headerCarrier(nil)
)
