"""TIC: Treasury International Capital holdings of U.S. Treasuries by country."""

from pipelines.ingest import FileSource, single_url
from pipelines.sources import tic_mfh_history, tic_table3, tic_table5

TIC_DOCUMENTS = "https://ticdata.treasury.gov/resource-center/data-chart-center/tic/Documents/"


SOURCES = [
    FileSource(
        name="tic_mfh_history",
        family="tic",
        description="Major Foreign Holders history (mfhhis01.txt): Treasury holdings by country since March 2000, USD billions, every series break kept.",
        urls=single_url(TIC_DOCUMENTS + "mfhhis01.txt"),
        parse=tic_mfh_history.parse,
    ),
    FileSource(
        name="tic_table5",
        family="tic",
        description="Current Major Foreign Holders table (slt_table5.txt): the latest 13 months by country, USD billions.",
        urls=single_url(TIC_DOCUMENTS + "slt_table5.txt"),
        parse=tic_table5.parse,
    ),
    FileSource(
        name="tic_table3",
        family="tic",
        description="TIC Table 3 (slt_table3.txt): Treasury positions, net purchases and valuation changes by country, USD millions.",
        urls=single_url(TIC_DOCUMENTS + "slt_table3.txt"),
        parse=tic_table3.parse,
    ),
]
