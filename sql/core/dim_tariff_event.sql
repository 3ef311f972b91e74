-- question: Which U.S. tariff actions since 2018 could a Treasury holder have reacted to, with their announced, signed, published and effective dates kept apart, and what does the Federal Register say about each?
-- depends_on: staging.tariff_register, staging.federal_register, core.dim_country
--
-- Reads the feed from staging (the latest fetched version of each document, as
-- core.fct_federal_register_documents does), not from that core table: a refresh with the
-- federal_register source switched off (TLW_SKIP_SOURCES) never builds it, and the events must
-- still be published, with their register values only. Built after core.dim_country (for
-- affected_countries), so every refresh that builds the country dimension builds this table too,
-- even with both tariff sources switched off, and the models reading it find it.
CREATE OR REPLACE TABLE core.dim_tariff_event AS
WITH feed AS (
    SELECT document_number, publication_date, title, signing_date, executive_order_number,
           proclamation_number, citation, html_url
    FROM staging.federal_register
    QUALIFY row_number() OVER (
        PARTITION BY document_number, publication_date ORDER BY fetched_at DESC, source_url, result_index
    ) = 1
),
feed_match AS (
    -- The feed document of each event: numbers were reused before 2016, so the one published on the
    -- register's date when there is one, else the earliest (as tariff_register.compare_with_feed).
    SELECT r.event_id, d.document_number, d.publication_date, d.title, d.signing_date,
           d.executive_order_number, d.proclamation_number, d.citation, d.html_url
    FROM staging.tariff_register r
    JOIN feed d ON d.document_number = r.fr_document_number
    QUALIFY row_number() OVER (
        PARTITION BY r.event_id
        ORDER BY d.publication_date IS NOT DISTINCT FROM r.published_on DESC, d.publication_date
    ) = 1
),
affected AS (
    -- as core.bridge_tariff_event_country counts them
    SELECT r.event_id,
           CASE WHEN r.partner_scope = 'listed' THEN len(list_distinct(r.partners))
                WHEN r.partner_scope = 'all' THEN (SELECT count(*) FROM core.dim_country c WHERE NOT list_contains(r.excluded_partners, c.iso3))
           END AS affected_countries
    FROM staging.tariff_register r
),
joined AS (
    SELECT r.*, a.affected_countries, f.document_number AS feed_document_number, f.publication_date AS feed_published_on,
           f.title AS feed_title, f.signing_date AS feed_signing_date,
           f.executive_order_number AS feed_executive_order_number,
           f.proclamation_number AS feed_proclamation_number, f.citation AS feed_citation, f.html_url AS feed_html_url
    FROM staging.tariff_register r
    LEFT JOIN feed_match f USING (event_id)
    LEFT JOIN affected a USING (event_id)
)
SELECT
    event_id,
    coalesce(nullif(trim(title), ''), feed_title) AS title,
    CASE WHEN nullif(trim(title), '') IS NOT NULL THEN 'register' WHEN feed_title IS NOT NULL THEN 'feed' END AS title_source,
    announced_on,
    signed_on,
    coalesce(published_on, feed_published_on) AS published_on,
    CASE WHEN published_on IS NOT NULL THEN 'register' WHEN feed_published_on IS NOT NULL THEN 'feed' END AS published_on_source,
    -- The first date the action was public (announced, else signed, else published, else
    -- effective): every event window starts from it, never from a later legal date.
    coalesce(announced_on, signed_on, published_on, feed_published_on, effective_on) AS event_date,
    CASE WHEN announced_on IS NOT NULL THEN 'announced_on'
         WHEN signed_on IS NOT NULL THEN 'signed_on'
         WHEN coalesce(published_on, feed_published_on) IS NOT NULL THEN 'published_on'
         WHEN effective_on IS NOT NULL THEN 'effective_on' END AS event_date_basis,
    effective_on,
    authority,
    action,
    partner_scope,
    partners,
    excluded_partners,
    scope_evidence,
    scope_source,
    affected_countries,
    sectors,
    rate_before_pct,
    rate_after_pct,
    rate_threatened_pct,
    fr_document_number,
    feed_document_number IS NOT NULL AS fr_in_feed,
    feed_published_on AS fr_publication_date,
    feed_title AS fr_title,
    feed_signing_date AS fr_signing_date,
    feed_executive_order_number AS fr_executive_order_number,
    feed_proclamation_number AS fr_proclamation_number,
    feed_citation AS fr_citation,
    feed_html_url AS fr_html_url,
    CASE WHEN published_on IS NOT NULL AND feed_published_on IS NOT NULL
         THEN published_on = feed_published_on END AS published_on_agrees_with_feed,
    -- compared without case, punctuation or spacing, as tariff_register._normalise_title
    CASE WHEN nullif(trim(title), '') IS NOT NULL AND feed_title IS NOT NULL
         THEN trim(regexp_replace(lower(title), '[^0-9a-z]+', ' ', 'g'))
              = trim(regexp_replace(lower(feed_title), '[^0-9a-z]+', ' ', 'g')) END AS title_agrees_with_feed,
    event_source_url AS source_url,
    notes,
    csv_line,
    source_url AS register_file,
    raw_sha256 AS register_sha256
FROM joined
ORDER BY event_date, event_id;

COMMENT ON TABLE core.dim_tariff_event IS 'One row per U.S. tariff event of the curated register (pipelines/data/tariff_events.csv), joined to its Federal Register document: published date and title come from the feed only where the register leaves them empty (the *_source columns say which); a disagreement is kept as the register says and reported by the check tariff_register_agrees_with_feed.';
COMMENT ON COLUMN core.dim_tariff_event.event_id IS 'Stable id YYYY-MM-DD-<instrument>-<what>; never renamed once used.';
COMMENT ON COLUMN core.dim_tariff_event.title IS 'The register title (official title where there is an FR document), else the feed''s.';
COMMENT ON COLUMN core.dim_tariff_event.title_source IS 'register or feed: where title comes from (NULL when neither has one).';
COMMENT ON COLUMN core.dim_tariff_event.announced_on IS 'Date first announced (a court ruling: its decision date); NULL when unknown or the same act as the signing.';
COMMENT ON COLUMN core.dim_tariff_event.signed_on IS 'Date the President signed the instrument; NULL when there is none or it is unknown.';
COMMENT ON COLUMN core.dim_tariff_event.published_on IS 'Federal Register publication date: the register''s, else the feed''s (see published_on_source).';
COMMENT ON COLUMN core.dim_tariff_event.published_on_source IS 'register or feed: where published_on comes from (NULL when neither has one).';
COMMENT ON COLUMN core.dim_tariff_event.event_date IS 'The first date the action was public: announced_on, else signed_on, else published_on, else effective_on (event_date_basis says which). Event windows start from it. It is not the legal effective date: Proclamation 10908 (autos) has event_date 2025-03-26 (signed) but effective_on 2025-04-03, and EO 14345 (Japan) event_date 2025-09-04 but effective_on 2025-08-07 (retroactive). NULL only when the register gives no date at all.';
COMMENT ON COLUMN core.dim_tariff_event.event_date_basis IS 'Which date event_date is: announced_on, signed_on, published_on (the register''s, else the Federal Register feed''s) or effective_on (no earlier public date known).';
COMMENT ON COLUMN core.dim_tariff_event.effective_on IS 'Legal effective date of the measure (may precede signing when retroactive, which notes then say).';
COMMENT ON COLUMN core.dim_tariff_event.authority IS 'Legal basis: ieepa, section_232, section_301, section_122, section_338, section_201, agreement (a deal with no instrument of its own) or court.';
COMMENT ON COLUMN core.dim_tariff_event.action IS 'impose, increase, decrease, pause, exempt, terminate, agreement or ruling.';
COMMENT ON COLUMN core.dim_tariff_event.partner_scope IS 'all (every partner less excluded_partners) or listed (only partners); core.bridge_tariff_event_country has one row per country.';
COMMENT ON COLUMN core.dim_tariff_event.partners IS 'ISO 3166 alpha-3 codes of the partners concerned when partner_scope is listed (the EU as its 27 member states); empty for all.';
COMMENT ON COLUMN core.dim_tariff_event.excluded_partners IS 'ISO 3166 alpha-3 codes exempted from a partner_scope all event.';
COMMENT ON COLUMN core.dim_tariff_event.scope_evidence IS 'The clause(s) of the order that set partners and exemptions, quoted verbatim (several separated by " […] "), for example EO 14257 sec. 3(e) for Canada and Mexico. Quoted from the order''s stored text where there is one, else from the fact table EVENTS_FACTS.md (then scope_source says so): the evidence is the quote, not the register''s reading of it.';
COMMENT ON COLUMN core.dim_tariff_event.scope_source IS 'Where each quote of scope_evidence is, in the same order, separated by "; ": a file under ../shared/sources (tariffs/whitehouse/<order>.md = the order''s own text; tariffs/EVENTS_FACTS.md = a secondary fact table, used where no order text is stored).';
COMMENT ON COLUMN core.dim_tariff_event.affected_countries IS 'How many countries the event concerns, as core.bridge_tariff_event_country lists them: the distinct listed partners, or for partner_scope all every country of core.dim_country less the excluded partners.';
COMMENT ON COLUMN core.dim_tariff_event.sectors IS 'snake_case sector labels (all, autos, steel, aluminum, ...).';
COMMENT ON COLUMN core.dim_tariff_event.rate_before_pct IS 'Additional ad valorem duty of the measure in force before the event, percent (not a threatened rate: see rate_threatened_pct); NULL when not a single number.';
COMMENT ON COLUMN core.dim_tariff_event.rate_after_pct IS 'Additional ad valorem duty of the measure after the event, percent; NULL when not a single number.';
COMMENT ON COLUMN core.dim_tariff_event.rate_threatened_pct IS 'A rate only threatened (by letter or announcement) and never in force, percent; NULL otherwise. rate_before_pct and rate_after_pct are rates in force: the 2025-07-22 U.S.-Japan deal went from 10 (in force) to 15, with 25 threatened by the 2025-07-07 letter, so it lowered Japan''s rate by 5 points, not 10.';
COMMENT ON COLUMN core.dim_tariff_event.fr_document_number IS 'Federal Register document the event rests on, as the register gives it; NULL for announcements, deals and rulings without one.';
COMMENT ON COLUMN core.dim_tariff_event.fr_in_feed IS 'True when the Federal Register feed (core.fct_federal_register_documents, staging.federal_register) holds fr_document_number.';
COMMENT ON COLUMN core.dim_tariff_event.fr_publication_date IS 'Publication date of that document in the feed (the one published on the register''s date when the number was reused, else the earliest); NULL when not in the feed.';
COMMENT ON COLUMN core.dim_tariff_event.fr_title IS 'Official title of that document in the feed.';
COMMENT ON COLUMN core.dim_tariff_event.fr_signing_date IS 'Signing date of that document in the feed (presidential documents).';
COMMENT ON COLUMN core.dim_tariff_event.fr_executive_order_number IS 'Executive Order number of that document in the feed.';
COMMENT ON COLUMN core.dim_tariff_event.fr_proclamation_number IS 'Proclamation number of that document in the feed.';
COMMENT ON COLUMN core.dim_tariff_event.fr_citation IS 'Federal Register citation of that document (90 FR 15041).';
COMMENT ON COLUMN core.dim_tariff_event.fr_html_url IS 'federalregister.gov page of that document.';
COMMENT ON COLUMN core.dim_tariff_event.published_on_agrees_with_feed IS 'Register published_on equals the feed''s publication date; NULL when either is missing. False rows are listed by the check tariff_register_agrees_with_feed.';
COMMENT ON COLUMN core.dim_tariff_event.title_agrees_with_feed IS 'Register title equals the feed''s, ignoring case, punctuation and spacing; NULL when either is missing.';
COMMENT ON COLUMN core.dim_tariff_event.source_url IS 'The document the register row rests on (Federal Register page, White House, court, USTR).';
COMMENT ON COLUMN core.dim_tariff_event.notes IS 'Register notes: disagreements between sources, unverified values (marked †), retroactive effect.';
COMMENT ON COLUMN core.dim_tariff_event.csv_line IS 'Line of the register CSV the row starts on, for a reviewer to open.';
COMMENT ON COLUMN core.dim_tariff_event.register_file IS 'The register file loaded (pipelines/data/tariff_events.csv unless TLW_TARIFF_REGISTER named another).';
COMMENT ON COLUMN core.dim_tariff_event.register_sha256 IS 'sha256 of the register content loaded (staging raw_sha256).';
