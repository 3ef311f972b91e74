-- asset: marts.leverage_monthly
-- blocking: false
-- description: Where present, holdings_to_reserves is strictly between 0 and 5 (Treasuries held are a positive fraction of, or at most five times, the holder's reserves); outside that, a unit or measure mix-up is likely.
SELECT iso3, ref_month, holdings_usd_bn, reserves_usd_bn, reserves_measure, holdings_to_reserves,
       format('{} {}: holdings {} bn / reserves {} bn ({}) = {}, outside (0, 5)',
              iso3, ref_month, holdings_usd_bn, reserves_usd_bn, reserves_measure, holdings_to_reserves) AS problem
FROM marts.leverage_monthly
WHERE holdings_to_reserves IS NOT NULL
  AND NOT (holdings_to_reserves > 0 AND holdings_to_reserves < 5)
