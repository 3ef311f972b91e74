-- question: What is the newest figure for each holder's official reserves in each month, per measure?
-- depends_on: core.fct_reserves
CREATE OR REPLACE TABLE core.reserves AS
SELECT DISTINCT ON (iso3, ref_month, measure)
       iso3, ref_month, total_reserves_usd_mn, fx_reserves_usd_mn, securities_usd_mn, deposits_usd_mn,
       imf_position_usd_mn, sdr_usd_mn, gold_usd_mn, gold_moz, other_reserve_assets_usd_mn,
       measure, source, vintage, raw_sha256
FROM core.fct_reserves
ORDER BY iso3, ref_month, measure, vintage DESC;

COMMENT ON TABLE core.reserves IS 'Latest view of core.fct_reserves: one row per holder, month and measure, from the newest vintage that gives that month. Japan has two rows per month (total_incl_gold from MOF, total_excl_gold from FRED when loaded); pick the measure, never sum them.';
COMMENT ON COLUMN core.reserves.iso3 IS 'Reserve holder, ISO 3166 alpha-3.';
COMMENT ON COLUMN core.reserves.ref_month IS 'Month of the month-end position (first day of the month).';
COMMENT ON COLUMN core.reserves.total_reserves_usd_mn IS 'Total official reserve assets, USD millions, as defined by measure, newest vintage.';
COMMENT ON COLUMN core.reserves.fx_reserves_usd_mn IS 'Foreign currency reserves (securities + deposits), USD millions; MOF only.';
COMMENT ON COLUMN core.reserves.securities_usd_mn IS 'Foreign currency securities, USD millions; MOF only.';
COMMENT ON COLUMN core.reserves.deposits_usd_mn IS 'Foreign currency deposits, USD millions; MOF only.';
COMMENT ON COLUMN core.reserves.imf_position_usd_mn IS 'IMF reserve position, USD millions; MOF only.';
COMMENT ON COLUMN core.reserves.sdr_usd_mn IS 'SDR holdings, USD millions; MOF only.';
COMMENT ON COLUMN core.reserves.gold_usd_mn IS 'Gold at market value, USD millions; MOF only.';
COMMENT ON COLUMN core.reserves.gold_moz IS 'Gold volume, million fine troy ounces; MOF only.';
COMMENT ON COLUMN core.reserves.other_reserve_assets_usd_mn IS 'Other reserve assets, USD millions; MOF only, NULL before 2006-03.';
COMMENT ON COLUMN core.reserves.measure IS 'total_incl_gold (MOF) or total_excl_gold (FRED TRESEG series).';
COMMENT ON COLUMN core.reserves.source IS 'mof_reserves or fred.';
COMMENT ON COLUMN core.reserves.vintage IS 'Fetch date (UTC) of the vintage the figure comes from.';
COMMENT ON COLUMN core.reserves.raw_sha256 IS 'sha256 of the raw file the figure was parsed from.';
