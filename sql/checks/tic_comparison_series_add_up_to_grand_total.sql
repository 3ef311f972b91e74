-- asset: core.tic_reconciliation
-- blocking: false
-- description: The same sum for the older series TIC repeats at a break for comparison; a warning only, because TIC's own June 2006 series VI column is 2.5 billion off its Grand Total.
SELECT source, raw_sha256, ref_month, parts_usd_bn, grand_total_usd_bn,
       format('{} {} (comparison series): {} parts sum to {:.1f}, Grand Total is {:.1f}', source, ref_month, n_parts, parts_usd_bn, grand_total_usd_bn) AS problem
FROM core.tic_reconciliation
WHERE is_comparison_series AND abs(parts_usd_bn - grand_total_usd_bn) > 0.05 * n_parts + 0.1
