-- question: By how much did each holder's Treasury holdings change over k months, without a jump between files, vintages or benchmark series?
-- depends_on: core.fct_treasury_holdings, core.fct_holdings_aggregates, core.tic_method_breaks

-- One table macro, no table: core.treasury_holdings_change(k). DuckDB binds a table macro's body
-- when the macro is created, so this file runs in the core layer after the tables it reads.
--
-- Changes within one file and one series, for countries and for the aggregates (grand_total =
-- all foreign holders, foreign_official, ...): the marts take every change in holdings from here.
--
-- Rule: the k-month change of holder X at month M is computed inside the newest file (latest
-- vintage; on the same date Table 5, then Table 3, then the history file) that prints X for both M
-- and M-k as current-series figures, so a revision between files or a switch from one file to
-- another never shows up as a change. Inside that file, every series break b with M-k < b <= M is
-- removed: TIC prints the break month twice (the new series, and the old one "for comparison
-- only"), so the level shift at b is new(b) - old(b) and
--     chg = v(M) - v(M-k) - sum over breaks b of (new(b) - old(b)),
-- which for k = 1 at a break month is old(b) - v(b-1): the month is compared with the previous month
-- of the same (old) series. A break month is one where the file prints a comparison column, or
-- where its series label differs from the previous label printed (Series XIII from 2011-12 has no
-- comparison column). If X has no comparison figure at a break inside the window the change is
-- NULL (unknown), never a jump. A method break of core.tic_method_breaks inside the window
-- (M-k < break_month <= M, for every holder or for the holders it lists) makes the change NULL
-- too, since TIC prints no comparison figure for it: method_break_month names the latest one.
-- chg_pct = chg / v(M-k) x 100 (v(M-k) is in the old series when a
-- break is bridged, the same series the chained change starts from). Changes are rounded to 3
-- decimals (USD million precision, the finest any TIC file prints) to drop binary noise.
CREATE OR REPLACE MACRO core.treasury_holdings_change(k) AS TABLE
WITH cells AS (
    SELECT iso3 AS holder, ref_month, holdings_usd_bn AS value_usd_bn, source, series,
           is_comparison_series, vintage, raw_sha256
    FROM core.fct_treasury_holdings
    UNION ALL
    SELECT label, ref_month, value_usd_bn, source, series, is_comparison_series, vintage, raw_sha256
    FROM core.fct_holdings_aggregates
),
main AS (
    SELECT holder, ref_month, value_usd_bn, source, vintage, raw_sha256
    FROM cells
    WHERE NOT is_comparison_series
),
comparison AS (
    SELECT holder, ref_month, value_usd_bn AS comparison_usd_bn, source, vintage
    FROM cells
    WHERE is_comparison_series
),
labels AS (
    SELECT DISTINCT source, vintage, ref_month, series
    FROM cells
    WHERE NOT is_comparison_series AND series <> 'current'
),
breaks AS (
    SELECT DISTINCT source, vintage, ref_month FROM comparison
    UNION
    SELECT source, vintage, ref_month
    FROM (SELECT *, lag(series) OVER (PARTITION BY source, vintage ORDER BY ref_month) AS previous_label
          FROM labels)
    WHERE previous_label IS NOT NULL AND series <> previous_label
),
pairs AS (
    SELECT c.holder, c.ref_month, b.ref_month AS base_month, c.source, c.vintage, c.raw_sha256,
           c.value_usd_bn, b.value_usd_bn AS base_value_usd_bn
    FROM main c
    JOIN main b
      ON b.holder = c.holder AND b.source = c.source AND b.vintage = c.vintage
     AND b.ref_month = CAST(c.ref_month - to_months(CAST(k AS INTEGER)) AS DATE)
),
chosen AS (
    SELECT * FROM pairs
    QUALIFY row_number() OVER (
        PARTITION BY holder, ref_month
        ORDER BY vintage DESC, core.tic_source_rank(source)
    ) = 1
),
shifts AS (
    SELECT p.holder, p.ref_month,
           count(*) AS breaks,
           count(m.value_usd_bn - cmp.comparison_usd_bn) AS bridged,
           sum(m.value_usd_bn - cmp.comparison_usd_bn) AS shift_usd_bn,
           min(br.ref_month) AS first_break
    FROM chosen p
    JOIN breaks br
      ON br.source = p.source AND br.vintage = p.vintage
     AND br.ref_month > p.base_month AND br.ref_month <= p.ref_month
    LEFT JOIN main m
      ON m.holder = p.holder AND m.source = p.source AND m.vintage = p.vintage AND m.ref_month = br.ref_month
    LEFT JOIN comparison cmp
      ON cmp.holder = p.holder AND cmp.source = p.source AND cmp.vintage = p.vintage AND cmp.ref_month = br.ref_month
    GROUP BY ALL
),
method_breaks AS (
    SELECT c.holder, c.ref_month, max(mb.break_month) AS method_break_month
    FROM chosen c
    JOIN core.tic_method_breaks mb
      ON mb.break_month > c.base_month AND mb.break_month <= c.ref_month
     AND (mb.applies_to = 'all' OR list_contains(mb.holders, c.holder))
    GROUP BY ALL
),
changes AS (
    SELECT c.*, coalesce(s.breaks, 0) AS series_breaks, coalesce(s.bridged, 0) AS series_breaks_bridged,
           s.first_break, mb.method_break_month,
           CASE WHEN coalesce(s.breaks, 0) = coalesce(s.bridged, 0) AND mb.method_break_month IS NULL
                THEN round(c.value_usd_bn - c.base_value_usd_bn - coalesce(s.shift_usd_bn, 0), 3) END AS chg_usd_bn
    FROM chosen c
    LEFT JOIN shifts s USING (holder, ref_month)
    LEFT JOIN method_breaks mb USING (holder, ref_month)
)
SELECT holder, ref_month, base_month, value_usd_bn, base_value_usd_bn, chg_usd_bn,
       CASE WHEN base_value_usd_bn <> 0 THEN 100 * chg_usd_bn / base_value_usd_bn END AS chg_pct,
       series_breaks, series_breaks_bridged, first_break, method_break_month, source, vintage, raw_sha256
FROM changes;

-- COMMENT ON MACRO TABLE is not in the DuckDB dialect of the SQL linter, hence the PRS exemption.
COMMENT ON MACRO TABLE core.treasury_holdings_change IS 'k-month change in Treasury holdings per holder and ref_month, computed inside the newest single TIC file printing both months (no jump between files or vintages), with series breaks bridged by the comparison figure TIC prints (chg = v(M) - v(M-k) - sum of new(b) - old(b) over breaks b in the window; NULL when a break has no comparison figure, or when a method break of core.tic_method_breaks lies in the window). Columns: holder (ISO3 country code, or aggregate label such as grand_total from core.fct_holdings_aggregates), ref_month, base_month (= ref_month - k months), value_usd_bn and base_value_usd_bn (as printed in that file, USD bn), chg_usd_bn (USD bn, 3 decimals), chg_pct (chg / base x 100), series_breaks, series_breaks_bridged, first_break, method_break_month (latest core.tic_method_breaks month inside the window, which makes chg NULL), source, vintage, raw_sha256 of the file. Usage: SELECT * FROM core.treasury_holdings_change(3) WHERE holder = ''JPN''.'; -- noqa: PRS
