-- question: How much leverage does each foreign holder have over the U.S. Treasury market each month (its holdings against all foreign holdings, the debt held by the public and its own reserves), and is it selling?
-- depends_on: core.treasury_holdings, core.treasury_holdings_change, core.tic_method_breaks, core.fct_holdings_aggregates, core.fct_treasury_holdings, core.fct_public_debt, core.fct_marketable_debt, core.reserves, core.fct_treasury_flows, core.dim_country

-- One row per holder (iso3) and month of core.treasury_holdings (the latest vintage of each figure).
-- Rules, each repeated in the column comments:
-- * share_of_foreign_pct: the Grand Total printed in the same file (source and vintage) as the
--   holder's figure, so numerator and denominator are one publication; where that file prints no
--   Grand Total for the month, the newest Grand Total of the month.
-- * share_of_public_debt_pct: debt held by the public at month end (core.fct_public_debt, last
--   Debt to the Penny record of the month), used only when that record falls in the last 4 days of
--   the month (a running or truncated month is not a month end: NULL).
-- * share_of_marketable_pct: marketable Treasury securities outstanding at month end (MSPD table 1,
--   core.fct_marketable_debt), only for a month the source says is complete, else NULL; kept beside
--   share_of_public_debt_pct, never filled from it.
-- * reserves: one measure per holder, never mixed over time: total_incl_gold (MOF, with gold) for a
--   holder that has it (Japan), total_excl_gold (FRED / IMF IFS) for every other holder; a month
--   without that measure is NULL, not filled from the other one.
-- * holdings_to_reserves compares TIC holdings of ALL residents of the country (banks, funds,
--   custodians for others, the official sector) with the official reserves: it is not the share
--   of the reserves held in Treasuries. holdings_to_reserve_securities divides by the securities
--   component of the reserves (MOF, Japan only): above 1 (Japan 2025-03: 1130.8 / 943.25 = 1.20)
--   it shows that TIC counts more than the reserve holder's own Treasuries. holdings_to_reserves_ex_gold
--   divides by the reserves without gold (Japan: MOF total less MOF gold; others: the FRED total,
--   which already excludes gold), the one ratio comparable across holders.
-- * chg_*: core.treasury_holdings_change(k): inside the newest single file printing both months,
--   series breaks bridged by TIC's comparison figures, NULL when a break cannot be bridged (see
--   sql/core/treasury_holdings_change.sql), and NULL across a method break of core.tic_method_breaks
--   (2011-09 Form SLT, 2012-01 United Kingdom without the Channel Islands): method_break_month
--   names it for the 1-month change, and since the change is unknown the streak and the z-score
--   skip it too. They can differ from differences of holdings_usd_bn when the
--   two months come from different files.
-- * selling_streak_months: consecutive months up to this one with chg_1m_usd_bn < 0; 0 when this
--   month's change is >= 0; NULL when it is unknown (an unknown month also ends a streak).
-- * chg_1m_zscore_36m: (chg_1m - mean) / sample standard deviation of the chg_1m values of the 36
--   months before this one (M-36 .. M-1), computed only with at least 12 known changes there and a
--   non-zero deviation, else NULL. chg_1m_pct_zscore_36m: the same on chg_1m_pct (a dollar z-score
--   ranks a big holder's ordinary month as unusual; the percent one compares like with like).
-- * holdings_* and reserves_* source, vintage and raw_sha256: the core.treasury_holdings row and
--   the core.reserves row (the holder's one measure) the month's figures were read from, so any
--   ratio can be traced to the two archived files it divides.
CREATE OR REPLACE TABLE marts.leverage_monthly AS
WITH holdings AS (
    SELECT iso3, ref_month, holdings_usd_bn, source, vintage, raw_sha256
    FROM core.treasury_holdings
),
grand_total_by_file AS (
    SELECT ref_month, source, vintage, value_usd_bn
    FROM core.fct_holdings_aggregates
    WHERE label = 'grand_total' AND NOT is_comparison_series
    QUALIFY row_number() OVER (PARTITION BY ref_month, source, vintage ORDER BY series) = 1
),
grand_total_latest AS (
    SELECT DISTINCT ON (ref_month) ref_month, value_usd_bn
    FROM core.fct_holdings_aggregates
    WHERE label = 'grand_total' AND NOT is_comparison_series
    ORDER BY ref_month, vintage DESC, core.tic_source_rank(source)
),
public_debt AS (
    SELECT ref_month, debt_held_by_public_usd_bn
    FROM core.fct_public_debt
    WHERE as_of_date >= last_day(ref_month) - INTERVAL 4 DAY
),
marketable AS (
    -- only months the source says are complete (core.fct_marketable_debt.month_complete)
    SELECT ref_month, marketable_outstanding_usd_bn
    FROM core.fct_marketable_debt
    WHERE month_complete
),
reserve_measure AS (
    SELECT iso3,
           CASE WHEN bool_or(measure = 'total_incl_gold') THEN 'total_incl_gold' ELSE 'total_excl_gold' END AS measure
    FROM core.reserves
    GROUP BY iso3
),
reserves AS (
    SELECT r.iso3, r.ref_month, r.total_reserves_usd_mn / 1000.0 AS reserves_usd_bn, r.measure,
           r.securities_usd_mn / 1000.0 AS reserve_securities_usd_bn,
           -- comparable with the other holders' FRED totals, which exclude gold
           CASE r.measure WHEN 'total_incl_gold' THEN (r.total_reserves_usd_mn - r.gold_usd_mn) / 1000.0
                          ELSE r.total_reserves_usd_mn / 1000.0 END AS reserves_ex_gold_usd_bn,
           r.source, r.vintage, r.raw_sha256
    FROM core.reserves r
    JOIN reserve_measure m ON m.iso3 = r.iso3 AND m.measure = r.measure
),
flows AS (
    SELECT DISTINCT ON (iso3, ref_month) iso3, ref_month, net_sales_usd_bn, lt_valuation_change_usd_bn
    FROM core.fct_treasury_flows
    ORDER BY iso3, ref_month, vintage DESC
),
chg1 AS (SELECT holder AS iso3, ref_month, chg_usd_bn, chg_pct, method_break_month FROM core.treasury_holdings_change(1)),
chg3 AS (SELECT holder AS iso3, ref_month, chg_usd_bn FROM core.treasury_holdings_change(3)),
chg12 AS (SELECT holder AS iso3, ref_month, chg_usd_bn FROM core.treasury_holdings_change(12)),
joined AS (
    SELECT h.iso3, h.ref_month, h.holdings_usd_bn,
           100 * h.holdings_usd_bn / coalesce(gf.value_usd_bn, gl.value_usd_bn) AS share_of_foreign_pct,
           100 * h.holdings_usd_bn / d.debt_held_by_public_usd_bn AS share_of_public_debt_pct,
           100 * h.holdings_usd_bn / mk.marketable_outstanding_usd_bn AS share_of_marketable_pct,
           r.reserves_usd_bn,
           CASE WHEN r.reserves_usd_bn IS NOT NULL THEN r.measure END AS reserves_measure,
           h.holdings_usd_bn / r.reserves_usd_bn AS holdings_to_reserves,
           r.reserve_securities_usd_bn,
           h.holdings_usd_bn / r.reserve_securities_usd_bn AS holdings_to_reserve_securities,
           r.reserves_ex_gold_usd_bn,
           h.holdings_usd_bn / r.reserves_ex_gold_usd_bn AS holdings_to_reserves_ex_gold,
           c1.chg_usd_bn AS chg_1m_usd_bn,
           c3.chg_usd_bn AS chg_3m_usd_bn,
           c12.chg_usd_bn AS chg_12m_usd_bn,
           c1.chg_pct AS chg_1m_pct,
           c1.method_break_month,
           f.net_sales_usd_bn,
           f.lt_valuation_change_usd_bn AS valuation_change_usd_bn,
           coalesce(dc.is_custody_center, FALSE) AS is_custody_center,
           h.source AS holdings_source, h.vintage AS holdings_vintage, h.raw_sha256 AS holdings_raw_sha256,
           r.source AS reserves_source, r.vintage AS reserves_vintage, r.raw_sha256 AS reserves_raw_sha256
    FROM holdings h
    LEFT JOIN grand_total_by_file gf ON gf.ref_month = h.ref_month AND gf.source = h.source AND gf.vintage = h.vintage
    LEFT JOIN grand_total_latest gl ON gl.ref_month = h.ref_month
    LEFT JOIN public_debt d ON d.ref_month = h.ref_month
    LEFT JOIN marketable mk ON mk.ref_month = h.ref_month
    LEFT JOIN reserves r ON r.iso3 = h.iso3 AND r.ref_month = h.ref_month
    LEFT JOIN flows f ON f.iso3 = h.iso3 AND f.ref_month = h.ref_month
    LEFT JOIN chg1 c1 ON c1.iso3 = h.iso3 AND c1.ref_month = h.ref_month
    LEFT JOIN chg3 c3 ON c3.iso3 = h.iso3 AND c3.ref_month = h.ref_month
    LEFT JOIN chg12 c12 ON c12.iso3 = h.iso3 AND c12.ref_month = h.ref_month
    LEFT JOIN core.dim_country dc ON dc.iso3 = h.iso3
),
streaks AS (
    SELECT *,
           -- a new group starts at every month that is not a known fall
           sum(CASE WHEN chg_1m_usd_bn < 0 THEN 0 ELSE 1 END)
               OVER (PARTITION BY iso3 ORDER BY ref_month ROWS UNBOUNDED PRECEDING) AS streak_group
    FROM joined
),
stats AS (
    SELECT *,
           count(chg_1m_usd_bn) OVER w36 AS prior_changes,
           avg(chg_1m_usd_bn) OVER w36 AS prior_mean,
           stddev_samp(chg_1m_usd_bn) OVER w36 AS prior_sd,
           count(chg_1m_pct) OVER w36 AS prior_pct_changes,
           avg(chg_1m_pct) OVER w36 AS prior_pct_mean,
           stddev_samp(chg_1m_pct) OVER w36 AS prior_pct_sd,
           sum(CASE WHEN chg_1m_usd_bn < 0 THEN 1 ELSE 0 END)
               OVER (PARTITION BY iso3, streak_group ORDER BY ref_month ROWS UNBOUNDED PRECEDING) AS falls_in_group
    FROM streaks
    WINDOW w36 AS (PARTITION BY iso3 ORDER BY ref_month
                   RANGE BETWEEN INTERVAL 36 MONTH PRECEDING AND INTERVAL 1 MONTH PRECEDING)
)
SELECT iso3, ref_month, holdings_usd_bn,
       CASE WHEN holdings_usd_bn IS NOT NULL
            THEN rank() OVER (PARTITION BY ref_month ORDER BY holdings_usd_bn DESC NULLS LAST) END AS rank_by_holdings,
       share_of_foreign_pct, share_of_public_debt_pct, share_of_marketable_pct,
       reserves_usd_bn, reserves_measure, holdings_to_reserves,
       reserve_securities_usd_bn, holdings_to_reserve_securities, reserves_ex_gold_usd_bn, holdings_to_reserves_ex_gold,
       chg_1m_usd_bn, chg_3m_usd_bn, chg_12m_usd_bn, chg_1m_pct, method_break_month,
       net_sales_usd_bn, valuation_change_usd_bn,
       CASE WHEN chg_1m_usd_bn IS NULL THEN NULL
            WHEN chg_1m_usd_bn < 0 THEN falls_in_group
            ELSE 0 END::INTEGER AS selling_streak_months,
       CASE WHEN prior_changes >= 12 AND prior_sd > 0
            THEN (chg_1m_usd_bn - prior_mean) / prior_sd END AS chg_1m_zscore_36m,
       CASE WHEN prior_pct_changes >= 12 AND prior_pct_sd > 0
            THEN (chg_1m_pct - prior_pct_mean) / prior_pct_sd END AS chg_1m_pct_zscore_36m,
       is_custody_center,
       holdings_source, holdings_vintage, holdings_raw_sha256,
       reserves_source, reserves_vintage, reserves_raw_sha256
FROM stats
ORDER BY ref_month, iso3;

COMMENT ON TABLE marts.leverage_monthly IS 'One row per foreign holder (iso3) and month: Treasury holdings (latest vintage) and the leverage they give: rank, share of all foreign holdings, share of the debt held by the public, ratio to the holder''s official reserves; changes over 1, 3 and 12 months inside one file and one series (no jump at a series break or between files), net sales and valuation changes where TIC Table 3 has them, the selling streak and how unusual this month''s change is. Custody centres flagged. Built by sql/marts/leverage_monthly.sql, whose header states every rule.';
COMMENT ON COLUMN marts.leverage_monthly.iso3 IS 'Holder country, ISO 3166 alpha-3 (core.dim_country).';
COMMENT ON COLUMN marts.leverage_monthly.ref_month IS 'Month of the end-of-month position, as the first day of that month.';
COMMENT ON COLUMN marts.leverage_monthly.holdings_usd_bn IS 'Holdings of U.S. Treasury bills, notes and bonds at month end, billions of U.S. dollars: core.treasury_holdings (newest vintage of the current series). NULL where TIC prints * (less than $50 million).';
COMMENT ON COLUMN marts.leverage_monthly.rank_by_holdings IS 'Rank of holdings_usd_bn among all holder countries in the month, 1 = largest (SQL RANK: ties share a rank); NULL where holdings_usd_bn is NULL. Regional and other aggregates are not ranked.';
COMMENT ON COLUMN marts.leverage_monthly.share_of_foreign_pct IS 'holdings_usd_bn / Grand Total of all foreign holders x 100, percent. The Grand Total is the one printed in the same file (source and vintage) as the holdings figure; where that file has none for the month, the newest Grand Total (core.fct_holdings_aggregates, label grand_total).';
COMMENT ON COLUMN marts.leverage_monthly.share_of_public_debt_pct IS 'holdings_usd_bn / debt held by the public at month end x 100, percent (core.fct_public_debt.debt_held_by_public_usd_bn, the last Debt to the Penny record of the month). NULL when that record is not within the last 4 days of the month (month still running or not loaded) or before 2005-03 (no split published).';
COMMENT ON COLUMN marts.leverage_monthly.share_of_marketable_pct IS 'holdings_usd_bn / marketable Treasury securities outstanding at month end x 100, percent (core.fct_marketable_debt.marketable_outstanding_usd_bn, Monthly Statement of the Public Debt table 1, Total Marketable). The share of the market a holder could sell into, unlike share_of_public_debt_pct, whose denominator also holds non-marketable debt (savings bonds, state and local series) that nobody trades. It slightly overstates: TIC counts non-marketable bills, bonds and notes too (mfhhis01.txt footnote 1/). NULL when the MSPD month is not complete (month_complete false: a truncated or running month) or not loaded, never filled from the debt held by the public.';
COMMENT ON COLUMN marts.leverage_monthly.reserves_usd_bn IS 'Holder''s official reserve assets at month end, billions of U.S. dollars (core.reserves.total_reserves_usd_mn / 1000, newest vintage) in the measure named by reserves_measure. One measure per holder: total_incl_gold where the holder has it (Japan, MOF), else total_excl_gold (FRED / IMF IFS). NULL for a month without that measure (never filled from the other measure).';
COMMENT ON COLUMN marts.leverage_monthly.reserves_measure IS 'What reserves_usd_bn measures: total_incl_gold (Japan MOF historical.csv, including gold) or total_excl_gold (FRED TRESEG..M052N series, excluding gold); NULL when reserves_usd_bn is NULL.';
COMMENT ON COLUMN marts.leverage_monthly.holdings_to_reserves IS 'holdings_usd_bn / reserves_usd_bn, a ratio (no unit): Treasuries held by ALL residents of the country as TIC counts them (private investors, banks, custodians holding for others, and the official sector) against the official reserve assets in reserves_measure. It is NOT the share of the reserves invested in Treasuries: Japan 2025-03 = 1130.8 / 1272.511 = 0.889, yet the MOF''s whole foreign securities portfolio, Treasuries or not, was 943.25 bn (reserve_securities_usd_bn), so official Treasuries were at most 0.741 of reserves. Japan''s reserves include gold, the others'' do not: compare holders with holdings_to_reserves_ex_gold. NULL without reserves that month.';
COMMENT ON COLUMN marts.leverage_monthly.reserve_securities_usd_bn IS 'The securities component of the holder''s official foreign currency reserves, billions of U.S. dollars (MOF historical.csv "Securities", Japan only; every issuer and currency, not only U.S. Treasuries); NULL for holders whose reserves come from FRED, which publishes no components.';
COMMENT ON COLUMN marts.leverage_monthly.holdings_to_reserve_securities IS 'holdings_usd_bn / reserve_securities_usd_bn, a ratio: TIC Treasury holdings of all residents against the securities in the official reserves. Above 1 means TIC counts more Treasuries in the country than its reserve authority holds securities of any kind: Japan 2025-03 = 1130.8 / 943.25 = 1.199, so TIC-Japan cannot be read as the MOF''s Treasuries. NULL without the component (every holder but Japan).';
COMMENT ON COLUMN marts.leverage_monthly.reserves_ex_gold_usd_bn IS 'Official reserve assets excluding gold, billions of U.S. dollars: for Japan the MOF total less MOF gold (same month and vintage as reserves_usd_bn: 2025-03 = 1272.511 - 84.728 = 1187.783), for the others the FRED / IMF IFS total, which already excludes gold. NULL without reserves.';
COMMENT ON COLUMN marts.leverage_monthly.holdings_to_reserves_ex_gold IS 'holdings_usd_bn / reserves_ex_gold_usd_bn, a ratio: the one holdings-to-reserves ratio comparable across holders (Japan''s MOF total includes gold, the FRED totals do not). Japan 2025-03 = 1130.8 / 1187.783 = 0.952. Like holdings_to_reserves it compares all residents'' Treasuries with official reserves, not a share of the reserves.';
COMMENT ON COLUMN marts.leverage_monthly.chg_1m_usd_bn IS 'Change in holdings from the previous month end, billions of U.S. dollars: v(M) - v(M-1) inside the newest single TIC file printing both months, with a series break in the month bridged by the old-series comparison figure (= old(M) - v(M-1)); NULL when the previous month is missing, the break cannot be bridged, or a TIC method break lies between the two months (method_break_month). See core.treasury_holdings_change.';
COMMENT ON COLUMN marts.leverage_monthly.chg_3m_usd_bn IS 'Change in holdings over 3 months (M-3 to M), billions of U.S. dollars, same within-file and break rule as chg_1m_usd_bn (each break in the window removed as new(b) - old(b)).';
COMMENT ON COLUMN marts.leverage_monthly.chg_12m_usd_bn IS 'Change in holdings over 12 months (M-12 to M), billions of U.S. dollars, same within-file and break rule as chg_1m_usd_bn.';
COMMENT ON COLUMN marts.leverage_monthly.chg_1m_pct IS 'chg_1m_usd_bn / holdings at M-1 in the same file and series x 100, percent.';
COMMENT ON COLUMN marts.leverage_monthly.method_break_month IS 'The month of a TIC method break (core.tic_method_breaks) between the previous month end and this one for this holder, when there is one: chg_1m_usd_bn is then NULL (not a fall or a rise: the two months measure different things), the selling streak ends and the z-scores skip the month. United Kingdom 2011-09 (Form SLT; -63.7 bn as printed) and 2012-01 (Channel Islands and Isle of Man no longer included). chg_3m_usd_bn and chg_12m_usd_bn are NULL whenever such a break lies in their longer windows, even where this column is NULL.';
COMMENT ON COLUMN marts.leverage_monthly.net_sales_usd_bn IS 'Net sales of U.S. Treasuries during the month, billions of U.S. dollars, from TIC Table 3 (core.fct_treasury_flows, newest vintage): positive = sold more than bought. NULL where Table 3 has no row for the holder and month.';
COMMENT ON COLUMN marts.leverage_monthly.valuation_change_usd_bn IS 'Change in the value of long-term Treasury holdings during the month from prices and other non-transaction changes, billions of U.S. dollars (Table 3 for_lt_treas_valchg / 1000, long-term securities only); NULL where Table 3 has no row.';
COMMENT ON COLUMN marts.leverage_monthly.selling_streak_months IS 'Consecutive months up to and including this one in which holdings fell (chg_1m_usd_bn < 0), count; 0 when this month''s change is >= 0; NULL when this month''s change is unknown (an unknown month also ends a streak).';
COMMENT ON COLUMN marts.leverage_monthly.chg_1m_zscore_36m IS '(chg_1m_usd_bn - mean) / sample standard deviation, where mean and deviation are those of the holder''s chg_1m_usd_bn in the 36 months before this one (M-36 .. M-1), in standard deviations; NULL with fewer than 12 known changes in that window, a zero deviation, or no change this month.';
COMMENT ON COLUMN marts.leverage_monthly.chg_1m_pct_zscore_36m IS '(chg_1m_pct - mean) / sample standard deviation of the holder''s chg_1m_pct in the 36 months before this one (M-36 .. M-1), in standard deviations; NULL with fewer than 12 known changes there, a zero deviation, or no change this month. Unlike chg_1m_zscore_36m it does not grow with the holder''s size: a 1% month scores the same for Japan and for Norway.';
COMMENT ON COLUMN marts.leverage_monthly.is_custody_center IS 'True for custody centres (core.dim_country: Belgium, Luxembourg, United Kingdom, Cayman Islands, Ireland, Switzerland, ...): TIC counts securities where they are held, so a change there is not necessarily that country buying or selling.';
COMMENT ON COLUMN marts.leverage_monthly.holdings_source IS 'TIC file holdings_usd_bn comes from (core.treasury_holdings.source): tic_mfh_history (mfhhis01.txt), tic_table5 (slt_table5.txt) or tic_table3 (slt_table3.txt).';
COMMENT ON COLUMN marts.leverage_monthly.holdings_vintage IS 'Vintage of holdings_usd_bn (core.treasury_holdings.vintage): the publication date printed in the file (mfhhis01), else the fetch date (UTC).';
COMMENT ON COLUMN marts.leverage_monthly.holdings_raw_sha256 IS 'sha256 of the raw TIC body holdings_usd_bn was parsed from, as archived under $TLW_HOME/raw (raw/index.jsonl records it with holdings_source).';
COMMENT ON COLUMN marts.leverage_monthly.reserves_source IS 'Source of the core.reserves row the reserves columns come from: mof_reserves (Japan MOF historical.csv, measure total_incl_gold) or fred (TRESEG..M052N, total_excl_gold); NULL when the holder has no reserves row in its measure that month.';
COMMENT ON COLUMN marts.leverage_monthly.reserves_vintage IS 'Fetch date (UTC) of the reserves file reserves_usd_bn, reserve_securities_usd_bn and reserves_ex_gold_usd_bn come from (core.reserves.vintage); NULL with reserves_source.';
COMMENT ON COLUMN marts.leverage_monthly.reserves_raw_sha256 IS 'sha256 of the raw reserves body those columns were parsed from, as archived under $TLW_HOME/raw (raw/index.jsonl records it with reserves_source); NULL with reserves_source.';
