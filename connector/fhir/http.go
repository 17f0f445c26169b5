package fhir

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/plexus-health/plexus/connector/internal/option"
	"github.com/plexus-health/plexus/engine"
	"github.com/plexus-health/plexus/platform/tlsconfig"
)

// DefaultTimeout bounds one fhir-http delivery, token included, when the
// options set none.
const DefaultTimeout = 30 * time.Second

// maxAnswer bounds how much of a FHIR server's answer is read, to check a
// batch-response's entries; maxResponse of it is kept.
const maxAnswer = 16 << 20

// HTTPConfig is the options of a fhir-http destination.
type HTTPConfig struct {
	// URL is the FHIR base, http or https; each Bundle is POSTed to it.
	URL     string        `yaml:"url"`
	Timeout time.Duration `yaml:"timeout"`
	// TLS configures https, for the FHIR server and the token endpoint.
	TLS    *tlsconfig.Client `yaml:"tls"`
	OAuth2 *OAuth2Config     `yaml:"oauth2"`
}

func (c *HTTPConfig) validate() error {
	var p option.Problems
	if u := p.HTTPURL("url", c.URL); u != nil && (u.RawQuery != "" || u.Fragment != "") {
		p.Addf("url", "%q: a FHIR base has no query or fragment", u.Redacted())
	}
	c.URL = strings.TrimSuffix(c.URL, "/")
	p.Duration("timeout", c.Timeout)
	if c.TLS != nil {
		p.Add(c.TLS.Validate("tls"))
	}
	if c.OAuth2 != nil {
		c.OAuth2.validate(&p)
	}
	return p.Err()
}

// HTTP is the fhir-http destination: it POSTs each Bundle to an external
// FHIR server's base.
type HTTP struct {
	cfg HTTPConfig
	log *slog.Logger
	now func() time.Time

	mu     sync.Mutex
	client *http.Client // nil until the first Deliver
	tokens *tokenSource // nil without oauth2
	closed bool
}

// NewHTTP is the engine.DestinationFactory of fhir-http destinations. It
// checks the options without connecting or reading the secret.
func NewHTTP(env engine.Env, opts engine.Options) (engine.Destination, error) {
	var cfg HTTPConfig
	if err := opts.Decode(&cfg); err != nil {
		return nil, err
	}
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	log := env.Logger
	if log == nil {
		log = slog.Default()
	}
	return &HTTP{cfg: cfg, now: time.Now, log: log.With("channel", env.Channel, "destination", env.Name)}, nil
}

// Deliver POSTs out.Payload to the FHIR base. The response holds the
// status and at most 64 KiB of the answer, and is returned with the error
// too when the server refused the Bundle.
func (h *HTTP) Deliver(ctx context.Context, out *engine.Outbound) (*engine.Response, error) {
	client, tokens, err := h.connect()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, cmp.Or(h.cfg.Timeout, DefaultTimeout))
	defer cancel()
	var token string
	if tokens != nil {
		if token, err = tokens.Token(ctx); err != nil {
			// Not the message's fault: it waits for the operator to fix
			// the credentials or for the server to come back.
			return nil, fmt.Errorf("fhir-http: getting an access token: %w", err)
		}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.cfg.URL, bytes.NewReader(out.Payload))
	if err != nil {
		return nil, engine.Permanent(fmt.Errorf("fhir-http: %w", err))
	}
	req.Header.Set("Content-Type", cmp.Or(out.ContentType, engine.ContentFHIR))
	req.Header.Set("Accept", engine.ContentFHIR)
	req.Header.Set("Prefer", "return=minimal")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fhir-http: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		h.log.Info("fhir-http: reading the answer failed", "message_id", out.MessageID, "err", err)
	}
	r := &engine.Response{Status: strconv.Itoa(resp.StatusCode), Body: truncate(body)}
	switch code := resp.StatusCode; {
	case code >= 200 && code <= 299:
		if oe := batchFailure(body); oe != nil {
			h.log.Info("fhir-http: batch entries refused", "message_id", out.MessageID, "failed", oe.Failed, "status", oe.Status)
			return r, fmt.Errorf("fhir-http: %w", classify(oe))
		}
		return r, nil
	case code == http.StatusUnauthorized && tokens != nil:
		// The token was revoked or expired early: fetch a new one on the
		// next attempt.
		tokens.Invalidate(token)
		h.log.Info("fhir-http: access token refused", "message_id", out.MessageID)
		return r, fmt.Errorf("fhir-http: the FHIR server refused the access token (401); a new one will be fetched")
	default:
		oe := &OutcomeError{Status: code, Entry: -1, issues: parseOutcome(body)}
		h.log.Info("fhir-http: Bundle refused", "message_id", out.MessageID, "status", code)
		return r, fmt.Errorf("fhir-http: %w", classify(oe))
	}
}

// connect returns the client and token source, creating them on first use.
func (h *HTTP) connect() (*http.Client, *tokenSource, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil, nil, errors.New("fhir-http: closed")
	}
	if h.client != nil {
		return h.client, h.tokens, nil
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if h.cfg.TLS != nil {
		tc, err := h.cfg.TLS.Load()
		if err != nil {
			// Not permanent: the operator may fix the file.
			return nil, nil, fmt.Errorf("fhir-http: %w", err)
		}
		tr.TLSClientConfig = tc
	}
	h.client = &http.Client{
		Transport: tr,
		// A redirect is answered as it is: following one would turn the
		// POST into a GET.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	if h.cfg.OAuth2 != nil {
		h.tokens = &tokenSource{cfg: *h.cfg.OAuth2, client: h.client, now: h.now}
	}
	return h.client, h.tokens, nil
}

// Close closes idle connections; later deliveries fail.
func (h *HTTP) Close() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	if h.client != nil {
		h.client.CloseIdleConnections()
	}
	return nil
}

var (
	_ engine.Destination = (*HTTP)(nil)
	_ engine.Closer      = (*HTTP)(nil)
)
