package dimse

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/plexus-health/plexus/dicom"
)

// ErrReleased is returned by reads after the peer released the
// association in good order.
var ErrReleased = errors.New("dimse: association released")

// Defaults for Server and Config fields left zero.
const (
	// DefaultMaxPDULength is the largest P-DATA-TF PDU Plexus asks peers to
	// send; larger PDUs are refused.
	DefaultMaxPDULength = 256 << 10
	// DefaultARTIM is how long an association request, an answer to one,
	// or a release answer may take (the ARTIM timer of PS3.8 9.1.5).
	DefaultARTIM = 30 * time.Second
	// DefaultIdleTimeout is how long an association may wait for the
	// peer's next message.
	DefaultIdleTimeout = 5 * time.Minute
	// DefaultMaxDataSet bounds the size of one received data set.
	DefaultMaxDataSet = 2 << 30
)

// Context is an accepted presentation context.
type Context struct {
	ID             byte
	AbstractSyntax string
	TransferSyntax dicom.TransferSyntax
}

// Association is an established association. It is used by one goroutine
// at a time.
type Association struct {
	conn       net.Conn
	br         *bufio.Reader
	CalledAE   string // the AE title of the acceptor
	CallingAE  string // the AE title of the requestor
	contexts   map[byte]*Context
	maxRecv    uint32 // what we announced
	maxSend    uint32 // what the peer announced
	timeout    time.Duration
	maxDataSet int
	buf        []byte
	nextID     uint16
	// pending holds the PDVs of a P-DATA-TF that followed the end of the
	// message readMessage last returned.
	pending []PDV
}

func newAssociation(conn net.Conn, maxRecv uint32, timeout time.Duration) *Association {
	return &Association{conn: conn, br: bufio.NewReaderSize(conn, 64<<10), contexts: map[byte]*Context{}, maxRecv: maxRecv, timeout: timeout, maxDataSet: DefaultMaxDataSet}
}

// Contexts returns the accepted presentation contexts.
func (a *Association) Contexts() []*Context {
	out := make([]*Context, 0, len(a.contexts))
	for id := range 256 {
		if c, ok := a.contexts[byte(id)]; ok {
			out = append(out, c)
		}
	}
	return out
}

// RemoteAddr returns the peer's network address.
func (a *Association) RemoteAddr() net.Addr { return a.conn.RemoteAddr() }

// watch makes ctx's cancellation interrupt blocked I/O; call the returned
// function when the operation ends.
func (a *Association) watch(ctx context.Context, d time.Duration) func() bool {
	deadline := time.Now().Add(d)
	if dl, ok := ctx.Deadline(); ok && dl.Before(deadline) {
		deadline = dl
	}
	a.conn.SetDeadline(deadline)
	return context.AfterFunc(ctx, func() { a.conn.SetDeadline(time.Unix(1, 0)) })
}

func (a *Association) writePDU(pdu any) error {
	var err error
	a.buf, err = AppendPDU(a.buf[:0], pdu)
	if err != nil {
		return err
	}
	_, err = a.conn.Write(a.buf)
	return err
}

// abort sends an A-ABORT (best effort) and closes the connection.
func (a *Association) abort(source, reason byte) {
	a.conn.SetWriteDeadline(time.Now().Add(time.Second))
	a.writePDU(&Abort{Source: source, Reason: reason})
	a.conn.Close()
}

// Abort aborts the association.
func (a *Association) Abort() { a.abort(0, 0) }

// readMessage reads the next DIMSE message, answering a release request
// (ErrReleased) and reporting an abort (*Abort).
func (a *Association) readMessage() (*Message, error) { return a.readMessageTo(nil) }

// readMessageTo reads the next message like readMessage. When sink returns
// a writer for the message's command, the data set is written there as it
// arrives instead of being kept in Message.Data; the first write error is
// kept in Message.SinkErr and the rest of the data set is still read.
func (a *Association) readMessageTo(sink func(*Command, *Context) io.Writer) (*Message, error) {
	var (
		err       error
		w         io.Writer
		sinkErr   error
		sunk      bool
		cmd       []byte
		data      []byte
		command   *Command
		contextID byte
		started   bool
	)
	for {
		var pdu any
		if len(a.pending) > 0 {
			pdu, a.pending = &PData{Items: a.pending}, nil
		} else {
			if pdu, err = ReadPDU(a.br, a.maxRecv); err != nil {
				if errors.Is(err, ErrPDU) {
					a.abort(2, 0)
				}
				return nil, err
			}
		}
		switch p := pdu.(type) {
		case *PData:
			for i, v := range p.Items {
				if _, ok := a.contexts[v.ContextID]; !ok {
					a.abort(2, 6)
					return nil, fmt.Errorf("%w: presentation context %d was not accepted", ErrPDU, v.ContextID)
				}
				if started && v.ContextID != contextID {
					a.abort(2, 6)
					return nil, fmt.Errorf("%w: a message switched presentation context", ErrPDU)
				}
				started, contextID = true, v.ContextID
				if v.Command {
					if command != nil {
						a.abort(2, 6)
						return nil, fmt.Errorf("%w: command fragment after the command was complete", ErrPDU)
					}
					cmd = append(cmd, v.Data...)
					if len(cmd) > 1<<20 {
						a.abort(2, 6)
						return nil, fmt.Errorf("%w: command set over 1 MiB", ErrPDU)
					}
					if v.Last {
						if command, err = parseCommand(cmd); err != nil {
							a.abort(2, 6)
							return nil, err
						}
						if !command.HasDataSet {
							a.pending = p.Items[i+1:]
							return &Message{ContextID: contextID, Command: command}, nil
						}
						if sink != nil {
							if w = sink(command, a.contexts[contextID]); w != nil {
								sunk = true
							}
						}
					}
					continue
				}
				if command == nil {
					a.abort(2, 6)
					return nil, fmt.Errorf("%w: data set fragment before the command", ErrPDU)
				}
				switch {
				case sunk:
					if sinkErr == nil {
						_, sinkErr = w.Write(v.Data)
					}
				case len(data)+len(v.Data) > a.maxDataSet:
					a.abort(2, 0)
					return nil, fmt.Errorf("dimse: data set larger than %d bytes", a.maxDataSet)
				default:
					data = append(data, v.Data...)
				}
				if v.Last {
					a.pending = p.Items[i+1:]
					return &Message{ContextID: contextID, Command: command, Data: data, Sunk: sunk, SinkErr: sinkErr}, nil
				}
			}
		case *ReleaseRQ:
			a.conn.SetWriteDeadline(time.Now().Add(DefaultARTIM))
			a.writePDU(&ReleaseRP{})
			a.conn.Close()
			return nil, ErrReleased
		case *Abort:
			a.conn.Close()
			return nil, p
		default:
			a.abort(2, 2)
			return nil, fmt.Errorf("%w: unexpected %T during the association", ErrPDU, pdu)
		}
	}
}

// writeMessage sends a command and its data set, fragmented to fit the
// peer's maximum PDU length.
func (a *Association) writeMessage(contextID byte, cmd *Command, data []byte) error {
	cmd.HasDataSet = data != nil
	if err := a.writeFragments(contextID, true, cmd.encode()); err != nil {
		return err
	}
	if data != nil {
		return a.writeFragments(contextID, false, data)
	}
	return nil
}

func (a *Association) writeFragments(contextID byte, command bool, b []byte) error {
	chunk := 1 << 20
	if a.maxSend != 0 && int(a.maxSend)-6 < chunk {
		chunk = max(int(a.maxSend)-6, 2)
	}
	for {
		n := min(len(b), chunk)
		last := n == len(b)
		if err := a.writePDU(&PData{Items: []PDV{{ContextID: contextID, Command: command, Last: last, Data: b[:n]}}}); err != nil {
			return err
		}
		b = b[n:]
		if last {
			return nil
		}
	}
}

// Close closes the connection without a release or abort.
func (a *Association) Close() error { return a.conn.Close() }

var _ io.Closer = (*Association)(nil)
