-- asset: core.fct_holdings_aggregates
-- blocking: true
-- description: Foreign official holdings equal official bills plus official bonds and notes, within printed rounding (0.15).
WITH rows AS (
    SELECT 'tic_mfh_history' AS source, raw_sha256, ref_month, is_comparison_series, aggregate, value_usd_bn FROM staging.tic_mfh_history
    UNION ALL
    SELECT 'tic_table5', raw_sha256, ref_month, is_comparison_series, aggregate, value_usd_bn FROM staging.tic_table5
),
per_month AS (
    SELECT source, raw_sha256, ref_month, is_comparison_series,
           max(value_usd_bn) FILTER (WHERE aggregate = 'foreign_official') AS official,
           max(value_usd_bn) FILTER (WHERE aggregate = 'foreign_official_bills') AS bills,
           max(value_usd_bn) FILTER (WHERE aggregate = 'foreign_official_bonds_notes') AS bonds_notes
    FROM rows GROUP BY ALL
)
SELECT *, format('{}: foreign official {:.1f} but bills {:.1f} + bonds and notes {:.1f}', source, official, bills, bonds_notes) AS problem
FROM per_month
WHERE official IS NOT NULL AND bills IS NOT NULL AND bonds_notes IS NOT NULL
  AND abs(official - bills - bonds_notes) > 0.15
