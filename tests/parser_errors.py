"""Helpers for parser error tests: edit a fixture body, and expect an error at a given line."""

from __future__ import annotations

from typing import Callable

import pytest

from pipelines.sources.errors import SourceFormatError


def edit(body: bytes, old: str, new: str) -> bytes:
    """`body` with the first `old` replaced by `new`; the fixture must contain `old`."""
    assert old.encode() in body, old
    return body.replace(old.encode(), new.encode(), 1)


def expect_format_error(
    parse: Callable, data: bytes, url: str, source: str, line: int | None, *words: str
) -> SourceFormatError:
    """The error `parse` raises on `data`, checked to name the source, the URL, the line and
    every one of `words`."""
    with pytest.raises(SourceFormatError) as caught:
        parse(data, url)
    err = caught.value
    assert (err.source, err.url, err.line) == (source, url, line)
    assert f"[{source}]" in str(err) and url in str(err)
    if line is not None:
        assert f", line {line}: " in str(err)
    for word in words:
        assert word in str(err), str(err)
    return err
