package accounts

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/plexus-health/plexus/platform/auth"
)

// KeyPrefix starts every API key, so that a key pasted somewhere it should
// not be is easy to recognise (and to find with a secret scanner).
const KeyPrefix = "pxk_"

// An API key reads "pxk_<id>_<secret>": the ID (16 hex digits) names the
// row and appears in listings and the audit log; the secret (256 random
// bits, base64url) is shown once and only its SHA-256 is stored.
const keyIDBytes = 8

// APIKey is an API key as listings show it: never its secret.
type APIKey struct {
	ID          string     `json:"id"`
	Name        string     `json:"name"`
	Roles       []string   `json:"roles"`
	Permissions []string   `json:"permissions"`
	Created     time.Time  `json:"created"`
	LastUsed    *time.Time `json:"last_used,omitempty"` // to the minute
	Revoked     *time.Time `json:"revoked,omitempty"`
}

// NewAPIKey is what CreateAPIKey needs. Name is a label for people (the
// system that uses the key); it need not be unique.
type NewAPIKey struct {
	Name        string   `json:"name"`
	Roles       []string `json:"roles"`
	Permissions []string `json:"permissions"`
}

// CreatedKey is a new key with its secret, which cannot be shown again.
type CreatedKey struct {
	APIKey
	Key string `json:"key"`
}

// CreateAPIKey makes a key with the given roles and permissions.
func (a *Accounts) CreateAPIKey(ctx context.Context, nk NewAPIKey) (*CreatedKey, error) {
	if err := checkName(nk.Name); err != nil {
		return nil, err
	}
	roles, perms, err := checkGrants(nk.Roles, nk.Permissions)
	if err != nil {
		return nil, err
	}
	idb := make([]byte, keyIDBytes)
	if _, err := rand.Read(idb); err != nil {
		return nil, fmt.Errorf("accounts: generating a key ID: %w", err)
	}
	secret, err := randomToken(tokenBytes)
	if err != nil {
		return nil, err
	}
	id := hex.EncodeToString(idb)
	now := a.now()
	_, err = a.db.W.ExecContext(ctx, `INSERT INTO api_keys (id, name, secret_hash, roles, permissions, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		id, nk.Name, digest(secret), joinList(roles), joinList(perms), micros(now))
	if err != nil {
		return nil, wrap("creating an API key", err)
	}
	return &CreatedKey{
		APIKey: APIKey{ID: id, Name: nk.Name, Roles: roles, Permissions: perms, Created: fromMicros(micros(now))},
		Key:    KeyPrefix + id + "_" + secret,
	}, nil
}

// APIKeys lists every key, revoked ones included, oldest first.
func (a *Accounts) APIKeys(ctx context.Context) ([]APIKey, error) {
	rows, err := a.db.R.QueryContext(ctx, `SELECT id, name, roles, permissions, created_at, last_used_at, revoked_at
		FROM api_keys ORDER BY created_at, id`)
	if err != nil {
		return nil, wrap("listing API keys", err)
	}
	defer rows.Close()
	out := []APIKey{}
	for rows.Next() {
		var k APIKey
		var roles, perms string
		var created, used, revoked int64
		if err := rows.Scan(&k.ID, &k.Name, &roles, &perms, &created, &used, &revoked); err != nil {
			return nil, wrap("listing API keys", err)
		}
		k.Roles, k.Permissions, k.Created = splitList(roles), splitList(perms), fromMicros(created)
		if used != 0 {
			t := fromMicros(used)
			k.LastUsed = &t
		}
		if revoked != 0 {
			t := fromMicros(revoked)
			k.Revoked = &t
		}
		out = append(out, k)
	}
	return out, wrap("listing API keys", rows.Err())
}

// RevokeAPIKey makes a key unusable at once. The row stays, so that the
// audit log's key IDs keep a name. Revoking a revoked key is not an error.
func (a *Accounts) RevokeAPIKey(ctx context.Context, id string) error {
	res, err := a.db.W.ExecContext(ctx, `UPDATE api_keys SET revoked_at = CASE WHEN revoked_at = 0 THEN ? ELSE revoked_at END WHERE id = ?`,
		micros(a.now()), id)
	if err != nil {
		return wrap("revoking an API key", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("API key %q: %w", id, ErrNotFound)
	}
	return nil
}

// parseKey splits "pxk_<id>_<secret>".
func parseKey(key string) (id, secret string, ok bool) {
	rest, ok := strings.CutPrefix(key, KeyPrefix)
	if !ok {
		return "", "", false
	}
	// The ID is hex, so the first "_" ends it; the secret may hold more.
	id, secret, ok = strings.Cut(rest, "_")
	if !ok || len(id) != 2*keyIDBytes || !validToken(secret) {
		return "", "", false
	}
	if _, err := hex.DecodeString(id); err != nil {
		return "", "", false
	}
	return id, secret, true
}

// AuthenticateKey returns the principal of an API key ("pxk_..."), or
// ErrBadCredentials when the key is malformed, unknown or revoked. The FHIR
// API may call it too, for systems that use keys rather than OAuth2.
func (a *Accounts) AuthenticateKey(ctx context.Context, key string) (*auth.Principal, error) {
	id, secret, ok := parseKey(key)
	if !ok {
		return nil, ErrBadCredentials
	}
	var stored, name, roles, perms string
	var used, revoked int64
	err := a.db.R.QueryRowContext(ctx, `SELECT secret_hash, name, roles, permissions, last_used_at, revoked_at FROM api_keys WHERE id = ?`, id).
		Scan(&stored, &name, &roles, &perms, &used, &revoked)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrBadCredentials
	}
	if err != nil {
		return nil, wrap("reading an API key", err)
	}
	if subtle.ConstantTimeCompare([]byte(digest(secret)), []byte(stored)) != 1 || revoked != 0 {
		return nil, ErrBadCredentials
	}
	now := a.now()
	if now.Sub(fromMicros(used)) >= time.Minute {
		if _, err := a.db.W.ExecContext(ctx, `UPDATE api_keys SET last_used_at = ? WHERE id = ?`, micros(now), id); err != nil {
			a.log.Warn("accounts: recording API key use", "key", id, "err", err)
		}
	}
	return &auth.Principal{
		Kind: auth.KindAPIKey, Subject: name, Roles: splitList(roles), Permissions: splitList(perms),
		TokenID: "apikey:" + id,
	}, nil
}
