"""Reference data kept in the repository and reviewed like code: the country dimension."""

from pipelines import countries
from pipelines.ingest import SeedSource, in_code

SOURCES = [
    SeedSource(
        name="countries",
        family="reference",
        description="Countries that hold Treasuries: ISO 3166 alpha-3, name, custody-centre flag, and every source label that maps to each (pipelines/countries.py).",
        frame=in_code(countries.dim_country_frame),
        origin="pipelines/countries.py",
    ),
    SeedSource(
        name="country_labels",
        family="reference",
        description="Every source label the parsers accept, with the country (iso3) or aggregate it stands for; nothing is matched fuzzily (pipelines/countries.py).",
        frame=in_code(countries.label_map_frame),
        origin="pipelines/countries.py",
    ),
]
