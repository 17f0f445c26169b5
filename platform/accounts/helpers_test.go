package accounts

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/plexus-health/plexus/platform/auth"
	"github.com/plexus-health/plexus/platform/store"
	"github.com/plexus-health/plexus/platform/store/storetest"
)

// cheap are argon2id parameters that keep tests fast under -race.
var cheap = Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

// clock is a test clock moved by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// fixture is Accounts over a fresh store, with a test clock.
type fixture struct {
	a     *Accounts
	clock *clock
	dir   string
}

func newFixture(t *testing.T, opts Options) *fixture {
	t.Helper()
	dir := t.TempDir()
	db := storetest.Open(t, testDialect, store.Options{})
	c := &clock{t: time.Date(2026, 1, 2, 8, 0, 0, 0, time.UTC)}
	opts.Now = c.now
	if opts.Password == (Params{}) {
		opts.Password = cheap
	}
	return &fixture{a: New(db, opts), clock: c, dir: dir}
}

func (f *fixture) user(t *testing.T, name, password string, roles, perms []string) {
	t.Helper()
	if _, err := f.a.CreateUser(context.Background(), NewUser{Name: name, Password: password, Roles: roles, Permissions: perms}); err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) key(t *testing.T, name string, roles, perms []string) *CreatedKey {
	t.Helper()
	k, err := f.a.CreateAPIKey(context.Background(), NewAPIKey{Name: name, Roles: roles, Permissions: perms})
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// whoami stands in for the admin API: it answers every request that gets
// through with the principal it found, so tests see what Protect let in.
var whoami = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	p, _ := auth.FromContext(r.Context())
	if p == nil {
		p = &auth.Principal{}
	}
	writeJSON(w, http.StatusOK, &Me{Kind: string(p.Kind), Name: p.Subject, Roles: nonNil(p.Roles), Permissions: nonNil(p.Permissions)})
})

// server serves f's accounts in front of whoami.
func (f *fixture) server(t *testing.T, tls bool) *httptest.Server {
	t.Helper()
	h := f.a.Protect(whoami)
	var srv *httptest.Server
	if tls {
		srv = httptest.NewTLSServer(h)
	} else {
		srv = httptest.NewServer(h)
	}
	t.Cleanup(srv.Close)
	return srv
}

// response is what a test request got back.
type response struct {
	status int
	header http.Header
	body   string
}

// call sends a request with an optional JSON body and extra headers, never
// following redirects and keeping no cookies of its own.
func call(t *testing.T, srv *httptest.Server, method, path, body string, header ...string) response {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, srv.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	hc := srv.Client()
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	hc.Jar = nil
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: string(b)}
}

// sessionCookie returns the plexus_session cookie a response set.
func (r response) sessionCookie(t *testing.T) *http.Cookie {
	t.Helper()
	for _, line := range r.header.Values("Set-Cookie") {
		c, err := http.ParseSetCookie(line)
		if err == nil && c.Name == SessionCookie {
			return c
		}
	}
	t.Fatalf("no %s cookie in %q", SessionCookie, r.header.Values("Set-Cookie"))
	return nil
}

func (r response) me(t *testing.T) Me {
	t.Helper()
	var m Me
	if err := json.Unmarshal([]byte(r.body), &m); err != nil {
		t.Fatalf("decoding %q: %v", r.body, err)
	}
	return m
}

func loginBody(user, password string) string {
	b, _ := json.Marshal(Credentials{User: user, Password: password})
	return string(b)
}
