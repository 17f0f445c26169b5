package http

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"mime"
	"net"
	nethttp "net/http"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/plexus-health/plexus/connector/internal/option"
	"github.com/plexus-health/plexus/engine"
	"github.com/plexus-health/plexus/platform/limit"
	"github.com/plexus-health/plexus/platform/tlsconfig"
)

// Defaults of the source options.
const (
	DefaultMaxBodySize  = 16 << 20
	DefaultReadTimeout  = 60 * time.Second
	DefaultWriteTimeout = 60 * time.Second
	DefaultIdleTimeout  = 120 * time.Second
	DefaultRetryAfter   = 5 * time.Second
)

// DefaultContentTypes are the media type patterns a source accepts when
// its options name none.
var DefaultContentTypes = []string{
	"application/hl7-v2", "x-application/hl7-v2+er7",
	"text/*",
	"application/json", "application/*+json",
	"application/xml", "application/*+xml",
	"application/edi-x12",
}

// readHeaderTimeout bounds reading request headers: a client that cannot
// send them in this time is not a real sender.
const readHeaderTimeout = 10 * time.Second

// SourceConfig is the options of an HTTP source.
type SourceConfig struct {
	// Listen is the TCP address to listen on, host:port.
	Listen string `yaml:"listen"`
	// Path is the path messages are posted to; default "/".
	Path string `yaml:"path"`
	// TLS, when set, makes the endpoint HTTPS.
	TLS *tlsconfig.Server `yaml:"tls"`
	// MaxBodySize is the largest body accepted, in bytes; 0 means
	// DefaultMaxBodySize.
	MaxBodySize int64 `yaml:"max_body_size"`
	// ContentTypes are the media type patterns accepted; empty means
	// DefaultContentTypes.
	ContentTypes []string `yaml:"content_types"`
	// ReadTimeout bounds reading a whole request; 0 means
	// DefaultReadTimeout.
	ReadTimeout time.Duration `yaml:"read_timeout"`
	// WriteTimeout bounds the time from the end of the request headers to
	// the end of the response, the engine's journaling included; 0 means
	// DefaultWriteTimeout.
	WriteTimeout time.Duration `yaml:"write_timeout"`
	// IdleTimeout closes keep-alive connections idle for this long; 0
	// means DefaultIdleTimeout.
	IdleTimeout time.Duration `yaml:"idle_timeout"`
	// RetryAfter is sent with 503 answers; 0 means DefaultRetryAfter.
	RetryAfter time.Duration `yaml:"retry_after"`
	// RateLimit, when its PerSecond is above 0, limits each client (by
	// remote address) to PerSecond requests a second and Burst at once;
	// more get 429 with Retry-After. Off by default: senders are usually
	// a few known systems, slowed by the journal's backpressure instead.
	RateLimit struct {
		PerSecond float64 `yaml:"per_second"`
		Burst     int     `yaml:"burst"` // default: PerSecond, at least 1
	} `yaml:"rate_limit"`
}

func (c *SourceConfig) validate() error {
	var p option.Problems
	p.ListenAddr("listen", c.Listen)
	if c.Path == "" {
		c.Path = "/"
	}
	if !validPath(c.Path) {
		p.Addf("path", "%q is not a clean absolute path such as /hl7 (letters, digits and - . _ ~ between slashes)", c.Path)
	}
	p.NotNegative("max_body_size", c.MaxBodySize)
	for i, pat := range c.ContentTypes {
		if _, err := path.Match(pat, ""); err != nil || strings.Count(pat, "/") != 1 || pat != strings.ToLower(pat) {
			p.Addf(fmt.Sprintf("content_types[%d]", i), "%q is not a lower-case media type pattern such as text/* or application/json", pat)
		}
	}
	p.Duration("read_timeout", c.ReadTimeout)
	p.Duration("write_timeout", c.WriteTimeout)
	p.Duration("idle_timeout", c.IdleTimeout)
	p.Duration("retry_after", c.RetryAfter)
	if c.RateLimit.PerSecond < 0 {
		p.Addf("rate_limit.per_second", "must not be negative")
	}
	p.NotNegative("rate_limit.burst", int64(c.RateLimit.Burst))
	if c.TLS != nil {
		p.Add(c.TLS.Validate("tls"))
	}
	return p.Err()
}

// validPath reports whether p is an absolute, clean path of plain
// characters, which a ServeMux pattern matches literally.
func validPath(p string) bool {
	if !strings.HasPrefix(p, "/") || path.Clean(p) != p {
		return false
	}
	for _, c := range p {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.ContainsRune("/-._~", c)) {
			return false
		}
	}
	return true
}

// Source is an HTTP endpoint feeding a channel.
type Source struct {
	cfg SourceConfig
	log *slog.Logger

	mu     sync.Mutex
	srv    *nethttp.Server
	addr   net.Addr
	done   chan struct{} // closed when Serve returned
	recv   engine.Receiver
	closed bool
}

// NewSource is the engine.SourceFactory of HTTP sources. It checks the
// options; the listener is opened by Start.
func NewSource(env engine.Env, opts engine.Options) (engine.Source, error) {
	var cfg SourceConfig
	if err := opts.Decode(&cfg); err != nil {
		return nil, err
	}
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	cfg.MaxBodySize = cmp.Or(cfg.MaxBodySize, DefaultMaxBodySize)
	if len(cfg.ContentTypes) == 0 {
		cfg.ContentTypes = DefaultContentTypes
	}
	log := env.Logger
	if log == nil {
		log = slog.Default()
	}
	return &Source{cfg: cfg, log: log.With("channel", env.Channel, "source", "http")}, nil
}

// Start opens the listener and serves requests until Stop.
func (s *Source) Start(ctx context.Context, recv engine.Receiver) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.srv != nil || s.closed {
		return errors.New("http source: already started")
	}
	mux := nethttp.NewServeMux()
	pattern := "POST " + s.cfg.Path
	if s.cfg.Path == "/" {
		pattern += "{$}" // the root only, not every path
	}
	mux.HandleFunc(pattern, s.serve)
	burst := cmp.Or(s.cfg.RateLimit.Burst, int(math.Ceil(s.cfg.RateLimit.PerSecond)))
	srv := &nethttp.Server{
		Handler:           limit.NewLimiter(s.cfg.RateLimit.PerSecond, burst).Wrap(mux),
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       cmp.Or(s.cfg.ReadTimeout, DefaultReadTimeout),
		WriteTimeout:      cmp.Or(s.cfg.WriteTimeout, DefaultWriteTimeout),
		IdleTimeout:       cmp.Or(s.cfg.IdleTimeout, DefaultIdleTimeout),
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	if s.cfg.TLS != nil {
		certs, err := s.cfg.TLS.Load(s.log)
		if err != nil {
			return fmt.Errorf("http source: %w", err)
		}
		srv.TLSConfig = certs.Config()
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", s.cfg.Listen)
	if err != nil {
		return fmt.Errorf("http source: %w", err)
	}
	s.srv, s.addr, s.recv, s.done = srv, ln.Addr(), recv, make(chan struct{})
	s.log.Info("http source listening", "addr", ln.Addr().String(), "path", s.cfg.Path, "tls", srv.TLSConfig != nil)
	if srv.TLSConfig == nil {
		tlsconfig.WarnPlaintext(s.log, "http source", ln.Addr().String())
	}
	go func(done chan struct{}) {
		defer close(done)
		var err error
		if srv.TLSConfig != nil {
			err = srv.ServeTLS(ln, "", "")
		} else {
			err = srv.Serve(ln)
		}
		if !errors.Is(err, nethttp.ErrServerClosed) {
			s.log.Error("http source stopped serving", "err", err)
		}
	}(s.done)
	return nil
}

// Addr returns the address the source listens on once started, nil before.
func (s *Source) Addr() net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addr
}

// Stop stops accepting requests and waits for those in progress to be
// answered; when ctx ends first, it closes every connection.
func (s *Source) Stop(ctx context.Context) error {
	s.mu.Lock()
	srv, done := s.srv, s.done
	s.closed = true
	s.mu.Unlock()
	if srv == nil {
		return nil
	}
	err := srv.Shutdown(ctx)
	if err != nil {
		srv.Close()
	}
	<-done
	if err != nil {
		return fmt.Errorf("http source: stopping: %w", err)
	}
	return nil
}

// serve takes one posted message.
func (s *Source) serve(w nethttp.ResponseWriter, r *nethttp.Request) {
	log := s.log.With("remote", r.RemoteAddr)
	header := r.Header.Get("Content-Type")
	media := ""
	if header != "" {
		var err error
		if media, _, err = mime.ParseMediaType(header); err != nil {
			log.Info("http request refused: bad Content-Type", "err", err)
			nethttp.Error(w, "malformed Content-Type header", nethttp.StatusUnsupportedMediaType)
			return
		}
		if !s.accepts(media) {
			log.Info("http request refused: content type not accepted", "content_type", media)
			nethttp.Error(w, fmt.Sprintf("Content-Type %s is not accepted here", media), nethttp.StatusUnsupportedMediaType)
			return
		}
	}
	if r.ContentLength > s.cfg.MaxBodySize {
		s.tooLarge(w, log, r.ContentLength)
		return
	}
	body, err := io.ReadAll(nethttp.MaxBytesReader(w, r.Body, s.cfg.MaxBodySize))
	if err != nil {
		var tooBig *nethttp.MaxBytesError
		if errors.As(err, &tooBig) {
			s.tooLarge(w, log, -1)
			return
		}
		log.Info("http request refused: reading body failed", "err", err)
		nethttp.Error(w, "reading the request body failed", nethttp.StatusBadRequest)
		return
	}
	if len(bytes.TrimSpace(body)) == 0 {
		nethttp.Error(w, "empty body", nethttp.StatusBadRequest)
		return
	}
	ct := contentType(media, body)
	if media == "" && (ct == "" || !s.accepts(ct)) {
		log.Info("http request refused: no Content-Type, and the body is neither HL7 v2, X12 nor JSON", "size", len(body))
		nethttp.Error(w, "Content-Type required: the body is neither HL7 v2, X12 nor JSON", nethttp.StatusUnsupportedMediaType)
		return
	}

	in := &engine.Inbound{Source: "http", Remote: r.RemoteAddr, ContentType: ct, Raw: body, ReceivedAt: time.Now()}
	reply, err := s.recv.Receive(r.Context(), in)
	if err != nil || reply == nil {
		if err == nil {
			err = errors.New("the receiver gave no reply")
		}
		log.Warn("http message not stored; asking the sender to retry", "size", len(body), "err", err)
		w.Header().Set("Retry-After", strconv.Itoa(int((cmp.Or(s.cfg.RetryAfter, DefaultRetryAfter)+time.Second-1)/time.Second)))
		nethttp.Error(w, "the message could not be stored; send it again later", nethttp.StatusServiceUnavailable)
		return
	}
	status := nethttp.StatusOK
	if !accepted(ct, reply) {
		status = nethttp.StatusBadRequest
	}
	log.Debug("http message received", "size", len(body), "content_type", ct,
		"message_id", reply.MessageID, "code", reply.Code, "status", status)
	if ct == engine.ContentHL7v2 {
		w.Header().Set("Content-Type", cmp.Or(reply.ContentType, engine.ContentHL7v2))
		w.WriteHeader(status)
		w.Write(reply.Body)
		return
	}
	if ct == engine.ContentX12 && len(reply.Body) > 0 {
		// The TA1 and 999 answers; a refused interchange gets 422, as
		// its HTTP request was well-formed.
		if status != nethttp.StatusOK {
			status = nethttp.StatusUnprocessableEntity
		}
		w.Header().Set("Content-Type", cmp.Or(reply.ContentType, engine.ContentX12))
		w.WriteHeader(status)
		w.Write(reply.Body)
		return
	}
	answer := struct {
		ID     int64  `json:"id"`
		Status string `json:"status"`
	}{reply.MessageID, "accepted"}
	if status != nethttp.StatusOK {
		answer.Status = "rejected"
	}
	w.Header().Set("Content-Type", engine.ContentJSON)
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(answer)
}

func (s *Source) tooLarge(w nethttp.ResponseWriter, log *slog.Logger, size int64) {
	log.Info("http request refused: body too large", "content_length", size, "max_body_size", s.cfg.MaxBodySize)
	w.Header().Set("Connection", "close")
	nethttp.Error(w, fmt.Sprintf("body larger than %d bytes", s.cfg.MaxBodySize), nethttp.StatusRequestEntityTooLarge)
}

// accepts reports whether media matches one of the accepted patterns.
func (s *Source) accepts(media string) bool {
	for _, pat := range s.cfg.ContentTypes {
		if ok, _ := path.Match(pat, media); ok {
			return true
		}
	}
	return false
}

// contentType decides the engine content type of a body sent with the
// media type of its Content-Type header ("" when there was none). It
// returns "" for a body without a header that it does not recognise.
func contentType(media string, body []byte) string {
	switch media {
	case engine.ContentHL7v2, "x-application/hl7-v2+er7":
		return engine.ContentHL7v2
	case engine.ContentText:
		if looksHL7(body) {
			return engine.ContentHL7v2
		}
		return engine.ContentText
	case "":
		switch {
		case looksHL7(body):
			return engine.ContentHL7v2
		case looksX12(body):
			return engine.ContentX12
		case json.Valid(body):
			return engine.ContentJSON
		}
		return ""
	}
	return media
}

// looksHL7 reports whether body starts with an MSH segment, after a
// byte-order mark and white space.
func looksHL7(body []byte) bool {
	body = bytes.TrimPrefix(body, []byte("\xef\xbb\xbf"))
	body = bytes.TrimLeft(body, " \t\r\n")
	return len(body) > 3 && string(body[:3]) == "MSH"
}

// looksX12 reports whether body starts with an ISA segment, after a
// byte-order mark and white space.
func looksX12(body []byte) bool {
	body = bytes.TrimPrefix(body, []byte("\xef\xbb\xbf"))
	body = bytes.TrimLeft(body, " \t\r\n")
	return len(body) > 4 && string(body[:3]) == "ISA" && !isAlnum(body[3])
}

func isAlnum(b byte) bool {
	return b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z'
}

// accepted reports whether the reply accepts the message: for HL7 v2 the
// acknowledgement code decides (AA and CA accept; AE, AR, CE and CR do
// not), as the sender will read it too; otherwise, and for a code that is
// not an acknowledgement code, the reply's Accepted flag.
func accepted(ct string, reply *engine.Reply) bool {
	if ct == engine.ContentHL7v2 {
		switch reply.Code {
		case "AA", "CA":
			return true
		case "AE", "AR", "CE", "CR":
			return false
		}
	}
	return reply.Accepted
}

var _ engine.Source = (*Source)(nil)
