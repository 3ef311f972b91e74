-- question: How did Treasury yields, the real yield, breakeven inflation, the term premium and the yen move each business day, and by how many basis points over 1 and 5 business days?
-- depends_on: core.market_observations
--
-- One row per date on which at least one of the daily series has a value (a U.S. business day
-- for FX or for Treasuries; Good Friday can have a yen rate and no yields). Columns per series:
-- the value, and its change in basis points over 1 and 5 of that series' own business days
-- (core.market_observations.obs_index: holidays are skipped, never counted as a day with no
-- change). A NULL value means FRED published none that day; its changes are NULL too.
-- The yen rate's changes are in percent (a price, not a yield).
CREATE OR REPLACE TABLE marts.market_daily AS
WITH daily AS (
    SELECT series_id, obs_date, value, obs_index FROM core.market_observations WHERE frequency = 'daily'
),
changes AS (
    SELECT d.series_id, d.obs_date, d.value,
           d.value - p1.value AS chg_1, d.value - p5.value AS chg_5
    FROM daily d
    LEFT JOIN daily p1 ON p1.series_id = d.series_id AND p1.obs_index = d.obs_index - 1
    LEFT JOIN daily p5 ON p5.series_id = d.series_id AND p5.obs_index = d.obs_index - 5
)
SELECT obs_date,
       max(value) FILTER (WHERE series_id = 'DGS2') AS dgs2_pct,
       round(100 * max(chg_1) FILTER (WHERE series_id = 'DGS2'), 4) AS dgs2_chg_1d_bp,
       round(100 * max(chg_5) FILTER (WHERE series_id = 'DGS2'), 4) AS dgs2_chg_5d_bp,
       max(value) FILTER (WHERE series_id = 'DGS10') AS dgs10_pct,
       round(100 * max(chg_1) FILTER (WHERE series_id = 'DGS10'), 4) AS dgs10_chg_1d_bp,
       round(100 * max(chg_5) FILTER (WHERE series_id = 'DGS10'), 4) AS dgs10_chg_5d_bp,
       max(value) FILTER (WHERE series_id = 'DGS30') AS dgs30_pct,
       round(100 * max(chg_1) FILTER (WHERE series_id = 'DGS30'), 4) AS dgs30_chg_1d_bp,
       round(100 * max(chg_5) FILTER (WHERE series_id = 'DGS30'), 4) AS dgs30_chg_5d_bp,
       max(value) FILTER (WHERE series_id = 'DFII10') AS real10_pct,
       round(100 * max(chg_1) FILTER (WHERE series_id = 'DFII10'), 4) AS real10_chg_1d_bp,
       round(100 * max(chg_5) FILTER (WHERE series_id = 'DFII10'), 4) AS real10_chg_5d_bp,
       max(value) FILTER (WHERE series_id = 'T10YIE') AS breakeven10_pct,
       round(100 * max(chg_1) FILTER (WHERE series_id = 'T10YIE'), 4) AS breakeven10_chg_1d_bp,
       round(100 * max(chg_5) FILTER (WHERE series_id = 'T10YIE'), 4) AS breakeven10_chg_5d_bp,
       max(value) FILTER (WHERE series_id = 'THREEFYTP10') AS term_premium10_pct,
       round(100 * max(chg_1) FILTER (WHERE series_id = 'THREEFYTP10'), 4) AS term_premium10_chg_1d_bp,
       round(100 * max(chg_5) FILTER (WHERE series_id = 'THREEFYTP10'), 4) AS term_premium10_chg_5d_bp,
       max(value) FILTER (WHERE series_id = 'DEXJPUS') AS jpy_per_usd,
       100 * max(chg_1 / (value - chg_1)) FILTER (WHERE series_id = 'DEXJPUS') AS jpy_per_usd_chg_1d_pct,
       100 * max(chg_5 / (value - chg_5)) FILTER (WHERE series_id = 'DEXJPUS') AS jpy_per_usd_chg_5d_pct
FROM changes
GROUP BY obs_date
ORDER BY obs_date;

COMMENT ON TABLE marts.market_daily IS 'One row per U.S. business day with a FRED value: 2-, 10- and 30-year Treasury yields, the 10-year real yield, breakeven and Kim-Wright term premium (percent) and yen per dollar, each with its change over 1 and 5 of its own business days (basis points; percent for the yen). Values as last published by FRED.';
COMMENT ON COLUMN marts.market_daily.obs_date IS 'Business day (New York). Yields are closing bids read about 15:30 ET; the yen rate is the noon buying rate.';
COMMENT ON COLUMN marts.market_daily.dgs2_pct IS '2-year Treasury constant-maturity yield (H.15), percent per annum (FRED DGS2); NULL when FRED published no value that day (holiday, market closed).';
COMMENT ON COLUMN marts.market_daily.dgs2_chg_1d_bp IS 'Change of DGS2 from 1 business day of that series before (the previous date it has a value, holidays skipped) to this day, basis points (1 bp = 0.01 percentage point). Not a change over 1 calendar day.';
COMMENT ON COLUMN marts.market_daily.dgs2_chg_5d_bp IS 'Change of DGS2 from 5 business days of that series before (the fifth previous date it has a value, holidays skipped) to this day, basis points (1 bp = 0.01 percentage point). Not a change over 5 calendar days.';
COMMENT ON COLUMN marts.market_daily.dgs10_pct IS '10-year Treasury constant-maturity yield (H.15), percent per annum (FRED DGS10); NULL when FRED published no value that day (holiday, market closed).';
COMMENT ON COLUMN marts.market_daily.dgs10_chg_1d_bp IS 'Change of DGS10 from 1 business day of that series before (the previous date it has a value, holidays skipped) to this day, basis points (1 bp = 0.01 percentage point). Not a change over 1 calendar day.';
COMMENT ON COLUMN marts.market_daily.dgs10_chg_5d_bp IS 'Change of DGS10 from 5 business days of that series before (the fifth previous date it has a value, holidays skipped) to this day, basis points (1 bp = 0.01 percentage point). Not a change over 5 calendar days.';
COMMENT ON COLUMN marts.market_daily.dgs30_pct IS '30-year Treasury constant-maturity yield (H.15), percent per annum (FRED DGS30); NULL when FRED published no value that day (holiday, market closed).';
COMMENT ON COLUMN marts.market_daily.dgs30_chg_1d_bp IS 'Change of DGS30 from 1 business day of that series before (the previous date it has a value, holidays skipped) to this day, basis points (1 bp = 0.01 percentage point). Not a change over 1 calendar day.';
COMMENT ON COLUMN marts.market_daily.dgs30_chg_5d_bp IS 'Change of DGS30 from 5 business days of that series before (the fifth previous date it has a value, holidays skipped) to this day, basis points (1 bp = 0.01 percentage point). Not a change over 5 calendar days.';
COMMENT ON COLUMN marts.market_daily.real10_pct IS '10-year TIPS (inflation-indexed) constant-maturity yield, the real yield (H.15), percent per annum (FRED DFII10); NULL when FRED published no value that day (holiday, market closed).';
COMMENT ON COLUMN marts.market_daily.real10_chg_1d_bp IS 'Change of DFII10 from 1 business day of that series before (the previous date it has a value, holidays skipped) to this day, basis points (1 bp = 0.01 percentage point). Not a change over 1 calendar day.';
COMMENT ON COLUMN marts.market_daily.real10_chg_5d_bp IS 'Change of DFII10 from 5 business days of that series before (the fifth previous date it has a value, holidays skipped) to this day, basis points (1 bp = 0.01 percentage point). Not a change over 5 calendar days.';
COMMENT ON COLUMN marts.market_daily.breakeven10_pct IS '10-year breakeven inflation rate, DGS10 - DFII10 as FRED computes it: inflation compensation, which includes an inflation risk premium and TIPS liquidity effects, not expected inflation alone, percent per annum (FRED T10YIE); NULL when FRED published no value that day (holiday, market closed).';
COMMENT ON COLUMN marts.market_daily.breakeven10_chg_1d_bp IS 'Change of T10YIE from 1 business day of that series before (the previous date it has a value, holidays skipped) to this day, basis points (1 bp = 0.01 percentage point). Not a change over 1 calendar day.';
COMMENT ON COLUMN marts.market_daily.breakeven10_chg_5d_bp IS 'Change of T10YIE from 5 business days of that series before (the fifth previous date it has a value, holidays skipped) to this day, basis points (1 bp = 0.01 percentage point). Not a change over 5 calendar days.';
COMMENT ON COLUMN marts.market_daily.term_premium10_pct IS 'Kim-Wright 10-year term premium (Federal Reserve Board model estimate: the part of the 10-year zero-coupon yield not explained by expected short rates; a model output, not a market price), percent per annum (FRED THREEFYTP10); NULL when FRED published no value that day (holiday, market closed).';
COMMENT ON COLUMN marts.market_daily.term_premium10_chg_1d_bp IS 'Change of THREEFYTP10 from 1 business day of that series before (the previous date it has a value, holidays skipped) to this day, basis points (1 bp = 0.01 percentage point). Not a change over 1 calendar day.';
COMMENT ON COLUMN marts.market_daily.term_premium10_chg_5d_bp IS 'Change of THREEFYTP10 from 5 business days of that series before (the fifth previous date it has a value, holidays skipped) to this day, basis points (1 bp = 0.01 percentage point). Not a change over 5 calendar days.';
COMMENT ON COLUMN marts.market_daily.jpy_per_usd IS 'Yen per U.S. dollar, H.10 noon buying rate in New York (FRED DEXJPUS); higher = weaker yen. NULL when not published.';
COMMENT ON COLUMN marts.market_daily.jpy_per_usd_chg_1d_pct IS 'Percent change of jpy_per_usd from the previous business day with a rate (holidays skipped); positive = the dollar bought more yen.';
COMMENT ON COLUMN marts.market_daily.jpy_per_usd_chg_5d_pct IS 'Percent change of jpy_per_usd from the fifth previous business day with a rate.';
