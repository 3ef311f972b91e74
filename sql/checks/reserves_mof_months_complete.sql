-- asset: core.fct_reserves
-- blocking: true
-- description: MOF's historical.csv prints every month end since 2000-04, and a new body revises months but never drops one: no month an earlier body held is missing from the newest body, and the newest body has no one-month hole between two months it prints (a lost row). A missing month would silently drop Japan's reserves, and holdings_to_reserves, for that month. Names the month and the file.
WITH newest AS (
    SELECT arg_max(raw_sha256, fetched_at) AS raw_sha256 FROM staging.mof_reserves
),
printed AS (
    SELECT ref_month, source_url FROM staging.mof_reserves JOIN newest USING (raw_sha256)
),
expected AS (
    SELECT DISTINCT ref_month, 'held by an earlier body' AS why FROM staging.mof_reserves
    UNION
    SELECT CAST(ref_month + INTERVAL 1 MONTH AS DATE), 'a one-month hole between two printed months'
    FROM printed
    WHERE CAST(ref_month + INTERVAL 2 MONTH AS DATE) IN (SELECT ref_month FROM printed)
)
SELECT e.ref_month, e.why, (SELECT any_value(source_url) FROM printed) AS source_url,
       format('MOF reserves {}: month missing from the newest historical.csv ({}; {})',
              strftime(e.ref_month, '%Y-%m'), (SELECT any_value(source_url) FROM printed), e.why) AS problem
FROM expected e
WHERE e.ref_month NOT IN (SELECT ref_month FROM printed)
ORDER BY e.ref_month, e.why
