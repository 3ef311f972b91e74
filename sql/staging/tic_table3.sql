-- Staging table for tic_table3: one row per data line of every body loaded, USD millions as
-- printed (TIC sign convention: net > 0 means foreigners bought), plus where the body came from.
CREATE TABLE IF NOT EXISTS staging.tic_table3 (
    raw_label VARCHAR,
    label VARCHAR,
    country_code VARCHAR,
    iso3 VARCHAR,
    aggregate VARCHAR,
    ref_month DATE,
    for_treas_pos_usd_mn DOUBLE,
    for_treas_net_usd_mn DOUBLE,
    for_lt_treas_pos_usd_mn DOUBLE,
    for_lt_treas_net_usd_mn DOUBLE,
    for_lt_treas_valchg_usd_mn DOUBLE,
    for_st_treas_pos_usd_mn DOUBLE,
    for_st_treas_net_usd_mn DOUBLE,
    line_no INTEGER,
    raw_sha256 VARCHAR,
    source_url VARCHAR,
    fetched_at TIMESTAMPTZ
);
