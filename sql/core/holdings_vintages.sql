-- question: Which TIC files (source and vintage) does the warehouse hold, what did each print, and how much of the latest view does each supply?
-- depends_on: core.fct_treasury_holdings, core.treasury_holdings

-- One row per TIC file loaded (source, vintage, raw_sha256). A "file" is one (source, vintage) of
-- core.fct_treasury_holdings: one mfhhis01.txt, slt_table5.txt or slt_table3.txt as published
-- (vintage = the date printed in the file, else the fetch date). These are the vintages the as-of
-- macro core.treasury_holdings_asof(d) (sql/core/treasury_holdings_asof.sql) chooses from.
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

COMMENT ON TABLE core.holdings_vintages IS 'One row per TIC file body the holdings come from (source, vintage, raw_sha256): what each published, and how much of the latest view it supplies. The vintages core.treasury_holdings_asof(d) chooses from. Built by sql/core/holdings_vintages.sql; the table macros core.treasury_holdings_asof(d) and core.treasury_holdings_change(k) come from the files named after them in sql/core.';
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
