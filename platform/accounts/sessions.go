package accounts

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/plexus-health/plexus/platform/auth"
)

// SessionCookie is the name of the cookie that carries a session token.
const SessionCookie = "plexus_session"

// tokenBytes is the size of session tokens and API key secrets: 256 bits,
// beyond guessing, which is why a plain SHA-256 of them may be stored.
const tokenBytes = 32

// Session is a login's outcome. Token is the secret the cookie carries; it
// exists only here and in the cookie, the store keeps its digest.
type Session struct {
	Token   string
	User    *User
	Expires time.Time // the absolute limit; idleness may end it sooner
}

// randomToken returns n random bytes in unpadded base64url.
func randomToken(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("accounts: generating a token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// digest is what the store keeps of a token or secret.
func digest(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

// validToken reports whether s has the shape of a token from randomToken,
// so that garbage is refused without a query.
func validToken(s string) bool {
	b, err := base64.RawURLEncoding.DecodeString(s)
	return err == nil && len(b) == tokenBytes
}

// invalidName stands for any user name checkName refuses; it is itself
// not a valid name, so it matches no user.
const invalidName = "(invalid name)"

// lockedError is ErrLocked with how long the caller must wait.
type lockedError struct{ wait time.Duration }

func (e *lockedError) Error() string             { return ErrLocked.Error() }
func (e *lockedError) Is(t error) bool           { return t == ErrLocked }
func (e *lockedError) RetryAfter() time.Duration { return e.wait }

// Login checks a user's password and opens a session. remote is the
// client's address (host or host:port), used for throttling and OnLogin.
//
// A failure is ErrBadCredentials whatever went wrong (no such user, wrong
// password, user disabled), and takes as long whatever went wrong: an
// unknown user's password is checked against a dummy hash. After repeated
// failures for the user or from the address, attempts are refused with
// ErrLocked, without checking the password, for a time that doubles with
// each further failure.
func (a *Accounts) Login(ctx context.Context, user, password, remote string) (*Session, error) {
	addr := remoteHost(remote)
	if checkName(user) != nil {
		// No such user can exist. Counting and reporting it under one
		// short key keeps a flood of long made-up names from filling
		// the limiter's memory or the audit log.
		user = invalidName
	}
	s, err := a.login(ctx, user, password, addr)
	if a.opts.OnLogin != nil {
		a.opts.OnLogin(ctx, user, addr, err == nil)
	}
	return s, err
}

func (a *Accounts) login(ctx context.Context, user, password, addr string) (*Session, error) {
	if wait := a.limiter.wait(user, addr); wait > 0 {
		return nil, &lockedError{wait: wait}
	}
	var hash string
	var disabled int
	err := a.db.R.QueryRowContext(ctx, `SELECT password_hash, disabled FROM users WHERE name = ?`, user).Scan(&hash, &disabled)
	exists := err == nil
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, wrap("reading a user", err)
	}
	if !exists {
		hash = a.dummy()
	}
	ok := false
	if len(password) <= MaxPasswordLength {
		ok, err = VerifyPassword(hash, password)
		if err != nil && exists {
			// A corrupt row: the user cannot log in, and an admin should know.
			a.log.Error("accounts: unreadable password hash", "user", user, "err", err)
		}
	}
	if !ok || !exists || disabled != 0 {
		a.limiter.fail(user, addr)
		return nil, ErrBadCredentials
	}
	a.limiter.succeed(user, addr)

	token, err := randomToken(tokenBytes)
	if err != nil {
		return nil, err
	}
	now := a.now()
	expires := now.Add(a.opts.SessionMax)
	err = a.inTx(ctx, "opening a session", func(tx *sql.Tx) error {
		// Expired sessions go here, at the rare moment one is created.
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= ? OR last_seen_at <= ?`,
			micros(now), micros(now.Add(-a.opts.SessionIdle))); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_name, created_at, expires_at, last_seen_at) VALUES (?, ?, ?, ?, ?)`,
			digest(token), user, micros(now), micros(expires), micros(now))
		return err
	})
	if err != nil {
		return nil, err
	}
	u, err := a.User(ctx, user)
	if err != nil {
		return nil, err
	}
	return &Session{Token: token, User: u, Expires: expires}, nil
}

// AuthenticateSession returns the principal of a session token, or
// ErrBadCredentials when the token is unknown, expired or belongs to a
// disabled user. The roles are the user's roles now.
func (a *Accounts) AuthenticateSession(ctx context.Context, token string) (*auth.Principal, error) {
	if !validToken(token) {
		return nil, ErrBadCredentials
	}
	h := digest(token)
	var user, roles, perms string
	var expires, lastSeen int64
	var disabled int
	err := a.db.R.QueryRowContext(ctx, `SELECT s.user_name, s.expires_at, s.last_seen_at, u.roles, u.permissions, u.disabled
		FROM sessions s JOIN users u ON u.name = s.user_name WHERE s.token_hash = ?`, h).
		Scan(&user, &expires, &lastSeen, &roles, &perms, &disabled)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrBadCredentials
	}
	if err != nil {
		return nil, wrap("reading a session", err)
	}
	now := a.now()
	seen := fromMicros(lastSeen)
	if disabled != 0 || !now.Before(fromMicros(expires)) || !now.Before(seen.Add(a.opts.SessionIdle)) {
		if _, err := a.db.W.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = ?`, h); err != nil {
			a.log.Warn("accounts: deleting an expired session", "err", err)
		}
		return nil, ErrBadCredentials
	}
	// Recording every request would make every read a write; a minute's
	// precision is plenty for an idle limit of many minutes.
	if now.Sub(seen) >= min(time.Minute, a.opts.SessionIdle/10) {
		if _, err := a.db.W.ExecContext(ctx, `UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?`, micros(now), h); err != nil {
			a.log.Warn("accounts: recording session use", "err", err)
		}
	}
	return &auth.Principal{
		Kind: auth.KindUser, Subject: user, Roles: splitList(roles), Permissions: splitList(perms),
		TokenID: "session:" + h[:16],
	}, nil
}

// Logout ends the session of token. Ending an unknown session is not an
// error.
func (a *Accounts) Logout(ctx context.Context, token string) error {
	if !validToken(token) {
		return nil
	}
	_, err := a.db.W.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = ?`, digest(token))
	return wrap("ending a session", err)
}

// setSessionCookie sends token to the browser. HttpOnly keeps it from
// scripts, SameSite=Strict from requests other sites start, Secure (over
// TLS) from plain-text connections. It has no Max-Age: it ends with the
// browser, and the server ends it sooner when idle or old.
func setSessionCookie(w http.ResponseWriter, r *http.Request, token string) {
	http.SetCookie(w, &http.Cookie{
		Name: SessionCookie, Value: token, Path: "/",
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil,
	})
}

// clearSessionCookie tells the browser to drop the cookie.
func clearSessionCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{
		Name: SessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil,
	})
}

// remoteHost returns the host of a "host:port" address, or the address.
func remoteHost(remote string) string {
	if h, _, err := net.SplitHostPort(remote); err == nil {
		return h
	}
	return remote
}
