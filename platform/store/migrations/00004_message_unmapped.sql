-- +goose Up
-- What a converting transform step (v2_to_fhir) did not map in a message:
-- one description per line, NULL when there is nothing (or no conversion).
-- The descriptions can quote a value that could not be converted, so they
-- are shown with the message's details, like its content, never logged.
ALTER TABLE messages ADD COLUMN unmapped TEXT;

-- +goose Down
ALTER TABLE messages DROP COLUMN unmapped;
