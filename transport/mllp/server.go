package mllp

import (
	"bytes"
	"cmp"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// DefaultAddr is the address ListenAndServe uses when Server.Addr is empty:
// all interfaces, port 2575, the port IANA registered for HL7 over MLLP.
const DefaultAddr = ":2575"

// Server accepts MLLP connections and passes each message to its Handler,
// writing the handler's response back as the acknowledgement.
//
// The exported fields configure the server and must not be changed once it
// is serving. The zero value of every field but Handler is usable.
type Server struct {
	// Addr is the TCP address ListenAndServe listens on; empty means
	// DefaultAddr.
	Addr string

	// Handler decides the response to each message. It is required.
	Handler Handler

	// TLSConfig, when non-nil, makes the server speak TLS: it must hold a
	// certificate. For mutual TLS set ClientAuth to
	// tls.RequireAndVerifyClientCert and ClientCAs to the CAs that sign the
	// senders' certificates; the verified client subject is then passed to
	// the handler in Message.PeerSubject.
	TLSConfig *tls.Config

	// MaxConns limits how many connections are open at once; 0 means no
	// limit. A connection beyond the limit is closed as soon as it is
	// accepted, and the refusal logged. Closing, rather than leaving it
	// waiting in the accept queue, shows the sender at once that it was
	// not served, so it can retry later as after any other dropped
	// connection, instead of timing out on a message nobody reads.
	MaxConns int

	// MaxMessageSize is the largest payload accepted, in bytes; 0 means
	// DefaultMaxMessageSize. A larger message is logged and its connection
	// closed without a response, so nothing is acknowledged that was not
	// received whole.
	MaxMessageSize int

	// ReadTimeout bounds the time to receive one message once its start
	// block has arrived; 0 means no limit. It also bounds the TLS
	// handshake, which IdleTimeout bounds instead if ReadTimeout is 0.
	ReadTimeout time.Duration

	// IdleTimeout closes a connection on which no message begins for this
	// long after the previous one was answered; 0 means connections may
	// stay idle indefinitely.
	IdleTimeout time.Duration

	// WriteTimeout bounds the time to write one response; 0 means no limit.
	WriteTimeout time.Duration

	// Logger receives connection events and errors; nil means
	// slog.Default(). The server logs sizes, addresses and errors, never
	// message content.
	Logger *slog.Logger

	mu         sync.Mutex
	listeners  map[*net.Listener]struct{}
	conns      map[*serverConn]struct{}
	boundAddr  net.Addr
	baseCtx    context.Context
	cancel     context.CancelFunc
	inShutdown atomic.Bool
	wg         sync.WaitGroup // one per connection goroutine
	nextConnID atomic.Uint64
}

// ListenAndServe listens on the TCP address s.Addr and then calls Serve. It
// always returns a non-nil error; after Shutdown or Close, ErrServerClosed.
func (s *Server) ListenAndServe() error {
	if s.inShutdown.Load() {
		return ErrServerClosed
	}
	addr := s.Addr
	if addr == "" {
		addr = DefaultAddr
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("mllp: listening: %w", err)
	}
	return s.Serve(ln)
}

// Serve accepts connections on ln, wrapped in TLS if s.TLSConfig is set, and
// serves each in its own goroutine. It closes ln when it returns, and always
// returns a non-nil error; after Shutdown or Close, ErrServerClosed.
func (s *Server) Serve(ln net.Listener) error {
	if s.Handler == nil {
		ln.Close()
		return errors.New("mllp: server has no handler")
	}
	if s.TLSConfig != nil {
		cfg := s.TLSConfig.Clone()
		if len(cfg.Certificates) == 0 && cfg.GetCertificate == nil && cfg.GetConfigForClient == nil {
			ln.Close()
			return errors.New("mllp: tls config has no server certificate")
		}
		ln = tls.NewListener(ln, cfg)
	}
	if !s.trackListener(&ln) {
		ln.Close()
		return ErrServerClosed
	}
	defer s.untrackListener(&ln)

	log := s.logger()
	log.Info("mllp server listening", "addr", ln.Addr().String(), "tls", s.TLSConfig != nil)
	var backoff time.Duration
	for {
		nc, err := ln.Accept()
		if err != nil {
			if s.inShutdown.Load() {
				return ErrServerClosed
			}
			if isTemporaryAcceptError(err) {
				// Out of file descriptors and the like: wait for the
				// condition to pass rather than spin or give up.
				backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
				log.Warn("mllp accept failed; retrying", "err", err, "delay", backoff)
				time.Sleep(backoff)
				continue
			}
			return fmt.Errorf("mllp: accepting: %w", err)
		}
		backoff = 0
		if c := s.newConn(nc); c != nil {
			go c.serve()
		}
	}
}

// isTemporaryAcceptError reports whether Accept may succeed if tried again.
func isTemporaryAcceptError(err error) bool {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	return errors.Is(err, syscall.EMFILE) || errors.Is(err, syscall.ENFILE) ||
		errors.Is(err, syscall.ENOBUFS) || errors.Is(err, syscall.ENOMEM)
}

// BoundAddr returns the address of the listener the server most recently
// started serving on, or nil before that. With Addr "127.0.0.1:0" it tells
// which port was chosen.
func (s *Server) BoundAddr() net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.boundAddr
}

// Shutdown stops the server gracefully. It closes the listeners, closes
// connections that are idle between messages, and lets messages that are
// being received or handled finish, their responses written, before their
// connections close. It returns when every connection has closed, or, if
// ctx ends first, cancels handler contexts, closes all connections and
// returns the context's error. A handler that ignores its context may still
// be running then.
func (s *Server) Shutdown(ctx context.Context) error {
	conns, lnErr := s.beginShutdown()
	for _, c := range conns {
		c.closeIfIdle()
	}
	done := make(chan struct{})
	go func() {
		s.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		s.cancelHandlers()
		return lnErr
	case <-ctx.Done():
		s.cancelHandlers()
		s.closeConns()
		return ctx.Err()
	}
}

// Close stops the server at once: it closes the listeners and every
// connection and cancels handler contexts. Messages being handled get no
// response; their senders will send them again. Close does not wait for
// handlers to return.
func (s *Server) Close() error {
	_, lnErr := s.beginShutdown()
	s.cancelHandlers()
	s.closeConns()
	return lnErr
}

// beginShutdown marks the server as shutting down, closes its listeners and
// returns the connections open at that moment. Because connections are
// added under s.mu only while not shutting down, none is added after this.
func (s *Server) beginShutdown() ([]*serverConn, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.inShutdown.Store(true)
	var err error
	for ln := range s.listeners {
		if cerr := (*ln).Close(); cerr != nil && err == nil && !errors.Is(cerr, net.ErrClosed) {
			err = fmt.Errorf("mllp: closing listener: %w", cerr)
		}
		delete(s.listeners, ln)
	}
	conns := make([]*serverConn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	return conns, err
}

func (s *Server) cancelHandlers() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cancel != nil {
		s.cancel()
	}
}

func (s *Server) closeConns() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.conns {
		c.raw.Close()
	}
}

func (s *Server) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}

func (s *Server) trackListener(ln *net.Listener) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.inShutdown.Load() {
		return false
	}
	if s.listeners == nil {
		s.listeners = make(map[*net.Listener]struct{})
		s.conns = make(map[*serverConn]struct{})
		s.baseCtx, s.cancel = context.WithCancel(context.Background())
	}
	s.listeners[ln] = struct{}{}
	s.boundAddr = (*ln).Addr()
	return true
}

func (s *Server) untrackListener(ln *net.Listener) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.listeners[ln]; ok {
		(*ln).Close()
		delete(s.listeners, ln)
	}
}

// newConn registers an accepted connection, or closes it and returns nil if
// the server is shutting down or at its connection limit.
func (s *Server) newConn(nc net.Conn) *serverConn {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.inShutdown.Load() {
		nc.Close()
		return nil
	}
	if s.MaxConns > 0 && len(s.conns) >= s.MaxConns {
		s.logger().Warn("mllp connection refused: connection limit reached",
			"remote", nc.RemoteAddr().String(), "max_conns", s.MaxConns)
		nc.Close()
		return nil
	}
	raw := nc
	if tc, ok := nc.(*tls.Conn); ok {
		raw = tc.NetConn()
	}
	id := s.nextConnID.Add(1)
	c := &serverConn{
		srv: s,
		nc:  nc,
		raw: raw,
		log: s.logger().With("conn", id, "remote", nc.RemoteAddr().String()),
	}
	s.conns[c] = struct{}{}
	s.wg.Add(1)
	return c
}

func (s *Server) removeConn(c *serverConn) {
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
	s.wg.Done()
}

// serverConn is one accepted connection.
type serverConn struct {
	srv *Server
	nc  net.Conn // what the server reads and writes: TCP or TLS
	raw net.Conn // the TCP connection under nc, closed to force an end
	log *slog.Logger

	mu     sync.Mutex
	active bool // receiving or handling a message; guarded by mu
}

// setActive marks the connection busy with a message, so that a graceful
// shutdown lets it finish.
func (c *serverConn) setActive() {
	c.mu.Lock()
	c.active = true
	c.mu.Unlock()
}

// setIdle marks the connection idle and reports whether it should go on
// serving. Together with closeIfIdle it guarantees that a shutdown either
// closes the connection while idle or is seen here.
func (c *serverConn) setIdle() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.active = false
	return !c.srv.inShutdown.Load()
}

func (c *serverConn) closeIfIdle() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.active {
		c.raw.Close()
	}
}

func (c *serverConn) serve() {
	s := c.srv
	var (
		messages int
		rd       *Reader
	)
	defer func() {
		c.nc.Close()
		s.removeConn(c)
		var discarded int64
		if rd != nil {
			discarded = rd.Discarded()
		}
		if discarded > 0 {
			c.log.Info("mllp connection closed", "messages", messages, "discarded_bytes", discarded)
		} else {
			c.log.Debug("mllp connection closed", "messages", messages)
		}
	}()
	c.log.Debug("mllp connection opened")

	var (
		tlsState    *tls.ConnectionState
		peerSubject string
	)
	if tc, ok := c.nc.(*tls.Conn); ok {
		c.setDeadline(c.nc.SetDeadline, cmp.Or(s.ReadTimeout, s.IdleTimeout))
		if err := tc.HandshakeContext(s.baseCtx); err != nil {
			c.log.Warn("mllp tls handshake failed", "err", err)
			return
		}
		state := tc.ConnectionState()
		tlsState = &state
		if len(state.PeerCertificates) > 0 {
			peerSubject = state.PeerCertificates[0].Subject.String()
		}
	}

	rd = NewReader(c.nc, s.MaxMessageSize)
	rd.onFrameStart = func() {
		c.setActive()
		c.setDeadline(c.nc.SetReadDeadline, s.ReadTimeout)
	}
	wr := NewWriter(c.nc)
	var discarded int64
	for {
		if !c.setIdle() {
			return
		}
		c.setDeadline(c.nc.SetReadDeadline, s.IdleTimeout)
		payload, err := rd.ReadFrame()
		if n := rd.Discarded() - discarded; n > 0 {
			c.log.Debug("mllp discarded bytes outside frames", "bytes", n)
			discarded += n
		}
		if err != nil {
			c.logReadError(err, rd.inFrame)
			return
		}
		m := &Message{
			Payload:     bytes.Clone(payload),
			RemoteAddr:  c.nc.RemoteAddr(),
			TLS:         tlsState,
			PeerSubject: peerSubject,
			ReceivedAt:  time.Now(),
		}
		messages++
		resp, err := c.handle(m)
		if err != nil {
			c.log.Warn("mllp handler failed; closing connection without response",
				"size", len(m.Payload), "err", err)
			return
		}
		if len(resp) == 0 {
			c.log.Debug("mllp message handled; no response", "size", len(m.Payload))
			continue
		}
		c.setDeadline(c.nc.SetWriteDeadline, s.WriteTimeout)
		if err := wr.WriteFrame(resp); err != nil {
			c.log.Warn("mllp writing response failed", "size", len(resp), "err", err)
			return
		}
		c.log.Debug("mllp message handled", "size", len(m.Payload), "response_size", len(resp))
	}
}

// handle calls the handler, turning a panic into an error so that one bad
// message cannot take the whole engine down.
func (c *serverConn) handle(m *Message) (resp []byte, err error) {
	defer func() {
		if p := recover(); p != nil {
			// The panic value may quote message content; log only where
			// it happened.
			c.log.Error("mllp handler panicked", "stack", string(debug.Stack()))
			resp, err = nil, errors.New("mllp: handler panicked")
		}
	}()
	return c.srv.Handler.ServeMLLP(c.srv.baseCtx, m)
}

func (c *serverConn) logReadError(err error, inFrame bool) {
	switch {
	case err == io.EOF:
		c.log.Debug("mllp connection closed by peer")
	case c.srv.inShutdown.Load() && errors.Is(err, net.ErrClosed):
		c.log.Debug("mllp connection closed for shutdown")
	case errors.Is(err, os.ErrDeadlineExceeded) && !inFrame:
		c.log.Debug("mllp connection idle timeout", "idle_timeout", c.srv.IdleTimeout)
	case errors.Is(err, os.ErrDeadlineExceeded):
		c.log.Warn("mllp read timeout inside a message", "read_timeout", c.srv.ReadTimeout)
	case errors.Is(err, ErrFrameTooLarge):
		c.log.Warn("mllp message too large; closing connection without response",
			"max_size", c.srv.maxMessageSize())
	case errors.Is(err, io.ErrUnexpectedEOF):
		c.log.Warn("mllp connection closed by peer inside a message")
	default:
		c.log.Warn("mllp read failed", "err", err)
	}
}

// setDeadline sets a deadline d from now using set, or clears it if d is 0.
func (c *serverConn) setDeadline(set func(time.Time) error, d time.Duration) {
	var t time.Time
	if d > 0 {
		t = time.Now().Add(d)
	}
	set(t)
}

func (s *Server) maxMessageSize() int {
	if s.MaxMessageSize > 0 {
		return s.MaxMessageSize
	}
	return DefaultMaxMessageSize
}
