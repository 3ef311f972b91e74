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

COMMENT ON TABLE staging.fred IS 'One row per observation of every fredgraph.csv body loaded (one body per series and fetch), value as printed; units are in staging.fred_series, never in the file.';
COMMENT ON COLUMN staging.fred.series_id IS 'FRED series id (e.g. DEXJPUS).';
COMMENT ON COLUMN staging.fred.obs_date IS 'Observation date as FRED prints it (the period start for monthly and quarterly series).';
COMMENT ON COLUMN staging.fred.value IS 'Value as printed, in the series unit of staging.fred_series; NULL where FRED prints an empty cell or ''.''.';
