package journal

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/plexus-health/plexus/engine"
)

// MessageFilter selects messages for browsing. Zero fields match everything.
type MessageFilter struct {
	Channel   string
	Status    string
	Type      string // MSH-9.1
	Trigger   string // MSH-9.2
	ControlID string
	PatientID string
	TraceID   string // the message's W3C trace ID, 32 hex digits
	ParentID  int64  // messages split from this one (engine.StatusSplit)
	Text      string // substring of any metadata field
	From, To  time.Time
	BeforeID  int64 // keyset paging: messages with a smaller ID
	Limit     int   // default 50, at most 1000
}

const messageColumns = `id, channel, source, remote, received_at, content_type, msg_type, trigger_event, control_id,
	sending_app, sending_facility, patient_id, priority, config_version, status, error, size, trace_id, span_id, trace_flags,
	coalesce(parent_id, 0)`

func scanMessage(s interface{ Scan(...any) error }) (*engine.Message, int, error) {
	m := &engine.Message{}
	var received int64
	var status string
	var size int
	err := s.Scan(&m.ID, &m.Channel, &m.Source, &m.Remote, &received, &m.ContentType, &m.Type, &m.Trigger, &m.ControlID,
		&m.SendingApp, &m.SendingFacility, &m.PatientID, &m.Priority, &m.ConfigVersion, &status, &m.Error, &size,
		&m.TraceID, &m.SpanID, &m.TraceFlags, &m.ParentID)
	m.ReceivedAt = time.UnixMicro(received)
	m.Status = engine.Status(status)
	return m, size, err
}

// scanAlso scans the columns scanMessage reads and then more.
type scanAlso struct {
	s     interface{ Scan(...any) error }
	extra []any
}

func (a scanAlso) Scan(dest ...any) error { return a.s.Scan(append(dest, a.extra...)...) }

// Messages lists messages newest first, without content.
func (j *Journal) Messages(ctx context.Context, f MessageFilter) ([]*engine.Message, error) {
	var where []string
	var args []any
	add := func(cond string, v any) {
		where = append(where, cond)
		args = append(args, v)
	}
	if f.Channel != "" {
		add("channel = ?", f.Channel)
	}
	switch f.Status {
	case "":
	case string(engine.StatusError), string(engine.StatusDead):
		// A literal, not a parameter: the partial indexes messages_errors
		// and messages_dead (migration 00010) apply only where the planner
		// sees the value.
		where = append(where, "status = '"+f.Status+"'")
	default:
		add("status = ?", f.Status)
	}
	if f.Type != "" {
		add("msg_type = ?", f.Type)
	}
	if f.Trigger != "" {
		add("trigger_event = ?", f.Trigger)
	}
	if f.ControlID != "" {
		add("control_id = ?", f.ControlID)
	}
	if f.PatientID != "" {
		add("patient_id = ?", f.PatientID)
	}
	if f.TraceID != "" {
		add("trace_id = ?", f.TraceID)
	}
	if f.ParentID != 0 {
		add("parent_id = ?", f.ParentID)
	}
	if !f.From.IsZero() {
		add("received_at >= ?", f.From.UnixMicro())
	}
	if !f.To.IsZero() {
		add("received_at < ?", f.To.UnixMicro())
	}
	if f.BeforeID > 0 {
		add("id < ?", f.BeforeID)
	}
	if f.Text != "" {
		like := "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(f.Text) + "%"
		where = append(where, `(control_id LIKE ? ESCAPE '\' OR patient_id LIKE ? ESCAPE '\' OR sending_app LIKE ? ESCAPE '\'
			OR sending_facility LIKE ? ESCAPE '\' OR msg_type LIKE ? ESCAPE '\' OR error LIKE ? ESCAPE '\')`)
		for range 6 {
			args = append(args, like)
		}
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, 1000)
	q := "SELECT " + messageColumns + " FROM messages"
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY id DESC LIMIT ?"
	rows, err := j.db.R.QueryContext(ctx, q, append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("journal: listing messages: %w", err)
	}
	defer rows.Close()
	var out []*engine.Message
	for rows.Next() {
		m, _, err := scanMessage(rows)
		if err != nil {
			return nil, fmt.Errorf("journal: listing messages: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// Message returns one message with its raw content (nil once pruned).
func (j *Journal) Message(ctx context.Context, id int64) (*engine.Message, error) {
	// The unmapped list goes with the details, not with listings.
	var unmapped sql.NullString
	row := j.db.R.QueryRowContext(ctx, "SELECT "+messageColumns+", unmapped FROM messages WHERE id = ?", id)
	m, _, err := scanMessage(scanAlso{row, []any{&unmapped}})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%w: message %d", ErrNotFound, id)
	}
	if err != nil {
		return nil, fmt.Errorf("journal: reading message %d: %w", id, err)
	}
	err = j.db.R.QueryRowContext(ctx, `SELECT raw FROM message_content WHERE message_id = ?`, id).Scan(&m.Raw)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("journal: reading content of message %d: %w", id, err)
	}
	if m.Raw, err = j.open(m.Raw, contentAAD(id), fmt.Sprintf("content of message %d", id)); err != nil {
		return nil, err
	}
	if unmapped.Valid && unmapped.String != "" {
		m.Unmapped = strings.Split(unmapped.String, "\n")
	}
	return m, nil
}

// Deliveries returns the deliveries of a message, without payloads.
func (j *Journal) Deliveries(ctx context.Context, messageID int64) ([]Delivery, error) {
	return j.deliveries(ctx, `WHERE message_id = ? ORDER BY id`, messageID)
}

// DeadLetters lists dead-lettered deliveries of a channel (and destination),
// newest first.
func (j *Journal) DeadLetters(ctx context.Context, channel, destination string, limit int) ([]Delivery, error) {
	if limit <= 0 {
		limit = 100
	}
	limit = min(limit, 1000)
	q, args := `WHERE status = 'dead'`, []any{}
	if channel != "" {
		q += ` AND channel = ?`
		args = append(args, channel)
	}
	if destination != "" {
		q += ` AND destination = ?`
		args = append(args, destination)
	}
	return j.deliveries(ctx, q+` ORDER BY updated_at DESC, id DESC LIMIT ?`, append(args, limit)...)
}

func (j *Journal) deliveries(ctx context.Context, where string, args ...any) ([]Delivery, error) {
	rows, err := j.db.R.QueryContext(ctx, `SELECT id, message_id, channel, destination, lane, priority, status, attempts,
		next_attempt_at, created_at, updated_at, content_type, last_error, response_status FROM deliveries `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("journal: listing deliveries: %w", err)
	}
	defer rows.Close()
	var out []Delivery
	for rows.Next() {
		var d Delivery
		var next, created, updated int64
		if err := rows.Scan(&d.ID, &d.MessageID, &d.Channel, &d.Destination, &d.Lane, &d.Priority, &d.Status, &d.Attempts,
			&next, &created, &updated, &d.ContentType, &d.LastError, &d.ResponseStatus); err != nil {
			return nil, fmt.Errorf("journal: listing deliveries: %w", err)
		}
		d.NextAttemptAt, d.CreatedAt, d.UpdatedAt = time.UnixMicro(next), time.UnixMicro(created), time.UnixMicro(updated)
		out = append(out, d)
	}
	return out, rows.Err()
}

// Attempt is one recorded delivery attempt.
type Attempt struct {
	DeliveryID     int64
	Attempt        int
	Started        time.Time
	Duration       time.Duration
	Outcome        string
	Error          string
	ResponseStatus string
	Response       []byte
}

// Attempts returns every attempt of a delivery, oldest first.
func (j *Journal) Attempts(ctx context.Context, deliveryID int64) ([]Attempt, error) {
	rows, err := j.db.R.QueryContext(ctx, `SELECT delivery_id, attempt, started_at, duration_us, outcome, error, response_status, response
		FROM attempts WHERE delivery_id = ? ORDER BY id`, deliveryID)
	if err != nil {
		return nil, fmt.Errorf("journal: listing attempts: %w", err)
	}
	defer rows.Close()
	var out []Attempt
	for rows.Next() {
		var a Attempt
		var started, dur int64
		if err := rows.Scan(&a.DeliveryID, &a.Attempt, &started, &dur, &a.Outcome, &a.Error, &a.ResponseStatus, &a.Response); err != nil {
			return nil, fmt.Errorf("journal: listing attempts: %w", err)
		}
		a.Started, a.Duration = time.UnixMicro(started), time.Duration(dur)*time.Microsecond
		if a.Response, err = j.open(a.Response, responseAAD(a.DeliveryID, a.Attempt, started), fmt.Sprintf("response of delivery %d attempt %d", a.DeliveryID, a.Attempt)); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// QueueStats describes one destination queue.
type QueueStats struct {
	Channel, Destination string
	Pending, Dead        int64
	OldestPending        time.Time // zero when the queue is empty
}

// Queues returns the depth of every destination queue that has pending or
// dead-lettered deliveries.
func (j *Journal) Queues(ctx context.Context) ([]QueueStats, error) {
	rows, err := j.db.R.QueryContext(ctx, `SELECT channel, destination,
			sum(CASE WHEN status = 'pending' THEN 1 ELSE 0 END),
			sum(CASE WHEN status = 'dead' THEN 1 ELSE 0 END),
			min(CASE WHEN status = 'pending' THEN created_at END)
		FROM deliveries WHERE status IN ('pending', 'dead') GROUP BY channel, destination ORDER BY channel, destination`)
	if err != nil {
		return nil, fmt.Errorf("journal: queue stats: %w", err)
	}
	defer rows.Close()
	var out []QueueStats
	for rows.Next() {
		var q QueueStats
		var oldest sql.NullInt64
		if err := rows.Scan(&q.Channel, &q.Destination, &q.Pending, &q.Dead, &oldest); err != nil {
			return nil, fmt.Errorf("journal: queue stats: %w", err)
		}
		if oldest.Valid {
			q.OldestPending = time.UnixMicro(oldest.Int64)
		}
		out = append(out, q)
	}
	return out, rows.Err()
}

// RecentControlIDs calls fn with the sender (MSH-3 and MSH-4) and control
// ID of each of a channel's messages received since a time, to rebuild
// duplicate suppression after a restart.
func (j *Journal) RecentControlIDs(ctx context.Context, channel string, since time.Time, fn func(app, facility, controlID string, at time.Time)) error {
	rows, err := j.db.R.QueryContext(ctx, `SELECT sending_app, sending_facility, control_id, received_at FROM messages
		WHERE channel = ? AND received_at >= ? AND control_id <> '' AND status <> 'error'`, channel, since.UnixMicro())
	if err != nil {
		return fmt.Errorf("journal: reading recent control IDs: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var app, facility, id string
		var at int64
		if err := rows.Scan(&app, &facility, &id, &at); err != nil {
			return fmt.Errorf("journal: reading recent control IDs: %w", err)
		}
		fn(app, facility, id, time.UnixMicro(at))
	}
	return rows.Err()
}

// Prune deletes, for one channel, the content of messages received before
// contentBefore and whole finished messages (metadata, deliveries, attempts)
// received before metadataBefore, a batch at a time so that traffic is never
// blocked for long. Messages still being delivered keep their content. It
// returns how many contents and messages were deleted.
func (j *Journal) Prune(ctx context.Context, channel string, contentBefore, metadataBefore time.Time, batch int) (contents, messages int64, err error) {
	if batch <= 0 {
		batch = 500
	}
	for !contentBefore.IsZero() {
		var n int64
		err = j.c.Do(ctx, func(ctx context.Context, tx *sql.Tx) error {
			res, err := tx.ExecContext(ctx, `DELETE FROM message_content WHERE message_id IN (
				SELECT id FROM messages WHERE channel = ? AND received_at < ? AND status <> 'received'
				AND id IN (SELECT message_id FROM message_content) LIMIT ?)`, channel, contentBefore.UnixMicro(), batch)
			if err != nil {
				return err
			}
			n, _ = res.RowsAffected()
			return nil
		})
		if err != nil {
			return contents, messages, fmt.Errorf("journal: pruning content: %w", err)
		}
		contents += n
		if n < int64(batch) {
			break
		}
	}
	for !metadataBefore.IsZero() {
		var n int64
		err = j.c.Do(ctx, func(ctx context.Context, tx *sql.Tx) error {
			ids := `SELECT id FROM messages WHERE channel = ? AND received_at < ? AND status <> 'received' LIMIT ?`
			args := []any{channel, metadataBefore.UnixMicro(), batch}
			rows, err := tx.QueryContext(ctx, ids, args...)
			if err != nil {
				return err
			}
			var list []any
			for rows.Next() {
				var id int64
				if err := rows.Scan(&id); err != nil {
					rows.Close()
					return err
				}
				list = append(list, id)
			}
			rows.Close()
			if len(list) == 0 {
				n = 0
				return nil
			}
			in := "(" + strings.TrimSuffix(strings.Repeat("?,", len(list)), ",") + ")"
			for _, q := range []string{
				`DELETE FROM attempts WHERE delivery_id IN (SELECT id FROM deliveries WHERE message_id IN ` + in + `)`,
				`DELETE FROM deliveries WHERE message_id IN ` + in,
				`DELETE FROM message_content WHERE message_id IN ` + in,
				`DELETE FROM messages WHERE id IN ` + in,
			} {
				if _, err := tx.ExecContext(ctx, q, list...); err != nil {
					return err
				}
			}
			n = int64(len(list))
			return nil
		})
		if err != nil {
			return contents, messages, fmt.Errorf("journal: pruning messages: %w", err)
		}
		messages += n
		if n < int64(batch) {
			break
		}
	}
	return contents, messages, nil
}
