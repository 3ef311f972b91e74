-- question: How did yields, the term premium, the yen, foreign official custody holdings and Japan's weekly foreign bond flows move around each tariff action and official statement, measured from the last close strictly before the event became public?
-- depends_on: core.market_observations, core.fct_mof_weekly_securities, core.dim_tariff_event, core.dim_policy_statement
--
-- One row per event and series. Events: every tariff event of core.dim_tariff_event and every
-- statement of core.dim_policy_statement with a day-precise date (an approximate date, "mid-May",
-- gets no window: a window needs the moment).
-- * first_public_at: statements: core.dim_policy_statement.first_public_at (local time, or 09:00
--   local assumed). Tariff events: core.dim_tariff_event.event_date (the first public date:
--   announced, else signed, published, effective) at an assumed 09:00 New York time: the register
--   has no time of day, so time_assumed is true and a same-day announcement made after the close
--   (Liberation Day, 16:00 ET) is counted from the previous close.
-- * Daily series (yields, real yield, breakeven, term premium, yen; step = business_day):
--   base = the last value whose close (core.market_observations.observed_at: 15:30 ET for yields,
--   noon for the yen rate) is strictly before first_public_at. A statement made on a Tokyo morning
--   is the previous evening in New York, so its base is the previous U.S. business day's close and
--   +1 is the close of its Tokyo date. +1, +5, +20 = the 1st, 5th and 20th value after the base
--   (obs_index): U.S. holidays have no value and are skipped, never counted.
-- * Weekly custody (WMTSECL1, WSEFINTL1; step = week): base = the last Wednesday level before
--   first_public_at; +1 = the first Wednesday level after it (the week spanning the event), +5, +20
--   the 5th and 20th.
-- * MOF weekly (residents' net acquisition of foreign long-term debt, series_id
--   MOF_JP_FOREIGN_BONDS; step = week): a flow, so chg_k is the sum over the k weeks starting with
--   the MOF week (Sunday-Saturday, Tokyo dates) holding first_public_at, and value_k the net of
--   the k-th week; base_value is the net of the week before. NULL unless MOF has all k weeks.
-- chg_k is in change_unit: basis points for percent series, percent for the yen rate, millions of
-- dollars for custody, 100 million yen for MOF.
CREATE OR REPLACE TABLE marts.event_market_windows AS
WITH events AS (
    SELECT 'tariff_event' AS event_kind, event_id, title AS event_title,
           timezone('America/New_York', event_date + TIME '09:00') AS first_public_at,
           TRUE AS time_assumed
    FROM core.dim_tariff_event
    WHERE event_date IS NOT NULL
    UNION ALL
    SELECT 'statement', statement_id, speaker || ' (' || office || '): ' || kind, first_public_at, time_assumed
    FROM core.dim_policy_statement
    WHERE date_precision = 'day'
),
obs AS (
    SELECT series_id, unit, frequency, obs_date, value, observed_at, obs_index FROM core.market_observations
),
base AS (
    SELECT e.event_id, e.event_kind, o.series_id, max(o.obs_index) AS base_index
    FROM events e
    JOIN obs o ON o.observed_at < e.first_public_at
    GROUP BY ALL
),
fred_windows AS (
    SELECT b.event_kind, b.event_id, b.series_id, b0.unit,
           CASE WHEN b0.frequency = 'daily' THEN 'business_day' ELSE 'week' END AS step,
           CASE WHEN b0.unit = 'percent' THEN 'bp' WHEN b0.unit = 'jpy_per_usd' THEN 'pct' ELSE b0.unit END AS change_unit,
           b0.obs_date AS base_date, b0.value AS base_value,
           o1.obs_date AS date_1, o1.value AS value_1,
           o5.obs_date AS date_5, o5.value AS value_5,
           o20.obs_date AS date_20, o20.value AS value_20
    FROM base b
    JOIN obs b0 ON b0.series_id = b.series_id AND b0.obs_index = b.base_index
    LEFT JOIN obs o1 ON o1.series_id = b.series_id AND o1.obs_index = b.base_index + 1
    LEFT JOIN obs o5 ON o5.series_id = b.series_id AND o5.obs_index = b.base_index + 5
    LEFT JOIN obs o20 ON o20.series_id = b.series_id AND o20.obs_index = b.base_index + 20
),
mof_weeks AS (
    SELECT week_start, week_end, net,
           lag(net) OVER w AS net_before,
           lead(week_end, 4) OVER w AS end_5, lead(week_end, 19) OVER w AS end_20,
           lead(net, 4) OVER w AS net_5, lead(net, 19) OVER w AS net_20,
           sum(net) OVER (w ROWS BETWEEN CURRENT ROW AND 4 FOLLOWING) AS sum_5,
           count(net) OVER (w ROWS BETWEEN CURRENT ROW AND 4 FOLLOWING) AS n_5,
           sum(net) OVER (w ROWS BETWEEN CURRENT ROW AND 19 FOLLOWING) AS sum_20,
           count(net) OVER (w ROWS BETWEEN CURRENT ROW AND 19 FOLLOWING) AS n_20
    FROM (
        SELECT DISTINCT ON (week_start) week_start, week_end, net_acquisition_100m_jpy AS net
        FROM core.fct_mof_weekly_securities
        WHERE investor_side = 'residents_foreign_securities' AND instrument = 'long_term_debt'
        ORDER BY week_start, vintage DESC
    )
    WINDOW w AS (ORDER BY week_start)
),
mof_windows AS (
    SELECT e.event_kind, e.event_id, 'MOF_JP_FOREIGN_BONDS' AS series_id, '100m_jpy' AS unit, 'week' AS step,
           '100m_jpy' AS change_unit,
           CAST(m.week_start - 1 AS DATE) AS base_date, m.net_before AS base_value,
           m.week_end AS date_1, m.net AS value_1,
           CASE WHEN m.n_5 = 5 THEN m.end_5 END AS date_5, CASE WHEN m.n_5 = 5 THEN m.net_5 END AS value_5,
           CASE WHEN m.n_20 = 20 THEN m.end_20 END AS date_20, CASE WHEN m.n_20 = 20 THEN m.net_20 END AS value_20,
           m.net AS chg_1, CASE WHEN m.n_5 = 5 THEN m.sum_5 END AS chg_5, CASE WHEN m.n_20 = 20 THEN m.sum_20 END AS chg_20
    FROM events e
    JOIN mof_weeks m
      ON CAST(timezone('Asia/Tokyo', e.first_public_at) AS DATE) BETWEEN m.week_start AND m.week_end
),
all_windows AS (
    SELECT *,
           CASE change_unit WHEN 'bp' THEN round(100 * (value_1 - base_value), 4)
                            WHEN 'pct' THEN round(100 * (value_1 / base_value - 1), 4)
                            ELSE value_1 - base_value END AS chg_1,
           CASE change_unit WHEN 'bp' THEN round(100 * (value_5 - base_value), 4)
                            WHEN 'pct' THEN round(100 * (value_5 / base_value - 1), 4)
                            ELSE value_5 - base_value END AS chg_5,
           CASE change_unit WHEN 'bp' THEN round(100 * (value_20 - base_value), 4)
                            WHEN 'pct' THEN round(100 * (value_20 / base_value - 1), 4)
                            ELSE value_20 - base_value END AS chg_20
    FROM fred_windows
    UNION ALL BY NAME
    SELECT * FROM mof_windows
)
SELECT e.event_kind, e.event_id, e.event_title, e.first_public_at,
       CAST(timezone('America/New_York', e.first_public_at) AS DATE) AS first_public_date_ny,
       e.time_assumed,
       w.series_id, w.unit, w.step, w.change_unit,
       w.base_date, w.base_value,
       w.date_1, w.value_1, w.chg_1,
       w.date_5, w.value_5, w.chg_5,
       w.date_20, w.value_20, w.chg_20
FROM all_windows w
JOIN events e ON e.event_kind = w.event_kind AND e.event_id = w.event_id
ORDER BY e.first_public_at, e.event_id, w.series_id;

COMMENT ON TABLE marts.event_market_windows IS 'One row per event (tariff action of core.dim_tariff_event, or statement of core.dim_policy_statement with a day-precise date) and series: the value at the last close strictly before the event became public and the changes 1, 5 and 20 business days (weeks for custody and MOF) later. Rules in sql/marts/event_market_windows.sql. A window shows what moved after the event, not that the event moved it.';
COMMENT ON COLUMN marts.event_market_windows.event_kind IS 'tariff_event (core.dim_tariff_event) or statement (core.dim_policy_statement).';
COMMENT ON COLUMN marts.event_market_windows.event_id IS 'event_id of the tariff register or statement_id of the statements register.';
COMMENT ON COLUMN marts.event_market_windows.event_title IS 'Tariff event title, or speaker (office): kind for a statement.';
COMMENT ON COLUMN marts.event_market_windows.first_public_at IS 'The moment the window is measured from (timestamp with time zone). Statements: the register''s local time, else 09:00 local. Tariff events: core.dim_tariff_event.event_date (first public date) at 09:00 New York time (the register has no time of day), so an after-close announcement is counted from the previous close.';
COMMENT ON COLUMN marts.event_market_windows.first_public_date_ny IS 'New York date of first_public_at: a Tokyo-morning statement falls on the previous New York day.';
COMMENT ON COLUMN marts.event_market_windows.time_assumed IS 'True when first_public_at uses an assumed time of day (always for tariff events; for statements whose sources give no time).';
COMMENT ON COLUMN marts.event_market_windows.series_id IS 'FRED series (DGS2, DGS10, DGS30, DFII10, T10YIE, THREEFYTP10, DEXJPUS, WMTSECL1, WSEFINTL1) or MOF_JP_FOREIGN_BONDS (MOF weekly, Japanese residents'' net acquisition of foreign long-term debt: all foreign bonds, not only Treasuries).';
COMMENT ON COLUMN marts.event_market_windows.unit IS 'Unit of the values: percent, jpy_per_usd, usd_mn (millions of dollars) or 100m_jpy (100 million yen).';
COMMENT ON COLUMN marts.event_market_windows.step IS 'business_day (daily series: the k-th value after the base, holidays skipped) or week (custody Wednesday levels; MOF Sunday-to-Saturday weeks).';
COMMENT ON COLUMN marts.event_market_windows.change_unit IS 'Unit of chg_1, chg_5, chg_20: bp (basis points) for percent series, pct (percent) for the yen rate, usd_mn for custody, 100m_jpy for MOF (a sum of weekly flows).';
COMMENT ON COLUMN marts.event_market_windows.base_date IS 'Date of the last close strictly before first_public_at (for MOF: the Saturday ending the week before the event week).';
COMMENT ON COLUMN marts.event_market_windows.base_value IS 'Value at base_date (for MOF: the net of the week before the event week, for comparison; the changes do not use it).';
COMMENT ON COLUMN marts.event_market_windows.date_1 IS 'Date of the first close after the base (for custody: the first Wednesday level after the event; for MOF: the end of the event week).';
COMMENT ON COLUMN marts.event_market_windows.value_1 IS 'Value at date_1 (MOF: the event week''s net).';
COMMENT ON COLUMN marts.event_market_windows.chg_1 IS 'value_1 - base_value in change_unit (MOF: the event week''s net acquisition); NULL when date_1 is not published yet.';
COMMENT ON COLUMN marts.event_market_windows.date_5 IS 'Date of the 5th business day (5th week) after the base.';
COMMENT ON COLUMN marts.event_market_windows.value_5 IS 'Value at date_5 (MOF: the 5th week''s net).';
COMMENT ON COLUMN marts.event_market_windows.chg_5 IS 'value_5 - base_value in change_unit (MOF: the sum of the 5 weeks from the event week); NULL when not yet published.';
COMMENT ON COLUMN marts.event_market_windows.date_20 IS 'Date of the 20th business day (20th week) after the base.';
COMMENT ON COLUMN marts.event_market_windows.value_20 IS 'Value at date_20 (MOF: the 20th week''s net).';
COMMENT ON COLUMN marts.event_market_windows.chg_20 IS 'value_20 - base_value in change_unit (MOF: the sum of the 20 weeks from the event week); NULL when not yet published.';
