package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// ErrNoToken: the request carries no bearer token.
var ErrNoToken = errors.New("no bearer token")

// AccessTokenAlgs are the algorithms accepted on access tokens.
var AccessTokenAlgs = []string{RS256, ES256}

// Issuer is a token issuer the Verifier trusts: the built-in
// authorization server or an external OAuth2 / OpenID Connect provider.
type Issuer struct {
	// Issuer is the exact iss value of its tokens.
	Issuer string
	// Audience must appear in the tokens' aud; "" accepts any audience
	// (only for issuers that mint tokens for Plexus alone).
	Audience string
	// Keys verifies the signatures: a KeySet for local keys, a
	// RemoteKeySet for a JWKS URL.
	Keys KeySource
	// Algs are the accepted algorithms (default AccessTokenAlgs).
	Algs []string
}

// Verifier checks bearer tokens against the issuers it trusts. It is safe
// for concurrent use.
type Verifier struct {
	issuers map[string]Issuer
	// Skew is the clock difference allowed (default DefaultSkew).
	Skew time.Duration
	// Now is the clock (default time.Now), for tests.
	Now func() time.Time
}

// NewVerifier returns a Verifier trusting issuers. A later issuer with the
// same Issuer string replaces an earlier one.
func NewVerifier(issuers ...Issuer) *Verifier {
	v := &Verifier{issuers: map[string]Issuer{}}
	for _, is := range issuers {
		v.issuers[is.Issuer] = is
	}
	return v
}

// Verify parses raw and checks its signature with the keys of the issuer
// its iss claim names, then its time claims and audience.
func (v *Verifier) Verify(ctx context.Context, raw string) (*Token, error) {
	t, err := ParseToken(raw)
	if err != nil {
		return nil, err
	}
	is, ok := v.issuers[t.Claims.Issuer]
	if !ok {
		return nil, fmt.Errorf("%w: %q is not a trusted issuer", ErrIssuer, t.Claims.Issuer)
	}
	algs := is.Algs
	if algs == nil {
		algs = AccessTokenAlgs
	}
	if err := VerifyWith(ctx, t, is.Keys, algs); err != nil {
		return nil, err
	}
	err = t.Validate(Expect{Issuers: []string{is.Issuer}, Audience: is.Audience, Skew: v.Skew, Now: v.Now})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// VerifyWith checks t's signature against the candidate keys of src for
// its kid, with one of algs. A key restricted to another alg is skipped.
func VerifyWith(ctx context.Context, t *Token, src KeySource, algs []string) error {
	keys, err := src.Lookup(ctx, t.Header.Kid)
	if err != nil {
		return err
	}
	last := fmt.Errorf("%w: no key fits", ErrSignature)
	for _, k := range keys {
		if k.Alg != "" && k.Alg != t.Header.Alg {
			continue
		}
		err := t.Verify(k.Public, algs)
		if err == nil {
			return nil
		}
		if errors.Is(err, ErrAlgorithm) && len(keys) == 1 {
			return err
		}
		last = err
	}
	if !errors.Is(last, ErrSignature) && !errors.Is(last, ErrAlgorithm) {
		return fmt.Errorf("%w: %v", ErrSignature, last)
	}
	return last
}

// Authenticate reads the request's "Authorization: Bearer" token, verifies
// it, and returns the principal it stands for: a client whose subject is
// the token's sub (or client_id), with the token's scopes, patient and jti.
func (v *Verifier) Authenticate(r *http.Request) (*Principal, error) {
	raw, ok := bearer(r)
	if !ok {
		return nil, ErrNoToken
	}
	t, err := v.Verify(r.Context(), raw)
	if err != nil {
		return nil, err
	}
	c := t.Claims
	sub := c.Subject
	if sub == "" {
		sub = c.ClientID
	}
	if sub == "" {
		return nil, fmt.Errorf("%w: the token names no sub or client_id", ErrMalformed)
	}
	return &Principal{
		Kind:    KindClient,
		Subject: sub,
		Scopes:  strings.Fields(c.Scope),
		Patient: c.Patient,
		TokenID: c.ID,
	}, nil
}

// bearer returns the token of an "Authorization: Bearer" header.
func bearer(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	tok = strings.TrimSpace(tok)
	return tok, tok != ""
}

// RequireBearer authenticates every request with v and passes it to next
// with the principal in its context. A request without a valid token gets
// 401 with a WWW-Authenticate challenge (RFC 6750) and a FHIR
// OperationOutcome, so the middleware can guard /fhir. The reason is
// given in general terms only: it never echoes the token.
func RequireBearer(v *Verifier, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := v.Authenticate(r)
		if err != nil {
			Unauthorized(w, err)
			return
		}
		next.ServeHTTP(w, r.WithContext(WithPrincipal(r.Context(), p)))
	})
}

// Unauthorized writes the 401 answer RequireBearer gives for err.
func Unauthorized(w http.ResponseWriter, err error) {
	desc := "the bearer token is missing or not valid"
	for _, e := range []error{ErrNoToken, ErrExpired, ErrNotYetValid, ErrIssuer, ErrAudience, ErrSignature, ErrUnknownKey, ErrAlgorithm, ErrMalformed} {
		if errors.Is(err, e) {
			desc = e.Error()
			break
		}
	}
	w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer error="invalid_token", error_description=%q`, desc))
	w.Header().Set("Content-Type", "application/fhir+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusUnauthorized)
	json.NewEncoder(w).Encode(map[string]any{
		"resourceType": "OperationOutcome",
		"issue": []map[string]string{{
			"severity":    "error",
			"code":        "login",
			"diagnostics": "authentication required: " + desc,
		}},
	})
}
