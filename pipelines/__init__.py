"""Treasury Leverage Warehouse: official Treasury-holdings, reserve and tariff sources in DuckDB."""
