-- asset: marts.leverage_monthly
-- blocking: true
-- description: marts.leverage_monthly has exactly one row per holder (iso3) and month, and neither key is NULL.
SELECT iso3, ref_month, count(*) AS rows,
       format('{} {}: {} rows (expected exactly one, with iso3 and ref_month set)', iso3, ref_month, count(*)) AS problem
FROM marts.leverage_monthly
GROUP BY iso3, ref_month
HAVING count(*) > 1 OR iso3 IS NULL OR ref_month IS NULL
