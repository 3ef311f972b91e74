-- question: How many U.S. Treasury securities did each country hold at the end of each month, in every vintage the TIC system published?
-- depends_on: staging.tic_mfh_history, staging.tic_table5, staging.tic_table3
CREATE OR REPLACE TABLE core.fct_treasury_holdings AS
WITH cells AS (
    SELECT iso3, ref_month, value_usd_bn AS holdings_usd_bn, value_flag,
           'tic_mfh_history' AS source, series, is_comparison_series,
           coalesce(file_date, core.vintage_date(fetched_at)) AS vintage, revised_on, raw_sha256, fetched_at
    FROM staging.tic_mfh_history WHERE iso3 IS NOT NULL
    UNION ALL
    SELECT iso3, ref_month, value_usd_bn, value_flag,
           'tic_table5', series, is_comparison_series,
           coalesce(file_date, core.vintage_date(fetched_at)), revised_on, raw_sha256, fetched_at
    FROM staging.tic_table5 WHERE iso3 IS NOT NULL
    UNION ALL
    SELECT iso3, ref_month, for_treas_pos_usd_mn / 1000.0, NULL,
           'tic_table3', NULL, FALSE,
           core.vintage_date(fetched_at), CAST(NULL AS DATE), raw_sha256, fetched_at
    FROM staging.tic_table3 WHERE iso3 IS NOT NULL
)
-- Two bodies of the same vintage (re-fetched, line endings changed) must not double a row: keep
-- the one fetched last.
SELECT DISTINCT ON (iso3, ref_month, source, series, is_comparison_series, vintage)
       iso3, ref_month, holdings_usd_bn, value_flag, source,
       coalesce(series, 'current') AS series, is_comparison_series, vintage, revised_on, raw_sha256
FROM cells
WHERE holdings_usd_bn IS NOT NULL OR value_flag = '*'
ORDER BY iso3, ref_month, source, series, is_comparison_series, vintage, fetched_at DESC;

COMMENT ON TABLE core.fct_treasury_holdings IS 'Treasury holdings by country and month in every vintage and series published (TIC Major Foreign Holders history, Table 5, Table 3). Aggregates (Grand Total, All Other, foreign official, regions) are in core.fct_holdings_aggregates.';
COMMENT ON COLUMN core.fct_treasury_holdings.iso3 IS 'Holder country, ISO 3166 alpha-3 (core.dim_country).';
COMMENT ON COLUMN core.fct_treasury_holdings.ref_month IS 'Month of the end-of-month position, as the first day of that month.';
COMMENT ON COLUMN core.fct_treasury_holdings.holdings_usd_bn IS 'Holdings of U.S. Treasury bills, notes and bonds at month end, billions of U.S. dollars (Table 3 millions divided by 1000). NULL with value_flag * where TIC prints * (less than $50 million).';
COMMENT ON COLUMN core.fct_treasury_holdings.value_flag IS 'The code TIC printed instead of a number: * = less than $50 million; NULL for a printed number.';
COMMENT ON COLUMN core.fct_treasury_holdings.source IS 'tic_mfh_history (mfhhis01.txt), tic_table5 (slt_table5.txt) or tic_table3 (slt_table3.txt).';
COMMENT ON COLUMN core.fct_treasury_holdings.series IS 'Benchmark series the value belongs to as printed above its column (Roman numeral, e.g. XII), or current where none is printed.';
COMMENT ON COLUMN core.fct_treasury_holdings.is_comparison_series IS 'True for the older series column TIC repeats at a series break, shown for comparison only; the latest view never uses these.';
COMMENT ON COLUMN core.fct_treasury_holdings.vintage IS 'Publication date printed in the file (mfhhis01 footer date), else the date the file was fetched.';
COMMENT ON COLUMN core.fct_treasury_holdings.revised_on IS 'Date the file itself says this month''s year was revised (mfhhis01 footer such as "(2025 revised March 18, 2026)"); NULL where the file declares no revision (Table 5 and Table 3 never do). Only a declared revision may move a figure beyond the tolerance of tic_files_agree.';
COMMENT ON COLUMN core.fct_treasury_holdings.raw_sha256 IS 'sha256 of the raw file in $TLW_HOME/raw the row was parsed from.';
