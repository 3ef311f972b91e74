-- question: Did country X sell U.S. Treasuries in month M (for example "Japan dumped Treasuries in March 2025"), what do the official figures say, and how sure can one be?
-- depends_on: core.treasury_holdings, core.holdings_vintages, core.fct_treasury_holdings, core.fct_holdings_aggregates, core.fct_treasury_flows, core.dim_country

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
           series_breaks, series_breaks_bridged, source, vintage, raw_sha256
    FROM core.treasury_holdings_change(1)
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
           h.source AS holdings_source, h.vintage AS holdings_vintage, h.raw_sha256 AS holdings_raw_sha256,
           c.source AS change_source, c.vintage AS change_vintage, c.raw_sha256 AS change_raw_sha256,
           f.vintage AS flows_vintage, f.raw_sha256 AS flows_raw_sha256
    FROM holdings h
    LEFT JOIN change c ON c.iso3 = h.iso3 AND c.ref_month = h.ref_month
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
       custody_caveat,
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
               ELSE 'undetermined: no figure for the previous month end in the same file and series to compare with (first month, gap, value under $50 million, or a series break without a comparison figure) and no TIC net transaction figures for '
                    || month_label || '.' END,
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

COMMENT ON TABLE marts.claim_checks IS 'Did holder X sell U.S. Treasuries in month M? One row per holder and month with the holdings change (one file, one series), TIC Table 3 net sales and valuation change where available, a verdict from the rule in sql/marts/claim_checks.sql, a custody-centre caveat, and evidence text citing the official file, its vintage and sha256. Verdicts: net_seller, net_buyer, no_net_flow (Table 3 flows exist); holdings_fell, holdings_rose, holdings_unchanged (no flows: price moves can explain the change); undetermined.';
COMMENT ON COLUMN marts.claim_checks.iso3 IS 'Holder country, ISO 3166 alpha-3.';
COMMENT ON COLUMN marts.claim_checks.country_name IS 'Short English name (core.dim_country.name), as used in evidence.';
COMMENT ON COLUMN marts.claim_checks.ref_month IS 'Month the claim is about (first day of the month; positions at month end, transactions during the month).';
COMMENT ON COLUMN marts.claim_checks.holdings_usd_bn IS 'Holdings at the end of ref_month, billions of U.S. dollars, latest vintage (core.treasury_holdings).';
COMMENT ON COLUMN marts.claim_checks.chg_1m_usd_bn IS 'Change in holdings from the previous month end, billions of U.S. dollars, inside the newest single TIC file printing both months and within one benchmark series (core.treasury_holdings_change(1)); NULL when no such pair exists. Same value as marts.leverage_monthly.chg_1m_usd_bn.';
COMMENT ON COLUMN marts.claim_checks.chg_1m_pct IS 'chg_1m_usd_bn / previous month-end holdings in the same file and series x 100, percent.';
COMMENT ON COLUMN marts.claim_checks.net_sales_usd_bn IS 'Net sales during the month, billions of U.S. dollars, TIC Table 3 newest vintage (= -net purchases): positive = sold more than bought. NULL when Table 3 has no figure for the holder and month.';
COMMENT ON COLUMN marts.claim_checks.valuation_change_usd_bn IS 'Change in the value of long-term Treasury holdings during the month from prices and other non-transaction changes, billions of U.S. dollars (Table 3 for_lt_treas_valchg / 1000); NULL without Table 3.';
COMMENT ON COLUMN marts.claim_checks.verdict IS 'Rule: if Table 3 net sales exist, net_seller (> 0), net_buyer (< 0) or no_net_flow (= 0); else by chg_1m_usd_bn: holdings_fell (< 0), holdings_rose (> 0), holdings_unchanged (= 0), with the caveat that price moves can explain a change in holdings; else undetermined.';
COMMENT ON COLUMN marts.claim_checks.is_reduction IS 'True when verdict is net_seller or holdings_fell (the data support "reduced its Treasuries" in that sense); false otherwise, including undetermined.';
COMMENT ON COLUMN marts.claim_checks.custody_caveat IS 'True when the holder is a custody centre (core.dim_country.is_custody_center): TIC records where securities are held, not who owns them, so a change need not be that country''s own buying or selling.';
COMMENT ON COLUMN marts.claim_checks.evidence IS 'Quotable text: the net transactions (when Table 3 has them) and the holdings movement with their amounts in billions of dollars, each citing the official file (name, vintage, first 12 hex digits of the sha256 of the archived body), then the verdict and the caveats that apply (price moves without flow data, custody centre).';
COMMENT ON COLUMN marts.claim_checks.holdings_source IS 'TIC source of holdings_usd_bn: tic_mfh_history (mfhhis01.txt), tic_table5 (slt_table5.txt) or tic_table3 (slt_table3.txt).';
COMMENT ON COLUMN marts.claim_checks.holdings_vintage IS 'Vintage of holdings_usd_bn: publication date printed in the file, else the fetch date.';
COMMENT ON COLUMN marts.claim_checks.holdings_raw_sha256 IS 'sha256 of the raw file holdings_usd_bn was parsed from ($TLW_HOME/raw).';
COMMENT ON COLUMN marts.claim_checks.change_source IS 'TIC source of the file both months of chg_1m_usd_bn were read from; NULL without a change.';
COMMENT ON COLUMN marts.claim_checks.change_vintage IS 'Vintage of the file chg_1m_usd_bn was computed in.';
COMMENT ON COLUMN marts.claim_checks.change_raw_sha256 IS 'sha256 of the raw file chg_1m_usd_bn was computed in.';
COMMENT ON COLUMN marts.claim_checks.flows_vintage IS 'Fetch date of the TIC Table 3 file net_sales_usd_bn comes from; NULL without flows.';
COMMENT ON COLUMN marts.claim_checks.flows_raw_sha256 IS 'sha256 of the raw slt_table3.txt net_sales_usd_bn comes from; NULL without flows.';
