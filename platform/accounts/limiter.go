package accounts

import (
	"sync"
	"time"
)

// LockoutOptions tune login throttling. Failures are counted per user
// name (existing or not) and per client address. Once a count reaches its
// threshold, each further failure locks that name or address out for
// Base, then twice as long, and so on up to Max. A success clears the
// user's count; counts are forgotten after a quiet hour.
type LockoutOptions struct {
	UserFailures int           // failures per user before lockout; 5 when zero
	AddrFailures int           // failures per address before lockout; 20 when zero
	Base         time.Duration // the first lockout; 30s when zero
	Max          time.Duration // the longest lockout; 15m when zero
	Entries      int           // names and addresses remembered; 10000 when zero
}

// forgetAfter is how long after its last failure a count is dropped.
const forgetAfter = time.Hour

type failures struct {
	count int
	last  time.Time
	until time.Time
}

// limiter counts failed logins in memory. Each node counts its own: with
// several nodes an attacker gets a few more guesses per lockout, which the
// doubling lockout still bounds.
type limiter struct {
	opts LockoutOptions
	now  func() time.Time

	mu    sync.Mutex
	users map[string]*failures
	addrs map[string]*failures
}

func newLimiter(o LockoutOptions, now func() time.Time) *limiter {
	if o.UserFailures <= 0 {
		o.UserFailures = 5
	}
	if o.AddrFailures <= 0 {
		o.AddrFailures = 20
	}
	if o.Base <= 0 {
		o.Base = 30 * time.Second
	}
	if o.Max <= 0 {
		o.Max = 15 * time.Minute
	}
	if o.Entries <= 0 {
		o.Entries = 10000
	}
	return &limiter{opts: o, now: now, users: map[string]*failures{}, addrs: map[string]*failures{}}
}

// wait returns how long a login for user from addr must wait; 0 when it
// may be tried now.
func (l *limiter) wait(user, addr string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	var w time.Duration
	for _, f := range []*failures{l.users[user], l.addrs[addr]} {
		if f != nil && f.until.After(now) {
			w = max(w, f.until.Sub(now))
		}
	}
	return w
}

// fail counts a failed login.
func (l *limiter) fail(user, addr string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.count(l.users, user, l.opts.UserFailures, now)
	l.count(l.addrs, addr, l.opts.AddrFailures, now)
}

func (l *limiter) count(m map[string]*failures, key string, threshold int, now time.Time) {
	f := m[key]
	if f != nil && now.Sub(f.last) > forgetAfter {
		f = nil
	}
	if f == nil {
		if len(m) >= l.opts.Entries {
			l.prune(m, now)
			if len(m) >= l.opts.Entries {
				return // full of live lockouts: this key goes uncounted
			}
		}
		f = &failures{}
		m[key] = f
	}
	f.count++
	f.last = now
	if over := f.count - threshold; over >= 0 {
		d := l.opts.Max
		if over < 20 {
			d = min(l.opts.Base<<over, l.opts.Max)
		}
		f.until = now.Add(d)
	}
}

// prune drops forgotten counts, then counts not locked out now.
func (l *limiter) prune(m map[string]*failures, now time.Time) {
	for k, f := range m {
		if now.Sub(f.last) > forgetAfter {
			delete(m, k)
		}
	}
	for k, f := range m {
		if len(m) < l.opts.Entries {
			return
		}
		if !f.until.After(now) {
			delete(m, k)
		}
	}
}

// succeed clears the user's count. The address keeps its own, so that one
// valid account does not reset an address that is guessing others.
func (l *limiter) succeed(user, addr string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.users, user)
}
