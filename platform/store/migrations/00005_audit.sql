-- +goose Up
-- The audit log (package platform/audit): one row per FHIR interaction,
-- admin action, login and payload view. seq is assigned by the log's single
-- writer, 1, 2, 3, ... without gaps; hash is SHA-256 over prev_hash (the
-- previous row's hash, 32 zero bytes for the first) and a length-prefixed
-- encoding of every other column, so a changed, deleted, reordered or
-- inserted row breaks the chain ("plexus audit verify").
-- No request or response bodies are stored, but query strings and ids can
-- name a patient: the log is shown to auditors only.
CREATE TABLE audit (
    seq           {{BIGINT}} PRIMARY KEY,
    at            {{BIGINT}} NOT NULL,             -- Unix nanoseconds, UTC
    principal     TEXT NOT NULL DEFAULT '',        -- kind: user, apikey, client, local; '' anonymous
    subject       TEXT NOT NULL DEFAULT '',        -- user name, key name or client ID
    token_id      TEXT NOT NULL DEFAULT '',        -- jti, session or key ID, never the secret
    remote        TEXT NOT NULL DEFAULT '',        -- the peer's address
    method        TEXT NOT NULL DEFAULT '',
    action        TEXT NOT NULL,                   -- fhir.read, admin.dlq.replay, login, ...
    resource_type TEXT NOT NULL DEFAULT '',
    resource_id   TEXT NOT NULL DEFAULT '',
    path          TEXT NOT NULL DEFAULT '',
    query         TEXT NOT NULL DEFAULT '',
    status        INTEGER NOT NULL DEFAULT 0,      -- HTTP status, 0 when not HTTP
    outcome       TEXT NOT NULL,                   -- success, failure, error
    prev_hash     {{BLOB}} NOT NULL,
    hash          {{BLOB}} NOT NULL
);
CREATE INDEX audit_at ON audit (at);
CREATE INDEX audit_subject ON audit (subject, seq);
CREATE INDEX audit_action ON audit (action, seq);
CREATE INDEX audit_resource ON audit (resource_type, resource_id, seq);

-- Append-only in the database as well: these triggers refuse UPDATE and
-- DELETE. They stop mistakes, not an attacker, who can drop them; the hash
-- chain, checked by "plexus audit verify", is the guarantee.
-- +plexus sqlite
-- +goose StatementBegin
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN
    SELECT RAISE(ABORT, 'audit log is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN
    SELECT RAISE(ABORT, 'audit log is append-only');
END;
-- +goose StatementEnd
-- +plexus postgres
-- +goose StatementBegin
CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit log is append-only';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit FOR EACH ROW EXECUTE FUNCTION audit_append_only();
-- +plexus end

-- +goose Down
-- +plexus sqlite
DROP TRIGGER audit_no_delete;
DROP TRIGGER audit_no_update;
-- +plexus postgres
DROP TRIGGER audit_no_delete ON audit;
DROP TRIGGER audit_no_update ON audit;
DROP FUNCTION audit_append_only();
-- +plexus end
DROP TABLE audit;
