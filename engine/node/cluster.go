package node

import (
	"context"
	"time"

	"github.com/plexus-health/plexus/engine/channel"
	"github.com/plexus-health/plexus/engine/cluster"
	"github.com/plexus-health/plexus/engine/config"
	"github.com/plexus-health/plexus/engine/journal"
	"github.com/plexus-health/plexus/platform/store"
)

// Cluster returns the node's membership in the nodes sharing its store:
// its leases, and whether it leads.
func (n *Node) Cluster() *cluster.Cluster { return n.cl }

// Nodes lists the nodes sharing the node's store, with their leases.
func (n *Node) Nodes(ctx context.Context) ([]cluster.NodeInfo, error) { return n.cl.Nodes(ctx) }

// Leader reports whether this node runs the singleton jobs: pruning, the
// queue-depth gauge and (through WhileLeader) alert evaluation. A node
// alone on its store leads as soon as its first lease step has run.
func (n *Node) Leader() bool { return n.cl.Leader() }

// WhileLeader runs f while this node leads, cancelling f's context when
// leadership is lost and calling f again when it is regained, until ctx
// ends. Leadership is looked at every renew interval.
func (n *Node) WhileLeader(ctx context.Context, f func(context.Context)) {
	t := time.NewTicker(n.renewEvery)
	defer t.Stop()
	var run *leaderRun
	defer func() { run.stop() }()
	for {
		switch leader := n.Leader(); {
		case leader && run == nil:
			run = startLeaderRun(ctx, f)
		case !leader && run != nil:
			run.stop()
			run = nil
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// leaderRun is one run of a job while the node leads.
type leaderRun struct {
	cancel context.CancelFunc
	done   chan struct{}
}

func startLeaderRun(ctx context.Context, f func(context.Context)) *leaderRun {
	fctx, cancel := context.WithCancel(ctx)
	r := &leaderRun{cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(r.done)
		f(fctx)
	}()
	return r
}

// stop cancels the run and waits for it; a nil run does nothing.
func (r *leaderRun) stop() {
	if r != nil {
		r.cancel()
		<-r.done
	}
}

// startCluster registers the node and starts its lease loop and, on
// PostgreSQL, its queue notification listener.
func (n *Node) startCluster(ctx context.Context, opts Options) error {
	copts := cluster.Options{
		Name: opts.Cluster.NodeName, Address: opts.Address,
		TTL: opts.Cluster.LeaseTTL, RenewInterval: opts.Cluster.RenewInterval,
		Logger: n.log, OnGain: n.wakePartition,
	}
	cl, err := cluster.New(ctx, n.db, copts)
	if err != nil {
		return err
	}
	n.cl = cl
	n.renewEvery = opts.Cluster.RenewInterval
	if n.renewEvery <= 0 {
		n.renewEvery = cl.TTL() / 3
	}
	runCtx, cancel := context.WithCancel(context.Background())
	n.clusterStop = cancel
	n.clusterDone.Add(1)
	go func() {
		defer n.clusterDone.Done()
		cl.Run(runCtx)
	}()
	if n.db.Dialect == store.Postgres {
		n.clusterDone.Add(1)
		go func() {
			defer n.clusterDone.Done()
			cluster.Listen(runCtx, opts.Store, n.log, n.wake)
		}()
	}
	return nil
}

// stopCluster stops the lease loop and the listener, then releases every
// lease, so that the other nodes take over at once. The channels must be
// stopped first.
func (n *Node) stopCluster(ctx context.Context) error {
	n.clusterStop()
	n.clusterDone.Wait()
	return n.cl.Close(ctx)
}

// idle is the empty-queue recheck of the node's lanes: short alone on
// SQLite, where only this node's own replays go unannounced; long on
// PostgreSQL, where notifications and lease gains wake the lanes.
func (n *Node) idle() time.Duration {
	if n.db.Dialect == store.Postgres {
		return 0 // channel's shared default
	}
	return time.Second
}

// partitions lists the delivery partitions of cfg's enabled channels.
func partitions(cfg *config.Config) []cluster.Partition {
	var out []cluster.Partition
	for _, ch := range cfg.Channels {
		if !ch.Enabled {
			continue
		}
		for _, d := range ch.Destinations {
			lanes := 1
			if d.Order.Mode == config.ByKey && d.Order.Lanes > 1 {
				lanes = d.Order.Lanes
			}
			for k := range lanes {
				out = append(out, cluster.Partition{Channel: ch.Name, Destination: d.Name, Lane: k})
			}
		}
	}
	return out
}

// publish makes the running channels visible to wake, which runs on the
// lease loop's and listener's goroutines and must not wait for n.mu.
func (n *Node) publish() {
	m := make(map[string]*channel.Channel, len(n.channels))
	for name, r := range n.channels {
		m[name] = r.ch
	}
	n.live.Store(&m)
}

// wakePartition pokes the lane of a partition this node just gained.
func (n *Node) wakePartition(p cluster.Partition) {
	if m := n.live.Load(); m != nil {
		if ch := (*m)[p.Channel]; ch != nil {
			ch.Poke(p.Destination, p.Lane)
		}
	}
}

// wake handles a queue notification: a partition key, or NotifyAll.
func (n *Node) wake(key string) {
	m := n.live.Load()
	if m == nil {
		return
	}
	if key == journal.NotifyAll {
		for _, ch := range *m {
			ch.PokeAll()
		}
		return
	}
	p, err := cluster.ParsePartition(key)
	if err != nil {
		return // not from this version's journal
	}
	if ch := (*m)[p.Channel]; ch != nil {
		ch.Poke(p.Destination, p.Lane)
	}
}
