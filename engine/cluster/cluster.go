// Package cluster lets several Plexus nodes share one store safely.
//
// Each node registers itself in cluster_nodes and heartbeats. The delivery
// queues are cut into partitions, one per (channel, destination, lane), and
// a node drains only the partitions it holds a lease on. A lease row
// (cluster_leases) names its holder, a fencing token that grows by one
// each time the holder changes, and an expiry. Every renew interval a node
// renews what it holds, releases what exceeds its fair share (ceil of
// partitions over live nodes, so that a node that joins gets work) and
// claims free or expired partitions up to that share, so the partitions of
// a node that died are taken over within one lease TTL plus one renew
// interval. A node whose renew fails gives up every lease at once: it can
// no longer prove them. One more lease, "leader", picks the node that runs
// the singleton jobs (pruning, queue counting, alert evaluation).
//
// # Lease fencing
//
// A lease can be lost while its holder still works: a node paused by the
// garbage collector or cut off from the database finds, when it wakes, that
// another node took its partitions. Two things stop it from doing harm.
// Before each delivery attempt the lane asks Lease, which answers only
// within the TTL of the last successful renew (measured from when that
// renew was sent, less a margin), so a node that could not renew stops by
// itself before another node may claim its partitions. And the
// outcome of an attempt is recorded (journal.RecordFenced) only if the
// lease row still carries the holder and token the lane drained under, in
// the same transaction, which on PostgreSQL locks the row against a
// concurrent claim. What fencing cannot undo is an attempt already on the
// wire when the lease passed: the next holder finds the delivery still
// pending and sends it again. Delivery is at least once (destinations
// should be idempotent, for example by control ID); the journal records
// each delivery's outcome exactly once.
//
// Times in the tables are each node's own clock: the nodes' clocks must
// agree to well within the TTL (NTP does this).
package cluster

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/plexus-health/plexus/engine/journal"
	"github.com/plexus-health/plexus/platform/store"
)

// Defaults of Options.
const (
	DefaultLeaseTTL = 15 * time.Second
)

// LeaderKey is the lease row of the leader. It holds no "/" and so never
// names a partition.
const LeaderKey = "leader"

// Partition is one delivery lane of one destination of one channel: the
// unit a node leases and drains in order.
type Partition struct {
	Channel     string
	Destination string
	Lane        int
}

// Key is the partition's lease row key, "channel/destination/lane".
func (p Partition) Key() string {
	return p.Channel + "/" + p.Destination + "/" + strconv.Itoa(p.Lane)
}

// ParsePartition reads a key made by Partition.Key.
func ParsePartition(key string) (Partition, error) {
	i := strings.LastIndexByte(key, '/')
	if i < 0 {
		return Partition{}, fmt.Errorf("cluster: partition %q is not channel/destination/lane", key)
	}
	j := strings.IndexByte(key[:i], '/')
	if j <= 0 || j == i-1 {
		return Partition{}, fmt.Errorf("cluster: partition %q is not channel/destination/lane", key)
	}
	lane, err := strconv.Atoi(key[i+1:])
	if err != nil || lane < 0 {
		return Partition{}, fmt.Errorf("cluster: partition %q has no lane number", key)
	}
	return Partition{Channel: key[:j], Destination: key[j+1 : i], Lane: lane}, nil
}

// Options configure a node's membership.
type Options struct {
	// Name is shown in the admin API; the host name when empty.
	Name string
	// Address is where the node's admin API listens, for operators.
	Address string
	// TTL is how long a lease lasts without renewal: the longest a dead
	// node's partitions wait for another node. DefaultLeaseTTL when zero.
	TTL time.Duration
	// RenewInterval is how often leases are renewed and the heartbeat
	// written; TTL/3 when zero. It must be shorter than TTL.
	RenewInterval time.Duration
	// OnGain is called for each partition the node gains, after the
	// lease is committed, so that its lane starts at once. It must not
	// block.
	OnGain func(Partition)
	// Logger receives lease changes and failures; slog.Default() when nil.
	Logger *slog.Logger
	// Now is the clock; time.Now when nil. For tests.
	Now func() time.Time
}

// lease is a lease this node holds.
type lease struct {
	token int64
	until time.Time // local validity: when the last renew was sent + TTL, less a margin
}

// Cluster is this node's membership: its registration, its leases and its
// leadership. Its methods may be called concurrently.
type Cluster struct {
	db   *store.DB
	id   string
	opts Options
	log  *slog.Logger
	kick chan struct{}

	// step serialises Step and Close.
	step sync.Mutex

	mu       sync.Mutex
	wanted   map[string]Partition // by key
	declared bool                 // the wanted rows exist in cluster_leases
	held     map[string]lease     // partitions, by key
	leader   lease                // token 0: not the leader
	closed   bool
	started  time.Time
}

// New registers this node in db's cluster_nodes. Call Run (or Step) to
// take leases and Close to leave.
func New(ctx context.Context, db *store.DB, opts Options) (*Cluster, error) {
	if opts.TTL <= 0 {
		opts.TTL = DefaultLeaseTTL
	}
	if opts.RenewInterval <= 0 {
		opts.RenewInterval = opts.TTL / 3
	}
	if opts.RenewInterval >= opts.TTL {
		return nil, fmt.Errorf("cluster: the renew interval %s must be shorter than the lease TTL %s", opts.RenewInterval, opts.TTL)
	}
	if opts.Name == "" {
		opts.Name, _ = os.Hostname()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	b := make([]byte, 8)
	rand.Read(b)
	c := &Cluster{
		db: db, id: hex.EncodeToString(b), opts: opts, log: opts.Logger.With("node", opts.Name),
		kick: make(chan struct{}, 1), wanted: map[string]Partition{}, held: map[string]lease{},
	}
	c.started = opts.Now()
	now := c.started.UnixMicro()
	if _, err := db.W.ExecContext(ctx, `INSERT INTO cluster_nodes (id, name, address, started_at, heartbeat_at) VALUES (?, ?, ?, ?, ?)`,
		c.id, opts.Name, opts.Address, now, now); err != nil {
		return nil, fmt.Errorf("cluster: registering node: %w", err)
	}
	if _, err := db.W.ExecContext(ctx, `INSERT INTO cluster_leases (partition) VALUES (?) ON CONFLICT (partition) DO NOTHING`, LeaderKey); err != nil {
		return nil, fmt.Errorf("cluster: declaring the leader lease: %w", err)
	}
	return c, nil
}

// ID returns the node's ID, new at every start.
func (c *Cluster) ID() string { return c.id }

// Name returns the node's name.
func (c *Cluster) Name() string { return c.opts.Name }

// TTL returns the lease TTL.
func (c *Cluster) TTL() time.Duration { return c.opts.TTL }

// SetPartitions declares the partitions of the running configuration.
// Leases of partitions no longer in it are released at the next step,
// which it asks for at once.
func (c *Cluster) SetPartitions(ps []Partition) {
	c.mu.Lock()
	c.wanted = make(map[string]Partition, len(ps))
	for _, p := range ps {
		c.wanted[p.Key()] = p
	}
	c.declared = false
	c.mu.Unlock()
	c.Kick()
}

// Kick asks Run for a step now rather than at the next interval.
func (c *Cluster) Kick() {
	select {
	case c.kick <- struct{}{}:
	default:
	}
}

// Lease returns the fence to record a partition's outcomes under, while
// this node holds its lease: ok is false once the lease is released, lost,
// or has gone a TTL without a successful renew.
func (c *Cluster) Lease(channel, destination string, lane int) (journal.Fence, bool) {
	key := Partition{channel, destination, lane}.Key()
	c.mu.Lock()
	defer c.mu.Unlock()
	l, ok := c.held[key]
	if !ok || !c.opts.Now().Before(l.until) {
		return journal.Fence{}, false
	}
	return journal.Fence{Partition: key, Holder: c.id, Token: l.token}, true
}

// Leader reports whether this node holds a live leader lease.
func (c *Cluster) Leader() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.leader.token != 0 && c.opts.Now().Before(c.leader.until)
}

// Held returns the keys of the partitions this node holds, sorted.
func (c *Cluster) Held() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	keys := make([]string, 0, len(c.held))
	for k := range c.held {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Run steps every renew interval, or sooner when kicked, until ctx ends.
func (c *Cluster) Run(ctx context.Context) {
	t := time.NewTicker(c.opts.RenewInterval)
	defer t.Stop()
	for {
		if err := c.Step(ctx); err != nil && ctx.Err() == nil {
			c.log.Error("cluster step", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-c.kick:
		}
	}
}

// ErrClosed is returned by Step after Close.
var ErrClosed = errors.New("cluster: closed")

// Step does one round: heartbeat, renew, release what exceeds the fair
// share or is no longer configured, claim free or expired partitions up to
// the share, and contend for leadership. A failed heartbeat or renew gives
// up every lease this node holds.
func (c *Cluster) Step(ctx context.Context) error {
	c.step.Lock()
	defer c.step.Unlock()
	c.mu.Lock()
	closed := c.closed
	c.mu.Unlock()
	if closed {
		return ErrClosed
	}
	sent := c.opts.Now()
	// The row expires a TTL after the renew was sent; this node stops
	// trusting it a margin earlier, for clock skew and the time the renew
	// took. The margin leaves the lease valid past the next renew.
	expires := sent.Add(c.opts.TTL)
	until := expires.Add(-(c.opts.TTL - c.opts.RenewInterval) / 4)
	if err := c.heartbeat(ctx, sent); err != nil {
		c.giveUp("heartbeat failed")
		return err
	}
	renewed, err := c.renew(ctx, expires)
	if err != nil {
		c.giveUp("renew failed")
		return err
	}
	if err := c.declare(ctx); err != nil {
		return err
	}
	live, err := c.liveNodes(ctx, sent)
	if err != nil {
		return err
	}

	// What survived the renew; what to release.
	c.mu.Lock()
	var lost, release []string
	for key, l := range c.held {
		if tok, ok := renewed[key]; ok && tok == l.token {
			if _, ok := c.wanted[key]; !ok {
				delete(c.held, key) // no longer configured: released below
				continue
			}
			c.held[key] = lease{token: l.token, until: until}
			continue
		}
		lost = append(lost, key)
		delete(c.held, key)
	}
	if tok, ok := renewed[LeaderKey]; ok && tok == c.leader.token && c.leader.token != 0 {
		c.leader.until = until
	} else {
		if c.leader.token != 0 {
			lost = append(lost, LeaderKey)
		}
		c.leader = lease{}
	}
	for key, tok := range renewed {
		if _, ok := c.held[key]; ok || key == LeaderKey && c.leader.token == tok {
			continue
		}
		// Held in the table but not here (a lease dropped locally when a
		// renew failed, or a partition no longer configured): free it.
		release = append(release, key)
	}
	share := (len(c.wanted) + live - 1) / live
	var keys []string
	for key := range c.held {
		keys = append(keys, key)
	}
	slices.Sort(keys)
	for len(keys) > share {
		// Over the fair share (a node joined): stop draining now, but
		// keep the row until the next step, which releases it as held
		// in the table but not here. An attempt in flight meanwhile
		// finishes and records under the lease instead of being fenced
		// off and sent again by the next holder.
		key := keys[len(keys)-1]
		keys = keys[:len(keys)-1]
		delete(c.held, key)
	}
	need := share - len(c.held)
	wanted := c.wanted
	isLeader := c.leader.token != 0
	c.mu.Unlock()
	for _, key := range lost {
		c.log.Warn("lease lost", "partition", key)
	}
	for _, key := range release {
		if err := c.release(ctx, key, renewed[key]); err != nil {
			return err
		}
	}

	var gained []Partition
	if need > 0 {
		free, err := c.free(ctx, sent)
		if err != nil {
			return err
		}
		// Start at an offset of this node's own, so that nodes claiming
		// at the same time mostly try different rows.
		off := 0
		if len(free) > 0 {
			off = int(hashID(c.id) % uint32(len(free)))
		}
		for i := 0; i < len(free) && need > 0; i++ {
			key := free[(i+off)%len(free)]
			p, ok := wanted[key]
			if !ok {
				continue
			}
			tok, ok, err := c.claim(ctx, key, sent, expires)
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
			c.mu.Lock()
			if c.closed {
				c.mu.Unlock()
				break
			}
			c.held[key] = lease{token: tok, until: until}
			c.mu.Unlock()
			gained = append(gained, p)
			need--
		}
	}
	if !isLeader {
		tok, ok, err := c.claim(ctx, LeaderKey, sent, expires)
		if err != nil {
			return err
		}
		if ok {
			c.mu.Lock()
			c.leader = lease{token: tok, until: until}
			c.mu.Unlock()
			c.log.Info("became leader", "token", tok)
		}
	}
	if c.Leader() {
		if _, err := c.db.W.ExecContext(ctx, `DELETE FROM cluster_nodes WHERE heartbeat_at < ?`,
			sent.Add(-ForgetAfter).UnixMicro()); err != nil {
			return fmt.Errorf("cluster: forgetting dead nodes: %w", err)
		}
	}
	for _, p := range gained {
		c.log.Info("lease taken", "partition", p.Key())
		if c.opts.OnGain != nil {
			c.opts.OnGain(p)
		}
	}
	return nil
}

// giveUp drops every lease locally: they can no longer be proven.
func (c *Cluster) giveUp(why string) {
	c.mu.Lock()
	n := len(c.held)
	c.held = map[string]lease{}
	wasLeader := c.leader.token != 0
	c.leader = lease{}
	c.mu.Unlock()
	if n > 0 || wasLeader {
		c.log.Warn("giving up every lease", "reason", why, "partitions", n, "leader", wasLeader)
	}
}

func (c *Cluster) heartbeat(ctx context.Context, now time.Time) error {
	res, err := c.db.W.ExecContext(ctx, `UPDATE cluster_nodes SET heartbeat_at = ? WHERE id = ?`, now.UnixMicro(), c.id)
	if err != nil {
		return fmt.Errorf("cluster: heartbeat: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		// Removed (by an operator, or a clean-up): register again.
		if _, err := c.db.W.ExecContext(ctx, `INSERT INTO cluster_nodes (id, name, address, started_at, heartbeat_at) VALUES (?, ?, ?, ?, ?)`,
			c.id, c.opts.Name, c.opts.Address, c.started.UnixMicro(), now.UnixMicro()); err != nil {
			return fmt.Errorf("cluster: registering node: %w", err)
		}
	}
	return nil
}

// renew extends every lease the table says this node holds and returns
// them with their tokens.
func (c *Cluster) renew(ctx context.Context, until time.Time) (map[string]int64, error) {
	rows, err := c.db.W.QueryContext(ctx, `UPDATE cluster_leases SET expires_at = ? WHERE holder = ? RETURNING partition, token`,
		until.UnixMicro(), c.id)
	if err != nil {
		return nil, fmt.Errorf("cluster: renewing leases: %w", err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var key string
		var tok int64
		if err := rows.Scan(&key, &tok); err != nil {
			return nil, fmt.Errorf("cluster: renewing leases: %w", err)
		}
		out[key] = tok
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("cluster: renewing leases: %w", err)
	}
	return out, nil
}

// declare makes sure every configured partition has its lease row.
func (c *Cluster) declare(ctx context.Context) error {
	c.mu.Lock()
	if c.declared {
		c.mu.Unlock()
		return nil
	}
	keys := make([]string, 0, len(c.wanted))
	for k := range c.wanted {
		keys = append(keys, k)
	}
	c.mu.Unlock()
	slices.Sort(keys)
	for _, k := range keys {
		if _, err := c.db.W.ExecContext(ctx, `INSERT INTO cluster_leases (partition) VALUES (?) ON CONFLICT (partition) DO NOTHING`, k); err != nil {
			return fmt.Errorf("cluster: declaring partition %s: %w", k, err)
		}
	}
	c.mu.Lock()
	c.declared = true
	c.mu.Unlock()
	return nil
}

// liveNodes counts the nodes whose heartbeat is younger than the TTL; at
// least 1 (this one).
func (c *Cluster) liveNodes(ctx context.Context, now time.Time) (int, error) {
	var n int
	if err := c.db.W.QueryRowContext(ctx, `SELECT count(*) FROM cluster_nodes WHERE heartbeat_at > ?`,
		now.Add(-c.opts.TTL).UnixMicro()).Scan(&n); err != nil {
		return 0, fmt.Errorf("cluster: counting nodes: %w", err)
	}
	return max(n, 1), nil
}

// free lists the partitions that are free or whose lease expired, sorted.
func (c *Cluster) free(ctx context.Context, now time.Time) ([]string, error) {
	rows, err := c.db.W.QueryContext(ctx, `SELECT partition FROM cluster_leases WHERE (holder = '' OR expires_at < ?) AND partition <> ?
		ORDER BY partition`, now.UnixMicro(), LeaderKey)
	if err != nil {
		return nil, fmt.Errorf("cluster: reading leases: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, fmt.Errorf("cluster: reading leases: %w", err)
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// claim takes a lease if it is free or expired, with a new token. Two
// nodes claiming at once: the conditional update lets one win.
func (c *Cluster) claim(ctx context.Context, key string, now, until time.Time) (int64, bool, error) {
	var tok int64
	err := c.db.W.QueryRowContext(ctx, `UPDATE cluster_leases SET holder = ?, token = token + 1, expires_at = ?
		WHERE partition = ? AND (holder = '' OR expires_at < ?) RETURNING token`,
		c.id, until.UnixMicro(), key, now.UnixMicro()).Scan(&tok)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("cluster: claiming %s: %w", key, err)
	}
	return tok, true, nil
}

// release frees a lease this node holds with token tok.
func (c *Cluster) release(ctx context.Context, key string, tok int64) error {
	if _, err := c.db.W.ExecContext(ctx, `UPDATE cluster_leases SET holder = '', expires_at = 0 WHERE partition = ? AND holder = ? AND token = ?`,
		key, c.id, tok); err != nil {
		return fmt.Errorf("cluster: releasing %s: %w", key, err)
	}
	c.log.Info("lease released", "partition", key)
	return nil
}

// Close releases every lease and removes the node's registration, so that
// other nodes take its partitions at their next step instead of after the
// TTL. Call it after the lanes have stopped: an outcome recorded later is
// refused.
func (c *Cluster) Close(ctx context.Context) error {
	c.step.Lock()
	defer c.step.Unlock()
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	c.held = map[string]lease{}
	c.leader = lease{}
	c.mu.Unlock()
	_, err1 := c.db.W.ExecContext(ctx, `UPDATE cluster_leases SET holder = '', expires_at = 0 WHERE holder = ?`, c.id)
	_, err2 := c.db.W.ExecContext(ctx, `DELETE FROM cluster_nodes WHERE id = ?`, c.id)
	if err := errors.Join(err1, err2); err != nil {
		return fmt.Errorf("cluster: leaving: %w", err)
	}
	return nil
}

// hashID spreads node IDs over claim offsets (FNV-1a).
func hashID(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= 16777619
	}
	return h
}
