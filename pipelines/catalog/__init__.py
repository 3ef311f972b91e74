"""The source catalogue: every source the warehouse ingests, one module per family.

Not Dagster code: the CLI (`tlw refresh`, `tlw status`), the probe (`pipelines.probe`), the
benchmarks and the Dagster definitions (`pipelines.defs`) all read `ALL_SOURCES` from here. To add
a source, declare it in its family's module (or a new one) and list that module's `SOURCES` below;
its name is then a `TLW_SKIP_SOURCES` name and `staging.<name>` an asset.
"""

from pipelines.catalog import debt, markets, reference, reserves, tariffs, tic
from pipelines.ingest import Source

ALL_SOURCES: list[Source] = [*reference.SOURCES, *tic.SOURCES, *reserves.SOURCES, *debt.SOURCES, *tariffs.SOURCES, *markets.SOURCES]
SOURCE_NAMES = tuple(s.name for s in ALL_SOURCES)
