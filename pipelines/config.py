"""Settings from TLW_* environment variables.

Every variable is documented in the README's Configuration section; nothing here is a secret.
Two that only one source family uses are read beside it: TLW_FR_PER_PAGE and TLW_TARIFF_REGISTER
(pipelines/catalog/tariffs.py).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
SQL_DIR = REPO_ROOT / "sql"
PRODUCT = "TreasuryLeverageWarehouse"
VERSION = "0.1.0"


def _csv(value: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (value or "").split(",") if part.strip())


def _number(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise ValueError(f"{name}={raw!r} is not a number") from exc


def _physical_memory_mb() -> float:
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**20


@dataclass(frozen=True)
class Settings:
    home: Path
    mirror: str | None
    skip_missing_in_mirror: bool
    skip_sources: tuple[str, ...]
    fred_series: tuple[str, ...]
    http_timeout_s: float
    http_total_timeout_s: float
    http_retries: int
    http_backoff_s: float
    http_rate: float
    max_body_bytes: int
    contact: str | None
    fr_since: date
    fr_overlap_days: int
    full_history: bool
    sql_timeout_s: float
    sql_max_rows: int
    sql_memory_limit_mb: int
    lake_catalog: str | None
    lake_data_path: str | None
    dagster_pg_url: str | None
    lake_keep_days: float

    @classmethod
    def from_env(cls) -> "Settings":
        env = os.environ
        # A mirror holds what someone saved: by default a source it lacks is skipped and named
        # in the refresh summary and `tlw status`, not a failure of the whole refresh.
        missing_policy = env.get("TLW_MIRROR_MISSING", "skip").strip().lower()
        if missing_policy not in ("fail", "skip"):
            raise ValueError(f"TLW_MIRROR_MISSING={missing_policy!r}: expected 'fail' or 'skip'")
        return cls(
            home=Path(env.get("TLW_HOME") or REPO_ROOT / "warehouse").resolve(),
            mirror=env.get("TLW_MIRROR") or None,
            skip_missing_in_mirror=missing_policy == "skip",
            skip_sources=_csv(env.get("TLW_SKIP_SOURCES")),
            fred_series=_csv(env.get("TLW_FRED_SERIES")),
            http_timeout_s=_number("TLW_HTTP_TIMEOUT", 30.0),
            http_total_timeout_s=_number("TLW_HTTP_TOTAL_TIMEOUT", 300.0),
            http_retries=int(_number("TLW_HTTP_RETRIES", 3)),
            http_backoff_s=_number("TLW_HTTP_BACKOFF", 1.0),
            http_rate=_number("TLW_HTTP_RATE", 5.0),
            max_body_bytes=int(_number("TLW_MAX_BODY_MB", 64) * 1024 * 1024),
            contact=env.get("TLW_CONTACT") or None,
            fr_since=date.fromisoformat(env.get("TLW_FR_SINCE", "2018-01-01")),
            fr_overlap_days=int(_number("TLW_FR_OVERLAP_DAYS", 14)),
            full_history=env.get("TLW_FULL_HISTORY", "") == "1",
            sql_timeout_s=_number("TLW_SQL_TIMEOUT", 60.0),
            sql_max_rows=int(_number("TLW_SQL_MAX_ROWS", 10_000)),
            # A quarter of the machine's memory: a runaway `tlw sql` must not starve a refresh.
            sql_memory_limit_mb=int(_number("TLW_SQL_MEMORY_MB", _physical_memory_mb() / 4)),
            # A libpq string may hold a password: it is never printed (pipelines/lake.py names
            # the variable, not its value, in errors).
            lake_catalog=env.get("TLW_LAKE_CATALOG") or None,
            lake_data_path=env.get("TLW_LAKE_DATA_PATH") or None,
            dagster_pg_url=env.get("TLW_DAGSTER_PG_URL") or None,
            lake_keep_days=_number("TLW_LAKE_KEEP_DAYS", 90.0),
        )

    @property
    def user_agent(self) -> str:
        contact = f"; {self.contact}" if self.contact else ""
        return f"{PRODUCT}/{VERSION} (+https://github.com/treasury-leverage-warehouse{contact})"

    @property
    def raw_dir(self) -> Path:
        return self.home / "raw"

    @property
    def build_db(self) -> Path:
        return self.home / "build" / "work.duckdb"

    @property
    def published_db(self) -> Path:
        return self.home / "tlw.duckdb"

    @property
    def exports_dir(self) -> Path:
        return self.home / "exports"

    @property
    def dagster_home(self) -> Path:
        return self.home / "dagster"
