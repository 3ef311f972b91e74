-- Staging table for fred: one row per observation of every fredgraph.csv body loaded (one body per
-- series and fetch), value as printed (NULL where FRED prints an empty cell or `.`), plus where
-- the body came from. Units are in staging.fred_series, never in the file.
CREATE TABLE IF NOT EXISTS staging.fred (
    series_id VARCHAR,
    obs_date DATE,
    value DOUBLE,
    line_no INTEGER,
    raw_sha256 VARCHAR,
    source_url VARCHAR,
    fetched_at TIMESTAMPTZ
);
