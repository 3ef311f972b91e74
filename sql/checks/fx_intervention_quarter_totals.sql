-- asset: core.fct_fx_intervention_quarters
-- blocking: true
-- description: In the latest MOF intervention file (the one core publishes), each printed quarter total equals the sum of that quarter's daily operations within printed rounding: MOF rounds every day and the total separately to 100 million yen, so n daily rows may miss the total by up to (n + 1) / 2 units of 100 million yen. Daily rows in a quarter without a printed total fail too. Problems name the quarter, the line of the total and the file; a corrected file fetched later clears them.
-- Reads the core table, which keeps both figures (in billions of yen, one decimal: 100 million
-- yen units), so the rule lives here and the figures in one place.
SELECT quarter_start, total_line_no, total_amount_jpy_bn, daily_amount_jpy_bn, daily_operations, source_url,
       CASE WHEN total_amount_jpy_bn IS NULL
            THEN format('quarter starting {}: {} daily operations ({} x 100 million yen) but no quarter total row in {}',
                        quarter_start, daily_operations, CAST(round(daily_amount_jpy_bn * 10) AS BIGINT), source_url)
            ELSE format('quarter starting {}: daily operations sum to {} x 100 million yen ({} rows) but the quarter total (line {} of {}) is {} (allowed gap {})',
                        quarter_start, CAST(round(daily_amount_jpy_bn * 10) AS BIGINT), daily_operations, total_line_no, source_url,
                        CAST(round(total_amount_jpy_bn * 10) AS BIGINT), (daily_operations + 1) / 2.0)
       END AS problem
FROM core.fct_fx_intervention_quarters
-- Every printed figure is a whole number of 100 million yen: compare in those units, rounded, so
-- no floating-point border case decides a pass.
WHERE total_amount_jpy_bn IS NULL
   OR abs(round(daily_amount_jpy_bn * 10) - round(total_amount_jpy_bn * 10)) > (daily_operations + 1) / 2.0
ORDER BY quarter_start
