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

COMMENT ON TABLE staging.tic_mfh_history IS 'One row per printed cell (label x month x column) of every TIC major-foreign-holders body loaded (mfhhis01.txt), exactly as the parser typed it, USD billions; Table 5 (staging.tic_table5) has the same columns.';
COMMENT ON COLUMN staging.tic_mfh_history.raw_label IS 'The row label exactly as printed, footnote markers included.';
COMMENT ON COLUMN staging.tic_mfh_history.label IS 'The row label cleaned of whitespace and footnote markers, as matched in staging.country_labels.';
COMMENT ON COLUMN staging.tic_mfh_history.iso3 IS 'Country the label stands for (ISO alpha-3); NULL for aggregates.';
COMMENT ON COLUMN staging.tic_mfh_history.aggregate IS 'Aggregate the label stands for (grand_total, foreign_official, ...); NULL for countries.';
COMMENT ON COLUMN staging.tic_mfh_history.ref_month IS 'First day of the month of the column (end-of-month holdings).';
COMMENT ON COLUMN staging.tic_mfh_history.series IS 'Benchmark series label printed over the column (TIC revises at each annual benchmark).';
COMMENT ON COLUMN staging.tic_mfh_history.is_comparison_series IS 'True for the older series TIC prints again ''for comparison only'' at a series break; not a current figure.';
COMMENT ON COLUMN staging.tic_mfh_history.value_usd_bn IS 'Holdings of U.S. Treasury securities, USD billions as printed; NULL where the cell is not a number.';
COMMENT ON COLUMN staging.tic_mfh_history.value_flag IS 'What a non-numeric cell said (e.g. n.a., *), NULL for numbers.';
COMMENT ON COLUMN staging.tic_mfh_history.file_date IS 'The release date printed in the file, when it prints one.';

COMMENT ON COLUMN staging.tic_mfh_history.revised_on IS 'The date the file says the year of the cell was last revised (footer lines such as "(2025 revised March 18, 2026)"); NULL where it says none.';
