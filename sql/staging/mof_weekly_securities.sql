-- Staging table for mof_weekly_securities: one row per week x investor side x instrument of every
-- week.csv body loaded (MOF's cumulative file, every week since 2005), amounts in 100 million yen as
-- printed, plus the sign-normalised net (acquisition - disposition) and the file's Final Update date.
CREATE TABLE IF NOT EXISTS staging.mof_weekly_securities (
    week_start DATE,
    week_end DATE,
    investor_side VARCHAR,
    instrument VARCHAR,
    acquisition_100m_jpy DOUBLE,
    disposition_100m_jpy DOUBLE,
    net_printed_100m_jpy DOUBLE,
    net_acquisition_100m_jpy DOUBLE,
    final_update DATE,
    line_no INTEGER,
    raw_sha256 VARCHAR,
    source_url VARCHAR,
    fetched_at TIMESTAMPTZ
);

COMMENT ON TABLE staging.mof_weekly_securities IS 'Every week.csv body parsed (Japan MOF weekly International Transactions in Securities, designated major investors): one row per week x investor side x instrument, 100 million yen, every vintage. Core view: core.fct_mof_weekly_securities.';
COMMENT ON COLUMN staging.mof_weekly_securities.week_start IS 'Sunday the week starts (from MOF''s full-width week label).';
COMMENT ON COLUMN staging.mof_weekly_securities.week_end IS 'Saturday the week ends.';
COMMENT ON COLUMN staging.mof_weekly_securities.investor_side IS 'residents_foreign_securities (MOF Portfolio Investment Assets) or nonresidents_japanese_securities (Liabilities).';
COMMENT ON COLUMN staging.mof_weekly_securities.instrument IS 'equity_and_fund_shares, long_term_debt, equity_and_long_term_debt (subtotal), short_term_debt, total.';
COMMENT ON COLUMN staging.mof_weekly_securities.acquisition_100m_jpy IS 'Acquisitions as printed, 100 million yen; NULL for subtotal and total (net only).';
COMMENT ON COLUMN staging.mof_weekly_securities.disposition_100m_jpy IS 'Dispositions as printed, 100 million yen; NULL for subtotal and total.';
COMMENT ON COLUMN staging.mof_weekly_securities.net_printed_100m_jpy IS 'Net as printed (residents'' sign reversed before 2014), 100 million yen.';
COMMENT ON COLUMN staging.mof_weekly_securities.net_acquisition_100m_jpy IS 'Acquisition - disposition, 100 million yen, the same sign in every year (positive = net purchases).';
COMMENT ON COLUMN staging.mof_weekly_securities.final_update IS 'The file''s Final Update date (English header), used as the vintage.';
