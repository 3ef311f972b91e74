-- Staging table for the explicit label map kept in pipelines/countries.py.
CREATE TABLE IF NOT EXISTS staging.country_labels (
    label VARCHAR,
    iso3 VARCHAR,
    aggregate VARCHAR,
    raw_sha256 VARCHAR,
    source_url VARCHAR,
    fetched_at TIMESTAMPTZ
);

COMMENT ON TABLE staging.country_labels IS 'One row per source label the parsers accept, with the country or aggregate it stands for (pipelines/countries.py); replaced whole when that module changes.';
COMMENT ON COLUMN staging.country_labels.label IS 'The source label after whitespace and footnote markers are removed, as matched.';
COMMENT ON COLUMN staging.country_labels.iso3 IS 'ISO 3166-1 alpha-3 country the label stands for; NULL when the label is an aggregate.';
COMMENT ON COLUMN staging.country_labels.aggregate IS 'Aggregate code the label stands for (e.g. grand_total, foreign_official); NULL when the label is a country.';
