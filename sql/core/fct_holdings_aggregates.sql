-- question: What were total foreign holdings, the foreign official part (bills, bonds and notes) and the regional totals each month, to reconcile country rows against?
-- depends_on: staging.tic_mfh_history, staging.tic_table5, staging.tic_table3
CREATE OR REPLACE TABLE core.fct_holdings_aggregates AS
WITH cells AS (
    SELECT aggregate AS label, ref_month, value_usd_bn, 'tic_mfh_history' AS source, series, is_comparison_series,
           coalesce(file_date, core.vintage_date(fetched_at)) AS vintage, raw_sha256, fetched_at
    FROM staging.tic_mfh_history WHERE aggregate IS NOT NULL
    UNION ALL
    SELECT aggregate, ref_month, value_usd_bn, 'tic_table5', series, is_comparison_series,
           coalesce(file_date, core.vintage_date(fetched_at)), raw_sha256, fetched_at
    FROM staging.tic_table5 WHERE aggregate IS NOT NULL
    UNION ALL
    SELECT aggregate, ref_month, for_treas_pos_usd_mn / 1000.0, 'tic_table3', NULL, FALSE,
           core.vintage_date(fetched_at), raw_sha256, fetched_at
    FROM staging.tic_table3 WHERE aggregate IS NOT NULL
)
SELECT DISTINCT ON (label, ref_month, source, series, is_comparison_series, vintage)
       label, ref_month, value_usd_bn, source, coalesce(series, 'current') AS series,
       is_comparison_series, vintage, raw_sha256
FROM cells
WHERE value_usd_bn IS NOT NULL
ORDER BY label, ref_month, source, series, is_comparison_series, vintage, fetched_at DESC;

COMMENT ON TABLE core.fct_holdings_aggregates IS 'Rows of the TIC tables that are not countries: grand_total, all_other, foreign_official, foreign_official_bills, foreign_official_bonds_notes, regional groups and Table 3 regions; every vintage.';
COMMENT ON COLUMN core.fct_holdings_aggregates.label IS 'Aggregate code (grand_total, all_other, foreign_official, foreign_official_bills, foreign_official_bonds_notes, carib_banking_centers, oil_exporters, Table 3 regions ...).';
COMMENT ON COLUMN core.fct_holdings_aggregates.ref_month IS 'Month of the end-of-month position (first day of the month).';
COMMENT ON COLUMN core.fct_holdings_aggregates.value_usd_bn IS 'Holdings at month end, billions of U.S. dollars.';
COMMENT ON COLUMN core.fct_holdings_aggregates.source IS 'Which TIC file the row comes from.';
COMMENT ON COLUMN core.fct_holdings_aggregates.series IS 'Benchmark series (current where none is printed).';
COMMENT ON COLUMN core.fct_holdings_aggregates.is_comparison_series IS 'True for the older series repeated at a series break for comparison.';
COMMENT ON COLUMN core.fct_holdings_aggregates.vintage IS 'Publication date printed in the file, else the fetch date.';
COMMENT ON COLUMN core.fct_holdings_aggregates.raw_sha256 IS 'sha256 of the raw file the row was parsed from.';
