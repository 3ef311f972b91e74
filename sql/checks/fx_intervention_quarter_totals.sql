-- asset: core.fct_fx_intervention_quarters
-- blocking: true
-- description: In the latest MOF intervention file (the one core publishes), each printed quarter total equals the sum of that quarter's daily operations within printed rounding: MOF rounds every day and the total separately to 100 million yen, so n daily rows may miss the total by up to (n + 1) / 2 units of 100 million yen. Daily rows in a quarter without a printed total fail too. Problems name the quarter, the line of the total and the file; a corrected file fetched later clears them.
WITH latest AS (
    -- The newest body fetched (fetched_at is recorded to the microsecond).
    SELECT arg_max(raw_sha256, fetched_at) AS raw_sha256, max(fetched_at) AS fetched_at
    FROM staging.mof_interventions
),
rows AS (
    SELECT i.* FROM staging.mof_interventions i JOIN latest USING (raw_sha256)
),
totals AS (
    SELECT quarter_start, amount_100m_jpy AS total_100m_jpy, line_no, source_url
    FROM rows WHERE row_kind = 'quarter_total'
),
daily AS (
    SELECT quarter_start, any_value(source_url) AS source_url,
           sum(amount_100m_jpy) AS daily_100m_jpy, count(*) AS daily_operations
    FROM rows WHERE row_kind = 'daily'
    GROUP BY quarter_start
),
joined AS (
    SELECT quarter_start, coalesce(t.source_url, d.source_url) AS source_url, t.line_no,
           t.total_100m_jpy, coalesce(d.daily_100m_jpy, 0) AS daily_100m_jpy,
           coalesce(d.daily_operations, 0) AS daily_operations
    FROM totals t FULL JOIN daily d USING (quarter_start)
)
SELECT quarter_start, line_no, total_100m_jpy, daily_100m_jpy, daily_operations, source_url,
       CASE WHEN total_100m_jpy IS NULL
            THEN format('quarter starting {}: {} daily operations ({} x 100 million yen) but no quarter total row in {}',
                        quarter_start, daily_operations, daily_100m_jpy, source_url)
            ELSE format('quarter starting {}: daily operations sum to {} x 100 million yen ({} rows) but the quarter total (line {} of {}) is {} (allowed gap {})',
                        quarter_start, daily_100m_jpy, daily_operations, line_no, source_url, total_100m_jpy,
                        (daily_operations + 1) / 2.0)
       END AS problem
FROM joined
-- Every printed figure is a whole number of 100 million yen: no floating-point border cases.
WHERE total_100m_jpy IS NULL OR abs(daily_100m_jpy - total_100m_jpy) > (daily_operations + 1) / 2.0
ORDER BY quarter_start
