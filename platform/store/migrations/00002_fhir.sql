-- +goose Up
-- FHIR resources, every version kept. fhir_resources holds the current state
-- of each resource for read by id; fhir_versions holds every version ever
-- written, for vread and history. Both carry the JSON so that a read is one
-- row. Times are microseconds since the Unix epoch (truncated to the
-- millisecond that meta.lastUpdated shows). deleted is 0 or 1 (INTEGER, not
-- BOOLEAN, so that the DDL is the same on SQLite and PostgreSQL).
CREATE TABLE fhir_resources (
    res_type     TEXT NOT NULL,
    res_id       TEXT NOT NULL,
    version_id   {{BIGINT}} NOT NULL,
    last_updated {{BIGINT}} NOT NULL,
    deleted      INTEGER NOT NULL DEFAULT 0,
    resource     {{BLOB}},
    PRIMARY KEY (res_type, res_id)
);

-- seq is the write order: history pages walk it downwards, so new writes never
-- shift a page already served. The unique key serves vread and instance
-- history, and makes two writers that both read version n unable to both
-- store version n+1.
CREATE TABLE fhir_versions (
    seq          {{ID}},
    res_type     TEXT NOT NULL,
    res_id       TEXT NOT NULL,
    version_id   {{BIGINT}} NOT NULL,
    last_updated {{BIGINT}} NOT NULL,
    method       TEXT NOT NULL,
    resource     {{BLOB}}
);
CREATE UNIQUE INDEX fhir_versions_key ON fhir_versions (res_type, res_id, version_id);
CREATE INDEX fhir_versions_type ON fhir_versions (res_type, seq);
CREATE INDEX fhir_versions_time ON fhir_versions (last_updated);

-- +goose Down
DROP TABLE fhir_versions;
DROP TABLE fhir_resources;
