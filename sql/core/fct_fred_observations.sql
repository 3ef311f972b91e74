-- question: What value did each FRED series we load have at each date, in which unit, in every vintage fetched?
-- depends_on: staging.fred, staging.fred_series
CREATE OR REPLACE TABLE core.fct_fred_observations AS
-- Two bodies of one series fetched on the same day must not double a row: the one fetched last is that day's vintage. The unit comes from the series table, never from the values.
SELECT DISTINCT ON (o.series_id, o.obs_date, core.vintage_date(o.fetched_at))
       o.series_id, o.obs_date, o.value, s.unit,
       core.vintage_date(o.fetched_at) AS vintage
FROM staging.fred o
LEFT JOIN staging.fred_series s USING (series_id)
ORDER BY o.series_id, o.obs_date, core.vintage_date(o.fetched_at), o.fetched_at DESC;

COMMENT ON TABLE core.fct_fred_observations IS 'Every observation of every FRED series loaded (TLW_FRED_SERIES), long format, in every vintage fetched. Series, units and meaning: staging.fred_series (pipelines/sources/fred.py SERIES). Reserves series are also in core.fct_reserves.';
COMMENT ON COLUMN core.fct_fred_observations.series_id IS 'FRED series id, e.g. TRESEGCNM052N, FDHBFIN, DEXJPUS.';
COMMENT ON COLUMN core.fct_fred_observations.obs_date IS 'Observation date as FRED gives it: the first day of the period for monthly and quarterly series, the day for daily series.';
COMMENT ON COLUMN core.fct_fred_observations.value IS 'The value in unit; NULL where FRED publishes no value (empty cell, or `.` in the old DATE,VALUE format): holidays, quarterly-only years.';
COMMENT ON COLUMN core.fct_fred_observations.unit IS 'Unit from the series table: usd_mn (millions of U.S. dollars), usd_bn (billions of U.S. dollars) or jpy_per_usd (yen per dollar).';
COMMENT ON COLUMN core.fct_fred_observations.vintage IS 'Date (UTC) the series file was fetched: FRED revises past values, so every vintage is kept.';
