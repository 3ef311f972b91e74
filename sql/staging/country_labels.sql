-- Staging table for the explicit label map kept in pipelines/countries.py.
CREATE TABLE IF NOT EXISTS staging.country_labels (
    label VARCHAR,
    iso3 VARCHAR,
    aggregate VARCHAR,
    raw_sha256 VARCHAR,
    source_url VARCHAR,
    fetched_at TIMESTAMPTZ
);
