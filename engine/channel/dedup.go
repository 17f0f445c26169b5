package channel

import (
	"sync"
	"time"
)

// dedup remembers the (sender, control ID) pairs seen within a window. The
// map is swept as it grows, so memory is bounded by the traffic of one
// window.
type dedup struct {
	window time.Duration
	mu     sync.Mutex
	seen   map[string]time.Time
	swept  time.Time
}

func newDedup(window time.Duration) *dedup {
	return &dedup{window: window, seen: make(map[string]time.Time)}
}

func dedupKey(app, facility, controlID string) string {
	return app + "\x00" + facility + "\x00" + controlID
}

// remember records a key seen at a time (used to rebuild after a restart).
func (d *dedup) remember(key string, at time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if at.After(d.seen[key]) {
		d.seen[key] = at
	}
}

// check reports whether key was seen within the window before now, and
// records it as seen now if not.
func (d *dedup) check(key string, now time.Time) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if at, ok := d.seen[key]; ok && now.Sub(at) < d.window {
		return true
	}
	d.seen[key] = now
	if now.Sub(d.swept) > d.window/4 {
		for k, at := range d.seen {
			if now.Sub(at) >= d.window {
				delete(d.seen, k)
			}
		}
		d.swept = now
	}
	return false
}

// forget removes a key, for a message that was recorded as seen but then
// could not be stored.
func (d *dedup) forget(key string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.seen, key)
}
