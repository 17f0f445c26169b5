package audit

import (
	"context"
	"io"
	"net"
	"net/http"
	"sync"

	"github.com/plexus-health/plexus/platform/auth"
)

// Middleware returns HTTP middleware that records every request classify
// classifies, after the handler ran: the principal, the peer's address,
// the classification, the response status and its outcome. Bodies are
// never recorded (a Bundle POSTed to the FHIR base is read as the handler
// reads it, only for its type).
//
// The principal is the one authentication named: mount Middleware outside
// the authentication middleware so that refused requests are recorded
// too, with Attribute inside it (or authentication calling NotePrincipal);
// or inside it, where the request's context carries the Principal
// (auth.FromContext). A request with neither is recorded as anonymous.
//
// The entry is recorded before the handler's answer is complete, and a
// client that goes away does not cancel it. When recording fails the
// failure is logged and the answer stands.
func Middleware(l *Log, classify Classifier) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			e := classify(r)
			if e.Action == "" {
				next.ServeHTTP(w, r)
				return
			}
			n := &note{}
			r = r.WithContext(context.WithValue(r.Context(), noteKey{}, n))
			var sniff *prefixReader
			if e.Action == actionBundle && r.Body != nil && r.Body != http.NoBody {
				sniff = &prefixReader{ReadCloser: r.Body}
				r.Body = sniff
			}
			rec := &statusRecorder{ResponseWriter: w}
			next.ServeHTTP(rec, r)

			if sniff != nil {
				switch bundleType(sniff.buf) {
				case "transaction":
					e.Action = actionTransaction
				case "batch":
					e.Action = actionBatch
				}
				sniff.buf = nil
			}
			p := n.get()
			if p == nil {
				p, _ = auth.FromContext(r.Context())
			}
			e.SetPrincipal(p)
			e.Remote = remoteHost(r.RemoteAddr)
			e.Status = rec.status()
			if err := l.Record(context.WithoutCancel(r.Context()), e); err != nil {
				// The action and status only: the path or query may name a patient.
				l.log.Error("audit: recording a request failed", "action", e.Action, "status", e.Status, "err", err)
			}
		})
	}
}

type noteKey struct{}

// note carries the principal from authentication, inside, to Middleware,
// outside.
type note struct {
	mu sync.Mutex
	p  *auth.Principal
}

func (n *note) get() *auth.Principal {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.p
}

// Attribute returns next with the principal in each request's context
// passed out to the enclosing Middleware. Mount it inside authentication
// middleware that does not call NotePrincipal itself (such as
// auth.RequireBearer), with Middleware outside:
//
//	audit.Middleware(log, classify)(auth.RequireBearer(v, audit.Attribute(h)))
//
// so that requests authentication refuses are recorded too, and the others
// with their principal.
func Attribute(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p, ok := auth.FromContext(r.Context()); ok {
			NotePrincipal(r.Context(), p)
		}
		next.ServeHTTP(w, r)
	})
}

// NotePrincipal tells the Middleware around the request with context ctx
// who the request acts for. Authentication middleware calls it when it
// resolves a principal; without an audit Middleware around, it does
// nothing.
func NotePrincipal(ctx context.Context, p *auth.Principal) {
	if n, ok := ctx.Value(noteKey{}).(*note); ok {
		n.mu.Lock()
		n.p = p
		n.mu.Unlock()
	}
}

// remoteHost is the IP address of a RemoteAddr, without the port.
func remoteHost(addr string) string {
	if host, _, err := net.SplitHostPort(addr); err == nil {
		return host
	}
	return addr
}

// statusRecorder notes the status a handler answered with.
type statusRecorder struct {
	http.ResponseWriter
	code int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.code == 0 && code >= 200 {
		s.code = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.code == 0 {
		s.code = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

// status is the answer's status; 200 when the handler wrote nothing.
func (s *statusRecorder) status() int {
	if s.code == 0 {
		return http.StatusOK
	}
	return s.code
}

// Unwrap lets http.ResponseController reach the underlying writer (Flush,
// deadlines).
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// Flush passes on to the underlying writer when it can flush.
func (s *statusRecorder) Flush() {
	if s.code == 0 {
		s.code = http.StatusOK
	}
	if f, ok := s.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// prefixReader keeps the first bundleSniffLimit bytes read through it.
type prefixReader struct {
	io.ReadCloser
	buf []byte
}

func (p *prefixReader) Read(b []byte) (int, error) {
	n, err := p.ReadCloser.Read(b)
	if room := bundleSniffLimit - len(p.buf); room > 0 && n > 0 {
		p.buf = append(p.buf, b[:min(n, room)]...)
	}
	return n, err
}
