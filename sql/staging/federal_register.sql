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

COMMENT ON TABLE staging.federal_register IS 'One row per document of every Federal Register API search page loaded (pipelines/sources/federal_register.py); a document appears once per page body that listed it, core keeps the latest fetched version.';
COMMENT ON COLUMN staging.federal_register.document_number IS 'Federal Register document number, the document''s key.';
COMMENT ON COLUMN staging.federal_register.publication_date IS 'Date the document was published in the Federal Register.';
COMMENT ON COLUMN staging.federal_register.signing_date IS 'Date a presidential document was signed; NULL for other documents.';
COMMENT ON COLUMN staging.federal_register.effective_on IS 'Effective date the document states, when it states one.';
COMMENT ON COLUMN staging.federal_register.title IS 'Document title as published.';
COMMENT ON COLUMN staging.federal_register.type IS 'Federal Register document type (Presidential Document, Notice, Rule, ...).';
COMMENT ON COLUMN staging.federal_register.subtype IS 'Presidential document subtype as the API names it (Executive Order, Proclamation, ...).';
COMMENT ON COLUMN staging.federal_register.presidential_document_type IS 'The API''s identifier for the subtype (executive_order, proclamation, ...), mapped from subtype.';
COMMENT ON COLUMN staging.federal_register.executive_order_number IS 'Executive order number; NULL for other documents.';
COMMENT ON COLUMN staging.federal_register.proclamation_number IS 'Proclamation number; NULL for other documents.';
COMMENT ON COLUMN staging.federal_register.citation IS 'Federal Register citation (volume FR page).';
COMMENT ON COLUMN staging.federal_register.html_url IS 'The document''s page on federalregister.gov.';
COMMENT ON COLUMN staging.federal_register.pdf_url IS 'The PDF of the printed document.';
COMMENT ON COLUMN staging.federal_register.abstract IS 'The document''s abstract as the API gives it.';
COMMENT ON COLUMN staging.federal_register.agency_slugs IS 'Comma-separated slugs of the agencies that issued the document.';
COMMENT ON COLUMN staging.federal_register.correction_of IS 'Document number this document corrects, when it is a correction.';
COMMENT ON COLUMN staging.federal_register.disposition_notes IS 'The Federal Register''s disposition notes (what the document amends or revokes).';
COMMENT ON COLUMN staging.federal_register.result_index IS '1-based position of the document in its search page, to keep the API''s order.';
