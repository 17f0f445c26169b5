package accounts

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

const pw = "correct horse battery staple"

func TestLoginLogout(t *testing.T) {
	var mu sync.Mutex
	var logins []string
	f := newFixture(t, Options{OnLogin: func(_ context.Context, user, remote string, ok bool) {
		mu.Lock()
		defer mu.Unlock()
		logins = append(logins, user+" "+remote+" "+strconv.FormatBool(ok))
	}})
	f.user(t, "ana", pw, []string{RoleViewer}, nil)
	srv := f.server(t, false)

	if r := call(t, srv, "GET", "/api/v1/channels", ""); r.status != http.StatusUnauthorized || r.header.Get("WWW-Authenticate") == "" {
		t.Fatalf("without a session: %d %s", r.status, r.body)
	}
	for _, body := range []string{loginBody("ana", "wrong password!"), loginBody("nobody", pw)} {
		r := call(t, srv, "POST", "/api/v1/login", body)
		if r.status != http.StatusUnauthorized || len(r.header.Values("Set-Cookie")) != 0 {
			t.Fatalf("bad login: %d %s, cookies %q", r.status, r.body, r.header.Values("Set-Cookie"))
		}
	}
	r := call(t, srv, "POST", "/api/v1/login", loginBody("ana", pw))
	if r.status != http.StatusOK {
		t.Fatalf("login: %d %s", r.status, r.body)
	}
	if m := r.me(t); m.Name != "ana" || !slices.Equal(m.Roles, []string{RoleViewer}) || m.Expires == nil {
		t.Errorf("login answered %+v", m)
	}
	c := r.sessionCookie(t)
	if !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Secure || c.Path != "/" || !validToken(c.Value) {
		t.Errorf("session cookie %+v: want HttpOnly, SameSite=Strict, not Secure over plain HTTP, Path=/", c)
	}
	cookie := SessionCookie + "=" + c.Value

	if r := call(t, srv, "GET", "/api/v1/me", "", "Cookie", cookie); r.status != http.StatusOK || r.me(t).Name != "ana" || r.me(t).Kind != "user" {
		t.Errorf("me: %d %s", r.status, r.body)
	}
	if r := call(t, srv, "GET", "/api/v1/channels", "", "Cookie", cookie); r.status != http.StatusOK || r.me(t).Name != "ana" {
		t.Errorf("channels as viewer: %d %s", r.status, r.body)
	}
	if r := call(t, srv, "POST", "/api/v1/dlq/replay", "{}", "Cookie", cookie); r.status != http.StatusForbidden {
		t.Errorf("replay as viewer: %d %s", r.status, r.body)
	}
	if r := call(t, srv, "GET", "/api/v1/messages/1/content", "", "Cookie", cookie); r.status != http.StatusForbidden {
		t.Errorf("content without phi: %d %s", r.status, r.body)
	}

	r = call(t, srv, "POST", "/api/v1/logout", "", "Cookie", cookie)
	if r.status != http.StatusNoContent || r.sessionCookie(t).MaxAge >= 0 {
		t.Errorf("logout: %d, cookie %+v", r.status, r.header.Values("Set-Cookie"))
	}
	r = call(t, srv, "GET", "/api/v1/me", "", "Cookie", cookie)
	if r.status != http.StatusUnauthorized || r.sessionCookie(t).MaxAge >= 0 {
		t.Errorf("me after logout: %d %s; the dead cookie should be cleared", r.status, r.body)
	}
	// A stale cookie does not stand in the way of logging in again.
	if r := call(t, srv, "POST", "/api/v1/login", loginBody("ana", pw), "Cookie", cookie); r.status != http.StatusOK {
		t.Errorf("login with a stale cookie: %d %s", r.status, r.body)
	}

	mu.Lock()
	defer mu.Unlock()
	want := []string{"ana 127.0.0.1 false", "nobody 127.0.0.1 false", "ana 127.0.0.1 true", "ana 127.0.0.1 true"}
	if !slices.Equal(logins, want) {
		t.Errorf("OnLogin saw %q, want %q", logins, want)
	}
}

func TestSessionCookieSecureOverTLS(t *testing.T) {
	f := newFixture(t, Options{})
	f.user(t, "ana", pw, []string{RoleViewer}, nil)
	srv := f.server(t, true)
	r := call(t, srv, "POST", "/api/v1/login", loginBody("ana", pw))
	if r.status != http.StatusOK {
		t.Fatalf("login: %d %s", r.status, r.body)
	}
	if c := r.sessionCookie(t); !c.Secure || !c.HttpOnly || c.SameSite != http.SameSiteStrictMode {
		t.Errorf("cookie over TLS %+v: want Secure, HttpOnly, SameSite=Strict", c)
	}
}

func TestSessionExpiry(t *testing.T) {
	f := newFixture(t, Options{SessionIdle: 30 * time.Minute, SessionMax: 2 * time.Hour})
	f.user(t, "ana", pw, []string{RoleViewer}, nil)
	ctx := context.Background()
	login := func() string {
		s, err := f.a.Login(ctx, "ana", pw, "192.0.2.1:5000")
		if err != nil {
			t.Fatal(err)
		}
		return s.Token
	}

	// Idle: used within the limit it lives on; left alone past it, it ends.
	tok := login()
	f.clock.advance(29 * time.Minute)
	if _, err := f.a.AuthenticateSession(ctx, tok); err != nil {
		t.Fatalf("after 29 idle minutes: %v", err)
	}
	f.clock.advance(29 * time.Minute)
	if _, err := f.a.AuthenticateSession(ctx, tok); err != nil {
		t.Fatalf("29 minutes after the last use: %v", err)
	}
	f.clock.advance(31 * time.Minute)
	if _, err := f.a.AuthenticateSession(ctx, tok); err != ErrBadCredentials {
		t.Fatalf("31 idle minutes: %v, want ErrBadCredentials", err)
	}

	// Absolute: however busy, it ends SessionMax after login.
	tok = login()
	start := f.clock.now()
	for i := 0; i < 100 && f.clock.now().Sub(start) < 2*time.Hour; i++ {
		if _, err := f.a.AuthenticateSession(ctx, tok); err != nil {
			t.Fatalf("%s after login, used every 10 minutes: %v", f.clock.now().Sub(start), err)
		}
		f.clock.advance(10 * time.Minute)
	}
	if _, err := f.a.AuthenticateSession(ctx, tok); err != ErrBadCredentials {
		t.Fatalf("past the absolute limit: %v, want ErrBadCredentials", err)
	}
}

func TestLockout(t *testing.T) {
	f := newFixture(t, Options{Lockout: LockoutOptions{UserFailures: 3, AddrFailures: 10, Base: 30 * time.Second, Max: 5 * time.Minute}})
	f.user(t, "ana", pw, []string{RoleViewer}, nil)
	f.user(t, "bob", pw, []string{RoleViewer}, nil)
	srv := f.server(t, false)
	ctx := context.Background()

	for i := 0; i < 3; i++ {
		if r := call(t, srv, "POST", "/api/v1/login", loginBody("ana", "not the password")); r.status != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d %s", i+1, r.status, r.body)
		}
	}
	// Locked: even the right password is refused, without being checked.
	r := call(t, srv, "POST", "/api/v1/login", loginBody("ana", pw))
	if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") != "30" {
		t.Fatalf("locked login: %d %s, Retry-After %q", r.status, r.body, r.header.Get("Retry-After"))
	}
	// Other users are not locked by ana's failures.
	if r := call(t, srv, "POST", "/api/v1/login", loginBody("bob", pw)); r.status != http.StatusOK {
		t.Fatalf("bob: %d %s", r.status, r.body)
	}
	f.clock.advance(31 * time.Second)
	// One more failure doubles the lockout.
	if _, err := f.a.Login(ctx, "ana", "still wrong!!", "127.0.0.1"); err != ErrBadCredentials {
		t.Fatalf("fourth failure: %v", err)
	}
	if _, err := f.a.Login(ctx, "ana", pw, "127.0.0.1"); err == nil || f.a.limiter.wait("ana", "x") != time.Minute {
		t.Fatalf("after the fourth failure: %v, wait %s; want locked for 1m", err, f.a.limiter.wait("ana", "x"))
	}
	f.clock.advance(61 * time.Second)
	if _, err := f.a.Login(ctx, "ana", pw, "127.0.0.1"); err != nil {
		t.Fatalf("after the lockout: %v", err)
	}
	// A success cleared ana's count: three more failures before a lockout.
	for i := 0; i < 2; i++ {
		f.a.Login(ctx, "ana", "wrong again!!", "198.51.100.7")
	}
	if _, err := f.a.Login(ctx, "ana", pw, "198.51.100.7"); err != nil {
		t.Fatalf("after two failures: %v", err)
	}

	// Names that do not exist lock out the same way.
	for i := 0; i < 3; i++ {
		f.a.Login(ctx, "ghost", pw, "203.0.113.9")
	}
	if _, err := f.a.Login(ctx, "ghost", pw, "203.0.113.9"); err == nil || err.Error() != ErrLocked.Error() {
		t.Fatalf("unknown user after 3 failures: %v, want ErrLocked", err)
	}

	// Per address: many names guessed from one address lock it out for all.
	for i := 0; i < 10; i++ {
		f.a.Login(ctx, "guess"+strconv.Itoa(i), pw, "203.0.113.50:1234")
	}
	if _, err := f.a.Login(ctx, "bob", pw, "203.0.113.50:999"); err == nil {
		t.Fatal("bob from a guessing address logged in")
	}
	if _, err := f.a.Login(ctx, "bob", pw, "203.0.113.51:999"); err != nil {
		t.Fatalf("bob from another address: %v", err)
	}
}

func TestLimiterBounded(t *testing.T) {
	c := &clock{t: time.Unix(0, 0)}
	l := newLimiter(LockoutOptions{UserFailures: 1, AddrFailures: 1, Entries: 4}, c.now)
	for i := 0; i < 100; i++ {
		l.fail("u"+strconv.Itoa(i), "a"+strconv.Itoa(i))
	}
	if len(l.users) > 4 || len(l.addrs) > 4 {
		t.Errorf("limiter holds %d users and %d addresses, want at most 4", len(l.users), len(l.addrs))
	}
	// Once the lockouts are over, new names are counted again.
	c.advance(2 * time.Hour)
	l.fail("late", "late")
	if l.wait("late", "") == 0 {
		t.Error("a name failing after the lockouts ended was not counted")
	}
}

func TestDisabledUser(t *testing.T) {
	f := newFixture(t, Options{})
	f.user(t, "ana", pw, []string{RoleOperator}, nil)
	ctx := context.Background()
	s, err := f.a.Login(ctx, "ana", pw, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	yes := true
	if _, err := f.a.UpdateUser(ctx, "ana", UserUpdate{Disabled: &yes}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.a.AuthenticateSession(ctx, s.Token); err != ErrBadCredentials {
		t.Errorf("session of a disabled user: %v", err)
	}
	if _, err := f.a.Login(ctx, "ana", pw, "127.0.0.1"); err != ErrBadCredentials {
		t.Errorf("login of a disabled user: %v", err)
	}
	no := false
	if _, err := f.a.UpdateUser(ctx, "ana", UserUpdate{Disabled: &no}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.a.Login(ctx, "ana", pw, "127.0.0.1"); err != nil {
		t.Errorf("login after enabling again: %v", err)
	}
}

func TestPasswordChangeEndsSessions(t *testing.T) {
	f := newFixture(t, Options{})
	f.user(t, "ana", pw, []string{RoleViewer}, nil)
	ctx := context.Background()
	s, err := f.a.Login(ctx, "ana", pw, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	roles := []string{RoleOperator}
	if _, err := f.a.UpdateUser(ctx, "ana", UserUpdate{Roles: &roles}); err != nil {
		t.Fatal(err)
	}
	p, err := f.a.AuthenticateSession(ctx, s.Token)
	if err != nil || !p.HasRole(RoleOperator) || p.HasRole(RoleViewer) {
		t.Fatalf("after a role change: %+v, %v; want the new roles at once", p, err)
	}
	npw := "another long password"
	if _, err := f.a.UpdateUser(ctx, "ana", UserUpdate{Password: &npw}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.a.AuthenticateSession(ctx, s.Token); err != ErrBadCredentials {
		t.Errorf("session after a password change: %v", err)
	}
	if _, err := f.a.Login(ctx, "ana", pw, "127.0.0.1"); err != ErrBadCredentials {
		t.Errorf("old password: %v", err)
	}
	if _, err := f.a.Login(ctx, "ana", npw, "127.0.0.1"); err != nil {
		t.Errorf("new password: %v", err)
	}
}

func TestSessionsStoreOnlyDigests(t *testing.T) {
	f := newFixture(t, Options{})
	f.user(t, "ana", pw, []string{RoleViewer}, nil)
	s, err := f.a.Login(context.Background(), "ana", pw, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := f.a.db.R.QueryRow(`SELECT COUNT(*) FROM sessions WHERE token_hash = ?`, s.Token).Scan(&n); err != nil || n != 0 {
		t.Errorf("the token itself is in the store (%d rows, %v)", n, err)
	}
	var hash string
	if err := f.a.db.R.QueryRow(`SELECT password_hash FROM users WHERE name = 'ana'`).Scan(&hash); err != nil || hash == pw || hash[:10] != "$argon2id$" {
		t.Errorf("stored password %q, %v", hash, err)
	}
}

// TestUnknownUserCostsAHash checks what makes a failed login take as long
// whether or not the user exists: an unknown user's password is checked
// against a dummy hash made with the same parameters as real ones.
func TestUnknownUserCostsAHash(t *testing.T) {
	f := newFixture(t, Options{})
	p, _, _, err := decodeHash(f.a.dummy())
	if err != nil || p != cheap {
		t.Fatalf("dummy hash parameters %+v, %v; want %+v", p, err, cheap)
	}
	// A made-up name too long to exist is counted and reported as one key.
	var got []string
	f.a.opts.OnLogin = func(_ context.Context, user, _ string, _ bool) { got = append(got, user) }
	long := strings.Repeat("x", 10000)
	for i := 0; i < 5; i++ {
		f.a.Login(context.Background(), long+strconv.Itoa(i), pw, "192.0.2.1")
	}
	if len(f.a.limiter.users) != 1 || got[0] != invalidName {
		t.Errorf("limiter keys %d, OnLogin saw %.20q", len(f.a.limiter.users), got)
	}
}
