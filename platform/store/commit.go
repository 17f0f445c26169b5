package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Group commit
//
// Durable-before-acknowledge means one commit per message if done naively,
// and a commit costs an fsync: a few thousand per second at best. The
// Committer instead runs the writes of many concurrent callers in one
// transaction. Callers hand it an Op and block; a single goroutine takes the
// first waiting op, then every op already queued behind it (up to MaxBatch,
// optionally lingering MaxWait for more), runs them all in one transaction
// and commits once, then wakes every caller with the outcome. Under load the
// queue fills while the previous commit is syncing, so batches grow exactly
// when they help; at low load a lone op commits at once.
//
// If an op fails, the whole transaction is rolled back and each op of the
// batch is run again in a transaction of its own, so that one bad write
// cannot fail its neighbours. Ops must therefore be safe to run twice: they
// only write through the transaction they are given and set their results
// (new IDs) afresh on every run.
//
// The request queue is bounded: when the disk is slower than the sources,
// Do blocks, and the sources slow down instead of buffering.

// Op is one unit of work run inside a group-committed transaction.
type Op func(ctx context.Context, tx *sql.Tx) error

// ErrClosed is returned by Do after Close.
var ErrClosed = errors.New("store: committer closed")

// CommitterOptions tune group commit.
type CommitterOptions struct {
	MaxBatch int           // ops per transaction, default 256
	MaxWait  time.Duration // how long a batch may linger for more ops, default 0
	Queue    int           // waiting ops before Do blocks, default 4 × MaxBatch
}

// CommitStats counts the committer's work.
type CommitStats struct {
	Commits int64 // transactions committed
	Ops     int64 // ops committed
	Retried int64 // batches that failed and were re-run op by op
}

type request struct {
	ctx  context.Context
	op   Op
	done chan error
}

// Committer runs ops in group-committed transactions on one writer pool.
type Committer struct {
	db   *sql.DB
	opts CommitterOptions
	reqs chan *request

	mu     sync.RWMutex
	closed bool
	wg     sync.WaitGroup

	statsMu sync.Mutex
	stats   CommitStats
}

// NewCommitter starts a committer writing through db.
func NewCommitter(db *sql.DB, opts CommitterOptions) *Committer {
	if opts.MaxBatch <= 0 {
		opts.MaxBatch = 256
	}
	if opts.Queue <= 0 {
		opts.Queue = 4 * opts.MaxBatch
	}
	c := &Committer{db: db, opts: opts, reqs: make(chan *request, opts.Queue)}
	c.wg.Add(1)
	go c.loop()
	return c
}

// Do runs op in a group-committed transaction and returns once that
// transaction is committed (nil) or failed. If ctx ends while op is still
// queued, Do returns ctx's error and op is not run; once the op's batch has
// started, Do waits for its outcome so that the caller never mistakes a
// committed write for a failed one.
func (c *Committer) Do(ctx context.Context, op Op) error {
	c.mu.RLock()
	if c.closed {
		c.mu.RUnlock()
		return ErrClosed
	}
	r := &request{ctx: ctx, op: op, done: make(chan error, 1)}
	select {
	case c.reqs <- r:
		c.mu.RUnlock()
	case <-ctx.Done():
		c.mu.RUnlock()
		return ctx.Err()
	}
	return <-r.done
}

// Stats returns counters since the committer started.
func (c *Committer) Stats() CommitStats {
	c.statsMu.Lock()
	defer c.statsMu.Unlock()
	return c.stats
}

// Close runs the ops already queued, then stops. Do fails with ErrClosed
// afterwards.
func (c *Committer) Close() {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return
	}
	c.closed = true
	close(c.reqs)
	c.mu.Unlock()
	c.wg.Wait()
}

func (c *Committer) loop() {
	defer c.wg.Done()
	batch := make([]*request, 0, c.opts.MaxBatch)
	for first := range c.reqs {
		batch = append(batch[:0], first)
		batch = c.fill(batch)
		c.run(batch)
	}
}

// fill adds queued requests to batch without waiting, then lingers up to
// MaxWait for more while the batch is not full.
func (c *Committer) fill(batch []*request) []*request {
	var timer <-chan time.Time
	for len(batch) < c.opts.MaxBatch {
		select {
		case r, ok := <-c.reqs:
			if !ok {
				return batch
			}
			batch = append(batch, r)
			continue
		default:
		}
		if c.opts.MaxWait <= 0 {
			return batch
		}
		if timer == nil {
			timer = time.After(c.opts.MaxWait)
		}
		select {
		case r, ok := <-c.reqs:
			if !ok {
				return batch
			}
			batch = append(batch, r)
		case <-timer:
			return batch
		}
	}
	return batch
}

// run commits a batch, falling back to one transaction per op on failure.
func (c *Committer) run(batch []*request) {
	live := batch[:0]
	for _, r := range batch {
		if err := r.ctx.Err(); err != nil {
			r.done <- err // the caller gave up before its op ran
			continue
		}
		live = append(live, r)
	}
	if len(live) == 0 {
		return
	}
	err := c.commit(live)
	if err == nil {
		c.count(len(live), false)
		for _, r := range live {
			r.done <- nil
		}
		return
	}
	if len(live) == 1 {
		live[0].done <- err
		return
	}
	c.count(0, true)
	for _, r := range live {
		err := c.commit([]*request{r})
		if err == nil {
			c.count(1, false)
		}
		r.done <- err
	}
}

func (c *Committer) commit(batch []*request) error {
	// The transaction is not bound to any caller's context: one caller
	// giving up must not roll back the others' writes.
	ctx := context.Background()
	tx, err := c.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: beginning transaction: %w", err)
	}
	for _, r := range batch {
		if err := r.op(ctx, tx); err != nil {
			tx.Rollback()
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: committing: %w", err)
	}
	return nil
}

func (c *Committer) count(ops int, retried bool) {
	c.statsMu.Lock()
	defer c.statsMu.Unlock()
	if ops > 0 {
		c.stats.Commits++
		c.stats.Ops += int64(ops)
	}
	if retried {
		c.stats.Retried++
	}
}
