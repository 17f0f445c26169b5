-- +goose Up
-- Indexes for browsing messages newest first (the dashboard and
-- GET /api/v1/messages), each page an ORDER BY id DESC LIMIT n:
-- by channel, and by the two statuses operators look for. The status
-- indexes are partial, so the common statuses (received, delivered), which
-- change on every delivery, cost them nothing. SQLite uses a partial index
-- only where the query's WHERE names the index's own term, so there is one
-- per status, and the journal writes these statuses into the query as
-- literals rather than parameters.
CREATE INDEX messages_channel_id ON messages (channel, id);
CREATE INDEX messages_errors ON messages (id) WHERE status = 'error';
CREATE INDEX messages_dead ON messages (id) WHERE status = 'dead';

-- +goose Down
DROP INDEX messages_dead;
DROP INDEX messages_errors;
DROP INDEX messages_channel_id;
