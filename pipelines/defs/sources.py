"""Every source the warehouse ingests, by family. `TLW_SKIP_SOURCES` names come from here."""

from pipelines.defs import debt, reference, reserves, tariffs, tic
from pipelines.ingest import Source

ALL_SOURCES: list[Source] = [*reference.SOURCES, *tic.SOURCES, *reserves.SOURCES, *debt.SOURCES, *tariffs.SOURCES]
SOURCE_NAMES = tuple(s.name for s in ALL_SOURCES)
