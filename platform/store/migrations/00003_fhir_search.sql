-- +goose Up
-- FHIR search indexes: the values of every search parameter of the current
-- version of each resource, extracted at write time (package fhir/index)
-- into one table per search parameter type. A write replaces a resource's
-- rows; a deletion removes them. param is the search parameter's code
-- ("birthdate", "subject"). grp is 0 for ordinary rows; rows written for a
-- composite parameter carry param "<composite code>$<component number>" and
-- a grp shared by the components taken from one element, so that a search
-- can ask for both parts of one element.
--
-- Every table has an index for the search (type, param, value...) and one on
-- (res_type, res_id, param) for replacing a resource's rows, for sorting and
-- including, and for probing one candidate's values when another parameter
-- of the search lists the candidates.

-- string: value is normalised (accents removed, case folded, white space
-- collapsed) for the default prefix search and :contains; exact is as written,
-- for :exact.
CREATE TABLE fhir_idx_string (
    res_type TEXT NOT NULL,
    res_id   TEXT NOT NULL,
    param    TEXT NOT NULL,
    grp      INTEGER NOT NULL DEFAULT 0,
    value    TEXT NOT NULL,
    exact    TEXT NOT NULL
);
CREATE INDEX fhir_idx_string_search ON fhir_idx_string (res_type, param, value);
CREATE INDEX fhir_idx_string_res ON fhir_idx_string (res_type, res_id, param);

-- token: system is '' when the value has none; text is the normalised display
-- or text that goes with the code, for :text. Reference.identifier values are
-- stored here under param "<reference param>:identifier".
CREATE TABLE fhir_idx_token (
    res_type TEXT NOT NULL,
    res_id   TEXT NOT NULL,
    param    TEXT NOT NULL,
    grp      INTEGER NOT NULL DEFAULT 0,
    system   TEXT NOT NULL,
    code     TEXT NOT NULL,
    text     TEXT NOT NULL
);
CREATE INDEX fhir_idx_token_search ON fhir_idx_token (res_type, param, code, system);
CREATE INDEX fhir_idx_token_res ON fhir_idx_token (res_type, res_id, param);

-- reference: a local reference has target_type and target_id; an absolute
-- URL to another server or a canonical is kept whole in url (with its
-- |version cut off into version).
CREATE TABLE fhir_idx_reference (
    res_type    TEXT NOT NULL,
    res_id      TEXT NOT NULL,
    param       TEXT NOT NULL,
    grp         INTEGER NOT NULL DEFAULT 0,
    target_type TEXT NOT NULL,
    target_id   TEXT NOT NULL,
    url         TEXT NOT NULL,
    version     TEXT NOT NULL
);
CREATE INDEX fhir_idx_reference_search ON fhir_idx_reference (res_type, param, target_id, target_type);
CREATE INDEX fhir_idx_reference_target ON fhir_idx_reference (target_type, target_id);
CREATE INDEX fhir_idx_reference_res ON fhir_idx_reference (res_type, res_id, param);

-- date: the instant range [lo, hi] the value covers, in microseconds since
-- the Unix epoch, both ends inclusive: 2024-03 is the whole month. A date
-- without a time zone is read as UTC. An open end of a Period is the
-- smallest or largest value the column holds.
CREATE TABLE fhir_idx_date (
    res_type TEXT NOT NULL,
    res_id   TEXT NOT NULL,
    param    TEXT NOT NULL,
    grp      INTEGER NOT NULL DEFAULT 0,
    lo       {{BIGINT}} NOT NULL,
    hi       {{BIGINT}} NOT NULL
);
CREATE INDEX fhir_idx_date_search ON fhir_idx_date (res_type, param, lo, hi);
CREATE INDEX fhir_idx_date_res ON fhir_idx_date (res_type, res_id, param);

-- number: the value as written. A search applies the precision of the
-- value searched for (eq 1.5 matches [1.45, 1.55)).
CREATE TABLE fhir_idx_number (
    res_type TEXT NOT NULL,
    res_id   TEXT NOT NULL,
    param    TEXT NOT NULL,
    grp      INTEGER NOT NULL DEFAULT 0,
    value    {{REAL}} NOT NULL
);
CREATE INDEX fhir_idx_number_search ON fhir_idx_number (res_type, param, value);
CREATE INDEX fhir_idx_number_res ON fhir_idx_number (res_type, res_id, param);

-- quantity: value with its system, code and unit as written; canon_value and
-- canon_code are the value in UCUM base units when the unit is one Plexus
-- can convert ('' otherwise), so that 1 g matches 1000 mg.
CREATE TABLE fhir_idx_quantity (
    res_type    TEXT NOT NULL,
    res_id      TEXT NOT NULL,
    param       TEXT NOT NULL,
    grp         INTEGER NOT NULL DEFAULT 0,
    value       {{REAL}} NOT NULL,
    system      TEXT NOT NULL,
    code        TEXT NOT NULL,
    unit        TEXT NOT NULL,
    canon_value {{REAL}} NOT NULL,
    canon_code  TEXT NOT NULL
);
CREATE INDEX fhir_idx_quantity_search ON fhir_idx_quantity (res_type, param, value);
CREATE INDEX fhir_idx_quantity_res ON fhir_idx_quantity (res_type, res_id, param);

-- uri: the value as written.
CREATE TABLE fhir_idx_uri (
    res_type TEXT NOT NULL,
    res_id   TEXT NOT NULL,
    param    TEXT NOT NULL,
    grp      INTEGER NOT NULL DEFAULT 0,
    uri      TEXT NOT NULL
);
CREATE INDEX fhir_idx_uri_search ON fhir_idx_uri (res_type, param, uri);
CREATE INDEX fhir_idx_uri_res ON fhir_idx_uri (res_type, res_id, param);

-- +goose Down
DROP TABLE fhir_idx_uri;
DROP TABLE fhir_idx_quantity;
DROP TABLE fhir_idx_number;
DROP TABLE fhir_idx_date;
DROP TABLE fhir_idx_reference;
DROP TABLE fhir_idx_token;
DROP TABLE fhir_idx_string;
