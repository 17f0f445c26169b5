package config

import (
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/plexus-health/plexus/engine"
	"github.com/plexus-health/plexus/engine/filter"
	"github.com/plexus-health/plexus/engine/transform"
	"github.com/plexus-health/plexus/format/hl7v2"
	"github.com/plexus-health/plexus/platform/tlsconfig"
)

// SchemaVersion is the only value the version key accepts.
const SchemaVersion = 1

// UrgentPriority is the priority a channel's priority_rule gives the
// messages it matches.
const UrgentPriority = 10

// Priority bounds for a channel's default priority.
const (
	MinPriority = -10
	MaxPriority = UrgentPriority
)

// Defaults applied to what a configuration leaves out.
const (
	DefaultDataDir        = "./data"
	DefaultAdminListen    = "127.0.0.1:8080"
	DefaultAdminRate      = 100 // requests a second per client
	DefaultAdminBurst     = 200
	DefaultAdminMaxBody   = 32 << 20
	DefaultBatchSize      = 256
	DefaultBatchWait      = 0 // linger measured slower: batches fill while the previous commit syncs
	DefaultDedupWindow    = 10 * time.Minute
	DefaultMaxAge         = 24 * time.Hour
	DefaultInitialBackoff = time.Second
	DefaultMaxBackoff     = 5 * time.Minute
	DefaultJitter         = 0.2
	DefaultLanes          = 8
)

// Config is a validated configuration: the settings of one node and every
// channel it runs. Load returns it; nothing in it changes afterwards, so it
// may be shared between goroutines.
type Config struct {
	DataDir string // where the journal lives; "--data" overrides it
	// Store is the database: "" or "sqlite" for the embedded one in
	// DataDir, "sqlite:PATH", or "postgres://user@host/db" for a
	// PostgreSQL server that several nodes can share.
	Store   string
	Admin   Admin   // the admin API, /metrics and /healthz
	Journal Journal // group commit tuning
	// Auth, Audit and Encryption are the security settings: who may call
	// the APIs, the audit log, and the keys that encrypt stored payloads.
	Auth       Auth
	Audit      Audit
	Encryption Encryption
	// Tracing exports a trace per message over OTLP; Alerts are the rules
	// the node watches its channels and queues with.
	Tracing Tracing
	Alerts  Alerts
	// Cluster is how this node shares its store with other nodes.
	Cluster  Cluster
	Tables   map[string]map[string]string // lookup tables for transform steps
	Channels []*Channel                   // in file order, files sorted by name
	Version  Version                      // what every message records
	Files    []string                     // the files it was loaded from

	// sections records where each top-level section was defined, for
	// Diff and for errors naming both places of a duplicate.
	sections map[string]place
}

// Admin configures the admin HTTP server: the admin API, /metrics,
// /healthz and the FHIR API.
type Admin struct {
	Listen string `yaml:"listen"` // host:port; default 127.0.0.1:8080
	// TLS, when set, serves HTTPS, with mutual TLS when it names a
	// client_ca. Without it, a listen address off loopback is warned about.
	TLS *tlsconfig.Server `yaml:"tls"`
	// RateLimit bounds the requests of each client (principal or IP).
	RateLimit RateLimit `yaml:"rate_limit"`
	// MaxBody is the largest request body accepted; 0 means no limit
	// beyond the FHIR API's own. Default 32MiB.
	MaxBody Size `yaml:"max_body"`
}

// RateLimit is a per-client token bucket: PerSecond requests a second on
// average, Burst at once.
type RateLimit struct {
	PerSecond float64 `yaml:"per_second"` // 0 turns limiting off; default 100
	Burst     int     `yaml:"burst"`      // at least 1; default 200
}

// Journal tunes the journal writer's group commit: it commits up to
// BatchSize messages in one transaction, waiting at most BatchWait for a
// batch to fill.
type Journal struct {
	BatchSize int           `yaml:"batch_size"` // 1 to 65536; default 256
	BatchWait time.Duration `yaml:"batch_wait"` // at most 1s; default 0 (commit at once)
}

// Version identifies a configuration: the hash of the files' content and
// when they were loaded.
type Version struct {
	// Hash is the first 12 hex digits of a SHA-256 over the normalised
	// bytes of every file (see Load). Messages record it.
	Hash     string
	LoadedAt time.Time
}

// String returns the hash.
func (v Version) String() string { return v.Hash }

// ResponseMode says when a channel answers the sender.
type ResponseMode string

// Response modes.
const (
	// AfterCommit answers once the message is journaled (the default).
	AfterCommit ResponseMode = "after_commit"
	// AfterDelivery waits for the response destination's delivery and
	// relays its response.
	AfterDelivery ResponseMode = "after_delivery"
)

// Channel is one flow: a source, an optional filter and transform, and the
// destinations every accepted message is delivered to.
type Channel struct {
	Name                string           `yaml:"name"`
	Enabled             bool             `yaml:"enabled"`
	Source              Source           `yaml:"source"`
	Response            ResponseMode     `yaml:"response"`
	ResponseDestination string           `yaml:"response_destination"`
	Priority            int              `yaml:"priority"`
	PriorityRule        string           `yaml:"priority_rule"`
	Filter              string           `yaml:"filter"`
	Transform           []transform.Spec `yaml:"transform"`
	Dedup               Dedup            `yaml:"dedup"`
	Retention           Retention        `yaml:"retention"`
	X12                 X12              `yaml:"x12"` // see x12.go
	Destinations        []*Destination   `yaml:"destinations"`

	// Compiled forms of the fields above, set by Load.

	// Match is the compiled filter; nil when the channel has none and
	// takes every message.
	Match *filter.Filter `yaml:"-"`
	// Urgent is the compiled priority rule; nil when there is none.
	Urgent *filter.Filter `yaml:"-"`
	// Pipeline runs the channel's transform steps; nil when there are none.
	Pipeline *transform.Pipeline `yaml:"-"`

	at place // where the channel is defined
	// hash identifies the channel's YAML (aliases expanded, comments and
	// layout ignored) for Diff.
	hash string
}

// Source is a channel's source connector.
type Source struct {
	Type string // connector type, looked up in the engine.Registry
	// Options holds the other keys of the section, for the connector's
	// factory to decode.
	Options engine.Options

	node *yaml.Node // the connector's keys, for the listen address check
}

// Dedup configures duplicate suppression on (source, MSH-10).
type Dedup struct {
	// Window is how long a control ID is remembered; 0 turns suppression
	// off. Default 10m.
	Window time.Duration `yaml:"window"`
}

// Retention says how long journaled messages are kept. Content (the raw
// and transformed bytes) is pruned first, metadata later; 0 keeps forever.
type Retention struct {
	Content  time.Duration `yaml:"content"`
	Metadata time.Duration `yaml:"metadata"`
}

// Destination is one of a channel's destination connectors with its
// delivery policy.
type Destination struct {
	Name      string           `yaml:"name"`
	Type      string           `yaml:"type"`
	Transform []transform.Spec `yaml:"transform"`
	Retry     Retry            `yaml:"retry"`
	Order     Order            `yaml:"order"`
	// Options holds the other keys of the section, for the connector's
	// factory to decode.
	Options engine.Options `yaml:"-"`
	// Pipeline runs the destination's own transform steps, after the
	// channel's; nil when there are none.
	Pipeline *transform.Pipeline `yaml:"-"`
}

// Retry is a destination's retry policy. A failed delivery is tried again
// after a backoff that starts at InitialBackoff and doubles up to
// MaxBackoff, each wait varied by ±Jitter; the message is dead-lettered
// once it has had MaxAttempts attempts or is older than MaxAge, whichever
// comes first. A permanent failure dead-letters it at once.
type Retry struct {
	MaxAttempts    int           `yaml:"max_attempts"`    // 0: no limit (default)
	MaxAge         time.Duration `yaml:"max_age"`         // 0: no limit; default 24h
	InitialBackoff time.Duration `yaml:"initial_backoff"` // default 1s
	MaxBackoff     time.Duration `yaml:"max_backoff"`     // default 5m
	Jitter         float64       `yaml:"jitter"`          // 0 to 1; default 0.2
}

// OrderMode says how a destination orders its deliveries.
type OrderMode string

// Order modes.
const (
	// FIFO delivers one message at a time in arrival order (the default).
	FIFO OrderMode = "fifo"
	// ByKey delivers in arrival order per key, in parallel lanes.
	ByKey OrderMode = "key"
)

// Order is a destination's ordering policy.
type Order struct {
	Mode OrderMode `yaml:"mode"`
	// Key is the HL7 path whose value orders messages in ByKey mode, for
	// example "PID-3.1"; KeyPath is its parsed form.
	Key     string     `yaml:"key"`
	KeyPath hl7v2.Path `yaml:"-"`
	// Lanes is the number of parallel lanes in ByKey mode; default 8.
	Lanes int `yaml:"lanes"`
}

// Channel returns the channel with that name, or nil.
func (c *Config) Channel(name string) *Channel {
	for _, ch := range c.Channels {
		if ch.Name == name {
			return ch
		}
	}
	return nil
}

// Destination returns the channel's destination with that name, or nil.
func (ch *Channel) Destination(name string) *Destination {
	for _, d := range ch.Destinations {
		if d.Name == name {
			return d
		}
	}
	return nil
}

func (ch *Channel) setDefaults() {
	ch.Enabled = true
	ch.Response = AfterCommit
	ch.Dedup.Window = DefaultDedupWindow
	ch.X12.DuplicateWindow = DefaultX12DuplicateWindow
}

func (d *Destination) setDefaults() {
	d.Retry = Retry{
		MaxAge:         DefaultMaxAge,
		InitialBackoff: DefaultInitialBackoff,
		MaxBackoff:     DefaultMaxBackoff,
		Jitter:         DefaultJitter,
	}
	d.Order = Order{Mode: FIFO}
}
