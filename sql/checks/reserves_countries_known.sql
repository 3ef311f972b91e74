-- asset: core.reserves
-- blocking: true
-- description: Every reserve holder (iso3) in the reserves tables is a country of the country reference (staging.countries, which core.dim_country copies; read here because core.reserves does not depend on core.dim_country), and the latest view has exactly one row per holder, month and measure.
SELECT iso3, ref_month, measure, count(*) AS rows,
       format('{} {} {}: {}', iso3, ref_month, measure,
              CASE WHEN iso3 IS NULL OR iso3 NOT IN (SELECT iso3 FROM staging.countries)
                   THEN 'holder is not a country of core.dim_country'
                   ELSE format('{} rows in the latest view', count(*)) END) AS problem
FROM core.reserves
GROUP BY iso3, ref_month, measure
HAVING count(*) > 1 OR iso3 IS NULL OR iso3 NOT IN (SELECT iso3 FROM staging.countries)
