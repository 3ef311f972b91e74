-- question: What were the Treasury holdings as published on or before a given date, and why does that answer hold the rows it holds?
-- depends_on: core.fct_treasury_holdings

-- Two table macros, no table: the file is named after core.treasury_holdings_asof(d), its
-- companion core.treasury_holdings_asof_explained(d) lives beside it since it explains that answer.
-- DuckDB binds a table macro's body when the macro is created, so this file runs in the core layer
-- after the tables it reads (a reader's call binds again to the tables then current).
--
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
