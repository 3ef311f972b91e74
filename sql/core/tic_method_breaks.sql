-- question: In which months did TIC change what its holdings figures measure, for which holders, and what do the official footnotes say, so that no change across such a month is read as buying or selling?
-- depends_on: staging.tic_mfh_history, staging.tic_table5, staging.tic_table3
--
-- A method break is a month whose figure is not comparable with the month before for a reason TIC
-- states in the footnotes of mfhhis01.txt, but for which the file prints no "for comparison only"
-- figure (series breaks that TIC does bridge with a comparison column are handled by
-- core.treasury_holdings_change and are not listed here). The rows are read from the footnotes of
-- the official file (mfhhis01.txt dated 3/18/26, ../shared/sources/NOTES_tic_and_debt.md A1) and
-- quoted verbatim in footnote_text (CSV quoting undone, line breaks joined); a test checks each
-- quote against the real file. Built with the TIC sources (depends_on) so that it exists before
-- any model that computes changes (core.treasury_holdings_change reads it).
--   2011-09  footnote 16/: September 2011 is the first month built from holdings reported on
--            monthly Form SLT; August 2011 and before are survey benchmarks rolled forward with
--            monthly transactions. Every holder and aggregate (United Kingdom -63.7 bn and
--            Belgium +45.0 bn in that month are the switch, not trades).
--   2011-12  footnote 17/: Series XIII, Form SLT from December 2011 on, printed without a
--            comparison column; listed so that what is NULL there says why.
--   2012-01  footnote 2/: "United Kingdom" includes the Channel Islands and Isle of Man on the
--            2000-2011 rows (marked 2/) and not on the 2012 and later rows (restated without the
--            marker); the file does not say where the islands' holdings went.
CREATE OR REPLACE TABLE core.tic_method_breaks AS
SELECT CAST(break_month AS DATE) AS break_month, applies_to, CAST(holders AS VARCHAR[]) AS holders,
       what_changed, footnote, footnote_text, 'mfhhis01.txt' AS source_file
FROM (VALUES
    ('2011-09-01', 'all', [],
     'TIC holdings switch to Treasury bonds and notes as reported on the monthly Form SLT: September 2011 is not comparable with August 2011 (survey-based), so the change between them is not a trade.',
     '16/',
     'Series XII for September 2011 includes holdings of Treasury bonds and notes as reported on monthly TIC Form SLT, "Aggregate Holdings of Long-Term Securities by U.S. and Foreign Residents".'),
    ('2011-12-01', 'all', [],
     'Series XIII starts: December 2011 and later months are built from Form SLT reports, printed without a comparison figure for November 2011.',
     '17/',
     'Series XIII for December 2011 and all subsequent months include holdings of Treasury bonds and notes as reported on monthly TIC Form SLT, "Aggregate Holdings of Long-Term Securities by U.S. and Foreign Residents".'),
    ('2012-01-01', 'listed', ['GBR'],
     'United Kingdom: the 2000-2011 rows (footnote 2/) include the Channel Islands and Isle of Man, the 2012 and later rows do not carry that footnote; January 2012 is not comparable with December 2011 for the United Kingdom.',
     '2/',
     'United Kingdom includes Channel Islands and Isle of Man.')
) AS t(break_month, applies_to, holders, what_changed, footnote, footnote_text)
ORDER BY break_month;

COMMENT ON TABLE core.tic_method_breaks IS 'Months in which TIC changed what its holdings figures measure (mfhhis01.txt footnotes), for all holders or for the listed ones, without printing a comparison figure. core.treasury_holdings_change(k) returns NULL for any change whose window contains one (base_month < break_month <= ref_month), so no mart reads such a month as buying or selling; the marts name the break in method_break_month.';
COMMENT ON COLUMN core.tic_method_breaks.break_month IS 'First month measured the new way (first day of the month); the change from the month before is not comparable.';
COMMENT ON COLUMN core.tic_method_breaks.applies_to IS 'all (every holder and every aggregate, Grand Total included) or listed (only the holders in holders).';
COMMENT ON COLUMN core.tic_method_breaks.holders IS 'ISO 3166 alpha-3 codes of the holders affected when applies_to is listed; empty for all.';
COMMENT ON COLUMN core.tic_method_breaks.what_changed IS 'What changed, in words a reader can quote; not an estimate of the size of the effect (TIC publishes none).';
COMMENT ON COLUMN core.tic_method_breaks.footnote IS 'The footnote marker of mfhhis01.txt that states it (16/, 17/, 2/).';
COMMENT ON COLUMN core.tic_method_breaks.footnote_text IS 'The footnote''s sentence, quoted verbatim from mfhhis01.txt (CSV quoting undone, line breaks joined).';
COMMENT ON COLUMN core.tic_method_breaks.source_file IS 'The official file the footnote is in (mfhhis01.txt, TIC Major Foreign Holders history).';
