package channel

import (
	"bytes"
	"context"

	"github.com/plexus-health/plexus/engine"
	"github.com/plexus-health/plexus/engine/journal"
	"github.com/plexus-health/plexus/format/x12"
)

// Claims split into messages
//
// On a channel whose X12 settings say Split: X12SplitClaims, an accepted
// interchange whose accepted sets are all 837s becomes one message per
// claim: each claim (loop 2300) is a complete interchange of its own, with
// the original headers and the billing provider, subscriber and patient
// levels above it (x12.SplitClaims). The interchange is journaled as it
// arrived, with status split and no deliveries; each claim is journaled as
// a message naming it as parent, with its own metadata, and goes through
// the channel's filter, transforms and destinations, so that a claim the
// filter drops or a transform fails on is recorded as such while the
// others go on. Parent and claims are stored in one transaction before the
// TA1/999 is sent: a crash never leaves some claims stored and others not.
// An interchange holding other sets (or none with a claim) is routed as one
// message.

// x12Split splits an accepted X12 message into its claims when the channel
// asks for it, routes each, and marks msg split. It returns the claims'
// records, to be appended after rec, or nil when msg is routed itself.
func (c *Channel) x12Split(ctx context.Context, msg *engine.Message, rec *journal.Record, xr *x12Receipt, recording bool) []*journal.Record {
	if xr == nil || c.x12Config().Split != X12SplitClaims {
		return nil
	}
	claims := xr.claims()
	if len(claims) == 0 {
		return nil
	}
	parts := make([]*journal.Record, 0, len(claims))
	for _, cl := range claims {
		m := &engine.Message{
			Channel: msg.Channel, Source: msg.Source, Remote: msg.Remote, ReceivedAt: msg.ReceivedAt,
			ContentType: engine.ContentX12, Raw: cl.Interchange, ConfigVersion: msg.ConfigVersion,
			Priority: c.spec.Priority, Status: engine.StatusReceived,
			SendingApp: msg.SendingApp, SendingFacility: msg.SendingFacility,
			TraceID: msg.TraceID, SpanID: msg.SpanID, TraceFlags: msg.TraceFlags,
		}
		claimMetadata(m)
		part := &journal.Record{Msg: m, Parent: rec}
		if err := c.route(ctx, m, part, recording, nil); err != nil {
			m.Status, m.Error, part.Deliveries = engine.StatusError, err.Error(), nil
		} else if m.Status == engine.StatusReceived && len(part.Deliveries) == 0 {
			m.Status = engine.StatusDelivered // nothing to deliver
		}
		parts = append(parts, part)
	}
	msg.Status = engine.StatusSplit
	return parts
}

// claims returns the claims of the accepted sets when every accepted set
// is an 837 with at least one claim, else nil.
func (xr *x12Receipt) claims() []*x12.Claim {
	if !xr.judged {
		return nil
	}
	var out []*x12.Claim
	split := true
	xr.layout.sets(func(_ *x12Group, s *x12Set) bool {
		if !s.accepted {
			return true
		}
		if s.verdict.ID != "837" || len(s.claims) == 0 {
			split = false
			return false
		}
		out = append(out, s.claims...)
		return true
	})
	if !split {
		return nil
	}
	return out
}

// x12Parts does for the stored claims of a split message what Receive
// does for a message: it counts the claims refused or filtered and wakes
// the lanes they are queued on. A refused claim is logged by its own ID
// and its parent's, never by its claim ID (CLM01, the patient's account
// number with the provider).
func (c *Channel) x12Parts(parent *engine.Message, parts []*journal.Record) {
	for _, p := range parts {
		m := p.Msg
		switch m.Status {
		case engine.StatusError:
			c.metrics.Errored.WithLabelValues(c.spec.Name).Inc()
			c.log.Warn("claim refused", "message_id", m.ID, "parent_id", parent.ID, "trace_id", m.TraceID, "reason", m.Error)
		case engine.StatusFiltered:
			c.metrics.Filtered.WithLabelValues(c.spec.Name).Inc()
		}
		for _, d := range p.Deliveries {
			c.lanes[d.Destination][d.Lane].poke(m.Priority > c.spec.Priority)
		}
	}
}

// Paths of a claim's metadata.
var (
	claimID, _        = x12.ParsePath("2300/CLM-01")
	claimPatientID, _ = x12.ParsePath("2010CA/NM1-09")
)

// claimMetadata fills the header fields of a claim split from an 837: type
// 837, the 837P/I/D trigger, the claim ID (CLM01) as control ID and the
// patient's ID, from the patient level (2010CA NM109) when it has one, else
// the subscriber's (2010BA NM109).
func claimMetadata(m *engine.Message) {
	// The interchange the claim was split from has passed its checks.
	t, err := x12.NewScanner(bytes.NewReader(m.Raw), x12.Config{SyntaxOnly: true}).Next()
	if err != nil {
		return
	}
	x12Metadata(m, t)
	if id, ok := t.Get(claimPatientID); ok && id != "" {
		m.PatientID = id
	}
	if id, ok := t.Get(claimID); ok {
		m.ControlID = id
	}
}
