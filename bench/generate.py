"""Synthetic inputs in the official formats, `scale` times today's volume, written as a mirror tree.

`write_mirror(root, scale)` starts from a copy of tests/fixtures/mirror (our own small files) and
replaces or adds, at `scale` x "today" (1x is about the size of the real files in 2026):

| source | 1x | grows by | format limits |
|---|---|---|---|
| tic_mfh_history `mfhhis01.txt` | 40 countries x 26 years | years, then every country label the parsers know | years must be 19xx/20xx and every row label known: at most 200 years x the known countries (about 10x) |
| mof_reserves `historical.csv` | 317 months | more months (later 令和 years) | none in practice |
| fred `TRESEGCNM052N`, `DEXJPUS` | 300 months, 2,600 days | more months / business days | none in practice |
| debt_to_penny API pages | 8,000 records | more records, pages of 10,000 (the default `TLW_DEBT_PAGE_SIZE`) | none |
| federal_register API pages | 400 documents | more documents, pages of 1,000 | none |

Table 5, Table 3, MOF interventions and the other FRED series stay the fixture files (their size
is fixed by definition, or they are cross-checked month by month against the files above, so new
months are only added where no check compares them). Every generated file keeps the identities the
blocking checks test (countries + All Other = Grand Total, bills + bonds = official, MOF totals =
the sum of their parts, debt totals in range), so each scale publishes.
"""

from __future__ import annotations

import json
import math
import shutil
from datetime import date, timedelta
from pathlib import Path

import polars as pl

from pipelines.mirror import mirror_relpath

REPO = Path(__file__).resolve().parents[1]
FIXTURE_MIRROR = REPO / "tests" / "fixtures" / "mirror"
TIC = "ticdata.treasury.gov/resource-center/data-chart-center/tic/Documents"
MOF_RESERVES = "www.mof.go.jp/policy/international_policy/reference/official_reserve_assets/historical.csv"
FRED = "fred.stlouisfed.org/graph"
MONTHS = ["Dec", "Nov", "Oct", "Sep", "Aug", "Jul", "Jun", "May", "Apr", "Mar", "Feb", "Jan"]

BASE = {"mfh_countries": 40, "mfh_years": 26, "mof_months": 317, "fred_cn_months": 300, "fred_jpy_days": 2600,
        "debt_records": 8000, "fr_documents": 400}


def _tenths(x: int) -> str:
    """An integer number of tenths printed the way TIC prints it (no `.0`)."""
    whole, frac = divmod(x, 10)
    return str(whole) if frac == 0 else f"{whole}.{frac}"


def tic_countries() -> dict[str, str]:
    """{iso3: label}: one label per country the TIC parsers resolve (aggregates excluded), fixture
    order first."""
    from pipelines import countries

    labels = {}
    for label, iso3, aggregate in countries.label_map_frame().iter_rows():
        if iso3 and not aggregate and iso3 not in labels:
            labels[iso3] = label
    return labels


def other_tic_files_tenths() -> dict[tuple[str, int, int], int]:
    """{(iso3, year, month): holdings in tenths of a billion} as the fixture's Table 5 and Table 3
    print them. The check tic_files_agree blocks a publish where two TIC files disagree on a
    country and month, so the generated history prints these cells as those files do."""
    from pipelines.sources import tic_table3, tic_table5

    table5 = tic_table5.parse((FIXTURE_MIRROR / TIC / "slt_table5.txt").read_bytes(), "fixture")
    table3 = tic_table3.parse((FIXTURE_MIRROR / TIC / "slt_table3.txt").read_bytes(), "fixture")
    cells = {}
    for iso3, month, value_bn in table5.filter(~pl.col("is_comparison_series")).select("iso3", "ref_month", "value_usd_bn").iter_rows():
        if iso3 and value_bn is not None:
            cells[(iso3, month.year, month.month)] = round(value_bn * 10)
    for iso3, month, value_mn in table3.select("iso3", "ref_month", "for_treas_pos_usd_mn").iter_rows():
        if iso3 and value_mn is not None:
            cells[(iso3, month.year, month.month)] = round(value_mn / 100)
    return cells


def mfh_history(scale: float) -> tuple[bytes, dict]:
    countries = list(tic_countries().items())
    printed_elsewhere = other_tic_files_tenths()
    if scale <= 1:
        n_countries, n_years = min(BASE["mfh_countries"], len(countries)), BASE["mfh_years"]
    else:
        n_countries = len(countries)
        cells = BASE["mfh_countries"] * BASE["mfh_years"] * scale
        n_years = min(200, math.ceil(cells / n_countries))
    years = list(range(2025, 2025 - n_years, -1)) if n_years <= 126 else list(range(1900 + n_years - 1, 1899, -1))
    fixture = (FIXTURE_MIRROR / TIC / "mfhhis01.txt").read_text()
    lines = fixture.split("\n")
    head = lines[:5]
    footer = lines[next(i for i, row in enumerate(lines) if row.startswith("Department of the Treasury")):]
    out = list(head)
    blank = "\t" * 13
    for y in years:
        out += ["\t" + "\t".join(MONTHS), "Country\t" + "\t".join([str(y)] * 12), "\t" + "\t".join(["------"] * 12), blank]
        totals = [0] * 12
        for i, (iso3, label) in enumerate(countries[:n_countries]):
            # Holdings in tenths of a billion: a few hundred billion at most, moving month by month;
            # as Table 5 or Table 3 prints them where they print the month (MONTHS runs Dec to Jan).
            values = [printed_elsewhere.get((iso3, y, 12 - m), 500 + (i * 137 + y * 31 + m * 7) % 9000) for m in range(12)]
            totals = [t + v for t, v in zip(totals, values)]
            name = f'"{label}"' if "," in label else label
            out.append(name + "\t" + "\t".join(_tenths(v) for v in values))
        other = [20000 + (y * 13 + m) % 5000 for m in range(12)]
        out.append("All Other\t" + "\t".join(_tenths(v) for v in other))
        out.append("Grand Total\t" + "\t".join(_tenths(t + o) for t, o in zip(totals, other)))
        bills = [3000 + (y + m) % 1000 for m in range(12)]
        bonds = [30000 + (y * 3 + m) % 4000 for m in range(12)]
        out += [blank, "Of which:" + "\t" * 12,
                "  For. Official\t" + "\t".join(_tenths(b + n) for b, n in zip(bills, bonds)),
                "    Treasury Bills\t" + "\t".join(_tenths(b) for b in bills),
                "    T-Bonds & Notes\t" + "\t".join(_tenths(n) for n in bonds),
                blank, blank]
    body = "\n".join(out + footer).encode()
    return body, {"countries": n_countries, "years": n_years, "cells": n_countries * n_years * 12}


def mof_reserves(scale: float) -> tuple[bytes, dict]:
    from pipelines.sources import mof_reserves as parser

    raw = (FIXTURE_MIRROR / MOF_RESERVES).read_bytes()
    frame = parser.parse(raw, "https://" + MOF_RESERVES)
    last = frame["ref_month"].max()
    text = raw.decode("cp932")
    rows = text.split("\r\n")
    while rows and not rows[-1].strip(", "):
        rows.pop()
    template = rows[-1].split(",")
    extra = max(0, round(BASE["mof_months"] * scale) - frame.height)
    year, month = last.year, last.month
    for _ in range(extra):
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        cells = list(template)
        cells[0] = f"令和{year - 2018}年" if month == 1 else ""
        cells[1] = f"{month}月"
        cells[2] = ""
        cells[3] = MONTHS[12 - month]
        rows.append(",".join(cells))
    body = ("\r\n".join(rows) + "\r\n").encode("cp932")
    return body, {"months": frame.height + extra}


def _fred_extend(path: Path, count: int, step) -> tuple[bytes, int]:
    text = path.read_text()
    lines = [row for row in text.splitlines() if row.strip()]
    header, data = lines[0], lines[1:]
    last_date, last_value = data[-1].split(",")
    day = date.fromisoformat(last_date)
    out = list(data)
    while len(out) < count:
        day = step(day)
        out.append(f"{day.isoformat()},{last_value}")
    return ("\n".join([header, *out]) + "\n").encode(), len(out)


def _next_month(d: date) -> date:
    return date(d.year + 1, 1, 1) if d.month == 12 else date(d.year, d.month + 1, 1)


def _next_business_day(d: date) -> date:
    d += timedelta(days=1)
    while d.weekday() >= 5:
        d += timedelta(days=1)
    return d


def debt_pages(scale: float) -> tuple[dict[str, bytes], dict]:
    from pipelines.sources import debt_to_penny, fiscaldata

    size = fiscaldata.MAX_PAGE_SIZE  # what a refresh asks for: the benches leave TLW_DEBT_PAGE_SIZE unset
    n = round(BASE["debt_records"] * scale)
    pages = max(1, math.ceil(n / size))
    files = {}
    day = date(1993, 4, 1)
    fields = ("record_date", "debt_held_public_amt", "intragov_hold_amt", "tot_pub_debt_out_amt")
    labels = {"record_date": "Record Date", "debt_held_public_amt": "Debt Held by the Public",
              "intragov_hold_amt": "Intragovernmental Holdings", "tot_pub_debt_out_amt": "Total Public Debt Outstanding"}
    i = 0
    for page in range(1, pages + 1):
        data = []
        for _ in range(min(size, n - i)):
            total_cents = 4_200_000_000_000_00 + (i * 1_234_567_89) % 90_000_000_000_000_00
            public = total_cents * 3 // 4
            data.append({
                "record_date": day.isoformat(),
                "debt_held_public_amt": f"{public // 100}.{public % 100:02d}",
                "intragov_hold_amt": f"{(total_cents - public) // 100}.{(total_cents - public) % 100:02d}",
                "tot_pub_debt_out_amt": f"{total_cents // 100}.{total_cents % 100:02d}",
            })
            day = _next_business_day(day)
            i += 1
        frag = lambda k: f"&page%5Bnumber%5D={k}&page%5Bsize%5D={size}"  # noqa: E731
        doc = {
            "data": data,
            "meta": {"count": len(data), "labels": labels,
                     "dataTypes": {f: ("DATE" if f == "record_date" else "CURRENCY") for f in fields},
                     "dataFormats": {f: ("YYYY-MM-DD" if f == "record_date" else "$10.20") for f in fields},
                     "total-count": n, "total-pages": pages},
            "links": {"self": frag(page), "first": frag(1), "prev": frag(page - 1) if page > 1 else None,
                      "next": frag(page + 1) if page < pages else None, "last": frag(pages)},
        }
        files[debt_to_penny.page_url(None, page_size=size, page_number=page)] = json.dumps(doc).encode()
    return files, {"records": n, "pages": pages}


def federal_register_pages(scale: float, per_page: int = 1000) -> tuple[dict[str, bytes], dict]:
    from pipelines.sources import federal_register

    fixture_docs: dict[str, dict] = {}
    for path in sorted((FIXTURE_MIRROR / "www.federalregister.gov" / "api" / "v1").iterdir()):
        for result in json.loads(path.read_bytes()).get("results", []):
            fixture_docs.setdefault(result["document_number"], result)
    template = next(d for d in fixture_docs.values() if d.get("type") != "Presidential Document")
    docs = list(fixture_docs.values())
    n = max(len(docs), round(BASE["fr_documents"] * scale))
    start = date(2018, 1, 2)
    for i in range(n - len(docs)):
        doc = dict(template)
        number = f"2090-{i:06d}"
        doc.update(document_number=number, title=f"Synthetic notice {i} on tariffs and duties",
                   publication_date=(start + timedelta(days=i % 3000)).isoformat(),
                   signing_date=None, effective_on=None, executive_order_number=None, proclamation_number=None,
                   correction_of=None, disposition_notes=None, citation=f"99 FR {i}",
                   html_url=f"https://www.federalregister.gov/documents/{number}",
                   pdf_url=None, abstract="A synthetic notice for the scale benchmark.")
        docs.append(doc)
    first, *others = federal_register.search_urls(date(2018, 1, 1), per_page=per_page)
    pages = max(1, math.ceil(len(docs) / per_page))
    files = {}
    for page in range(1, pages + 1):
        url = first if page == 1 else federal_register.page_url(first, page)
        body = {"count": len(docs), "description": "Synthetic documents for the scale benchmark", "total_pages": pages,
                "results": docs[(page - 1) * per_page: page * per_page]}
        if page < pages:
            body["next_page_url"] = federal_register.page_url(first, page + 1)
        if page > 1:
            body["previous_page_url"] = federal_register.page_url(first, page - 1)
        files[url] = json.dumps(body, indent=1).encode()
    for url in others:
        files[url] = json.dumps({"count": 0, "description": "No documents were found."}).encode()
    return files, {"documents": len(docs), "pages": pages}


def write_mirror(root: Path, scale: float) -> dict:
    """A complete mirror under `root` at `scale`; returns what was generated (counts, bytes)."""
    if root.exists():
        shutil.rmtree(root)
    shutil.copytree(FIXTURE_MIRROR, root)
    summary: dict = {}

    def put(url_or_relpath: str, body: bytes) -> None:
        rel = mirror_relpath(url_or_relpath) if url_or_relpath.startswith("https://") else url_or_relpath
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body)

    body, summary["tic_mfh_history"] = mfh_history(scale)
    put(f"{TIC}/mfhhis01.txt", body)
    body, summary["mof_reserves"] = mof_reserves(scale)
    put(MOF_RESERVES, body)
    cn = root / FRED / "fredgraph.csv?id=TRESEGCNM052N"
    body, months = _fred_extend(cn, round(BASE["fred_cn_months"] * scale), _next_month)
    cn.write_bytes(body)
    jpy = root / FRED / "fredgraph.csv?id=DEXJPUS"
    body, days = _fred_extend(jpy, round(BASE["fred_jpy_days"] * scale), _next_business_day)
    jpy.write_bytes(body)
    summary["fred"] = {"TRESEGCNM052N months": months, "DEXJPUS days": days}
    files, summary["debt_to_penny"] = debt_pages(scale)
    for url, body in files.items():
        put(url, body)
    files, summary["federal_register"] = federal_register_pages(scale)
    for url, body in files.items():
        put(url, body)
    summary["mirror_bytes"] = sum(p.stat().st_size for p in root.rglob("*") if p.is_file())
    return summary


if __name__ == "__main__":
    import sys

    print(json.dumps(write_mirror(Path(sys.argv[1]), float(sys.argv[2])), indent=2))
