-- Staging table for policy_statements: the curated register pipelines/data/policy_statements.csv
-- as loaded and validated by pipelines/policy_statements.py, replaced whole when the file changes.
-- source_url here is the file the rows were loaded from; the record each statement rests on is
-- statement_source_url.
CREATE TABLE IF NOT EXISTS staging.policy_statements (
    statement_id VARCHAR,
    statement_date DATE,
    date_precision VARCHAR,
    time_local VARCHAR,
    time_zone VARCHAR,
    speaker VARCHAR,
    office VARCHAR,
    country VARCHAR,
    kind VARCHAR,
    quote VARCHAR,
    statement_source_url VARCHAR,
    notes VARCHAR,
    csv_line BIGINT,
    raw_sha256 VARCHAR,
    source_url VARCHAR,
    fetched_at TIMESTAMPTZ
);

COMMENT ON TABLE staging.policy_statements IS 'The curated statements register (pipelines/data/policy_statements.csv) as validated on load; replaced whole when the file changes. Core view: core.dim_policy_statement.';
COMMENT ON COLUMN staging.policy_statements.statement_id IS 'Stable key YYYY-MM-DD-<speaker>-<what>.';
COMMENT ON COLUMN staging.policy_statements.statement_date IS 'Local date the statement was first public.';
COMMENT ON COLUMN staging.policy_statements.date_precision IS 'day or approximate.';
COMMENT ON COLUMN staging.policy_statements.time_local IS 'Local time HH:MM when the sources give it, else NULL.';
COMMENT ON COLUMN staging.policy_statements.time_zone IS 'IANA time zone of the statement.';
COMMENT ON COLUMN staging.policy_statements.speaker IS 'Who spoke.';
COMMENT ON COLUMN staging.policy_statements.office IS 'The speaker''s office at the time.';
COMMENT ON COLUMN staging.policy_statements.country IS 'ISO 3166 alpha-3 of the speaker''s government.';
COMMENT ON COLUMN staging.policy_statements.kind IS 'rules_out, hints, talks_round or denies_selling.';
COMMENT ON COLUMN staging.policy_statements.quote IS 'Short quote in the source''s words.';
COMMENT ON COLUMN staging.policy_statements.statement_source_url IS 'The record the statement rests on (https URL, or shared:news/<file> for the stored news article).';
COMMENT ON COLUMN staging.policy_statements.notes IS 'What the source is and what it does not settle.';
COMMENT ON COLUMN staging.policy_statements.csv_line IS 'Register CSV line the row starts on.';
