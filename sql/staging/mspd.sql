-- Staging table for mspd: one row per line (security type and class) per month end of every MSPD
-- table 1 API page loaded, millions of dollars as published, plus where the page came from. Pages
-- overlap only after a full-history re-request; core keeps the latest copy.
CREATE TABLE IF NOT EXISTS staging.mspd (
    record_date DATE,
    security_type_desc VARCHAR,
    security_class_desc VARCHAR,
    debt_held_public_usd_mil DOUBLE,
    intragov_hold_usd_mil DOUBLE,
    total_usd_mil DOUBLE,
    raw_sha256 VARCHAR,
    source_url VARCHAR,
    fetched_at TIMESTAMPTZ
);

COMMENT ON TABLE staging.mspd IS 'Monthly Statement of the Public Debt table 1 (fiscaldata v1/debt/mspd/mspd_table_1) as loaded: one row per security line and month end of every API page, millions of dollars as published. Core (core.fct_marketable_debt) keeps the latest copy of each line.';
COMMENT ON COLUMN staging.mspd.record_date IS 'The month end the statement is as of (calendar month end).';
COMMENT ON COLUMN staging.mspd.security_type_desc IS 'Marketable or Nonmarketable (a class line), or Total Marketable, Total Nonmarketable, Total Public Debt Outstanding (a total line), as the API spells it.';
COMMENT ON COLUMN staging.mspd.security_class_desc IS 'The security class of a class line (Bills, Notes, Bonds, Treasury Inflation-Protected Securities, Floating Rate Notes, Federal Financing Bank; nonmarketable series); _ on total lines.';
COMMENT ON COLUMN staging.mspd.debt_held_public_usd_mil IS 'Held by the public, millions of dollars (debt_held_public_mil_amt).';
COMMENT ON COLUMN staging.mspd.intragov_hold_usd_mil IS 'Intragovernmental holdings, millions of dollars (intragov_hold_mil_amt).';
COMMENT ON COLUMN staging.mspd.total_usd_mil IS 'Total outstanding, millions of dollars (total_mil_amt).';
