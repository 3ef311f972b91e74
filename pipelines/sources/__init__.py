"""Pure parsers, one module per official format: bytes (and the URL they came from) in, a typed
polars frame out. No network, no Dagster, no DuckDB here."""
