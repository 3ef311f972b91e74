-- question: What is the best current figure for each country's Treasury holdings in each month?
-- depends_on: core.fct_treasury_holdings
CREATE OR REPLACE TABLE core.treasury_holdings AS
SELECT DISTINCT ON (iso3, ref_month)
       iso3, ref_month, holdings_usd_bn, value_flag, source, series, vintage, raw_sha256
FROM core.fct_treasury_holdings
WHERE NOT is_comparison_series
-- Latest vintage wins; on the same date the current tables (Table 5, then Table 3) win over the
-- history file, which TIC restates less often.
ORDER BY iso3, ref_month, vintage DESC,
         core.tic_source_rank(source);

COMMENT ON TABLE core.treasury_holdings IS 'Latest view: exactly one row per country and month, the newest vintage of the current series.';
COMMENT ON COLUMN core.treasury_holdings.iso3 IS 'Holder country, ISO 3166 alpha-3.';
COMMENT ON COLUMN core.treasury_holdings.ref_month IS 'Month of the end-of-month position (first day of the month).';
COMMENT ON COLUMN core.treasury_holdings.holdings_usd_bn IS 'Holdings of U.S. Treasury securities at month end, billions of U.S. dollars, newest vintage.';
COMMENT ON COLUMN core.treasury_holdings.value_flag IS '* where TIC printed less than $50 million instead of a number.';
COMMENT ON COLUMN core.treasury_holdings.source IS 'Which TIC file the figure comes from.';
COMMENT ON COLUMN core.treasury_holdings.series IS 'Benchmark series of the figure (current where the file prints none).';
COMMENT ON COLUMN core.treasury_holdings.vintage IS 'Publication (or fetch) date of the figure.';
COMMENT ON COLUMN core.treasury_holdings.raw_sha256 IS 'sha256 of the raw file the figure was parsed from.';
