-- asset: marts.claim_checks
-- blocking: true
-- description: Every claim check has a verdict from the documented set (net_seller, net_buyer, no_net_flow, holdings_fell, holdings_rose, holdings_unchanged, undetermined) consistent with the rule (flow verdicts only with Table 3 net sales), evidence text, and one row per holder and month (monthly claims).
WITH keyed AS (
    SELECT *, count(*) OVER (PARTITION BY iso3, ref_month) AS rows_per_key
    FROM marts.claim_checks
    WHERE claim_frequency = 'month'  -- weekly rows: claim_checks_weekly_verdict_known
)
SELECT iso3, ref_month, verdict,
       format('{} {}: {}', iso3, ref_month,
              CASE WHEN verdict IS NULL OR verdict NOT IN ('net_seller', 'net_buyer', 'no_net_flow', 'holdings_fell',
                                                           'holdings_rose', 'holdings_unchanged', 'undetermined')
                        THEN 'verdict ' || coalesce(verdict, 'NULL') || ' is not in the documented set'
                   WHEN (verdict IN ('net_seller', 'net_buyer', 'no_net_flow')) <> (net_sales_usd_bn IS NOT NULL)
                        THEN 'verdict ' || verdict || ' does not match the presence of Table 3 net sales'
                   WHEN evidence IS NULL OR evidence = '' THEN 'no evidence text'
                   ELSE rows_per_key || ' rows for one holder and month' END) AS problem
FROM keyed
WHERE verdict IS NULL
   OR verdict NOT IN ('net_seller', 'net_buyer', 'no_net_flow', 'holdings_fell', 'holdings_rose', 'holdings_unchanged', 'undetermined')
   OR (verdict IN ('net_seller', 'net_buyer', 'no_net_flow')) <> (net_sales_usd_bn IS NOT NULL)
   OR evidence IS NULL OR evidence = ''
   OR rows_per_key > 1
