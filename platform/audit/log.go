package audit

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/plexus-health/plexus/platform/store"
)

// Defaults of Options.
const (
	DefaultMaxBatch = 256
	DefaultQueue    = 4096
)

// ErrNoAction is returned by Record for an entry without an action.
var ErrNoAction = errors.New("audit: entry has no action")

// Options tune the log's writer.
type Options struct {
	// MaxBatch is the most entries committed in one transaction;
	// DefaultMaxBatch when zero. 1 commits each entry alone.
	MaxBatch int
	// Queue is how many entries may wait for the writer before Record
	// blocks; DefaultQueue when zero.
	Queue int
	// Logger receives the failures Middleware cannot return (never an
	// entry's content); slog.Default() when nil.
	Logger *slog.Logger
	// Now is the clock; time.Now when nil. For tests.
	Now func() time.Time
}

// Log is the audit log of one store. Its methods may be called
// concurrently.
type Log struct {
	db  *store.DB
	w   *store.Committer
	log *slog.Logger
	now func() time.Time
}

// New returns the audit log kept in db, continuing the chain from the last
// stored record. Close it before closing db.
func New(db *store.DB, opts Options) *Log {
	if opts.MaxBatch <= 0 {
		opts.MaxBatch = DefaultMaxBatch
	}
	if opts.Queue <= 0 {
		opts.Queue = DefaultQueue
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Log{
		db:  db,
		w:   store.NewCommitter(db.W, store.CommitterOptions{MaxBatch: opts.MaxBatch, Queue: opts.Queue}),
		log: opts.Logger,
		now: opts.Now,
	}
}

// Record appends e to the log and returns once it is committed. When the
// writer's queue is full Record waits: an entry is never dropped. If ctx
// ends while the entry is still queued, Record returns ctx's error and the
// entry is not written; callers recording something that already happened
// should pass a context that is not cancelled with the request
// (context.WithoutCancel).
func (l *Log) Record(ctx context.Context, e Entry) error {
	if e.Action == "" {
		return ErrNoAction
	}
	e.normalize(l.now())
	err := l.w.Do(ctx, func(ctx context.Context, tx *sql.Tx) error { return appendEntry(ctx, tx, l.db.Dialect, &e) })
	if err != nil {
		return fmt.Errorf("audit: recording %s: %w", e.Action, err)
	}
	return nil
}

// appendEntry links e to the last record and inserts it. The head is read
// inside the transaction, not cached, so the op is safe to run again after
// the committer rolls a failed batch back (store.Op's contract), and a
// restarted process continues the chain from what is on disk.
//
// Several nodes may share a PostgreSQL store, each with its own writer: two
// reading the same head would fork the chain (or fail on the seq key). A
// transaction-level advisory lock, taken before the head is read and held
// until commit, makes the nodes append one after the other. SQLite has one
// writer and needs none.
func appendEntry(ctx context.Context, tx *sql.Tx, dialect store.Dialect, e *Entry) error {
	if dialect == store.Postgres {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(?)`, chainLockKey); err != nil {
			return fmt.Errorf("locking the chain: %w", err)
		}
	}
	seq, prev, err := head(ctx, tx)
	if err != nil {
		return err
	}
	seq++
	sum := chainHash(prev, seq, e)
	_, err = tx.ExecContext(ctx, `INSERT INTO audit (seq, at, principal, subject, token_id, remote, method, action,
		resource_type, resource_id, path, query, status, outcome, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		seq, e.Time.UnixNano(), string(e.Principal), e.Subject, e.TokenID, e.Remote, e.Method, e.Action,
		e.ResourceType, e.ResourceID, e.Path, e.Query, e.Status, e.Outcome, prev, sum)
	if err != nil {
		return fmt.Errorf("inserting record %d: %w", seq, err)
	}
	return nil
}

// chainLockKey is the PostgreSQL advisory lock that serialises appends to
// the chain across nodes ("plexaudt" in ASCII).
const chainLockKey int64 = 0x706c657861756474

// querier is what head reads through: a transaction or a pool.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// head returns the last record's seq and hash, or 0 and the genesis hash
// for an empty log.
func head(ctx context.Context, q querier) (int64, Hash, error) {
	var seq int64
	var sum Hash
	err := q.QueryRowContext(ctx, `SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1`).Scan(&seq, &sum)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, genesis, nil
	}
	if err != nil {
		return 0, nil, fmt.Errorf("reading the chain's head: %w", err)
	}
	return seq, sum, nil
}

// Close writes the entries still queued, then stops the writer. Record
// fails afterwards. It does not close the store.
func (l *Log) Close() error {
	l.w.Close()
	return nil
}
