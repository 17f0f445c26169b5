-- +goose Up
-- Admin API accounts: operators who log in with a password, their
-- sessions, and API keys for systems. No secret is stored in the clear:
-- passwords as argon2id hashes, session tokens and key secrets as SHA-256
-- digests (they are 256-bit random values, so a fast hash is enough).
-- Roles and permissions are comma-separated names.
CREATE TABLE users (
    name          TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    roles         TEXT NOT NULL DEFAULT '',
    permissions   TEXT NOT NULL DEFAULT '',
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at    {{BIGINT}} NOT NULL,
    updated_at    {{BIGINT}} NOT NULL
);

-- A session lives until expires_at (the absolute limit) or until it has
-- been idle too long after last_seen_at, whichever comes first.
CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    user_name    TEXT NOT NULL REFERENCES users (name) ON DELETE CASCADE,
    created_at   {{BIGINT}} NOT NULL,
    expires_at   {{BIGINT}} NOT NULL,
    last_seen_at {{BIGINT}} NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_name);
CREATE INDEX sessions_expires ON sessions (expires_at);

-- A revoked key keeps its row (revoked_at > 0) so the audit log's key IDs
-- still name something.
CREATE TABLE api_keys (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    secret_hash  TEXT NOT NULL,
    roles        TEXT NOT NULL DEFAULT '',
    permissions  TEXT NOT NULL DEFAULT '',
    created_at   {{BIGINT}} NOT NULL,
    last_used_at {{BIGINT}} NOT NULL DEFAULT 0,
    revoked_at   {{BIGINT}} NOT NULL DEFAULT 0
);

-- +goose Down
DROP TABLE api_keys;
DROP TABLE sessions;
DROP TABLE users;
