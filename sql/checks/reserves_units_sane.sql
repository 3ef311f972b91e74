-- asset: core.fct_reserves
-- blocking: true
-- description: Reserves are in US$ millions: every MOF Japan total is between 100,000 and 3,000,000, and every FRED total excluding gold is between 0 and 5,000,000 (China's peak was about 4,000,000); a value outside means a unit or column changed.
SELECT iso3, ref_month, source, measure, vintage, total_reserves_usd_mn,
       format('{} {} {} (vintage {}): total {} US$ mn is outside {}', source, iso3, ref_month, vintage,
              total_reserves_usd_mn,
              CASE WHEN source = 'mof_reserves' THEN '100,000..3,000,000' ELSE '0..5,000,000' END) AS problem
FROM core.fct_reserves
WHERE (source = 'mof_reserves' AND (iso3 <> 'JPN' OR NOT total_reserves_usd_mn BETWEEN 100000 AND 3000000))
   OR (source = 'fred' AND NOT total_reserves_usd_mn BETWEEN 0 AND 5000000)
   OR total_reserves_usd_mn IS NULL
