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

COMMENT ON TABLE staging.mof_interventions IS 'One row per daily foreign-exchange intervention or printed quarter total of every MOF intervention CSV loaded, 100 million yen as the parser typed it.';
COMMENT ON COLUMN staging.mof_interventions.row_kind IS 'daily (one operation day) or quarter_total (the total MOF prints for a quarter).';
COMMENT ON COLUMN staging.mof_interventions.intervention_date IS 'Day of the operation; NULL for quarter totals.';
COMMENT ON COLUMN staging.mof_interventions.quarter_start IS 'First day of the quarter a total is for; NULL for daily rows.';
COMMENT ON COLUMN staging.mof_interventions.amount_100m_jpy IS 'Amount in units of 100 million yen, as MOF prints it.';
COMMENT ON COLUMN staging.mof_interventions.side IS 'buy_jpy (yen bought, dollars sold) or sell_jpy; NULL for quarter totals and operations without a yen side.';
COMMENT ON COLUMN staging.mof_interventions.currency_pair IS 'The pair traded, BASE/QUOTE (e.g. USD/JPY).';
COMMENT ON COLUMN staging.mof_interventions.sold_currency IS 'ISO 4217 code of the currency MOF sold.';
COMMENT ON COLUMN staging.mof_interventions.bought_currency IS 'ISO 4217 code of the currency MOF bought.';
