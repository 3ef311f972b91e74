"""The warehouse settings as a Dagster resource: how settings reach the assets.

`Settings` (pipelines/config.py) stays the one table of settings, validated once when the
definitions load (or by `tlw refresh`, which passes the settings it validated). The assets take
`WarehouseResource` instead of reading the process environment, so a run's settings are Dagster
configuration: shown on the UI's Resources page, replaceable in a test or a launched run, and the
same for every step of the run.

Its fields are the settings' fields, with the same names, in the types Dagster configuration
holds (text for paths and dates, lists for tuples), without defaults: the table holds those.
The secret settings (a password in a PostgreSQL connection string) are no fields: Dagster shows
resource configuration in its UI and stores it with every run, so `settings()` reads them where
they were set, the environment or a settings file.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path
from typing import Any, Optional

import dagster as dg
from pydantic import Field

from pipelines import config
from pipelines.config import Settings

RESOURCE_KEY = "warehouse_settings"


def _about(name: str) -> str:
    """A field's help in the Dagster UI: its variable and the table's line of documentation."""
    meta = next(f.metadata for f in config.declared() if f.name == name)
    return f"{meta['env']}: {meta['doc']}"


def configurable_fields() -> list[dataclasses.Field]:
    """The settings that are resource fields: every one but the secrets."""
    return [f for f in config.declared() if not f.metadata["secret"]]


def _as_config(value: Any) -> Any:
    """A setting's value in a type Dagster configuration holds."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, tuple):
        return list(value)
    return value


class WarehouseResource(dg.ConfigurableResource):
    """Every non-secret setting of `pipelines.config.Settings`; `settings()` gives them back as `Settings`."""

    home: str = Field(description=_about("home"))
    mirror: Optional[str] = Field(description=_about("mirror"))
    skip_missing_in_mirror: bool = Field(description=_about("skip_missing_in_mirror"))
    skip_sources: list[str] = Field(description=_about("skip_sources"))
    fred_series: list[str] = Field(description=_about("fred_series"))
    http_timeout_s: float = Field(description=_about("http_timeout_s"))
    http_total_timeout_s: float = Field(description=_about("http_total_timeout_s"))
    http_retries: int = Field(description=_about("http_retries"))
    http_backoff_s: float = Field(description=_about("http_backoff_s"))
    http_rate: float = Field(description=_about("http_rate"))
    max_body_bytes: int = Field(description=_about("max_body_bytes"))
    contact: Optional[str] = Field(description=_about("contact"))
    fr_since: str = Field(description=_about("fr_since"))
    fr_overlap_days: int = Field(description=_about("fr_overlap_days"))
    fr_per_page: int = Field(description=_about("fr_per_page"))
    debt_page_size: int = Field(description=_about("debt_page_size"))
    mspd_page_size: int = Field(description=_about("mspd_page_size"))
    tariff_register: Optional[str] = Field(description=_about("tariff_register"))
    full_history: bool = Field(description=_about("full_history"))
    lake_data_path: Optional[str] = Field(description=_about("lake_data_path"))
    # Read by `tlw sql` and `tlw lake`, not by an asset; fields all the same, so that `settings()`
    # is every setting as the run was configured, whatever code it is handed to.
    lake_keep_days: float = Field(description=_about("lake_keep_days"))
    sql_timeout_s: float = Field(description=_about("sql_timeout_s"))
    sql_max_rows: int = Field(description=_about("sql_max_rows"))
    sql_memory_limit_mb: int = Field(description=_about("sql_memory_limit_mb"))

    @classmethod
    def from_settings(cls, settings: Settings) -> "WarehouseResource":
        """The resource holding `settings` (validated already: `Settings.from_env`)."""
        return cls(**{f.name: _as_config(getattr(settings, f.name)) for f in configurable_fields()})

    def settings(self) -> Settings:
        """The `Settings` the fetcher, the sources and pipelines/warehouse.py take, secrets included."""
        values = {f.name: getattr(self, f.name) for f in configurable_fields()}
        return Settings(**{
            **values,
            "home": Path(self.home),
            "skip_sources": tuple(self.skip_sources),
            "fred_series": tuple(self.fred_series),
            "fr_since": date.fromisoformat(self.fr_since),
            "tariff_register": Path(self.tariff_register) if self.tariff_register else None,
            **config.secrets(),
        })
