package auth

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"slices"
	"strings"
	"time"
)

// JSON Web Tokens
//
// Only the JWS compact form is read (three base64url parts), and only with
// the asymmetric algorithms the SMART specifications name: RS256, RS384,
// ES256 and ES384. "none" and the HMAC algorithms are refused outright,
// whatever key is offered: a verifier that accepted them would let anyone
// who knows a public key mint tokens. Each caller states which algorithms
// it accepts (access tokens: RS256 and ES256; SMART client assertions also
// RS384 and ES384), so a key is never used with an algorithm the caller did
// not expect.

// Signing algorithms.
const (
	RS256 = "RS256"
	RS384 = "RS384"
	ES256 = "ES256"
	ES384 = "ES384"
)

// MaxTokenSize bounds the compact form a parser accepts, so that a header
// cannot make the server decode megabytes of JSON.
const MaxTokenSize = 16 << 10

// minRSABits is the smallest RSA modulus accepted for a signature.
const minRSABits = 2048

// DefaultSkew is the clock difference allowed between issuer and verifier
// when checking exp, nbf and iat.
const DefaultSkew = time.Minute

// Errors of token parsing and verification. Verification errors wrap one
// of them with the detail; check with errors.Is.
var (
	// ErrMalformed: the token is not a well-formed JWS compact token.
	ErrMalformed = errors.New("malformed token")
	// ErrAlgorithm: the token's alg is refused (none, HS*, unknown, or not
	// one the caller accepts, or does not fit the key).
	ErrAlgorithm = errors.New("signing algorithm not accepted")
	// ErrSignature: the signature does not verify with any candidate key.
	ErrSignature = errors.New("bad signature")
	// ErrUnknownKey: no key of the issuer has the token's kid.
	ErrUnknownKey = errors.New("unknown signing key")
	// ErrExpired: the token's exp has passed (or it has none).
	ErrExpired = errors.New("token expired")
	// ErrNotYetValid: nbf is in the future, or iat far in the future.
	ErrNotYetValid = errors.New("token not yet valid")
	// ErrIssuer: the token's iss is not an accepted issuer.
	ErrIssuer = errors.New("wrong issuer")
	// ErrAudience: the token's aud does not name the expected audience.
	ErrAudience = errors.New("wrong audience")
)

// Header is a JWS protected header.
type Header struct {
	Alg  string   `json:"alg"`
	Kid  string   `json:"kid,omitempty"`
	Typ  string   `json:"typ,omitempty"`
	Crit []string `json:"crit,omitempty"`
}

// Audience is the aud claim: one string or an array of them.
type Audience []string

// UnmarshalJSON accepts a string or an array of strings.
func (a *Audience) UnmarshalJSON(b []byte) error {
	if bytes.HasPrefix(bytes.TrimSpace(b), []byte(`"`)) {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*a = Audience{s}
		return nil
	}
	var list []string
	if err := json.Unmarshal(b, &list); err != nil {
		return errors.New("aud must be a string or an array of strings")
	}
	*a = list
	return nil
}

// MarshalJSON writes a single audience as a string, as most verifiers expect.
func (a Audience) MarshalJSON() ([]byte, error) {
	if len(a) == 1 {
		return json.Marshal(a[0])
	}
	return json.Marshal([]string(a))
}

// NumericDate is a JWT time: seconds since the epoch, possibly fractional.
type NumericDate int64

// UnmarshalJSON accepts an integer or a fractional number of seconds.
func (d *NumericDate) UnmarshalJSON(b []byte) error {
	var f float64
	if err := json.Unmarshal(b, &f); err != nil {
		return errors.New("a time claim must be a number of seconds")
	}
	if math.IsNaN(f) || f < 0 || f > 1<<40 {
		return errors.New("a time claim is out of range")
	}
	*d = NumericDate(f)
	return nil
}

// Time returns d as a time.Time.
func (d NumericDate) Time() time.Time { return time.Unix(int64(d), 0) }

// Claims are the registered JWT claims and the SMART ones Plexus reads.
type Claims struct {
	Issuer    string      `json:"iss,omitempty"`
	Subject   string      `json:"sub,omitempty"`
	Audience  Audience    `json:"aud,omitempty"`
	Expiry    NumericDate `json:"exp,omitempty"`
	NotBefore NumericDate `json:"nbf,omitempty"`
	IssuedAt  NumericDate `json:"iat,omitempty"`
	ID        string      `json:"jti,omitempty"`
	// Scope is the space-separated list of granted scopes.
	Scope string `json:"scope,omitempty"`
	// ClientID is the OAuth2 client the token was issued to (RFC 9068).
	ClientID string `json:"client_id,omitempty"`
	// Patient is the SMART launch patient a token is bound to.
	Patient string `json:"patient,omitempty"`
}

// Token is a parsed, not yet verified, JWS compact token.
type Token struct {
	Header Header
	Claims Claims
	signed []byte // header.payload, what the signature covers
	sig    []byte
}

// ParseToken splits and decodes a JWS compact token. It checks the form
// only: the signature and the claims are checked by Verify and Validate.
func ParseToken(raw string) (*Token, error) {
	if len(raw) > MaxTokenSize {
		return nil, fmt.Errorf("%w: longer than %d bytes", ErrMalformed, MaxTokenSize)
	}
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return nil, fmt.Errorf("%w: want 3 dot-separated parts, got %d", ErrMalformed, len(parts))
	}
	var t Token
	hdr, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil {
		return nil, fmt.Errorf("%w: header is not base64url", ErrMalformed)
	}
	if err := strictJSON(hdr, &t.Header); err != nil {
		return nil, fmt.Errorf("%w: header: %v", ErrMalformed, err)
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return nil, fmt.Errorf("%w: payload is not base64url", ErrMalformed)
	}
	if err := strictJSON(payload, &t.Claims); err != nil {
		return nil, fmt.Errorf("%w: claims: %v", ErrMalformed, err)
	}
	if t.sig, err = base64.RawURLEncoding.DecodeString(parts[2]); err != nil {
		return nil, fmt.Errorf("%w: signature is not base64url", ErrMalformed)
	}
	if len(t.Header.Crit) > 0 {
		// RFC 7515 4.1.11: a critical extension we do not understand
		// makes the token invalid.
		return nil, fmt.Errorf("%w: unsupported critical header %q", ErrMalformed, t.Header.Crit[0])
	}
	t.signed = []byte(raw[:len(parts[0])+1+len(parts[1])])
	return &t, nil
}

// strictJSON decodes one JSON object into v and refuses trailing data.
func strictJSON(b []byte, v any) error {
	if len(bytes.TrimSpace(b)) == 0 || bytes.TrimSpace(b)[0] != '{' {
		return errors.New("not a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("trailing data after the JSON object")
	}
	return nil
}

// Verify checks the token's signature with key, refusing an algorithm not
// in accept or one that does not fit the key's type.
func (t *Token) Verify(key crypto.PublicKey, accept []string) error {
	alg := t.Header.Alg
	switch {
	case alg == "" || strings.EqualFold(alg, "none"):
		return fmt.Errorf("%w: unsigned tokens are refused", ErrAlgorithm)
	case strings.HasPrefix(strings.ToUpper(alg), "HS"):
		return fmt.Errorf("%w: %s (shared-secret algorithms are refused)", ErrAlgorithm, alg)
	case !slices.Contains(accept, alg):
		return fmt.Errorf("%w: %q", ErrAlgorithm, alg)
	}
	hash, size, err := algHash(alg)
	if err != nil {
		return err
	}
	h := hash.New()
	h.Write(t.signed)
	digest := h.Sum(nil)
	switch k := key.(type) {
	case *rsa.PublicKey:
		if alg[0] != 'R' {
			return fmt.Errorf("%w: %s with an RSA key", ErrAlgorithm, alg)
		}
		if k.N.BitLen() < minRSABits {
			return fmt.Errorf("%w: RSA key shorter than %d bits", ErrAlgorithm, minRSABits)
		}
		if rsa.VerifyPKCS1v15(k, hash, digest, t.sig) != nil {
			return ErrSignature
		}
	case *ecdsa.PublicKey:
		if alg[0] != 'E' || (k.Curve.Params().BitSize+7)/8 != size {
			return fmt.Errorf("%w: %s with a %s key", ErrAlgorithm, alg, k.Curve.Params().Name)
		}
		// JWS ECDSA signatures are r||s, each the curve's size (RFC 7518
		// 3.4), not the ASN.1 form crypto/ecdsa writes.
		if len(t.sig) != 2*size {
			return ErrSignature
		}
		r := new(big.Int).SetBytes(t.sig[:size])
		s := new(big.Int).SetBytes(t.sig[size:])
		if !ecdsa.Verify(k, digest, r, s) {
			return ErrSignature
		}
	default:
		return fmt.Errorf("%w: unsupported key type %T", ErrAlgorithm, key)
	}
	return nil
}

// algHash returns the hash of an algorithm and, for ECDSA, the size of
// r and s in bytes.
func algHash(alg string) (crypto.Hash, int, error) {
	switch alg {
	case RS256:
		return crypto.SHA256, 0, nil
	case RS384:
		return crypto.SHA384, 0, nil
	case ES256:
		return crypto.SHA256, 32, nil
	case ES384:
		return crypto.SHA384, 48, nil
	}
	return 0, 0, fmt.Errorf("%w: %q", ErrAlgorithm, alg)
}

// Expect is what Validate requires of a token's claims.
type Expect struct {
	// Issuers lists the accepted iss values; empty accepts any (the
	// caller then checks iss itself, as the token endpoint does).
	Issuers []string
	// Audience must appear in aud; "" skips the check.
	Audience string
	// MaxLifetime, when set, refuses an exp further than this ahead of now
	// (SMART client assertions: 5 minutes).
	MaxLifetime time.Duration
	// Skew is the clock difference allowed (default DefaultSkew).
	Skew time.Duration
	// Now is the time to check against (default time.Now).
	Now func() time.Time
}

// Validate checks the token's time claims, issuer and audience. exp is
// required; nbf and iat are checked when present.
func (t *Token) Validate(e Expect) error {
	now := time.Now()
	if e.Now != nil {
		now = e.Now()
	}
	skew := e.Skew
	if skew == 0 {
		skew = DefaultSkew
	}
	c := &t.Claims
	if c.Expiry == 0 {
		return fmt.Errorf("%w: no exp claim", ErrExpired)
	}
	if !now.Before(c.Expiry.Time().Add(skew)) {
		return fmt.Errorf("%w at %s", ErrExpired, c.Expiry.Time().UTC().Format(time.RFC3339))
	}
	if e.MaxLifetime > 0 && c.Expiry.Time().After(now.Add(e.MaxLifetime+skew)) {
		return fmt.Errorf("%w: exp is more than %v ahead", ErrExpired, e.MaxLifetime)
	}
	if c.NotBefore != 0 && now.Add(skew).Before(c.NotBefore.Time()) {
		return fmt.Errorf("%w: nbf is %s", ErrNotYetValid, c.NotBefore.Time().UTC().Format(time.RFC3339))
	}
	if c.IssuedAt != 0 && now.Add(skew).Before(c.IssuedAt.Time()) {
		return fmt.Errorf("%w: issued in the future", ErrNotYetValid)
	}
	if len(e.Issuers) > 0 && !slices.Contains(e.Issuers, c.Issuer) {
		return fmt.Errorf("%w: %q", ErrIssuer, c.Issuer)
	}
	if e.Audience != "" && !slices.Contains(c.Audience, e.Audience) {
		return fmt.Errorf("%w: want %q", ErrAudience, e.Audience)
	}
	return nil
}

// Sign returns the JWS compact form of claims signed with key: ES256 for a
// P-256 key, ES384 for P-384, RS256 (or alg RS384 when given) for RSA.
// kid names the key in the header so verifiers can pick it.
func Sign(claims any, key crypto.Signer, kid, alg string) (string, error) {
	switch k := key.Public().(type) {
	case *ecdsa.PublicKey:
		want := map[int]string{256: ES256, 384: ES384}[k.Curve.Params().BitSize]
		if alg == "" {
			alg = want
		}
		if alg != want || want == "" {
			return "", fmt.Errorf("signing: %s cannot be used with a %s key", alg, k.Curve.Params().Name)
		}
	case *rsa.PublicKey:
		if alg == "" {
			alg = RS256
		}
		if alg != RS256 && alg != RS384 {
			return "", fmt.Errorf("signing: %s cannot be used with an RSA key", alg)
		}
	default:
		return "", fmt.Errorf("signing: unsupported key type %T", k)
	}
	hdr, err := json.Marshal(Header{Alg: alg, Kid: kid, Typ: "JWT"})
	if err != nil {
		return "", fmt.Errorf("signing: %w", err)
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", fmt.Errorf("signing: encoding claims: %w", err)
	}
	signed := base64.RawURLEncoding.EncodeToString(hdr) + "." + base64.RawURLEncoding.EncodeToString(payload)
	hash, size, _ := algHash(alg)
	var digest []byte
	if hash == crypto.SHA256 {
		d := sha256.Sum256([]byte(signed))
		digest = d[:]
	} else {
		d := sha512.Sum384([]byte(signed))
		digest = d[:]
	}
	var sig []byte
	if size == 0 {
		if sig, err = key.Sign(rand.Reader, digest, hash); err != nil {
			return "", fmt.Errorf("signing: %w", err)
		}
	} else {
		ek, ok := key.(*ecdsa.PrivateKey)
		if !ok {
			return "", fmt.Errorf("signing: ECDSA needs an *ecdsa.PrivateKey, not %T", key)
		}
		r, s, err := ecdsa.Sign(rand.Reader, ek, digest)
		if err != nil {
			return "", fmt.Errorf("signing: %w", err)
		}
		sig = make([]byte, 2*size)
		r.FillBytes(sig[:size])
		s.FillBytes(sig[size:])
	}
	return signed + "." + base64.RawURLEncoding.EncodeToString(sig), nil
}
