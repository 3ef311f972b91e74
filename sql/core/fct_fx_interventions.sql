-- question: On which days did Japan intervene in the foreign exchange market, how much, and in which direction?
-- depends_on: staging.mof_interventions
CREATE OR REPLACE TABLE core.fct_fx_interventions AS
-- Latest vintage only: every MOF file holds the whole history since 1991 and MOF only appends a
-- quarter at a time, so the newest body loaded is the complete answer (earlier bodies stay in
-- staging.mof_interventions for audit). Keeping one vintage means sums over dates never double.
WITH latest AS (
    -- The newest body fetched (fetched_at is recorded to the microsecond).
    SELECT arg_max(raw_sha256, fetched_at) AS raw_sha256, max(fetched_at) AS fetched_at
    FROM staging.mof_interventions
)
SELECT 'JPN' AS iso3, i.intervention_date, i.amount_100m_jpy / 10.0 AS amount_jpy_bn, i.side,
       i.currency_pair, 'mof_interventions' AS source,
       CAST(timezone('UTC', latest.fetched_at) AS DATE) AS vintage
FROM staging.mof_interventions i
JOIN latest USING (raw_sha256)
WHERE i.row_kind = 'daily'
ORDER BY i.intervention_date, i.line_no;

COMMENT ON TABLE core.fct_fx_interventions IS 'Japan''s foreign exchange interventions (MOF), one row per operation as printed in the daily breakdown, from the latest vintage loaded only (each MOF file is the full history; older files stay in staging). Printed quarter totals are in core.fct_fx_intervention_quarters. The daily breakdown is published about a quarter after the operations.';
COMMENT ON COLUMN core.fct_fx_interventions.iso3 IS 'Intervening authority''s country, ISO 3166 alpha-3 (JPN: Ministry of Finance, executed by the Bank of Japan).';
COMMENT ON COLUMN core.fct_fx_interventions.intervention_date IS 'Day of the operation.';
COMMENT ON COLUMN core.fct_fx_interventions.amount_jpy_bn IS 'Amount in billions of yen (MOF prints 100 million yen; divided by 10). For pairs without the yen (USD/DEM, USD/IDR) MOF converted to yen at the day''s BOJ rate.';
COMMENT ON COLUMN core.fct_fx_interventions.side IS 'buy_jpy (yen bought, foreign currency sold: supports the yen, and is financed by selling reserves such as Treasuries) or sell_jpy (yen sold, foreign currency bought); NULL for the few operations without the yen (USD/DEM 1992, USD/IDR 1997-98).';
COMMENT ON COLUMN core.fct_fx_interventions.currency_pair IS 'Currency pair in market quoting order, ISO 4217 (USD/JPY, EUR/JPY, DEM/JPY, USD/DEM, USD/IDR).';
COMMENT ON COLUMN core.fct_fx_interventions.source IS 'mof_interventions (MOF foreign_exchange_intervention_operations.csv).';
COMMENT ON COLUMN core.fct_fx_interventions.vintage IS 'Date (UTC) the MOF file these rows come from was fetched: the same, newest vintage on every row.';
