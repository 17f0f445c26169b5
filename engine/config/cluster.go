package config

import (
	"strings"
	"time"
)

// Cluster defaults and limits.
const (
	DefaultLeaseTTL = 15 * time.Second
	minLeaseTTL     = time.Second
	maxLeaseTTL     = 10 * time.Minute
)

// Cluster is the top-level "cluster" section: how this node shares a
// PostgreSQL store with other nodes (see docs/deploy.md). Alone on SQLite
// the same settings apply to a cluster of one.
//
//	cluster:
//	  node_name: plexus-a     # default: the host name
//	  lease_ttl: 15s          # a dead node's queues are taken over within this
//	  renew_interval: 5s      # default: lease_ttl / 3
type Cluster struct {
	// NodeName names this node in the admin API and logs; the host name
	// when empty.
	NodeName string `yaml:"node_name"`
	// LeaseTTL is how long a delivery lease lasts without renewal: the
	// time after which another node takes over the queues of a node that
	// died. Default 15s, from 1s to 10m.
	LeaseTTL time.Duration `yaml:"lease_ttl"`
	// RenewInterval is how often a node renews its leases and heartbeats;
	// default LeaseTTL/3. It must be shorter than LeaseTTL.
	RenewInterval time.Duration `yaml:"renew_interval"`
}

// checkCluster checks the "cluster" section and fills in its defaults.
func checkCluster(cfg *Config) {
	at, ok := cfg.sections["cluster"]
	given := func(key string) bool { return ok && at.dec.given("cluster."+key) }
	c := &cfg.Cluster
	if given("node_name") && strings.TrimSpace(c.NodeName) == "" {
		at.dec.at("cluster.node_name", "must not be empty (leave it out for the host name)")
	}
	switch {
	case !given("lease_ttl"):
		c.LeaseTTL = DefaultLeaseTTL
	case c.LeaseTTL < minLeaseTTL || c.LeaseTTL > maxLeaseTTL:
		at.dec.at("cluster.lease_ttl", "must be from %s to %s", minLeaseTTL, maxLeaseTTL)
		return
	}
	switch {
	case !given("renew_interval"):
		c.RenewInterval = c.LeaseTTL / 3
	case c.RenewInterval <= 0 || c.RenewInterval >= c.LeaseTTL:
		at.dec.at("cluster.renew_interval", "must be more than 0 and shorter than lease_ttl (%s)", c.LeaseTTL)
	}
}
