package http

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	nethttp "net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/plexus-health/plexus/connector/internal/msgtmpl"
	"github.com/plexus-health/plexus/connector/internal/option"
	"github.com/plexus-health/plexus/engine"
	"github.com/plexus-health/plexus/platform/tlsconfig"
)

// DefaultTimeout bounds one delivery when the options set no timeout.
const DefaultTimeout = 30 * time.Second

// MaxResponseBody is how much of a response body a delivery keeps.
const MaxResponseBody = 64 << 10

// DestinationConfig is the options of an HTTP destination.
type DestinationConfig struct {
	// URL is where messages go, http or https.
	URL string `yaml:"url"`
	// Method is POST (default) or PUT.
	Method string `yaml:"method"`
	// Headers are added to each request; values are text/template
	// strings over msgtmpl.Data.
	Headers map[string]string `yaml:"headers"`
	// SuccessCodes are the statuses that mean delivered; empty means any
	// 2xx.
	SuccessCodes []int `yaml:"success_codes"`
	// Timeout bounds a whole exchange, reading the response included; 0
	// means DefaultTimeout.
	Timeout time.Duration `yaml:"timeout"`
	// TLS configures https connections.
	TLS *tlsconfig.Client `yaml:"tls"`
}

// header is a configured header with its parsed value template.
type header struct {
	name  string // canonical
	value *msgtmpl.Template
}

// forbiddenHeaders are set by the HTTP client from the request itself.
var forbiddenHeaders = []string{"Connection", "Content-Length", "Host", "Te", "Trailer", "Transfer-Encoding", "Upgrade"}

func (c *DestinationConfig) validate() ([]header, error) {
	var p option.Problems
	if u := p.HTTPURL("url", c.URL); u != nil && c.TLS != nil && u.Scheme != "https" {
		p.Addf("tls", "set, but url is not https")
	}
	c.Method = strings.ToUpper(cmp.Or(c.Method, nethttp.MethodPost))
	p.OneOf("method", c.Method, nethttp.MethodPost, nethttp.MethodPut)
	for i, code := range c.SuccessCodes {
		if code < 100 || code > 599 {
			p.Addf(fmt.Sprintf("success_codes[%d]", i), "%d is not an HTTP status code", code)
		}
	}
	p.Duration("timeout", c.Timeout)
	if c.TLS != nil {
		p.Add(c.TLS.Validate("tls"))
	}
	names := make([]string, 0, len(c.Headers))
	for name := range c.Headers {
		names = append(names, name)
	}
	sort.Strings(names)
	var headers []header
	for _, name := range names {
		field := "headers." + name
		canon := nethttp.CanonicalHeaderKey(name)
		switch {
		case !isToken(name):
			p.Addf(field, "not a valid header name")
			continue
		case slices.Contains(forbiddenHeaders, canon):
			p.Addf(field, "set by the HTTP client; it cannot be configured")
			continue
		}
		t, _, err := msgtmpl.Parse(name, c.Headers[name], msgtmpl.Data{})
		if err != nil {
			p.Addf(field, "%v", err)
			continue
		}
		headers = append(headers, header{canon, t})
	}
	return headers, p.Err()
}

// isToken reports whether s is an HTTP token, as header names must be.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range []byte(s) {
		if c <= ' ' || c >= 0x7f || strings.IndexByte("\"(),/:;<=>?@[\\]{}", c) >= 0 {
			return false
		}
	}
	return true
}

// Destination sends each message as the body of an HTTP request.
type Destination struct {
	cfg     DestinationConfig
	headers []header
	log     *slog.Logger

	mu     sync.Mutex
	client *nethttp.Client // nil until the first Deliver
	closed bool
}

// StatusError is the error of a delivery answered with a status that is
// not a success.
type StatusError struct {
	StatusCode int
}

// Error names the status.
func (e *StatusError) Error() string {
	return fmt.Sprintf("http destination: answered %d %s", e.StatusCode, nethttp.StatusText(e.StatusCode))
}

// NewDestination is the engine.DestinationFactory of HTTP destinations. It
// checks the options, header templates included, without connecting.
func NewDestination(env engine.Env, opts engine.Options) (engine.Destination, error) {
	var cfg DestinationConfig
	if err := opts.Decode(&cfg); err != nil {
		return nil, err
	}
	headers, err := cfg.validate()
	if err != nil {
		return nil, err
	}
	log := env.Logger
	if log == nil {
		log = slog.Default()
	}
	return &Destination{cfg: cfg, headers: headers, log: log.With("channel", env.Channel, "destination", env.Name)}, nil
}

// Deliver sends out.Payload. The response holds the status code and at
// most MaxResponseBody bytes of the body, and is returned with the error
// too when the status is not a success.
func (d *Destination) Deliver(ctx context.Context, out *engine.Outbound) (*engine.Response, error) {
	client, err := d.connect()
	if err != nil {
		return nil, err
	}
	req, err := nethttp.NewRequestWithContext(ctx, d.cfg.Method, d.cfg.URL, bytes.NewReader(out.Payload))
	if err != nil {
		return nil, engine.Permanent(fmt.Errorf("http destination: %w", err))
	}
	req.Header.Set("Content-Type", cmp.Or(out.ContentType, "application/octet-stream"))
	data := msgtmpl.NewData(out, nil)
	for _, h := range d.headers {
		v, err := h.value.Execute(data)
		if err == nil && strings.ContainsAny(v, "\r\n\x00") {
			err = errors.New("the value has a line break or NUL")
		}
		if err != nil {
			// The same message gives the same value on every attempt.
			return nil, engine.Permanent(fmt.Errorf("http destination: header %s: %w", h.name, err))
		}
		req.Header.Set(h.name, v)
	}

	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("http destination: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxResponseBody))
	if err != nil {
		// The status is what counts; keep what arrived of the body.
		d.log.Info("http destination: reading the response body failed", "message_id", out.MessageID, "err", err)
	}
	// Drain a little more so that the connection can be reused.
	io.Copy(io.Discard, io.LimitReader(resp.Body, 4*MaxResponseBody))
	r := &engine.Response{Status: strconv.Itoa(resp.StatusCode), Body: body}
	if d.success(resp.StatusCode) {
		return r, nil
	}
	serr := &StatusError{StatusCode: resp.StatusCode}
	d.log.Info("http destination: delivery refused", "message_id", out.MessageID, "status", resp.StatusCode)
	if retryable(resp.StatusCode) {
		return r, serr
	}
	return r, engine.Permanent(serr)
}

// success reports whether code means delivered.
func (d *Destination) success(code int) bool {
	if len(d.cfg.SuccessCodes) == 0 {
		return code >= 200 && code <= 299
	}
	return slices.Contains(d.cfg.SuccessCodes, code)
}

// retryable reports whether a failure status may go away by itself: the
// server timed out, is rate limiting or has a problem of its own.
func retryable(code int) bool {
	return code == nethttp.StatusRequestTimeout || code == nethttp.StatusTooManyRequests || code >= 500
}

// connect returns the client, creating it on first use.
func (d *Destination) connect() (*nethttp.Client, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return nil, errors.New("http destination: closed")
	}
	if d.client != nil {
		return d.client, nil
	}
	tr := nethttp.DefaultTransport.(*nethttp.Transport).Clone()
	if d.cfg.TLS != nil {
		tc, err := d.cfg.TLS.Load()
		if err != nil {
			// Not permanent: the operator may fix the file.
			return nil, fmt.Errorf("http destination: %w", err)
		}
		tr.TLSClientConfig = tc
	}
	d.client = &nethttp.Client{
		Transport: tr,
		Timeout:   cmp.Or(d.cfg.Timeout, DefaultTimeout),
		// A redirect is answered as it is: following one would turn a
		// POST into a GET, and the target is the operator's to change.
		CheckRedirect: func(*nethttp.Request, []*nethttp.Request) error { return nethttp.ErrUseLastResponse },
	}
	return d.client, nil
}

// Close closes idle connections; later deliveries fail.
func (d *Destination) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.closed = true
	if d.client != nil {
		d.client.CloseIdleConnections()
	}
	return nil
}

var (
	_ engine.Destination = (*Destination)(nil)
	_ engine.Closer      = (*Destination)(nil)
)
