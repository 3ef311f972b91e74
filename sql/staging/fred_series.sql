-- Staging table for the FRED series table kept in pipelines/sources/fred.py (SERIES): what each
-- series measures and in which unit. Replaced whole when the table changes.
CREATE TABLE IF NOT EXISTS staging.fred_series (
    series_id VARCHAR,
    unit VARCHAR,
    iso3 VARCHAR,
    measure VARCHAR,
    frequency VARCHAR,
    title VARCHAR,
    raw_sha256 VARCHAR,
    source_url VARCHAR,
    fetched_at TIMESTAMPTZ
);
