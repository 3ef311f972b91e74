-- question: Week by week, did foreign official custody holdings at the New York Fed fall unusually, did Japanese investors buy or sell foreign bonds, and how far did the 10-year yield move?
-- depends_on: core.market_observations, core.fct_mof_weekly_securities
--
-- One row per week, Sunday to Saturday (MOF's week; week_start is the Sunday), that has a custody
-- level, a MOF weekly figure or a 10-year yield.
-- * Custody (H.4.1): the Wednesday level inside the week. Its change is against the Wednesday one
--   week before, and is NULL when that Wednesday has no value (no two-week change passed off as
--   one week). So the change covers Thursday of the previous week to this Wednesday, not the
--   Sunday-to-Saturday week of the MOF columns.
-- * z-score: (this week's change - mean of the 52 weekly changes before it) / their sample
--   standard deviation; NULL unless all 52 previous weeks have a change. It says how unusual the
--   change is against the past year, not whether anyone sold: custody also moves with
--   redemptions at maturity, transfers to private custodians and purchases at auction.
-- * MOF: Japanese residents' net acquisition of foreign long-term debt (bonds and notes, every
--   issuer and currency) and of short-term debt, newest vintage, 100 million yen; in U.S. dollars
--   at the mean noon rate (DEXJPUS) of the week's days with a rate: net_100m_jpy x 100 / rate.
-- * 10-year yield: the last DGS10 close in the week minus the last close before the week, bp.
CREATE OR REPLACE TABLE marts.weekly_signals AS
WITH obs AS (
    SELECT *, CAST(obs_date - CAST(dayofweek(obs_date) AS INTEGER) AS DATE) AS week_start
    FROM core.market_observations
),
custody AS (
    SELECT o.series_id, o.week_start, o.obs_date, o.value,
           CASE WHEN p.obs_date = o.obs_date - 7 THEN o.value - p.value END AS chg
    FROM obs o
    LEFT JOIN obs p ON p.series_id = o.series_id AND p.obs_index = o.obs_index - 1
    WHERE o.series_id IN ('WMTSECL1', 'WSEFINTL1')
),
custody_z AS (
    SELECT *,
           count(chg) OVER prior AS prior_changes,
           avg(chg) OVER prior AS prior_mean,
           stddev_samp(chg) OVER prior AS prior_sd
    FROM custody
    WINDOW prior AS (PARTITION BY series_id ORDER BY obs_date ROWS BETWEEN 52 PRECEDING AND 1 PRECEDING)
),
mof AS (
    SELECT DISTINCT ON (week_start, instrument) week_start, instrument, net_acquisition_100m_jpy, vintage
    FROM core.fct_mof_weekly_securities
    WHERE investor_side = 'residents_foreign_securities' AND instrument IN ('long_term_debt', 'short_term_debt')
    ORDER BY week_start, instrument, vintage DESC
),
fx AS (
    SELECT week_start, avg(value) AS mean_jpy_per_usd FROM obs WHERE series_id = 'DEXJPUS' GROUP BY week_start
),
ten_year AS (
    SELECT week_start, arg_max(value, obs_date) AS close_pct, min(obs_index) AS first_index
    FROM obs WHERE series_id = 'DGS10' GROUP BY week_start
),
weeks AS (
    SELECT DISTINCT week_start FROM obs WHERE series_id IN ('WMTSECL1', 'WSEFINTL1', 'DGS10')
    UNION
    SELECT DISTINCT week_start FROM mof
)
SELECT w.week_start,
       CAST(w.week_start + 6 AS DATE) AS week_end,
       c.obs_date AS custody_date,
       c.value AS custody_treasuries_usd_mn,
       c.chg AS custody_treasuries_chg_usd_mn,
       CASE WHEN c.prior_changes = 52 AND c.prior_sd > 0 AND c.chg IS NOT NULL
            THEN round((c.chg - c.prior_mean) / c.prior_sd, 4) END AS custody_treasuries_chg_zscore_52w,
       t.value AS custody_total_usd_mn,
       t.chg AS custody_total_chg_usd_mn,
       lt.net_acquisition_100m_jpy AS jp_foreign_bonds_net_100m_jpy,
       round(lt.net_acquisition_100m_jpy * 100 / fx.mean_jpy_per_usd, 1) AS jp_foreign_bonds_net_usd_mn,
       st.net_acquisition_100m_jpy AS jp_foreign_short_term_debt_net_100m_jpy,
       fx.mean_jpy_per_usd AS week_mean_jpy_per_usd,
       coalesce(lt.vintage, st.vintage) AS mof_vintage,
       y.close_pct AS dgs10_week_close_pct,
       round(100 * (y.close_pct - prev.value), 4) AS dgs10_chg_week_bp
FROM weeks w
LEFT JOIN custody_z c ON c.series_id = 'WMTSECL1' AND c.week_start = w.week_start
LEFT JOIN custody t ON t.series_id = 'WSEFINTL1' AND t.week_start = w.week_start
LEFT JOIN mof lt ON lt.week_start = w.week_start AND lt.instrument = 'long_term_debt'
LEFT JOIN mof st ON st.week_start = w.week_start AND st.instrument = 'short_term_debt'
LEFT JOIN fx ON fx.week_start = w.week_start
LEFT JOIN ten_year y ON y.week_start = w.week_start
LEFT JOIN obs prev ON prev.series_id = 'DGS10' AND prev.obs_index = y.first_index - 1
ORDER BY w.week_start;

COMMENT ON TABLE marts.weekly_signals IS 'One row per Sunday-to-Saturday week: foreign official and international custody holdings at the New York Fed (H.4.1 Wednesday levels, weekly change, z-score of the change against the prior 52 weeks), Japanese residents'' weekly net purchases of foreign bonds (MOF, yen and dollars) and the week''s change in the 10-year yield. Custody is all foreign official accounts together, not one country; MOF weekly is all foreign bonds, not only Treasuries.';
COMMENT ON COLUMN marts.weekly_signals.week_start IS 'Sunday the week starts (MOF weekly convention).';
COMMENT ON COLUMN marts.weekly_signals.week_end IS 'Saturday the week ends.';
COMMENT ON COLUMN marts.weekly_signals.custody_date IS 'The Wednesday of the H.4.1 custody level in this week; NULL when FRED has none.';
COMMENT ON COLUMN marts.weekly_signals.custody_treasuries_usd_mn IS 'Marketable U.S. Treasury securities held in custody at the New York Fed for foreign official and international accounts, Wednesday level, millions of dollars (FRED WMTSECL1). All such accounts together, not one country, and only what they keep at the New York Fed.';
COMMENT ON COLUMN marts.weekly_signals.custody_treasuries_chg_usd_mn IS 'custody_treasuries_usd_mn minus the level of the Wednesday one week before, millions of dollars (Thursday-to-Wednesday); NULL when that Wednesday has no value. A fall can be sales, redemptions at maturity or a move to a private custodian: it is not a measure of selling.';
COMMENT ON COLUMN marts.weekly_signals.custody_treasuries_chg_zscore_52w IS '(custody_treasuries_chg_usd_mn - mean of the 52 previous weekly changes) / their sample standard deviation; NULL unless all 52 previous weeks have a change. How unusual the week is against the past year, not a test of selling.';
COMMENT ON COLUMN marts.weekly_signals.custody_total_usd_mn IS 'All securities held in custody for foreign official and international accounts (FRED WSEFINTL1: marketable and nonmarketable Treasuries, agency and other securities), Wednesday level, millions of dollars.';
COMMENT ON COLUMN marts.weekly_signals.custody_total_chg_usd_mn IS 'custody_total_usd_mn minus the level one week before, millions of dollars; NULL when that Wednesday has no value.';
COMMENT ON COLUMN marts.weekly_signals.jp_foreign_bonds_net_100m_jpy IS 'Japanese residents'' net acquisition of foreign long-term debt securities in the week (MOF weekly, designated major investors, newest vintage), 100 million yen: positive = net purchases. All foreign bonds and notes, every issuer and currency: not only U.S. Treasuries, and not Japan''s official sector alone.';
COMMENT ON COLUMN marts.weekly_signals.jp_foreign_bonds_net_usd_mn IS 'jp_foreign_bonds_net_100m_jpy in millions of U.S. dollars at week_mean_jpy_per_usd (x 100 / rate); NULL without a yen rate in the week. An approximation: trades settle at their own rates.';
COMMENT ON COLUMN marts.weekly_signals.jp_foreign_short_term_debt_net_100m_jpy IS 'Japanese residents'' net acquisition of foreign short-term debt securities (one year or less), 100 million yen, newest vintage.';
COMMENT ON COLUMN marts.weekly_signals.week_mean_jpy_per_usd IS 'Mean of the DEXJPUS noon rates of the week''s days with a rate, yen per dollar.';
COMMENT ON COLUMN marts.weekly_signals.mof_vintage IS 'Final Update date of the MOF week.csv the MOF columns come from.';
COMMENT ON COLUMN marts.weekly_signals.dgs10_week_close_pct IS 'The last 10-year Treasury yield (DGS10) close in the week, percent.';
COMMENT ON COLUMN marts.weekly_signals.dgs10_chg_week_bp IS 'dgs10_week_close_pct minus the last DGS10 close before week_start, basis points: the week''s move, holidays skipped.';
