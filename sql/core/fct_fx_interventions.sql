-- question: On which days did Japan intervene in the foreign exchange market, how much in yen and in U.S. dollars, and in which direction?
-- depends_on: staging.mof_interventions, core.fct_fred_observations
CREATE OR REPLACE TABLE core.fct_fx_interventions AS
-- Latest vintage only: every MOF file holds the whole history since 1991 and MOF only appends a
-- quarter at a time, so the newest body loaded is the complete answer (earlier bodies stay in
-- staging.mof_interventions for audit). Keeping one vintage means sums over dates never double.
--
-- U.S. dollars: amount / DEXJPUS (FRED, yen per dollar, noon buying rate in New York, newest
-- vintage) of the operation's day; when FRED has no rate that day (a U.S. holiday, a Tokyo
-- operation on a day New York was closed), the last rate published before it, at most 7 days
-- earlier. usd_rate_date and usd_rate_basis say which day's rate was used; NULL without DEXJPUS.
WITH latest AS (
    -- The newest body fetched (fetched_at is recorded to the microsecond).
    SELECT arg_max(raw_sha256, fetched_at) AS raw_sha256, max(fetched_at) AS fetched_at
    FROM staging.mof_interventions
),
yen_per_usd AS (
    SELECT DISTINCT ON (obs_date) obs_date, value
    FROM core.fct_fred_observations
    WHERE series_id = 'DEXJPUS' AND value IS NOT NULL
    ORDER BY obs_date, vintage DESC
),
operations AS (
    SELECT i.intervention_date, i.amount_100m_jpy / 10.0 AS amount_jpy_bn, i.side, i.currency_pair, i.line_no,
           core.vintage_date(latest.fetched_at) AS vintage
    FROM staging.mof_interventions i
    JOIN latest USING (raw_sha256)
    WHERE i.row_kind = 'daily'
),
rated AS (
    SELECT o.*, r.obs_date AS usd_rate_date, r.value AS jpy_per_usd
    FROM operations o
    LEFT JOIN yen_per_usd r
      ON r.obs_date <= o.intervention_date AND r.obs_date >= o.intervention_date - INTERVAL 7 DAY
    QUALIFY row_number() OVER (PARTITION BY o.line_no ORDER BY r.obs_date DESC NULLS LAST) = 1
)
SELECT 'JPN' AS iso3, intervention_date, amount_jpy_bn, side, currency_pair,
       round(amount_jpy_bn / jpy_per_usd, 3) AS amount_usd_bn,
       jpy_per_usd, usd_rate_date,
       CASE WHEN usd_rate_date = intervention_date THEN 'same_day'
            WHEN usd_rate_date IS NOT NULL THEN 'earlier_day' END AS usd_rate_basis,
       'mof_interventions' AS source, vintage
FROM rated
ORDER BY intervention_date, line_no;

COMMENT ON TABLE core.fct_fx_interventions IS 'Japan''s foreign exchange interventions (MOF), one row per operation as printed in the daily breakdown, from the latest vintage loaded only (each MOF file is the full history; older files stay in staging), with the amount converted to U.S. dollars at FRED DEXJPUS. Printed quarter totals are in core.fct_fx_intervention_quarters. The daily breakdown is published about a quarter after the operations.';
COMMENT ON COLUMN core.fct_fx_interventions.iso3 IS 'Intervening authority''s country, ISO 3166 alpha-3 (JPN: Ministry of Finance, executed by the Bank of Japan).';
COMMENT ON COLUMN core.fct_fx_interventions.intervention_date IS 'Day of the operation.';
COMMENT ON COLUMN core.fct_fx_interventions.amount_jpy_bn IS 'Amount in billions of yen (MOF prints 100 million yen; divided by 10). For pairs without the yen (USD/DEM, USD/IDR) MOF converted to yen at the day''s BOJ rate.';
COMMENT ON COLUMN core.fct_fx_interventions.side IS 'buy_jpy (yen bought, foreign currency sold: supports the yen, and is financed by selling reserves such as Treasuries) or sell_jpy (yen sold, foreign currency bought); NULL for the few operations without the yen (USD/DEM 1992, USD/IDR 1997-98).';
COMMENT ON COLUMN core.fct_fx_interventions.currency_pair IS 'Currency pair in market quoting order, ISO 4217 (USD/JPY, EUR/JPY, DEM/JPY, USD/DEM, USD/IDR).';
COMMENT ON COLUMN core.fct_fx_interventions.amount_usd_bn IS 'amount_jpy_bn / jpy_per_usd, billions of U.S. dollars, 3 decimals: the yen amount at the New York noon rate of usd_rate_date, an estimate of the dollars involved, not the dollars MOF sold (MOF publishes yen only, trades at Tokyo rates during the day, and a EUR/JPY operation sold no dollars at all). 2022-10-21: 5620.2 bn yen / 146.35 = 38.402 bn USD. NULL when DEXJPUS has no rate in the 7 days up to the operation.';
COMMENT ON COLUMN core.fct_fx_interventions.jpy_per_usd IS 'The DEXJPUS rate used, yen per U.S. dollar (FRED, newest vintage).';
COMMENT ON COLUMN core.fct_fx_interventions.usd_rate_date IS 'The day of that rate: the operation''s day, else the last earlier day with a rate (at most 7 days before).';
COMMENT ON COLUMN core.fct_fx_interventions.usd_rate_basis IS 'same_day (DEXJPUS of the operation''s day) or earlier_day (no rate that day, the last one before it: see usd_rate_date); NULL without a rate.';
COMMENT ON COLUMN core.fct_fx_interventions.source IS 'mof_interventions (MOF foreign_exchange_intervention_operations.csv).';
COMMENT ON COLUMN core.fct_fx_interventions.vintage IS 'Date (UTC) the MOF file these rows come from was fetched: the same, newest vintage on every row.';
