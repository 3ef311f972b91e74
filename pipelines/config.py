"""Settings: every TLW_* variable, declared once, validated before anything runs.

`Settings` is the table. Each field is declared with `setting(...)`: the variable's name, the
parser that turns its text into the field's value (and says what was expected when it cannot),
the default as text (parsed by the same parser), the commands that read it, and one line of
documentation (`tlw --help`, the README's Configuration table and a test keep them in step).

To add a setting: add one field here with `setting(...)`; read it as `Settings.from_env().<field>`
(never `os.environ`), so that it is validated up front and may come from a settings file too, or,
in an asset, from the `WarehouseResource` (pipelines/defs/resources.py), which gets a field of
the same name (tests/test_resources.py fails until it has one); add its row to the README's
Configuration table (tests/test_config.py fails until you do).

Values come, first match wins, from: the environment; `$TLW_HOME/tlw.toml`; `tlw.toml` in the
repository. A settings file is flat TOML with the variables' names as keys
(`TLW_HTTP_TIMEOUT = 60`). `TLW_CONFIG=none` ignores both files (the tests do), `TLW_CONFIG=<path>`
reads that file instead. Only TLW_LAKE_CATALOG and TLW_DAGSTER_PG_URL may hold a secret (a password in
the connection string, `secret=True`): neither is ever printed, nor made Dagster configuration.
"""

from __future__ import annotations

import dataclasses
import os
import re
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Callable, Mapping

REPO_ROOT = Path(__file__).resolve().parents[1]
SQL_DIR = REPO_ROOT / "sql"
PRODUCT = "TreasuryLeverageWarehouse"
VERSION = "0.1.0"
SETTINGS_FILE = "tlw.toml"

# Commands, for "which settings does this command read" (`tlw <command> --help`).
REFRESH = ("refresh", "dev")
READERS = ("refresh", "dev", "sql", "status", "report", "lake")
SQL = ("sql",)
# What decides which sources are skipped: `tlw status` shows the same answer `tlw refresh` acts on.
SKIPPING = ("refresh", "dev", "status")


def _physical_memory_mb() -> float:
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**20


class ConfigError(ValueError):
    """One or more settings are invalid; `lines` holds one sentence per setting."""

    def __init__(self, lines: list[str]):
        super().__init__("\n".join(lines))
        self.lines = lines


# ---------------------------------------------------------------- parsers
# Each takes the variable's text and returns the value, or raises ValueError("expected ...").


def as_path(text: str) -> Path:
    return Path(text).expanduser().resolve()


def as_existing_file(text: str) -> Path:
    path = as_path(text)
    if not path.is_file():
        raise ValueError("expected an existing file")
    return path


def as_mirror(text: str) -> str | None:
    if not text:
        return None
    if re.match(r"^https?://", text, re.IGNORECASE):
        return text
    if "://" in text:
        raise ValueError("expected an existing directory or an http(s):// URL")
    if not Path(text).expanduser().is_dir():
        # A directory that does not exist is a typo, not a mirror that lacks every file.
        raise ValueError("no such directory (expected an existing directory or an http(s):// URL)")
    return text


def choice(*allowed: str) -> Callable[[str], str]:
    def parse(text: str) -> str:
        value = text.strip().lower()
        if value not in allowed:
            raise ValueError("expected " + " or ".join(repr(a) for a in allowed))
        return value

    return parse


def as_csv(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def as_source_names(text: str) -> tuple[str, ...]:
    from pipelines.catalog import SOURCE_NAMES  # late: the catalogue imports this module

    names = as_csv(text)
    unknown = [n for n in names if n not in SOURCE_NAMES]
    if unknown:
        raise ValueError(f"unknown source {', '.join(unknown)} (expected names from: {', '.join(SOURCE_NAMES)})")
    return names


def as_fred_series(text: str) -> tuple[str, ...]:
    from pipelines.sources import fred  # late: the parser is heavier than this module

    ids = as_csv(text)
    unknown = [i for i in ids if i not in fred.SERIES]
    if unknown:
        # A series whose unit and meaning the project has not recorded cannot be loaded.
        raise ValueError(
            f"unknown FRED series {', '.join(unknown)} (expected ids recorded in pipelines/sources/fred.py "
            f"SERIES: {', '.join(sorted(fred.SERIES))})"
        )
    return ids


def number(minimum: float = 0.0, *, strict: bool = True) -> Callable[[str], float]:
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = None
        if value is None or value != value or (value <= minimum if strict else value < minimum):
            raise ValueError(f"expected a number {'>' if strict else '>='} {minimum:g}")
        return value

    return parse


def whole(lo: int, hi: int | None = None) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or value < lo or (hi is not None and value > hi):
            raise ValueError(f"expected a whole number {lo}..{hi}" if hi is not None else f"expected a whole number >= {lo}")
        return value

    return parse


def megabytes(text: str) -> int:
    return int(number(0)(text) * 1024 * 1024)


def as_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError("expected a date YYYY-MM-DD") from None


def flag(text: str) -> bool:
    value = text.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("", "0", "false", "no", "off"):
        return False
    raise ValueError("expected 1 or 0")


def optional_text(text: str) -> str | None:
    return text.strip() or None


# ---------------------------------------------------------------- the table


def as_fiscaldata_page_size(text: str) -> int:
    from pipelines.sources import fiscaldata  # late: the parser is heavier than this module

    return whole(1, fiscaldata.MAX_PAGE_SIZE)(text)


def setting(env: str, parse: Callable[[str], Any], default: str, doc: str, used_by: tuple[str, ...] = REFRESH,
            *, secret: bool = False) -> Any:
    """A field of `Settings` read from the variable `env` (see the module docstring). A `secret`
    one may hold a password: it is never Dagster configuration (pipelines/defs/resources.py)."""
    return dataclasses.field(
        metadata={"env": env, "parse": parse, "default": default, "doc": doc, "used_by": used_by, "secret": secret})


@dataclass(frozen=True)
class Settings:
    home: Path = setting(
        "TLW_HOME", as_path, str(REPO_ROOT / "warehouse"),
        "where the raw archive, working copy, published file, exports, logs and Dagster storage live", READERS)
    mirror: str | None = setting(
        "TLW_MIRROR", as_mirror, "",
        "an existing directory or an http(s):// base URL holding the official files in URL layout", SKIPPING)
    skip_missing_in_mirror: bool = setting(
        "TLW_MIRROR_MISSING", lambda text: choice("fail", "skip")(text) == "skip", "skip",
        "a source a directory mirror lacks: `skip` it (named in the summary) or `fail` the refresh", SKIPPING)
    skip_sources: tuple[str, ...] = setting(
        "TLW_SKIP_SOURCES", as_source_names, "",
        "comma-separated source names to switch off", SKIPPING)
    fred_series: tuple[str, ...] = setting(
        "TLW_FRED_SERIES", as_fred_series, "", "comma-separated FRED series ids to fetch (empty: the default table)", SKIPPING)
    http_timeout_s: float = setting("TLW_HTTP_TIMEOUT", number(0), "30", "seconds to connect or between bytes")
    http_total_timeout_s: float = setting("TLW_HTTP_TOTAL_TIMEOUT", number(0), "300", "seconds a whole body may take")
    http_retries: int = setting("TLW_HTTP_RETRIES", whole(0), "3", "retries after a timeout, a 5xx / 429 or a connection error")
    http_backoff_s: float = setting("TLW_HTTP_BACKOFF", number(0, strict=False), "1", "seconds before the first retry, doubled each time")
    http_rate: float = setting(
        "TLW_HTTP_RATE", number(0, strict=False), "5", "requests per second to one host at most (not TLW_MIRROR); 0 switches pacing off")
    max_body_bytes: int = setting("TLW_MAX_BODY_MB", megabytes, "64", "largest body accepted, in MB")
    contact: str | None = setting("TLW_CONTACT", optional_text, "", "appended to the User-Agent (e.g. an e-mail address)")
    fr_since: date = setting("TLW_FR_SINCE", as_date, "2018-01-01", "first publication date asked of the Federal Register")
    fr_overlap_days: int = setting("TLW_FR_OVERLAP_DAYS", whole(0), "14", "days re-asked before the last Federal Register date held")
    fr_per_page: int = setting("TLW_FR_PER_PAGE", whole(1, 1000), "1000", "Federal Register results per page (the API's maximum is 1000)")
    # The API's largest page by default: the whole Debt to the Penny history (about 8,000 daily
    # records) is one page, MSPD table 1 (about 6,000 lines) too. Smaller pages walk the fixtures.
    debt_page_size: int = setting(
        "TLW_DEBT_PAGE_SIZE", as_fiscaldata_page_size, "10000", "Debt to the Penny records per page (the API's maximum is 10000)")
    mspd_page_size: int = setting(
        "TLW_MSPD_PAGE_SIZE", as_fiscaldata_page_size, "10000", "MSPD table 1 lines per page (the API's maximum is 10000)")
    tariff_register: Path | None = setting(
        "TLW_TARIFF_REGISTER", lambda text: as_existing_file(text) if text.strip() else None, "",
        "a tariff register CSV to use instead of pipelines/data/tariff_events.csv", SKIPPING)
    full_history: bool = setting("TLW_FULL_HISTORY", flag, "0", "1 re-requests the full history of incremental APIs")
    # A libpq string may hold a password: it is never printed (pipelines/lake.py names the variable,
    # not its value, in errors; optional_text never refuses a value, so no error here repeats it).
    lake_catalog: str | None = setting(
        "TLW_LAKE_CATALOG", optional_text, "", "libpq connection string of the DuckLake catalog (unset: no lake)", READERS,
        secret=True)
    lake_data_path: str | None = setting(
        "TLW_LAKE_DATA_PATH", optional_text, "", "directory of the lake's Parquet data files (with TLW_LAKE_CATALOG)", READERS)
    dagster_pg_url: str | None = setting(
        "TLW_DAGSTER_PG_URL", optional_text, "", "PostgreSQL URL of Dagster's run, event and schedule storage", REFRESH,
        secret=True)
    lake_keep_days: float = setting("TLW_LAKE_KEEP_DAYS", number(0), "90", "days of lake snapshots `tlw lake maintain` keeps", ("lake",))
    sql_timeout_s: float = setting("TLW_SQL_TIMEOUT", number(0), "60", "seconds a `tlw sql` query may run (--timeout)", SQL)
    sql_max_rows: int = setting("TLW_SQL_MAX_ROWS", whole(1), "10000", "rows `tlw sql` prints at most (--max-rows)", SQL)
    # A quarter of the machine's memory: a runaway `tlw sql` must not starve a refresh.
    sql_memory_limit_mb: int = setting(
        "TLW_SQL_MEMORY_MB", whole(1), str(int(_physical_memory_mb() / 4)), "memory a `tlw sql` query may use, MB", SQL)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "Settings":
        """Every setting from the environment and the settings files; ConfigError lists every bad one."""
        return cls(**_parsed(declared(), environ))

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

    @property
    def logs_dir(self) -> Path:
        return self.home / "logs"


def declared() -> list[dataclasses.Field]:
    """The settings table: one field per TLW_* variable."""
    return list(dataclasses.fields(Settings))


def secrets(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """{field: value} of the secret settings only, from the environment and the settings files."""
    return _parsed([f for f in declared() if f.metadata["secret"]], environ)


def _parsed(fields: list[dataclasses.Field], environ: Mapping[str, str] | None) -> dict[str, Any]:
    environ = os.environ if environ is None else environ
    values, errors = settings_values(environ)
    parsed: dict[str, Any] = {}
    for f in fields:
        env, parse = f.metadata["env"], f.metadata["parse"]
        text, origin = values.get(env, ("", "default"))
        if not text.strip():  # set but empty: the default, as if unset
            text = f.metadata["default"]
        try:
            parsed[f.name] = parse(text)
        except ValueError as exc:
            where = "" if origin == "environment" else f" (from {origin})"
            errors.append(f"{env}={text}{where}: {exc}")
    if errors:
        raise ConfigError(errors)
    return parsed


KNOWN = frozenset(f.metadata["env"] for f in dataclasses.fields(Settings)) | {"TLW_CONFIG"}


# Read by the tests, not by tlw (tests/conftest.py and the fault tests).
TEST_ONLY_PREFIXES = ("TLW_REAL_SOURCES", "TLW_TEST_")


def unknown_variables(environ: Mapping[str, str]) -> list[str]:
    """TLW_* variables in the environment that are no setting: most likely a typo."""
    return sorted(k for k in environ if k.startswith("TLW_") and k not in KNOWN and not k.startswith(TEST_ONLY_PREFIXES))


def settings_files(environ: Mapping[str, str]) -> list[Path]:
    """The settings files read, most specific first: `$TLW_HOME/tlw.toml`, then the repository's."""
    chosen = environ.get("TLW_CONFIG", "").strip()
    if chosen.lower() == "none":
        return []
    if chosen:
        return [as_path(chosen)]
    repo_file = REPO_ROOT / SETTINGS_FILE
    home_text = environ.get("TLW_HOME") or _read_toml(repo_file)[0].get("TLW_HOME") or str(REPO_ROOT / "warehouse")
    home_file = as_path(str(home_text)) / SETTINGS_FILE
    return [p for p in dict.fromkeys((home_file, repo_file)) if p.is_file()]


def _read_toml(path: Path) -> tuple[dict[str, Any], str | None]:
    if not path.is_file():
        return {}, None
    try:
        return tomllib.loads(path.read_text(encoding="utf-8")), None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        return {}, f"{path}: not a valid settings file: {exc}"


def settings_values(environ: Mapping[str, str]) -> tuple[dict[str, tuple[str, str]], list[str]]:
    """{variable: (text, origin)} from the environment and the settings files, and the errors found."""
    values: dict[str, tuple[str, str]] = {}
    errors: list[str] = []
    chosen = environ.get("TLW_CONFIG", "").strip()
    if chosen and chosen.lower() != "none" and not as_path(chosen).is_file():
        errors.append(f"TLW_CONFIG={chosen}: expected an existing settings file or 'none'")
    for path in reversed(settings_files(environ)):  # the most specific file wins
        table, problem = _read_toml(path)
        if problem:
            errors.append(problem)
        for key, value in table.items():
            if key not in KNOWN or key == "TLW_CONFIG":
                errors.append(f"{path}: unknown setting {key} (known: {', '.join(sorted(KNOWN - {'TLW_CONFIG'}))})")
            elif key == "TLW_HOME" and not chosen and path != REPO_ROOT / SETTINGS_FILE:
                errors.append(f"{path}: TLW_HOME can only be set in the environment or the repository's {SETTINGS_FILE}")
            elif isinstance(value, (dict, list)):
                errors.append(f"{path}: {key} must be a single value, not a table or a list")
            else:
                values[key] = (str(value).lower() if isinstance(value, bool) else str(value), str(path))
    for key in KNOWN:
        if key in environ:
            values[key] = (environ[key], "environment")
    return values, errors
