// Package journal stores every inbound message, with one delivery row per
// destination, before the sender is acknowledged, and keeps the delivery
// queues that destinations drain. All writes go through the store's group
// committer, so the messages of many connections share one transaction and
// one fsync.
package journal

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/plexus-health/plexus/engine"
	"github.com/plexus-health/plexus/platform/store"
)

// Delivery states.
const (
	Pending   = "pending"
	Delivered = "delivered"
	Dead      = "dead"
)

// NewDelivery is a delivery to create with a message.
type NewDelivery struct {
	Destination string
	Lane        int
	ContentType string
	Payload     []byte
	ID          int64 // set by Append
}

// Record is what Append stores in one go: the message, its raw content and
// its deliveries.
type Record struct {
	Msg        *engine.Message
	Deliveries []NewDelivery
}

// Journal is the message store and delivery queue of one node.
type Journal struct {
	db  *store.DB
	c   *store.Committer
	now func() time.Time
}

// Options tune the journal's group commit.
type Options struct {
	BatchSize int
	BatchWait time.Duration
	Queue     int
}

// Open starts a journal on db.
func Open(db *store.DB, opts Options) *Journal {
	return &Journal{
		db:  db,
		c:   store.NewCommitter(db.W, store.CommitterOptions{MaxBatch: opts.BatchSize, MaxWait: opts.BatchWait, Queue: opts.Queue}),
		now: time.Now,
	}
}

// Close finishes queued writes and stops the journal.
func (j *Journal) Close() { j.c.Close() }

// CommitStats reports group-commit counters.
func (j *Journal) CommitStats() store.CommitStats { return j.c.Stats() }

// Append stores a record durably and sets the message and delivery IDs. It
// returns only after the transaction holding it has committed.
func (j *Journal) Append(ctx context.Context, rec *Record) error {
	m := rec.Msg
	if m.ReceivedAt.IsZero() {
		m.ReceivedAt = j.now()
	}
	err := j.c.Do(ctx, func(ctx context.Context, tx *sql.Tx) error {
		now := j.now().UnixMicro()
		err := tx.QueryRowContext(ctx, `INSERT INTO messages (channel, source, remote, received_at, content_type,
			msg_type, trigger_event, control_id, sending_app, sending_facility, patient_id, priority,
			config_version, status, error, size, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			m.Channel, m.Source, m.Remote, m.ReceivedAt.UnixMicro(), m.ContentType,
			m.Type, m.Trigger, m.ControlID, m.SendingApp, m.SendingFacility, m.PatientID, m.Priority,
			m.ConfigVersion, string(m.Status), m.Error, len(m.Raw), now).Scan(&m.ID)
		if err != nil {
			return fmt.Errorf("journal: inserting message: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO message_content (message_id, raw) VALUES (?, ?)`, m.ID, m.Raw); err != nil {
			return fmt.Errorf("journal: inserting content: %w", err)
		}
		for i := range rec.Deliveries {
			d := &rec.Deliveries[i]
			err := tx.QueryRowContext(ctx, `INSERT INTO deliveries (message_id, channel, destination, lane, priority,
				status, attempts, next_attempt_at, created_at, updated_at, content_type, payload)
				VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?) RETURNING id`,
				m.ID, m.Channel, d.Destination, d.Lane, m.Priority, Pending, now, now, now, d.ContentType, d.Payload).Scan(&d.ID)
			if err != nil {
				return fmt.Errorf("journal: inserting delivery: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		m.ID = 0
	}
	return err
}

// ErrNotFound is returned for a message or delivery that does not exist.
var ErrNotFound = errors.New("journal: not found")
