package channel

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"sync"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	"github.com/plexus-health/plexus/engine"
	"github.com/plexus-health/plexus/engine/journal"
	"github.com/plexus-health/plexus/format/hl7v2"
)

// Channel is a running channel.
type Channel struct {
	spec    Spec
	j       *journal.Journal
	log     *slog.Logger
	metrics *Metrics
	now     func() time.Time
	dedup   *dedup
	tracer  trace.Tracer
	x12Once sync.Once
	x12     X12 // Spec.X12 with its defaults (x12.go)

	lanes map[string][]*lane // by destination name
	// transformSpans names the transform span of each destination, in
	// Spec order, made once rather than per message.
	transformSpans []string

	respMu  sync.Mutex
	waiters map[int64]chan *engine.Response // AfterDelivery: message ID → waiting Receive
	early   map[int64]earlyResponse         // responses that arrived before their waiter

	// ctlMu serialises Start, SetState and Stop, and guards what follows.
	ctlMu       sync.Mutex
	state       State
	started     bool
	closed      bool
	source      engine.Source // the current source; a stopped one is replaced before it starts again
	sourceOn    bool          // source is started
	sourceUsed  bool          // source has been started once
	lanesCancel context.CancelFunc
	wg          sync.WaitGroup // the lanes
}

// New prepares a channel; Start runs it.
func New(spec Spec, j *journal.Journal, metrics *Metrics, log *slog.Logger) *Channel {
	if log == nil {
		log = slog.Default()
	}
	if metrics == nil {
		metrics = NewMetrics(nil)
	}
	if spec.Response == "" {
		spec.Response = AfterCommit
	}
	if spec.ResponseTimeout <= 0 {
		spec.ResponseTimeout = 30 * time.Second
	}
	if spec.State == "" {
		spec.State = Running
	}
	c := &Channel{
		spec: spec, j: j, metrics: metrics, now: time.Now, tracer: spec.Tracer,
		log:     log.With("channel", spec.Name),
		lanes:   make(map[string][]*lane),
		waiters: make(map[int64]chan *engine.Response),
		early:   make(map[int64]earlyResponse),
		source:  spec.Source,
	}
	if c.tracer == nil {
		c.tracer = noopTracer
	}
	if spec.DedupWindow > 0 {
		c.dedup = newDedup(spec.DedupWindow)
	}
	for i := range spec.Destinations {
		d := &spec.Destinations[i]
		c.transformSpans = append(c.transformSpans, "transform "+d.Name)
		n := 1
		if d.OrderKey != nil && d.Lanes > 1 {
			n = d.Lanes
		}
		for k := range n {
			c.lanes[d.Name] = append(c.lanes[d.Name], &lane{c: c, dest: d, n: k, span: "deliver " + d.Name,
				wake: make(chan struct{}, 1), urgent: make(chan struct{}, 1)})
		}
	}
	return c
}

// Name returns the channel's name.
func (c *Channel) Name() string { return c.spec.Name }

// Spec returns the channel's specification.
func (c *Channel) Spec() Spec { return c.spec }

// Start rebuilds duplicate suppression from the journal and puts the
// channel in Spec.State: the delivery lanes, which pick up whatever was
// queued before, start unless the channel is stopped, and then the source
// if the channel runs.
func (c *Channel) Start(ctx context.Context) error {
	c.ctlMu.Lock()
	defer c.ctlMu.Unlock()
	if c.started || c.closed {
		return fmt.Errorf("channel %s: already started", c.spec.Name)
	}
	if c.dedup != nil {
		err := c.j.RecentControlIDs(ctx, c.spec.Name, c.now().Add(-c.spec.DedupWindow), func(app, fac, id string, at time.Time) {
			c.dedup.remember(dedupKey(app, fac, id), at)
		})
		if err != nil {
			return fmt.Errorf("channel %s: %w", c.spec.Name, err)
		}
	}
	st := c.spec.State
	if st != Stopped {
		c.startLanes()
	}
	if st == Running {
		if err := c.startSource(ctx); err != nil {
			c.stopLanes()
			return err
		}
	}
	c.state, c.started = st, true
	return nil
}

// Stop stops the source (letting in-flight messages finish), then the
// lanes (an attempt in progress is cancelled and stays queued), and closes
// destinations that hold connections. The channel cannot start again.
func (c *Channel) Stop(ctx context.Context) error {
	c.ctlMu.Lock()
	defer c.ctlMu.Unlock()
	if c.closed {
		return nil
	}
	c.closed = true
	err := c.stopSource(ctx)
	c.stopLanes()
	for _, d := range c.spec.Destinations {
		if cl, ok := d.Dest.(engine.Closer); ok {
			cl.Close()
		}
	}
	return err
}

// Span start options, made once.
var (
	serverSpan = []trace.SpanStartOption{trace.WithSpanKind(trace.SpanKindServer)}
	clientSpan = []trace.SpanStartOption{trace.WithSpanKind(trace.SpanKindClient)}
)

// Receive journals one inbound message with its deliveries and returns the
// answer for the sender. It is the engine.Receiver of the channel's source.
func (c *Channel) Receive(ctx context.Context, in *engine.Inbound) (*engine.Reply, error) {
	start := c.now()
	ctx, span := c.tracer.Start(inboundContext(ctx, in), "message receive", serverSpan...)
	defer span.End()
	recording := span.IsRecording()
	if recording {
		span.SetAttributes(attrChannel.String(c.spec.Name), attrSource.String(in.Source))
	}
	msg := &engine.Message{
		Channel: c.spec.Name, Source: in.Source, Remote: in.Remote, ReceivedAt: in.ReceivedAt,
		ContentType: in.ContentType, Raw: in.Raw, ConfigVersion: c.spec.ConfigVersion,
		Priority: c.spec.Priority, Status: engine.StatusReceived,
	}
	setTraceIDs(msg, span.SpanContext())
	if msg.ReceivedAt.IsZero() {
		msg.ReceivedAt = start
	}
	if msg.ContentType == "" {
		msg.ContentType = engine.ContentText
	}
	rec := &journal.Record{Msg: msg}
	var refusal error // why the message is refused; the sender gets AE/AR
	var dupKey string
	if msg.ContentType == engine.ContentHL7v2 {
		_, ps := c.child(ctx, recording, "parse")
		m, err := hl7v2.Parse(in.Raw)
		if err == nil {
			msg.HL7 = m
			msg.Metadata()
			err = m.Validate()
		}
		if err != nil {
			refusal = err
		}
		fail(ps, err)
		ps.End()
		if recording && msg.Type != "" {
			span.SetAttributes(attrHL7Type.String(msg.Type), attrHL7Trigger.String(msg.Trigger))
		}
	}
	if msg.ContentType == engine.ContentDICOM {
		dicomMetadata(msg)
	}
	var xr *x12Receipt // X12 is checked, and answered, in x12.go
	if msg.ContentType == engine.ContentX12 {
		var err error
		if xr, err = c.x12Receive(ctx, msg); err != nil {
			fail(span, err)
			return nil, fmt.Errorf("channel %s: %w", c.spec.Name, err)
		}
		refusal = xr.refusal
	}
	if refusal == nil && c.dedup != nil && msg.ControlID != "" && xr == nil {
		dupKey = dedupKey(msg.SendingApp, msg.SendingFacility, msg.ControlID)
		if c.dedup.check(dupKey, msg.ReceivedAt) {
			msg.Status = engine.StatusDuplicate
			dupKey = "" // not ours to forget
		}
	}
	routeFailed := false
	var parts []*journal.Record // the claims of a split X12 interchange (x12split.go)
	if refusal == nil && msg.Status == engine.StatusReceived {
		if parts = c.x12Split(ctx, msg, rec, xr, recording); parts == nil {
			refusal = c.route(ctx, msg, rec, recording, xr.routed())
			routeFailed = refusal != nil
		}
	}
	if refusal != nil {
		msg.Status = engine.StatusError
		msg.Error = refusal.Error()
		rec.Deliveries = nil
		if dupKey != "" {
			// A refused message was not accepted: the sender's corrected
			// copy with the same control ID must not count as a duplicate.
			c.dedup.forget(dupKey)
			dupKey = ""
		}
		xr.forget(ctx) // likewise for an X12 interchange's control number
	} else if msg.Status == engine.StatusReceived && len(rec.Deliveries) == 0 {
		msg.Status = engine.StatusDelivered // nothing to deliver
	}
	_, js := c.child(ctx, recording, "journal append")
	err := c.j.AppendAll(ctx, append([]*journal.Record{rec}, parts...))
	fail(js, err)
	js.End()
	if err != nil {
		if dupKey != "" {
			c.dedup.forget(dupKey)
		}
		xr.forget(ctx)
		fail(span, err)
		c.log.Error("message not stored; sender not acknowledged", "trace_id", msg.TraceID, "control_id", msg.ControlID, "err", err)
		return nil, fmt.Errorf("channel %s: %w", c.spec.Name, err)
	}
	if recording {
		span.SetAttributes(attrMessageID.Int64(msg.ID), attrStatus.String(string(msg.Status)))
	}
	switch msg.Status {
	case engine.StatusError:
		c.metrics.Errored.WithLabelValues(c.spec.Name).Inc()
		fail(span, refusal)
		c.log.Warn("message refused", "message_id", msg.ID, "trace_id", msg.TraceID, "control_id", msg.ControlID, "reason", msg.Error)
	case engine.StatusFiltered:
		c.metrics.Filtered.WithLabelValues(c.spec.Name).Inc()
	case engine.StatusDuplicate:
		c.metrics.Duplicates.WithLabelValues(c.spec.Name).Inc()
	}
	c.metrics.Received.WithLabelValues(c.spec.Name).Inc()
	for _, d := range rec.Deliveries {
		c.lanes[d.Destination][d.Lane].poke(msg.Priority > c.spec.Priority)
	}
	c.x12Parts(msg, parts)
	rctx, rs := c.child(ctx, recording, "reply")
	var reply *engine.Reply
	if xr != nil {
		reply = c.x12Reply(rctx, msg, xr, refusal)
	} else {
		reply = c.reply(rctx, msg, rec, refusal, routeFailed)
	}
	if rs.IsRecording() && reply.Code != "" {
		rs.SetAttributes(attribute.String("hl7.ack.code", reply.Code))
	}
	rs.End()
	c.metrics.AckLatency.WithLabelValues(c.spec.Name).Observe(c.now().Sub(start).Seconds())
	return reply, nil
}

// child starts a child span of the receive span in ctx, or returns ctx
// and a span that does nothing when the receive span does not record: its
// children would not either, and this costs no allocation.
func (c *Channel) child(ctx context.Context, recording bool, name string) (context.Context, trace.Span) {
	if !recording {
		return ctx, noSpan
	}
	return c.tracer.Start(ctx, name)
}

// route applies the priority rule and the filter, and builds each
// destination's delivery. An error refuses the message. content, when not
// nil, is what the filter, transforms and destinations see in place of
// msg.Raw, which stays what the journal keeps as the message: the accepted
// sets of a partially accepted X12 interchange.
func (c *Channel) route(ctx context.Context, msg *engine.Message, rec *journal.Record, recording bool, content []byte) error {
	if content != nil {
		raw := msg.Raw
		msg.Raw = content
		defer func() { msg.Raw = raw }()
	}
	if c.spec.PriorityRule != nil {
		_, span := c.child(ctx, recording, "priority rule")
		urgent, err := c.spec.PriorityRule.Match(msg)
		if span.IsRecording() {
			span.SetAttributes(attrUrgent.Bool(urgent))
		}
		fail(span, err)
		span.End()
		if err != nil {
			return fmt.Errorf("priority rule: %w", err)
		}
		if urgent {
			msg.Priority = UrgentPriority
		}
	}
	if c.spec.Filter != nil {
		_, span := c.child(ctx, recording, "filter")
		pass, err := c.spec.Filter.Match(msg)
		if span.IsRecording() {
			span.SetAttributes(attrPass.Bool(pass))
		}
		fail(span, err)
		span.End()
		if err != nil {
			return fmt.Errorf("filter: %w", err)
		}
		if !pass {
			msg.Status = engine.StatusFiltered
			return nil
		}
	}
	for i := range c.spec.Destinations {
		d := &c.spec.Destinations[i]
		// Without a transform the payload is the message itself; the
		// journal then stores it once, as the message content (unless
		// what is routed differs from it).
		ct, payload := msg.ContentType, content
		if d.Transform != nil {
			tctx, span := c.child(ctx, recording, c.transformSpans[i])
			if span.IsRecording() {
				span.SetAttributes(attrDestination.String(d.Name))
			}
			var err error
			ct, payload, err = d.Transform(tctx, msg)
			fail(span, err)
			span.End()
			if err != nil {
				return fmt.Errorf("destination %s: %w", d.Name, err)
			}
		}
		rec.Deliveries = append(rec.Deliveries, journal.NewDelivery{
			Destination: d.Name, Lane: laneFor(d, msg), ContentType: ct, Payload: payload,
		})
	}
	return nil
}

// laneFor picks the lane of a message: the hash of its order key, or 0.
func laneFor(d *Destination, msg *engine.Message) int {
	if d.OrderKey == nil || d.Lanes <= 1 || msg.HL7 == nil {
		return 0
	}
	key := msg.HL7.LookupPath(*d.OrderKey).String()
	h := fnv.New32a()
	h.Write([]byte(key))
	return int(h.Sum32() % uint32(d.Lanes))
}

// reply builds the answer to the sender.
func (c *Channel) reply(ctx context.Context, msg *engine.Message, rec *journal.Record, refusal error, routeFailed bool) *engine.Reply {
	r := &engine.Reply{MessageID: msg.ID, Accepted: refusal == nil}
	if msg.ContentType != engine.ContentHL7v2 {
		return r
	}
	r.ContentType = engine.ContentHL7v2
	if msg.HL7 == nil {
		r.Body, _ = hl7v2.NakRaw(msg.Raw, refusal, hl7v2.AckOptions{})
		r.Code = string(hl7v2.AckCodeFor(refusal))
		return r
	}
	if refusal == nil && c.spec.Response == AfterDelivery && msg.Status == engine.StatusReceived && len(rec.Deliveries) > 0 {
		if resp := c.awaitResponse(ctx, msg.ID); resp != nil {
			r.Body = resp.Body
			r.Code = resp.Status
			return r
		}
		refusal = errors.New("the destination has not answered yet; the message is stored and queued")
		r.Accepted = true
		body, err := hl7v2.AckFromError(msg.HL7, &hl7v2.Error{Err: refusal, Code: hl7v2.CodeInternal, Offset: -1}, hl7v2.AckOptions{})
		if err == nil {
			r.Body, r.Code = body, string(hl7v2.AckError)
		}
		return r
	}
	var body []byte
	var err error
	if routeFailed {
		// The message is well-formed but this site cannot process it (a
		// filter or transform failed): an application error, AE.
		code, _ := hl7v2.RequestedAck(msg.HL7).Immediate(hl7v2.AckError)
		body, err = hl7v2.Ack(msg.HL7, code, hl7v2.AckOptions{Errors: []error{refusal}})
	} else {
		body, err = hl7v2.AckFromError(msg.HL7, refusal, hl7v2.AckOptions{})
	}
	if err != nil {
		body, _ = hl7v2.NakRaw(msg.Raw, refusal, hl7v2.AckOptions{})
	}
	r.Body = body
	outcome := hl7v2.AckCodeFor(refusal)
	if routeFailed {
		outcome = hl7v2.AckError
	}
	code, _ := hl7v2.RequestedAck(msg.HL7).Immediate(outcome)
	r.Code = string(code)
	return r
}

// awaitResponse waits for the response destination's answer to a message.
func (c *Channel) awaitResponse(ctx context.Context, id int64) *engine.Response {
	c.respMu.Lock()
	if e, ok := c.early[id]; ok {
		delete(c.early, id)
		c.respMu.Unlock()
		return e.r
	}
	ch := make(chan *engine.Response, 1)
	c.waiters[id] = ch
	c.respMu.Unlock()
	t := time.NewTimer(c.spec.ResponseTimeout)
	defer t.Stop()
	select {
	case r := <-ch:
		return r
	case <-t.C:
	case <-ctx.Done():
	}
	c.respMu.Lock()
	delete(c.waiters, id)
	c.respMu.Unlock()
	return nil
}

// deliverResponse hands a destination's response to a waiting Receive.
func (c *Channel) deliverResponse(dest string, messageID int64, r *engine.Response) {
	if c.spec.Response != AfterDelivery || dest != c.spec.ResponseDestination {
		return
	}
	c.respMu.Lock()
	defer c.respMu.Unlock()
	if ch, ok := c.waiters[messageID]; ok {
		delete(c.waiters, messageID)
		ch <- r
		return
	}
	// Keep it for a Receive that has not started waiting yet; drop what no
	// Receive will ask for any more (it timed out, or this is a replay).
	now := c.now()
	if len(c.early) > 256 {
		for id, e := range c.early {
			if now.Sub(e.at) > c.spec.ResponseTimeout {
				delete(c.early, id)
			}
		}
	}
	c.early[messageID] = earlyResponse{r, now}
}

type earlyResponse struct {
	r  *engine.Response
	at time.Time
}
