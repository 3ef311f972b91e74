-- Staging table for debt_to_penny: one row per daily record of every API page loaded, dollars as
-- published (the public / intragovernmental split is NULL before 2005-03-31), plus where the page
-- came from. Pages overlap only after a full-history re-request; core keeps the latest copy.
CREATE TABLE IF NOT EXISTS staging.debt_to_penny (
    record_date DATE,
    debt_held_public_usd DOUBLE,
    intragov_hold_usd DOUBLE,
    tot_pub_debt_out_usd DOUBLE,
    raw_sha256 VARCHAR,
    source_url VARCHAR,
    fetched_at TIMESTAMPTZ
);

COMMENT ON TABLE staging.debt_to_penny IS 'One row per daily record of every Debt to the Penny API page loaded (api.fiscaldata.treasury.gov), dollars as published; pages overlap only after a full-history re-request, core keeps the latest copy.';
COMMENT ON COLUMN staging.debt_to_penny.record_date IS 'The business day the debt figures are for.';
COMMENT ON COLUMN staging.debt_to_penny.debt_held_public_usd IS 'Debt held by the public, US dollars; NULL before 2005-03-31 when the split was not published.';
COMMENT ON COLUMN staging.debt_to_penny.intragov_hold_usd IS 'Intragovernmental holdings, US dollars; NULL before 2005-03-31.';
COMMENT ON COLUMN staging.debt_to_penny.tot_pub_debt_out_usd IS 'Total public debt outstanding, US dollars (public plus intragovernmental).';
