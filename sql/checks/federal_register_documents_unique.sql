-- asset: core.fct_federal_register_documents
-- blocking: true
-- description: The Federal Register feed is unique on document number and publication date: no document without them, none listed twice on one page, and the latest fetch of each agrees with itself, so the one row per key of core.fct_federal_register_documents is never an arbitrary pick. Reads staging, so it holds whether or not the core table was built in this run.
WITH latest AS (
    SELECT *, max(fetched_at) OVER (PARTITION BY document_number, publication_date) AS latest_fetch
    FROM staging.federal_register
)
SELECT document_number, publication_date, NULL AS raw_sha256, count(*) AS rows,
       format('document {} published {}: no document number or publication date',
              coalesce(document_number, '<none>'), coalesce(CAST(publication_date AS VARCHAR), '<none>')) AS problem
FROM staging.federal_register
WHERE document_number IS NULL OR trim(document_number) = '' OR publication_date IS NULL
GROUP BY ALL
UNION ALL
SELECT document_number, publication_date, raw_sha256, count(*),
       format('document {} published {}: listed {} times on one page ({})',
              document_number, publication_date, count(*), any_value(source_url))
FROM staging.federal_register
GROUP BY document_number, publication_date, raw_sha256
HAVING count(*) > 1
UNION ALL
SELECT document_number, publication_date, NULL, count(*),
       format('document {} published {}: the pages fetched last ({}) give {} different versions',
              document_number, publication_date, max(fetched_at),
              count(DISTINCT hash(title, type, subtype, signing_date, effective_on, executive_order_number,
                                  proclamation_number, citation, html_url, pdf_url, abstract, agency_slugs,
                                  correction_of, disposition_notes)))
FROM latest
WHERE fetched_at = latest_fetch
GROUP BY document_number, publication_date
HAVING count(DISTINCT hash(title, type, subtype, signing_date, effective_on, executive_order_number,
                           proclamation_number, citation, html_url, pdf_url, abstract, agency_slugs,
                           correction_of, disposition_notes)) > 1
