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
