-- The vintage date of a fetch: the calendar day of `fetched_at` in UTC, whatever the session's or
-- the machine's time zone. Every model that dates a vintage by its fetch uses this macro, so a
-- refresh on a machine set to Asia/Tokyo gives the same days as one in New York (a bare
-- CAST(fetched_at AS DATE) takes the session's zone: 2026-03-18 20:00 UTC is 03-19 in Tokyo).
CREATE OR REPLACE MACRO core.vintage_date(fetched_at) AS CAST(timezone('UTC', fetched_at) AS DATE);
