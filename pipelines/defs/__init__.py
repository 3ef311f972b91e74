"""Dagster definitions, one folder per source family, plus the generated SQL model assets."""
