"""Shared test fixtures: where the real official files are, and our own fixture mirror."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
FIXTURE_MIRROR = FIXTURES / "mirror"


@pytest.fixture
def real_sources() -> Path:
    """The byte-exact official files (`../shared/sources`), named by TLW_REAL_SOURCES.

    Tests that need them skip, with this reason, on machines that do not have them.
    """
    value = os.environ.get("TLW_REAL_SOURCES")
    if not value:
        pytest.skip("TLW_REAL_SOURCES is not set: real official files are not available here")
    path = Path(value)
    if not path.is_dir():
        pytest.skip(f"TLW_REAL_SOURCES={value} is not a directory")
    return path


@pytest.fixture
def fixture_mirror() -> Path:
    """Our own small files in the official formats, laid out like the official URLs."""
    return FIXTURE_MIRROR
