-- Staging table for tic_table3: one row per data line of every body loaded, USD millions as
-- printed (TIC sign convention: net > 0 means foreigners bought), plus where the body came from.
CREATE TABLE IF NOT EXISTS staging.tic_table3 (
    raw_label VARCHAR,
    label VARCHAR,
    country_code VARCHAR,
    iso3 VARCHAR,
    aggregate VARCHAR,
    ref_month DATE,
    for_treas_pos_usd_mn DOUBLE,
    for_treas_net_usd_mn DOUBLE,
    for_lt_treas_pos_usd_mn DOUBLE,
    for_lt_treas_net_usd_mn DOUBLE,
    for_lt_treas_valchg_usd_mn DOUBLE,
    for_st_treas_pos_usd_mn DOUBLE,
    for_st_treas_net_usd_mn DOUBLE,
    line_no INTEGER,
    raw_sha256 VARCHAR,
    source_url VARCHAR,
    fetched_at TIMESTAMPTZ
);

COMMENT ON TABLE staging.tic_table3 IS 'One row per data line of every TIC Table 3 body loaded (slt_table3.txt), USD millions as printed; TIC sign convention: net > 0 means foreigners bought.';
COMMENT ON COLUMN staging.tic_table3.raw_label IS 'The country or aggregate label exactly as printed.';
COMMENT ON COLUMN staging.tic_table3.label IS 'The label cleaned of whitespace and footnote markers, as matched in staging.country_labels.';
COMMENT ON COLUMN staging.tic_table3.country_code IS 'TIC''s own numeric country code, as printed.';
COMMENT ON COLUMN staging.tic_table3.iso3 IS 'Country the label stands for (ISO alpha-3); NULL for aggregates.';
COMMENT ON COLUMN staging.tic_table3.aggregate IS 'Aggregate the label stands for; NULL for countries.';
COMMENT ON COLUMN staging.tic_table3.ref_month IS 'First day of the month the line is for.';
COMMENT ON COLUMN staging.tic_table3.for_treas_pos_usd_mn IS 'Foreign holdings of U.S. Treasury securities at month end (long and short term), USD millions.';
COMMENT ON COLUMN staging.tic_table3.for_treas_net_usd_mn IS 'Net foreign purchases of Treasury securities in the month, USD millions (> 0: bought).';
COMMENT ON COLUMN staging.tic_table3.for_lt_treas_pos_usd_mn IS 'Holdings of long-term Treasury bonds and notes, USD millions.';
COMMENT ON COLUMN staging.tic_table3.for_lt_treas_net_usd_mn IS 'Net purchases of long-term Treasury bonds and notes, USD millions.';
COMMENT ON COLUMN staging.tic_table3.for_lt_treas_valchg_usd_mn IS 'Valuation change of long-term Treasuries held, USD millions (price moves, not trades).';
COMMENT ON COLUMN staging.tic_table3.for_st_treas_pos_usd_mn IS 'Holdings of Treasury bills and certificates, USD millions.';
COMMENT ON COLUMN staging.tic_table3.for_st_treas_net_usd_mn IS 'Net purchases of Treasury bills and certificates, USD millions.';
