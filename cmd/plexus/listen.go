package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/plexus-health/plexus/format/hl7v2"
	"github.com/plexus-health/plexus/transport/mllp"
)

const listenAbout = `
Listen is a simple receiver for testing senders: it accepts MLLP connections
on --addr:--port, writes each message it receives to a file in --out, and
only then answers with an acknowledgement:

  - AA for a message that parses and passes validation (MSH-9, MSH-10,
    MSH-12 and segment names);
  - AE or AR, with an ERR segment naming the segment and field, for one
    that does not. Its bytes are kept all the same, in a file ending in
    ".error", so nothing is lost.

Files are named NNNNNN-CONTROLID.hl7 from a counter that continues after the
highest number already in --out, and hold the message exactly as received.
Each is written to a temporary file, synced and renamed, so a file that
exists is complete. If a message cannot be stored, no ACK is sent and the
connection is closed: the sender will send it again.

Listen prints the address it is bound to (useful with --port 0), then one
line per message: number, control ID, message type, size, ACK code and file
name, never message content. SIGINT or SIGTERM stops it gracefully: it stops
accepting, lets messages in progress finish, and exits with status 0.

Without --tls-cert the connection is plain TCP. --client-ca requires every
sender to present a certificate issued by one of those CAs (mutual TLS).
`

// shutdownTimeout bounds how long a graceful stop waits for messages in
// progress.
const shutdownTimeout = 10 * time.Second

// runListen implements "plexus listen".
func runListen(c *cli, args []string) int {
	cmd := newCommand("listen", "--port N --out DIR", listenAbout)
	var (
		port    = cmd.flags.Int("port", 0, "listen on TCP `port` N (0 picks a free port)")
		addr    = cmd.flags.String("addr", "127.0.0.1", "listen on this `address`")
		out     = cmd.flags.String("out", "", "store received messages in `dir`ectory (created if missing)")
		tlsArgs serverTLS
	)
	tlsArgs.register(cmd.flags)
	pos, status, ok := cmd.parse(c, args)
	if !ok {
		return status
	}
	if len(pos) > 0 {
		return cmd.usageError(c, "unexpected argument %q", pos[0])
	}
	portSet := false
	cmd.flags.Visit(func(f *flag.Flag) { portSet = portSet || f.Name == "port" })
	if !portSet {
		return cmd.usageError(c, "--port is required (0 picks a free port)")
	}
	if *port < 0 || *port > 65535 {
		return cmd.usageError(c, "--port %d is not a TCP port", *port)
	}
	if *out == "" {
		return cmd.usageError(c, "--out is required: every message is stored before it is acknowledged")
	}
	tlsConfig, err := tlsArgs.config()
	if err != nil {
		return cmd.usageError(c, "%v", err)
	}
	dir, err := openMsgDir(*out)
	if err != nil {
		fmt.Fprintf(c.stderr, "plexus listen: %v\n", err)
		return exitFailure
	}
	// Catch the signals before telling anyone where to connect, so that a
	// stop right after start is graceful too.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ln, err := net.Listen("tcp", net.JoinHostPort(*addr, strconv.Itoa(*port)))
	if err != nil {
		fmt.Fprintf(c.stderr, "plexus listen: %v\n", err)
		return exitFailure
	}

	l := &listener{cli: c, dir: dir}
	srv := &mllp.Server{
		Handler:     l,
		TLSConfig:   tlsConfig,
		ReadTimeout: time.Minute,
		// Connection problems (a failed TLS handshake, a sender that gave
		// up mid-message) go to stderr; the server never logs content.
		Logger: slog.New(slog.NewTextHandler(c.stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
	}
	mode := "plain TCP"
	switch {
	case tlsConfig != nil && tlsConfig.ClientCAs != nil:
		mode = "mutual TLS"
	case tlsConfig != nil:
		mode = "TLS"
	}
	l.printf("listening on %s (%s), storing messages in %s", ln.Addr(), mode, dir.path)

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		fmt.Fprintf(c.stderr, "plexus listen: %v\n", err)
		return exitFailure
	case <-ctx.Done():
	}
	stop() // a second signal kills the process the usual way
	l.printf("stopping")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	err = srv.Shutdown(sctx)
	<-served
	l.printf("stopped: %d messages received, %d accepted, %d rejected, %d not stored or not answered",
		l.received.Load(), l.accepted.Load(), l.rejected.Load(), l.failed.Load())
	if err != nil {
		fmt.Fprintf(c.stderr, "plexus listen: shutdown: %v\n", err)
		return exitFailure
	}
	return exitOK
}

// listener is the handler of "plexus listen".
type listener struct {
	cli *cli
	dir *msgDir

	mu sync.Mutex // serializes output lines

	received, accepted, rejected, failed atomic.Int64
}

var _ mllp.Handler = (*listener)(nil)

// ServeMLLP stores the message, then returns its acknowledgement.
func (l *listener) ServeMLLP(ctx context.Context, msg *mllp.Message) ([]byte, error) {
	l.received.Add(1)
	m, refusal := hl7v2.Parse(msg.Payload)
	if refusal == nil {
		refusal = m.Validate()
	}
	// The ACK is built first, as it also salvages the control ID of a
	// message that does not parse, but sent only once the message is on
	// disk.
	ack, code, aerr := acknowledge(msg.Payload, m, refusal)
	id, typ := ackedControlID(ack), "-"
	if m != nil {
		id = m.ControlID()
		if code, trigger, _ := m.Type(); code != "" {
			typ = code
			if trigger != "" {
				typ += "^" + trigger
			}
		}
	}
	file, n, err := l.dir.save(id, refusal != nil, msg.Payload)
	line := fmt.Sprintf("%06d %s %s %d bytes", n, shortText(id), shortText(typ), len(msg.Payload))
	if err != nil {
		l.failed.Add(1)
		l.printf("%s not stored, no ACK sent: %v", line, err)
		return nil, err
	}
	if aerr != nil {
		// Stored but not answered: the sender will send it again.
		l.failed.Add(1)
		l.printf("%s stored as %s, but no ACK sent: %v", line, file, aerr)
		return nil, aerr
	}
	if code.IsPositive() {
		l.accepted.Add(1)
	} else {
		l.rejected.Add(1)
	}
	if ack == nil {
		line += " " + string(code) + " not sent (MSH-15 asks for none)"
	} else {
		line += " " + string(code)
	}
	line += " " + file
	if refusal != nil {
		line += ": " + safeReason(refusal)
	}
	l.printf("%s", line)
	return ack, nil
}

// ackedControlID returns MSA-2 of an acknowledgement, the control ID of the
// message it answers, or "" if there is none.
func ackedControlID(ack []byte) string {
	if ack == nil {
		return ""
	}
	m, err := hl7v2.Parse(ack)
	if err != nil {
		return ""
	}
	id, _ := m.Get("MSA-2")
	return id
}

// acknowledge builds the immediate acknowledgment of a message that has been
// stored: m is the parsed message, or nil when the payload did not parse,
// and refusal is why it is refused, nil to accept it. The code is AA, AE or
// AR (CA, CE or CR when the message asks for enhanced mode); a nil ack
// means the message's MSH-15 asks for no acknowledgment with that code.
func acknowledge(payload []byte, m *hl7v2.Message, refusal error) (ack []byte, code hl7v2.AckCode, err error) {
	if m == nil {
		ack, err = hl7v2.NakRaw(payload, refusal, hl7v2.AckOptions{})
		if err != nil {
			return nil, "", fmt.Errorf("building acknowledgement: %w", err)
		}
		// NakRaw chose the code from what it could read of the message.
		parsed, err := hl7v2.Parse(ack)
		if err != nil {
			return nil, "", fmt.Errorf("building acknowledgement: %w", err)
		}
		return ack, hl7v2.AckCode(parsed.Segment("MSA", 1).Field(1).String()), nil
	}
	code, send := hl7v2.RequestedAck(m).Immediate(hl7v2.AckCodeFor(refusal))
	if !send {
		return nil, code, nil
	}
	ack, err = hl7v2.AckFromError(m, refusal, hl7v2.AckOptions{})
	if err != nil {
		return nil, "", fmt.Errorf("building acknowledgement: %w", err)
	}
	return ack, code, nil
}

func (l *listener) printf(format string, a ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	fmt.Fprintf(l.cli.stdout, format+"\n", a...)
}

// shortText prepares a header value (control ID, message type) for a log
// line: one line, at most 40 bytes, "-" when empty.
func shortText(s string) string {
	if s == "" {
		return "-"
	}
	if len(s) > 40 {
		s = s[:40] + "..."
	}
	return displayText(s)
}

// safeReason describes why a message was refused without quoting it: the
// kind of problem and where it is. The parser's full error text may quote
// bytes of the message (a bad segment name is the whole line when the line
// has no field separator), so its detail is left out.
func safeReason(err error) string {
	errs := splitErrors(err)
	var e *hl7v2.Error
	reason := "invalid message"
	if errors.As(errs[0], &e) && e.Err != nil {
		reason = e.Err.Error()
		if validName(e.Loc.Segment) {
			reason = e.Loc.String() + ": " + reason
		}
	}
	if len(errs) > 1 {
		reason += fmt.Sprintf(" (and %d more)", len(errs)-1)
	}
	return reason
}

// validName reports whether s looks like a segment ID.
func validName(s string) bool {
	if len(s) != 3 {
		return false
	}
	for i := 0; i < 3; i++ {
		if c := s[i]; !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}
