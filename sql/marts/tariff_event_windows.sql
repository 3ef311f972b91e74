-- question: What happened to each affected holder's Treasury holdings around each U.S. tariff action, from the last month end before the news, compared with all other foreign holders?
-- depends_on: core.dim_tariff_event, core.bridge_tariff_event_country, core.treasury_holdings, core.treasury_holdings_change, core.fct_treasury_holdings, core.fct_holdings_aggregates, core.fct_treasury_flows, core.dim_country, marts.leverage_monthly, core.tic_method_breaks

-- One row per tariff event (core.dim_tariff_event) and affected holder.
-- * Affected holders come from core.bridge_tariff_event_country: the listed partners of a listed
--   event (a row each, with or without holdings, when core.dim_country tracks the country); for
--   partner_scope = 'all', each country of the bridge (every country less the event's excluded
--   partners) that has a holdings figure in core.treasury_holdings for month_before (or, for an
--   event after the last month published, for the last month).
-- * event_date = core.dim_tariff_event.event_date, the first date the action was public
--   (announced, else signed, else published, else effective); effective_on is kept beside it.
-- * month_before = the last month end strictly before event_date (= the month before the month
--   of event_date: the end of event_date's own month is never before it). month_plus1m =
--   month_before + 1, month_plus3m = month_before + 3. Holdings at those month ends are the latest
--   view (core.treasury_holdings).
-- * chg_1m / chg_3m: month_before -> month_plus1m / month_plus3m, inside one file and one series
--   (core.treasury_holdings_change(k), as marts.leverage_monthly.chg_*).
-- * Benchmark = all other foreign holders: the Grand Total minus the holder, both taken from the
--   same TIC file as the holder's change (NULL when the Grand Total's change comes from another
--   file): other_foreign_chg_kpct = (chg_GT - chg_X) / (base_GT - base_X) x 100.
--   excess_chg_kpct = chg_kpct - other_foreign_chg_kpct (percentage points);
--   excess_chg_k_usd_bn = chg_k_usd_bn - base_X x other_foreign_chg_kpct / 100 (the dollars moved
--   beyond what the holder's starting holdings would have moved at the others' rate).
-- * chg_1m_pct_zscore_36m: the holder's percent change in month_plus1m against its own previous 36
--   months (marts.leverage_monthly.chg_1m_pct_zscore_36m): a dollar z-score would favour big holders.
-- * net_sales_*: TIC Table 3 net sales summed over month_plus1m .. month_plus1m / month_plus3m (the
--   trades between the two month-end positions), only when Table 3 has every month;
--   flow_months_in_window says how many of the three months it has.
CREATE OR REPLACE TABLE marts.tariff_event_windows AS
WITH windows AS (
    SELECT event_id, title, authority, action, partner_scope, event_date, event_date_basis, effective_on,
           CAST(date_trunc('month', event_date) AS DATE) AS event_month,
           CAST(date_trunc('month', event_date) - INTERVAL 1 MONTH AS DATE) AS month_before,
           CAST(date_trunc('month', event_date) AS DATE) AS month_plus1m,
           CAST(date_trunc('month', event_date) + INTERVAL 2 MONTH AS DATE) AS month_plus3m
    FROM core.dim_tariff_event
),
last_month AS (
    SELECT max(ref_month) AS ref_month FROM core.treasury_holdings
),
affected AS (
    -- core.bridge_tariff_event_country: listed partners, and for partner_scope = all every country
    -- less the excluded ones, of which only the holders with a figure at the reference month are kept
    SELECT b.event_id, b.iso3, CASE WHEN b.via_scope_all THEN 'scope_all' ELSE 'listed' END AS affected_via
    FROM core.bridge_tariff_event_country b
    JOIN windows w USING (event_id)
    CROSS JOIN last_month lm
    WHERE (NOT b.via_scope_all AND b.iso3 IN (SELECT iso3 FROM core.dim_country))
       OR EXISTS (SELECT 1 FROM core.treasury_holdings h
                  WHERE h.iso3 = b.iso3
                    AND h.ref_month = coalesce(least(w.month_before, lm.ref_month), lm.ref_month))
),
change_k AS (
    SELECT 1 AS k, * FROM core.treasury_holdings_change(1)
    UNION ALL
    SELECT 3 AS k, * FROM core.treasury_holdings_change(3)
),
changes AS (
    -- the holder's k-month change and, from the same file, the Grand Total's
    SELECT c.k, c.holder AS iso3, c.ref_month, c.chg_usd_bn, c.chg_pct, c.base_value_usd_bn,
           CASE WHEN g.chg_usd_bn IS NOT NULL AND g.base_value_usd_bn - c.base_value_usd_bn > 0
                THEN 100 * (g.chg_usd_bn - c.chg_usd_bn) / (g.base_value_usd_bn - c.base_value_usd_bn) END AS other_pct
    FROM change_k c
    LEFT JOIN change_k g
      ON g.k = c.k AND g.holder = 'grand_total' AND g.ref_month = c.ref_month
     AND g.source = c.source AND g.vintage = c.vintage
),
flows AS (
    SELECT DISTINCT ON (iso3, ref_month) iso3, ref_month, net_sales_usd_bn
    FROM core.fct_treasury_flows
    ORDER BY iso3, ref_month, vintage DESC
),
window_flows AS (
    SELECT a.event_id, a.iso3,
           count(f.net_sales_usd_bn) AS flow_months,
           sum(f.net_sales_usd_bn) AS net_sales_usd_bn,
           sum(f.net_sales_usd_bn) FILTER (WHERE f.ref_month = w.month_plus1m) AS net_sales_1m_usd_bn
    FROM affected a
    JOIN windows w USING (event_id)
    JOIN flows f ON f.iso3 = a.iso3 AND f.ref_month BETWEEN w.month_plus1m AND w.month_plus3m
    GROUP BY ALL
)
SELECT w.event_id, w.title, w.authority, w.action, w.partner_scope,
       a.iso3, a.affected_via,
       w.event_date, w.event_date_basis, w.effective_on, w.event_month,
       w.month_before, w.month_plus1m, w.month_plus3m,
       h0.holdings_usd_bn AS holdings_before_usd_bn,
       h1.holdings_usd_bn AS holdings_plus1m_usd_bn,
       h3.holdings_usd_bn AS holdings_plus3m_usd_bn,
       c1.chg_usd_bn AS chg_1m_usd_bn,
       c1.chg_pct AS chg_1m_pct,
       c1.other_pct AS other_foreign_chg_1m_pct,
       c1.chg_pct - c1.other_pct AS excess_chg_1m_pct,
       round(c1.chg_usd_bn - c1.base_value_usd_bn * c1.other_pct / 100, 3) AS excess_chg_1m_usd_bn,
       c3.chg_usd_bn AS chg_3m_usd_bn,
       c3.chg_pct AS chg_3m_pct,
       c3.other_pct AS other_foreign_chg_3m_pct,
       c3.chg_pct - c3.other_pct AS excess_chg_3m_pct,
       round(c3.chg_usd_bn - c3.base_value_usd_bn * c3.other_pct / 100, 3) AS excess_chg_3m_usd_bn,
       l.chg_1m_pct_zscore_36m,
       round(wf.net_sales_1m_usd_bn, 3) AS net_sales_1m_usd_bn,
       CASE WHEN wf.flow_months = 3 THEN round(wf.net_sales_usd_bn, 3) END AS net_sales_3m_usd_bn,
       CAST(coalesce(wf.flow_months, 0) AS INTEGER) AS flow_months_in_window,
       coalesce(dc.is_custody_center, FALSE) AS is_custody_center
FROM affected a
JOIN windows w USING (event_id)
LEFT JOIN core.treasury_holdings h0 ON h0.iso3 = a.iso3 AND h0.ref_month = w.month_before
LEFT JOIN core.treasury_holdings h1 ON h1.iso3 = a.iso3 AND h1.ref_month = w.month_plus1m
LEFT JOIN core.treasury_holdings h3 ON h3.iso3 = a.iso3 AND h3.ref_month = w.month_plus3m
LEFT JOIN changes c1 ON c1.k = 1 AND c1.iso3 = a.iso3 AND c1.ref_month = w.month_plus1m
LEFT JOIN changes c3 ON c3.k = 3 AND c3.iso3 = a.iso3 AND c3.ref_month = w.month_plus3m
LEFT JOIN marts.leverage_monthly l ON l.iso3 = a.iso3 AND l.ref_month = w.month_plus1m
LEFT JOIN window_flows wf ON wf.event_id = a.event_id AND wf.iso3 = a.iso3
LEFT JOIN core.dim_country dc ON dc.iso3 = a.iso3
ORDER BY w.event_date, w.event_id, a.iso3;

COMMENT ON TABLE marts.tariff_event_windows IS 'One row per U.S. tariff event (core.dim_tariff_event) and affected holder (listed partners; every holder not excluded when partner_scope = all): holdings at the last month end before the event was first public and one and three months later, the 1- and 3-month changes against all other foreign holders (Grand Total less the holder), a percent-change z-score, and TIC Table 3 net sales over the window where available. Built by sql/marts/tariff_event_windows.sql, whose header states every rule.';
COMMENT ON COLUMN marts.tariff_event_windows.event_id IS 'Event key of the curated register (core.dim_tariff_event.event_id).';
COMMENT ON COLUMN marts.tariff_event_windows.title IS 'Event title (register, else the Federal Register document title).';
COMMENT ON COLUMN marts.tariff_event_windows.authority IS 'Legal authority of the action (ieepa, section_232, section_301, section_122, section_338, section_201, agreement, court).';
COMMENT ON COLUMN marts.tariff_event_windows.action IS 'What the action does (impose, increase, decrease, pause, exempt, terminate, agreement, ruling).';
COMMENT ON COLUMN marts.tariff_event_windows.partner_scope IS 'all (every trading partner, less any excluded) or listed (the partners in core.bridge_tariff_event_country).';
COMMENT ON COLUMN marts.tariff_event_windows.iso3 IS 'Affected holder, ISO 3166 alpha-3.';
COMMENT ON COLUMN marts.tariff_event_windows.affected_via IS 'listed = a named partner of the event; scope_all = a holder with a holdings figure in month_before (or the last month held) of an event with partner_scope = all, not excluded by it.';
COMMENT ON COLUMN marts.tariff_event_windows.event_date IS 'The first date the action was public (core.dim_tariff_event.event_date: announced_on, else signed_on, else published_on, else effective_on); the window starts before it. Not the legal effective date: the autos proclamation has event_date 2025-03-26 (signed), effective_on 2025-04-03.';
COMMENT ON COLUMN marts.tariff_event_windows.event_date_basis IS 'Which date event_date is: announced_on, signed_on, published_on or effective_on (only when no earlier public date is known).';
COMMENT ON COLUMN marts.tariff_event_windows.effective_on IS 'Legal effective date of the measure, kept for reference (may be after event_date, or before it when the order is retroactive); the window does not use it.';
COMMENT ON COLUMN marts.tariff_event_windows.event_month IS 'Month of event_date (first day of the month).';
COMMENT ON COLUMN marts.tariff_event_windows.month_before IS 'The last month end strictly before event_date (event_month - 1 month; an event on the last day of a month still uses the month before): the base of both windows.';
COMMENT ON COLUMN marts.tariff_event_windows.month_plus1m IS 'month_before + 1 month (= event_month): the first month-end position after the event became public, end of the 1-month window.';
COMMENT ON COLUMN marts.tariff_event_windows.month_plus3m IS 'month_before + 3 months (= event_month + 2): the end of the 3-month window.';
COMMENT ON COLUMN marts.tariff_event_windows.holdings_before_usd_bn IS 'Holdings at the end of month_before, billions of U.S. dollars (core.treasury_holdings, latest vintage); NULL when not published.';
COMMENT ON COLUMN marts.tariff_event_windows.holdings_plus1m_usd_bn IS 'Holdings at the end of month_plus1m, billions of U.S. dollars (latest vintage); NULL when not (yet) published.';
COMMENT ON COLUMN marts.tariff_event_windows.holdings_plus3m_usd_bn IS 'Holdings at the end of month_plus3m, billions of U.S. dollars (latest vintage); NULL when not (yet) published.';
COMMENT ON COLUMN marts.tariff_event_windows.chg_1m_usd_bn IS 'Change in holdings from month_before to month_plus1m, billions of U.S. dollars, inside the newest single TIC file printing both months, series breaks bridged (core.treasury_holdings_change(1)); NULL when no such pair exists. Can differ from holdings_plus1m_usd_bn - holdings_before_usd_bn when those come from different files.';
COMMENT ON COLUMN marts.tariff_event_windows.chg_1m_pct IS 'chg_1m_usd_bn / holdings at month_before in the same file and series x 100, percent.';
COMMENT ON COLUMN marts.tariff_event_windows.other_foreign_chg_1m_pct IS 'The same 1-month change for all other foreign holders: (Grand Total change - holder change) / (Grand Total - holder at month_before) x 100, percent, both from the holder''s file; NULL when the Grand Total''s change comes from another file. Not the Grand Total''s own change, which contains the holder (Japan is an eighth of it).';
COMMENT ON COLUMN marts.tariff_event_windows.excess_chg_1m_pct IS 'chg_1m_pct - other_foreign_chg_1m_pct, percentage points: negative = the holder''s holdings grew less (or fell more) than everyone else''s. Not a measure of selling: prices and custody move holdings too.';
COMMENT ON COLUMN marts.tariff_event_windows.excess_chg_1m_usd_bn IS 'chg_1m_usd_bn - holdings at month_before x other_foreign_chg_1m_pct / 100, billions of U.S. dollars: the change beyond what the holder''s starting holdings would have moved at the other holders'' rate. A fall of 5 bn while the others fell 2% on a 300 bn base is +1 bn here, not -5.';
COMMENT ON COLUMN marts.tariff_event_windows.chg_3m_usd_bn IS 'Change in holdings from month_before to month_plus3m, billions of U.S. dollars, inside the newest single TIC file printing both months, series breaks bridged (core.treasury_holdings_change(3)); NULL when no such pair exists.';
COMMENT ON COLUMN marts.tariff_event_windows.chg_3m_pct IS 'chg_3m_usd_bn / holdings at month_before in the same file and series x 100, percent.';
COMMENT ON COLUMN marts.tariff_event_windows.other_foreign_chg_3m_pct IS 'The same 3-month change for all other foreign holders (Grand Total less the holder, both from the holder''s file), percent; NULL when the Grand Total''s change comes from another file.';
COMMENT ON COLUMN marts.tariff_event_windows.excess_chg_3m_pct IS 'chg_3m_pct - other_foreign_chg_3m_pct, percentage points: negative = the holder''s holdings grew less (or fell more) than all other foreign holdings over the window.';
COMMENT ON COLUMN marts.tariff_event_windows.excess_chg_3m_usd_bn IS 'chg_3m_usd_bn - holdings at month_before x other_foreign_chg_3m_pct / 100, billions of U.S. dollars: the 3-month change beyond what the other holders'' rate would have given.';
COMMENT ON COLUMN marts.tariff_event_windows.chg_1m_pct_zscore_36m IS 'z-score of chg_1m_pct in month_plus1m against the holder''s own percent changes of the 36 months before (marts.leverage_monthly.chg_1m_pct_zscore_36m), in standard deviations; NULL with fewer than 12 prior changes. A percent z-score, so a large holder''s ordinary month is not "unusual" for its size alone.';
COMMENT ON COLUMN marts.tariff_event_windows.net_sales_1m_usd_bn IS 'Net sales of U.S. Treasuries during month_plus1m (TIC Table 3 newest vintage; positive = sold more than bought), billions of U.S. dollars; NULL when Table 3 has no figure for that month.';
COMMENT ON COLUMN marts.tariff_event_windows.net_sales_3m_usd_bn IS 'Net sales of U.S. Treasuries summed over month_plus1m .. month_plus3m (TIC Table 3 newest vintage; positive = sold more than bought), billions of U.S. dollars; NULL unless Table 3 has all three months.';
COMMENT ON COLUMN marts.tariff_event_windows.flow_months_in_window IS 'Months of month_plus1m .. month_plus3m for which Table 3 has the holder''s net transactions, count 0-3.';
COMMENT ON COLUMN marts.tariff_event_windows.is_custody_center IS 'True for custody centres (core.dim_country): holdings there reflect where securities are kept, not who owns them.';
