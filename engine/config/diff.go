package config

import (
	"maps"
	"reflect"
	"slices"
	"strings"
)

// Changes is what differs between two configurations, by name.
type Changes struct {
	Added   []string // channels only in the new configuration
	Removed []string // channels only in the old one
	Changed []string // channels in both whose definition differs
	// Tables lists the lookup tables added, removed or changed. Channels
	// whose transform steps use them behave differently although their
	// own definition did not change.
	Tables []string
	// Settings lists the node settings that differ ("data_dir",
	// "admin.listen", "journal.batch_size", "journal.batch_wait"). They
	// take effect only when plexus serve restarts.
	Settings []string
}

// Empty reports whether the configurations define the same things.
func (c Changes) Empty() bool {
	return len(c.Added)+len(c.Removed)+len(c.Changed)+len(c.Tables)+len(c.Settings) == 0
}

// String summarises the changes on one line, for logs and dry runs:
// "added: a; changed: b, c; settings (need a restart): admin.listen".
func (c Changes) String() string {
	if c.Empty() {
		return "no changes"
	}
	var parts []string
	add := func(label string, names []string) {
		if len(names) > 0 {
			parts = append(parts, label+": "+strings.Join(names, ", "))
		}
	}
	add("added", c.Added)
	add("removed", c.Removed)
	add("changed", c.Changed)
	add("tables", c.Tables)
	add("settings (need a restart)", c.Settings)
	return strings.Join(parts, "; ")
}

// Diff lists the channels, tables and settings that differ between old and
// new. With a nil old configuration every channel and table is added and
// no setting counts as changed. A channel counts as changed
// when its YAML means something else: comments, quoting and layout do not
// count, an explicitly written default does. Names are sorted.
func Diff(old, new *Config) Changes {
	first := old == nil
	if first {
		old = &Config{}
	}
	if new == nil {
		new = &Config{}
	}
	var c Changes
	before := map[string]*Channel{}
	for _, ch := range old.Channels {
		before[ch.Name] = ch
	}
	after := map[string]*Channel{}
	for _, ch := range new.Channels {
		after[ch.Name] = ch
		switch prev, ok := before[ch.Name]; {
		case !ok:
			c.Added = append(c.Added, ch.Name)
		case prev.hash != ch.hash:
			c.Changed = append(c.Changed, ch.Name)
		}
	}
	for _, ch := range old.Channels {
		if _, ok := after[ch.Name]; !ok {
			c.Removed = append(c.Removed, ch.Name)
		}
	}
	for name, t := range new.Tables {
		if prev, ok := old.Tables[name]; !ok || !maps.Equal(prev, t) {
			c.Tables = append(c.Tables, name)
		}
	}
	for name := range old.Tables {
		if _, ok := new.Tables[name]; !ok {
			c.Tables = append(c.Tables, name)
		}
	}
	if !first {
		setting := func(name string, differ bool) {
			if differ {
				c.Settings = append(c.Settings, name)
			}
		}
		setting("data_dir", old.DataDir != new.DataDir)
		setting("store", old.Store != new.Store)
		setting("admin.listen", old.Admin.Listen != new.Admin.Listen)
		setting("admin.tls", !reflect.DeepEqual(old.Admin.TLS, new.Admin.TLS))
		setting("admin.rate_limit", old.Admin.RateLimit != new.Admin.RateLimit)
		setting("admin.max_body", old.Admin.MaxBody != new.Admin.MaxBody)
		setting("journal.batch_size", old.Journal.BatchSize != new.Journal.BatchSize)
		setting("journal.batch_wait", old.Journal.BatchWait != new.Journal.BatchWait)
		setting("tracing", !reflect.DeepEqual(old.Tracing, new.Tracing))
		setting("cluster", old.Cluster != new.Cluster)
	}
	for _, s := range [][]string{c.Added, c.Removed, c.Changed, c.Tables} {
		slices.Sort(s)
	}
	return c
}
