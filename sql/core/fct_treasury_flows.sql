-- question: Did each country buy or sell Treasuries in a month, and how much of its change in holdings was price (valuation) rather than trading?
-- depends_on: staging.tic_table3
CREATE OR REPLACE TABLE core.fct_treasury_flows AS
SELECT DISTINCT ON (iso3, ref_month, vintage)
       iso3, ref_month,
       for_treas_pos_usd_mn / 1000.0 AS holdings_usd_bn,
       for_lt_treas_pos_usd_mn / 1000.0 AS lt_holdings_usd_bn,
       for_st_treas_pos_usd_mn / 1000.0 AS st_holdings_usd_bn,
       for_treas_net_usd_mn / 1000.0 AS net_purchases_usd_bn,
       -for_treas_net_usd_mn / 1000.0 AS net_sales_usd_bn,
       for_lt_treas_valchg_usd_mn / 1000.0 AS lt_valuation_change_usd_bn,
       core.vintage_date(fetched_at) AS vintage,
       raw_sha256
FROM staging.tic_table3
WHERE iso3 IS NOT NULL
ORDER BY iso3, ref_month, vintage, fetched_at DESC;

COMMENT ON TABLE core.fct_treasury_flows IS 'TIC Table 3 by country and month, every vintage: positions, net foreign purchases and valuation changes of U.S. Treasuries, in billions of dollars. Net flows are what separate selling from price moves.';
COMMENT ON COLUMN core.fct_treasury_flows.iso3 IS 'Holder country, ISO 3166 alpha-3.';
COMMENT ON COLUMN core.fct_treasury_flows.ref_month IS 'Month of the flows and of the end-of-month position (first day of the month).';
COMMENT ON COLUMN core.fct_treasury_flows.holdings_usd_bn IS 'Total Treasury holdings at month end (for_treas_pos / 1000), billions of dollars.';
COMMENT ON COLUMN core.fct_treasury_flows.lt_holdings_usd_bn IS 'Long-term Treasury notes and bonds held at month end (for_lt_treas_pos / 1000), billions.';
COMMENT ON COLUMN core.fct_treasury_flows.st_holdings_usd_bn IS 'Short-term Treasury bills held at month end (for_st_treas_pos / 1000), billions.';
COMMENT ON COLUMN core.fct_treasury_flows.net_purchases_usd_bn IS 'Net foreign purchases of Treasuries in the month (for_treas_net / 1000), billions, TIC sign convention: positive = foreign residents bought (net inflow to the U.S.).';
COMMENT ON COLUMN core.fct_treasury_flows.net_sales_usd_bn IS 'Net sales = -net_purchases_usd_bn, billions: positive = the country sold more Treasuries than it bought in the month.';
COMMENT ON COLUMN core.fct_treasury_flows.lt_valuation_change_usd_bn IS 'Change in the value of long-term holdings from price and other non-transaction changes (for_lt_treas_valchg / 1000), billions.';
COMMENT ON COLUMN core.fct_treasury_flows.vintage IS 'Date Table 3 was fetched (the file prints no publication date).';
COMMENT ON COLUMN core.fct_treasury_flows.raw_sha256 IS 'sha256 of the raw slt_table3.txt the row was parsed from.';
