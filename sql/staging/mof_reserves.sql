-- Staging table for mof_reserves: one row per month-end of every body of MOF's historical.csv
-- loaded (each body is a vintage: MOF revises past months), as the parser typed it, plus where
-- the body came from. USD millions, gold volume in million fine troy ounces.
CREATE TABLE IF NOT EXISTS staging.mof_reserves (
    ref_month DATE,
    total_reserves_usd_mn BIGINT,
    fx_reserves_usd_mn BIGINT,
    securities_usd_mn BIGINT,
    deposits_usd_mn BIGINT,
    imf_position_usd_mn BIGINT,
    sdr_usd_mn BIGINT,
    gold_usd_mn BIGINT,
    other_reserve_assets_usd_mn BIGINT,
    sdr_basket_currencies_usd_mn BIGINT,
    other_currencies_usd_mn BIGINT,
    gold_moz DOUBLE,
    line_no INTEGER,
    raw_sha256 VARCHAR,
    source_url VARCHAR,
    fetched_at TIMESTAMPTZ
);

COMMENT ON TABLE staging.mof_reserves IS 'One row per month-end of every body of MOF''s historical.csv loaded (each body is a vintage: MOF revises past months), USD millions, gold volume in million fine troy ounces.';
COMMENT ON COLUMN staging.mof_reserves.ref_month IS 'First day of the month whose end-of-month position the row gives.';
COMMENT ON COLUMN staging.mof_reserves.total_reserves_usd_mn IS 'Official reserve assets in total, USD millions.';
COMMENT ON COLUMN staging.mof_reserves.fx_reserves_usd_mn IS 'Foreign currency reserves, USD millions.';
COMMENT ON COLUMN staging.mof_reserves.securities_usd_mn IS 'Foreign currency reserves held as securities, USD millions.';
COMMENT ON COLUMN staging.mof_reserves.deposits_usd_mn IS 'Foreign currency reserves held as deposits, USD millions.';
COMMENT ON COLUMN staging.mof_reserves.imf_position_usd_mn IS 'Reserve position in the IMF, USD millions.';
COMMENT ON COLUMN staging.mof_reserves.sdr_usd_mn IS 'SDR holdings, USD millions.';
COMMENT ON COLUMN staging.mof_reserves.gold_usd_mn IS 'Gold, USD millions at market value.';
COMMENT ON COLUMN staging.mof_reserves.other_reserve_assets_usd_mn IS 'Other reserve assets, USD millions.';
COMMENT ON COLUMN staging.mof_reserves.sdr_basket_currencies_usd_mn IS 'Foreign currency reserves in SDR basket currencies, USD millions.';
COMMENT ON COLUMN staging.mof_reserves.other_currencies_usd_mn IS 'Foreign currency reserves in currencies outside the SDR basket, USD millions.';
COMMENT ON COLUMN staging.mof_reserves.gold_moz IS 'Gold volume, million fine troy ounces.';
