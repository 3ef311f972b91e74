-- question: What was each daily Treasury-market and weekly custody series worth at each close, as last published, and at what moment was that close?
-- depends_on: core.fct_fred_observations, staging.fred_series
--
-- One row per market series (fred.SERIES rows of frequency daily with unit percent or jpy_per_usd,
-- and the H.4.1 weekly custody series) and date FRED prints a value for, newest vintage.
-- Days FRED prints no value for (U.S. holidays, market closes) have no row: a business day of a
-- series is a day it has a value, so "+5 business days" skips holidays by construction.
-- observed_at is the moment the value describes, in New York time (the rule the event windows
-- use to decide what is "strictly before" an event):
--   Treasury yields (DGS*), DFII10, T10YIE, THREEFYTP10: 15:30 ET, when the New York Fed reads
--   the closing bid quotes the H.15 curve is built from (T10YIE and the Kim-Wright term premium
--   are computed from those yields);
--   DEXJPUS: 12:00 ET, the H.10 noon buying rate;
--   WMTSECL1, WSEFINTL1: 16:00 ET on the Wednesday, the close of business of an H.4.1 Wednesday level.
CREATE OR REPLACE TABLE core.market_observations AS
WITH market_series AS (
    SELECT series_id, unit, frequency, measure,
           CASE WHEN series_id = 'DEXJPUS' THEN TIME '12:00'
                WHEN frequency = 'weekly' THEN TIME '16:00'
                ELSE TIME '15:30' END AS observed_time_ny
    FROM staging.fred_series
    WHERE (frequency = 'daily' AND unit IN ('percent', 'jpy_per_usd'))
       OR series_id IN ('WMTSECL1', 'WSEFINTL1')
),
latest AS (
    SELECT DISTINCT ON (o.series_id, o.obs_date) o.series_id, o.obs_date, o.value, o.vintage
    FROM core.fct_fred_observations o
    JOIN market_series USING (series_id)
    ORDER BY o.series_id, o.obs_date, o.vintage DESC
)
SELECT l.series_id, s.measure, s.unit, s.frequency, l.obs_date, l.value,
       timezone('America/New_York', l.obs_date + s.observed_time_ny) AS observed_at,
       CAST(row_number() OVER (PARTITION BY l.series_id ORDER BY l.obs_date) AS INTEGER) AS obs_index,
       l.vintage
FROM latest l
JOIN market_series s USING (series_id)
WHERE l.value IS NOT NULL
ORDER BY l.series_id, l.obs_date;

COMMENT ON TABLE core.market_observations IS 'Daily Treasury-market series (DGS2, DGS10, DGS30, DFII10, T10YIE, THREEFYTP10, DEXJPUS) and weekly H.4.1 custody holdings (WMTSECL1, WSEFINTL1) from FRED, one row per series and date with a value, newest vintage, with the moment the value describes (observed_at) and its position among the series'' values (obs_index). Holidays and closes have no row.';
COMMENT ON COLUMN core.market_observations.series_id IS 'FRED series id (units and meaning in staging.fred_series).';
COMMENT ON COLUMN core.market_observations.measure IS 'What the series measures (fred.SERIES measure, e.g. treasury_yield_10y, custody_foreign_official_marketable_treasuries).';
COMMENT ON COLUMN core.market_observations.unit IS 'percent (per annum), jpy_per_usd or usd_mn (millions of U.S. dollars).';
COMMENT ON COLUMN core.market_observations.frequency IS 'daily (business days) or weekly (Wednesday levels).';
COMMENT ON COLUMN core.market_observations.obs_date IS 'Date of the value (a Wednesday for weekly series).';
COMMENT ON COLUMN core.market_observations.value IS 'Value in unit, as FRED publishes it (never NULL here: dates without a value are left out).';
COMMENT ON COLUMN core.market_observations.observed_at IS 'The moment the value describes, as a timestamp with time zone: 15:30 New York time for yields, real yield, breakeven and term premium (H.15 closing bids), 12:00 for DEXJPUS (noon buying rate), 16:00 on the Wednesday for custody levels. Not the publication time (FRED posts later).';
COMMENT ON COLUMN core.market_observations.obs_index IS 'Position of this value among the series'' values, 1 = first: the k-th business day (or week) after a value is obs_index + k, so holidays are skipped, never counted.';
COMMENT ON COLUMN core.market_observations.vintage IS 'Fetch date (UTC) of the FRED file the value comes from: the newest vintage holding this date.';
