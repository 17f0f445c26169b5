-- +goose Up
-- OAuth2 clients registered with the built-in authorization server (SMART
-- Backend Services). A client proves who it is with a JWT signed by a key
-- of its JWK Set, given inline (jwks) or fetched from jwks_url; scopes is
-- the space-separated list of what it may be granted.
CREATE TABLE oauth_clients (
    client_id  TEXT PRIMARY KEY,
    name       TEXT NOT NULL DEFAULT '',
    scopes     TEXT NOT NULL,
    jwks       TEXT NOT NULL DEFAULT '',
    jwks_url   TEXT NOT NULL DEFAULT '',
    created_at {{BIGINT}} NOT NULL,
    disabled   INTEGER NOT NULL DEFAULT 0
);

-- The jti of every client assertion accepted, until it expires, so that an
-- assertion cannot be replayed within its lifetime.
CREATE TABLE oauth_jtis (
    client_id  TEXT NOT NULL,
    jti        TEXT NOT NULL,
    expires_at {{BIGINT}} NOT NULL,
    PRIMARY KEY (client_id, jti)
);
CREATE INDEX oauth_jtis_expires ON oauth_jtis (expires_at);

-- The authorization server's own signing keys (PKCS #8 DER). The oldest
-- signs; all are published at /auth/jwks.
CREATE TABLE oauth_keys (
    kid         TEXT PRIMARY KEY,
    alg         TEXT NOT NULL,
    private_key {{BLOB}} NOT NULL,
    created_at  {{BIGINT}} NOT NULL
);

-- +goose Down
DROP TABLE oauth_keys;
DROP TABLE oauth_jtis;
DROP TABLE oauth_clients;
