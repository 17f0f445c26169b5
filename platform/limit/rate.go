package limit

import (
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// MaxClients bounds how many client buckets a Limiter keeps. Beyond it,
// idle buckets go first, then arbitrary ones: a client whose bucket is
// dropped starts with a full one, so memory stays bounded at the cost of
// being briefly generous to a client, never of refusing an innocent one.
const MaxClients = 100_000

// sweepEvery is how often a Limiter drops the buckets of idle clients.
const sweepEvery = time.Minute

// Limiter is per-client rate limiting: each client (see ClientKey) has a
// token bucket of burst requests refilled at perSecond, and a request
// finding its bucket empty is answered 429 Too Many Requests with
// Retry-After. A bucket left alone long enough to refill completely is
// the same as a new one, so it is dropped: memory follows the clients of
// the last minute or so, not every client ever seen. Safe for concurrent
// use.
type Limiter struct {
	limit rate.Limit
	burst int
	idle  time.Duration // after this long unused, a bucket is full again
	key   func(*http.Request) string
	now   func() time.Time // the clock, replaced in tests
	most  int              // MaxClients, smaller in tests

	mu      sync.Mutex
	clients map[string]*bucket
	swept   time.Time
}

type bucket struct {
	lim  *rate.Limiter
	last time.Time // last request
}

// NewLimiter returns a Limiter allowing each client perSecond requests a
// second on average and burst at once; burst < 1 means 1. perSecond <= 0
// returns nil, whose Wrap adds no limit.
func NewLimiter(perSecond float64, burst int) *Limiter {
	if perSecond <= 0 || math.IsNaN(perSecond) {
		return nil
	}
	burst = max(burst, 1)
	return &Limiter{
		limit:   rate.Limit(perSecond),
		burst:   burst,
		idle:    time.Duration(float64(burst) / perSecond * float64(time.Second)),
		key:     ClientKey,
		now:     time.Now,
		most:    MaxClients,
		clients: map[string]*bucket{},
	}
}

// Allow takes a token from key's bucket. When there is none it returns
// false and how long until there will be one.
func (l *Limiter) Allow(key string) (bool, time.Duration) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.swept) >= sweepEvery {
		l.sweep(now)
	}
	b := l.clients[key]
	if b == nil {
		if len(l.clients) >= l.most {
			l.sweep(now)
			for k := range l.clients { // still full: drop any
				if len(l.clients) < l.most {
					break
				}
				delete(l.clients, k)
			}
		}
		b = &bucket{lim: rate.NewLimiter(l.limit, l.burst)}
		l.clients[key] = b
	}
	b.last = now
	if b.lim.AllowN(now, 1) {
		return true, 0
	}
	missing := 1 - b.lim.TokensAt(now)
	return false, time.Duration(missing / float64(l.limit) * float64(time.Second))
}

// sweep drops the buckets idle long enough to be full again.
func (l *Limiter) sweep(now time.Time) {
	l.swept = now
	for k, b := range l.clients {
		if now.Sub(b.last) >= l.idle {
			delete(l.clients, k)
		}
	}
}

// Len returns how many client buckets the Limiter holds.
func (l *Limiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.clients)
}

// Wrap returns next behind the limit. A nil Limiter returns next.
func (l *Limiter) Wrap(next http.Handler) http.Handler {
	if l == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ok, wait := l.Allow(l.key(r))
		if !ok {
			secs := int(math.Ceil(wait.Seconds()))
			secs = max(secs, 1)
			w.Header().Set("Retry-After", strconv.Itoa(secs))
			writeError(w, http.StatusTooManyRequests, "too many requests; retry after "+strconv.Itoa(secs)+"s", secs)
			return
		}
		next.ServeHTTP(w, r)
	})
}
