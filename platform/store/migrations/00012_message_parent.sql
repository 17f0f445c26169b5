-- +goose Up
-- A message split from another (each claim of an X12 837 interchange on a
-- channel with x12.split: claims) records the message it came from; NULL
-- for every other message. The index serves the listing of one parent's
-- children (GET /api/v1/messages?parent_id=) and is partial, so the common
-- message without a parent costs it nothing. There is no foreign key:
-- retention deletes messages in batches by age, in no parent-first order.
ALTER TABLE messages ADD COLUMN parent_id {{BIGINT}};
CREATE INDEX messages_parent ON messages (parent_id, id) WHERE parent_id IS NOT NULL;

-- +goose Down
DROP INDEX messages_parent;
ALTER TABLE messages DROP COLUMN parent_id;
