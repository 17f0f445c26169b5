package cluster

import (
	"context"
	"fmt"
	"time"

	"github.com/plexus-health/plexus/platform/store"
)

// ForgetAfter is how long the row of a node that died stays listed.
const ForgetAfter = time.Hour

// NodeInfo describes a node registered in the store, for the admin API.
type NodeInfo struct {
	ID        string
	Name      string
	Address   string
	Started   time.Time
	Heartbeat time.Time
	// Alive: the heartbeat is younger than the lease TTL.
	Alive bool
	// Leader: the node holds an unexpired leader lease.
	Leader bool
	// Leases are the partitions the node holds, sorted.
	Leases []LeaseInfo
}

// LeaseInfo is one lease a node holds.
type LeaseInfo struct {
	Partition string
	Token     int64
	Expires   time.Time
}

// Nodes lists the nodes registered in db, oldest first, with their
// unexpired leases; now and ttl decide which are alive. A node that stops
// cleanly removes its row; one that died stays listed, not alive (a node
// registers under a new ID at every start), until the leader removes the
// rows of nodes dead for longer than ForgetAfter.
func Nodes(ctx context.Context, db *store.DB, now time.Time, ttl time.Duration) ([]NodeInfo, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT id, name, address, started_at, heartbeat_at FROM cluster_nodes ORDER BY started_at, id`)
	if err != nil {
		return nil, fmt.Errorf("cluster: listing nodes: %w", err)
	}
	var out []NodeInfo
	byID := map[string]int{}
	for rows.Next() {
		var n NodeInfo
		var started, beat int64
		if err := rows.Scan(&n.ID, &n.Name, &n.Address, &started, &beat); err != nil {
			rows.Close()
			return nil, fmt.Errorf("cluster: listing nodes: %w", err)
		}
		n.Started, n.Heartbeat = time.UnixMicro(started), time.UnixMicro(beat)
		n.Alive = now.Sub(n.Heartbeat) < ttl
		byID[n.ID] = len(out)
		out = append(out, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("cluster: listing nodes: %w", err)
	}
	rows, err = db.R.QueryContext(ctx, `SELECT partition, holder, token, expires_at FROM cluster_leases WHERE holder <> '' ORDER BY partition`)
	if err != nil {
		return nil, fmt.Errorf("cluster: listing leases: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var l LeaseInfo
		var holder string
		var exp int64
		if err := rows.Scan(&l.Partition, &holder, &l.Token, &exp); err != nil {
			return nil, fmt.Errorf("cluster: listing leases: %w", err)
		}
		l.Expires = time.UnixMicro(exp)
		i, ok := byID[holder]
		if !ok || !now.Before(l.Expires) {
			continue // the holder left, or the lease expired
		}
		if l.Partition == LeaderKey {
			out[i].Leader = true
			continue
		}
		out[i].Leases = append(out[i].Leases, l)
	}
	return out, rows.Err()
}

// Nodes lists the nodes sharing this node's store (see the function Nodes).
func (c *Cluster) Nodes(ctx context.Context) ([]NodeInfo, error) {
	return Nodes(ctx, c.db, c.opts.Now(), c.opts.TTL)
}
