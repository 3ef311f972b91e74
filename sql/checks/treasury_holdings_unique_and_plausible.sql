-- asset: core.treasury_holdings
-- blocking: true
-- description: The latest holdings view has one row per country and month, and every value is between 0 and 5,000 billion dollars.
SELECT iso3, ref_month, count(*) AS rows, min(holdings_usd_bn) AS low, max(holdings_usd_bn) AS high,
       format('{} {}: {} rows, values {} .. {}', iso3, ref_month, count(*), min(holdings_usd_bn), max(holdings_usd_bn)) AS problem
FROM core.treasury_holdings
GROUP BY iso3, ref_month
HAVING count(*) > 1 OR min(holdings_usd_bn) < 0 OR max(holdings_usd_bn) > 5000
