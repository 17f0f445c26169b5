package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/plexus-health/plexus/format/hl7v2"
	"github.com/plexus-health/plexus/transport/mllp"
)

const sendAbout = `
Send reads the HL7 v2 messages in each FILE ("-" reads standard input; a
file may hold many messages, or an FHS/BHS batch) and sends them in order
over one MLLP connection to --to, waiting for each acknowledgement before
sending the next message.

For each message it prints the file and message number, the control ID
(MSH-10), and the acknowledgement code (AA, AE, AR, CA, CE or CR) with the
receiver's error text for a negative one; then a summary line.

A message with a negative acknowledgement is reported and sending goes on.
When a message gets no usable acknowledgement at all (the connection failed,
no answer within --timeout, an answer that is not an ACK or acknowledges
another control ID), sending stops there, because the messages after it
would reach the receiver out of order.

The exit status is 1 if any message was not positively acknowledged (AA or
CA) or was not sent.

Any TLS flag turns TLS on. Without --ca the server certificate is verified
against the system roots.
`

// runSend implements "plexus send".
func runSend(c *cli, args []string) int {
	cmd := newCommand("send", "--to HOST:PORT FILE...", sendAbout)
	var (
		to      = cmd.flags.String("to", "", "send to the MLLP receiver at `host:port`")
		timeout = cmd.flags.Duration("timeout", 10*time.Second, "bound connecting, and waiting for each acknowledgement, to this `duration`")
		tlsArgs clientTLS
	)
	tlsArgs.register(cmd.flags)
	files, status, ok := cmd.parse(c, args)
	if !ok {
		return status
	}
	if *to == "" {
		return cmd.usageError(c, "--to is required")
	}
	host, _, err := net.SplitHostPort(*to)
	if err != nil {
		return cmd.usageError(c, "--to %q: %v", *to, err)
	}
	if len(files) == 0 {
		return cmd.usageError(c, "no FILE given (use - for standard input)")
	}
	if *timeout <= 0 {
		return cmd.usageError(c, "--timeout must be positive")
	}
	tlsConfig, err := tlsArgs.config(host)
	if err != nil {
		return cmd.usageError(c, "%v", err)
	}
	if tlsArgs.insecure {
		fmt.Fprintln(c.stderr, "plexus send: warning: --insecure-skip-verify: the server's identity is not checked")
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	s := &sender{
		cli: c,
		out: bufio.NewWriter(c.stdout),
		client: &mllp.Client{
			Addr:        *to,
			TLSConfig:   tlsConfig,
			DialTimeout: *timeout,
			AckTimeout:  *timeout,
		},
	}
	defer s.client.Close()
	for _, f := range files {
		if !s.file(ctx, f) {
			break
		}
	}
	s.summary()
	if err := s.out.Flush(); err != nil {
		fmt.Fprintf(c.stderr, "plexus send: writing output: %v\n", err)
		return exitFailure
	}
	if s.accepted != s.read || s.skipped > 0 || s.badFiles > 0 || s.stopped {
		return exitFailure
	}
	return exitOK
}

// sender is one run of "plexus send".
type sender struct {
	*cli
	out    *bufio.Writer
	client *mllp.Client

	read     int  // messages read from the files
	accepted int  // AA or CA
	rejected int  // AE, AR, CE or CR
	failed   int  // no usable acknowledgement
	skipped  int  // parts of the input that are not messages, or are too large
	badFiles int  // files that could not be read to the end
	stopped  bool // sending stopped before the end of the input
}

// file sends every message of one FILE argument. It returns false when
// sending must stop.
func (s *sender) file(ctx context.Context, arg string) bool {
	ms, err := openMessages(s.cli, arg)
	if err != nil {
		s.badFiles++
		s.report("%v", err)
		return true
	}
	defer ms.Close()
	for {
		data, n, err := ms.next()
		if err == io.EOF {
			return true
		}
		var bad *badInput
		if errors.As(err, &bad) {
			// Nothing that could be sent: say so, and go on.
			s.skipped++
			s.report("%v; not sent", err)
			continue
		}
		if err != nil {
			s.badFiles++
			s.report("%v", err)
			return true
		}
		s.read++
		if !s.send(ctx, fmt.Sprintf("%s:%d", ms.name, n), data) {
			s.stopped = true
			return false
		}
	}
}

// send sends one message, labelled where in the output, and prints the
// outcome. It returns false when sending must stop.
func (s *sender) send(ctx context.Context, where string, data []byte) bool {
	id := "-"
	if m, err := hl7v2.Parse(data); err == nil && m.ControlID() != "" {
		id = displayText(m.ControlID())
	}
	ack, err := s.client.Send(ctx, data)
	defer s.out.Flush() // one line per message, as it happens
	var nak *mllp.AckError
	switch {
	case err == nil:
		s.accepted++
		fmt.Fprintf(s.out, "%s %s %s\n", where, id, ackCode(ack))
		return true
	case errors.As(err, &nak):
		s.rejected++
		line := fmt.Sprintf("%s %s %s", where, id, nak.Code)
		if nak.Text != "" {
			line += " " + displayText(nak.Text)
		}
		fmt.Fprintln(s.out, line)
		return true
	case errors.Is(err, mllp.ErrInvalidPayload):
		// Nothing was sent; the next message can go.
		s.failed++
		fmt.Fprintf(s.out, "%s %s not sent: %v\n", where, id, err)
		return true
	}
	s.failed++
	fmt.Fprintf(s.out, "%s %s failed: %v\n", where, id, err)
	return false
}

// ackCode returns MSA-1 of an acknowledgement the client has accepted as
// positive.
func ackCode(ack []byte) string {
	m, err := hl7v2.Parse(ack)
	if err != nil {
		return "AA/CA" // cannot happen: the client parsed it
	}
	code, _ := m.Get("MSA-1")
	return displayText(strings.ToUpper(strings.TrimSpace(code)))
}

func (s *sender) summary() {
	msg := fmt.Sprintf("%d messages: %d accepted, %d rejected, %d failed", s.read, s.accepted, s.rejected, s.failed)
	if s.skipped > 0 {
		msg += fmt.Sprintf(", input not sent (not a message, or too large): %d", s.skipped)
	}
	if s.badFiles > 0 {
		msg += fmt.Sprintf(", files that could not be read: %d", s.badFiles)
	}
	if s.stopped {
		msg += " (stopped; the rest of the input was not sent)"
	}
	fmt.Fprintln(s.out, msg)
}

// report writes a problem to stderr, after what was printed before it.
func (s *sender) report(format string, a ...any) {
	s.out.Flush()
	fmt.Fprintf(s.stderr, "plexus send: %s\n", fmt.Sprintf(format, a...))
}
