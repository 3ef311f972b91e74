-- question: Which official Federal Register documents on tariffs, duties and imports exist, when was each signed, published and effective, and which raw API page is each row from?
-- depends_on: staging.federal_register
CREATE OR REPLACE TABLE core.fct_federal_register_documents AS
WITH ranked AS (
    SELECT
        *,
        row_number() OVER (
            PARTITION BY document_number, publication_date
            ORDER BY fetched_at DESC, source_url, result_index
        ) AS version_rank,
        count(DISTINCT raw_sha256) OVER (PARTITION BY document_number, publication_date) AS pages_listing
    FROM staging.federal_register
)
SELECT
    document_number,
    publication_date,
    signing_date,
    effective_on,
    title,
    type,
    subtype,
    presidential_document_type,
    executive_order_number,
    proclamation_number,
    citation,
    html_url,
    pdf_url,
    abstract,
    agency_slugs,
    correction_of,
    disposition_notes,
    regexp_matches(document_number, '^[RC][0-9]+-.') AS is_correction,
    pages_listing,
    source_url,
    fetched_at,
    raw_sha256
FROM ranked
WHERE version_rank = 1
ORDER BY publication_date, document_number;

COMMENT ON TABLE core.fct_federal_register_documents IS 'One row per Federal Register document and publication date (document numbers were reused before 2016), from the API searches for presidential documents on tariffs, duties and imports, USTR tariff notices and deal-implementing notices since TLW_FR_SINCE; the latest fetched version of each.';
COMMENT ON COLUMN core.fct_federal_register_documents.document_number IS 'Federal Register document number (2025-06063); R1-/C1- prefixed numbers are republications and corrections of the unprefixed number. Key with publication_date.';
COMMENT ON COLUMN core.fct_federal_register_documents.publication_date IS 'Date the document was published in the Federal Register. Key with document_number.';
COMMENT ON COLUMN core.fct_federal_register_documents.signing_date IS 'Date the President signed it (presidential documents); NULL for agency notices.';
COMMENT ON COLUMN core.fct_federal_register_documents.effective_on IS 'Effective date as the API gives it; NULL when it gives none (presidential documents often state theirs only in the text).';
COMMENT ON COLUMN core.fct_federal_register_documents.title IS 'Official title.';
COMMENT ON COLUMN core.fct_federal_register_documents.type IS 'API document type: Presidential Document, Notice, Rule or Proposed Rule.';
COMMENT ON COLUMN core.fct_federal_register_documents.subtype IS 'API subtype of a presidential document: Executive Order, Proclamation, Memorandum, Determination, Notice.';
COMMENT ON COLUMN core.fct_federal_register_documents.presidential_document_type IS 'The API search identifier of the subtype (executive_order, proclamation, memorandum, determination, notice); derived from subtype, not a result field.';
COMMENT ON COLUMN core.fct_federal_register_documents.executive_order_number IS 'Executive Order number (14257); NULL for other documents.';
COMMENT ON COLUMN core.fct_federal_register_documents.proclamation_number IS 'Proclamation number as text (10908); NULL for other documents.';
COMMENT ON COLUMN core.fct_federal_register_documents.citation IS 'Federal Register citation (90 FR 15041): volume and first page.';
COMMENT ON COLUMN core.fct_federal_register_documents.html_url IS 'The document page on federalregister.gov.';
COMMENT ON COLUMN core.fct_federal_register_documents.pdf_url IS 'The printed Federal Register PDF of the document (govinfo).';
COMMENT ON COLUMN core.fct_federal_register_documents.abstract IS 'The abstract (summary) the API gives; often NULL for presidential documents.';
COMMENT ON COLUMN core.fct_federal_register_documents.agency_slugs IS 'Comma-separated API slugs of the issuing agencies (executive-office-of-the-president, trade-representative-office-of-united-states); agencies the site could not match are left out.';
COMMENT ON COLUMN core.fct_federal_register_documents.correction_of IS 'Document number this document corrects, from the API correction_of field (its URL reduced to the number); NULL otherwise.';
COMMENT ON COLUMN core.fct_federal_register_documents.disposition_notes IS 'Executive Order disposition notes (what it amends, supersedes or revokes, and what later amended it).';
COMMENT ON COLUMN core.fct_federal_register_documents.is_correction IS 'True for R1-/C1- prefixed numbers (republications and corrections).';
COMMENT ON COLUMN core.fct_federal_register_documents.pages_listing IS 'How many distinct API page bodies loaded so far listed this document (several searches and refreshes can list the same one).';
COMMENT ON COLUMN core.fct_federal_register_documents.source_url IS 'Official API URL of the page this version came from (search conditions and page number in the query string).';
COMMENT ON COLUMN core.fct_federal_register_documents.fetched_at IS 'When that page body was fetched (UTC); the latest fetched version of a document wins.';
COMMENT ON COLUMN core.fct_federal_register_documents.raw_sha256 IS 'sha256 of that page body in the raw archive ($TLW_HOME/raw/federal_register/).';
