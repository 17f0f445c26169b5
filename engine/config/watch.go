package config

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/plexus-health/plexus/engine"
)

// DefaultWatchInterval is how often a Watcher looks at its files when
// WatcherOptions.Interval is 0.
const DefaultWatchInterval = 2 * time.Second

// WatcherOptions configures a Watcher.
type WatcherOptions struct {
	// Interval between looks at the files; 0 means DefaultWatchInterval,
	// a negative value turns polling off (Reload still works).
	Interval time.Duration
	// OnChange is called with the running and the new configuration when a
	// changed configuration validates. It applies it; if it returns an
	// error the old configuration stays current.
	OnChange func(old, new *Config) error
	// OnError is told why a changed configuration was refused: it did not
	// validate, the files could not be read, or OnChange failed.
	OnError func(error)
}

// Watcher reloads a configuration when its files change. It polls, with
// no dependency on file-system notifications: every interval it compares
// the names, sizes and modification times of the files, and when they have
// changed and then stayed the same for one more interval it reads them and
// compares their content hash (Version.Hash) with the running
// configuration's. Only a configuration that validates is
// handed to OnChange; a bad one is reported to OnError once and the old
// one keeps running. Reload checks at once, for SIGHUP.
//
// Checks never overlap, and OnChange and OnError are called from the
// goroutine that checks, one at a time; they must not call Reload.
type Watcher struct {
	path string
	reg  *engine.Registry
	opts WatcherOptions

	current atomic.Pointer[Config]

	mu      sync.Mutex // serialises checks; guards the fields below
	stamp   string     // names, sizes and times of the files last read
	pending string     // a changed stamp seen once, read when seen again
	tried   string     // hash of the last configuration tried
}

// NewWatcher returns a watcher of the configuration at path (a file or a
// folder, as for Load) whose running configuration is current, which may be
// nil. It does nothing until Run or Reload.
func NewWatcher(path string, reg *engine.Registry, current *Config, opts WatcherOptions) *Watcher {
	if opts.Interval == 0 {
		opts.Interval = DefaultWatchInterval
	}
	w := &Watcher{path: path, reg: reg, opts: opts}
	if current != nil {
		w.current.Store(current)
		w.tried = current.Version.Hash
	}
	return w
}

// Current returns the running configuration.
func (w *Watcher) Current() *Config { return w.current.Load() }

// Run polls the files until ctx is done.
func (w *Watcher) Run(ctx context.Context) {
	if w.opts.Interval < 0 {
		<-ctx.Done()
		return
	}
	t := time.NewTicker(w.opts.Interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			w.check(false)
		}
	}
}

// Reload reads the files now, even if they look unchanged, and applies
// them if their content differs from the running configuration's, trying
// again a configuration that was refused before. It returns what it
// reported to OnError, or nil when the configuration was applied or had not
// changed.
func (w *Watcher) Reload() error { return w.check(true) }

func (w *Watcher) check(force bool) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	stamp, err := w.fingerprint()
	if err != nil {
		// A file being replaced may be missing for a moment: the failure
		// is recorded as the stamp, so that it too must be seen twice,
		// and is reported once.
		stamp = "error: " + err.Error()
	}
	if !force && stamp == w.stamp {
		return nil
	}
	if !force && stamp != w.pending {
		// Wait until the files look the same on two looks in a row, so as
		// not to read one an editor or a deployment is still writing (an
		// empty file is a valid configuration without channels).
		w.pending = stamp
		return nil
	}
	w.stamp, w.pending = stamp, ""
	if err != nil {
		return w.report(err)
	}
	files, err := readSources(w.path)
	if err != nil {
		w.stamp = "error: " + err.Error()
		return w.report(err)
	}
	hash := hashSources(files)
	old := w.current.Load()
	if old != nil && hash == old.Version.Hash {
		w.tried = hash
		return nil
	}
	if !force && hash == w.tried {
		return nil // refused before; a new edit or Reload will try again
	}
	w.tried = hash
	cfg, err := load(files, w.reg, time.Now())
	if err != nil {
		return w.report(fmt.Errorf("configuration %s refused, keeping %s:\n%w", hash, versionOf(old), err))
	}
	if w.opts.OnChange != nil {
		if err := w.opts.OnChange(old, cfg); err != nil {
			return w.report(fmt.Errorf("applying configuration %s failed, keeping %s: %w", hash, versionOf(old), err))
		}
	}
	w.current.Store(cfg)
	return nil
}

func versionOf(c *Config) string {
	if c == nil {
		return "none"
	}
	return c.Version.Hash
}

func (w *Watcher) report(err error) error {
	if w.opts.OnError != nil {
		w.opts.OnError(err)
	}
	return err
}

// fingerprint describes the files at the watched path by name, size and
// modification time.
func (w *Watcher) fingerprint() (string, error) {
	names, err := listFiles(w.path)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for _, name := range names {
		st, err := os.Stat(name)
		if err != nil {
			return "", fmt.Errorf("reading configuration: %w", err)
		}
		fmt.Fprintf(&b, "%s\x00%d\x00%d\n", name, st.Size(), st.ModTime().UnixNano())
	}
	return b.String(), nil
}
