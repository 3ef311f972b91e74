-- question: How much did Japanese residents buy or sell of foreign equity and debt securities (and non-residents of Japanese ones) in each week, in every vintage MOF published?
-- depends_on: staging.mof_weekly_securities
--
-- One row per week x investor side x instrument x vintage. vintage = the file's Final Update date;
-- two bodies with the same Final Update (a re-fetch) count once, the one fetched last.
-- Sides: residents_foreign_securities (MOF "Portfolio Investment Assets": Japanese residents
-- acquiring and disposing of foreign securities) and nonresidents_japanese_securities ("Liabilities").
-- Instruments: equity_and_fund_shares, long_term_debt, equity_and_long_term_debt (MOF's subtotal),
-- short_term_debt, total.
CREATE OR REPLACE TABLE core.fct_mof_weekly_securities AS
SELECT DISTINCT ON (week_start, investor_side, instrument, final_update)
       week_start, week_end, investor_side, instrument,
       acquisition_100m_jpy, disposition_100m_jpy, net_printed_100m_jpy, net_acquisition_100m_jpy,
       final_update AS vintage, raw_sha256, line_no
FROM staging.mof_weekly_securities
ORDER BY week_start, investor_side, instrument, final_update, fetched_at DESC;

COMMENT ON TABLE core.fct_mof_weekly_securities IS 'Japan MOF weekly International Transactions in Securities (designated major investors, week.csv): acquisitions, dispositions and net by week (Sunday to Saturday), investor side and instrument, 100 million yen, every vintage. All foreign securities of each class, every currency and issuer: not Treasuries alone.';
COMMENT ON COLUMN core.fct_mof_weekly_securities.week_start IS 'Sunday the week starts (trade-contract dates, Japan time).';
COMMENT ON COLUMN core.fct_mof_weekly_securities.week_end IS 'Saturday the week ends.';
COMMENT ON COLUMN core.fct_mof_weekly_securities.investor_side IS 'residents_foreign_securities (Japanese residents buying and selling foreign securities, MOF Portfolio Investment Assets) or nonresidents_japanese_securities (non-residents buying and selling Japanese securities, Liabilities).';
COMMENT ON COLUMN core.fct_mof_weekly_securities.instrument IS 'equity_and_fund_shares, long_term_debt (bonds and notes over one year: all issuers and currencies, not only U.S. Treasuries), equity_and_long_term_debt (MOF subtotal), short_term_debt (bills, one year or less), total.';
COMMENT ON COLUMN core.fct_mof_weekly_securities.acquisition_100m_jpy IS 'Gross acquisitions (purchases) in the week, 100 million yen; NULL for the subtotal and total, which MOF prints as net only.';
COMMENT ON COLUMN core.fct_mof_weekly_securities.disposition_100m_jpy IS 'Gross dispositions (sales and redemptions) in the week, 100 million yen; NULL for subtotal and total.';
COMMENT ON COLUMN core.fct_mof_weekly_securities.net_printed_100m_jpy IS 'Net as MOF printed it, 100 million yen. Before 2014 residents'' net was printed with the opposite sign (net sales positive): use net_acquisition_100m_jpy.';
COMMENT ON COLUMN core.fct_mof_weekly_securities.net_acquisition_100m_jpy IS 'Net acquisition = acquisition - disposition, 100 million yen, same sign in every year: positive = net purchases, negative = net sales. A flow in the week, not a change in holdings (prices and exchange rates do not enter).';
COMMENT ON COLUMN core.fct_mof_weekly_securities.vintage IS 'Final Update date printed in the file this row comes from (MOF revises recent weeks).';
COMMENT ON COLUMN core.fct_mof_weekly_securities.raw_sha256 IS 'sha256 of the week.csv body in the raw archive ($TLW_HOME/raw).';
COMMENT ON COLUMN core.fct_mof_weekly_securities.line_no IS 'Physical line of the week in that file.';
