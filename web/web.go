// Package web is the operations dashboard that "plexus serve" serves under
// /ui/: server-rendered pages (html/template) over the node's journal,
// channels, configuration, statistics, alerts and audit log, with live
// updates by Server-Sent Events and one small script. Everything it needs,
// templates, style sheet and script, is embedded in the binary; there is no
// front-end build.
//
// The pages:
//
//	GET  /ui/login, POST /ui/login   the login form; a session cookie on success
//	POST /ui/logout                  ends the session
//	GET  /ui/                        channels: state, counters, queues, charts, alerts, controls
//	POST /ui/channels/{name}/{action}  start, stop, pause or resume a channel (operators)
//	GET  /ui/messages                search with keyset paging; new messages arrive live
//	GET  /ui/messages/{id}           one message, its deliveries and attempts; ?content=1 adds the payloads (phi)
//	POST /ui/messages/{id}/resend    resend a message (operators)
//	GET  /ui/dlq                     dead letters by destination
//	POST /ui/dlq/replay              replay dead letters: a destination's or a selection (operators)
//	GET  /ui/alerts                  active alerts
//	GET  /ui/config                  the running configuration and the apply history
//	GET  /ui/audit                   the audit log with filters (auditors and admins)
//	GET  /ui/events                  the live stream (text/event-stream)
//	GET  /ui/static/...              the style sheet and the script
//
// Who may do what: a request's principal comes from the session cookie
// (Options.Sessions); a page request without a valid session is
// redirected to the login form. Each route is checked twice: by the
// dashboard's own table of which role a page needs, which answers with an
// HTML page, and then by Options.Authorize (accounts.Authorize), whose
// policy is the one place that decides. Message content (the raw message,
// transform outputs, destination responses, the unmapped list) is shown only
// with ?content=1 to principals holding the phi permission, and such views
// are audited as content views by Classify.
//
// Every POST is a form answered with a redirect (post/redirect/get),
// refused when it comes from another origin (http.CrossOriginProtection);
// the session cookie is SameSite=Strict as well. Responses carry a Content
// Security Policy without inline script, X-Frame-Options DENY,
// Cache-Control no-store and nosniff. Logs carry message IDs, channel
// names and outcomes, never content or the query strings of searches.
package web

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/plexus-health/plexus/engine/alert"
	"github.com/plexus-health/plexus/engine/config"
	"github.com/plexus-health/plexus/engine/journal"
	"github.com/plexus-health/plexus/engine/node"
	"github.com/plexus-health/plexus/engine/stats"
	"github.com/plexus-health/plexus/platform/accounts"
	"github.com/plexus-health/plexus/platform/audit"
	"github.com/plexus-health/plexus/platform/auth"
)

// Engine is what the dashboard shows: the node's journal, its running
// channels and its configuration. *node.Node satisfies it; the methods may
// be called concurrently.
type Engine interface {
	Journal() *journal.Journal
	Channels() []node.ChannelInfo
	// Config returns the configuration running now, nil before the first.
	Config() *config.Config
	History() []node.Applied
}

var _ Engine = (*node.Node)(nil)

// Sessions logs users in and out and resolves session tokens.
// *accounts.Accounts satisfies it.
type Sessions interface {
	// Login returns accounts.ErrBadCredentials for a wrong name or
	// password and an error matching accounts.ErrLocked while too many
	// recent failures lock the user or address out.
	Login(ctx context.Context, user, password, remote string) (*accounts.Session, error)
	// AuthenticateSession returns accounts.ErrBadCredentials for an
	// unknown, expired or revoked token.
	AuthenticateSession(ctx context.Context, token string) (*auth.Principal, error)
	Logout(ctx context.Context, token string) error
}

var _ Sessions = (*accounts.Accounts)(nil)

// Stats is the in-memory history behind the channel charts.
type Stats interface {
	// Series returns a channel's samples since a time, oldest first.
	Series(channel string, since time.Time) []stats.Sample
}

var _ Stats = (*stats.Recorder)(nil)

// Alerts lists the alerts firing now.
type Alerts interface {
	Active() []alert.Alert
}

var _ Alerts = (*alert.Evaluator)(nil)

// AuditLog is what the audit page reads. *audit.Log satisfies it.
type AuditLog interface {
	Query(ctx context.Context, f audit.Filter) ([]audit.Record, int64, error)
}

var _ AuditLog = (*audit.Log)(nil)

// Control acts on a running channel: action is start, stop, pause or
// resume.
type Control func(ctx context.Context, channel, action string) error

// Options configure the dashboard. Engine and Sessions are required.
type Options struct {
	Engine   Engine
	Sessions Sessions
	// Authorize applies the server's access policy to every route after
	// the dashboard's own role check: accounts.Authorize in "plexus
	// serve". Nil leaves the dashboard's check alone (tests).
	Authorize func(http.Handler) http.Handler
	// Control starts, stops, pauses and resumes channels ((*node.Node).Control);
	// nil hides the buttons and refuses the actions.
	Control Control
	// Stats feeds the charts; nil shows "no data yet".
	Stats Stats
	// Alerts lists active alerts; nil shows none.
	Alerts Alerts
	// Audit is read by the audit page; nil says the audit log is off.
	Audit AuditLog
	// Metrics is read for the channel counters (the plexus_* series
	// since this process started); nil shows none.
	Metrics prometheus.Gatherer
	// Logger receives errors and notable actions; slog.Default() when nil.
	Logger *slog.Logger
	// Poll is how often the live stream looks for new messages in the
	// journal; 500ms when zero. Polling the store, rather than listening
	// to this process, shows the messages of every node sharing it.
	Poll time.Duration
	// Refresh is how often the live stream sends channel counters and
	// alerts; 2s when zero.
	Refresh time.Duration
	// Stop, when closed, ends the live streams, so that a server shutting
	// down does not wait for them; nil streams until the browser leaves.
	Stop <-chan struct{}
	// ChartWindow is how far back the charts reach; 30 minutes when zero.
	ChartWindow time.Duration
}

//go:embed templates static
var files embed.FS

// server holds what the handlers share.
type server struct {
	opts   Options
	log    *slog.Logger
	pages  map[string]*template.Template
	static http.Handler
	start  time.Time
}

// New returns the dashboard's handler, to be mounted at /ui/ (and at / for
// the redirect to /ui/).
func New(opts Options) (http.Handler, error) {
	if opts.Engine == nil || opts.Sessions == nil {
		return nil, errors.New("web: Options.Engine and Options.Sessions are required")
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Poll <= 0 {
		opts.Poll = 500 * time.Millisecond
	}
	if opts.Refresh <= 0 {
		opts.Refresh = 2 * time.Second
	}
	if opts.ChartWindow <= 0 {
		opts.ChartWindow = 30 * time.Minute
	}
	pages, err := parseTemplates()
	if err != nil {
		return nil, err
	}
	static, err := fs.Sub(files, "static")
	if err != nil {
		return nil, err
	}
	s := &server{opts: opts, log: opts.Logger, pages: pages, start: time.Now(),
		static: http.StripPrefix("/ui/static/", http.FileServerFS(static))}

	mux := http.NewServeMux()
	// The redirect from / gives nothing away, so it needs no rule.
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/ui/", http.StatusFound)
	})
	for _, rt := range s.routes() {
		mux.Handle(rt.pattern, s.guard(rt))
	}
	mux.HandleFunc("/ui/", func(w http.ResponseWriter, r *http.Request) {
		s.errorPage(w, r, http.StatusNotFound, "There is no such page.")
	})

	csrf := http.NewCrossOriginProtection()
	csrf.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.errorPage(w, r, http.StatusForbidden, "A request from another site was refused.")
	}))
	return headers(csrf.Handler(mux)), nil
}

// access is who may use a route, as the dashboard checks it.
type access int

const (
	public   access = iota // anyone, logged in or not
	readers                // viewers, operators, admins
	operate                // operators and admins
	auditors               // auditors and admins
)

// route is one page or action.
type route struct {
	pattern string
	who     access
	h       func(w http.ResponseWriter, r *http.Request) error
}

func (s *server) routes() []route {
	return []route{
		{"GET /ui/login", public, s.loginForm},
		{"POST /ui/login", public, s.login},
		{"POST /ui/logout", public, s.logout},
		{"GET /ui/static/", public, s.serveStatic},
		{"GET /ui/{$}", readers, s.channels},
		{"POST /ui/channels/{name}/{action}", operate, s.control},
		{"GET /ui/messages", readers, s.messages},
		{"GET /ui/messages/{id}", readers, s.message},
		{"POST /ui/messages/{id}/resend", operate, s.resend},
		{"GET /ui/dlq", readers, s.deadLetters},
		{"POST /ui/dlq/replay", operate, s.replay},
		{"GET /ui/alerts", readers, s.alerts},
		{"GET /ui/config", readers, s.config},
		{"GET /ui/audit", auditors, s.auditPage},
		{"GET /ui/events", readers, s.events},
	}
}

// guard authenticates the request from its session cookie, sends a visitor
// without a session to the login form, checks the route's role, then the
// server's policy (Options.Authorize), then runs the handler.
func (s *server) guard(rt route) http.Handler {
	var h http.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := rt.h(w, r); err != nil {
			s.fail(w, r, err)
		}
	})
	if s.opts.Authorize != nil {
		h = s.opts.Authorize(h)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := s.principal(w, r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if p != nil {
			r = r.WithContext(auth.WithPrincipal(r.Context(), p))
			audit.NotePrincipal(r.Context(), p)
		}
		if rt.who == public {
			h.ServeHTTP(w, r)
			return
		}
		if p == nil {
			if r.Method == http.MethodGet && r.URL.Path != "/ui/events" {
				http.Redirect(w, r, "/ui/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			s.errorPage(w, r, http.StatusUnauthorized, "Your session has ended; log in again.")
			return
		}
		if !allowed(rt.who, p) {
			s.errorPage(w, r, http.StatusForbidden, "Your roles do not permit this.")
			return
		}
		h.ServeHTTP(w, r)
	})
}

// allowed reports whether p may use a route for who.
func allowed(who access, p *auth.Principal) bool {
	if p == nil {
		return who == public
	}
	switch who {
	case public:
		return true
	case readers:
		return p.HasRole(accounts.RoleAdmin) || p.HasRole(accounts.RoleOperator) || p.HasRole(accounts.RoleViewer)
	case operate:
		return p.HasRole(accounts.RoleAdmin) || p.HasRole(accounts.RoleOperator)
	case auditors:
		return p.HasRole(accounts.RoleAdmin) || p.HasRole(accounts.RoleAuditor)
	}
	return false
}

// principal returns the principal of the request: one an outer layer put
// in the context, else the session cookie's. A cookie that no longer names
// a session is cleared and the request goes on without a principal.
func (s *server) principal(w http.ResponseWriter, r *http.Request) (*auth.Principal, error) {
	if p, ok := auth.FromContext(r.Context()); ok {
		return p, nil
	}
	c, err := r.Cookie(accounts.SessionCookie)
	if err != nil || c.Value == "" {
		return nil, nil
	}
	p, err := s.opts.Sessions.AuthenticateSession(r.Context(), c.Value)
	if errors.Is(err, accounts.ErrBadCredentials) {
		setSessionCookie(w, r, "", -1)
		return nil, nil
	}
	return p, err
}

// setSessionCookie sets (or, with maxAge -1, clears) the session cookie
// the admin API reads as well: HttpOnly, SameSite=Strict, Secure over TLS,
// for the whole origin, ending with the browser session.
func setSessionCookie(w http.ResponseWriter, r *http.Request, token string, maxAge int) {
	http.SetCookie(w, &http.Cookie{
		Name: accounts.SessionCookie, Value: token, Path: "/", MaxAge: maxAge,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil,
	})
}

// contentSecurityPolicy allows the dashboard's own style sheet, script and
// live stream, and nothing inline.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// headers sets the headers every answer carries. Pages may hold patient
// data, so no cache keeps them.
func headers(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cache-Control", "no-store")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}

func (s *server) serveStatic(w http.ResponseWriter, r *http.Request) error {
	s.static.ServeHTTP(w, r)
	return nil
}

// pageError is an error answered with its status and a message for the
// user.
type pageError struct {
	status int
	msg    string
}

func (e *pageError) Error() string { return e.msg }

// errorf returns a pageError.
func errorf(status int, format string, args ...any) error {
	return &pageError{status: status, msg: fmt.Sprintf(format, args...)}
}

// fail answers a handler's error: the user's mistakes with their message,
// anything else with 500 and nothing of its text, which goes to the log
// with the route pattern (never the URL: a search may name a patient).
func (s *server) fail(w http.ResponseWriter, r *http.Request, err error) {
	var pe *pageError
	switch {
	case errors.As(err, &pe):
		s.errorPage(w, r, pe.status, pe.msg)
	case errors.Is(err, journal.ErrNotFound):
		s.errorPage(w, r, http.StatusNotFound, "Not found.")
	case r.Context().Err() != nil:
		// The browser has gone.
	default:
		s.log.Error("dashboard request failed", "method", r.Method, "pattern", r.Pattern, "err", err)
		s.errorPage(w, r, http.StatusInternalServerError, "Something failed on the server; the server log says what.")
	}
}

// errorPage renders a page with a status and one message.
func (s *server) errorPage(w http.ResponseWriter, r *http.Request, status int, msg string) {
	p, _ := auth.FromContext(r.Context())
	s.render(w, r, status, "error.html", "Error", p, struct {
		Status int
		Text   string
		Msg    string
	}{status, http.StatusText(status), msg})
}
