-- question: Which TIC files (source and vintage) does the warehouse hold, what did each print, and what were the holdings as published on or before a given date?
-- depends_on: core.fct_treasury_holdings, core.fct_holdings_aggregates, core.treasury_holdings, core.tic_method_breaks

-- This model builds one table and two table macros, all persisted in the published tlw.duckdb:
--
--   core.holdings_vintages                 one row per TIC file loaded (source, vintage, raw_sha256)
--   core.treasury_holdings_asof(d)         core.treasury_holdings as it was on date d: only rows
--                                          whose vintage <= d, so nothing published after d leaks in
--   core.treasury_holdings_change(k)       k-month changes computed inside one file, across series
--                                          breaks only where TIC prints the bridge (the marts use it)
--
-- A "file" is one (source, vintage) of core.fct_treasury_holdings: one mfhhis01.txt, slt_table5.txt
-- or slt_table3.txt as published (vintage = the date printed in the file, else the fetch date).

-- The as-of view: the same rule as core.treasury_holdings (newest vintage of the current series,
-- on the same date Table 5, then Table 3, then the history file), restricted to vintage <= d.
-- d is anything that casts to DATE ('2026-03-18', DATE '2026-03-18', a TIMESTAMP).
CREATE OR REPLACE MACRO core.treasury_holdings_asof(d) AS TABLE
SELECT DISTINCT ON (iso3, ref_month)
       iso3, ref_month, holdings_usd_bn, value_flag, source, series, vintage, raw_sha256
FROM core.fct_treasury_holdings
WHERE NOT is_comparison_series
  AND vintage <= CAST(d AS DATE)
ORDER BY iso3, ref_month, vintage DESC,
         core.tic_source_rank(source);

-- COMMENT ON MACRO TABLE is not in the DuckDB dialect of the SQL linter, hence the PRS exemptions.
COMMENT ON MACRO TABLE core.treasury_holdings_asof IS 'core.treasury_holdings as it stood on date d: one row per iso3 and ref_month, from the newest file whose vintage <= d (same tie rule as the latest view). Usage: SELECT * FROM core.treasury_holdings_asof(DATE ''2026-03-18''). Vintage is the date printed in the file (mfhhis01) or the fetch date (Table 5, Table 3).'; -- noqa: PRS

-- Why core.treasury_holdings_asof(d) returned what it did: before the first vintage held it
-- returns no rows, which alone looks like "nobody held anything". One row, always.
CREATE OR REPLACE MACRO core.treasury_holdings_asof_explained(d) AS TABLE
WITH asked AS (SELECT CAST(d AS DATE) AS as_of),
files AS (SELECT DISTINCT source, vintage, raw_sha256 FROM core.fct_treasury_holdings WHERE NOT is_comparison_series)
SELECT as_of,
       min(vintage) AS first_vintage_held,
       max(vintage) FILTER (WHERE vintage <= as_of) AS newest_vintage_used,
       count(vintage) FILTER (WHERE vintage <= as_of) AS files_used,
       CASE
           WHEN min(vintage) IS NULL THEN 'no rows: no TIC file is loaded'
           WHEN as_of < min(vintage) THEN format(
               'no rows: {} is before the first vintage held ({}); the warehouse holds no TIC file published by then',
               as_of, min(vintage))
           ELSE format('rows from {} file(s), the newest of vintage {}',
                       count(vintage) FILTER (WHERE vintage <= as_of), max(vintage) FILTER (WHERE vintage <= as_of))
       END AS explanation
FROM asked LEFT JOIN files ON true
GROUP BY as_of;

COMMENT ON MACRO TABLE core.treasury_holdings_asof_explained IS 'One row saying what core.treasury_holdings_asof(d) draws on: the first vintage held, the newest vintage <= d, how many files, and in words why it returns no rows when d is before the first vintage held. Usage: SELECT * FROM core.treasury_holdings_asof_explained(DATE ''2000-01-01'').';

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

COMMENT ON MACRO TABLE core.treasury_holdings_change IS 'k-month change in Treasury holdings per holder and ref_month, computed inside the newest single TIC file printing both months (no jump between files or vintages), with series breaks bridged by the comparison figure TIC prints (chg = v(M) - v(M-k) - sum of new(b) - old(b) over breaks b in the window; NULL when a break has no comparison figure, or when a method break of core.tic_method_breaks lies in the window). Columns: holder (ISO3 country code, or aggregate label such as grand_total from core.fct_holdings_aggregates), ref_month, base_month (= ref_month - k months), value_usd_bn and base_value_usd_bn (as printed in that file, USD bn), chg_usd_bn (USD bn, 3 decimals), chg_pct (chg / base x 100), series_breaks, series_breaks_bridged, first_break, method_break_month (latest core.tic_method_breaks month inside the window, which makes chg NULL), source, vintage, raw_sha256 of the file. Usage: SELECT * FROM core.treasury_holdings_change(3) WHERE holder = ''JPN''.'; -- noqa: PRS

CREATE OR REPLACE TABLE core.holdings_vintages AS
WITH files AS (
    SELECT source, vintage, raw_sha256,
           count(*) AS rows,
           count(DISTINCT iso3) AS holders,
           count(*) FILTER (WHERE is_comparison_series) AS comparison_rows,
           min(ref_month) AS first_month,
           max(ref_month) AS last_month
    FROM core.fct_treasury_holdings
    GROUP BY ALL
),
used AS (
    SELECT source, vintage, raw_sha256, count(*) AS rows_in_latest_view
    FROM core.treasury_holdings
    GROUP BY ALL
)
SELECT f.source,
       CASE f.source WHEN 'tic_mfh_history' THEN 'mfhhis01.txt'
                     WHEN 'tic_table5' THEN 'slt_table5.txt'
                     WHEN 'tic_table3' THEN 'slt_table3.txt' END AS file_name,
       f.vintage, f.raw_sha256, f.rows, f.holders, f.comparison_rows, f.first_month, f.last_month,
       coalesce(u.rows_in_latest_view, 0) AS rows_in_latest_view
FROM files f
LEFT JOIN used u USING (source, vintage, raw_sha256)
ORDER BY f.vintage, f.source;

COMMENT ON TABLE core.holdings_vintages IS 'One row per TIC file body the holdings come from (source, vintage, raw_sha256): what each published, and how much of the latest view it supplies. The vintages core.treasury_holdings_asof(d) chooses from. Built by sql/core/holdings_vintages.sql, which also creates the table macros core.treasury_holdings_asof(d) and core.treasury_holdings_change(k).';
COMMENT ON COLUMN core.holdings_vintages.source IS 'tic_mfh_history, tic_table5 or tic_table3 (as in core.fct_treasury_holdings).';
COMMENT ON COLUMN core.holdings_vintages.file_name IS 'The official file the source is: mfhhis01.txt, slt_table5.txt or slt_table3.txt.';
COMMENT ON COLUMN core.holdings_vintages.vintage IS 'Publication date printed in the file (mfhhis01), else the fetch date; asof(d) keeps files with vintage <= d.';
COMMENT ON COLUMN core.holdings_vintages.raw_sha256 IS 'sha256 of the raw body in $TLW_HOME/raw.';
COMMENT ON COLUMN core.holdings_vintages.rows IS 'Country rows (iso3 x month x series) the file gave, count.';
COMMENT ON COLUMN core.holdings_vintages.holders IS 'Distinct holder countries (iso3) in the file, count.';
COMMENT ON COLUMN core.holdings_vintages.comparison_rows IS 'Rows of an older series printed at a break for comparison only, count.';
COMMENT ON COLUMN core.holdings_vintages.first_month IS 'Earliest month-end position in the file (first day of the month).';
COMMENT ON COLUMN core.holdings_vintages.last_month IS 'Latest month-end position in the file (first day of the month).';
COMMENT ON COLUMN core.holdings_vintages.rows_in_latest_view IS 'Rows of core.treasury_holdings (the latest view) taken from this file, count; 0 = fully superseded.';
