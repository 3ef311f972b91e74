-- Staging table for tic_table5: one row per printed cell (label x month x column) of every body loaded,
-- exactly as the parser typed it, plus where the body came from. Source units (USD billions).
CREATE TABLE IF NOT EXISTS staging.tic_table5 (
    raw_label VARCHAR,
    label VARCHAR,
    iso3 VARCHAR,
    aggregate VARCHAR,
    ref_month DATE,
    series VARCHAR,
    is_comparison_series BOOLEAN,
    value_usd_bn DOUBLE,
    value_flag VARCHAR,
    line_no INTEGER,
    file_date DATE,
    raw_sha256 VARCHAR,
    source_url VARCHAR,
    fetched_at TIMESTAMPTZ
);
