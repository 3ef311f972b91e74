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

COMMENT ON TABLE staging.tariff_register IS 'The curated tariff register (pipelines/data/tariff_events.csv, or TLW_TARIFF_REGISTER) as loaded and validated by pipelines/tariff_register.py, one row per event, replaced whole when the file changes; core.dim_tariff_event joins it to the Federal Register feed.';
COMMENT ON COLUMN staging.tariff_register.event_id IS 'Stable id YYYY-MM-DD-<instrument>-<what>; never renamed once used.';
COMMENT ON COLUMN staging.tariff_register.title IS 'Official title where the event has a Federal Register document, else a short description.';
COMMENT ON COLUMN staging.tariff_register.announced_on IS 'Date first announced (a court ruling: its decision date); NULL when unknown.';
COMMENT ON COLUMN staging.tariff_register.signed_on IS 'Date the instrument was signed; NULL when there is none or it is unknown.';
COMMENT ON COLUMN staging.tariff_register.published_on IS 'Federal Register publication date as the register gives it; NULL when unknown (core.dim_tariff_event then takes the feed''s).';
COMMENT ON COLUMN staging.tariff_register.effective_on IS 'Legal effective date (may precede signing when retroactive, which notes then say).';
COMMENT ON COLUMN staging.tariff_register.authority IS 'Legal basis: ieepa, section_232, section_301, section_122, section_338, section_201, agreement or court.';
COMMENT ON COLUMN staging.tariff_register.action IS 'impose, increase, decrease, pause, exempt, terminate, agreement or ruling.';
COMMENT ON COLUMN staging.tariff_register.partner_scope IS 'all (every partner less excluded_partners) or listed (only partners).';
COMMENT ON COLUMN staging.tariff_register.partners IS 'ISO 3166 alpha-3 codes of the partners of a listed event (the EU as its 27 member states).';
COMMENT ON COLUMN staging.tariff_register.excluded_partners IS 'ISO 3166 alpha-3 codes left out of an all-partner event (Canada and Mexico for every reciprocal row, EO 14257 sec. 3(d)-(e)).';
COMMENT ON COLUMN staging.tariff_register.scope_evidence IS 'The clause(s) setting partners and exemptions, quoted verbatim from the order (several separated by " […] "); the blocking check tariff_event_scope_has_evidence refuses a row without it.';
COMMENT ON COLUMN staging.tariff_register.scope_source IS 'Where each quote is, in order, separated by "; ": tariffs/whitehouse/<order>.md (the order''s own text) or tariffs/EVENTS_FACTS.md (a secondary fact table), relative to ../shared/sources.';
COMMENT ON COLUMN staging.tariff_register.sectors IS 'snake_case sector labels (all, autos, steel, ...).';
COMMENT ON COLUMN staging.tariff_register.rate_before_pct IS 'Additional ad valorem duty in force before the event, percent; NULL when not a single number.';
COMMENT ON COLUMN staging.tariff_register.rate_after_pct IS 'Additional ad valorem duty in force after the event, percent; NULL when not a single number.';
COMMENT ON COLUMN staging.tariff_register.rate_threatened_pct IS 'A rate only threatened and never in force (the 2025-07-07 letter''s 25% for Japan), percent; NULL otherwise.';
COMMENT ON COLUMN staging.tariff_register.fr_document_number IS 'Federal Register document the event rests on; NULL for announcements, deals and rulings without one.';
COMMENT ON COLUMN staging.tariff_register.event_source_url IS 'The register''s source_url: the document the event rests on (Federal Register, White House, court, USTR).';
COMMENT ON COLUMN staging.tariff_register.notes IS 'Disagreements between sources (⚠), unverified values (†), retroactive effect.';
COMMENT ON COLUMN staging.tariff_register.csv_line IS 'Line of the register CSV the row starts on.';
COMMENT ON COLUMN staging.tariff_register.raw_sha256 IS 'sha256 of the register content loaded.';
COMMENT ON COLUMN staging.tariff_register.source_url IS 'The register file loaded (pipelines/data/tariff_events.csv unless TLW_TARIFF_REGISTER names another).';
COMMENT ON COLUMN staging.tariff_register.fetched_at IS 'When the register was loaded (UTC).';
