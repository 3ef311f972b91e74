-- question: Which countries hold Treasuries, what is each called in every source, and is it a custody centre whose holdings reflect where securities are kept rather than who owns them?
-- depends_on: staging.countries
CREATE OR REPLACE TABLE core.dim_country AS
SELECT iso3, name, is_custody_center, aliases
FROM staging.countries
ORDER BY iso3;

COMMENT ON TABLE core.dim_country IS 'Countries as ISO 3166 alpha-3 codes, with every source label mapped to each (explicit, never fuzzy). Regional groups such as Caribbean banking centers are not countries and are not here.';
COMMENT ON COLUMN core.dim_country.iso3 IS 'ISO 3166-1 alpha-3 code; the key every country column in the warehouse joins on.';
COMMENT ON COLUMN core.dim_country.name IS 'Short English name.';
COMMENT ON COLUMN core.dim_country.is_custody_center IS 'True where TIC holdings reflect the custody location (Belgium, Luxembourg, United Kingdom, Cayman Islands, Ireland, Switzerland, ...) rather than the owner: a change there is not necessarily that country selling or buying.';
COMMENT ON COLUMN core.dim_country.aliases IS 'Every label the sources print for this country (TIC, MOF, FRED, Federal Register), after footnote markers and spaces are removed.';
