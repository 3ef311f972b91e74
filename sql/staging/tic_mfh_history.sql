-- Staging table for tic_mfh_history: one row per printed cell (label x month x column) of every body loaded,
-- exactly as the parser typed it, plus where the body came from. Source units (USD billions).
CREATE TABLE IF NOT EXISTS staging.tic_mfh_history (
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
    revised_on DATE,
    raw_sha256 VARCHAR,
    source_url VARCHAR,
    fetched_at TIMESTAMPTZ
);
-- Working copies made before revised_on existed gain it (NULL for the bodies already loaded).
ALTER TABLE staging.tic_mfh_history ADD COLUMN IF NOT EXISTS revised_on DATE;
