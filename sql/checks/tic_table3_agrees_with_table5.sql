-- asset: core.fct_treasury_holdings
-- blocking: true
-- description: For the same country and month, the latest Table 3 position (millions) and the latest Table 5 holding (billions) agree within rounding (0.1 billion).
WITH latest AS (
    SELECT DISTINCT ON (iso3, ref_month, source) iso3, ref_month, source, holdings_usd_bn
    FROM core.fct_treasury_holdings
    WHERE source IN ('tic_table3', 'tic_table5') AND NOT is_comparison_series
    ORDER BY iso3, ref_month, source, vintage DESC
)
SELECT t3.iso3, t3.ref_month, t3.holdings_usd_bn AS table3_usd_bn, t5.holdings_usd_bn AS table5_usd_bn,
       format('{} {}: Table 3 says {:.3f} bn, Table 5 says {:.1f} bn', t3.iso3, t3.ref_month, t3.holdings_usd_bn, t5.holdings_usd_bn) AS problem
FROM latest t3 JOIN latest t5 USING (iso3, ref_month)
WHERE t3.source = 'tic_table3' AND t5.source = 'tic_table5'
  AND abs(t3.holdings_usd_bn - t5.holdings_usd_bn) > 0.1
