"""What both Japan MOF CSV files share: cp932 bytes, CSV rows with their physical line numbers,
Japanese era years and `N月` month labels.

The label helpers raise plain `ValueError`; each parser turns that into a `SourceFormatError`
carrying its own source name, URL and line, so the message points at the offending line.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterator

from pipelines.sources.errors import SourceFormatError

# Gregorian year = base + era year. Only the eras the MOF files use: an era we do not know
# (e.g. the next one after 令和) must fail loudly rather than be guessed.
ERA_BASE_YEAR: dict[str, int] = {"平成": 1988, "令和": 2018}

_ERA_YEAR = re.compile(r"(?P<era>\D+?)(?P<n>元|\d+)年")
_MONTH = re.compile(r"(\d{1,2})月")


def decode_cp932(body: bytes, source: str, url: str) -> str:
    """MOF publishes Shift-JIS (Windows cp932); a UTF-8 re-save would be a different file."""
    try:
        return body.decode("cp932")
    except UnicodeDecodeError as exc:
        line = body.count(b"\n", 0, exc.start) + 1
        raise SourceFormatError(source, url, f"not cp932 text ({exc.reason})", line) from None


def csv_rows(text: str) -> Iterator[tuple[int, list[str]]]:
    """(1-based physical line where the row starts, fields); CRLF and LF both accepted."""
    reader = csv.reader(io.StringIO(text, newline=""))
    start = 1
    for row in reader:
        yield start, row
        start = reader.line_num + 1


def nfkc(text: str) -> str:
    """Full-width digits and spaces (`200１`, U+3000) to ASCII, runs of spaces to one."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def era_to_gregorian(era: str, n: str) -> int:
    if era not in ERA_BASE_YEAR:
        raise ValueError(f"unknown Japanese era {era!r}")
    year = 1 if n == "元" else int(n)
    if year < 1:
        raise ValueError(f"era year {era}{n}年 is not a year")
    return ERA_BASE_YEAR[era] + year


def parse_era_year(label: str) -> int:
    """`平成12年` -> 2000, `令和元年` -> 2019 (the whole cell must be an era year)."""
    match = _ERA_YEAR.fullmatch(nfkc(label))
    if not match:
        raise ValueError(f"not a Japanese era year: {label!r}")
    return era_to_gregorian(match["era"], match["n"])


def parse_month(label: str) -> int:
    """`4月` -> 4 (the whole cell must be a month label)."""
    match = _MONTH.fullmatch(nfkc(label))
    if not match or not 1 <= int(match[1]) <= 12:
        raise ValueError(f"not a month label: {label!r}")
    return int(match[1])
