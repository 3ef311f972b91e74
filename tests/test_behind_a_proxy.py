"""A whole refresh with NO mirror, through a loopback CONNECT proxy with a test CA (the `behind_proxy`
fixture, tests/proxy_env.py): every document of a feed of more than 2,000 matching documents is
held, counted against the emulation, and later quiet refreshes exit 0."""

from __future__ import annotations

import hashlib

import duckdb

from pipelines import cli
from pipelines.config import Settings
from pipelines.refresh import run_refresh
from pipelines.sources import federal_register as fr
from tests.proxy_env import FISCAL_HOST, FR_HOST, STATIC_HOSTS


def test_a_whole_refresh_through_a_proxy_collects_every_document(behind_proxy, capsys):
    register, fiscal, proxy, tls = behind_proxy
    register.throttle(1)  # the first search is answered 429 with Retry-After once
    settings = Settings.from_env()
    outcome = run_refresh(settings)
    assert outcome.success, outcome.failures
    assert not outcome.skipped_sources

    # Every request went through the proxy, to the official host names, over TLS with the test CA.
    assert set(proxy.tunnels) == {FR_HOST, FISCAL_HOST, *STATIC_HOSTS}
    assert {host for host, _ in tls.requests} == set(proxy.tunnels)

    # Every document of the three searches, counted against the emulation's own query logic.
    expected = set()
    for url in fr.search_urls(settings.fr_since):
        expected |= {d["document_number"] for d in register.matching(fr._params(url))}
    assert len(expected) > 2000 + 40
    with duckdb.connect(str(settings.published_db), read_only=True) as con:
        held = {n for (n,) in con.execute("SELECT document_number FROM core.fct_federal_register_documents").fetchall()}
        assert held == expected
        assert con.execute("SELECT count(*) FROM core.fct_marketable_debt WHERE month_complete").fetchone() == (3,)
        assert con.execute("SELECT count(*) FROM staging.debt_to_penny").fetchone() == (8,)
    # The presidential search (more than 2,000 matches) was asked in narrower windows; no window
    # was ever paged past the API's result window.
    windows = {tuple(v for k, v in s if "publication_date" in k) for s in register.searches}
    assert ("2025-01-01", "2025-07-02") in windows and ("2025-07-03", "2025-12-31") in windows
    assert all(int(dict(s).get("page", 1)) * int(dict(s)["per_page"]) <= 2000 for s in register.searches)

    # A second refresh on a quiet day exits 0: the incremental searches (USTR and implementing
    # notices match nothing since the last date held less the overlap: HTTP 404, an empty window)
    # bring no new row. A third finds nothing new at all and leaves the published file as it was.
    with duckdb.connect(str(settings.published_db), read_only=True) as con:
        before = con.execute("SELECT count(*) FROM core.fct_federal_register_documents").fetchone()
    assert cli.main(["refresh"]) == 0
    with duckdb.connect(str(settings.published_db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM core.fct_federal_register_documents").fetchone() == before
    published = hashlib.sha256(settings.published_db.read_bytes()).hexdigest()
    asked = len(register.searches)
    assert cli.main(["refresh"]) == 0
    assert hashlib.sha256(settings.published_db.read_bytes()).hexdigest() == published
    assert len(register.searches) > asked  # it did ask
