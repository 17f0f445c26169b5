-- +goose Up
-- X12 interchange control numbers. x12_received holds every ISA13 accepted
-- from a partner (ISA06 sender, ISA08 receiver) with when it came, so that
-- a duplicate interchange is refused (TA1 note 025) across restarts and
-- nodes; rows older than the channel's window no longer count. x12_answered
-- holds, per partner, the last control number Plexus used in a TA1 or 999
-- it sent, so that each answer's ISA13 is unique.
CREATE TABLE x12_received (
    channel     TEXT NOT NULL,
    sender      TEXT NOT NULL,
    receiver    TEXT NOT NULL,
    control     TEXT NOT NULL,
    received_at {{BIGINT}} NOT NULL,
    PRIMARY KEY (channel, sender, receiver, control)
);
CREATE TABLE x12_answered (
    sender       TEXT NOT NULL,
    receiver     TEXT NOT NULL,
    last_control {{BIGINT}} NOT NULL,
    PRIMARY KEY (sender, receiver)
);

-- +goose Down
DROP TABLE x12_answered;
DROP TABLE x12_received;
