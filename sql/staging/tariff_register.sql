-- Staging table for tariff_register: the curated register (pipelines/data/tariff_events.csv, or
-- TLW_TARIFF_REGISTER) as loaded and validated by pipelines/tariff_register.py, replaced whole when
-- the file changes. The register's own source_url column is staged as event_source_url, because
-- source_url here is the file the rows were loaded from.
CREATE TABLE IF NOT EXISTS staging.tariff_register (
    event_id VARCHAR,
    title VARCHAR,
    announced_on DATE,
    signed_on DATE,
    published_on DATE,
    effective_on DATE,
    authority VARCHAR,
    action VARCHAR,
    partner_scope VARCHAR,
    partners VARCHAR[],
    excluded_partners VARCHAR[],
    scope_evidence VARCHAR,
    scope_source VARCHAR,
    sectors VARCHAR[],
    rate_before_pct DOUBLE,
    rate_after_pct DOUBLE,
    rate_threatened_pct DOUBLE,
    fr_document_number VARCHAR,
    event_source_url VARCHAR,
    notes VARCHAR,
    csv_line BIGINT,
    raw_sha256 VARCHAR,
    source_url VARCHAR,
    fetched_at TIMESTAMPTZ
);
-- A working copy made before these columns existed gets them here (the table is replaced whole on
-- the next load, so no row is left without them).
ALTER TABLE staging.tariff_register ADD COLUMN IF NOT EXISTS scope_evidence VARCHAR;
ALTER TABLE staging.tariff_register ADD COLUMN IF NOT EXISTS scope_source VARCHAR;
ALTER TABLE staging.tariff_register ADD COLUMN IF NOT EXISTS rate_threatened_pct DOUBLE;
