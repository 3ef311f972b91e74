-- asset: core.fct_holdings_aggregates
-- blocking: true
-- description: In every TIC file and month of the current series, the country rows, regional groups and All Other add up to the Grand Total within printed rounding (0.05 per row plus 0.1).
WITH rows AS (
    SELECT 'tic_mfh_history' AS source, raw_sha256, ref_month, is_comparison_series, iso3, aggregate, value_usd_bn
    FROM staging.tic_mfh_history
    UNION ALL
    SELECT 'tic_table5', raw_sha256, ref_month, is_comparison_series, iso3, aggregate, value_usd_bn
    FROM staging.tic_table5
),
per_month AS (
    -- Comparison columns (older series repeated at a break) are checked by a warning-only twin:
    -- TIC's own June 2006 series VI column is 2.5 billion off its Grand Total.
    SELECT source, raw_sha256, ref_month, is_comparison_series,
           sum(value_usd_bn) FILTER (WHERE aggregate IS NULL OR aggregate NOT IN
               ('grand_total', 'foreign_official', 'foreign_official_bills', 'foreign_official_bonds_notes')) AS parts,
           count(*) FILTER (WHERE aggregate IS NULL OR aggregate NOT IN
               ('grand_total', 'foreign_official', 'foreign_official_bills', 'foreign_official_bonds_notes')) AS n_parts,
           max(value_usd_bn) FILTER (WHERE aggregate = 'grand_total') AS grand_total
    FROM rows
    GROUP BY ALL
)
SELECT source, raw_sha256, ref_month, is_comparison_series, parts, grand_total,
       format('{}: {} parts sum to {:.1f}, Grand Total is {:.1f}', source, n_parts, parts, grand_total) AS problem
FROM per_month
WHERE NOT is_comparison_series AND grand_total IS NOT NULL AND abs(parts - grand_total) > 0.05 * n_parts + 0.1
