-- asset: core.fct_marketable_debt
-- blocking: false
-- description: In every MSPD table 1 month held (latest copy of each line), the Marketable class lines add up to the Total Marketable line and held by the public + intragovernmental = total on that line, within one million dollars. A gap means a class was renamed or dropped by the publisher, or a page was read wrong: the marketable denominator would then be in doubt.
WITH lines AS (
    SELECT DISTINCT ON (record_date, security_type_desc, security_class_desc) *
    FROM staging.mspd
    ORDER BY record_date, security_type_desc, security_class_desc, fetched_at DESC
),
sums AS (
    SELECT record_date,
           sum(total_usd_mil) FILTER (WHERE security_type_desc = 'Marketable') AS class_lines_mil,
           max(total_usd_mil) FILTER (WHERE security_type_desc = 'Total Marketable') AS total_mil,
           max(debt_held_public_usd_mil + intragov_hold_usd_mil) FILTER (WHERE security_type_desc = 'Total Marketable') AS split_mil,
           max(source_url) AS source_url
    FROM lines
    GROUP BY record_date
)
SELECT record_date, class_lines_mil, total_mil, split_mil,
       format('MSPD {}: Marketable class lines {:.1f} vs Total Marketable {:.1f} million, public + intragovernmental {:.1f} ({})',
              record_date, class_lines_mil, total_mil, split_mil, source_url) AS problem
FROM sums
WHERE total_mil IS NOT NULL
  AND (abs(coalesce(class_lines_mil, 0) - total_mil) > 1 OR abs(coalesce(split_mil, total_mil) - total_mil) > 1)
ORDER BY record_date
