-- Staging table for the country dimension kept in pipelines/countries.py.
CREATE TABLE IF NOT EXISTS staging.countries (
    iso3 VARCHAR,
    name VARCHAR,
    is_custody_center BOOLEAN,
    aliases VARCHAR[],
    raw_sha256 VARCHAR,
    source_url VARCHAR,
    fetched_at TIMESTAMPTZ
);

COMMENT ON TABLE staging.countries IS 'One row per country that holds Treasuries, from the dimension kept in pipelines/countries.py; replaced whole when that module changes.';
COMMENT ON COLUMN staging.countries.iso3 IS 'ISO 3166-1 alpha-3 code of the country.';
COMMENT ON COLUMN staging.countries.name IS 'Country name as the warehouse prints it.';
COMMENT ON COLUMN staging.countries.is_custody_center IS 'True for custody and financial centres (e.g. Belgium, Luxembourg, Cayman Islands) whose TIC figures largely hold securities for residents of other countries.';
COMMENT ON COLUMN staging.countries.aliases IS 'Every source label (TIC, MOF, FRED) that maps to this country, exactly as matched; nothing is matched fuzzily.';
