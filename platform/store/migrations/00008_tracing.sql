-- +goose Up
-- The trace of each message: its W3C trace ID (32 hex digits), the span ID
-- (16 hex digits) of the root span "message receive" and its trace flags
-- (1: sampled), so that delivery attempts made later, by any node, are
-- spans of the same trace and follow its sampling decision. Empty for
-- messages journaled before tracing.
ALTER TABLE messages ADD COLUMN trace_id TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN span_id TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN trace_flags INTEGER NOT NULL DEFAULT 0;
CREATE INDEX messages_trace_id ON messages (trace_id);

-- The state an operator put a channel in (paused or stopped) through the
-- admin API. A channel with no row runs. The row outlives configuration
-- reloads and restarts: a channel an operator stopped stays stopped until
-- the operator starts it.
CREATE TABLE channel_states (
    channel    TEXT PRIMARY KEY,
    state      TEXT NOT NULL,
    updated_at {{BIGINT}} NOT NULL
);

-- +goose Down
DROP TABLE channel_states;
DROP INDEX messages_trace_id;
ALTER TABLE messages DROP COLUMN trace_flags;
ALTER TABLE messages DROP COLUMN span_id;
ALTER TABLE messages DROP COLUMN trace_id;
