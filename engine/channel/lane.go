package channel

import (
	"context"
	"errors"
	"time"

	"go.opentelemetry.io/otel/trace"

	"github.com/plexus-health/plexus/engine"
	"github.com/plexus-health/plexus/engine/journal"
)

// fetchSize is how many queued deliveries a lane reads at a time. Only
// these are in memory: a queue of a million messages costs no more.
const fetchSize = 64

// lane drains one lane of one destination's queue, in order.
type lane struct {
	c      *Channel
	dest   *Destination
	n      int
	span   string        // the name of its delivery spans
	wake   chan struct{} // a message was queued
	urgent chan struct{} // an urgent message was queued: it may overtake a head waiting to retry

	// leases, when set, grants the lane to this node (see lease.go);
	// idle is then the recheck of an empty queue.
	leases Leases
	idle   time.Duration
}

// poke wakes the lane if it is idle, or, for an urgent message, also if it
// waits to retry its head.
func (l *lane) poke(urgent bool) {
	ch := l.wake
	if urgent {
		ch = l.urgent
	}
	select {
	case ch <- struct{}{}:
	default:
	}
}

func (l *lane) run(ctx context.Context) {
	defer l.c.wg.Done()
	log := l.c.log.With("destination", l.dest.Name, "lane", l.n)
	idle := idleAlone // recheck the queue now and then even unpoked (replays, restarts)
	if l.leases != nil {
		idle = l.idle
	}
	for ctx.Err() == nil {
		fence, ok := l.lease()
		if !ok {
			// Another node drains this lane, or none yet: wait to be
			// poked when the lease is gained.
			l.waitWake(ctx, idle)
			continue
		}
		batch, err := l.c.j.Pending(ctx, l.c.spec.Name, l.dest.Name, l.n, fetchSize)
		if err != nil {
			if ctx.Err() == nil {
				log.Error("reading queue", "err", err)
				l.sleep(ctx, time.Second)
			}
			continue
		}
		if len(batch) == 0 {
			l.waitWake(ctx, idle)
			continue
		}
		l.drain(ctx, batch, fence, log)
	}
}

// drain delivers a batch in order. It returns early when the head of the
// queue must wait for a retry, after that wait.
//
// Every attempt is made under fence, the lease the batch was read under:
// the lease is checked again before each attempt, and outcomes are
// recorded only while the lease still carries fence (see engine/cluster).
func (l *lane) drain(ctx context.Context, batch []journal.Delivery, fence journal.Fence, log interface {
	Error(string, ...any)
	Warn(string, ...any)
}) {
	c := l.c
	// Outcomes are recorded concurrently with the next deliveries; all
	// are committed before the queue is read again.
	type recording struct {
		done chan error
		d    *journal.Delivery
	}
	var pending []recording
	defer func() {
		failed := false
		for _, p := range pending {
			err := <-p.done
			if errors.Is(err, journal.ErrFenced) {
				// The lease passed to another node, which will find the
				// delivery as it stood and deliver it again.
				log.Warn("lease lost; delivery outcome not recorded", "message_id", p.d.MessageID, "trace_id", p.d.Message.TraceID)
				continue
			}
			if err != nil && ctx.Err() == nil {
				log.Error("recording delivery outcome", "message_id", p.d.MessageID, "trace_id", p.d.Message.TraceID, "err", err)
				failed = true
			}
		}
		if failed {
			// The queue still shows these deliveries as due: reading it
			// again at once would send them again and again (a full disk,
			// say). Wait before trying.
			l.pause(ctx, time.Second)
		}
	}()
	for i := range batch {
		d := &batch[i]
		if wait := d.NextAttemptAt.Sub(c.now()); wait > 0 {
			// Strict order: the head blocks the lane until its retry is
			// due. New messages cannot overtake it, so they do not wake
			// the lane either (each would cost a queue read).
			l.pause(ctx, wait)
			return
		}
		if ctx.Err() != nil {
			return
		}
		if now, ok := l.lease(); !ok || now != fence {
			return // the lease was lost or changed hands: stop delivering
		}
		out := &engine.Outbound{
			MessageID: d.MessageID, Channel: c.spec.Name, Destination: l.dest.Name, Attempt: d.Attempts + 1,
			ContentType: d.ContentType, Payload: d.Payload,
			Message: d.Message,
		}
		dctx, span := ctx, noSpan
		if sampled(d.Message) {
			dctx, span = c.tracer.Start(messageContext(ctx, d.Message), l.span, clientSpan...)
		}
		started := c.now()
		resp, err := l.dest.Dest.Deliver(dctx, out)
		took := c.now().Sub(started)
		if err != nil && ctx.Err() != nil {
			l.endSpan(span, d, out.Attempt, "canceled", resp, err)
			return // shutting down: the attempt does not count
		}
		o := journal.Outcome{DeliveryID: d.ID, MessageID: d.MessageID, Attempt: out.Attempt, Started: started, Duration: took}
		if resp != nil {
			o.ResponseStatus, o.Response = resp.Status, resp.Body
		}
		c.metrics.Delivery.WithLabelValues(c.spec.Name, l.dest.Name).Observe(took.Seconds())
		if err == nil {
			o.Status = journal.Delivered
			l.endSpan(span, d, out.Attempt, o.Status, resp, nil)
			c.metrics.Delivered.WithLabelValues(c.spec.Name, l.dest.Name).Inc()
			c.metrics.EndToEnd.WithLabelValues(c.spec.Name, l.dest.Name).Observe(c.now().Sub(d.Message.ReceivedAt).Seconds())
			if resp != nil {
				c.deliverResponse(l.dest.Name, d.MessageID, resp)
			}
			pending = append(pending, recording{l.record(o, fence), d})
			continue
		}
		o.Error = err.Error()
		c.metrics.Failed.WithLabelValues(c.spec.Name, l.dest.Name).Inc()
		if engine.IsPermanent(err) || l.dest.Retry.exhausted(out.Attempt, d.CreatedAt, c.now()) {
			o.Status = journal.Dead
			l.endSpan(span, d, out.Attempt, o.Status, resp, err)
			c.metrics.DeadLetters.WithLabelValues(c.spec.Name, l.dest.Name).Inc()
			log.Warn("delivery dead-lettered", "message_id", d.MessageID, "trace_id", d.Message.TraceID, "attempt", out.Attempt, "err", err)
			if resp != nil {
				c.deliverResponse(l.dest.Name, d.MessageID, resp)
			}
			pending = append(pending, recording{l.record(o, fence), d})
			continue
		}
		o.Status = journal.Pending
		o.NextAttemptAt = c.now().Add(l.dest.Retry.Backoff(out.Attempt))
		l.endSpan(span, d, out.Attempt, "retry", resp, err)
		log.Warn("delivery failed; will retry", "message_id", d.MessageID, "trace_id", d.Message.TraceID, "attempt", out.Attempt, "retry_at", o.NextAttemptAt, "err", err)
		pending = append(pending, recording{l.record(o, fence), d})
		return // the head failed: read the queue again after recording
	}
}

// endSpan ends the span of a delivery attempt with its outcome: delivered,
// retry, dead or canceled (the lane stopped during the attempt).
func (l *lane) endSpan(span trace.Span, d *journal.Delivery, attempt int, outcome string, resp *engine.Response, err error) {
	if span.IsRecording() {
		span.SetAttributes(attrChannel.String(l.c.spec.Name), attrDestination.String(l.dest.Name),
			attrMessageID.Int64(d.MessageID), attrDeliveryID.Int64(d.ID), attrAttempt.Int(attempt), attrOutcome.String(outcome))
		if resp != nil && resp.Status != "" {
			span.SetAttributes(attrResponse.String(resp.Status))
		}
		fail(span, err)
	}
	span.End()
}

// record stores an outcome under fence in the background and returns its
// result.
func (l *lane) record(o journal.Outcome, fence journal.Fence) chan error {
	done := make(chan error, 1)
	go func() {
		// Recording must not be cut short by shutdown: the attempt happened.
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if fence == (journal.Fence{}) {
			done <- l.c.j.Record(ctx, o)
			return
		}
		done <- l.c.j.RecordFenced(ctx, o, fence)
	}()
	return done
}

// sleep waits for d, for shutdown, or for a poke (a new message queued).
func (l *lane) sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	case <-l.wake:
	case <-l.urgent:
	}
}

// pause waits for d, for shutdown, or for an urgent message.
func (l *lane) pause(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	case <-l.urgent:
	}
}

func (l *lane) waitWake(ctx context.Context, d time.Duration) {
	l.sleep(ctx, d)
}
