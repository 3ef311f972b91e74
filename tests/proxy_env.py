"""The `behind_proxy` fixture: NO mirror, a loopback CONNECT proxy (HTTPS_PROXY) to a loopback TLS
server answering for the official host names, with a test CA given by SSL_CERT_FILE: how a firm
behind a corporate proxy with its own CA reaches the sources. Registered in conftest.py.

The Federal Register and fiscaldata hosts are API emulations (tests/api_emulation.py) that apply
each query to documents held here: the fixture feed plus 2,500 generated presidential documents in
2025, so the presidential search matches more than the 2,000 results the API serves and must be
partitioned. The other official hosts serve the fixture mirror's files.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
import trustme

from pipelines.mirror import mirror_relpath
from pipelines.sources import debt_to_penny, mspd
from pipelines.sources import federal_register as fr
from tests.api_emulation import FederalRegisterApi, FiscalDataApi
from tests.conftest import FIXTURE_MIRROR
from tests.loopback import ConnectProxy, TlsHostServer

FR_HOST, FISCAL_HOST = "www.federalregister.gov", "api.fiscaldata.treasury.gov"
STATIC_HOSTS = ["ticdata.treasury.gov", "www.mof.go.jp", "fred.stlouisfed.org"]
GENERATED = 2500


def fixture_documents() -> list[dict]:
    """The fixture feed's results, each given the search term it was found by as its `full_text`
    (the real API searches the documents' full text, which the fixture results do not carry)."""
    docs: dict[str, dict] = {}
    for first in fr.search_urls(date(2018, 1, 1), per_page=5):
        term = dict(fr._params(first))["conditions[term]"]
        url = first
        while url:
            payload = json.loads((FIXTURE_MIRROR / mirror_relpath(url)).read_bytes())
            for result in payload.get("results", []):
                docs.setdefault(result["document_number"], {**result, "full_text": term})
            url = payload.get("next_page_url")
    return list(docs.values())


def generated_documents() -> list[dict]:
    return [{
        **{field: None for field in fr.FIELDS},
        "document_number": f"T2025-{n:05d}",
        "publication_date": (date(2025, 1, 2) + timedelta(days=n % 360)).isoformat(),
        "title": f"Adjusting Imports of Test Product {n} Into the United States",
        "type": "Presidential Document", "subtype": "Proclamation", "proclamation_number": str(20000 + n),
        "agencies": [{"raw_name": "EXECUTIVE OFFICE OF THE PRESIDENT", "slug": "executive-office-of-the-president"}],
    } for n in range(GENERATED)]


def fiscal_records() -> dict[str, list[dict]]:
    """The fixture mirror's Debt to the Penny and MSPD records, as the emulated datasets."""
    pages = [debt_to_penny.page_url(None, page_size=3, page_number=n) for n in (1, 2, 3)]
    penny = [r for url in pages for r in json.loads((FIXTURE_MIRROR / mirror_relpath(url)).read_bytes())["data"]]
    lines = json.loads((FIXTURE_MIRROR / mirror_relpath(mspd.page_url(None))).read_bytes())["data"]
    return {debt_to_penny.ENDPOINT: penny, mspd.ENDPOINT: lines}


@pytest.fixture
def behind_proxy(monkeypatch, tmp_path):
    ca = trustme.CA()
    ca_file = tmp_path / "corporate-ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    register = FederalRegisterApi(fixture_documents() + generated_documents())
    fiscal = FiscalDataApi(fiscal_records())

    def route(host: str, path: str, query: str):
        if host == FR_HOST and path == "/api/v1/documents.json":
            return register.answer(host, query)
        if host == FISCAL_HOST:
            return fiscal.answer(path.split("/fiscal_service/", 1)[-1], query)
        file = FIXTURE_MIRROR / mirror_relpath(f"https://{host}{path}" + (f"?{query}" if query else ""))
        return (200, file.read_bytes(), {}) if file.is_file() else (404, b"not found", {})

    with TlsHostServer(ca, [FR_HOST, FISCAL_HOST, *STATIC_HOSTS], route) as tls, \
            ConnectProxy({h: tls.port for h in tls.hosts}) as proxy:
        folder = FIXTURE_MIRROR / "fred.stlouisfed.org" / "graph"
        monkeypatch.setenv("TLW_DEBT_PAGE_SIZE", "3")
        monkeypatch.setenv("TLW_MSPD_PAGE_SIZE", "10")
        for name in ("TLW_MIRROR", "TLW_SKIP_SOURCES", "TLW_FULL_HISTORY", "TLW_FR_PER_PAGE", "SSL_CERT_DIR",
                     "HTTP_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy", "no_proxy"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("TLW_HOME", str(tmp_path / "home"))
        monkeypatch.setenv("TLW_HTTP_BACKOFF", "0.2")
        monkeypatch.setenv("TLW_FRED_SERIES", ",".join(sorted(p.name.split("?id=", 1)[1] for p in folder.glob("fredgraph.csv?id=*"))))
        monkeypatch.setenv("HTTPS_PROXY", proxy.url)
        monkeypatch.setenv("NO_PROXY", "localhost,127.0.0.1")
        monkeypatch.setenv("SSL_CERT_FILE", str(ca_file))
        yield register, fiscal, proxy, tls
