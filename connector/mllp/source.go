package mllp

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/plexus-health/plexus/connector/internal/option"
	"github.com/plexus-health/plexus/engine"
	"github.com/plexus-health/plexus/platform/tlsconfig"
	transport "github.com/plexus-health/plexus/transport/mllp"
)

// Defaults for the source's timeouts.
const (
	DefaultReadTimeout  = 60 * time.Second
	DefaultWriteTimeout = 30 * time.Second
)

// SourceConfig is the options of an MLLP source.
type SourceConfig struct {
	// Listen is the TCP address to listen on, host:port.
	Listen string `yaml:"listen"`
	// TLS, when set, makes the listener speak TLS.
	TLS *tlsconfig.Server `yaml:"tls"`
	// MaxConnections limits the connections open at once; 0: no limit.
	MaxConnections int `yaml:"max_connections"`
	// MaxMessageSize is the largest message accepted, in bytes; 0 means
	// 16 MiB. A larger message closes the connection without an ACK.
	MaxMessageSize int `yaml:"max_message_size"`
	// ReadTimeout bounds receiving one message once its first byte came;
	// 0 means DefaultReadTimeout.
	ReadTimeout time.Duration `yaml:"read_timeout"`
	// WriteTimeout bounds writing one acknowledgement; 0 means
	// DefaultWriteTimeout.
	WriteTimeout time.Duration `yaml:"write_timeout"`
	// IdleTimeout closes connections on which no message begins for this
	// long; 0 keeps them open, as MLLP senders usually expect.
	IdleTimeout time.Duration `yaml:"idle_timeout"`
}

func (c *SourceConfig) validate() error {
	var p option.Problems
	p.ListenAddr("listen", c.Listen)
	p.NotNegative("max_connections", int64(c.MaxConnections))
	p.NotNegative("max_message_size", int64(c.MaxMessageSize))
	p.Duration("read_timeout", c.ReadTimeout)
	p.Duration("write_timeout", c.WriteTimeout)
	p.Duration("idle_timeout", c.IdleTimeout)
	if c.TLS != nil {
		p.Add(c.TLS.Validate("tls"))
	}
	return p.Err()
}

// Source is an MLLP listener feeding a channel.
type Source struct {
	cfg SourceConfig
	log *slog.Logger

	mu     sync.Mutex
	srv    *transport.Server
	addr   net.Addr
	done   chan struct{} // closed when Serve returned
	recv   engine.Receiver
	closed bool
}

// NewSource is the engine.SourceFactory of MLLP sources. It checks the
// options; the listener is opened by Start.
func NewSource(env engine.Env, opts engine.Options) (engine.Source, error) {
	var cfg SourceConfig
	if err := opts.Decode(&cfg); err != nil {
		return nil, err
	}
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	log := env.Logger
	if log == nil {
		log = slog.Default()
	}
	return &Source{cfg: cfg, log: log.With("channel", env.Channel, "source", "mllp")}, nil
}

// Start opens the listener and serves senders until Stop.
func (s *Source) Start(ctx context.Context, recv engine.Receiver) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.srv != nil || s.closed {
		return errors.New("mllp source: already started")
	}
	srv := &transport.Server{
		Handler:        transport.HandlerFunc(s.serve),
		MaxConns:       s.cfg.MaxConnections,
		MaxMessageSize: s.cfg.MaxMessageSize,
		ReadTimeout:    cmp.Or(s.cfg.ReadTimeout, DefaultReadTimeout),
		WriteTimeout:   cmp.Or(s.cfg.WriteTimeout, DefaultWriteTimeout),
		IdleTimeout:    s.cfg.IdleTimeout,
		Logger:         s.log,
	}
	if s.cfg.TLS != nil {
		certs, err := s.cfg.TLS.Load(s.log)
		if err != nil {
			return fmt.Errorf("mllp source: %w", err)
		}
		srv.TLSConfig = certs.Config()
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", s.cfg.Listen)
	if err != nil {
		return fmt.Errorf("mllp source: %w", err)
	}
	if srv.TLSConfig == nil {
		tlsconfig.WarnPlaintext(s.log, "mllp source", ln.Addr().String())
	}
	s.srv, s.addr, s.recv, s.done = srv, ln.Addr(), recv, make(chan struct{})
	go func(done chan struct{}) {
		defer close(done)
		if err := srv.Serve(ln); !errors.Is(err, transport.ErrServerClosed) {
			s.log.Error("mllp source stopped serving", "err", err)
		}
	}(s.done)
	return nil
}

// serve hands one message to the engine and returns the acknowledgement to
// write back. An error makes the server close the connection without one.
func (s *Source) serve(ctx context.Context, m *transport.Message) ([]byte, error) {
	in := &engine.Inbound{
		Source:      "mllp",
		Remote:      m.RemoteAddr.String(),
		ContentType: engine.ContentHL7v2,
		Raw:         m.Payload,
		ReceivedAt:  m.ReceivedAt,
	}
	reply, err := s.recv.Receive(ctx, in)
	if err != nil {
		return nil, fmt.Errorf("message not stored: %w", err)
	}
	if reply == nil {
		return nil, errors.New("message not stored: the receiver gave no reply")
	}
	return reply.Body, nil
}

// Addr returns the address the source listens on once started, nil before.
func (s *Source) Addr() net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addr
}

// Stop closes the listener and idle connections, lets messages being
// received finish with their acknowledgements, and returns when every
// connection is closed or ctx ends, whichever is first.
func (s *Source) Stop(ctx context.Context) error {
	s.mu.Lock()
	srv, done := s.srv, s.done
	s.closed = true
	s.mu.Unlock()
	if srv == nil {
		return nil
	}
	err := srv.Shutdown(ctx)
	select {
	case <-done:
	case <-ctx.Done():
	}
	if err != nil {
		return fmt.Errorf("mllp source: stopping: %w", err)
	}
	return nil
}

var _ engine.Source = (*Source)(nil)
