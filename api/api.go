// Package api is the admin HTTP API of "plexus serve": health and
// readiness probes, Prometheus metrics, and under /api/v1 the channels,
// queues, journaled messages and dead letters of a node, with resend and
// replay. Client is its Go client, used by the "plexus messages" and
// "plexus dlq" verbs; the JSON types in types.go are shared by both sides.
//
// The endpoints:
//
//	GET  /healthz                          200 "ok" while the process serves
//	GET  /readyz                           200 once a configuration runs and the store answers, else 503 and why
//	GET  /metrics                          Prometheus, from Options.Metrics
//	GET  /api/v1/channels                  ChannelList
//	POST /api/v1/channels/{name}/start     Channel: source and deliveries run
//	POST /api/v1/channels/{name}/stop      Channel: source and deliveries stop; the queue waits
//	POST /api/v1/channels/{name}/pause     Channel: the source stops taking messages; the queue drains
//	POST /api/v1/channels/{name}/resume    Channel: a paused source takes messages again
//	GET  /api/v1/queues                    QueueList
//	GET  /api/v1/messages?...              MessageList; parameters in MessageQuery
//	GET  /api/v1/messages/{id}[?content=1] MessageDetail
//	GET  /api/v1/messages/{id}/content     the raw bytes, with the message's media type
//	POST /api/v1/messages/{id}/resend      ResendResult
//	GET  /api/v1/dlq?channel=&destination=&limit=  DeadLetterList
//	POST /api/v1/dlq/replay                ReplayRequest in, ReplayResult out
//	GET  /api/v1/config                    ConfigInfo
//	GET  /api/v1/stats?channel=&since=     StatsList: totals and 10 s samples per channel and destination
//	GET  /api/v1/alerts                    AlertList: the alerts firing now
//	GET  /api/v1/nodes                     NodeList: the nodes sharing the store, their leases, the leader
//
// Errors are an Error body: 400 names the bad parameter (unknown ones
// included), 403 refuses content or a cross-origin POST, 404 a missing
// message or channel, 409 a resend of a message with no deliveries or a
// pause or resume of a stopped channel, 410 content that
// retention deleted, 413 a body over 1 MiB, 415 a replay body that is not
// application/json, 500 an internal failure whose cause goes to the log
// only.
//
// Message content is patient data. Listings and details carry metadata
// only; the raw bytes and the destinations' responses are served only when
// Options.AllowContent is set and Options.CanViewContent allows the
// request. Request logs name the route pattern, never the URL, whose query
// may hold a patient identifier.
//
// New returns a plain http.Handler: body size limits beyond the replay
// request, timeouts, TLS and authentication belong to the server that
// mounts it.
package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/plexus-health/plexus/engine/config"
	"github.com/plexus-health/plexus/engine/journal"
	"github.com/plexus-health/plexus/engine/node"
	"github.com/plexus-health/plexus/platform/auth"
)

// Engine is what the API serves: the node's journal, its running channels
// and its configuration. *node.Node satisfies it. The methods may be called
// concurrently.
type Engine interface {
	Journal() *journal.Journal
	Channels() []node.ChannelInfo
	// Config returns the configuration running now, nil before the first
	// one is applied.
	Config() *config.Config
	History() []node.Applied
	// Control starts, stops, pauses or resumes a channel (node.Node.Control
	// describes the actions and their errors).
	Control(ctx context.Context, channel, action string) error
}

var _ Engine = (*node.Node)(nil)

// Options configure the API.
type Options struct {
	// Metrics is served at /metrics; without it /metrics is not served.
	Metrics *prometheus.Registry
	// Logger receives a debug record per request and an error record per
	// internal failure; slog.Default() when nil.
	Logger *slog.Logger
	// AllowContent enables the endpoints that return message content and
	// destination responses. When false they answer 403 to everyone.
	AllowContent bool
	// CanViewContent decides, when AllowContent is set, whether a request
	// may see content. When nil: an authenticated request (an
	// auth.Principal in its context) may if the principal holds the "phi"
	// permission, an unauthenticated one if LoopbackOnly allows it.
	// accounts.CanViewContent checks the permission alone.
	CanViewContent func(r *http.Request) bool
	// ReadyTimeout bounds the store query of /readyz; 2s when zero.
	ReadyTimeout time.Duration
	// History serves /api/v1/stats and Alerts /api/v1/alerts; without them
	// both answer empty lists.
	History History
	Alerts  Alerting
}

// maxBody caps request bodies.
const maxBody = 1 << 20

// server holds what the handlers share.
type server struct {
	e    Engine
	opts Options
	log  *slog.Logger
	mux  *http.ServeMux
}

// New returns the handler of the admin API for e.
//
// State-changing requests (POST) coming from another origin in a browser are
// refused with 403, so that a web page cannot make an operator's browser
// resend or replay messages.
func New(e Engine, opts Options) http.Handler {
	s := &server{e: e, opts: opts, log: opts.Logger, mux: http.NewServeMux()}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.opts.CanViewContent == nil {
		s.opts.CanViewContent = principalOrLoopback
	}
	if s.opts.ReadyTimeout <= 0 {
		s.opts.ReadyTimeout = 2 * time.Second
	}

	s.mux.HandleFunc("GET /healthz", s.healthz)
	s.mux.HandleFunc("GET /readyz", s.readyz)
	if opts.Metrics != nil {
		s.mux.Handle("GET /metrics", promhttp.HandlerFor(opts.Metrics, promhttp.HandlerOpts{
			ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelError),
			Registry: opts.Metrics,
		}))
	}
	s.handle("GET /api/v1/channels", s.channels)
	for _, action := range []string{node.ActionStart, node.ActionStop, node.ActionPause, node.ActionResume} {
		s.handle("POST /api/v1/channels/{name}/"+action, s.control(action))
	}
	s.handle("GET /api/v1/queues", s.queues)
	s.handle("GET /api/v1/messages", s.messages)
	s.handle("GET /api/v1/messages/{id}", s.message)
	s.handle("GET /api/v1/messages/{id}/content", s.content)
	s.handle("POST /api/v1/messages/{id}/resend", s.resend)
	s.handle("GET /api/v1/dlq", s.deadLetters)
	s.handle("POST /api/v1/dlq/replay", s.replay)
	s.handle("GET /api/v1/config", s.config)
	s.handle("GET /api/v1/stats", s.stats)
	s.handle("GET /api/v1/alerts", s.alerts)
	s.handle("GET /api/v1/nodes", s.nodes)

	csrf := http.NewCrossOriginProtection()
	csrf.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusForbidden, &Error{Message: "cross-origin request refused"})
	}))
	return s.logged(csrf.Handler(s.mux))
}

// handle registers a handler that reports failure by returning an error.
func (s *server) handle(pattern string, h func(w http.ResponseWriter, r *http.Request) error) {
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.fail(w, r, err)
		}
	})
}

// fail answers a handler's error: the client's own mistakes with their
// message, anything else with 500 and nothing of its text.
func (s *server) fail(w http.ResponseWriter, r *http.Request, err error) {
	var pe *paramError
	var ae *Error
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &pe):
		writeJSON(w, http.StatusBadRequest, &Error{Message: pe.Error()})
	case errors.As(err, &ae):
		writeJSON(w, ae.StatusCode, ae)
	case errors.As(err, &tooBig):
		writeJSON(w, http.StatusRequestEntityTooLarge, &Error{Message: fmt.Sprintf("request body larger than %d bytes", tooBig.Limit)})
	case errors.Is(err, journal.ErrNotFound):
		writeJSON(w, http.StatusNotFound, &Error{Message: "not found"})
	case errors.Is(err, node.ErrUnknownChannel):
		writeJSON(w, http.StatusNotFound, &Error{Message: "no such channel"})
	case errors.Is(err, node.ErrWrongState):
		writeJSON(w, http.StatusConflict, &Error{Message: "the channel is stopped: start it"})
	case r.Context().Err() != nil:
		// The client has gone; nobody reads this.
		writeJSON(w, http.StatusServiceUnavailable, &Error{Message: "request canceled"})
	default:
		s.log.Error("admin API request failed", "method", r.Method, "pattern", r.Pattern, "err", err)
		writeJSON(w, http.StatusInternalServerError, &Error{Message: "internal error; see the server log"})
	}
}

// errorf returns an error answered with status and the formatted message.
func errorf(status int, format string, args ...any) error {
	return &Error{StatusCode: status, Message: fmt.Sprintf(format, args...)}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v) // a failed write means the client went away
}

// logged logs each request at debug level and sets the headers every
// response shares: responses may hold patient data, so no cache keeps them.
func (s *server) logged(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		h := w.Header()
		h.Set("Cache-Control", "no-store")
		h.Set("X-Content-Type-Options", "nosniff")
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		// The pattern, never the URL: the query may name a patient.
		pattern := r.Pattern
		if pattern == "" {
			pattern = "(unmatched)"
		}
		s.log.LogAttrs(r.Context(), slog.LevelDebug, "admin request",
			slog.String("method", r.Method), slog.String("pattern", pattern),
			slog.Int("status", rec.status()), slog.Duration("duration", time.Since(start)))
	})
}

// statusRecorder remembers the status a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	code int
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.code == 0 {
		r.code = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.code == 0 {
		r.code = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

func (r *statusRecorder) status() int {
	if r.code == 0 {
		return http.StatusOK
	}
	return r.code
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// canViewContent reports whether r may see message content.
func (s *server) canViewContent(r *http.Request) bool {
	return s.opts.AllowContent && s.opts.CanViewContent(r)
}

// principalOrLoopback lets the request's principal see content if it holds
// the "phi" permission, and a request with no principal if LoopbackOnly
// allows it.
func principalOrLoopback(r *http.Request) bool {
	if p, ok := auth.FromContext(r.Context()); ok {
		return p.HasPermission("phi")
	}
	return LoopbackOnly(r)
}

// LoopbackOnly allows a request that comes from a loopback address and names
// a loopback host (localhost, 127.0.0.1, ::1). The host check keeps a web
// page that rebinds its own name to 127.0.0.1 from reading content through
// an operator's browser. Behind a reverse proxy on the same machine every
// request looks local: use a real permission check there.
func LoopbackOnly(r *http.Request) bool {
	addr, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil || !addr.Addr().Unmap().IsLoopback() {
		return false
	}
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if host == "localhost" {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.Unmap().IsLoopback()
}

// healthz answers as long as the process serves HTTP.
func (s *server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
}

// readyz answers 200 once a configuration runs and the store answers a
// query, 503 with the reason otherwise.
func (s *server) readyz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if s.e.Config() == nil {
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("not ready: no configuration applied yet\n"))
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.opts.ReadyTimeout)
	defer cancel()
	if err := s.e.Journal().Ping(ctx); err != nil {
		s.log.Warn("readiness check failed", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("not ready: store unreachable: " + err.Error() + "\n"))
		return
	}
	w.Write([]byte("ready\n"))
}
