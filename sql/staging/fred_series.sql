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

COMMENT ON TABLE staging.fred_series IS 'The FRED series table kept in pipelines/sources/fred.py (SERIES): what each series measures and in which unit; replaced whole when the table changes.';
COMMENT ON COLUMN staging.fred_series.series_id IS 'FRED series id.';
COMMENT ON COLUMN staging.fred_series.unit IS 'Unit of the values: usd_mn, usd_bn or jpy_per_usd.';
COMMENT ON COLUMN staging.fred_series.iso3 IS 'Reporting economy (ISO 3166-1 alpha-3); NULL for series that are not a country''s.';
COMMENT ON COLUMN staging.fred_series.measure IS 'What is measured, e.g. total_excl_gold (total reserves excluding gold).';
COMMENT ON COLUMN staging.fred_series.frequency IS 'daily, weekly, monthly or quarterly; tlw status judges freshness on the daily series.';
COMMENT ON COLUMN staging.fred_series.title IS 'The series title, with its source.';
