package mllp

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/plexus-health/plexus/connector/internal/option"
	"github.com/plexus-health/plexus/engine"
	"github.com/plexus-health/plexus/format/hl7v2"
	"github.com/plexus-health/plexus/platform/tlsconfig"
	transport "github.com/plexus-health/plexus/transport/mllp"
)

// Policies for a negative acknowledgement.
const (
	Retry      = "retry"       // deliver the message again later
	DeadLetter = "dead_letter" // a permanent failure: dead-letter at once
)

// DestinationConfig is the options of an MLLP destination.
type DestinationConfig struct {
	// Address is the receiver's host:port.
	Address string `yaml:"address"`
	// TLS, when set, makes the connection use TLS.
	TLS *tlsconfig.Client `yaml:"tls"`
	// ConnectTimeout bounds connecting, TLS handshake included; 0 means 10s.
	ConnectTimeout time.Duration `yaml:"connect_timeout"`
	// AckTimeout bounds sending a message and receiving its
	// acknowledgement; 0 means 30s.
	AckTimeout time.Duration `yaml:"ack_timeout"`
	// MaxMessageSize is the largest acknowledgement accepted, in bytes;
	// 0 means 16 MiB.
	MaxMessageSize int `yaml:"max_message_size"`
	// OnAE is the policy for AE and CE acknowledgements: Retry (default)
	// or DeadLetter.
	OnAE string `yaml:"on_ae"`
	// OnAR is the policy for AR and CR acknowledgements: DeadLetter
	// (default) or Retry.
	OnAR string `yaml:"on_ar"`
}

func (c *DestinationConfig) validate() error {
	var p option.Problems
	p.DialAddr("address", c.Address)
	p.Duration("connect_timeout", c.ConnectTimeout)
	p.Duration("ack_timeout", c.AckTimeout)
	p.NotNegative("max_message_size", int64(c.MaxMessageSize))
	p.OneOf("on_ae", c.OnAE, Retry, DeadLetter)
	p.OneOf("on_ar", c.OnAR, Retry, DeadLetter)
	if c.TLS != nil {
		p.Add(c.TLS.Validate("tls"))
	}
	return p.Err()
}

// Destination sends messages to an MLLP receiver over one connection, which
// it opens on the first delivery and again after it breaks.
type Destination struct {
	cfg DestinationConfig
	log *slog.Logger

	mu     sync.Mutex
	client *transport.Client // nil until the first Deliver
	closed bool
}

// NewDestination is the engine.DestinationFactory of MLLP destinations. It
// checks the options without connecting.
func NewDestination(env engine.Env, opts engine.Options) (engine.Destination, error) {
	var cfg DestinationConfig
	if err := opts.Decode(&cfg); err != nil {
		return nil, err
	}
	if cfg.OnAE == "" {
		cfg.OnAE = Retry
	}
	if cfg.OnAR == "" {
		cfg.OnAR = DeadLetter
	}
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	log := env.Logger
	if log == nil {
		log = slog.Default()
	}
	return &Destination{cfg: cfg, log: log.With("channel", env.Channel, "destination", env.Name)}, nil
}

// Deliver sends out.Payload and waits for its acknowledgement. The response
// is the acknowledgement: Status is its MSA-1 code and Body its bytes. A
// negative acknowledgement returns the response together with an error
// wrapping *transport.AckError, permanent or not according to the policy.
func (d *Destination) Deliver(ctx context.Context, out *engine.Outbound) (*engine.Response, error) {
	c, err := d.connect()
	if err != nil {
		return nil, err
	}
	ack, err := c.Send(ctx, out.Payload)
	var resp *engine.Response
	if ack != nil {
		resp = &engine.Response{Status: ackCode(ack), Body: ack}
	}
	var nak *transport.AckError
	switch {
	case err == nil:
		return resp, nil
	case errors.As(err, &nak):
		policy := d.cfg.OnAE
		if nak.Code == "AR" || nak.Code == "CR" {
			policy = d.cfg.OnAR
		}
		d.log.Info("mllp destination got a negative acknowledgement",
			"message_id", out.MessageID, "code", nak.Code, "control_id", nak.ControlID, "policy", policy)
		if policy == DeadLetter {
			return resp, engine.Permanent(err)
		}
		return resp, err
	case errors.Is(err, transport.ErrInvalidPayload):
		// The payload holds an MLLP framing byte: no retry can send it.
		return nil, engine.Permanent(err)
	default:
		return resp, err
	}
}

// connect returns the client, creating it on first use.
func (d *Destination) connect() (*transport.Client, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return nil, transport.ErrClientClosed
	}
	if d.client != nil {
		return d.client, nil
	}
	c := &transport.Client{
		Addr:           d.cfg.Address,
		DialTimeout:    d.cfg.ConnectTimeout,
		AckTimeout:     d.cfg.AckTimeout,
		MaxMessageSize: d.cfg.MaxMessageSize,
	}
	if d.cfg.TLS != nil {
		tc, err := d.cfg.TLS.Load()
		if err != nil {
			// Not permanent: the operator may fix the file, and the
			// next attempt picks it up.
			return nil, fmt.Errorf("mllp destination: %w", err)
		}
		c.TLSConfig = tc
	}
	d.client = c
	return c, nil
}

// Close closes the connection; later deliveries fail.
func (d *Destination) Close() error {
	d.mu.Lock()
	c := d.client
	d.closed = true
	d.mu.Unlock()
	if c == nil {
		return nil
	}
	return c.Close()
}

// ackCode returns MSA-1 of an acknowledgement, or "" if it has none.
func ackCode(ack []byte) string {
	m, err := hl7v2.Parse(ack)
	if err != nil {
		return ""
	}
	code, _ := m.Get("MSA-1")
	return strings.ToUpper(strings.TrimSpace(code))
}

var (
	_ engine.Destination = (*Destination)(nil)
	_ engine.Closer      = (*Destination)(nil)
)
