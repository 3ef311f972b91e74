-- asset: core.reserves
-- blocking: false
-- description: Where MOF and FRED (TRESEGJPM052N) both give Japan for a month (latest vintages), MOF total minus gold agrees with FRED's total excluding gold within 2% of the MOF total. The measures are not the same line: FRED/IMF converts via SDR at its own rates and revises on its own schedule (the fixture months differ by 0.1-0.2%), so larger gaps are reported month by month as a warning, not a block.
WITH mof AS (
    SELECT ref_month, total_reserves_usd_mn AS mof_total, gold_usd_mn AS mof_gold, vintage AS mof_vintage
    FROM core.reserves WHERE iso3 = 'JPN' AND source = 'mof_reserves' AND measure = 'total_incl_gold'
),
fred AS (
    SELECT ref_month, total_reserves_usd_mn AS fred_excl_gold, vintage AS fred_vintage
    FROM core.reserves WHERE iso3 = 'JPN' AND source = 'fred' AND measure = 'total_excl_gold'
)
SELECT ref_month, mof_total, mof_gold, fred_excl_gold, mof_vintage, fred_vintage,
       mof_total - coalesce(mof_gold, 0) - fred_excl_gold AS gap_usd_mn,
       format('Japan {}: MOF total {} minus gold {} = {} but FRED total excluding gold is {:.2f} (gap {:.2f}, more than 2% of {})',
              ref_month, mof_total, coalesce(mof_gold, 0), mof_total - coalesce(mof_gold, 0), fred_excl_gold,
              mof_total - coalesce(mof_gold, 0) - fred_excl_gold, mof_total) AS problem
FROM mof JOIN fred USING (ref_month)
WHERE abs(mof_total - coalesce(mof_gold, 0) - fred_excl_gold) > 0.02 * mof_total
ORDER BY ref_month
