"""Treasury debt outstanding (Debt to the Penny)."""

SOURCES: list = []
