// Package node is one running Plexus: the store, the journal, and the
// channels of the current configuration. Apply replaces the configuration
// atomically: every channel of the new one is built before any running
// channel is touched, and if a new channel cannot start, the channels that
// were running before are restored, so a bad configuration never leaves the
// node half-changed.
package node

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/plexus-health/plexus/engine"
	"github.com/plexus-health/plexus/engine/channel"
	"github.com/plexus-health/plexus/engine/cluster"
	"github.com/plexus-health/plexus/engine/config"
	"github.com/plexus-health/plexus/engine/journal"
	"github.com/plexus-health/plexus/platform/store"
)

// Options configure a node.
type Options struct {
	DataDir     string
	Store       string // "" for SQLite in DataDir
	Synchronous string // SQLite synchronous pragma, default FULL
	Journal     journal.Options
	Registry    *engine.Registry
	Logger      *slog.Logger
	// Prometheus receives the node's metrics; a new registry when nil.
	Prometheus *prometheus.Registry
	// Tracing makes the trace of each message (platform/telemetry builds
	// it from the configuration's tracing section); the caller shuts it
	// down after Close. When nil the node makes trace IDs for its
	// messages and logs but exports no span.
	Tracing trace.TracerProvider
	// Cluster is how the node shares its store with other nodes (leases
	// of the delivery queues, leadership); Address is where its admin API
	// listens, shown to the other nodes' operators.
	Cluster config.Cluster
	Address string
}

// Node runs the channels of one configuration at a time.
type Node struct {
	db       *store.DB
	j        *journal.Journal
	reg      *engine.Registry
	log      *slog.Logger
	prom     *prometheus.Registry
	metrics  *channel.Metrics
	dataDir  string
	started  time.Time
	mu       sync.Mutex // serialises Apply and Close
	cfg      *config.Config
	channels map[string]*running
	history  []Applied
	// states holds the state an operator put each channel in, as stored
	// in the journal; a channel that is not in it runs.
	states map[string]channel.State

	tracer trace.Tracer
	ownTP  *sdktrace.TracerProvider // the provider made when Options.Tracing is nil

	pruneStop chan struct{}
	pruneDone chan struct{}

	// The node's membership of the nodes sharing its store (cluster.go).
	cl          *cluster.Cluster
	renewEvery  time.Duration
	clusterStop context.CancelFunc
	clusterDone sync.WaitGroup
	// live is the running channels by name, for the lease loop and the
	// notification listener, which must not wait for mu.
	live atomic.Pointer[map[string]*channel.Channel]
}

// running is a started channel with the configuration it was built from.
type running struct {
	ch   *channel.Channel
	spec *config.Channel
}

// Applied records one configuration the node ran.
type Applied struct {
	Version   string
	AppliedAt time.Time
	Changes   string
}

// Open opens the store and journal. No channel runs until Apply.
func Open(ctx context.Context, opts Options) (*Node, error) {
	if opts.Registry == nil {
		return nil, errors.New("node: no connector registry")
	}
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	db, err := store.Open(ctx, opts.Store, opts.DataDir, store.Options{Synchronous: opts.Synchronous})
	if err != nil {
		return nil, err
	}
	prom := opts.Prometheus
	if prom == nil {
		prom = prometheus.NewRegistry()
	}
	n := &Node{
		db: db, j: journal.Open(db, opts.Journal), reg: opts.Registry, log: log, prom: prom,
		metrics: channel.NewMetrics(prom), dataDir: opts.DataDir, started: time.Now(),
		channels:  map[string]*running{},
		states:    map[string]channel.State{},
		pruneStop: make(chan struct{}), pruneDone: make(chan struct{}),
	}
	tp := opts.Tracing
	if tp == nil {
		// No exporter: spans are not recorded, IDs are made.
		n.ownTP = sdktrace.NewTracerProvider(sdktrace.WithSampler(sdktrace.NeverSample()))
		tp = n.ownTP
	}
	n.tracer = tp.Tracer(channel.TracerName)
	states, err := n.j.ChannelStates(ctx)
	if err != nil {
		n.j.Close()
		db.Close()
		return nil, fmt.Errorf("node: %w", err)
	}
	for name, st := range states {
		switch channel.State(st) {
		case channel.Paused, channel.Stopped:
			n.states[name] = channel.State(st)
		default:
			// Not written by this version: stop the channel rather than
			// guess, and say so.
			log.Warn("unknown stored channel state; the channel starts stopped", "channel", name, "state", st)
			n.states[name] = channel.Stopped
		}
	}
	if err := n.startCluster(ctx, opts); err != nil {
		n.j.Close()
		db.Close()
		return nil, fmt.Errorf("node: %w", err)
	}
	go n.pruneLoop()
	return n, nil
}

// Journal returns the node's journal.
func (n *Node) Journal() *journal.Journal { return n.j }

// Store returns the node's database, shared by the journal and the FHIR
// repository.
func (n *Node) Store() *store.DB { return n.db }

// Prometheus returns the registry holding the node's metrics.
func (n *Node) Prometheus() *prometheus.Registry { return n.prom }

// Config returns the configuration running now (nil before Apply).
func (n *Node) Config() *config.Config {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.cfg
}

// History returns the configurations applied since the node started,
// oldest first.
func (n *Node) History() []Applied {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]Applied(nil), n.history...)
}

// ChannelInfo describes a channel of the running configuration.
type ChannelInfo struct {
	Name          string
	Source        string
	Destinations  []string
	ConfigVersion string
	// State is "running", "paused" or "stopped" (see Control).
	State string
}

// Channels lists the running channels by name.
func (n *Node) Channels() []ChannelInfo {
	n.mu.Lock()
	defer n.mu.Unlock()
	var out []ChannelInfo
	for name, r := range n.channels {
		info := ChannelInfo{Name: name, Source: r.spec.Source.Type, ConfigVersion: r.ch.Spec().ConfigVersion, State: string(r.ch.State())}
		for _, d := range r.spec.Destinations {
			info.Destinations = append(info.Destinations, d.Name)
		}
		out = append(out, info)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Apply runs cfg: channels that are new or changed are built and started,
// removed or changed ones stopped. Unchanged channels keep running (and
// keep recording the version they started with until they change).
func (n *Node) Apply(ctx context.Context, cfg *config.Config) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	changes := config.Diff(n.cfg, cfg)
	// Build every new or changed channel first: nothing has been touched
	// if one fails.
	build := map[string]*running{}
	for _, spec := range cfg.Channels {
		if !spec.Enabled {
			continue
		}
		// Lookup tables are not tied to channels: when one changes, every
		// channel is rebuilt.
		if _, ok := n.channels[spec.Name]; ok && !slices.Contains(changes.Changed, spec.Name) && len(changes.Tables) == 0 {
			continue
		}
		ch, err := n.build(spec, cfg.Version.Hash)
		if err != nil {
			return fmt.Errorf("node: channel %s: %w", spec.Name, err)
		}
		build[spec.Name] = &running{ch: ch, spec: spec}
	}
	// Stop what goes away or is replaced.
	stopped := map[string]*running{}
	for name, r := range n.channels {
		spec := cfg.Channel(name)
		if spec == nil || !spec.Enabled || build[name] != nil {
			if err := r.ch.Stop(ctx); err != nil {
				n.log.Warn("stopping channel", "channel", name, "err", err)
			}
			stopped[name] = r
			delete(n.channels, name)
		}
	}
	// Start the new ones; on failure undo everything.
	var startedNow []string
	for name, r := range build {
		if err := r.ch.Start(ctx); err != nil {
			for _, s := range startedNow {
				n.channels[s].ch.Stop(ctx)
				delete(n.channels, s)
			}
			for name, old := range stopped {
				restarted, rerr := n.build(old.spec, old.ch.Spec().ConfigVersion)
				if rerr == nil {
					rerr = restarted.Start(ctx)
				}
				if rerr != nil {
					n.log.Error("restoring channel after a failed reload", "channel", name, "err", rerr)
					continue
				}
				n.channels[name] = &running{ch: restarted, spec: old.spec}
			}
			return fmt.Errorf("node: starting channel %s: %w", name, err)
		}
		n.channels[name] = r
		startedNow = append(startedNow, name)
	}
	n.publish()
	n.cl.SetPartitions(partitions(cfg))
	n.cfg = cfg
	n.history = append(n.history, Applied{Version: cfg.Version.Hash, AppliedAt: time.Now(), Changes: changes.String()})
	n.log.Info("configuration applied", "version", cfg.Version.Hash, "changes", changes.String())
	return nil
}

// build turns a channel's configuration into a channel ready to start.
func (n *Node) build(spec *config.Channel, version string) (*channel.Channel, error) {
	// Connectors add the channel and their own name to the logger.
	env := engine.Env{Channel: spec.Name, DataDir: n.dataDir, Logger: n.log}
	sf, err := n.reg.Source(spec.Source.Type)
	if err != nil {
		return nil, err
	}
	src, err := sf(env, spec.Source.Options)
	if err != nil {
		return nil, fmt.Errorf("source: %w", err)
	}
	s := channel.Spec{
		Name: spec.Name, ConfigVersion: version, Source: src, Priority: spec.Priority,
		Response: channel.Response(spec.Response), ResponseDestination: spec.ResponseDestination,
		DedupWindow: spec.Dedup.Window, RetainContent: spec.Retention.Content, RetainMetadata: spec.Retention.Metadata,
		Tracer: n.tracer, State: n.states[spec.Name],
		// Sources do not restart: a resumed channel gets a new one, built
		// from the same configuration.
		NewSource: func() (engine.Source, error) { return sf(env, spec.Source.Options) },
	}
	// X12 interchanges: the channel's acknowledgment mode and partners,
	// and control numbers kept in the store (across restarts and nodes).
	s.X12 = &channel.X12{Ack: channel.X12Ack(spec.X12.Ack), Partners: spec.X12.TradingPartners(),
		DuplicateWindow: spec.X12.DuplicateWindow, Split: channel.X12Split(spec.X12.Split),
		SyntaxOnly: spec.X12.SyntaxOnly(), Control: channel.NewX12Store(n.db)}
	if spec.Match != nil {
		s.Filter = spec.Match
	}
	if spec.Urgent != nil {
		s.PriorityRule = spec.Urgent
	}
	for _, d := range spec.Destinations {
		df, err := n.reg.Destination(d.Type)
		if err != nil {
			return nil, err
		}
		denv := env
		denv.Name = d.Name
		dest, err := df(denv, d.Options)
		if err != nil {
			return nil, fmt.Errorf("destination %s: %w", d.Name, err)
		}
		cd := channel.Destination{
			Name: d.Name, Dest: dest, Transform: transformFor(spec, d),
			Retry: channel.Retry{MaxAttempts: d.Retry.MaxAttempts, MaxAge: d.Retry.MaxAge, InitialBackoff: d.Retry.InitialBackoff,
				MaxBackoff: d.Retry.MaxBackoff, Jitter: d.Retry.Jitter},
		}
		if d.Retry.Jitter == 0 {
			cd.Retry.Jitter = -1 // configured as no jitter
		}
		if d.Order.Mode == config.ByKey {
			key := d.Order.KeyPath
			cd.OrderKey, cd.Lanes = &key, d.Order.Lanes
		}
		s.Destinations = append(s.Destinations, cd)
	}
	ch := channel.New(s, n.j, n.metrics, n.log)
	ch.SetLeases(n.cl, n.idle())
	return ch, nil
}

// Close stops every channel, then the journal and the store.
func (n *Node) Close(ctx context.Context) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	var errs []error
	for name, r := range n.channels {
		if err := r.ch.Stop(ctx); err != nil {
			errs = append(errs, fmt.Errorf("stopping %s: %w", name, err))
		}
		delete(n.channels, name)
	}
	n.publish()
	close(n.pruneStop)
	<-n.pruneDone
	// After the lanes: their last outcomes are recorded under their leases.
	if err := n.stopCluster(ctx); err != nil {
		errs = append(errs, err)
	}
	n.j.Close()
	errs = append(errs, n.db.Close())
	if n.ownTP != nil {
		errs = append(errs, n.ownTP.Shutdown(ctx))
	}
	return errors.Join(errs...)
}

// pruneLoop applies each channel's retention every few minutes, and
// counts the queues for the queue-depth gauge every few seconds, on the
// leader only: the nodes sharing a store would do the same work.
func (n *Node) pruneLoop() {
	defer close(n.pruneDone)
	prune := time.NewTicker(5 * time.Minute)
	defer prune.Stop()
	count := time.NewTicker(5 * time.Second)
	defer count.Stop()
	for {
		select {
		case <-n.pruneStop:
			return
		case <-prune.C:
			if n.Leader() {
				n.Prune(context.Background())
			}
		case <-count.C:
			if n.Leader() {
				n.countQueues(context.Background())
			} else {
				// The leader's gauge is the one to read; this node's
				// would go stale.
				n.metrics.Queued.Reset()
			}
		}
	}
}

// countQueues sets the queue-depth gauge of every configured destination.
func (n *Node) countQueues(ctx context.Context) {
	qs, err := n.j.Queues(ctx)
	if err != nil {
		n.log.Warn("counting queues", "err", err)
		return
	}
	depth := map[[2]string]int64{}
	for _, q := range qs {
		depth[[2]string{q.Channel, q.Destination}] = q.Pending
	}
	if cfg := n.Config(); cfg != nil {
		for _, ch := range cfg.Channels {
			for _, d := range ch.Destinations {
				n.metrics.Queued.WithLabelValues(ch.Name, d.Name).Set(float64(depth[[2]string{ch.Name, d.Name}]))
			}
		}
	}
}

// Prune deletes content and metadata past each channel's retention.
func (n *Node) Prune(ctx context.Context) {
	cfg := n.Config()
	if cfg == nil {
		return
	}
	now := time.Now()
	for _, ch := range cfg.Channels {
		var contentBefore, metaBefore time.Time
		if ch.Retention.Content > 0 {
			contentBefore = now.Add(-ch.Retention.Content)
		}
		if ch.Retention.Metadata > 0 {
			metaBefore = now.Add(-ch.Retention.Metadata)
		}
		if contentBefore.IsZero() && metaBefore.IsZero() {
			continue
		}
		c, m, err := n.j.Prune(ctx, ch.Name, contentBefore, metaBefore, 500)
		if err != nil {
			n.log.Error("pruning", "channel", ch.Name, "err", err)
			continue
		}
		if c+m > 0 {
			n.log.Info("pruned", "channel", ch.Name, "contents", c, "messages", m)
		}
	}
}
