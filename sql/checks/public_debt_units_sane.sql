-- asset: core.fct_public_debt
-- blocking: true
-- description: Every Debt to the Penny record held (its latest copy, as core uses it: every business day, not only month ends) is in dollars: total public debt between 1 and 100 trillion, and where the split is published, held by the public + intragovernmental = total within one dollar. A bad record is cleared by re-requesting it (tlw refresh --full-history).
WITH records AS (
    SELECT DISTINCT ON (record_date) record_date, debt_held_public_usd, intragov_hold_usd, tot_pub_debt_out_usd,
           raw_sha256, source_url
    FROM staging.debt_to_penny
    ORDER BY record_date, fetched_at DESC
)
SELECT record_date, debt_held_public_usd, intragov_hold_usd, tot_pub_debt_out_usd, raw_sha256,
       CASE WHEN tot_pub_debt_out_usd IS NULL OR NOT tot_pub_debt_out_usd BETWEEN 1e12 AND 1e14
            THEN format('record {}: total public debt {} dollars is outside 1..100 trillion ({})',
                        record_date, tot_pub_debt_out_usd, source_url)
            ELSE format('record {}: held by the public {:.2f} + intragovernmental {:.2f} <> total {:.2f} dollars ({})',
                        record_date, debt_held_public_usd, intragov_hold_usd, tot_pub_debt_out_usd, source_url)
       END AS problem
FROM records
WHERE tot_pub_debt_out_usd IS NULL
   OR NOT tot_pub_debt_out_usd BETWEEN 1e12 AND 1e14
   OR abs(debt_held_public_usd + intragov_hold_usd - tot_pub_debt_out_usd) > 1
ORDER BY record_date
