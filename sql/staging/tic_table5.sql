-- Staging table for tic_table5: the Table 5 parser returns the same columns as the history parser
-- (one row per printed cell, USD billions), so the table is declared once, in tic_mfh_history.sql.
-- depends_on: staging.tic_mfh_history
CREATE TABLE IF NOT EXISTS staging.tic_table5 AS SELECT * FROM staging.tic_mfh_history LIMIT 0;
ALTER TABLE staging.tic_table5 ADD COLUMN IF NOT EXISTS revised_on DATE;

COMMENT ON TABLE staging.tic_table5 IS 'One row per printed cell of every TIC Table 5 body loaded (slt_table5.txt, major foreign holders, latest months), USD billions; the columns are those of staging.tic_mfh_history and carry its comments.';
