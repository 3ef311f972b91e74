-- question: Which countries did each tariff event concern, so events can be joined to each country's Treasury holdings?
-- depends_on: core.dim_tariff_event, core.dim_country
CREATE OR REPLACE TABLE core.bridge_tariff_event_country AS
WITH listed AS (
    SELECT event_id, unnest(partners) AS iso3, false AS via_scope_all
    FROM core.dim_tariff_event
    WHERE partner_scope = 'listed'
),
everyone AS (
    SELECT e.event_id, c.iso3, true AS via_scope_all
    FROM core.dim_tariff_event e
    CROSS JOIN core.dim_country c
    WHERE e.partner_scope = 'all' AND NOT list_contains(e.excluded_partners, c.iso3)
),
pairs AS (
    SELECT DISTINCT * FROM listed
    UNION ALL
    SELECT * FROM everyone
)
SELECT r.event_id, r.iso3, r.via_scope_all, c.iso3 IS NOT NULL AS in_dim_country
FROM pairs r
LEFT JOIN core.dim_country c USING (iso3)
ORDER BY r.event_id, r.iso3;

COMMENT ON TABLE core.bridge_tariff_event_country IS 'One row per tariff event and country it concerned: the listed partners of a partner_scope listed event, or, for partner_scope all, every country of core.dim_country less the excluded partners.';
COMMENT ON COLUMN core.bridge_tariff_event_country.event_id IS 'The event (core.dim_tariff_event).';
COMMENT ON COLUMN core.bridge_tariff_event_country.iso3 IS 'ISO 3166 alpha-3 code of the country concerned.';
COMMENT ON COLUMN core.bridge_tariff_event_country.via_scope_all IS 'True when the country is here because the event applied to all partners (not named by it); false when the event lists it.';
COMMENT ON COLUMN core.bridge_tariff_event_country.in_dim_country IS 'True when core.dim_country (the Treasury holders the warehouse tracks) has the country; a listed partner outside it (Liechtenstein, smaller EU members) joins to no holdings.';
