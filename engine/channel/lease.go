package channel

import (
	"time"

	"github.com/plexus-health/plexus/engine/journal"
)

// Leases says which delivery lanes this node may drain when several nodes
// share one store (engine/cluster implements it). A lane delivers only
// while Lease answers ok, checks it again before every attempt, and
// records each outcome under the fence it returned, so a node that lost a
// lane's lease neither delivers nor records for it any more.
type Leases interface {
	// Lease returns the fence of the lane's partition while this node
	// holds its lease.
	Lease(channel, destination string, lane int) (journal.Fence, bool)
}

// Idle rechecks of an empty queue. Alone on its store, a node is poked by
// its own sources; the recheck finds what they did not announce (a replay
// through the API, a restart). Sharing a store, a node is also woken by
// the other nodes' notifications and by each lease it gains, so the
// recheck is only a safety net and can be long.
const (
	idleAlone  = time.Second
	idleShared = 15 * time.Second
)

// SetLeases makes the channel's lanes drain only the partitions leases
// grants, with idle as the recheck of an empty queue (idleShared when
// zero). Call it before Start.
func (c *Channel) SetLeases(leases Leases, idle time.Duration) {
	if idle <= 0 {
		idle = idleShared
	}
	c.ctlMu.Lock()
	defer c.ctlMu.Unlock()
	for _, ls := range c.lanes {
		for _, l := range ls {
			l.leases, l.idle = leases, idle
		}
	}
}

// Poke wakes one lane of a destination, as when a message was queued for
// it: another node queued one, or this node just gained the lane's lease.
// Unknown destinations and lanes are ignored.
func (c *Channel) Poke(destination string, lane int) {
	ls := c.lanes[destination]
	if lane >= 0 && lane < len(ls) {
		ls[lane].poke(false)
	}
}

// PokeAll wakes every lane of the channel.
func (c *Channel) PokeAll() {
	for _, ls := range c.lanes {
		for _, l := range ls {
			l.poke(false)
		}
	}
}

// lease returns the fence the lane records under, and whether it may
// deliver at all. Without Leases the node holds every lane.
func (l *lane) lease() (journal.Fence, bool) {
	if l.leases == nil {
		return journal.Fence{}, true
	}
	return l.leases.Lease(l.c.spec.Name, l.dest.Name, l.n)
}
