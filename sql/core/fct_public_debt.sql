-- question: How much U.S. Treasury debt was outstanding at the end of each month, held by the public and by government accounts?
-- depends_on: staging.debt_to_penny
CREATE OR REPLACE TABLE core.fct_public_debt AS
WITH records AS (
    -- A record re-requested (full-history refresh) is held twice: keep the copy fetched last.
    SELECT DISTINCT ON (record_date) record_date, debt_held_public_usd, intragov_hold_usd, tot_pub_debt_out_usd
    FROM staging.debt_to_penny
    ORDER BY record_date, fetched_at DESC
)
SELECT DISTINCT ON (date_trunc('month', record_date))
       CAST(date_trunc('month', record_date) AS DATE) AS ref_month,
       record_date AS as_of_date,
       debt_held_public_usd / 1e9 AS debt_held_by_public_usd_bn,
       intragov_hold_usd / 1e9 AS intragovernmental_usd_bn,
       tot_pub_debt_out_usd / 1e9 AS total_public_debt_usd_bn
FROM records
ORDER BY date_trunc('month', record_date), record_date DESC;

COMMENT ON TABLE core.fct_public_debt IS 'Total U.S. public debt outstanding per month (Treasury Debt to the Penny), the last daily record of each month. For the current month that is the latest record published, not a month end: compare as_of_date.';
COMMENT ON COLUMN core.fct_public_debt.ref_month IS 'Month, as the first day of that month.';
COMMENT ON COLUMN core.fct_public_debt.as_of_date IS 'Date of the record used: the last business day of the month with a record (or the newest record in a month still running).';
COMMENT ON COLUMN core.fct_public_debt.debt_held_by_public_usd_bn IS 'Debt held by the public, billions of dollars (dollars / 1e9); NULL before 2005-03-31, when Treasury did not publish the split.';
COMMENT ON COLUMN core.fct_public_debt.intragovernmental_usd_bn IS 'Intragovernmental holdings (government accounts and trust funds), billions of dollars; NULL before 2005-03-31.';
COMMENT ON COLUMN core.fct_public_debt.total_public_debt_usd_bn IS 'Total public debt outstanding, billions of dollars (held by the public + intragovernmental).';
