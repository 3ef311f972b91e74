"""Weekly and event evidence for the April 2025 sell-off: Japan MOF weekly securities flows and the
curated register of official statements.

Sources (the names are the `TLW_SKIP_SOURCES` names):

- `mof_weekly_securities`: Japan MOF "International Transactions in Securities (Weekly; based on
  reports from designated major investors)", one cumulative `week.csv` (every week since 2005),
  Japanese residents' and non-residents' acquisitions and dispositions by instrument, 100 million
  yen. Every body fetched is kept as its own vintage (`Final Update` date printed in the file).
  No copy of the file was available when the parser was written: the first live run is its first
  real test, and the parser fails naming the line on anything it does not know.
- `policy_statements`: the curated register `pipelines/data/policy_statements.csv` (see
  `pipelines/policy_statements.py`), validated on load: a bad row fails the refresh naming its line.

The daily and weekly FRED series (yields, term premium, H.4.1 custody holdings) are in the `fred`
source of the reserves family, with their units in `fred.SERIES`.
"""

from __future__ import annotations

from pipelines import policy_statements
from pipelines.ingest import FileSource, SeedSource, in_code, single_url
from pipelines.sources import mof_weekly_securities

MOF_WEEKLY_URL = "https://www.mof.go.jp/policy/international_policy/reference/itn_transactions_in_securities/week.csv"

SOURCES = [
    FileSource(
        name="mof_weekly_securities",
        family="markets",
        description=(
            "Japan MOF weekly International Transactions in Securities (week.csv, designated major "
            "investors): residents' net acquisition of foreign equity, long- and short-term debt, and "
            "non-residents' of Japanese securities, per Sunday-to-Saturday week, 100 million yen; every "
            "vintage kept."
        ),
        urls=single_url(MOF_WEEKLY_URL),
        parse=mof_weekly_securities.parse,
    ),
    SeedSource(
        name="policy_statements",
        family="markets",
        description=(
            "The curated register of official statements about using Treasury holdings and of the "
            "U.S.-Japan talks rounds (pipelines/data/policy_statements.csv): date, time zone, speaker, "
            "office, kind, short quote, source. Validated on load: a bad row fails the refresh."
        ),
        frame=in_code(policy_statements.statements_frame),
        origin="pipelines/data/policy_statements.csv",
    ),
]
