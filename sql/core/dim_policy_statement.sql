-- question: Which official statements about using Treasury holdings, and which U.S.-Japan talks rounds, could markets have reacted to, and at what moment did each become public?
-- depends_on: staging.policy_statements
--
-- One row per statement of the curated register. first_public_at = statement_date at time_local in
-- time_zone; when the register has no time, 09:00 local (the start of the official working day) is
-- assumed and time_assumed is true. For Tokyo that places the statement after the previous New York
-- close and before the next (09:00 JST is 19:00 or 20:00 the day before in New York), which is what
-- the event windows need; for a New York statement an assumed 09:00 is before that day's close, so a
-- window counts the whole day as after the statement.
CREATE OR REPLACE TABLE core.dim_policy_statement AS
SELECT statement_id, statement_date, date_precision, time_local, time_zone,
       timezone(time_zone, statement_date + CAST(coalesce(time_local, '09:00') AS TIME)) AS first_public_at,
       time_local IS NULL AS time_assumed,
       speaker, office, country, kind, quote, statement_source_url AS source_url, notes, csv_line
FROM staging.policy_statements
ORDER BY statement_date, statement_id;

COMMENT ON TABLE core.dim_policy_statement IS 'Curated official statements about using Treasury holdings and U.S.-Japan talks rounds (pipelines/data/policy_statements.csv), with the moment each became public. Secondary reporting is marked in notes.';
COMMENT ON COLUMN core.dim_policy_statement.statement_id IS 'Stable key of the register (YYYY-MM-DD-<speaker>-<what>).';
COMMENT ON COLUMN core.dim_policy_statement.statement_date IS 'Local date (in time_zone) the statement was first public.';
COMMENT ON COLUMN core.dim_policy_statement.date_precision IS 'day, or approximate when the sources give only part of a month (no market window is built on such a date).';
COMMENT ON COLUMN core.dim_policy_statement.time_local IS 'Local time HH:MM given by the sources; NULL when they give none.';
COMMENT ON COLUMN core.dim_policy_statement.time_zone IS 'IANA time zone where the statement was made.';
COMMENT ON COLUMN core.dim_policy_statement.first_public_at IS 'First public moment as a timestamp with time zone: statement_date at time_local, or 09:00 local when time_assumed. Not verified to the minute unless time_local is given.';
COMMENT ON COLUMN core.dim_policy_statement.time_assumed IS 'True when the sources give no time and first_public_at assumes 09:00 local.';
COMMENT ON COLUMN core.dim_policy_statement.speaker IS 'Who spoke (or the negotiating parties for a talks round).';
COMMENT ON COLUMN core.dim_policy_statement.office IS 'The speaker''s office at the time.';
COMMENT ON COLUMN core.dim_policy_statement.country IS 'ISO 3166 alpha-3 of the speaker''s government.';
COMMENT ON COLUMN core.dim_policy_statement.kind IS 'rules_out (rules out using the holdings), hints (presents them as a possible lever), talks_round (a negotiating round held or its outcome announced), denies_selling.';
COMMENT ON COLUMN core.dim_policy_statement.quote IS 'Short quote in the source''s words (a paraphrase by the source when notes say so), not a summary of ours.';
COMMENT ON COLUMN core.dim_policy_statement.source_url IS 'The record the statement rests on: an https URL, or shared:news/<file> for the stored May 2025 news article (secondary reporting).';
COMMENT ON COLUMN core.dim_policy_statement.notes IS 'What the source is and what it does not settle.';
COMMENT ON COLUMN core.dim_policy_statement.csv_line IS 'Line of the register CSV the row starts on.';
