-- asset: core.tic_reconciliation
-- blocking: true
-- description: In every TIC file and month of the current series, the country rows, regional groups and All Other add up to the Grand Total within printed rounding (0.05 per row plus 0.1).
SELECT source, raw_sha256, ref_month, parts_usd_bn, grand_total_usd_bn,
       format('{} {}: {} parts sum to {:.1f}, Grand Total is {:.1f}', source, ref_month, n_parts, parts_usd_bn, grand_total_usd_bn) AS problem
FROM core.tic_reconciliation
WHERE NOT is_comparison_series AND abs(parts_usd_bn - grand_total_usd_bn) > 0.05 * n_parts + 0.1
