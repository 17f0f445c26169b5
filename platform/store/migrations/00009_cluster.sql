-- +goose Up
-- The nodes sharing this store. Each registers itself when it starts and
-- heartbeats every renew interval; a node whose heartbeat is older than the
-- lease TTL counts as gone when the others compute their fair share. Times
-- are Unix microseconds on the writing node's clock.
CREATE TABLE cluster_nodes (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    address      TEXT NOT NULL DEFAULT '',
    started_at   {{BIGINT}} NOT NULL,
    heartbeat_at {{BIGINT}} NOT NULL
);

-- Leases: one row per delivery partition ("channel/destination/lane") and
-- one for the leader ("leader"). token grows by one each time the holder
-- changes; a holder records delivery outcomes only while the row still
-- carries its node ID and token (fencing). An empty holder is free.
CREATE TABLE cluster_leases (
    partition  TEXT PRIMARY KEY,
    holder     TEXT NOT NULL DEFAULT '',
    token      {{BIGINT}} NOT NULL DEFAULT 0,
    expires_at {{BIGINT}} NOT NULL DEFAULT 0
);
CREATE INDEX cluster_leases_holder ON cluster_leases (holder);

-- +goose Down
DROP TABLE cluster_leases;
DROP TABLE cluster_nodes;
