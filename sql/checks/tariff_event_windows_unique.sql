-- asset: marts.tariff_event_windows
-- blocking: true
-- description: marts.tariff_event_windows has one row per tariff event and affected holder, each with the date basis of its event month named.
SELECT event_id, iso3, count(*) AS rows,
       format('{} / {}: {} rows, event_month {} (basis {})', event_id, iso3, count(*),
              any_value(event_month), any_value(event_month_basis)) AS problem
FROM marts.tariff_event_windows
GROUP BY event_id, iso3
HAVING count(*) > 1 OR iso3 IS NULL
    OR bool_or(event_month IS NOT NULL AND event_month_basis IS NULL)
