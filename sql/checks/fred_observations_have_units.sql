-- asset: core.fct_fred_observations
-- blocking: true
-- description: Every FRED observation has a unit from the series table (staging.fred_series), and no amount or exchange rate is negative (rates in percent may be: real yields and the term premium have been below zero).
SELECT series_id, count(*) AS rows, any_value(unit) AS unit, min(value) AS low,
       format('FRED {}: {} rows, unit {}, lowest value {}', series_id, count(*), coalesce(any_value(unit), 'missing'), min(value)) AS problem
FROM core.fct_fred_observations
GROUP BY series_id
HAVING count(*) FILTER (WHERE unit IS NULL) > 0 OR (min(value) < 0 AND any_value(unit) <> 'percent')
