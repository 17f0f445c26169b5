package mllp

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"syscall"
	"time"

	"github.com/plexus-health/plexus/format/hl7v2"
)

// Defaults for the Client's timeouts.
const (
	DefaultDialTimeout = 10 * time.Second
	DefaultAckTimeout  = 30 * time.Second
)

// Client sends messages to an MLLP receiver over one connection, which it
// opens on first use and opens again after it breaks.
//
// Delivery is at-least-once. When a connection that was idle since the last
// exchange fails before any byte of the response has arrived (the receiver
// closed it while idle, a typical case being its idle timeout), Send sends
// the message once more on a new connection. The receiver may nevertheless
// have taken the first copy in, for instance if it journaled the message and
// then crashed before answering, so it may see the message twice; receivers
// should detect duplicates by MSH-10. Send never resends after a timeout or
// after part of a response arrived; it returns the error and leaves
// retrying to the caller, which then faces the same choice.
//
// A Client is safe for concurrent use; sends are serialized, one message
// and its acknowledgement at a time, as MLLP requires. The exported fields
// must be set before the first Send and not changed afterwards.
type Client struct {
	// Addr is the receiver's TCP address, host:port.
	Addr string
	// TLSConfig, when non-nil, makes the client connect with TLS. For
	// mutual TLS include the client certificate in Certificates.
	TLSConfig *tls.Config
	// DialTimeout bounds connecting, TLS handshake included; 0 means
	// DefaultDialTimeout.
	DialTimeout time.Duration
	// AckTimeout bounds sending a message and receiving its response; 0
	// means DefaultAckTimeout.
	AckTimeout time.Duration
	// MaxMessageSize is the largest response accepted, in bytes; 0 means
	// DefaultMaxMessageSize.
	MaxMessageSize int

	initOnce sync.Once
	sem      chan struct{} // held by the Send in progress

	mu     sync.Mutex // guards conn and closed
	conn   net.Conn
	closed bool

	// Used only by the Send holding sem.
	rd     *Reader
	wr     *Writer
	parsed hl7v2.Message // reused to read MSH-10 and the ACK
}

// Send sends payload as one MLLP frame and waits for the response frame.
//
// It returns the response bytes, a copy the caller may keep, and an error
// that says how to read them:
//
//   - nil: MSA-1 is AA or CA, the receiver accepted the message;
//   - *AckError (use errors.As): MSA-1 is AE, AR, CE or CR;
//   - an error wrapping ErrControlIDMismatch: MSA-2 is not the payload's
//     MSH-10 (compared only when both are present);
//   - an error wrapping ErrInvalidAck: the response is not an HL7 ACK.
//
// Without response bytes, the error is about the exchange itself: the
// payload could not be framed (ErrInvalidPayload), the connection failed,
// the response did not arrive within AckTimeout, or ctx ended. In those
// cases the receiver may or may not have the message.
func (c *Client) Send(ctx context.Context, payload []byte) ([]byte, error) {
	if err := checkPayload(payload); err != nil {
		return nil, err
	}
	c.initOnce.Do(func() { c.sem = make(chan struct{}, 1) })
	select {
	case c.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, fmt.Errorf("mllp: waiting to send: %w", context.Cause(ctx))
	}
	defer func() { <-c.sem }()
	sentID := controlID(&c.parsed, payload)

	for attempt := 1; ; attempt++ {
		conn, reused, err := c.connect(ctx)
		if err != nil {
			return nil, err
		}
		ack, received, err := c.exchange(ctx, conn, payload)
		if err != nil {
			c.drop(conn)
			switch {
			case c.isClosed():
				return nil, fmt.Errorf("mllp: sending: %w", ErrClientClosed)
			case ctx.Err() != nil:
				return nil, fmt.Errorf("mllp: sending: %w", context.Cause(ctx))
			case attempt == 1 && reused && !received && isStaleConnError(err):
				continue
			}
			return nil, err
		}
		ack = bytes.Clone(ack)
		err = checkAck(&c.parsed, ack, sentID)
		if errors.Is(err, ErrControlIDMismatch) {
			// The responses are out of step with the messages; start
			// afresh rather than match later responses wrongly.
			c.drop(conn)
		}
		return ack, err
	}
}

// Close closes the connection, interrupting a Send in progress, and makes
// later calls to Send fail with ErrClientClosed.
func (c *Client) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	if c.conn == nil {
		return nil
	}
	err := c.conn.Close()
	c.conn = nil
	if err != nil && !errors.Is(err, net.ErrClosed) {
		return fmt.Errorf("mllp: closing connection: %w", err)
	}
	return nil
}

func (c *Client) isClosed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closed
}

// connect returns the open connection, or dials a new one. reused reports
// whether the connection had been used before.
func (c *Client) connect(ctx context.Context) (conn net.Conn, reused bool, err error) {
	c.mu.Lock()
	conn, closed := c.conn, c.closed
	c.mu.Unlock()
	if closed {
		return nil, false, ErrClientClosed
	}
	if conn != nil {
		return conn, true, nil
	}

	d := &net.Dialer{Timeout: c.DialTimeout}
	if d.Timeout == 0 {
		d.Timeout = DefaultDialTimeout
	}
	if c.TLSConfig != nil {
		conn, err = (&tls.Dialer{NetDialer: d, Config: c.TLSConfig}).DialContext(ctx, "tcp", c.Addr)
	} else {
		conn, err = d.DialContext(ctx, "tcp", c.Addr)
	}
	if err != nil {
		return nil, false, fmt.Errorf("mllp: connecting to %s: %w", c.Addr, err)
	}

	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		conn.Close()
		return nil, false, ErrClientClosed
	}
	c.conn = conn
	if c.rd == nil {
		c.rd = NewReader(conn, c.MaxMessageSize)
		c.wr = NewWriter(conn)
	} else {
		c.rd.Reset(conn)
		c.wr.Reset(conn)
	}
	return conn, false, nil
}

// drop closes conn and forgets it, so the next Send connects afresh.
func (c *Client) drop(conn net.Conn) {
	c.mu.Lock()
	if c.conn == conn {
		c.conn = nil
	}
	c.mu.Unlock()
	conn.Close()
}

// exchange writes one frame and reads one. received reports whether any
// byte arrived from the receiver during the exchange.
func (c *Client) exchange(ctx context.Context, conn net.Conn, payload []byte) (ack []byte, received bool, err error) {
	timeout := c.AckTimeout
	if timeout == 0 {
		timeout = DefaultAckTimeout
	}
	deadline := time.Now().Add(timeout)
	ctxDeadline, byCtx := ctx.Deadline()
	if byCtx = byCtx && ctxDeadline.Before(deadline); byCtx {
		deadline = ctxDeadline
	}
	if err := conn.SetDeadline(deadline); err != nil {
		return nil, false, fmt.Errorf("mllp: setting deadline: %w", err)
	}
	// Cancelling ctx moves the deadline into the past, which wakes the
	// blocked read or write.
	if ctx.Done() != nil {
		stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
		defer func() {
			if !stop() && err == nil {
				// ctx ended just as the exchange completed: the deadline may
				// yet be moved, so this connection cannot be trusted for the
				// next Send. The response itself is good.
				c.drop(conn)
			}
		}()
	}

	before := c.rd.nread
	if err := c.wr.WriteFrame(payload); err != nil {
		return nil, false, err
	}
	ack, err = c.rd.ReadFrame()
	if err != nil {
		received = c.rd.nread != before
		switch {
		case err == io.EOF:
			err = fmt.Errorf("mllp: connection closed before a response: %w", err)
		case errors.Is(err, os.ErrDeadlineExceeded) && !byCtx && ctx.Err() == nil:
			err = fmt.Errorf("mllp: no response within %v: %w", timeout, err)
		}
		return nil, received, err
	}
	return ack, true, nil
}

// isStaleConnError reports whether err is how a connection the peer has
// already closed fails: end of input, reset, or broken pipe.
func isStaleConnError(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, syscall.ECONNABORTED)
}
