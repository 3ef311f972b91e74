-- question: How much did Japan intervene each quarter according to MOF's printed quarter totals, and do the daily operations add up to them?
-- depends_on: staging.mof_interventions
CREATE OR REPLACE TABLE core.fct_fx_intervention_quarters AS
-- Same vintage rule as core.fct_fx_interventions: the latest MOF file only.
WITH latest AS (
    -- The newest body fetched (fetched_at is recorded to the microsecond).
    SELECT arg_max(raw_sha256, fetched_at) AS raw_sha256, max(fetched_at) AS fetched_at
    FROM staging.mof_interventions
),
rows AS (
    SELECT i.* FROM staging.mof_interventions i JOIN latest USING (raw_sha256)
),
totals AS (
    SELECT quarter_start, amount_100m_jpy AS total_100m_jpy, line_no AS total_line_no
    FROM rows WHERE row_kind = 'quarter_total'
),
daily AS (
    SELECT quarter_start, sum(amount_100m_jpy) AS daily_100m_jpy, count(*) AS daily_operations
    FROM rows WHERE row_kind = 'daily'
    GROUP BY quarter_start
)
-- A full join: daily rows in a quarter MOF has not totalled yet show up with a NULL total (and fail
-- the quarter-total check) instead of disappearing.
SELECT 'JPN' AS iso3, quarter_start,
       CAST(quarter_start + INTERVAL 3 MONTH - INTERVAL 1 DAY AS DATE) AS quarter_end,
       totals.total_100m_jpy / 10.0 AS total_amount_jpy_bn,
       coalesce(daily.daily_100m_jpy, 0) / 10.0 AS daily_amount_jpy_bn,
       coalesce(daily.daily_operations, 0) AS daily_operations,
       totals.total_line_no,
       'mof_interventions' AS source,
       (SELECT any_value(source_url) FROM rows) AS source_url,
       (SELECT core.vintage_date(fetched_at) FROM latest) AS vintage,
       (SELECT raw_sha256 FROM latest) AS raw_sha256
FROM totals FULL JOIN daily USING (quarter_start)
ORDER BY quarter_start;

COMMENT ON TABLE core.fct_fx_intervention_quarters IS 'Japan''s interventions per calendar quarter (MOF): the quarter total MOF prints, beside the sum of that quarter''s daily operations in core.fct_fx_interventions, from the latest vintage only. MOF prints a total (often 0) for every quarter since 1991-Q2.';
COMMENT ON COLUMN core.fct_fx_intervention_quarters.iso3 IS 'Intervening authority''s country, ISO 3166 alpha-3 (JPN).';
COMMENT ON COLUMN core.fct_fx_intervention_quarters.quarter_start IS 'First day of the calendar quarter.';
COMMENT ON COLUMN core.fct_fx_intervention_quarters.quarter_end IS 'Last day of the calendar quarter.';
COMMENT ON COLUMN core.fct_fx_intervention_quarters.total_amount_jpy_bn IS 'Quarter total as MOF prints it, billions of yen (100 million yen / 10), all sides and pairs together; NULL when daily rows exist but MOF printed no total for the quarter.';
COMMENT ON COLUMN core.fct_fx_intervention_quarters.daily_amount_jpy_bn IS 'Sum of the quarter''s daily operations, billions of yen. MOF rounds each day and the total separately, so it may differ from the total by up to (daily_operations + 1) / 2 times 0.1 billion yen.';
COMMENT ON COLUMN core.fct_fx_intervention_quarters.daily_operations IS 'Number of daily operation rows in the quarter.';
COMMENT ON COLUMN core.fct_fx_intervention_quarters.total_line_no IS 'Line of the quarter total row in the MOF file; NULL when MOF printed no total for the quarter.';
COMMENT ON COLUMN core.fct_fx_intervention_quarters.source IS 'mof_interventions (MOF foreign_exchange_intervention_operations.csv).';
COMMENT ON COLUMN core.fct_fx_intervention_quarters.vintage IS 'Date (UTC) the MOF file these rows come from was fetched.';
COMMENT ON COLUMN core.fct_fx_intervention_quarters.source_url IS 'URL of the MOF file these rows come from.';
COMMENT ON COLUMN core.fct_fx_intervention_quarters.raw_sha256 IS 'sha256 of that file in the raw archive.';
