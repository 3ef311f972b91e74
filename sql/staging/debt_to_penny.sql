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
