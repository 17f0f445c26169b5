package auth

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/plexus-health/plexus/platform/store"
)

// The built-in authorization server
//
// A standalone install needs no external identity provider: systems that
// call the FHIR API register as clients (plexus clients add) with their
// public keys and allowed scopes, and get access tokens by SMART Backend
// Services (client_credentials with a private_key_jwt client assertion).
// The server signs its tokens with its own ES256 key, generated on first
// start and kept in the store, and publishes the public half at
// /auth/jwks; its Verifier checks them with that key directly, and checks
// tokens of the external issuers configured beside it with theirs.

// Token lifetime bounds and default.
const (
	DefaultTokenLifetime = 15 * time.Minute
	MinTokenLifetime     = 5 * time.Minute
	MaxTokenLifetime     = 60 * time.Minute
)

// MaxAssertionLifetime is how far ahead a client assertion's exp may be
// (SMART Backend Services: no more than five minutes).
const MaxAssertionLifetime = 5 * time.Minute

// AssertionAlgs are the algorithms accepted on client assertions: the
// SMART ones (RS384, ES384) and their SHA-256 siblings.
var AssertionAlgs = []string{RS384, ES384, RS256, ES256}

// Paths the server answers, below its issuer URL.
const (
	TokenPath = "/auth/token"
	JWKSPath  = "/auth/jwks"
)

// JWTBearer is the client_assertion_type of private_key_jwt.
const JWTBearer = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

const maxFormSize = 64 << 10

// ServerOptions configure the authorization server.
type ServerOptions struct {
	// Issuer is the server's public base URL (https://plexus.example.org);
	// its tokens carry it as iss, the token endpoint is Issuer+TokenPath.
	Issuer string
	// Audience is the aud of the tokens it issues (default Issuer+"/fhir",
	// the FHIR base URL).
	Audience string
	// TokenLifetime is how long its tokens live: 5 to 60 minutes
	// (default 15).
	TokenLifetime time.Duration
	// External are other issuers whose tokens the Verifier accepts too.
	External []Issuer
	// Client fetches clients' JWK Set URLs (default: 10 s timeout, no
	// redirects).
	Client *http.Client
	// Logger records refused requests (without tokens or payloads).
	Logger *slog.Logger
	// Now is the clock (default time.Now), for tests.
	Now func() time.Time
}

// Server is the built-in SMART Backend Services authorization server.
type Server struct {
	opts     ServerOptions
	clients  *Clients
	key      *ecdsa.PrivateKey
	kid      string
	keys     *KeySet // the server's public keys
	verifier *Verifier

	mu     sync.Mutex
	remote map[string]*RemoteKeySet // clients' JWK Set URLs
}

// NewServer returns the authorization server on db, creating its signing
// key on first start.
func NewServer(ctx context.Context, db *store.DB, opts ServerOptions) (*Server, error) {
	u, err := url.Parse(opts.Issuer)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("auth server: issuer %q must be an absolute http(s) URL", opts.Issuer)
	}
	opts.Issuer = strings.TrimSuffix(opts.Issuer, "/")
	if opts.Audience == "" {
		opts.Audience = opts.Issuer + "/fhir"
	}
	if opts.TokenLifetime == 0 {
		opts.TokenLifetime = DefaultTokenLifetime
	}
	if opts.TokenLifetime < MinTokenLifetime || opts.TokenLifetime > MaxTokenLifetime {
		return nil, fmt.Errorf("auth server: token lifetime %v is outside %v to %v", opts.TokenLifetime, MinTokenLifetime, MaxTokenLifetime)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Server{opts: opts, clients: NewClients(db), remote: map[string]*RemoteKeySet{}}
	if err := s.loadKeys(ctx, db); err != nil {
		return nil, err
	}
	own := Issuer{Issuer: opts.Issuer, Audience: opts.Audience, Keys: s.keys, Algs: []string{ES256}}
	s.verifier = NewVerifier(append(append([]Issuer(nil), opts.External...), own)...)
	s.verifier.Now = opts.Now
	return s, nil
}

// loadKeys reads the server's signing keys, generating one when there is
// none. When two nodes sharing a store start at once both may insert a
// key; both then sign with the oldest and publish all.
func (s *Server) loadKeys(ctx context.Context, db *store.DB) error {
	var n int
	if err := db.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM oauth_keys`).Scan(&n); err != nil {
		return fmt.Errorf("auth server: reading signing keys: %w", err)
	}
	if n == 0 {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return fmt.Errorf("auth server: generating a signing key: %w", err)
		}
		der, err := x509.MarshalPKCS8PrivateKey(k)
		if err != nil {
			return fmt.Errorf("auth server: encoding the signing key: %w", err)
		}
		kid, err := Thumbprint(&k.PublicKey)
		if err != nil {
			return err
		}
		if _, err := db.W.ExecContext(ctx, `INSERT INTO oauth_keys (kid, alg, private_key, created_at) VALUES (?, ?, ?, ?)`,
			kid, ES256, der, s.opts.Now().UnixMilli()); err != nil {
			return fmt.Errorf("auth server: storing the signing key: %w", err)
		}
	}
	rows, err := db.W.QueryContext(ctx, `SELECT kid, alg, private_key FROM oauth_keys ORDER BY created_at, kid`)
	if err != nil {
		return fmt.Errorf("auth server: reading signing keys: %w", err)
	}
	defer rows.Close()
	s.keys = &KeySet{}
	for rows.Next() {
		var kid, alg string
		var der []byte
		if err := rows.Scan(&kid, &alg, &der); err != nil {
			return fmt.Errorf("auth server: reading signing keys: %w", err)
		}
		priv, err := x509.ParsePKCS8PrivateKey(der)
		if err != nil {
			return fmt.Errorf("auth server: signing key %s: %w", kid, err)
		}
		k, ok := priv.(*ecdsa.PrivateKey)
		if !ok || alg != ES256 {
			return fmt.Errorf("auth server: signing key %s is not an ES256 key", kid)
		}
		if s.key == nil {
			s.key, s.kid = k, kid
		}
		s.keys.Keys = append(s.keys.Keys, Key{ID: kid, Alg: alg, Public: &k.PublicKey})
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("auth server: reading signing keys: %w", err)
	}
	if s.key == nil {
		return errors.New("auth server: no signing key")
	}
	return nil
}

// Verifier returns the verifier of bearer tokens: the server's own and
// those of the external issuers.
func (s *Server) Verifier() *Verifier { return s.verifier }

// Clients returns the client registry.
func (s *Server) Clients() *Clients { return s.clients }

// TokenEndpoint returns the token endpoint's URL, the aud a client
// assertion must name.
func (s *Server) TokenEndpoint() string { return s.opts.Issuer + TokenPath }

// Handler serves POST /auth/token, GET /auth/jwks and the SMART
// configuration at /.well-known/smart-configuration and
// /fhir/.well-known/smart-configuration.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+TokenPath, s.token)
	mux.HandleFunc("GET "+JWKSPath, s.jwks)
	mux.HandleFunc("GET /.well-known/smart-configuration", s.smartConfiguration)
	mux.HandleFunc("GET /fhir/.well-known/smart-configuration", s.smartConfiguration)
	return mux
}

// oauthError is an RFC 6749 section 5.2 error answer.
type oauthError struct {
	status int
	code   string
	desc   string
}

func (e *oauthError) Error() string { return e.code + ": " + e.desc }

func oerr(status int, code, format string, a ...any) *oauthError {
	return &oauthError{status: status, code: code, desc: fmt.Sprintf(format, a...)}
}

// tokenResponse is the token endpoint's success answer.
type tokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int    `json:"expires_in"`
	Scope       string `json:"scope"`
}

func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	resp, err := s.issue(r)
	if err != nil {
		var oe *oauthError
		if !errors.As(err, &oe) {
			s.opts.Logger.Error("token endpoint failed", "err", err)
			oe = oerr(http.StatusInternalServerError, "server_error", "the token could not be issued")
		} else {
			s.opts.Logger.Info("token refused", "error", oe.code, "reason", oe.desc)
		}
		writeJSON(w, oe.status, map[string]string{"error": oe.code, "error_description": oe.desc})
		return
	}
	writeJSON(w, http.StatusOK, resp)
}

// issue runs SMART Backend Services' token request checks in order and
// mints the token.
func (s *Server) issue(r *http.Request) (*tokenResponse, error) {
	ctx := r.Context()
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/x-www-form-urlencoded" {
		return nil, oerr(http.StatusBadRequest, "invalid_request", "the body must be application/x-www-form-urlencoded")
	}
	r.Body = http.MaxBytesReader(nil, r.Body, maxFormSize)
	if err := r.ParseForm(); err != nil {
		return nil, oerr(http.StatusBadRequest, "invalid_request", "the form cannot be read")
	}
	f := r.PostForm
	switch gt := f.Get("grant_type"); gt {
	case "client_credentials":
	case "":
		return nil, oerr(http.StatusBadRequest, "invalid_request", "grant_type is required")
	default:
		return nil, oerr(http.StatusBadRequest, "unsupported_grant_type", "only client_credentials is supported")
	}
	if f.Get("client_assertion_type") != JWTBearer || f.Get("client_assertion") == "" {
		return nil, oerr(http.StatusUnauthorized, "invalid_client", "authenticate with client_assertion_type %s and a client_assertion", JWTBearer)
	}
	scope := f.Get("scope")
	if strings.TrimSpace(scope) == "" {
		return nil, oerr(http.StatusBadRequest, "invalid_request", "scope is required")
	}
	client, assertion, err := s.authenticate(ctx, f.Get("client_assertion"))
	if err != nil {
		return nil, err
	}
	if id := f.Get("client_id"); id != "" && id != client.ID {
		return nil, oerr(http.StatusUnauthorized, "invalid_client", "client_id does not match the assertion")
	}
	granted, err := CutScopes(client.Scopes, scope)
	if err != nil {
		return nil, err
	}
	now := s.opts.Now()
	// Only after every other check passed is the jti spent, so a request
	// refused for its scope can be corrected and sent again.
	if err := s.clients.UseJTI(ctx, client.ID, assertion.Claims.ID, assertion.Claims.Expiry.Time().Add(DefaultSkew), now); err != nil {
		if errors.Is(err, ErrReplay) {
			return nil, oerr(http.StatusUnauthorized, "invalid_client", "the assertion's jti was already used")
		}
		return nil, err
	}
	jti := make([]byte, 16)
	rand.Read(jti)
	claims := Claims{
		Issuer:    s.opts.Issuer,
		Subject:   client.ID,
		ClientID:  client.ID,
		Audience:  Audience{s.opts.Audience},
		IssuedAt:  NumericDate(now.Unix()),
		NotBefore: NumericDate(now.Unix()),
		Expiry:    NumericDate(now.Add(s.opts.TokenLifetime).Unix()),
		ID:        base64.RawURLEncoding.EncodeToString(jti),
		Scope:     granted,
	}
	tok, err := Sign(claims, s.key, s.kid, ES256)
	if err != nil {
		return nil, err
	}
	return &tokenResponse{AccessToken: tok, TokenType: "bearer", ExpiresIn: int(s.opts.TokenLifetime / time.Second), Scope: granted}, nil
}

// authenticate verifies a client assertion: issued by a registered,
// enabled client about itself (iss = sub = client ID), for this token
// endpoint, signed by one of its keys, expiring within five minutes, with
// a jti. Every failure is invalid_client, as SMART Backend Services asks.
func (s *Server) authenticate(ctx context.Context, raw string) (*Client, *Token, error) {
	t, err := ParseToken(raw)
	if err != nil {
		return nil, nil, oerr(http.StatusUnauthorized, "invalid_client", "client_assertion: %v", err)
	}
	c := t.Claims
	if c.Issuer == "" || c.Issuer != c.Subject {
		return nil, nil, oerr(http.StatusUnauthorized, "invalid_client", "client_assertion: iss and sub must both be the client ID")
	}
	client, err := s.clients.Get(ctx, c.Issuer)
	if errors.Is(err, ErrClientNotFound) {
		return nil, nil, oerr(http.StatusUnauthorized, "invalid_client", "unknown client")
	}
	if err != nil {
		return nil, nil, err
	}
	if client.Disabled {
		return nil, nil, oerr(http.StatusUnauthorized, "invalid_client", "the client is disabled")
	}
	keys, err := s.clientKeys(client)
	if err != nil {
		return nil, nil, err
	}
	if err := VerifyWith(ctx, t, keys, AssertionAlgs); err != nil {
		return nil, nil, oerr(http.StatusUnauthorized, "invalid_client", "client_assertion: %v", err)
	}
	err = t.Validate(Expect{Audience: s.TokenEndpoint(), MaxLifetime: MaxAssertionLifetime, Now: s.opts.Now})
	if err != nil {
		return nil, nil, oerr(http.StatusUnauthorized, "invalid_client", "client_assertion: %v", err)
	}
	if c.ID == "" {
		return nil, nil, oerr(http.StatusUnauthorized, "invalid_client", "client_assertion: jti is required")
	}
	return client, t, nil
}

// clientKeys returns the key source of a client: its inline set, or its
// URL's set, cached per URL.
func (s *Server) clientKeys(c *Client) (KeySource, error) {
	if c.JWKS != "" {
		ks, err := ParseKeySet([]byte(c.JWKS))
		if err != nil {
			return nil, fmt.Errorf("client %s: %w", c.ID, err)
		}
		return ks, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.remote[c.JWKSURL]
	if !ok {
		r = &RemoteKeySet{URL: c.JWKSURL, Client: s.opts.Client, Now: s.opts.Now}
		s.remote[c.JWKSURL] = r
	}
	return r, nil
}

// CutScopes returns the scopes of requested (space-separated) that the
// registered scopes cover, space-separated. A requested scope that is not
// covered or not a resource scope is left out; when nothing remains the
// error is an invalid_scope answer.
func CutScopes(registered []string, requested string) (string, error) {
	have, err := ParseGrant(registered...)
	if err != nil {
		return "", fmt.Errorf("registered scopes: %w", err)
	}
	var kept []string
	for _, s := range strings.Fields(requested) {
		sc, err := ParseScope(s)
		if err != nil || !have.Covers(sc) {
			continue
		}
		kept = append(kept, s)
	}
	if len(kept) == 0 {
		return "", oerr(http.StatusBadRequest, "invalid_scope", "none of the requested scopes is granted to this client")
	}
	return strings.Join(kept, " "), nil
}

func (s *Server) jwks(w http.ResponseWriter, r *http.Request) {
	var set struct {
		Keys []JWK `json:"keys"`
	}
	for _, k := range s.keys.Keys {
		j, err := PublicJWK(k.Public, k.ID, k.Alg)
		if err != nil {
			http.Error(w, "server error", http.StatusInternalServerError)
			return
		}
		set.Keys = append(set.Keys, j)
	}
	w.Header().Set("Cache-Control", "public, max-age=3600")
	writeJSON(w, http.StatusOK, set)
}

// ScopesSupported are the scopes the SMART configuration advertises.
var ScopesSupported = []string{
	"system/*.cruds", "system/*.rs", "system/*.read", "system/*.write", "system/*.*",
}

func (s *Server) smartConfiguration(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer":                                s.opts.Issuer,
		"token_endpoint":                        s.TokenEndpoint(),
		"jwks_uri":                              s.opts.Issuer + JWKSPath,
		"grant_types_supported":                 []string{"client_credentials"},
		"token_endpoint_auth_methods_supported": []string{"private_key_jwt"},
		"token_endpoint_auth_signing_alg_values_supported": AssertionAlgs,
		"scopes_supported": ScopesSupported,
		"capabilities":     []string{"client-confidential-asymmetric", "permission-v2", "permission-v1"},
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
