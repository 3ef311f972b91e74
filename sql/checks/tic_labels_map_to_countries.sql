-- asset: core.dim_country
-- blocking: true
-- description: Every TIC row maps either to a country in core.dim_country or to a known aggregate; unknown labels are named.
WITH rows AS (
    SELECT 'tic_mfh_history' AS source, label, iso3, aggregate FROM staging.tic_mfh_history
    UNION ALL SELECT 'tic_table5', label, iso3, aggregate FROM staging.tic_table5
    UNION ALL SELECT 'tic_table3', label, iso3, aggregate FROM staging.tic_table3
)
SELECT DISTINCT source, label, iso3, aggregate,
       format('{}: label {} maps to no known country or aggregate', source, label) AS problem
FROM rows
WHERE (iso3 IS NULL AND aggregate IS NULL)
   OR (iso3 IS NOT NULL AND iso3 NOT IN (SELECT iso3 FROM core.dim_country))
   OR (aggregate IS NOT NULL AND aggregate NOT IN (SELECT aggregate FROM staging.country_labels WHERE aggregate IS NOT NULL))
