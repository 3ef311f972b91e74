-- asset: core.fct_reserves
-- blocking: true
-- description: No FRED, reserves (MOF) or debt (Debt to the Penny, MSPD totals) series changes level by a factor of 100 or more, either between two consecutive observations of its newest figures less than 400 days apart (growth over decades is real: China's reserves grew 1,000-fold since 1978) or between the newest and the previous copy of the same date: real amounts and exchange rates never move two orders of magnitude at once, a unit change (millions to billions mid-file made China's holdings/reserves 205.4 instead of 0.231) does, and a range check alone lets it through. Names the series, both dates and both values. Reads staging, so it guards every vintage loaded whatever was rebuilt; percentages (which can pass through zero) are left out, as are zero values (no ratio).
WITH observations AS (
    SELECT 'fred' AS source, o.series_id AS series, o.obs_date, o.value, hash(o.source_url) AS url_key, o.fetched_at
    FROM staging.fred o LEFT JOIN staging.fred_series s USING (series_id)
    WHERE o.value > 0 AND NOT (coalesce(s.unit, '') ILIKE '%pct%' OR coalesce(s.unit, '') ILIKE '%percent%')
    UNION ALL
    SELECT 'mof_reserves', column_name, ref_month, value, hash(source_url), fetched_at
    FROM (UNPIVOT (SELECT ref_month, total_reserves_usd_mn, fx_reserves_usd_mn, securities_usd_mn, source_url, fetched_at
                   FROM staging.mof_reserves)
          ON total_reserves_usd_mn, fx_reserves_usd_mn, securities_usd_mn INTO NAME column_name VALUE value)
    WHERE value > 0
    UNION ALL
    SELECT 'debt_to_penny', column_name, record_date, value, hash(source_url), fetched_at
    FROM (UNPIVOT (SELECT record_date, tot_pub_debt_out_usd, debt_held_public_usd, intragov_hold_usd, source_url, fetched_at
                   FROM staging.debt_to_penny)
          ON tot_pub_debt_out_usd, debt_held_public_usd, intragov_hold_usd INTO NAME column_name VALUE value)
    WHERE value > 0
    UNION ALL
    -- MSPD: the two total lines (single security classes can be retired and fall to zero).
    SELECT 'mspd', security_type_desc, record_date, total_usd_mil, hash(source_url), fetched_at
    FROM staging.mspd
    WHERE security_type_desc IN ('Total Marketable', 'Total Public Debt Outstanding') AND total_usd_mil > 0
),
-- The windows below hold every observation: they carry an 8-byte key of the body's URL, and the
-- URL itself is looked up for the rows that fail (at 100x the data, the URL text in the windows
-- took the check to 3 GB of memory).
urls AS (
    SELECT DISTINCT hash(source_url) AS url_key, source_url
    FROM (SELECT source_url FROM staging.fred UNION ALL SELECT source_url FROM staging.mof_reserves
          UNION ALL SELECT source_url FROM staging.debt_to_penny UNION ALL SELECT source_url FROM staging.mspd)
),
copies AS (
    -- copy 1 is the newest figure for a date (the one the warehouse publishes), copy 2 the one before.
    SELECT *, row_number() OVER (PARTITION BY source, series, obs_date ORDER BY fetched_at DESC) AS copy
    FROM observations
),
newest AS (
    SELECT *, lag(obs_date) OVER w AS before_date, lag(value) OVER w AS before_value
    FROM copies WHERE copy = 1
    WINDOW w AS (PARTITION BY source, series ORDER BY obs_date)
),
jumps AS (
    SELECT 'consecutive' AS rule, source, series, before_date, before_value, obs_date, value, u.source_url,
           format('{} {}: {} on {} but {} on {}, a {:.0f}x jump between consecutive observations ({})',
                  source, series, before_value, before_date, value, obs_date,
                  greatest(value / before_value, before_value / value), u.source_url) AS problem
    FROM newest JOIN urls u USING (url_key)
    WHERE before_value IS NOT NULL AND obs_date - before_date < 400
      AND greatest(value / before_value, before_value / value) >= 100
    UNION ALL
    SELECT 'copy_before', n.source, n.series, p.obs_date, p.value, n.obs_date, n.value, u.source_url,
           format('{} {}: {} on {} in the newest copy ({}) but {} in the copy before (fetched {}), {:.0f}x off the series'' own history',
                  n.source, n.series, n.value, n.obs_date, u.source_url, p.value, p.fetched_at,
                  greatest(n.value / p.value, p.value / n.value))
    FROM copies n JOIN copies p USING (source, series, obs_date) JOIN urls u ON u.url_key = n.url_key
    WHERE n.copy = 1 AND p.copy = 2 AND greatest(n.value / p.value, p.value / n.value) >= 100
)
SELECT * FROM jumps ORDER BY source, series, obs_date, rule
