-- asset: core.dim_tariff_event
-- blocking: true
-- description: Every Federal Register document the tariff register names is in the Federal Register feed, once the feed covers the register's publication date for it (as tariff_register.validate_register with the feed).
-- The feed is read from staging (every version held), so the check runs when the federal_register
-- source is switched off and core.fct_federal_register_documents was never built (it then passes:
-- an empty feed covers no date).
WITH coverage AS (
    SELECT min(publication_date) AS first_date, max(publication_date) AS last_date
    FROM staging.federal_register
)
SELECT e.event_id, e.csv_line, e.fr_document_number, r.published_on AS register_published_on, c.first_date, c.last_date,
       format('{} (line {}): FR document {} (published {}) is not in the feed, which covers {} to {}',
              e.event_id, e.csv_line, e.fr_document_number, r.published_on, c.first_date, c.last_date) AS problem
FROM core.dim_tariff_event e
JOIN staging.tariff_register r USING (event_id)
CROSS JOIN coverage c
WHERE e.fr_document_number IS NOT NULL
  AND r.published_on BETWEEN c.first_date AND c.last_date
  AND NOT EXISTS (
      SELECT 1 FROM staging.federal_register d WHERE d.document_number = e.fr_document_number
  )
