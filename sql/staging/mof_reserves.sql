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
