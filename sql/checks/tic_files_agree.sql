-- asset: core.fct_treasury_holdings
-- blocking: true
-- description: Where two TIC files (mfhhis01 history, Table 5, Table 3; newest vintage of each) print the same country and month in the current series, they agree within the revision tolerance: 1 billion or 2% of the larger figure, whichever is more (ordinary restatements between vintages are 0.1-1%: UK 2025-09 862.1 -> 862.5, 2025-12 866 -> 863.1). A larger gap is allowed only where the newer file declares the year revised after the older file's vintage (mfhhis01's footer "(2025 revised March 18, 2026)", as at TIC's benchmark revisions); otherwise one file is wrong (a Table 5 month header off by a year moved Japan 2024-10 from 1101.5 to 1200) and the publish is blocked naming both files, the cells and the values.
WITH latest AS (
    SELECT DISTINCT ON (iso3, ref_month, source) iso3, ref_month, holdings_usd_bn, vintage, revised_on, raw_sha256,
           CASE source WHEN 'tic_mfh_history' THEN 'mfhhis01.txt' WHEN 'tic_table5' THEN 'slt_table5.txt'
                       ELSE 'slt_table3.txt' END AS source
    FROM core.fct_treasury_holdings
    WHERE NOT is_comparison_series AND holdings_usd_bn IS NOT NULL
    ORDER BY iso3, ref_month, source, vintage DESC
),
pairs AS (
    SELECT a.iso3, a.ref_month,
           a.source AS source_a, a.holdings_usd_bn AS value_a, a.vintage AS vintage_a, a.revised_on AS revised_a,
           b.source AS source_b, b.holdings_usd_bn AS value_b, b.vintage AS vintage_b, b.revised_on AS revised_b
    FROM latest a JOIN latest b ON a.iso3 = b.iso3 AND a.ref_month = b.ref_month AND a.source < b.source
)
SELECT iso3, ref_month, source_a, value_a, vintage_a, source_b, value_b, vintage_b,
       format('{} {}: {} (vintage {}) says {} bn but {} (vintage {}) says {} bn, a gap of {:.1f} bn beyond the revision tolerance of {:.1f} bn, and the newer file declares no revision of {}',
              iso3, strftime(ref_month, '%Y-%m'), source_a, vintage_a, value_a, source_b, vintage_b, value_b,
              abs(value_a - value_b), greatest(1.0, 0.02 * greatest(value_a, value_b)), year(ref_month)) AS problem
FROM pairs
WHERE abs(value_a - value_b) > greatest(1.0, 0.02 * greatest(value_a, value_b))
  AND NOT CASE WHEN vintage_a >= vintage_b THEN coalesce(revised_a > vintage_b, FALSE)
               ELSE coalesce(revised_b > vintage_a, FALSE) END
ORDER BY ref_month, iso3, source_a, source_b
