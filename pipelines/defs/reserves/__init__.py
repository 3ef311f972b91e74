"""Official reserves (Japan MOF, FRED/IMF), Japan's FX interventions, FRED series."""

SOURCES: list = []
