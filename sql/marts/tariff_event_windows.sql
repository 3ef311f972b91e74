-- question: What happened to each affected holder's Treasury holdings around each U.S. tariff action, compared with all foreign holders?
-- depends_on: core.dim_tariff_event, core.bridge_tariff_event_country, core.treasury_holdings, core.holdings_vintages, core.fct_treasury_holdings, core.fct_holdings_aggregates, core.fct_treasury_flows, core.dim_country

-- One row per tariff event (core.dim_tariff_event) and affected holder.
-- * Affected holders come from core.bridge_tariff_event_country: the listed partners of a listed
--   event (a row each, with or without holdings, when core.dim_country tracks the country); for partner_scope = 'all', every holder: each
--   country of the bridge (every country less the event's excluded partners) that has a holdings
--   figure in core.treasury_holdings for month_before (or, for an event after the last month
--   published, for the last month).
-- * event_month: month of effective_on, else announced_on, else signed_on, else published_on;
--   event_month_basis names the date used.
-- * The window is anchored on month_before = event_month - 1, the last month-end position before
--   the event: month_plus1m = month_before + 1 (the event month's end), month_plus3m =
--   month_before + 3 (two months after the event month). Holdings at those month ends are the
--   latest view (core.treasury_holdings).
-- * chg_3m_usd_bn / chg_3m_pct: month_before -> month_plus3m, computed inside one file and one
--   series (core.treasury_holdings_change(3), as in marts.leverage_monthly.chg_3m_usd_bn);
--   all_foreign_chg_3m_pct: the same for the Grand Total of all foreign holders;
--   excess_chg_3m_pct = chg_3m_pct - all_foreign_chg_3m_pct, percentage points.
-- * net_sales_3m_usd_bn: TIC Table 3 net sales summed over the three months month_plus1m ..
--   month_plus3m (the trades between the two month-end positions), only when Table 3 has all three
--   months; flow_months_in_window says how many it has.
CREATE OR REPLACE TABLE marts.tariff_event_windows AS
WITH events AS (
    SELECT event_id, title, authority, action, partner_scope,
           coalesce(effective_on, announced_on, signed_on, published_on) AS event_date,
           CASE WHEN effective_on IS NOT NULL THEN 'effective_on'
                WHEN announced_on IS NOT NULL THEN 'announced_on'
                WHEN signed_on IS NOT NULL THEN 'signed_on'
                WHEN published_on IS NOT NULL THEN 'published_on' END AS event_month_basis
    FROM core.dim_tariff_event
),
windows AS (
    SELECT *,
           CAST(date_trunc('month', event_date) AS DATE) AS event_month,
           CAST(date_trunc('month', event_date) - INTERVAL 1 MONTH AS DATE) AS month_before,
           CAST(date_trunc('month', event_date) AS DATE) AS month_plus1m,
           CAST(date_trunc('month', event_date) + INTERVAL 2 MONTH AS DATE) AS month_plus3m
    FROM events
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
chg3 AS (
    SELECT holder, ref_month, chg_usd_bn, chg_pct FROM core.treasury_holdings_change(3)
),
flows AS (
    SELECT DISTINCT ON (iso3, ref_month) iso3, ref_month, net_sales_usd_bn
    FROM core.fct_treasury_flows
    ORDER BY iso3, ref_month, vintage DESC
),
window_flows AS (
    SELECT a.event_id, a.iso3,
           count(f.net_sales_usd_bn) AS flow_months,
           sum(f.net_sales_usd_bn) AS net_sales_usd_bn
    FROM affected a
    JOIN windows w USING (event_id)
    JOIN flows f ON f.iso3 = a.iso3 AND f.ref_month BETWEEN w.month_plus1m AND w.month_plus3m
    GROUP BY ALL
)
SELECT w.event_id, w.title, w.authority, w.action, w.partner_scope,
       a.iso3, a.affected_via,
       w.event_date, w.event_month, w.event_month_basis,
       w.month_before, w.month_plus1m, w.month_plus3m,
       h0.holdings_usd_bn AS holdings_before_usd_bn,
       h1.holdings_usd_bn AS holdings_plus1m_usd_bn,
       h3.holdings_usd_bn AS holdings_plus3m_usd_bn,
       c.chg_usd_bn AS chg_3m_usd_bn,
       c.chg_pct AS chg_3m_pct,
       g.chg_pct AS all_foreign_chg_3m_pct,
       c.chg_pct - g.chg_pct AS excess_chg_3m_pct,
       CASE WHEN wf.flow_months = 3 THEN round(wf.net_sales_usd_bn, 3) END AS net_sales_3m_usd_bn,
       CAST(coalesce(wf.flow_months, 0) AS INTEGER) AS flow_months_in_window,
       coalesce(dc.is_custody_center, FALSE) AS is_custody_center
FROM affected a
JOIN windows w USING (event_id)
LEFT JOIN core.treasury_holdings h0 ON h0.iso3 = a.iso3 AND h0.ref_month = w.month_before
LEFT JOIN core.treasury_holdings h1 ON h1.iso3 = a.iso3 AND h1.ref_month = w.month_plus1m
LEFT JOIN core.treasury_holdings h3 ON h3.iso3 = a.iso3 AND h3.ref_month = w.month_plus3m
LEFT JOIN chg3 c ON c.holder = a.iso3 AND c.ref_month = w.month_plus3m
LEFT JOIN chg3 g ON g.holder = 'grand_total' AND g.ref_month = w.month_plus3m
LEFT JOIN window_flows wf ON wf.event_id = a.event_id AND wf.iso3 = a.iso3
LEFT JOIN core.dim_country dc ON dc.iso3 = a.iso3
ORDER BY w.event_date, w.event_id, a.iso3;

COMMENT ON TABLE marts.tariff_event_windows IS 'One row per U.S. tariff event (core.dim_tariff_event) and affected holder (listed partners; every holder when partner_scope = all): holdings at the month end before the event and one and three months later, the 3-month change against the change of all foreign holders, and TIC Table 3 net sales over the window where available. Built by sql/marts/tariff_event_windows.sql, whose header states every rule.';
COMMENT ON COLUMN marts.tariff_event_windows.event_id IS 'Event key of the curated register (core.dim_tariff_event.event_id).';
COMMENT ON COLUMN marts.tariff_event_windows.title IS 'Event title (register, else the Federal Register document title).';
COMMENT ON COLUMN marts.tariff_event_windows.authority IS 'Legal authority of the action (ieepa, section_232, section_301, section_122, section_338, section_201, agreement, court).';
COMMENT ON COLUMN marts.tariff_event_windows.action IS 'What the action does (impose, increase, decrease, pause, exempt, terminate, agreement, ruling).';
COMMENT ON COLUMN marts.tariff_event_windows.partner_scope IS 'all (every trading partner, less any excluded) or listed (the partners in core.bridge_tariff_event_country).';
COMMENT ON COLUMN marts.tariff_event_windows.iso3 IS 'Affected holder, ISO 3166 alpha-3.';
COMMENT ON COLUMN marts.tariff_event_windows.affected_via IS 'listed = a named partner of the event; scope_all = a holder with a holdings figure in month_before (or the last month held) of an event with partner_scope = all, not excluded by it.';
COMMENT ON COLUMN marts.tariff_event_windows.event_date IS 'The date the window is built on: effective_on, else announced_on, else signed_on, else published_on (see event_month_basis).';
COMMENT ON COLUMN marts.tariff_event_windows.event_month IS 'Month of event_date (first day of the month).';
COMMENT ON COLUMN marts.tariff_event_windows.event_month_basis IS 'Which date event_month comes from: effective_on, announced_on (no effective date), signed_on or published_on (neither).';
COMMENT ON COLUMN marts.tariff_event_windows.month_before IS 'event_month - 1 month: the last month-end position before the event, the base of the window.';
COMMENT ON COLUMN marts.tariff_event_windows.month_plus1m IS 'month_before + 1 month (= event_month): the first month-end position after the event.';
COMMENT ON COLUMN marts.tariff_event_windows.month_plus3m IS 'month_before + 3 months (= event_month + 2): the end of the 3-month window.';
COMMENT ON COLUMN marts.tariff_event_windows.holdings_before_usd_bn IS 'Holdings at the end of month_before, billions of U.S. dollars (core.treasury_holdings, latest vintage); NULL when not published.';
COMMENT ON COLUMN marts.tariff_event_windows.holdings_plus1m_usd_bn IS 'Holdings at the end of month_plus1m, billions of U.S. dollars (latest vintage); NULL when not (yet) published.';
COMMENT ON COLUMN marts.tariff_event_windows.holdings_plus3m_usd_bn IS 'Holdings at the end of month_plus3m, billions of U.S. dollars (latest vintage); NULL when not (yet) published.';
COMMENT ON COLUMN marts.tariff_event_windows.chg_3m_usd_bn IS 'Change in holdings from month_before to month_plus3m, billions of U.S. dollars, inside the newest single TIC file printing both months, series breaks bridged (core.treasury_holdings_change(3)); NULL when no such pair exists.';
COMMENT ON COLUMN marts.tariff_event_windows.chg_3m_pct IS 'chg_3m_usd_bn / holdings at month_before in the same file and series x 100, percent.';
COMMENT ON COLUMN marts.tariff_event_windows.all_foreign_chg_3m_pct IS 'The same 3-month change for all foreign holders (Grand Total, core.fct_holdings_aggregates label grand_total, same within-file rule), percent.';
COMMENT ON COLUMN marts.tariff_event_windows.excess_chg_3m_pct IS 'chg_3m_pct - all_foreign_chg_3m_pct, percentage points: negative = the holder''s holdings grew less (or fell more) than all foreign holdings over the window.';
COMMENT ON COLUMN marts.tariff_event_windows.net_sales_3m_usd_bn IS 'Net sales of U.S. Treasuries summed over month_plus1m .. month_plus3m (TIC Table 3 newest vintage; positive = sold more than bought), billions of U.S. dollars; NULL unless Table 3 has all three months.';
COMMENT ON COLUMN marts.tariff_event_windows.flow_months_in_window IS 'Months of month_plus1m .. month_plus3m for which Table 3 has the holder''s net transactions, count 0-3.';
COMMENT ON COLUMN marts.tariff_event_windows.is_custody_center IS 'True for custody centres (core.dim_country): holdings there reflect where securities are kept, not who owns them.';
