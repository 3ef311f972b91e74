-- Staging table for mof_interventions: one row per daily operation or printed quarter total of every
-- body loaded, as the parser typed it (100 million yen), plus where the body came from.
CREATE TABLE IF NOT EXISTS staging.mof_interventions (
    row_kind VARCHAR,
    intervention_date DATE,
    quarter_start DATE,
    amount_100m_jpy DOUBLE,
    side VARCHAR,
    currency_pair VARCHAR,
    sold_currency VARCHAR,
    bought_currency VARCHAR,
    line_no INTEGER,
    raw_sha256 VARCHAR,
    source_url VARCHAR,
    fetched_at TIMESTAMPTZ
);
