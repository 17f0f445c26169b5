package channel

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/plexus-health/plexus/engine"
	"github.com/plexus-health/plexus/format/x12"
	"github.com/plexus-health/plexus/platform/store"
)

// X12 interchanges (content engine.ContentX12) are checked, journaled and
// answered here. The order is the one of HL7 v2: the envelopes are checked
// (x12.Scanner with the channel's partners and its record of control
// numbers), the message is journaled with the verdict, and only then is the
// TA1/999 answer returned to the source. An interchange whose envelope or
// sets all fail is journaled with status error and not routed; one whose
// sets partly pass is routed with only those (x12accept.go); a repeated
// ISA13 from the same partner is journaled as a duplicate and answered with
// TA1 note 025. Answers to acknowledgments (TA1, 999, 997) are never
// written. A channel may split each 837 into its claims (x12split.go).

// X12Ack says which acknowledgments a channel returns for an X12
// interchange.
type X12Ack string

// Acknowledgment modes.
const (
	// X12AckAuto writes a TA1 and a 999 when the interchange asks for a TA1
	// (ISA14 = 1), else a 999 (and a TA1 when the envelope is refused).
	X12AckAuto X12Ack = ""
	// X12AckTA1 writes a TA1 only, accepting or refusing the envelope.
	X12AckTA1 X12Ack = "ta1"
	// X12Ack999 writes a 999 only; an interchange whose envelope is refused
	// still gets its TA1, the only answer that can report it.
	X12Ack999 X12Ack = "999"
	// X12AckBoth writes a TA1 and, when the envelope is accepted, a 999.
	X12AckBoth X12Ack = "both"
	// X12AckNone writes no answer.
	X12AckNone X12Ack = "none"
)

// X12Split says what an accepted X12 interchange is split into.
type X12Split string

// Split modes.
const (
	// X12SplitNone routes the interchange as one message.
	X12SplitNone X12Split = ""
	// X12SplitClaims routes each claim of an 837 (loop 2300, with the
	// levels above it) as a message of its own.
	X12SplitClaims X12Split = "claims"
)

// X12 is how a channel checks and answers X12 interchanges.
type X12 struct {
	Ack X12Ack
	// Partners are the known trading partners; ISA15 (test or production)
	// is checked against the one matching ISA06/ISA08.
	Partners []x12.Partner
	// DuplicateWindow is how long an accepted ISA13 is remembered per
	// partner; a repeat within it is refused with TA1 note 025. 0 turns
	// the check off.
	DuplicateWindow time.Duration
	// Split, when X12SplitClaims, makes each claim of an accepted 837 a
	// message of its own (x12split.go).
	Split X12Split
	// SyntaxOnly checks the envelopes and syntax only, not the 5010
	// implementation guides (x12.Config.SyntaxOnly).
	SyntaxOnly bool
	// Control records the control numbers received and sent; nil keeps
	// them in memory, for the process's lifetime (NewX12Store keeps them
	// in the store, across restarts and nodes).
	Control X12Control
}

// X12Control records interchange control numbers: those received from each
// partner, for the duplicate check, and those used in the answers sent to
// it. Implementations must be safe for concurrent use.
type X12Control interface {
	// Seen records control as received on channel from sender (ISA06) to
	// receiver (ISA08) at time at, and reports whether it had been recorded
	// at or after since.
	Seen(ctx context.Context, channel, sender, receiver, control string, at, since time.Time) (bool, error)
	// Forget removes a control number recorded by Seen, for an interchange
	// that was refused or could not be stored.
	Forget(ctx context.Context, channel, sender, receiver, control string) error
	// Next reserves n consecutive control numbers (1 to 999999999,
	// wrapping) for answers from receiver to sender, and returns the first.
	Next(ctx context.Context, sender, receiver string, n int) (int, error)
}

// x12Receipt is what the channel learnt from one X12 message, kept from
// Receive to the reply.
type x12Receipt struct {
	ctl      *controlCheck
	verdicts []*x12.InterchangeResult
	refusal  error
	layout   *x12Layout // where the sets lie, matched with verdicts when judged
	judged   bool
	// content is the message cut down to the sets the 999 accepts, when
	// it rejects others (x12accept.go); nil routes the message as received.
	content []byte
}

// routed returns what the channel routes for an accepted X12 message in
// place of its content, or nil for the content itself (and for a message
// that is not X12).
func (xr *x12Receipt) routed() []byte {
	if xr == nil {
		return nil
	}
	return xr.content
}

// x12Receive checks an X12 message and fills its metadata. The receipt's
// refusal says why it is refused; an error means the control numbers could
// not be checked, and the message must not be stored or answered.
func (c *Channel) x12Receive(ctx context.Context, msg *engine.Message) (*x12Receipt, error) {
	cfg := c.x12Config()
	cc := &controlCheck{ctx: ctx, ctl: cfg.Control, channel: c.spec.Name, at: msg.ReceivedAt}
	xcfg := x12.Config{Partners: cfg.Partners, SyntaxOnly: cfg.SyntaxOnly}
	if cfg.DuplicateWindow > 0 {
		cc.since = msg.ReceivedAt.Add(-cfg.DuplicateWindow)
		xcfg.Control = cc
	}
	xr := &x12Receipt{ctl: cc, layout: &x12Layout{}}
	sc := x12.NewScanner(bytes.NewReader(msg.Raw), xcfg)
	sc.Segment = xr.layout.add
	split := cfg.Split == X12SplitClaims
	first := true
	var readErr error
	for {
		t, err := sc.Next()
		if err != nil {
			if !errors.Is(err, io.EOF) {
				readErr = err
			}
			break
		}
		m := msg
		if first {
			first = false
		} else {
			m = &engine.Message{} // another set's metadata, for partial acceptance
		}
		x12Metadata(m, t)
		if set := xr.layout.byST[t.Segments[0].Offset]; set != nil {
			set.typ, set.trigger, set.patient = m.Type, m.Trigger, m.PatientID
			if split && t.ID() == "837" {
				set.claims, _ = x12.SplitClaims(t)
			}
		}
	}
	xr.verdicts = sc.Verdicts()
	xr.judged = xr.layout.judge(xr.verdicts)
	if cc.err != nil {
		cc.forget(ctx)
		return nil, fmt.Errorf("x12 control numbers: %w", cc.err)
	}
	if len(xr.verdicts) > 0 && xr.verdicts[0].ISA != nil {
		v := xr.verdicts[0]
		msg.ControlID, msg.SendingApp = v.Control, v.Sender
		if len(v.Groups) > 0 && v.Groups[0].GS != nil {
			msg.SendingFacility = strings.TrimSpace(v.Groups[0].GS.Value(2))
		}
	}
	dup, partial, refused := 0, 0, ""
	for _, v := range xr.verdicts {
		switch {
		case v.Valid():
		case v.Note == "025":
			dup++
		case xr.judged && v.Note == "000" && xr.layout.accepted(v) > 0:
			partial++ // x12accept.go
		case refused == "":
			refused = x12Verdict(v)
			if errs := v.AllErrors(); len(errs) > 0 {
				refused += ": " + errs[0].Error()
				if len(errs) > 1 {
					refused += fmt.Sprintf(" (and %d more)", len(errs)-1)
				}
			}
		}
	}
	switch {
	case readErr != nil:
		xr.refusal = readErr
	case len(xr.verdicts) == 0:
		xr.refusal = errors.New("x12: no interchange")
	case refused != "":
		xr.refusal = errors.New("x12: " + refused)
	case dup == len(xr.verdicts):
		msg.Status = engine.StatusDuplicate
	case dup > 0:
		xr.refusal = errors.New("x12: some interchanges of the message repeat control numbers already received (TA1 025)")
	}
	if xr.refusal == nil && partial > 0 {
		xr.content = xr.layout.content(msg.Raw)
		msg.Error = xr.layout.rejected()
		xr.layout.sets(func(_ *x12Group, s *x12Set) bool {
			if !s.accepted {
				return true
			}
			// The metadata describes what is routed: the first accepted set.
			msg.Type, msg.Trigger, msg.PatientID = s.typ, s.trigger, s.patient
			return false
		})
	}
	if xr.refusal != nil {
		// A refused interchange was not accepted: its corrected copy may
		// come back under the same control number.
		cc.forget(ctx)
	}
	return xr, nil
}

// x12Verdict is the verdict on a refused interchange in one line, like
// its Summary but with only the codes the checker wrote: a functional ID
// or set ID is named only when it has the form of one, since in a broken
// interchange those elements may hold any text, and the verdict is logged.
func x12Verdict(v *x12.InterchangeResult) string {
	code := func(s string, n int, digits bool) string {
		ok := len(s) == n
		for i := 0; ok && i < len(s); i++ {
			ok = s[i] >= '0' && s[i] <= '9' || !digits && s[i] >= 'A' && s[i] <= 'Z'
		}
		if !ok {
			return "?"
		}
		return s
	}
	var b strings.Builder
	b.WriteString("TA1 " + code(v.Note, 3, true))
	for _, g := range v.Groups {
		b.WriteString("; GS " + code(g.FunctionalID, 2, false) + " " + g.Status())
		if len(g.Codes) > 0 {
			b.WriteString(" [" + strings.Join(g.Codes, " ") + "]")
		}
		for _, t := range g.Transactions {
			b.WriteString("; ST " + code(t.ID, 3, true) + " " + t.Status())
			if len(t.Codes) > 0 {
				b.WriteString(" [" + strings.Join(t.Codes, " ") + "]")
			}
		}
	}
	return b.String()
}

// x12Metadata fills msg's header fields from the first transaction set.
func x12Metadata(msg *engine.Message, t *x12.Transaction) {
	msg.Type = t.ID()
	if t.GS != nil {
		msg.Trigger = t.GS.Value(1)
	}
	if strings.HasPrefix(t.Kind, "837") && len(t.Kind) > 3 {
		msg.Trigger = t.Kind
		if id, ok := t.Get(subscriberID); ok {
			msg.PatientID = id
		}
	}
}

var subscriberID, _ = x12.ParsePath("2010BA/NM1-09")

// x12Config returns the channel's X12 settings, with the defaults.
func (c *Channel) x12Config() X12 {
	c.x12Once.Do(func() {
		if c.spec.X12 != nil {
			c.x12 = *c.spec.X12
		} else {
			c.x12 = X12{DuplicateWindow: DefaultX12DuplicateWindow}
		}
		if c.x12.Control == nil {
			c.x12.Control = &MemoryX12Control{}
		}
	})
	return c.x12
}

// DefaultX12DuplicateWindow is the duplicate window of a channel whose Spec
// has no X12 settings.
const DefaultX12DuplicateWindow = 30 * 24 * time.Hour

// x12Reply writes the answers to an X12 message once it is journaled.
func (c *Channel) x12Reply(ctx context.Context, msg *engine.Message, xr *x12Receipt, refusal error) *engine.Reply {
	r := &engine.Reply{MessageID: msg.ID, Accepted: refusal == nil && msg.Status != engine.StatusDuplicate,
		ContentType: engine.ContentX12}
	cfg := c.x12Config()
	if cfg.Ack == X12AckNone {
		return r
	}
	var body []byte
	for _, v := range xr.verdicts {
		if v.ISA == nil || isX12Ack(v) {
			continue
		}
		vc := *v
		switch cfg.Ack {
		case X12AckTA1, X12AckBoth:
			vc.AckRequested = true
		case X12Ack999:
			vc.AckRequested = false
		}
		n := 1
		if vc.AckRequested && vc.Note == "000" && cfg.Ack != X12AckTA1 {
			n = 2 // the TA1, then the 999
		}
		first, err := cfg.Control.Next(ctx, vc.Sender, vc.Receiver, n)
		if err == nil {
			var ta1, ack []byte
			ta1, ack, err = x12.Acknowledge(&vc, x12.AckOptions{Control: first, Now: c.now()})
			body = append(body, ta1...)
			if cfg.Ack != X12AckTA1 {
				body = append(body, ack...)
			}
		}
		if err != nil {
			// The message is stored; the sender may ask again for its
			// acknowledgment, and the operator sees the verdict.
			c.log.Error("x12 acknowledgment not written", "message_id", msg.ID, "trace_id", msg.TraceID,
				"control_id", v.Control, "err", err)
		}
	}
	r.Body = body
	return r
}

// isX12Ack reports whether an interchange is itself an acknowledgment,
// which is never answered.
func isX12Ack(v *x12.InterchangeResult) bool {
	if v.Acks > 0 {
		return true
	}
	for _, g := range v.Groups {
		if g.FunctionalID != "FA" {
			return false
		}
	}
	return len(v.Groups) > 0
}

// controlCheck is the x12.ControlNumbers of one Receive: it asks the
// channel's X12Control, remembers what it recorded (to forget it if the
// message is refused or not stored) and the first error, which Seen cannot
// return.
type controlCheck struct {
	ctx       context.Context
	ctl       X12Control
	channel   string
	at, since time.Time
	recorded  [][3]string
	err       error
}

// Seen implements x12.ControlNumbers.
func (cc *controlCheck) Seen(sender, receiver, control string) bool {
	if cc.err != nil {
		return false
	}
	seen, err := cc.ctl.Seen(cc.ctx, cc.channel, sender, receiver, control, cc.at, cc.since)
	if err != nil {
		cc.err = err
		return false
	}
	if !seen {
		cc.recorded = append(cc.recorded, [3]string{sender, receiver, control})
	}
	return seen
}

// forget removes what cc recorded. A failure leaves a number recorded, so
// that a resend is refused as a duplicate: the sender then sends it under a
// new control number, which loses nothing.
func (cc *controlCheck) forget(ctx context.Context) error {
	if cc == nil {
		return nil
	}
	var errs []error
	for _, k := range cc.recorded {
		errs = append(errs, cc.ctl.Forget(context.WithoutCancel(ctx), cc.channel, k[0], k[1], k[2]))
	}
	cc.recorded = nil
	return errors.Join(errs...)
}

// forget removes the control numbers recorded for a message that was not
// stored.
func (xr *x12Receipt) forget(ctx context.Context) error {
	if xr == nil {
		return nil
	}
	return xr.ctl.forget(ctx)
}

// MemoryX12Control is an X12Control held in memory, for one process's
// lifetime. The zero value is ready to use.
type MemoryX12Control struct {
	mu       sync.Mutex
	received map[[4]string]time.Time
	answered map[[2]string]int
}

// Seen implements X12Control.
func (m *MemoryX12Control) Seen(_ context.Context, channel, sender, receiver, control string, at, since time.Time) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.received == nil {
		m.received = make(map[[4]string]time.Time)
	}
	k := [4]string{channel, sender, receiver, control}
	if t, ok := m.received[k]; ok && !t.Before(since) {
		return true, nil
	}
	if len(m.received) >= 1<<16 {
		// Bound the memory: numbers past the window no longer count.
		for k, t := range m.received {
			if t.Before(since) {
				delete(m.received, k)
			}
		}
	}
	m.received[k] = at
	return false, nil
}

// Forget implements X12Control.
func (m *MemoryX12Control) Forget(_ context.Context, channel, sender, receiver, control string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.received, [4]string{channel, sender, receiver, control})
	return nil
}

// Next implements X12Control.
func (m *MemoryX12Control) Next(_ context.Context, sender, receiver string, n int) (int, error) {
	if n < 1 {
		return 0, fmt.Errorf("x12 control numbers: cannot reserve %d", n)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.answered == nil {
		m.answered = make(map[[2]string]int)
	}
	k := [2]string{sender, receiver}
	first := m.answered[k]%maxX12Control + 1
	m.answered[k] = (first+n-2)%maxX12Control + 1
	return first, nil
}

// maxX12Control is the largest interchange control number, nine digits.
const maxX12Control = 999999999

// X12Store is an X12Control kept in the store (tables x12_received and
// x12_answered), so that duplicates are caught and answer numbers stay
// unique across restarts and across the nodes sharing a PostgreSQL store.
type X12Store struct {
	db *store.DB
}

// NewX12Store returns the X12Control of db.
func NewX12Store(db *store.DB) *X12Store { return &X12Store{db: db} }

// Seen implements X12Control. Each step is one statement, so that two
// nodes receiving the same interchange at once cannot both record it.
func (s *X12Store) Seen(ctx context.Context, channel, sender, receiver, control string, at, since time.Time) (bool, error) {
	res, err := s.db.W.ExecContext(ctx, `INSERT INTO x12_received (channel, sender, receiver, control, received_at)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT (channel, sender, receiver, control) DO NOTHING`,
		channel, sender, receiver, control, at.UnixMicro())
	if err != nil {
		return false, fmt.Errorf("recording interchange control number: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 1 {
		return false, err
	}
	// Recorded before: it counts unless it is older than the window, in
	// which case it is recorded again as of now.
	res, err = s.db.W.ExecContext(ctx, `UPDATE x12_received SET received_at = ?
		WHERE channel = ? AND sender = ? AND receiver = ? AND control = ? AND received_at < ?`,
		at.UnixMicro(), channel, sender, receiver, control, since.UnixMicro())
	if err != nil {
		return false, fmt.Errorf("recording interchange control number: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 0, err
}

// Forget implements X12Control.
func (s *X12Store) Forget(ctx context.Context, channel, sender, receiver, control string) error {
	_, err := s.db.W.ExecContext(ctx, `DELETE FROM x12_received
		WHERE channel = ? AND sender = ? AND receiver = ? AND control = ?`, channel, sender, receiver, control)
	if err != nil {
		return fmt.Errorf("forgetting interchange control number: %w", err)
	}
	return nil
}

// Next implements X12Control.
func (s *X12Store) Next(ctx context.Context, sender, receiver string, n int) (int, error) {
	if n < 1 || n > maxX12Control {
		return 0, fmt.Errorf("x12 control numbers: cannot reserve %d", n)
	}
	if _, err := s.db.W.ExecContext(ctx, `INSERT INTO x12_answered (sender, receiver, last_control)
		VALUES (?, ?, 0) ON CONFLICT (sender, receiver) DO NOTHING`, sender, receiver); err != nil {
		return 0, fmt.Errorf("reserving answer control numbers: %w", err)
	}
	var last int64
	err := s.db.W.QueryRowContext(ctx, `UPDATE x12_answered SET last_control = (last_control + ? - 1) % ? + 1
		WHERE sender = ? AND receiver = ? RETURNING last_control`, n, maxX12Control, sender, receiver).Scan(&last)
	if errors.Is(err, sql.ErrNoRows) {
		err = errors.New("partner row vanished")
	}
	if err != nil {
		return 0, fmt.Errorf("reserving answer control numbers: %w", err)
	}
	first := (int(last)-n+maxX12Control)%maxX12Control + 1
	return first, nil
}

var (
	_ X12Control         = (*MemoryX12Control)(nil)
	_ X12Control         = (*X12Store)(nil)
	_ x12.ControlNumbers = (*controlCheck)(nil)
)
