package auth

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"
)

// MaxJWKSSize bounds a JWK Set read from a file or a URL.
const MaxJWKSSize = 1 << 20

// JWK is one JSON Web Key (RFC 7517), public members only: RSA (n, e) and
// EC P-256 or P-384 (crv, x, y).
type JWK struct {
	Kty string `json:"kty"`
	Kid string `json:"kid,omitempty"`
	Use string `json:"use,omitempty"`
	Alg string `json:"alg,omitempty"`
	Crv string `json:"crv,omitempty"`
	X   string `json:"x,omitempty"`
	Y   string `json:"y,omitempty"`
	N   string `json:"n,omitempty"`
	E   string `json:"e,omitempty"`
	// D is read only to refuse it: a private key has no place in a JWK
	// Set that is registered or published.
	D string `json:"d,omitempty"`
}

// Key is a public key of a key set.
type Key struct {
	ID     string           // kid; may be ""
	Alg    string           // the alg the key is restricted to, or ""
	Public crypto.PublicKey // *rsa.PublicKey or *ecdsa.PublicKey
}

// KeySet is a parsed JWK Set. Keys with a use other than "sig" are left
// out; a key that cannot be parsed makes the whole set an error, so a
// typing mistake in a registered set is found at once.
type KeySet struct {
	Keys []Key
}

// ParseKeySet parses a JWK Set ({"keys":[...]}) or a single JWK.
func ParseKeySet(data []byte) (*KeySet, error) {
	if len(data) > MaxJWKSSize {
		return nil, fmt.Errorf("jwks: larger than %d bytes", MaxJWKSSize)
	}
	var set struct {
		Keys []JWK `json:"keys"`
		Kty  string
	}
	if err := json.Unmarshal(data, &set); err != nil {
		return nil, fmt.Errorf("jwks: %w", err)
	}
	if set.Keys == nil && set.Kty != "" {
		var one JWK
		if err := json.Unmarshal(data, &one); err != nil {
			return nil, fmt.Errorf("jwks: %w", err)
		}
		set.Keys = []JWK{one}
	}
	ks := &KeySet{}
	for i, j := range set.Keys {
		if j.Use != "" && j.Use != "sig" {
			continue
		}
		k, err := j.Key()
		if err != nil {
			return nil, fmt.Errorf("jwks: key %d (kid %q): %w", i, j.Kid, err)
		}
		ks.Keys = append(ks.Keys, k)
	}
	if len(ks.Keys) == 0 {
		return nil, errors.New("jwks: no signing keys")
	}
	return ks, nil
}

// LoadKeySetFile reads and parses a JWK Set file.
func LoadKeySetFile(path string) (*KeySet, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("jwks: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxJWKSSize+1))
	if err != nil {
		return nil, fmt.Errorf("jwks: reading %s: %w", path, err)
	}
	ks, err := ParseKeySet(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return ks, nil
}

// Key converts the JWK to a public key.
func (j JWK) Key() (Key, error) {
	if j.D != "" {
		return Key{}, errors.New("contains a private key (d); register the public key only")
	}
	k := Key{ID: j.Kid, Alg: j.Alg}
	switch j.Kty {
	case "RSA":
		n, err1 := b64int(j.N)
		e, err2 := b64int(j.E)
		if err1 != nil || err2 != nil {
			return Key{}, errors.New("RSA key: n and e must be base64url integers")
		}
		if n.BitLen() < minRSABits {
			return Key{}, fmt.Errorf("RSA key: modulus shorter than %d bits", minRSABits)
		}
		if !e.IsInt64() || e.Int64() < 3 || e.Int64() > 1<<31-1 || e.Bit(0) == 0 {
			return Key{}, errors.New("RSA key: bad public exponent")
		}
		k.Public = &rsa.PublicKey{N: n, E: int(e.Int64())}
	case "EC":
		var curve elliptic.Curve
		switch j.Crv {
		case "P-256":
			curve = elliptic.P256()
		case "P-384":
			curve = elliptic.P384()
		default:
			return Key{}, fmt.Errorf("EC key: curve %q is not supported (P-256, P-384)", j.Crv)
		}
		size := (curve.Params().BitSize + 7) / 8
		x, err1 := base64.RawURLEncoding.DecodeString(j.X)
		y, err2 := base64.RawURLEncoding.DecodeString(j.Y)
		if err1 != nil || err2 != nil || len(x) != size || len(y) != size {
			return Key{}, fmt.Errorf("EC key: x and y must be %d-byte base64url values", size)
		}
		// ParseUncompressedPublicKey checks that the point is on the curve.
		pub, err := ecdsa.ParseUncompressedPublicKey(curve, append(append([]byte{4}, x...), y...))
		if err != nil {
			return Key{}, fmt.Errorf("EC key: %w", err)
		}
		k.Public = pub
	case "":
		return Key{}, errors.New("no kty")
	default:
		return Key{}, fmt.Errorf("kty %q is not supported (RSA, EC)", j.Kty)
	}
	return k, nil
}

func b64int(s string) (*big.Int, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) == 0 {
		return nil, errors.New("not a base64url integer")
	}
	return new(big.Int).SetBytes(b), nil
}

// PublicJWK returns the JWK of a public key, with kid and alg.
func PublicJWK(pub crypto.PublicKey, kid, alg string) (JWK, error) {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		return JWK{Kty: "RSA", Kid: kid, Use: "sig", Alg: alg,
			N: base64.RawURLEncoding.EncodeToString(k.N.Bytes()),
			E: base64.RawURLEncoding.EncodeToString(big.NewInt(int64(k.E)).Bytes())}, nil
	case *ecdsa.PublicKey:
		b, err := k.Bytes()
		if err != nil {
			return JWK{}, fmt.Errorf("jwk: %w", err)
		}
		size := (len(b) - 1) / 2
		return JWK{Kty: "EC", Kid: kid, Use: "sig", Alg: alg, Crv: k.Curve.Params().Name,
			X: base64.RawURLEncoding.EncodeToString(b[1 : 1+size]),
			Y: base64.RawURLEncoding.EncodeToString(b[1+size:])}, nil
	}
	return JWK{}, fmt.Errorf("jwk: unsupported key type %T", pub)
}

// Thumbprint returns the RFC 7638 SHA-256 thumbprint of a public key,
// base64url: a stable kid.
func Thumbprint(pub crypto.PublicKey) (string, error) {
	j, err := PublicJWK(pub, "", "")
	if err != nil {
		return "", err
	}
	var canon string
	if j.Kty == "RSA" {
		canon = fmt.Sprintf(`{"e":%q,"kty":"RSA","n":%q}`, j.E, j.N)
	} else {
		canon = fmt.Sprintf(`{"crv":%q,"kty":"EC","x":%q,"y":%q}`, j.Crv, j.X, j.Y)
	}
	sum := sha256.Sum256([]byte(canon))
	return base64.RawURLEncoding.EncodeToString(sum[:]), nil
}

// KeySource gives the keys that may have signed a token. kid is the
// token's kid ("" when it has none).
type KeySource interface {
	// Lookup returns the candidate keys for kid: the key with that kid, or
	// when kid is "" every key. It returns an error wrapping ErrUnknownKey
	// when no key has the kid.
	Lookup(ctx context.Context, kid string) ([]Key, error)
}

// Lookup implements KeySource over a fixed set.
func (ks *KeySet) Lookup(_ context.Context, kid string) ([]Key, error) {
	if kid == "" {
		return ks.Keys, nil
	}
	for _, k := range ks.Keys {
		if k.ID == kid {
			return []Key{k}, nil
		}
	}
	return nil, fmt.Errorf("%w: kid %q", ErrUnknownKey, kid)
}

// RemoteKeySet is a JWK Set fetched from a URL and cached. It is fetched
// on first use, again when it is older than MaxAge, and again when a token
// names a kid it does not hold (a key rotation), but not more often than
// MinRefresh, so that tokens with made-up kids cannot make Plexus hammer the
// identity provider. When the URL is "" and Issuer is set, the URL is
// discovered from Issuer's /.well-known/openid-configuration (jwks_uri).
// Redirects are not followed.
type RemoteKeySet struct {
	URL    string
	Issuer string
	// Client makes the requests; default a client with a 10 s timeout.
	Client *http.Client
	// MaxAge is how long a fetched set is used (default 1 hour).
	MaxAge time.Duration
	// MinRefresh is the least time between two fetches (default 1 minute).
	MinRefresh time.Duration
	// Now is the clock (default time.Now), for tests.
	Now func() time.Time

	mu      sync.Mutex
	set     *KeySet
	fetched time.Time // when set was fetched
	tried   time.Time // when a fetch was last attempted
	lastErr error
}

// Lookup implements KeySource, fetching the set when it must.
func (r *RemoteKeySet) Lookup(ctx context.Context, kid string) ([]Key, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.now()
	minRefresh := r.MinRefresh
	if minRefresh == 0 {
		minRefresh = time.Minute
	}
	maxAge := r.MaxAge
	if maxAge == 0 {
		maxAge = time.Hour
	}
	mayFetch := r.tried.IsZero() || now.Sub(r.tried) >= minRefresh
	if mayFetch && (r.set == nil || now.Sub(r.fetched) >= maxAge) {
		r.refresh(ctx, now)
	}
	if r.set == nil {
		return nil, fmt.Errorf("%w: key set unavailable: %v", ErrUnknownKey, r.lastErr)
	}
	keys, err := r.set.Lookup(ctx, kid)
	if errors.Is(err, ErrUnknownKey) && now.Sub(r.tried) >= minRefresh {
		r.refresh(ctx, now)
		keys, err = r.set.Lookup(ctx, kid)
	}
	return keys, err
}

// refresh fetches the set; on failure the old set stays in use.
func (r *RemoteKeySet) refresh(ctx context.Context, now time.Time) {
	r.tried = now
	set, err := r.fetch(ctx)
	if err != nil {
		r.lastErr = err
		return
	}
	r.set, r.fetched, r.lastErr = set, now, nil
}

func (r *RemoteKeySet) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

func (r *RemoteKeySet) fetch(ctx context.Context) (*KeySet, error) {
	url := r.URL
	if url == "" {
		if r.Issuer == "" {
			return nil, errors.New("jwks: neither a URL nor an issuer to discover it from")
		}
		var err error
		if url, err = DiscoverJWKS(ctx, r.client(), r.Issuer); err != nil {
			return nil, err
		}
	}
	data, err := getJSON(ctx, r.client(), url)
	if err != nil {
		return nil, fmt.Errorf("jwks: %w", err)
	}
	ks, err := ParseKeySet(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", url, err)
	}
	return ks, nil
}

func (r *RemoteKeySet) client() *http.Client {
	if r.Client != nil {
		return r.Client
	}
	return defaultClient
}

// defaultClient fetches key sets and discovery documents.
var defaultClient = &http.Client{
	Timeout:       10 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// DiscoverJWKS reads issuer's OpenID Connect discovery document and
// returns its jwks_uri.
func DiscoverJWKS(ctx context.Context, client *http.Client, issuer string) (string, error) {
	if client == nil {
		client = defaultClient
	}
	data, err := getJSON(ctx, client, strings.TrimSuffix(issuer, "/")+"/.well-known/openid-configuration")
	if err != nil {
		return "", fmt.Errorf("discovering the key set of %s: %w", issuer, err)
	}
	var doc struct {
		Issuer  string `json:"issuer"`
		JWKSURI string `json:"jwks_uri"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return "", fmt.Errorf("discovering the key set of %s: %w", issuer, err)
	}
	if doc.Issuer != issuer || doc.JWKSURI == "" {
		// OpenID Connect Discovery 4.3: the document must name the issuer
		// it was fetched for.
		return "", fmt.Errorf("discovering the key set of %s: the document names issuer %q and jwks_uri %q", issuer, doc.Issuer, doc.JWKSURI)
	}
	return doc.JWKSURI, nil
}

// getJSON fetches url and returns its body, at most MaxJWKSSize bytes.
func getJSON(ctx context.Context, client *http.Client, url string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, MaxJWKSSize+1))
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", url, err)
	}
	if len(data) > MaxJWKSSize {
		return nil, fmt.Errorf("GET %s: larger than %d bytes", url, MaxJWKSSize)
	}
	return data, nil
}

var (
	_ KeySource = (*KeySet)(nil)
	_ KeySource = (*RemoteKeySet)(nil)
)
