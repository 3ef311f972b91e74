-- asset: core.tic_reconciliation
-- blocking: true
-- description: Foreign official holdings equal official bills plus official bonds and notes, within printed rounding (0.15).
SELECT source, raw_sha256, ref_month, foreign_official_usd_bn, official_bills_usd_bn, official_bonds_notes_usd_bn,
       format('{} {}: foreign official {:.1f} but bills {:.1f} + bonds and notes {:.1f}', source, ref_month,
              foreign_official_usd_bn, official_bills_usd_bn, official_bonds_notes_usd_bn) AS problem
FROM core.tic_reconciliation
WHERE abs(foreign_official_usd_bn - official_bills_usd_bn - official_bonds_notes_usd_bn) > 0.15
