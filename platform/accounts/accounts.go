package accounts

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/plexus-health/plexus/platform/store"
)

// Options configure Accounts. The zero value is usable.
type Options struct {
	// SessionIdle ends a session not used for this long; 30 minutes when
	// zero.
	SessionIdle time.Duration
	// SessionMax ends a session this long after login however busy it is;
	// 12 hours when zero.
	SessionMax time.Duration
	// OnLogin is called after every login attempt with the user name as
	// given, the client's address and whether it succeeded, so that the
	// audit log can record it. It must not block for long.
	OnLogin func(ctx context.Context, user, remote string, ok bool)
	// Logger receives failures of the store; slog.Default() when nil. No
	// secret and no password is ever logged.
	Logger *slog.Logger
	// Password sets the argon2id cost of new hashes; DefaultParams when
	// zero. Tests lower it.
	Password Params
	// Lockout tunes login throttling; see LockoutOptions.
	Lockout LockoutOptions
	// Now is the clock; time.Now when nil. Tests move it.
	Now func() time.Time
}

// Accounts is the store of users, sessions and API keys, and the HTTP
// middleware and handlers that use it. Its methods may be called
// concurrently.
type Accounts struct {
	db      *store.DB
	opts    Options
	log     *slog.Logger
	limiter *limiter

	// dummyHash is verified when a login names no existing user, so that a
	// failed login takes as long whether or not the user exists.
	dummyOnce sync.Once
	dummyHash string
}

// New returns Accounts keeping its data in db, whose migrations created
// the users, sessions and api_keys tables.
func New(db *store.DB, opts Options) *Accounts {
	if opts.SessionIdle <= 0 {
		opts.SessionIdle = 30 * time.Minute
	}
	if opts.SessionMax <= 0 {
		opts.SessionMax = 12 * time.Hour
	}
	if opts.Password == (Params{}) {
		opts.Password = DefaultParams
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	a := &Accounts{db: db, opts: opts, log: opts.Logger}
	if a.log == nil {
		a.log = slog.Default()
	}
	a.limiter = newLimiter(opts.Lockout, opts.Now)
	return a
}

func (a *Accounts) now() time.Time { return a.opts.Now() }

// dummy returns a hash of a random password made with the current
// parameters.
func (a *Accounts) dummy() string {
	a.dummyOnce.Do(func() {
		pw, err := randomToken(32)
		if err == nil {
			a.dummyHash, err = a.opts.Password.HashPassword(pw)
		}
		if err != nil {
			a.log.Error("accounts: preparing the dummy password hash", "err", err)
		}
	})
	return a.dummyHash
}

// micros and fromMicros convert times to and from the store's columns.
func micros(t time.Time) int64 { return t.UnixMicro() }

func fromMicros(us int64) time.Time {
	if us == 0 {
		return time.Time{}
	}
	return time.UnixMicro(us).UTC()
}

// wrap adds the operation's context to a store error.
func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("accounts: %s: %w", op, err)
}
