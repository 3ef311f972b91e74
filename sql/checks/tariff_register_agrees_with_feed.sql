-- asset: core.dim_tariff_event
-- blocking: false
-- description: The tariff register's published date and title agree with its Federal Register document in the feed (title ignoring case, punctuation and spacing); a disagreement is kept as the register says, for a reviewer to resolve in the CSV.
SELECT event_id, csv_line, fr_document_number, 'published_on' AS field,
       CAST(published_on AS VARCHAR) AS register_value, CAST(fr_publication_date AS VARCHAR) AS feed_value,
       format('{} (line {}): published_on {} in the register, {} in the Federal Register for {}',
              event_id, csv_line, published_on, fr_publication_date, fr_document_number) AS problem
FROM core.dim_tariff_event
WHERE published_on_source = 'register' AND NOT published_on_agrees_with_feed
UNION ALL
SELECT event_id, csv_line, fr_document_number, 'title', title, fr_title,
       format('{} (line {}): title ''{}'' in the register, ''{}'' in the Federal Register for {}',
              event_id, csv_line, title, fr_title, fr_document_number)
FROM core.dim_tariff_event
WHERE title_source = 'register' AND NOT title_agrees_with_feed
ORDER BY event_id, field
