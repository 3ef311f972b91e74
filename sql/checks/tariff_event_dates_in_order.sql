-- asset: core.dim_tariff_event
-- blocking: true
-- description: Tariff event dates are in order as published (announced, signed, published, those present; effective not before signed unless the notes say retroactive), the rule tariff_register.validate_register applies to the CSV.
SELECT event_id, csv_line, announced_on, signed_on, published_on, effective_on,
       format('{} (line {}): {}', event_id, csv_line, concat_ws('; ',
           CASE WHEN announced_on > signed_on THEN format('announced_on {} is after signed_on {}', announced_on, signed_on) END,
           CASE WHEN signed_on > published_on THEN format('signed_on {} is after published_on {}', signed_on, published_on) END,
           CASE WHEN signed_on IS NULL AND announced_on > published_on
                THEN format('announced_on {} is after published_on {}', announced_on, published_on) END,
           CASE WHEN effective_on < signed_on AND NOT contains(lower(coalesce(notes, '')), 'retroactive')
                THEN format('effective_on {} is before signed_on {} and notes do not say retroactive', effective_on, signed_on) END
       )) AS problem
FROM core.dim_tariff_event
WHERE announced_on > signed_on
   OR signed_on > published_on
   OR (signed_on IS NULL AND announced_on > published_on)
   OR (effective_on < signed_on AND NOT contains(lower(coalesce(notes, '')), 'retroactive'))
