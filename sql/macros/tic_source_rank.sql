-- Which TIC file wins when two print the same holder and month with the same vintage date: Table 5
-- (slt_table5.txt, the current Major Foreign Holders table), then Table 3 (slt_table3.txt), then
-- the history file (mfhhis01.txt). Lower wins. The latest views, the as-of macro, the change
-- macro and the marts all order by it, so the rule is written once.
CREATE OR REPLACE MACRO core.tic_source_rank(source) AS
    CASE source WHEN 'tic_table5' THEN 0 WHEN 'tic_table3' THEN 1 ELSE 2 END;
