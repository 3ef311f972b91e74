-- question: Did country X sell U.S. Treasuries in month M (for example "Japan dumped Treasuries in March 2025"), what do the official figures say, and how sure can one be?
-- depends_on: core.treasury_holdings, core.treasury_holdings_change, core.tic_method_breaks, core.fct_treasury_holdings, core.fct_holdings_aggregates, core.fct_treasury_flows, core.dim_country, marts.weekly_signals

-- One row per holder (iso3) and month of core.treasury_holdings.
--
-- Verdict rule (the only values verdict takes; a blocking check enforces the set):
--   1. TIC Table 3 has the holder's net transactions for the month (core.fct_treasury_flows, newest
--      vintage, net_sales_usd_bn not NULL): what it traded decides, not what its holdings did.
--        net_sales_usd_bn > 0  -> net_seller      (sold more Treasuries than it bought)
--        net_sales_usd_bn < 0  -> net_buyer
--        net_sales_usd_bn = 0  -> no_net_flow
--   2. Otherwise the month-on-month change in holdings, computed inside one file and one series
--      (core.treasury_holdings_change(1): no jump between files, vintages or benchmark series):
--        chg_1m_usd_bn < 0     -> holdings_fell
--        chg_1m_usd_bn > 0     -> holdings_rose
--        chg_1m_usd_bn = 0     -> holdings_unchanged
--      with the caveat, in the evidence text, that prices move holdings too: a fall can be price
--      losses with no sale, a rise can hide sales.
--   3. Otherwise (no previous month-end figure in the same file and series: first month, gap, a
--      value under $50 million, or a series break TIC prints no comparison figure for) -> undetermined.
--      A TIC method break (core.tic_method_breaks: 2011-09 Form SLT for every holder, 2012-01 the
--      United Kingdom without the Channel Islands and Isle of Man) also leaves the change unknown:
--      the verdict is undetermined and the evidence says which break and quotes its footnote, so
--      the United Kingdom's printed -63.7 bn in September 2011 is not called a fall.
-- is_reduction = verdict IN ('net_seller', 'holdings_fell').
-- custody_caveat = the holder is a custody centre (core.dim_country.is_custody_center).
-- evidence = a sentence a journalist can quote: the figures, the official file (name, vintage,
-- first 12 hex digits of the sha256 of the body archived under $TLW_HOME/raw), the verdict and the
-- caveats that apply.
CREATE OR REPLACE TABLE marts.claim_checks AS
WITH holdings AS (
    SELECT iso3, ref_month, holdings_usd_bn, source, vintage, raw_sha256
    FROM core.treasury_holdings
),
change AS (
    SELECT holder AS iso3, ref_month, base_month, value_usd_bn, base_value_usd_bn, chg_usd_bn, chg_pct,
           series_breaks, series_breaks_bridged, method_break_month, source, vintage, raw_sha256
    FROM core.treasury_holdings_change(1)
),
method_breaks AS (
    SELECT break_month, applies_to, holders, what_changed, footnote, footnote_text, source_file
    FROM core.tic_method_breaks
),
flows AS (
    SELECT DISTINCT ON (iso3, ref_month)
           iso3, ref_month, net_sales_usd_bn, lt_valuation_change_usd_bn, vintage, raw_sha256
    FROM core.fct_treasury_flows
    ORDER BY iso3, ref_month, vintage DESC
),
joined AS (
    SELECT h.iso3, coalesce(dc.name, h.iso3) AS country_name, h.ref_month, h.holdings_usd_bn,
           c.chg_usd_bn AS chg_1m_usd_bn, c.chg_pct AS chg_1m_pct,
           f.net_sales_usd_bn, f.lt_valuation_change_usd_bn AS valuation_change_usd_bn,
           coalesce(dc.is_custody_center, FALSE) AS custody_caveat,
           c.base_month, c.value_usd_bn AS change_value_usd_bn, c.base_value_usd_bn,
           coalesce(c.series_breaks_bridged, 0) AS series_breaks_bridged,
           c.method_break_month, mb.what_changed AS method_break_what, mb.footnote AS method_break_footnote,
           mb.footnote_text AS method_break_footnote_text, mb.source_file AS method_break_file,
           h.source AS holdings_source, h.vintage AS holdings_vintage, h.raw_sha256 AS holdings_raw_sha256,
           c.source AS change_source, c.vintage AS change_vintage, c.raw_sha256 AS change_raw_sha256,
           f.vintage AS flows_vintage, f.raw_sha256 AS flows_raw_sha256
    FROM holdings h
    LEFT JOIN change c ON c.iso3 = h.iso3 AND c.ref_month = h.ref_month
    LEFT JOIN method_breaks mb ON mb.break_month = c.method_break_month
    LEFT JOIN flows f ON f.iso3 = h.iso3 AND f.ref_month = h.ref_month
    LEFT JOIN core.dim_country dc ON dc.iso3 = h.iso3
),
judged AS (
    SELECT *,
           CASE WHEN net_sales_usd_bn > 0 THEN 'net_seller'
                WHEN net_sales_usd_bn < 0 THEN 'net_buyer'
                WHEN net_sales_usd_bn = 0 THEN 'no_net_flow'
                WHEN chg_1m_usd_bn < 0 THEN 'holdings_fell'
                WHEN chg_1m_usd_bn > 0 THEN 'holdings_rose'
                WHEN chg_1m_usd_bn = 0 THEN 'holdings_unchanged'
                ELSE 'undetermined' END AS verdict,
           strftime(ref_month, '%B %Y') AS month_label,
           strftime(base_month, '%B %Y') AS base_label
    FROM joined
),
cited AS (
    SELECT *,
           -- "TIC ... (mfhhis01.txt, vintage 2026-03-18, sha256 c078cb5f56d9)"
           CASE change_source WHEN 'tic_mfh_history' THEN 'TIC Major Foreign Holders history (mfhhis01.txt'
                              WHEN 'tic_table5' THEN 'TIC Table 5, Major Foreign Holders (slt_table5.txt'
                              WHEN 'tic_table3' THEN 'TIC Table 3 (slt_table3.txt' END
               || ', vintage ' || CAST(change_vintage AS VARCHAR) || ', sha256 ' || left(change_raw_sha256, 12) || ')' AS change_cite,
           CASE holdings_source WHEN 'tic_mfh_history' THEN 'TIC Major Foreign Holders history (mfhhis01.txt'
                                WHEN 'tic_table5' THEN 'TIC Table 5, Major Foreign Holders (slt_table5.txt'
                                WHEN 'tic_table3' THEN 'TIC Table 3 (slt_table3.txt' END
               || ', vintage ' || CAST(holdings_vintage AS VARCHAR) || ', sha256 ' || left(holdings_raw_sha256, 12) || ')' AS holdings_cite,
           'TIC Table 3 (slt_table3.txt, vintage ' || CAST(flows_vintage AS VARCHAR) || ', sha256 '
               || left(flows_raw_sha256, 12) || ')' AS flows_cite
    FROM judged
),
sentences AS (
    SELECT *,
           -- The holdings movement, inside one file and one series.
           CASE WHEN chg_1m_usd_bn IS NULL THEN NULL
                ELSE country_name || '''s holdings of U.S. Treasury securities '
                     || CASE WHEN chg_1m_usd_bn < 0 THEN 'fell' WHEN chg_1m_usd_bn > 0 THEN 'rose' ELSE 'were unchanged' END
                     || ' from $' || printf('%,.1f', base_value_usd_bn) || ' billion at end-' || base_label
                     || ' to $' || printf('%,.1f', base_value_usd_bn + chg_1m_usd_bn) || ' billion at end-' || month_label
                     || ' (' || CASE WHEN chg_1m_usd_bn < 0 THEN '-$' ELSE '+$' END || printf('%,.1f', abs(chg_1m_usd_bn)) || ' billion'
                     || CASE WHEN chg_1m_pct IS NOT NULL THEN ', ' || printf('%+.1f', chg_1m_pct) || '%' ELSE '' END
                     || '), according to ' || change_cite || '.'
                     || CASE WHEN series_breaks_bridged > 0
                             THEN ' Both figures are in the older benchmark series, which TIC repeats for ' || month_label
                                  || ' for comparison; the new series starts that month at $'
                                  || printf('%,.1f', change_value_usd_bn) || ' billion.'
                             ELSE '' END
                     -- the newest figure comes from another file and differs: say so
                     || CASE WHEN series_breaks_bridged = 0 AND holdings_usd_bn IS NOT NULL
                                  AND abs(holdings_usd_bn - change_value_usd_bn) >= 0.05
                             THEN ' The newest published figure for end-' || month_label || ' is $'
                                  || printf('%,.1f', holdings_usd_bn) || ' billion, according to ' || holdings_cite || '.'
                             ELSE '' END
           END AS holdings_sentence,
           CASE WHEN net_sales_usd_bn IS NULL THEN NULL
                ELSE 'In ' || month_label || ' ' || country_name
                     || CASE WHEN net_sales_usd_bn > 0 THEN ' sold $' || printf('%,.1f', net_sales_usd_bn) || ' billion more U.S. Treasury securities than it bought'
                             WHEN net_sales_usd_bn < 0 THEN ' bought $' || printf('%,.1f', -net_sales_usd_bn) || ' billion more U.S. Treasury securities than it sold'
                             ELSE ' bought and sold equal amounts of U.S. Treasury securities' END
                     || ' (net transactions), according to ' || flows_cite
                     || CASE WHEN valuation_change_usd_bn IS NOT NULL
                             THEN '; prices and other non-trade changes moved the value of its long-term holdings by '
                                  || CASE WHEN valuation_change_usd_bn < 0 THEN '-$' ELSE '+$' END
                                  || printf('%,.1f', abs(valuation_change_usd_bn)) || ' billion'
                             ELSE '' END
                     || '.'
           END AS flows_sentence
    FROM cited
)
SELECT iso3, country_name, ref_month, holdings_usd_bn, chg_1m_usd_bn, chg_1m_pct,
       net_sales_usd_bn, valuation_change_usd_bn, verdict,
       verdict IN ('net_seller', 'holdings_fell') AS is_reduction,
       custody_caveat, method_break_month,
       concat_ws(' ',
           CASE WHEN verdict IN ('net_seller', 'net_buyer', 'no_net_flow') THEN flows_sentence END,
           holdings_sentence,
           CASE WHEN chg_1m_usd_bn IS NULL
                THEN country_name || ' held ' || coalesce('$' || printf('%,.1f', holdings_usd_bn), 'less than $0.05') || ' billion of U.S. Treasury securities at end-'
                     || month_label || ', according to ' || holdings_cite || '.' END,
           'Verdict: ' || CASE verdict
               WHEN 'net_seller' THEN 'net seller in ' || month_label || ' (TIC net transactions).'
               WHEN 'net_buyer' THEN 'net buyer in ' || month_label || ' (TIC net transactions): not a seller.'
               WHEN 'no_net_flow' THEN 'no net purchases or sales in ' || month_label || '.'
               WHEN 'holdings_fell' THEN 'holdings fell in ' || month_label || '.'
               WHEN 'holdings_rose' THEN 'holdings rose in ' || month_label || ': not a reduction.'
               WHEN 'holdings_unchanged' THEN 'holdings unchanged in ' || month_label || ': not a reduction.'
               ELSE CASE WHEN method_break_month IS NOT NULL
                         THEN 'undetermined: TIC changed what it measures in ' || strftime(method_break_month, '%B %Y')
                              || ', so the figures before and after are not comparable and the printed change is neither a fall nor a rise. '
                              || method_break_what || ' (' || method_break_file || ' footnote ' || method_break_footnote
                              || ': "' || method_break_footnote_text || '")'
                              || CASE WHEN net_sales_usd_bn IS NULL THEN ' No TIC net transaction figures for ' || month_label || '.' ELSE '' END
                         ELSE 'undetermined: no figure for the previous month end in the same file and series to compare with (first month, gap, value under $50 million, or a series break without a comparison figure) and no TIC net transaction figures for '
                              || month_label || '.' END
               END,
           CASE WHEN verdict IN ('holdings_fell', 'holdings_rose', 'holdings_unchanged')
                THEN 'No TIC Table 3 net transaction figures for this month are in the warehouse, and holdings also move with bond prices, so this change alone does not show buying or selling.' END,
           CASE WHEN custody_caveat
                THEN country_name || ' is a custody centre: TIC counts Treasuries where they are held in custody, not by who owns them, so this need not be ' || country_name || '''s own buying or selling.' END
       ) AS evidence,
       holdings_source, holdings_vintage, holdings_raw_sha256,
       change_source, change_vintage, change_raw_sha256,
       flows_vintage, flows_raw_sha256
FROM sentences
ORDER BY ref_month, iso3;

COMMENT ON TABLE marts.claim_checks IS 'Did holder X sell U.S. Treasuries in month M? One row per holder and month with the holdings change (one file, one series), TIC Table 3 net sales and valuation change where available, a verdict from the rule in sql/marts/claim_checks.sql, a custody-centre caveat, and evidence text citing the official file, its vintage and sha256. Verdicts: net_seller, net_buyer, no_net_flow (Table 3 flows exist); holdings_fell, holdings_rose, holdings_unchanged (no flows: price moves can explain the change); undetermined. Weekly claims (claim_frequency = week) are answered from H.4.1 custody (custody_fell, custody_rose, custody_unchanged, undetermined) and MOF weekly (net_seller, net_buyer, no_net_flow), and a week asked of monthly TIC data is cannot_tell_monthly_only.';
COMMENT ON COLUMN marts.claim_checks.iso3 IS 'Holder country, ISO 3166 alpha-3; NULL for the weekly custody claim, which is about all foreign official accounts.';
COMMENT ON COLUMN marts.claim_checks.country_name IS 'Short English name (core.dim_country.name), as used in evidence.';
COMMENT ON COLUMN marts.claim_checks.ref_month IS 'Month the claim is about (first day of the month; positions at month end, transactions during the month); NULL for weekly claims (period_start and period_end give the week), so a query for one holder and month still finds its one monthly row.';
COMMENT ON COLUMN marts.claim_checks.holdings_usd_bn IS 'Holdings at the end of ref_month, billions of U.S. dollars, latest vintage (core.treasury_holdings).';
COMMENT ON COLUMN marts.claim_checks.chg_1m_usd_bn IS 'Change in holdings from the previous month end, billions of U.S. dollars, inside the newest single TIC file printing both months and within one benchmark series (core.treasury_holdings_change(1)); NULL when no such pair exists. Same value as marts.leverage_monthly.chg_1m_usd_bn.';
COMMENT ON COLUMN marts.claim_checks.chg_1m_pct IS 'chg_1m_usd_bn / previous month-end holdings in the same file and series x 100, percent.';
COMMENT ON COLUMN marts.claim_checks.net_sales_usd_bn IS 'Net sales during the month, billions of U.S. dollars, TIC Table 3 newest vintage (= -net purchases): positive = sold more than bought. NULL when Table 3 has no figure for the holder and month.';
COMMENT ON COLUMN marts.claim_checks.valuation_change_usd_bn IS 'Change in the value of long-term Treasury holdings during the month from prices and other non-transaction changes, billions of U.S. dollars (Table 3 for_lt_treas_valchg / 1000); NULL without Table 3.';
COMMENT ON COLUMN marts.claim_checks.verdict IS 'Rule: if Table 3 net sales exist, net_seller (> 0), net_buyer (< 0) or no_net_flow (= 0); else by chg_1m_usd_bn: holdings_fell (< 0), holdings_rose (> 0), holdings_unchanged (= 0), with the caveat that price moves can explain a change in holdings; else undetermined. Weekly: custody_fell / custody_rose / custody_unchanged (H.4.1 custody change) or undetermined; net_seller / net_buyer / no_net_flow (MOF weekly net acquisition of foreign bonds); cannot_tell_monthly_only (a week asked of monthly TIC data).';
COMMENT ON COLUMN marts.claim_checks.is_reduction IS 'True when verdict is net_seller, holdings_fell or (weekly) custody_fell (the data support "reduced" in that sense: for MOF weekly, foreign bonds, not Treasuries alone); false otherwise, including undetermined and cannot_tell_monthly_only.';
COMMENT ON COLUMN marts.claim_checks.custody_caveat IS 'True when the holder is a custody centre (core.dim_country.is_custody_center): TIC records where securities are held, not who owns them, so a change need not be that country''s own buying or selling.';
COMMENT ON COLUMN marts.claim_checks.method_break_month IS 'The month of a TIC method break (core.tic_method_breaks) between the previous month end and ref_month for this holder, else NULL. When set, chg_1m_usd_bn is NULL and, without Table 3 flows, the verdict is undetermined with the break and its footnote quoted in evidence: the United Kingdom''s printed fall of 63.7 bn in September 2011 is the switch to Form SLT, not selling.';
COMMENT ON COLUMN marts.claim_checks.evidence IS 'Quotable text: the net transactions (when Table 3 has them) and the holdings movement with their amounts in billions of dollars, each citing the official file (name, vintage, first 12 hex digits of the sha256 of the archived body), then the verdict and the caveats that apply (price moves without flow data, custody centre).';
COMMENT ON COLUMN marts.claim_checks.holdings_source IS 'TIC source of holdings_usd_bn: tic_mfh_history (mfhhis01.txt), tic_table5 (slt_table5.txt) or tic_table3 (slt_table3.txt).';
COMMENT ON COLUMN marts.claim_checks.holdings_vintage IS 'Vintage of holdings_usd_bn: publication date printed in the file, else the fetch date.';
COMMENT ON COLUMN marts.claim_checks.holdings_raw_sha256 IS 'sha256 of the raw file holdings_usd_bn was parsed from ($TLW_HOME/raw).';
COMMENT ON COLUMN marts.claim_checks.change_source IS 'TIC source of the file both months of chg_1m_usd_bn were read from; NULL without a change.';
COMMENT ON COLUMN marts.claim_checks.change_vintage IS 'Vintage of the file chg_1m_usd_bn was computed in.';
COMMENT ON COLUMN marts.claim_checks.change_raw_sha256 IS 'sha256 of the raw file chg_1m_usd_bn was computed in.';
COMMENT ON COLUMN marts.claim_checks.flows_vintage IS 'Fetch date of the TIC Table 3 file net_sales_usd_bn comes from; NULL without flows.';
COMMENT ON COLUMN marts.claim_checks.flows_raw_sha256 IS 'sha256 of the raw slt_table3.txt net_sales_usd_bn comes from; NULL without flows.';

-- ---------------------------------------------------------------- weekly claims
-- Claims asked about a week are answered at that frequency, from the weekly series, and the
-- monthly-only answer says so. Three claims per week of marts.weekly_signals (claim column):
--   foreign_official_sold_treasuries_week (iso3 NULL): H.4.1 custody, marketable Treasuries held at
--     the New York Fed for foreign official and international accounts, Wednesday to Wednesday:
--     custody_fell / custody_rose / custody_unchanged, undetermined without a one-week change.
--   japan_investors_sold_foreign_bonds_week (iso3 JPN): MOF weekly, Japanese residents' net
--     acquisition of foreign long-term debt: net_seller (< 0) / net_buyer (> 0) / no_net_flow (= 0),
--     undetermined without the week.
--   japan_sold_treasuries_week (iso3 JPN): TIC has month ends only, so cannot_tell_monthly_only,
--     with the month's monthly verdict and the two weekly series of the week in the evidence.
-- Monthly rows get claim = holder_sold_treasuries_month and period = the calendar month.
ALTER TABLE marts.claim_checks ADD COLUMN claim_frequency VARCHAR DEFAULT 'month';
ALTER TABLE marts.claim_checks ADD COLUMN claim VARCHAR DEFAULT 'holder_sold_treasuries_month';
ALTER TABLE marts.claim_checks ADD COLUMN period_start DATE;
ALTER TABLE marts.claim_checks ADD COLUMN period_end DATE;
ALTER TABLE marts.claim_checks ADD COLUMN caveat VARCHAR;
ALTER TABLE marts.claim_checks ADD COLUMN weekly_series VARCHAR;
UPDATE marts.claim_checks SET period_start = ref_month, period_end = last_day(ref_month);

INSERT INTO marts.claim_checks BY NAME
WITH weeks AS (
    SELECT *, strftime(week_start, '%Y-%m-%d') || ' to ' || strftime(week_end, '%Y-%m-%d') AS week_label
    FROM marts.weekly_signals
),
custody AS (
    SELECT NULL AS iso3, 'Foreign official and international accounts' AS country_name,
           CAST(NULL AS DATE) AS ref_month,
           'week' AS claim_frequency, 'foreign_official_sold_treasuries_week' AS claim,
           week_start AS period_start, week_end AS period_end, 'WMTSECL1' AS weekly_series,
           CASE WHEN custody_treasuries_chg_usd_mn < 0 THEN 'custody_fell'
                WHEN custody_treasuries_chg_usd_mn > 0 THEN 'custody_rose'
                WHEN custody_treasuries_chg_usd_mn = 0 THEN 'custody_unchanged'
                ELSE 'undetermined' END AS verdict,
           FALSE AS custody_caveat,
           CASE WHEN custody_treasuries_chg_usd_mn IS NULL
                THEN 'No one-week change of the H.4.1 custody holdings is available for the week ' || week_label
                     || ' (no Wednesday level that week or the week before, FRED WMTSECL1). Verdict: undetermined.'
                ELSE 'Marketable U.S. Treasury securities held in custody at the New York Fed for foreign official and international accounts '
                     || CASE WHEN custody_treasuries_chg_usd_mn < 0 THEN 'fell' WHEN custody_treasuries_chg_usd_mn > 0 THEN 'rose' ELSE 'were unchanged' END
                     || ' from $' || printf('%,.1f', (custody_treasuries_usd_mn - custody_treasuries_chg_usd_mn) / 1000) || ' billion on '
                     || strftime(CAST(custody_date - 7 AS DATE), '%Y-%m-%d') || ' to $' || printf('%,.1f', custody_treasuries_usd_mn / 1000)
                     || ' billion on Wednesday ' || strftime(custody_date, '%Y-%m-%d') || ' ('
                     || CASE WHEN custody_treasuries_chg_usd_mn < 0 THEN '-$' ELSE '+$' END
                     || printf('%,.1f', abs(custody_treasuries_chg_usd_mn) / 1000) || ' billion'
                     || CASE WHEN custody_treasuries_chg_zscore_52w IS NOT NULL
                             THEN ', ' || printf('%+.1f', custody_treasuries_chg_zscore_52w) || ' standard deviations from the mean weekly change of the prior 52 weeks'
                             ELSE '' END
                     || '), according to the Federal Reserve H.4.1 release (FRED WMTSECL1, Wednesday levels). Verdict: '
                     || CASE WHEN custody_treasuries_chg_usd_mn < 0 THEN 'custody holdings fell that week.'
                             WHEN custody_treasuries_chg_usd_mn > 0 THEN 'custody holdings rose that week: not a reduction.'
                             ELSE 'custody holdings unchanged that week.' END
           END AS evidence,
           'Custody at the New York Fed is all foreign official and international accounts together, not one country, and only what they keep there; a fall can be sales, redemptions at maturity or a move to a private custodian, so it is not proof of selling.' AS caveat
    FROM weeks
    WHERE custody_date IS NOT NULL
),
mof AS (
    SELECT 'JPN' AS iso3, 'Japanese investors' AS country_name,
           CAST(NULL AS DATE) AS ref_month,
           'week' AS claim_frequency, 'japan_investors_sold_foreign_bonds_week' AS claim,
           week_start AS period_start, week_end AS period_end, 'MOF_JP_FOREIGN_BONDS' AS weekly_series,
           CASE WHEN jp_foreign_bonds_net_100m_jpy < 0 THEN 'net_seller'
                WHEN jp_foreign_bonds_net_100m_jpy > 0 THEN 'net_buyer'
                ELSE 'no_net_flow' END AS verdict,
           FALSE AS custody_caveat,
           'In the week ' || week_label || ' Japanese residents (designated major investors) '
               || CASE WHEN jp_foreign_bonds_net_100m_jpy < 0 THEN 'sold ' WHEN jp_foreign_bonds_net_100m_jpy > 0 THEN 'bought ' ELSE 'bought and sold equal amounts of ' END
               || CASE WHEN jp_foreign_bonds_net_100m_jpy <> 0
                       THEN printf('%,.2f', abs(jp_foreign_bonds_net_100m_jpy) / 10000) || ' trillion yen (about $'
                            || coalesce(printf('%,.1f', abs(jp_foreign_bonds_net_usd_mn) / 1000), '?') || ' billion) more '
                       ELSE '' END
               || 'foreign long-term debt securities than they '
               || CASE WHEN jp_foreign_bonds_net_100m_jpy < 0 THEN 'bought' ELSE 'sold' END
               || ', according to the Ministry of Finance weekly International Transactions in Securities (week.csv, final update '
               || strftime(mof_vintage, '%Y-%m-%d') || '). Verdict: '
               || CASE WHEN jp_foreign_bonds_net_100m_jpy < 0 THEN 'net sellers of foreign bonds that week.'
                       WHEN jp_foreign_bonds_net_100m_jpy > 0 THEN 'net buyers of foreign bonds that week: not sellers.'
                       ELSE 'no net flow.' END AS evidence,
           'MOF weekly covers all foreign bonds and notes of every issuer and currency, not only U.S. Treasuries, as reported by designated major investors (banks, securities firms, insurers, asset managers); it is not Japan''s official reserves.' AS caveat
    FROM weeks
    WHERE jp_foreign_bonds_net_100m_jpy IS NOT NULL
),
monthly AS (
    SELECT ref_month, verdict AS month_verdict, month_label
    FROM (SELECT ref_month, verdict, strftime(ref_month, '%B %Y') AS month_label FROM marts.claim_checks
          WHERE iso3 = 'JPN' AND claim_frequency = 'month')
),
monthly_only AS (
    SELECT 'JPN' AS iso3, 'Japan' AS country_name,
           CAST(NULL AS DATE) AS ref_month,
           'week' AS claim_frequency, 'japan_sold_treasuries_week' AS claim,
           w.week_start AS period_start, w.week_end AS period_end, 'tic_monthly' AS weekly_series,
           'cannot_tell_monthly_only' AS verdict,
           FALSE AS custody_caveat,
           'TIC reports Japan''s Treasury holdings only at month ends, so no official figure says what Japan did in the week '
               || w.week_label || '.'
               || coalesce(' For ' || m.month_label || ' as a whole the monthly verdict is ' || m.month_verdict || ' (this table, claim holder_sold_treasuries_month).', '')
               || ' For the week see the weekly series: foreign official custody at the New York Fed '
               || coalesce(CASE WHEN w.custody_treasuries_chg_usd_mn < 0 THEN 'fell' WHEN w.custody_treasuries_chg_usd_mn > 0 THEN 'rose' ELSE 'was unchanged' END
                           || ' by $' || printf('%,.1f', abs(w.custody_treasuries_chg_usd_mn) / 1000) || ' billion', 'has no change')
               || ' (claim foreign_official_sold_treasuries_week); Japanese investors'' net purchases of foreign bonds were '
               || coalesce(printf('%+,.2f', w.jp_foreign_bonds_net_100m_jpy / 10000) || ' trillion yen', 'not published')
               || ' (claim japan_investors_sold_foreign_bonds_week). Verdict: cannot tell from monthly data.' AS evidence,
           'Neither weekly series is Japan''s Treasury holdings: custody is every foreign official account at the New York Fed, MOF weekly is every foreign bond Japanese investors trade.' AS caveat
    FROM weeks w
    LEFT JOIN monthly m ON m.ref_month = CAST(date_trunc('month', w.week_start) AS DATE)
)
SELECT *, verdict IN ('custody_fell', 'net_seller') AS is_reduction FROM custody
UNION ALL BY NAME SELECT *, verdict = 'net_seller' AS is_reduction FROM mof
UNION ALL BY NAME SELECT *, FALSE AS is_reduction FROM monthly_only;

COMMENT ON COLUMN marts.claim_checks.claim_frequency IS 'month (TIC monthly claims, one row per holder and month) or week (weekly claims, one row per claim and Sunday-to-Saturday week).';
COMMENT ON COLUMN marts.claim_checks.claim IS 'The question answered: holder_sold_treasuries_month (TIC, monthly), foreign_official_sold_treasuries_week (H.4.1 custody), japan_investors_sold_foreign_bonds_week (MOF weekly), japan_sold_treasuries_week (asked of TIC, which has month ends only: cannot_tell_monthly_only).';
COMMENT ON COLUMN marts.claim_checks.period_start IS 'First day of the period the claim is about: the month''s first day, or the Sunday of the week.';
COMMENT ON COLUMN marts.claim_checks.period_end IS 'Last day of that period: the month''s last day, or the Saturday of the week. Custody weekly changes run Wednesday to Wednesday inside it (Thursday of the previous week to this Wednesday).';
COMMENT ON COLUMN marts.claim_checks.caveat IS 'What the series behind the verdict cannot say (weekly claims): custody is all foreign official accounts at the New York Fed, not one country; MOF weekly is all foreign bonds, not only Treasuries. NULL for monthly rows, whose caveats are in evidence and custody_caveat.';
COMMENT ON COLUMN marts.claim_checks.weekly_series IS 'Series a weekly verdict rests on: WMTSECL1 (FRED, H.4.1), MOF_JP_FOREIGN_BONDS (MOF weekly), tic_monthly (no weekly series: cannot_tell_monthly_only); NULL for monthly rows.';
