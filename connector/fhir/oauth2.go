package fhir

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/plexus-health/plexus/connector/internal/option"
)

// OAuth2Config is the OAuth2 client credentials grant (RFC 6749 section
// 4.4) a fhir-http destination authenticates with. golang.org/x/oauth2 is
// not a dependency of Plexus; this grant needs one form POST.
type OAuth2Config struct {
	// TokenURL is the authorization server's token endpoint.
	TokenURL string `yaml:"token_url"`
	ClientID string `yaml:"client_id"`
	// ClientSecretEnv names the environment variable holding the secret;
	// ClientSecretFile names a file holding it (surrounding white space is
	// ignored). Exactly one is set; the secret itself never is in the
	// configuration.
	ClientSecretEnv  string `yaml:"client_secret_env"`
	ClientSecretFile string `yaml:"client_secret_file"`
	// Scope is the space-separated scope requested; none when empty.
	Scope string `yaml:"scope"`
	// AuthStyle is how the client authenticates: "basic" (HTTP Basic, the
	// default, which RFC 6749 requires servers to support) or "body"
	// (client_id and client_secret in the form).
	AuthStyle string `yaml:"auth_style"`
}

func (c *OAuth2Config) validate(p *option.Problems) {
	p.HTTPURL("oauth2.token_url", c.TokenURL)
	if c.ClientID == "" {
		p.Addf("oauth2.client_id", "required")
	}
	if (c.ClientSecretEnv == "") == (c.ClientSecretFile == "") {
		p.Addf("oauth2", "set exactly one of client_secret_env and client_secret_file")
	}
	c.AuthStyle = cmp.Or(c.AuthStyle, "basic")
	p.OneOf("oauth2.auth_style", c.AuthStyle, "basic", "body")
}

// secret reads the client secret. It is read for each new token, so that a
// rotated secret is used without a reload.
func (c *OAuth2Config) secret() (string, error) {
	if c.ClientSecretEnv != "" {
		s, ok := os.LookupEnv(c.ClientSecretEnv)
		if !ok || s == "" {
			return "", fmt.Errorf("the environment variable %s holding the client secret is not set", c.ClientSecretEnv)
		}
		return s, nil
	}
	b, err := os.ReadFile(c.ClientSecretFile)
	if err != nil {
		return "", fmt.Errorf("reading the client secret: %w", err)
	}
	s := strings.TrimSpace(string(b))
	if s == "" {
		return "", fmt.Errorf("the client secret file %s is empty", c.ClientSecretFile)
	}
	return s, nil
}

// maxTokenResponse bounds a token endpoint's answer.
const maxTokenResponse = 1 << 20

// tokenSource fetches access tokens and keeps the current one until shortly
// before it expires. It is safe for concurrent use; concurrent callers
// wait for one fetch.
type tokenSource struct {
	cfg    OAuth2Config
	client *http.Client
	now    func() time.Time

	mu     sync.Mutex
	token  string
	expiry time.Time // zero: valid until invalidated
}

// Token returns a valid access token, fetching a new one when needed.
func (ts *tokenSource) Token(ctx context.Context) (string, error) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if ts.token != "" && (ts.expiry.IsZero() || ts.now().Before(ts.expiry)) {
		return ts.token, nil
	}
	tok, lifetime, err := ts.fetch(ctx)
	if err != nil {
		return "", err
	}
	ts.token, ts.expiry = tok, time.Time{}
	if lifetime > 0 {
		// Renew early, by a tenth of the lifetime and at most a minute, so
		// that a token does not expire between here and the FHIR server.
		ts.expiry = ts.now().Add(lifetime - min(lifetime/10, time.Minute))
	}
	return tok, nil
}

// Invalidate drops tok if it is still the current token: the FHIR server
// refused it.
func (ts *tokenSource) Invalidate(tok string) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if ts.token == tok {
		ts.token, ts.expiry = "", time.Time{}
	}
}

// TokenError is a token endpoint's refusal, with the OAuth2 error code.
type TokenError struct {
	Status      int
	Code        string // "invalid_client", ...; "" when the body had none
	Description string
}

// Error implements error.
func (e *TokenError) Error() string {
	s := fmt.Sprintf("token endpoint answered %d %s", e.Status, http.StatusText(e.Status))
	if e.Code != "" {
		s += ": " + e.Code
	}
	if e.Description != "" {
		s += ": " + e.Description
	}
	return s
}

// fetch runs the client credentials grant.
func (ts *tokenSource) fetch(ctx context.Context) (string, time.Duration, error) {
	secret, err := ts.cfg.secret()
	if err != nil {
		return "", 0, err
	}
	form := url.Values{"grant_type": {"client_credentials"}}
	if ts.cfg.Scope != "" {
		form.Set("scope", ts.cfg.Scope)
	}
	if ts.cfg.AuthStyle == "body" {
		form.Set("client_id", ts.cfg.ClientID)
		form.Set("client_secret", secret)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ts.cfg.TokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return "", 0, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	if ts.cfg.AuthStyle != "body" {
		// RFC 6749 section 2.3.1: both parts form-encoded before Basic.
		req.SetBasicAuth(url.QueryEscape(ts.cfg.ClientID), url.QueryEscape(secret))
	}
	resp, err := ts.client.Do(req)
	if err != nil {
		return "", 0, fmt.Errorf("token endpoint: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxTokenResponse))
	if err != nil {
		return "", 0, fmt.Errorf("token endpoint: reading the answer: %w", err)
	}
	var ans struct {
		AccessToken string          `json:"access_token"`
		TokenType   string          `json:"token_type"`
		ExpiresIn   json.RawMessage `json:"expires_in"`
		Error       string          `json:"error"`
		Description string          `json:"error_description"`
	}
	jsonErr := json.Unmarshal(body, &ans)
	if resp.StatusCode != http.StatusOK {
		return "", 0, &TokenError{Status: resp.StatusCode, Code: ans.Error, Description: ans.Description}
	}
	if jsonErr != nil {
		return "", 0, fmt.Errorf("token endpoint: the answer is not JSON: %w", jsonErr)
	}
	if ans.AccessToken == "" {
		return "", 0, errors.New("token endpoint: the answer has no access_token")
	}
	if ans.TokenType != "" && !strings.EqualFold(ans.TokenType, "bearer") {
		return "", 0, fmt.Errorf("token endpoint: token_type %q is not bearer", ans.TokenType)
	}
	// expires_in is a number; some servers send it as a string.
	var secs float64
	if len(ans.ExpiresIn) > 0 {
		s := strings.Trim(string(ans.ExpiresIn), `"`)
		if _, err := fmt.Sscan(s, &secs); err != nil {
			return "", 0, fmt.Errorf("token endpoint: expires_in %s is not a number", ans.ExpiresIn)
		}
	}
	return ans.AccessToken, time.Duration(secs * float64(time.Second)), nil
}
