-- +goose Up
CREATE TABLE messages (
    id               {{ID}},
    channel          TEXT NOT NULL,
    source           TEXT NOT NULL,
    remote           TEXT NOT NULL DEFAULT '',
    received_at      {{BIGINT}} NOT NULL,
    content_type     TEXT NOT NULL,
    msg_type         TEXT NOT NULL DEFAULT '',
    trigger_event    TEXT NOT NULL DEFAULT '',
    control_id       TEXT NOT NULL DEFAULT '',
    sending_app      TEXT NOT NULL DEFAULT '',
    sending_facility TEXT NOT NULL DEFAULT '',
    patient_id       TEXT NOT NULL DEFAULT '',
    priority         INTEGER NOT NULL DEFAULT 0,
    config_version   TEXT NOT NULL DEFAULT '',
    status           TEXT NOT NULL,
    error            TEXT NOT NULL DEFAULT '',
    size             INTEGER NOT NULL DEFAULT 0,
    updated_at       {{BIGINT}} NOT NULL
);
CREATE INDEX messages_channel_received ON messages (channel, received_at);
CREATE INDEX messages_received ON messages (received_at);
CREATE INDEX messages_control_id ON messages (control_id);
CREATE INDEX messages_patient_id ON messages (patient_id);

-- Content lives apart from metadata so that retention can drop payloads
-- (PHI) long before the metadata operators search.
CREATE TABLE message_content (
    message_id {{BIGINT}} PRIMARY KEY,
    raw        {{BLOB}} NOT NULL
);

CREATE TABLE deliveries (
    id              {{ID}},
    message_id      {{BIGINT}} NOT NULL,
    channel         TEXT NOT NULL,
    destination     TEXT NOT NULL,
    lane            INTEGER NOT NULL DEFAULT 0,
    priority        INTEGER NOT NULL DEFAULT 0,
    status          TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at {{BIGINT}} NOT NULL,
    created_at      {{BIGINT}} NOT NULL,
    updated_at      {{BIGINT}} NOT NULL,
    content_type    TEXT NOT NULL DEFAULT '',
    payload         {{BLOB}},
    last_error      TEXT NOT NULL DEFAULT '',
    response_status TEXT NOT NULL DEFAULT ''
);
-- The queue scan: pending deliveries of one lane, most urgent first, then oldest.
CREATE INDEX deliveries_queue ON deliveries (channel, destination, lane, status, priority, id);
CREATE INDEX deliveries_message ON deliveries (message_id);
CREATE INDEX deliveries_status ON deliveries (status, updated_at);

-- Every delivery attempt with its outcome and the receiver's response.
CREATE TABLE attempts (
    id          {{ID}},
    delivery_id {{BIGINT}} NOT NULL,
    attempt     INTEGER NOT NULL,
    started_at  {{BIGINT}} NOT NULL,
    duration_us {{BIGINT}} NOT NULL,
    outcome     TEXT NOT NULL,
    error       TEXT NOT NULL DEFAULT '',
    response_status TEXT NOT NULL DEFAULT '',
    response    {{BLOB}}
);
CREATE INDEX attempts_delivery ON attempts (delivery_id);

-- +goose Down
DROP TABLE attempts;
DROP TABLE deliveries;
DROP TABLE message_content;
DROP TABLE messages;
