package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/plexus-health/plexus/platform/store"
)

// Errors of the client registry.
var (
	// ErrClientNotFound: no client has the ID.
	ErrClientNotFound = errors.New("client not found")
	// ErrClientExists: a client with the ID is already registered.
	ErrClientExists = errors.New("client already registered")
	// ErrReplay: a client assertion's jti was already used.
	ErrReplay = errors.New("assertion jti already used")
)

// Client is an OAuth2 client registered with the built-in authorization
// server. It authenticates with a JWT signed by a key of its JWK Set
// (private_key_jwt), given inline (JWKS) or as a URL (JWKSURL).
type Client struct {
	ID     string
	Name   string
	Scopes []string // what it may be granted, as SMART scopes
	// JWKS is the client's public JWK Set as JSON; "" when JWKSURL is used.
	JWKS    string
	JWKSURL string
	Created time.Time
	// Disabled clients get no tokens; tokens already issued stay valid
	// until they expire (at most the token lifetime).
	Disabled bool
}

var clientIDRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$`)

// Check reports what is wrong with a client before it is registered.
func (c *Client) Check() error {
	if !clientIDRE.MatchString(c.ID) {
		return fmt.Errorf("client ID %q: use up to 128 letters, digits, '.', '_', ':' or '-'", c.ID)
	}
	if len(c.Scopes) == 0 {
		return fmt.Errorf("client %s: at least one scope is required", c.ID)
	}
	if _, err := ParseGrant(c.Scopes...); err != nil {
		return fmt.Errorf("client %s: %w", c.ID, err)
	}
	switch {
	case (c.JWKS == "") == (c.JWKSURL == ""):
		return fmt.Errorf("client %s: give either a JWK Set or a JWK Set URL", c.ID)
	case c.JWKS != "":
		if _, err := ParseKeySet([]byte(c.JWKS)); err != nil {
			return fmt.Errorf("client %s: %w", c.ID, err)
		}
	default:
		u, err := url.Parse(c.JWKSURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return fmt.Errorf("client %s: JWK Set URL %q must be an absolute http(s) URL", c.ID, c.JWKSURL)
		}
	}
	return nil
}

// Clients is the registry of clients in the store.
type Clients struct {
	db *store.DB
}

// NewClients returns the registry kept in db.
func NewClients(db *store.DB) *Clients { return &Clients{db: db} }

// Add registers c, checked first. Created is set to now when zero.
func (cs *Clients) Add(ctx context.Context, c Client) error {
	if err := c.Check(); err != nil {
		return err
	}
	if c.Created.IsZero() {
		c.Created = time.Now()
	}
	if _, err := cs.Get(ctx, c.ID); err == nil {
		return fmt.Errorf("%w: %s", ErrClientExists, c.ID)
	}
	_, err := cs.db.W.ExecContext(ctx,
		`INSERT INTO oauth_clients (client_id, name, scopes, jwks, jwks_url, created_at, disabled) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.Name, strings.Join(c.Scopes, " "), c.JWKS, c.JWKSURL, c.Created.UnixMilli(), c.Disabled)
	if err != nil {
		return fmt.Errorf("registering client %s: %w", c.ID, err)
	}
	return nil
}

const clientColumns = `client_id, name, scopes, jwks, jwks_url, created_at, disabled`

func scanClient(row interface{ Scan(...any) error }) (*Client, error) {
	var c Client
	var scopes string
	var created int64
	if err := row.Scan(&c.ID, &c.Name, &scopes, &c.JWKS, &c.JWKSURL, &created, &c.Disabled); err != nil {
		return nil, err
	}
	c.Scopes = strings.Fields(scopes)
	c.Created = time.UnixMilli(created)
	return &c, nil
}

// Get returns the client with id, or an error wrapping ErrClientNotFound.
func (cs *Clients) Get(ctx context.Context, id string) (*Client, error) {
	c, err := scanClient(cs.db.R.QueryRowContext(ctx, `SELECT `+clientColumns+` FROM oauth_clients WHERE client_id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%w: %s", ErrClientNotFound, id)
	}
	if err != nil {
		return nil, fmt.Errorf("reading client %s: %w", id, err)
	}
	return c, nil
}

// List returns every client, by ID.
func (cs *Clients) List(ctx context.Context) ([]*Client, error) {
	rows, err := cs.db.R.QueryContext(ctx, `SELECT `+clientColumns+` FROM oauth_clients ORDER BY client_id`)
	if err != nil {
		return nil, fmt.Errorf("listing clients: %w", err)
	}
	defer rows.Close()
	var out []*Client
	for rows.Next() {
		c, err := scanClient(rows)
		if err != nil {
			return nil, fmt.Errorf("listing clients: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("listing clients: %w", err)
	}
	return out, nil
}

// SetDisabled disables or re-enables the client with id.
func (cs *Clients) SetDisabled(ctx context.Context, id string, disabled bool) error {
	res, err := cs.db.W.ExecContext(ctx, `UPDATE oauth_clients SET disabled = ? WHERE client_id = ?`, disabled, id)
	if err != nil {
		return fmt.Errorf("updating client %s: %w", id, err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return fmt.Errorf("%w: %s", ErrClientNotFound, id)
	}
	return nil
}

// UseJTI records that client used jti in an assertion valid until exp, and
// returns an error wrapping ErrReplay when it was used before. Expired
// entries are pruned on the way: a jti need only be remembered while an
// assertion carrying it could still be accepted.
func (cs *Clients) UseJTI(ctx context.Context, client, jti string, exp, now time.Time) error {
	tx, err := cs.db.W.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("recording jti: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM oauth_jtis WHERE expires_at < ?`, now.Unix()); err != nil {
		return fmt.Errorf("pruning jtis: %w", err)
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM oauth_jtis WHERE client_id = ? AND jti = ?`, client, jti).Scan(&n); err != nil {
		return fmt.Errorf("checking jti: %w", err)
	}
	if n > 0 {
		return ErrReplay
	}
	// Nodes sharing a store may both pass the check above; the primary
	// key lets one insert, and the other, waiting for it, inserts nothing.
	res, err := tx.ExecContext(ctx, `INSERT INTO oauth_jtis (client_id, jti, expires_at) VALUES (?, ?, ?)
		ON CONFLICT (client_id, jti) DO NOTHING`, client, jti, exp.Unix())
	if err != nil {
		return fmt.Errorf("recording jti: %w", err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return ErrReplay
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("recording jti: %w", err)
	}
	return nil
}
