-- asset: marts.tariff_event_windows
-- blocking: true
-- description: marts.tariff_event_windows has one row per tariff event and affected holder, each with the basis of its event date (the first public date) named.
SELECT event_id, iso3, count(*) AS rows,
       format('{} / {}: {} rows, event_date {} (basis {})', event_id, iso3, count(*),
              any_value(event_date), any_value(event_date_basis)) AS problem
FROM marts.tariff_event_windows
GROUP BY event_id, iso3
HAVING count(*) > 1 OR iso3 IS NULL
    OR bool_or(event_date IS NOT NULL AND event_date_basis IS NULL)
