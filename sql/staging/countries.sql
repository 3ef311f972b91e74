-- Staging table for the country dimension kept in pipelines/countries.py.
CREATE TABLE IF NOT EXISTS staging.countries (
    iso3 VARCHAR,
    name VARCHAR,
    is_custody_center BOOLEAN,
    aliases VARCHAR[],
    raw_sha256 VARCHAR,
    source_url VARCHAR,
    fetched_at TIMESTAMPTZ
);
