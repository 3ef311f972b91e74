-- question: How large were each holder's official reserves at each month end, by component where the source gives them, in every vintage published?
-- depends_on: staging.mof_reserves, staging.fred, staging.fred_series
CREATE OR REPLACE TABLE core.fct_reserves AS
WITH mof AS (
    -- Japan MOF: total including gold, every component; nil cells were typed as the parser's
    -- docstring says (0 for headline items, NULL for other reserve assets before 2006-03).
    SELECT 'JPN' AS iso3, ref_month,
           CAST(total_reserves_usd_mn AS DOUBLE) AS total_reserves_usd_mn,
           fx_reserves_usd_mn, securities_usd_mn, deposits_usd_mn, imf_position_usd_mn,
           sdr_usd_mn, gold_usd_mn, gold_moz, other_reserve_assets_usd_mn,
           'total_incl_gold' AS measure, 'mof_reserves' AS source,
           core.vintage_date(fetched_at) AS vintage, raw_sha256, fetched_at
    FROM staging.mof_reserves
),
fred AS (
    -- FRED (IMF IFS) total reserves excluding gold: which country and measure a series is comes
    -- from the series table (staging.fred_series), never from the id or the values. Empty cells
    -- (quarterly-only years, not yet published months) are not reserves figures and are left out.
    SELECT s.iso3, o.obs_date AS ref_month, o.value AS total_reserves_usd_mn,
           CAST(NULL AS BIGINT) AS fx_reserves_usd_mn, CAST(NULL AS BIGINT) AS securities_usd_mn,
           CAST(NULL AS BIGINT) AS deposits_usd_mn, CAST(NULL AS BIGINT) AS imf_position_usd_mn,
           CAST(NULL AS BIGINT) AS sdr_usd_mn, CAST(NULL AS BIGINT) AS gold_usd_mn,
           CAST(NULL AS DOUBLE) AS gold_moz, CAST(NULL AS BIGINT) AS other_reserve_assets_usd_mn,
           s.measure, 'fred' AS source,
           core.vintage_date(o.fetched_at) AS vintage, o.raw_sha256, o.fetched_at
    FROM staging.fred o
    JOIN staging.fred_series s USING (series_id)
    WHERE s.measure = 'total_excl_gold' AND s.iso3 IS NOT NULL AND s.unit = 'usd_mn'
      AND s.frequency = 'monthly' AND o.value IS NOT NULL
)
-- Two bodies fetched on the same day (a same-day revision) must not double a row: the one fetched
-- last (to the microsecond) is that day's vintage.
SELECT DISTINCT ON (iso3, ref_month, measure, source, vintage)
       iso3, ref_month, total_reserves_usd_mn, fx_reserves_usd_mn, securities_usd_mn, deposits_usd_mn,
       imf_position_usd_mn, sdr_usd_mn, gold_usd_mn, gold_moz, other_reserve_assets_usd_mn,
       measure, source, vintage, raw_sha256
FROM (SELECT * FROM mof UNION ALL BY NAME SELECT * FROM fred)
ORDER BY iso3, ref_month, measure, source, vintage, fetched_at DESC;

COMMENT ON TABLE core.fct_reserves IS 'Official reserve assets by holder and month end, in every vintage loaded: Japan from MOF (total including gold, with components), other holders and Japan from FRED/IMF IFS (total excluding gold, no components). The two measures differ by gold and by valuation, never add or mix them; core.reserves is the latest-vintage view.';
COMMENT ON COLUMN core.fct_reserves.iso3 IS 'Reserve holder, ISO 3166 alpha-3 (JPN for MOF; from staging.fred_series for FRED series).';
COMMENT ON COLUMN core.fct_reserves.ref_month IS 'Month of the month-end position, as the first day of that month.';
COMMENT ON COLUMN core.fct_reserves.total_reserves_usd_mn IS 'Total official reserve assets, millions of U.S. dollars: including gold when measure = total_incl_gold (MOF, whole millions), excluding gold when measure = total_excl_gold (FRED, converted from SDR by the IMF, fractional).';
COMMENT ON COLUMN core.fct_reserves.fx_reserves_usd_mn IS 'MOF (1) foreign currency reserves (securities + deposits), USD millions; NULL for FRED rows.';
COMMENT ON COLUMN core.fct_reserves.securities_usd_mn IS 'MOF (1)(a) securities, USD millions; NULL for FRED rows.';
COMMENT ON COLUMN core.fct_reserves.deposits_usd_mn IS 'MOF (1)(b) deposits with foreign central banks, BIS and banks, USD millions; NULL for FRED rows.';
COMMENT ON COLUMN core.fct_reserves.imf_position_usd_mn IS 'MOF (2) IMF reserve position, USD millions; NULL for FRED rows.';
COMMENT ON COLUMN core.fct_reserves.sdr_usd_mn IS 'MOF (3) SDR holdings, USD millions; NULL for FRED rows.';
COMMENT ON COLUMN core.fct_reserves.gold_usd_mn IS 'MOF (4) gold at market value, USD millions; NULL for FRED rows.';
COMMENT ON COLUMN core.fct_reserves.gold_moz IS 'MOF gold volume, million fine troy ounces; NULL for FRED rows or where MOF prints none.';
COMMENT ON COLUMN core.fct_reserves.other_reserve_assets_usd_mn IS 'MOF (5) other reserve assets, USD millions; NULL before 2006-03 (not reported then) and for FRED rows.';
COMMENT ON COLUMN core.fct_reserves.measure IS 'What total_reserves_usd_mn measures: total_incl_gold (MOF) or total_excl_gold (FRED TRESEG series).';
COMMENT ON COLUMN core.fct_reserves.source IS 'mof_reserves (MOF historical.csv) or fred (fredgraph.csv of a TRESEG series).';
COMMENT ON COLUMN core.fct_reserves.vintage IS 'Date (UTC) the body holding this figure was fetched: MOF and the IMF revise past months, so every vintage is kept; on one day the body fetched last wins.';
COMMENT ON COLUMN core.fct_reserves.raw_sha256 IS 'sha256 of the raw file in $TLW_HOME/raw the row was parsed from.';
