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
