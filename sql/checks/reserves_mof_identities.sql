-- asset: core.fct_reserves
-- blocking: true
-- description: On every MOF row of every vintage, total reserves = FX reserves + IMF position + SDRs + gold + other reserve assets, and FX reserves = securities + deposits, exactly (MOF publishes whole US$ millions; a missing part counts as 0).
SELECT iso3, ref_month, vintage, raw_sha256, total_reserves_usd_mn, fx_reserves_usd_mn,
       securities_usd_mn, deposits_usd_mn,
       format('MOF {} (vintage {}): {}', ref_month, vintage,
              CASE WHEN total_reserves_usd_mn <> coalesce(fx_reserves_usd_mn, 0) + coalesce(imf_position_usd_mn, 0)
                        + coalesce(sdr_usd_mn, 0) + coalesce(gold_usd_mn, 0) + coalesce(other_reserve_assets_usd_mn, 0)
                   THEN format('total {} but FX + IMF + SDR + gold + other = {}', total_reserves_usd_mn,
                               coalesce(fx_reserves_usd_mn, 0) + coalesce(imf_position_usd_mn, 0) + coalesce(sdr_usd_mn, 0)
                               + coalesce(gold_usd_mn, 0) + coalesce(other_reserve_assets_usd_mn, 0))
                   ELSE format('FX reserves {} but securities + deposits = {}', fx_reserves_usd_mn,
                               coalesce(securities_usd_mn, 0) + coalesce(deposits_usd_mn, 0))
              END) AS problem
FROM core.fct_reserves
WHERE source = 'mof_reserves'
  AND (total_reserves_usd_mn IS NULL
       OR total_reserves_usd_mn <> coalesce(fx_reserves_usd_mn, 0) + coalesce(imf_position_usd_mn, 0)
            + coalesce(sdr_usd_mn, 0) + coalesce(gold_usd_mn, 0) + coalesce(other_reserve_assets_usd_mn, 0)
       OR coalesce(fx_reserves_usd_mn, 0) <> coalesce(securities_usd_mn, 0) + coalesce(deposits_usd_mn, 0))
