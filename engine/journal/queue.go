package journal

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/plexus-health/plexus/engine"
)

// Delivery is one message bound for one destination.
type Delivery struct {
	ID             int64
	MessageID      int64
	Channel        string
	Destination    string
	Lane           int
	Priority       int
	Status         string
	Attempts       int
	NextAttemptAt  time.Time
	CreatedAt      time.Time
	UpdatedAt      time.Time
	ContentType    string
	Payload        []byte
	LastError      string
	ResponseStatus string
	// Message holds the metadata of the delivery's message (no content),
	// filled by Pending for destinations that name files or set headers
	// from it.
	Message *engine.Message
}

// Pending returns up to limit pending deliveries of one lane in the order
// they must be delivered: most urgent first, then oldest.
func (j *Journal) Pending(ctx context.Context, channel, destination string, lane, limit int) ([]Delivery, error) {
	rows, err := j.db.R.QueryContext(ctx, `SELECT d.id, d.message_id, d.priority, d.attempts, d.next_attempt_at, d.created_at,
			d.content_type, d.payload IS NOT NULL, coalesce(d.payload, (SELECT raw FROM message_content WHERE message_id = d.message_id)), m.source, m.received_at, m.content_type, m.msg_type, m.trigger_event, m.control_id,
			m.sending_app, m.sending_facility, m.config_version, m.trace_id, m.span_id, m.trace_flags
		FROM deliveries d JOIN messages m ON m.id = d.message_id
		WHERE d.channel = ? AND d.destination = ? AND d.lane = ? AND d.status = ?
		ORDER BY d.priority DESC, d.id LIMIT ?`, channel, destination, lane, Pending, limit)
	if err != nil {
		return nil, fmt.Errorf("journal: reading queue %s/%s: %w", channel, destination, err)
	}
	defer rows.Close()
	var out []Delivery
	for rows.Next() {
		d := Delivery{Channel: channel, Destination: destination, Lane: lane, Status: Pending}
		m := &engine.Message{Channel: channel}
		var next, created, received int64
		var own bool // the payload is the delivery's, not the message content
		if err := rows.Scan(&d.ID, &d.MessageID, &d.Priority, &d.Attempts, &next, &created, &d.ContentType, &own, &d.Payload,
			&m.Source, &received, &m.ContentType, &m.Type, &m.Trigger, &m.ControlID, &m.SendingApp, &m.SendingFacility,
			&m.ConfigVersion, &m.TraceID, &m.SpanID, &m.TraceFlags); err != nil {
			return nil, fmt.Errorf("journal: reading queue: %w", err)
		}
		d.NextAttemptAt, d.CreatedAt = time.UnixMicro(next), time.UnixMicro(created)
		var err error
		if own {
			d.Payload, err = j.open(d.Payload, payloadAAD(d.MessageID, destination), fmt.Sprintf("payload of delivery %d", d.ID))
		} else {
			d.Payload, err = j.open(d.Payload, contentAAD(d.MessageID), fmt.Sprintf("content of message %d", d.MessageID))
		}
		if err != nil {
			return nil, err
		}
		m.ID, m.ReceivedAt, m.Priority = d.MessageID, time.UnixMicro(received), d.Priority
		d.Message = m
		out = append(out, d)
	}
	return out, rows.Err()
}

// Outcome is the result of one delivery attempt.
type Outcome struct {
	DeliveryID     int64
	MessageID      int64
	Attempt        int
	Started        time.Time
	Duration       time.Duration
	Status         string    // Delivered, Pending (retry later) or Dead
	NextAttemptAt  time.Time // for Pending
	Error          string
	ResponseStatus string
	Response       []byte
}

// Record stores the outcome of a delivery attempt: the attempt itself, the
// delivery's new state, and the message's status once all its deliveries
// are finished. Outcomes of many workers share a transaction.
func (j *Journal) Record(ctx context.Context, o Outcome) error {
	return j.record(ctx, o, Fence{})
}

// record stores an outcome, under fence f unless f is zero.
func (j *Journal) record(ctx context.Context, o Outcome, f Fence) error {
	response, err := j.seal(o.Response, responseAAD(o.DeliveryID, o.Attempt, o.Started.UnixMicro()))
	if err != nil {
		return fmt.Errorf("journal: sealing response: %w", err)
	}
	return j.c.Do(ctx, func(ctx context.Context, tx *sql.Tx) error {
		now := j.now().UnixMicro()
		next := now
		if o.Status == Pending {
			next = o.NextAttemptAt.UnixMicro()
		}
		// The delivery's update goes first: under a fence it carries the
		// lease check (fence.go), which costs no statement of its own.
		update := `UPDATE deliveries SET status = ?, attempts = ?, next_attempt_at = ?, updated_at = ?,
			last_error = ?, response_status = ? WHERE id = ?`
		args := []any{o.Status, o.Attempt, next, now, o.Error, o.ResponseStatus, o.DeliveryID}
		if f != (Fence{}) {
			update += fenceCondition(j.db.Dialect)
			args = append(args, f.Partition, f.Holder, f.Token)
		}
		res, err := tx.ExecContext(ctx, update, args...)
		if err != nil {
			return fmt.Errorf("journal: updating delivery: %w", err)
		}
		if f != (Fence{}) {
			if n, err := res.RowsAffected(); err == nil && n == 0 {
				return ErrFenced
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO attempts (delivery_id, attempt, started_at, duration_us, outcome, error, response_status, response)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, o.DeliveryID, o.Attempt, o.Started.UnixMicro(), o.Duration.Microseconds(),
			o.Status, o.Error, o.ResponseStatus, nullable(response)); err != nil {
			return fmt.Errorf("journal: recording attempt: %w", err)
		}
		if o.Status == Pending {
			return nil
		}
		return settleMessage(ctx, tx, o.MessageID, now)
	})
}

// settleMessage sets a message's status from its deliveries: dead if any is
// dead, delivered when all are delivered, otherwise unchanged.
func settleMessage(ctx context.Context, tx *sql.Tx, messageID, now int64) error {
	_, err := tx.ExecContext(ctx, `UPDATE messages SET updated_at = ?, status = CASE
			WHEN EXISTS (SELECT 1 FROM deliveries WHERE message_id = ? AND status = 'dead') THEN 'dead'
			WHEN NOT EXISTS (SELECT 1 FROM deliveries WHERE message_id = ? AND status <> 'delivered') THEN 'delivered'
			ELSE 'received' END
		WHERE id = ? AND status IN ('received', 'dead', 'delivered')`, now, messageID, messageID, messageID)
	if err != nil {
		return fmt.Errorf("journal: settling message: %w", err)
	}
	return nil
}

// ReplayFilter selects dead-lettered deliveries to send again. Zero fields
// match everything.
type ReplayFilter struct {
	Channel     string
	Destination string
	DeliveryID  int64
	MessageID   int64
	From, To    time.Time // on the message's receive time
}

// Replay puts matching dead-lettered deliveries back in their queues with a
// fresh attempt count, and returns how many.
func (j *Journal) Replay(ctx context.Context, f ReplayFilter) (int64, error) {
	where, args := "d.status = 'dead'", []any{}
	if f.Channel != "" {
		where += " AND d.channel = ?"
		args = append(args, f.Channel)
	}
	if f.Destination != "" {
		where += " AND d.destination = ?"
		args = append(args, f.Destination)
	}
	if f.DeliveryID != 0 {
		where += " AND d.id = ?"
		args = append(args, f.DeliveryID)
	}
	if f.MessageID != 0 {
		where += " AND d.message_id = ?"
		args = append(args, f.MessageID)
	}
	if !f.From.IsZero() {
		where += " AND m.received_at >= ?"
		args = append(args, f.From.UnixMicro())
	}
	if !f.To.IsZero() {
		where += " AND m.received_at < ?"
		args = append(args, f.To.UnixMicro())
	}
	var n int64
	err := j.c.Do(ctx, func(ctx context.Context, tx *sql.Tx) error {
		now := j.now().UnixMicro()
		sel := `SELECT d.id FROM deliveries d JOIN messages m ON m.id = d.message_id WHERE ` + where
		res, err := tx.ExecContext(ctx, `UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt_at = ?, updated_at = ?, last_error = ''
			WHERE id IN (`+sel+`)`, append([]any{now, now}, args...)...)
		if err != nil {
			return fmt.Errorf("journal: replaying: %w", err)
		}
		n, _ = res.RowsAffected()
		// The messages of the deliveries just replayed (marked by this
		// transaction's time) are no longer dead unless another of their
		// deliveries still is. Found through the deliveries' status index,
		// not by scanning every message.
		_, err = tx.ExecContext(ctx, `UPDATE messages SET status = 'received', updated_at = ?
			WHERE id IN (SELECT message_id FROM deliveries WHERE status = 'pending' AND updated_at = ?)
			AND status = 'dead'
			AND NOT EXISTS (SELECT 1 FROM deliveries WHERE message_id = messages.id AND status = 'dead')`, now, now)
		if err != nil || n == 0 {
			return err
		}
		return j.notifyAll(ctx, tx)
	})
	return n, err
}

// Resend queues every delivery of a message again, as new deliveries with
// the payloads first computed for it; earlier attempts stay on record. It
// returns the number of deliveries queued.
func (j *Journal) Resend(ctx context.Context, messageID int64) (int64, error) {
	var n int64
	err := j.c.Do(ctx, func(ctx context.Context, tx *sql.Tx) error {
		now := j.now().UnixMicro()
		res, err := tx.ExecContext(ctx, `INSERT INTO deliveries (message_id, channel, destination, lane, priority, status, attempts,
				next_attempt_at, created_at, updated_at, content_type, payload)
			SELECT message_id, channel, destination, lane, priority, 'pending', 0, ?, ?, ?, content_type, payload
			FROM deliveries WHERE id IN (SELECT max(id) FROM deliveries WHERE message_id = ? GROUP BY destination)`,
			now, now, now, messageID)
		if err != nil {
			return fmt.Errorf("journal: resending: %w", err)
		}
		if n, _ = res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		if _, err = tx.ExecContext(ctx, `UPDATE messages SET status = 'received', updated_at = ? WHERE id = ?`, now, messageID); err != nil {
			return err
		}
		return j.notifyAll(ctx, tx)
	})
	return n, err
}
