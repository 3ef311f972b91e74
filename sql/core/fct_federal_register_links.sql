-- question: Which Federal Register documents correct, amend, modify, supersede or revoke which earlier ones, and what in the document says so?
-- depends_on: core.fct_federal_register_documents
--
-- The linking rules, written once, here (tests/test_tariffs_pipeline.py holds the links expected
-- on the fixture feed and on hand-made texts):
-- * corrects: an R1-/C1- prefixed number links to the unprefixed number, else `correction_of` does;
--   the linked EO / proclamation numbers are those of the corrected document when held (the latest
--   one published on or before the correction), else the correction's own.
-- * amends / modifies / supersedes / revokes: in the title, abstract and disposition notes, a verb
--   ("amends", "Further Amendment to", "modifying", "superseding", "revokes", "terminates") governs
--   the EO / proclamation references after it, up to 160 characters, the next verb, or the end of
--   the sentence (`;`, or a full stop followed by a capital, `(` or the end, but not the full stop
--   of an initial such as "E." / "U.S." or of "Proc." / "No." / "Nos."); and "Executive Order 14257
--   is hereby amended" links to the order it names. When the title has a verb but no text names a
--   target that way, every reference of the abstract and disposition notes takes the title's verb.
--   A document restating its own number is not a link. A target EO / proclamation held in the feed
--   gets its document number (the original, not a correction, earliest first).
-- * Unicode text read as Unicode, although DuckDB's regular expressions (RE2) know little of it:
--   `\s` is written out as every Unicode space (RE2's is ASCII); `\b` and `\w` know only ASCII,
--   so every other letter or number is matched as `q` (a letter no pattern contains) in a masked
--   copy of the text of the same length, and "éEO 14257" is no reference; RE2's ignore-case does
--   not match `İ` `ı` to `i` (nor `ſ` `K` to `s` `k` next to `\b`), so those are read as ASCII in
--   the copy the verbs are matched on. Positions are found in the masked copies and the evidence
--   is cut from the text as printed. Only 0-9 are digits (the Federal Register prints no others).
CREATE OR REPLACE TABLE core.fct_federal_register_links AS
WITH patterns AS (
    SELECT
        replace(
            '(?i)\b((?:further{S}+)?amendments?{S}+(?:to|of)|amend(?:s|ing)?|modif(?:y|ies|ying)'
            || '|supersed(?:e|es|ing)|revok(?:e|es|ing)|terminat(?:e|es|ing))\b',
            '{S}', ws) AS verb_re,
        replace(
            '\b([Ee]xecutive{S}+[Oo]rders?|E\.{S}?O\.|EOs?|[Pp]roclamations?|Proc\.){S}*(?:[Nn]os?\.{S}*)?'
            || '([0-9]{4,5}(?:(?:{S}*,{S}*(?:and{S}+)?|{S}+and{S}+|{S}*&{S}*)(?:[Nn]os?\.{S}*)?[0-9]{4,5})*)',
            '{S}', ws) AS reference_re,
        replace(
            '(?i)^(?:{S}|,)*(?:is|are){S}+(?:hereby{S}+)?(?:further{S}+)?'
            || '(?:amended|modified|superseded|revoked|terminated)\b',
            '{S}', ws) AS passive_re,
        -- The text before the first sentence end, in a window whose exempted full stops are masked.
        replace('(?s)^(.*?)(?:;|\.(?:{S}+[A-Z(]|{S}*$))', '{S}', ws) AS before_sentence_end_re,
        '(Proc|Nos|No|\b[A-Z])\.' AS exempt_full_stop_re,
        ws || '+' AS spaces_re
    FROM (SELECT '[\t\n\v\f\r \x{1c}-\x{1f}\x{85}\p{Z}]' AS ws)
),
docs AS (
    SELECT
        document_number, publication_date, executive_order_number, proclamation_number, correction_of,
        is_correction, coalesce(title, '') AS title, coalesce(abstract, '') AS abstract,
        coalesce(disposition_notes, '') AS disposition_notes
    FROM core.fct_federal_register_documents
),
texts_printed AS (
    SELECT document_number, publication_date, 1 AS text_order, 'title' AS field, title AS body FROM docs
    UNION ALL
    SELECT document_number, publication_date, 2, 'abstract', abstract FROM docs
    UNION ALL
    SELECT document_number, publication_date, 3, 'disposition_notes', disposition_notes FROM docs
),
texts AS (
    -- rt: references and sentence ends are matched on it (non-ASCII letters and numbers read as q);
    -- vt: verbs (case-insensitive) are matched on it, where also the non-ASCII letters that are
    -- an i, s or k when case is ignored are read as those (U+0130 İ and U+0131 ı as i, U+017F ſ
    -- as s, U+212A Kelvin sign as k).
    SELECT *,
           regexp_replace(regexp_replace(body, '[^\P{L}a-zA-Z]', 'q', 'g'), '[^\P{N}0-9]', 'q', 'g') AS rt,
           regexp_replace(regexp_replace(translate(body, chr(304) || chr(305) || chr(383) || chr(8490), 'iisk'), '[^\P{L}a-zA-Z]', 'q', 'g'),
                          '[^\P{N}0-9]', 'q', 'g') AS vt
    FROM texts_printed
    WHERE body <> ''
),
-- Verbs, each with the text after it up to the next verb (piece i + 1 follows verb i).
verb_split AS (
    SELECT t.*, regexp_extract_all(t.vt, p.verb_re) AS verbs, regexp_split_to_array(t.vt, p.verb_re) AS pieces
    FROM texts t, patterns p
),
verb_positions AS (
    SELECT *,
           -- 0-based offset of verb i
           length(array_to_string(list_slice(pieces, 1, i), '')) + length(array_to_string(list_slice(verbs, 1, i - 1), '')) AS verb_start,
           length(verbs[i]) AS verb_length,
           least(160, length(pieces[i + 1])) AS window_length
    FROM (SELECT *, unnest(range(1, len(verbs) + 1)) AS i FROM verb_split)
),
verb_scopes AS (
    SELECT w.document_number, w.publication_date, w.text_order, w.body, w.i AS verb_index, w.verb_start,
           w.verb_start + w.verb_length AS window_start,
           substr(w.body, w.verb_start + 1, w.verb_length) AS verb_text,
           left(w.window_rt, CASE WHEN regexp_matches(w.masked, p.before_sentence_end_re)
                                  THEN length(regexp_extract(w.masked, p.before_sentence_end_re, 1))
                                  ELSE w.window_length END) AS scope_rt
    FROM (
        SELECT *, regexp_replace(window_rt, (SELECT exempt_full_stop_re FROM patterns), '\1' || chr(1), 'g') AS masked
        FROM (SELECT *, substr(rt, verb_start + verb_length + 1, window_length) AS window_rt FROM verb_positions)
    ) w, patterns p
),
verb_scope_refs AS (
    SELECT s.*, regexp_extract_all(s.scope_rt, p.reference_re) AS refs,
           regexp_split_to_array(s.scope_rt, p.reference_re) AS ref_pieces
    FROM verb_scopes s, patterns p
),
verb_refs AS (
    SELECT document_number, publication_date, text_order, verb_index, j AS ref_index, verb_text, refs[j] AS ref,
           -- from the verb to the end of this reference, as printed
           substr(body, verb_start + 1,
                  window_start - verb_start
                  + length(array_to_string(list_slice(ref_pieces, 1, j), ''))
                  + length(array_to_string(list_slice(refs, 1, j), ''))) AS raw_evidence
    FROM (SELECT *, unnest(range(1, len(refs) + 1)) AS j FROM verb_scope_refs)
),
-- Every reference of each text, with its position (piece j + 1 follows reference j).
ref_split AS (
    SELECT t.*, regexp_extract_all(t.rt, p.reference_re) AS refs, regexp_split_to_array(t.rt, p.reference_re) AS pieces
    FROM texts t, patterns p
),
text_refs AS (
    SELECT document_number, publication_date, text_order, field, body, vt, j AS ref_index, refs[j] AS ref,
           length(array_to_string(list_slice(pieces, 1, j), '')) + length(array_to_string(list_slice(refs, 1, j), '')) AS ref_end,
           length(pieces[j + 1]) AS after_length
    FROM (SELECT *, unnest(range(1, len(refs) + 1)) AS j FROM ref_split)
),
-- "Executive Order 14257 is hereby amended": a reference followed by a passive verb.
passive_refs AS (
    SELECT *, substr(body, ref_end + 1, passive_length) AS passive_text,
           substr(body, ref_end - length(ref) + 1, length(ref) + passive_length) AS raw_evidence
    FROM (
        SELECT r.*, length(regexp_extract(substr(r.vt, r.ref_end + 1, r.after_length), p.passive_re, 0)) AS passive_length
        FROM text_refs r, patterns p
        WHERE regexp_matches(substr(r.vt, r.ref_end + 1, r.after_length), p.passive_re)
    )
),
found AS (
    -- evidence: the words from the verb to the reference (or reference and verb), spaces collapsed
    SELECT document_number, publication_date, [text_order, 0, verb_index, ref_index] AS ordinal, verb_text, ref,
           trim(regexp_replace(raw_evidence, (SELECT spaces_re FROM patterns), ' ', 'g')) AS evidence
    FROM verb_refs
    UNION ALL
    SELECT document_number, publication_date, [text_order, 1, 0, ref_index], passive_text, ref,
           trim(regexp_replace(raw_evidence, (SELECT spaces_re FROM patterns), ' ', 'g'))
    FROM passive_refs
),
-- A title verb with no target anywhere: the abstract's and disposition notes' references take it
-- (evidence: the title as printed, not collapsed, and the reference).
title_verbs AS (
    SELECT t.document_number, t.publication_date, t.body AS title,
           substr(t.body, length(regexp_split_to_array(t.vt, p.verb_re)[1]) + 1,
                  length(regexp_extract(t.vt, p.verb_re, 0))) AS verb_text
    FROM texts t, patterns p
    WHERE t.text_order = 1 AND regexp_matches(t.vt, p.verb_re)
),
fallback AS (
    SELECT r.document_number, r.publication_date, [r.text_order + 2, 0, 0, r.ref_index] AS ordinal, v.verb_text,
           r.ref, 'title: ' || v.title || '; ' || r.field || ': ' || r.ref AS evidence
    FROM text_refs r
    JOIN title_verbs v USING (document_number, publication_date)
    WHERE r.text_order IN (2, 3)
      AND NOT EXISTS (
          SELECT 1 FROM found f
          WHERE f.document_number = r.document_number AND f.publication_date = r.publication_date
      )
),
text_links AS (
    SELECT l.document_number, l.publication_date, l.ordinal || [k] AS ordinal,
           CASE WHEN contains(l.verb_read, 'amend') THEN 'amends'
                WHEN contains(l.verb_read, 'modif') THEN 'modifies'
                WHEN contains(l.verb_read, 'supersed') THEN 'supersedes'
                ELSE 'revokes' END AS link_kind,
           CASE WHEN lower(l.ref) LIKE 'proc%' THEN 'proc' ELSE 'eo' END AS target_kind,
           numbers[k] AS number,
           l.evidence
    FROM (
        -- the verb read as it was matched (on vt: İ ı ſ K as i i s k), so "modıfies" modifies
        SELECT *, lower(translate(verb_text, chr(304) || chr(305) || chr(383) || chr(8490), 'iisk')) AS verb_read,
               regexp_extract_all(ref, '[0-9]{4,5}') AS numbers,
               unnest(range(1, len(regexp_extract_all(ref, '[0-9]{4,5}')) + 1)) AS k
        FROM (SELECT * FROM found UNION ALL SELECT * FROM fallback)
    ) l
),
-- The original (not R1-/C1-) document of each EO and proclamation number, earliest first.
doc_by_eo AS (
    SELECT executive_order_number, document_number
    FROM docs WHERE executive_order_number IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY executive_order_number ORDER BY is_correction, publication_date, document_number) = 1
),
doc_by_proc AS (
    SELECT proclamation_number, document_number
    FROM docs WHERE proclamation_number IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY proclamation_number ORDER BY is_correction, publication_date, document_number) = 1
),
amend_links AS (
    SELECT t.document_number, t.publication_date,
           CASE WHEN t.target_kind = 'eo' AND CAST(t.number AS BIGINT) <> 0 THEN e.document_number
                WHEN t.target_kind = 'proc' THEN p.document_number END AS linked_document_number,
           CASE WHEN t.target_kind = 'proc' THEN t.number END AS linked_proclamation_number,
           CASE WHEN t.target_kind = 'eo' THEN CAST(t.number AS BIGINT) END AS linked_executive_order_number,
           t.link_kind, t.evidence, t.ordinal
    FROM text_links t
    JOIN docs d USING (document_number, publication_date)
    LEFT JOIN doc_by_eo e ON t.target_kind = 'eo' AND e.executive_order_number = CAST(t.number AS BIGINT)
    LEFT JOIN doc_by_proc p ON t.target_kind = 'proc' AND p.proclamation_number = t.number
    -- a document restating its own number
    WHERE NOT (t.target_kind = 'eo' AND t.number IS NOT DISTINCT FROM CAST(d.executive_order_number AS VARCHAR))
      AND NOT (t.target_kind = 'proc' AND t.number IS NOT DISTINCT FROM d.proclamation_number)
),
corrections AS (
    SELECT document_number, publication_date, executive_order_number, proclamation_number,
           CASE WHEN base <> '' THEN base ELSE correction_of END AS target,
           CASE WHEN base <> '' THEN 'document number ' || document_number ELSE 'correction_of ' || correction_of END AS evidence
    FROM (SELECT *, regexp_extract(document_number, '^[RC][0-9]+-(.+)$', 1) AS base FROM docs)
    WHERE coalesce(CASE WHEN base <> '' THEN base ELSE correction_of END, '') <> ''
),
corrected AS (
    -- the corrected document as held: the latest published on or before the correction
    SELECT c.document_number, c.publication_date, e.proclamation_number, e.executive_order_number
    FROM corrections c
    JOIN docs e ON e.document_number = c.target AND e.publication_date <= c.publication_date
    QUALIFY row_number() OVER (PARTITION BY c.document_number, c.publication_date ORDER BY e.publication_date DESC) = 1
),
correction_links AS (
    SELECT c.document_number, c.publication_date, c.target AS linked_document_number,
           CASE WHEN h.document_number IS NULL THEN c.proclamation_number ELSE h.proclamation_number END AS linked_proclamation_number,
           CASE WHEN h.document_number IS NULL THEN c.executive_order_number ELSE h.executive_order_number END AS linked_executive_order_number,
           'corrects' AS link_kind, c.evidence, [0] AS ordinal
    FROM corrections c
    LEFT JOIN corrected h USING (document_number, publication_date)
),
all_links AS (
    SELECT * FROM correction_links
    UNION ALL
    SELECT * FROM amend_links
)
SELECT document_number, publication_date, linked_document_number, linked_proclamation_number,
       linked_executive_order_number, link_kind, evidence
FROM all_links
-- one row per link; the first evidence found is kept
QUALIFY row_number() OVER (
    PARTITION BY document_number, publication_date, linked_document_number, linked_proclamation_number,
                 linked_executive_order_number, link_kind
    ORDER BY ordinal
) = 1
ORDER BY publication_date, document_number, link_kind, ordinal;

COMMENT ON TABLE core.fct_federal_register_links IS 'Links from a Federal Register document to the documents it corrects (R1-/C1- number or correction_of), amends, modifies, supersedes or revokes (its title, abstract or disposition notes say so and name the Executive Order or proclamation); one row per link, with the text that says so.';
COMMENT ON COLUMN core.fct_federal_register_links.document_number IS 'The linking document (the correction, or the order that amends); key to core.fct_federal_register_documents with publication_date.';
COMMENT ON COLUMN core.fct_federal_register_links.publication_date IS 'Publication date of the linking document.';
COMMENT ON COLUMN core.fct_federal_register_links.linked_document_number IS 'Document number of the target: the corrected number for corrections; for amendments the feed document carrying the named EO or proclamation (original, earliest first), NULL when the feed does not hold it.';
COMMENT ON COLUMN core.fct_federal_register_links.linked_proclamation_number IS 'Proclamation number of the target, as named in the text (or the corrected document''s); NULL for an Executive Order.';
COMMENT ON COLUMN core.fct_federal_register_links.linked_executive_order_number IS 'Executive Order number of the target, as named in the text (or the corrected document''s); NULL for a proclamation.';
COMMENT ON COLUMN core.fct_federal_register_links.link_kind IS 'corrects, amends, modifies, supersedes or revokes (revokes also covers terminates).';
COMMENT ON COLUMN core.fct_federal_register_links.evidence IS 'What says so: the document number or correction_of field, the words from the verb to the reference (spaces collapsed), or title plus the reference of the abstract or disposition notes.';
