-- asset: marts.claim_checks
-- blocking: true
-- description: Every weekly claim has a verdict allowed for its claim (custody: custody_fell, custody_rose, custody_unchanged, undetermined; MOF weekly: net_seller, net_buyer, no_net_flow; monthly TIC asked about a week: cannot_tell_monthly_only), evidence, a caveat, a Sunday-to-Saturday period, and one row per claim and week.
WITH weekly AS (
    SELECT *, count(*) OVER (PARTITION BY claim, period_start) AS rows_per_key
    FROM marts.claim_checks
    WHERE claim_frequency <> 'month'
)
SELECT claim, period_start, verdict,
       format('{} {}: verdict {}, {} row(s), period {} to {}', claim, period_start, coalesce(verdict, 'NULL'),
              rows_per_key, period_start, period_end) AS problem
FROM weekly
WHERE claim_frequency <> 'week'
   OR NOT (   (claim = 'foreign_official_sold_treasuries_week' AND verdict IN ('custody_fell', 'custody_rose', 'custody_unchanged', 'undetermined'))
           OR (claim = 'japan_investors_sold_foreign_bonds_week' AND verdict IN ('net_seller', 'net_buyer', 'no_net_flow'))
           OR (claim = 'japan_sold_treasuries_week' AND verdict = 'cannot_tell_monthly_only'))
   OR coalesce(evidence, '') = '' OR coalesce(caveat, '') = ''
   OR dayofweek(period_start) <> 0 OR period_end <> period_start + 6
   OR rows_per_key > 1
