package config

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// recorder collects what a Watcher reports.
type recorder struct {
	mu      sync.Mutex
	changes []*Config
	errs    []error
	fail    error // OnChange returns it
	events  chan struct{}
}

func newRecorder() *recorder { return &recorder{events: make(chan struct{}, 100)} }

func (r *recorder) options(interval time.Duration) WatcherOptions {
	return WatcherOptions{
		Interval: interval,
		OnChange: func(old, new *Config) error {
			r.mu.Lock()
			defer r.mu.Unlock()
			r.events <- struct{}{}
			if r.fail != nil {
				return r.fail
			}
			r.changes = append(r.changes, new)
			return nil
		},
		OnError: func(err error) {
			r.mu.Lock()
			defer r.mu.Unlock()
			r.errs = append(r.errs, err)
			r.events <- struct{}{}
		},
	}
}

func (r *recorder) counts() (changes, errs int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.changes), len(r.errs)
}

// wait blocks until the watcher reported something, failing the test after
// a generous bound.
func (r *recorder) wait(t *testing.T) {
	t.Helper()
	select {
	case <-r.events:
	case <-time.After(10 * time.Second):
		t.Fatal("the watcher reported nothing")
	}
}

const goodConfig = channelA

const otherConfig = `channels:
  - name: b
    source: {type: test, listen: ":2"}
    destinations:
      - {name: x, type: test, address: x:1}
`

const badConfig = `channels:
  - name: b
    source: {type: test, listen: ":2"}
`

// rewrite replaces the file's content and moves its modification time on,
// so that the change shows even where times are coarse.
func rewrite(t *testing.T, path, content string, step int) {
	t.Helper()
	writeFile(t, path, content)
	when := time.Now().Add(time.Duration(step) * time.Second)
	if err := os.Chtimes(path, when, when); err != nil {
		t.Fatal(err)
	}
}

func TestWatcherPolls(t *testing.T) {
	path := filepath.Join(t.TempDir(), "plexus.yaml")
	writeFile(t, path, goodConfig)
	reg := testRegistry(nil)
	first, err := Load(path, reg)
	if err != nil {
		t.Fatal(err)
	}
	rec := newRecorder()
	w := NewWatcher(path, reg, first, rec.options(5*time.Millisecond))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { w.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()

	rewrite(t, path, badConfig, 1)
	rec.wait(t)
	if changes, errs := rec.counts(); changes != 0 || errs != 1 {
		t.Fatalf("after a bad config: %d changes, %d errors; want 0, 1", changes, errs)
	}
	rec.mu.Lock()
	firstErr := rec.errs[0]
	rec.mu.Unlock()
	if !strings.Contains(firstErr.Error(), "channels[0].destinations: a channel needs at least one destination") {
		t.Errorf("error does not give the problem: %v", firstErr)
	}
	if w.Current() != first {
		t.Error("a bad config replaced the running one")
	}

	rewrite(t, path, otherConfig, 2)
	rec.wait(t)
	if changes, errs := rec.counts(); changes != 1 || errs != 1 {
		t.Fatalf("after a good config: %d changes, %d errors; want 1, 1", changes, errs)
	}
	rec.mu.Lock()
	applied := rec.changes[0]
	rec.mu.Unlock()
	if applied.Channel("b") == nil {
		t.Errorf("OnChange got the wrong config: %+v", applied)
	}
	// The watcher makes the config current once OnChange returned.
	for deadline := time.Now().Add(10 * time.Second); w.Current() != applied; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the applied config never became current")
		}
	}
}

func TestWatcherReportsOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "plexus.yaml")
	writeFile(t, path, goodConfig)
	reg := testRegistry(nil)
	first, err := Load(path, reg)
	if err != nil {
		t.Fatal(err)
	}
	rec := newRecorder()
	w := NewWatcher(path, reg, first, rec.options(-1))

	// look polls twice: a change is read once it is seen twice.
	look := func() error {
		if err := w.check(false); err != nil {
			t.Fatalf("first look at a change: %v", err)
		}
		return w.check(false)
	}
	if err := look(); err != nil {
		t.Fatalf("unchanged files: %v", err)
	}
	rewrite(t, path, badConfig, 1)
	if err := w.check(false); err != nil {
		t.Fatalf("a change seen once was read: %v", err)
	}
	if err := w.check(false); err == nil {
		t.Fatal("bad config accepted")
	}
	// Touching the file without changing it, or looking again, does not
	// report the same refusal again.
	rewrite(t, path, badConfig, 2)
	for range 3 {
		if err := look(); err != nil {
			t.Fatalf("refusal reported again: %v", err)
		}
	}
	// Reload, as on SIGHUP, tries again.
	if err := w.Reload(); err == nil {
		t.Fatal("Reload accepted a bad config")
	}
	// A file that disappears is reported once too.
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if err := look(); err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Fatalf("missing file: %v", err)
	}
	if err := look(); err != nil {
		t.Fatalf("missing file reported again: %v", err)
	}
	// Back to the running content: nothing to do.
	rewrite(t, path, goodConfig, 3)
	if err := look(); err != nil {
		t.Fatal(err)
	}
	if changes, errs := rec.counts(); changes != 0 || errs != 3 || w.Current() != first {
		t.Errorf("%d changes, %d errors; want 0, 3 and the first config running", changes, errs)
	}
}

func TestWatcherReload(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.yaml")
	writeFile(t, path, goodConfig)
	reg := testRegistry(nil)
	rec := newRecorder()
	w := NewWatcher(dir, reg, nil, rec.options(-1))

	// With no running configuration the first Reload applies the files.
	if err := w.Reload(); err != nil {
		t.Fatal(err)
	}
	first := w.Current()
	if first == nil || first.Channel("a") == nil {
		t.Fatalf("first reload: %+v", first)
	}
	if err := w.Reload(); err != nil {
		t.Fatal(err)
	}
	if changes, _ := rec.counts(); changes != 1 {
		t.Errorf("reloading unchanged files called OnChange: %d changes", changes)
	}

	// A second file in the folder is picked up.
	writeFile(t, filepath.Join(dir, "b.yaml"), otherConfig)
	rec.fail = errors.New("port busy")
	err := w.Reload()
	if err == nil || !strings.Contains(err.Error(), "port busy") || !strings.Contains(err.Error(), "keeping "+first.Version.Hash) {
		t.Fatalf("failed apply: %v", err)
	}
	if w.Current() != first {
		t.Error("a config that failed to apply replaced the running one")
	}
	rec.fail = nil
	if err := w.Reload(); err != nil {
		t.Fatal(err)
	}
	cur := w.Current()
	if cur == first || cur.Channel("b") == nil {
		t.Errorf("second reload did not apply both files: %+v", cur)
	}
	if d := Diff(first, cur); d.String() != "added: b" {
		t.Errorf("diff %q", d)
	}
}
