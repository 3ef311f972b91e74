-- Staging table for mof_weekly_securities: one row per week x investor side x instrument of every
-- week.csv body loaded (MOF's cumulative file, every week since 2005), amounts in 100 million yen as
-- printed, plus the sign-normalised net (acquisition - disposition) and the file's Final Update date.
CREATE TABLE IF NOT EXISTS staging.mof_weekly_securities (
    week_start DATE,
    week_end DATE,
    investor_side VARCHAR,
    instrument VARCHAR,
    acquisition_100m_jpy DOUBLE,
    disposition_100m_jpy DOUBLE,
    net_printed_100m_jpy DOUBLE,
    net_acquisition_100m_jpy DOUBLE,
    final_update DATE,
    line_no INTEGER,
    raw_sha256 VARCHAR,
    source_url VARCHAR,
    fetched_at TIMESTAMPTZ
);
