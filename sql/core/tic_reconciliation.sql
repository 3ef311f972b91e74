-- question: Do the country rows of each TIC file add up to the totals the file prints, month by month and series by series?
-- depends_on: staging.tic_mfh_history, staging.tic_table5
CREATE OR REPLACE TABLE core.tic_reconciliation AS
WITH rows AS (
    SELECT 'tic_mfh_history' AS source, raw_sha256, ref_month, is_comparison_series, aggregate, value_usd_bn
    FROM staging.tic_mfh_history
    UNION ALL
    SELECT 'tic_table5', raw_sha256, ref_month, is_comparison_series, aggregate, value_usd_bn
    FROM staging.tic_table5
),
-- Parts are countries, regional groups and All Other: everything but the totals themselves.
classified AS (
    SELECT *, aggregate IS NULL OR aggregate NOT IN
        ('grand_total', 'foreign_official', 'foreign_official_bills', 'foreign_official_bonds_notes') AS is_part
    FROM rows
)
SELECT source, raw_sha256, ref_month, is_comparison_series,
       count(*) FILTER (WHERE is_part) AS n_parts,
       sum(value_usd_bn) FILTER (WHERE is_part) AS parts_usd_bn,
       max(value_usd_bn) FILTER (WHERE aggregate = 'grand_total') AS grand_total_usd_bn,
       max(value_usd_bn) FILTER (WHERE aggregate = 'foreign_official') AS foreign_official_usd_bn,
       max(value_usd_bn) FILTER (WHERE aggregate = 'foreign_official_bills') AS official_bills_usd_bn,
       max(value_usd_bn) FILTER (WHERE aggregate = 'foreign_official_bonds_notes') AS official_bonds_notes_usd_bn
FROM classified
GROUP BY ALL;

COMMENT ON TABLE core.tic_reconciliation IS 'Per TIC file body, month and series: the sum of the printed parts against the printed totals. The checks tic_* read it; analysts can see how far each month is off.';
COMMENT ON COLUMN core.tic_reconciliation.source IS 'tic_mfh_history or tic_table5.';
COMMENT ON COLUMN core.tic_reconciliation.raw_sha256 IS 'sha256 of the raw file body the rows come from (one vintage).';
COMMENT ON COLUMN core.tic_reconciliation.ref_month IS 'Month (first day).';
COMMENT ON COLUMN core.tic_reconciliation.is_comparison_series IS 'True for the older series TIC repeats at a break for comparison.';
COMMENT ON COLUMN core.tic_reconciliation.n_parts IS 'Number of part rows: countries, regional groups and All Other.';
COMMENT ON COLUMN core.tic_reconciliation.parts_usd_bn IS 'Sum of the part rows, billions of dollars.';
COMMENT ON COLUMN core.tic_reconciliation.grand_total_usd_bn IS 'Grand Total as printed, billions of dollars.';
COMMENT ON COLUMN core.tic_reconciliation.foreign_official_usd_bn IS 'Foreign official holdings as printed, billions.';
COMMENT ON COLUMN core.tic_reconciliation.official_bills_usd_bn IS 'Foreign official Treasury bills as printed, billions.';
COMMENT ON COLUMN core.tic_reconciliation.official_bonds_notes_usd_bn IS 'Foreign official Treasury bonds and notes as printed, billions.';
