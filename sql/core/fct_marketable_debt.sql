-- question: How much marketable Treasury debt was outstanding at each month end (the market a holder's Treasuries are a share of), and does the source say the month is complete?
-- depends_on: staging.mspd
CREATE OR REPLACE TABLE core.fct_marketable_debt AS
WITH lines AS (
    -- A line re-requested (full-history refresh) is held twice: keep the copy fetched last.
    SELECT DISTINCT ON (record_date, security_type_desc, security_class_desc) *
    FROM staging.mspd
    ORDER BY record_date, security_type_desc, security_class_desc, fetched_at DESC
),
dated AS (
    SELECT record_date,
           max(total_usd_mil) FILTER (WHERE security_type_desc = 'Total Marketable') AS marketable_mil,
           max(debt_held_public_usd_mil) FILTER (WHERE security_type_desc = 'Total Marketable') AS marketable_public_mil,
           max(intragov_hold_usd_mil) FILTER (WHERE security_type_desc = 'Total Marketable') AS marketable_intragov_mil,
           max(total_usd_mil) FILTER (WHERE security_type_desc = 'Total Public Debt Outstanding') AS total_debt_mil
    FROM lines
    GROUP BY record_date
),
months AS (
    -- One record date per month in MSPD (the calendar month end); should there be more, the latest.
    SELECT DISTINCT ON (date_trunc('month', record_date))
           CAST(date_trunc('month', record_date) AS DATE) AS ref_month, *
    FROM dated
    ORDER BY date_trunc('month', record_date), record_date DESC
),
judged AS (
    SELECT *,
           -- The month's last weekday (DuckDB dayofweek: 0 = Sunday, 6 = Saturday). Not holiday-aware:
           -- on or after it the month's last business day is surely covered; a holiday on that weekday
           -- only delays completeness to the next month's first record.
           last_day(ref_month) - CAST(CASE dayofweek(last_day(ref_month)) WHEN 6 THEN 1 WHEN 0 THEN 2 ELSE 0 END AS INTEGER)
               AS last_weekday,
           lead(ref_month) OVER (ORDER BY ref_month) IS NOT NULL AS next_month_held
    FROM months
)
SELECT ref_month,
       record_date AS as_of_date,
       marketable_mil IS NOT NULL AND (record_date >= last_weekday OR next_month_held) AS month_complete,
       CASE WHEN marketable_mil IS NOT NULL AND (record_date >= last_weekday OR next_month_held)
            THEN marketable_mil / 1e3 END AS marketable_outstanding_usd_bn,
       CASE WHEN marketable_mil IS NOT NULL AND (record_date >= last_weekday OR next_month_held)
            THEN marketable_public_mil / 1e3 END AS marketable_held_by_public_usd_bn,
       CASE WHEN marketable_mil IS NOT NULL AND (record_date >= last_weekday OR next_month_held)
            THEN marketable_intragov_mil / 1e3 END AS marketable_intragovernmental_usd_bn,
       CASE WHEN marketable_mil IS NOT NULL AND (record_date >= last_weekday OR next_month_held)
            THEN total_debt_mil / 1e3 END AS total_public_debt_usd_bn
FROM judged
ORDER BY ref_month;

COMMENT ON TABLE core.fct_marketable_debt IS 'Marketable Treasury securities outstanding at each month end, from the Monthly Statement of the Public Debt table 1 (fiscaldata v1/debt/mspd/mspd_table_1, Total Marketable line): the denominator of a holder''s share of the Treasury market. One row per month held; the amounts are NULL unless month_complete.';
COMMENT ON COLUMN core.fct_marketable_debt.ref_month IS 'Month, as the first day of that month.';
COMMENT ON COLUMN core.fct_marketable_debt.as_of_date IS 'record_date of the MSPD lines used: the month end the statement is as of (the latest record date of the month).';
COMMENT ON COLUMN core.fct_marketable_debt.month_complete IS 'TRUE only when the source says the month is whole: its Total Marketable line is present and either the record date is on or after the month''s last weekday (so its last business day is covered) or a later month''s record exists. FALSE for a truncated month: then every amount is NULL, never a partial figure.';
COMMENT ON COLUMN core.fct_marketable_debt.marketable_outstanding_usd_bn IS 'Marketable Treasury securities outstanding (bills, notes, bonds, TIPS, FRNs, Federal Financing Bank), face value as MSPD reports it, billions of dollars (millions / 1e3). Includes marketable securities held by government accounts and the Federal Reserve; excludes nonmarketable debt (savings bonds, SLGS, government account series). NULL unless month_complete.';
COMMENT ON COLUMN core.fct_marketable_debt.marketable_held_by_public_usd_bn IS 'The part of marketable securities held by the public (which includes the Federal Reserve and foreign holders), billions of dollars. NULL unless month_complete.';
COMMENT ON COLUMN core.fct_marketable_debt.marketable_intragovernmental_usd_bn IS 'The part of marketable securities held by government accounts (intragovernmental holdings), billions of dollars. NULL unless month_complete.';
COMMENT ON COLUMN core.fct_marketable_debt.total_public_debt_usd_bn IS 'Total public debt outstanding, marketable plus nonmarketable, from the same statement (MSPD Total Public Debt Outstanding line), billions of dollars; can differ from Debt to the Penny''s month-end record by revisions. NULL unless month_complete.';
