package mllp

import (
	"context"
	"crypto/tls"
	"net"
	"time"
)

// Message is one inbound MLLP message as the server hands it to a Handler.
type Message struct {
	// Payload is the frame's content without framing bytes. It is the
	// handler's own copy: it may keep it after returning.
	Payload []byte
	// RemoteAddr is the address of the sending peer.
	RemoteAddr net.Addr
	// TLS describes the connection when it uses TLS, and is nil otherwise.
	TLS *tls.ConnectionState
	// PeerSubject is the subject distinguished name of the verified client
	// certificate, as formatted by pkix.Name.String (RFC 2253 style, such
	// as "CN=lab-sender,O=Example Lab"), when the client presented one; it
	// is empty otherwise. With mutual TLS it identifies the sending system.
	PeerSubject string
	// ReceivedAt is when the frame had been read completely.
	ReceivedAt time.Time
}

// Handler decides the response to each inbound message.
//
// ServeMLLP returns the bytes to send back, usually an HL7 ACK, which the
// server frames and writes before it reads the next message on that
// connection. A nil or empty response sends nothing and the server goes on
// reading; use it only for messages that take no acknowledgement (such as
// MSH-15 "NE"), because a sender waiting for an ACK would time out. A
// non-nil error means the message was not taken into custody: the server
// closes the connection without responding, so the sender, lacking an ACK,
// sends the message again. A handler should therefore return an error only
// when it could not make the message durable, and answer bad messages with
// an AE/AR ACK instead, as a retry would fail again.
//
// The server calls ServeMLLP for one message at a time per connection, in
// order of arrival; calls for different connections run concurrently. The
// context is cancelled when the server is closed, or when a graceful
// shutdown runs out of time.
type Handler interface {
	ServeMLLP(ctx context.Context, m *Message) ([]byte, error)
}

// HandlerFunc adapts an ordinary function to the Handler interface.
type HandlerFunc func(ctx context.Context, m *Message) ([]byte, error)

// ServeMLLP calls f(ctx, m).
func (f HandlerFunc) ServeMLLP(ctx context.Context, m *Message) ([]byte, error) {
	return f(ctx, m)
}

var _ Handler = HandlerFunc(nil)
