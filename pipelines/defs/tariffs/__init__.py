"""U.S. tariff actions: the Federal Register feed and the curated event register."""

SOURCES: list = []
