-- Staging table for federal_register: one row per document of every Federal Register API page
-- loaded (pipelines/sources/federal_register.py parse_page), plus where the page came from. The
-- same document appears once per page body that listed it: core keeps the latest fetched version.
CREATE TABLE IF NOT EXISTS staging.federal_register (
    document_number VARCHAR,
    publication_date DATE,
    signing_date DATE,
    effective_on DATE,
    title VARCHAR,
    type VARCHAR,
    subtype VARCHAR,
    presidential_document_type VARCHAR,
    executive_order_number BIGINT,
    proclamation_number VARCHAR,
    citation VARCHAR,
    html_url VARCHAR,
    pdf_url VARCHAR,
    abstract VARCHAR,
    agency_slugs VARCHAR,
    correction_of VARCHAR,
    disposition_notes VARCHAR,
    result_index INTEGER,
    raw_sha256 VARCHAR,
    source_url VARCHAR,
    fetched_at TIMESTAMPTZ
);
