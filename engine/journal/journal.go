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
	"slices"
	"strings"
	"time"

	"github.com/plexus-health/plexus/engine"
	"github.com/plexus-health/plexus/platform/keyring"
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
	// Payload is what the destination receives; nil delivers the message
	// content itself, which is then stored only once.
	Payload []byte
	ID      int64 // set by Append
}

// Record is what Append stores in one go: the message, its raw content and
// its deliveries.
type Record struct {
	Msg        *engine.Message
	Deliveries []NewDelivery
	// Parent, for a message split from another, is that message's record,
	// appended before it by the same AppendAll.
	Parent *Record
}

// Journal is the message store and delivery queue of one node.
type Journal struct {
	db   *store.DB
	c    *store.Committer
	now  func() time.Time
	keys *keyring.Ring // nil: content is stored in the clear

	// Statements of the ingest path, prepared once on the writer pool:
	// preparing costs more than executing for these small inserts.
	insMessage, insContent, insDelivery *sql.Stmt
}

const (
	insertMessage = `INSERT INTO messages (channel, source, remote, received_at, content_type,
			msg_type, trigger_event, control_id, sending_app, sending_facility, patient_id, priority,
			config_version, status, error, size, updated_at, unmapped, trace_id, span_id, trace_flags, parent_id)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`
	insertContent  = `INSERT INTO message_content (message_id, raw) VALUES (?, ?)`
	insertDelivery = `INSERT INTO deliveries (message_id, channel, destination, lane, priority,
				status, attempts, next_attempt_at, created_at, updated_at, content_type, payload)
				VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?) RETURNING id`
)

// Options tune the journal's group commit and encryption.
type Options struct {
	BatchSize int
	BatchWait time.Duration
	Queue     int
	// Keys, when set, seal every stored payload with AES-256-GCM (see
	// seal.go). The ring may be rotated (Replace) while the journal runs.
	Keys *keyring.Ring
}

// Open starts a journal on db.
func Open(db *store.DB, opts Options) *Journal {
	j := &Journal{
		db:   db,
		c:    store.NewCommitter(db.W, store.CommitterOptions{MaxBatch: opts.BatchSize, MaxWait: opts.BatchWait, Queue: opts.Queue}),
		now:  time.Now,
		keys: opts.Keys,
	}
	// A statement that fails to prepare is prepared again at each use,
	// where the error is reported.
	j.insMessage, _ = db.W.Prepare(insertMessage)
	j.insContent, _ = db.W.Prepare(insertContent)
	j.insDelivery, _ = db.W.Prepare(insertDelivery)
	return j
}

// stmt returns a prepared statement bound to tx, or the query text's
// statement when it could not be prepared in advance.
func stmt(ctx context.Context, tx *sql.Tx, prepared *sql.Stmt, query string) (*sql.Stmt, error) {
	if prepared != nil {
		return tx.StmtContext(ctx, prepared), nil
	}
	return tx.PrepareContext(ctx, query)
}

// Close finishes queued writes and stops the journal.
func (j *Journal) Close() {
	j.c.Close()
	for _, s := range []*sql.Stmt{j.insMessage, j.insContent, j.insDelivery} {
		if s != nil {
			s.Close()
		}
	}
}

// CommitStats reports group-commit counters.
func (j *Journal) CommitStats() store.CommitStats { return j.c.Stats() }

// Append stores a record durably and sets the message and delivery IDs. It
// returns only after the transaction holding it has committed.
func (j *Journal) Append(ctx context.Context, rec *Record) error {
	return j.AppendAll(ctx, []*Record{rec})
}

// AppendAll stores several records in one transaction: all of them or,
// on an error, none. A record whose Parent is set gets its parent's new ID
// as Msg.ParentID; the parent must come before it in recs. This is how a
// message split into others (an 837's claims) is stored with its parts, so
// that a crash never leaves some parts stored and others not. It returns
// only after the transaction has committed.
func (j *Journal) AppendAll(ctx context.Context, recs []*Record) error {
	for i, rec := range recs {
		if rec.Parent != nil && !slices.Contains(recs[:i], rec.Parent) {
			return fmt.Errorf("journal: record %d names a parent that is not appended before it", i)
		}
		if rec.Msg.ReceivedAt.IsZero() {
			rec.Msg.ReceivedAt = j.now()
		}
	}
	err := j.c.Do(ctx, func(ctx context.Context, tx *sql.Tx) error {
		// The committer may run this twice (after a failed batch): the IDs
		// are set afresh on every run.
		now := j.now().UnixMicro()
		for _, rec := range recs {
			if err := j.insert(ctx, tx, rec, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		for _, rec := range recs {
			rec.Msg.ID = 0
			if rec.Parent != nil {
				rec.Msg.ParentID = 0
			}
		}
	}
	return err
}

// insert writes one record inside tx.
func (j *Journal) insert(ctx context.Context, tx *sql.Tx, rec *Record, now int64) error {
	m := rec.Msg
	if rec.Parent != nil {
		m.ParentID = rec.Parent.Msg.ID
	}
	ins, err := stmt(ctx, tx, j.insMessage, insertMessage)
	if err != nil {
		return fmt.Errorf("journal: inserting message: %w", err)
	}
	err = ins.QueryRowContext(ctx,
		m.Channel, m.Source, m.Remote, m.ReceivedAt.UnixMicro(), m.ContentType,
		m.Type, m.Trigger, m.ControlID, m.SendingApp, m.SendingFacility, m.PatientID, m.Priority,
		m.ConfigVersion, string(m.Status), m.Error, len(m.Raw), now, unmappedText(m.Unmapped), m.TraceID, m.SpanID, int(m.TraceFlags),
		nullableID(m.ParentID)).Scan(&m.ID)
	if err != nil {
		return fmt.Errorf("journal: inserting message: %w", err)
	}
	content, err := stmt(ctx, tx, j.insContent, insertContent)
	if err != nil {
		return fmt.Errorf("journal: inserting content: %w", err)
	}
	// Sealing needs the message ID, which the insert just assigned:
	// it happens in the transaction (AES-GCM costs microseconds).
	raw, err := j.seal(m.Raw, contentAAD(m.ID))
	if err != nil {
		return fmt.Errorf("journal: sealing content: %w", err)
	}
	if _, err := content.ExecContext(ctx, m.ID, raw); err != nil {
		return fmt.Errorf("journal: inserting content: %w", err)
	}
	if len(rec.Deliveries) == 0 {
		return nil
	}
	delivery, err := stmt(ctx, tx, j.insDelivery, insertDelivery)
	if err != nil {
		return fmt.Errorf("journal: inserting delivery: %w", err)
	}
	for i := range rec.Deliveries {
		d := &rec.Deliveries[i]
		payload, err := j.seal(d.Payload, payloadAAD(m.ID, d.Destination))
		if err != nil {
			return fmt.Errorf("journal: sealing payload: %w", err)
		}
		err = delivery.QueryRowContext(ctx,
			m.ID, m.Channel, d.Destination, d.Lane, m.Priority, Pending, now, now, now, d.ContentType, nullable(payload)).Scan(&d.ID)
		if err != nil {
			return fmt.Errorf("journal: inserting delivery: %w", err)
		}
	}
	return j.notifyQueued(ctx, tx, m.Channel, rec.Deliveries)
}

// ErrNotFound is returned for a message or delivery that does not exist.
var ErrNotFound = errors.New("journal: not found")

// Ping checks that the journal can be read and that its writer takes work:
// a read query, then an empty group-committed transaction, which waits its
// turn behind queued writes (so an overloaded journal answers slowly).
func (j *Journal) Ping(ctx context.Context) error {
	var n int
	if err := j.db.R.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM messages LIMIT 1) AS probe`).Scan(&n); err != nil {
		return fmt.Errorf("journal: reading: %w", err)
	}
	if err := j.c.Do(ctx, func(context.Context, *sql.Tx) error { return nil }); err != nil {
		return fmt.Errorf("journal: writer: %w", err)
	}
	return nil
}

// nullable returns b, or SQL NULL for a nil slice (drivers differ in how
// they store a nil []byte: some write an empty blob).
func nullable(b []byte) any {
	if b == nil {
		return nil
	}
	return b
}

// nullableID stores a message ID, or SQL NULL for 0 (none).
func nullableID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// unmappedText stores a message's unmapped list one item a line, or NULL
// when it is empty.
func unmappedText(items []string) any {
	if len(items) == 0 {
		return nil
	}
	return strings.Join(items, "\n")
}
