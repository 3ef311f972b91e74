-- asset: core.dim_tariff_event
-- blocking: true
-- description: Every tariff event says which clause of which document sets its partners and exemptions (scope_evidence quoted, scope_source naming the file or URL), so no partner scope rests on the register's word alone.
SELECT event_id, csv_line, partner_scope, partners, excluded_partners,
       format('{} (line {}): partner scope {} has no {}', event_id, csv_line, partner_scope,
              concat_ws(' and ',
                  CASE WHEN nullif(trim(scope_evidence), '') IS NULL THEN 'scope_evidence (the quoted clause)' END,
                  CASE WHEN nullif(trim(scope_source), '') IS NULL THEN 'scope_source (file or URL)' END)) AS problem
FROM core.dim_tariff_event
WHERE nullif(trim(scope_evidence), '') IS NULL
   OR nullif(trim(scope_source), '') IS NULL
