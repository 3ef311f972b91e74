"""`tlw report`: one self-contained HTML file with the charts and tables people come for.

Written to `$TLW_HOME/reports/tlw-report-<UTC timestamp>.html` and copied to `reports/latest.html`.
The file opens without internet: plotly's JavaScript is embedded once, inline, in the page head
(`plotly.offline.get_plotlyjs()`), and every chart is a plotly figure written with
`include_plotlyjs=False` after it. Nothing is fetched when the page opens.

Sections, one function each, in the order of the page:
  1. `holders_section`      the largest holders over time, tariff events marked on the time axis
  2. `japan_section`        Japan's holdings against its reserves (MOF) and its FX interventions
  3. `leverage_section`     holders ranked by holdings, share of foreign holdings, holdings / reserves
  4. `claims_section`       claim checks (verdict, evidence) for the latest months
  5. `tariff_windows_section` holdings around the tariff events that named the largest holders
  6. `april_2025_section`   April 2025: 10- and 30-year yields, the term premium, weekly custody and
                            Japan's weekly foreign bond flows, tariff actions and statements marked
A section whose tables are missing from the published warehouse (a mart not built yet) says so
and which table is missing; the other sections still render.

Reads only through `warehouse.read_only_connection`.
"""

from __future__ import annotations

import html
import os
import shutil
import sys
import textwrap
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Callable, TextIO

import duckdb
import jinja2
import plotly.graph_objects as go
from plotly.offline import get_plotlyjs
from plotly.subplots import make_subplots

from pipelines import warehouse
from pipelines.config import Settings

# The page layout, CSS and tables are a Jinja2 template; the sections' text and charts are built here.
TEMPLATES = jinja2.Environment(loader=jinja2.PackageLoader("pipelines", "templates"), autoescape=True)
PAGE = TEMPLATES.get_template("report.html.j2")
MACROS = TEMPLATES.get_template("report_macros.j2").module

TOP_HOLDERS = 8
CLAIM_GRID_MONTHS = 18  # verdict grid: the largest holders over the latest 18 months
CLAIM_TEXT_MONTHS = 3  # evidence table: the latest 3 months
PLOT_CONFIG = {"displaylogo": False, "responsive": True}
TEMPLATE = "plotly_white"

VERDICT_LABELS = {
    "net_seller": "net seller",
    "net_buyer": "net buyer",
    "no_net_flow": "no net flow",
    "holdings_fell": "fell",
    "holdings_rose": "rose",
    "holdings_unchanged": "unchanged",
    "undetermined": "undetermined",
}


@dataclass(frozen=True)
class Section:
    anchor: str
    title: str
    nav: str
    tables: tuple[str, ...]  # what it reads, checked before it runs
    build: Callable[[duckdb.DuckDBPyConnection], str]


# ---------------------------------------------------------------------------------------------
# small helpers


def esc(value) -> str:
    """Text for HTML content and attributes."""
    return html.escape("" if value is None else str(value))


def plot_text(value) -> str:
    """Text for plotly hover labels, which take a little HTML (<b>, <br>): escape only & < >."""
    return html.escape("" if value is None else str(value), quote=False)


def num(value, digits: int = 1, signed: bool = False) -> str:
    if value is None:
        return "–"
    return f"{value:+,.{digits}f}" if signed else f"{value:,.{digits}f}"


def month_label(value: date) -> str:
    return value.strftime("%Y-%m")


def rows(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict]:
    cursor = con.execute(sql, params or [])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def table(headers: list[str], body: list[list[str]], css: str = "", numeric: set[int] = frozenset()) -> str:
    """An HTML table from already escaped cells (the template's `table` macro); the columns in
    `numeric` are right-aligned."""
    return str(MACROS.table(headers, body, css, numeric))


def figure_html(fig: go.Figure, div_id: str) -> str:
    fig.update_layout(template=TEMPLATE, margin=dict(l=60, r=30, t=40, b=40), hovermode="closest")
    return fig.to_html(full_html=False, include_plotlyjs=False, config=PLOT_CONFIG, div_id=div_id)


def month_end_series(points: list[tuple[date, float]]) -> tuple[list[date], list[float | None]]:
    """x at each month's last day (positions are month-end), with a gap (None) where months are
    missing so a line never bridges months the warehouse does not have."""
    xs: list[date] = []
    ys: list[float | None] = []
    previous = None
    for month, value in points:
        if previous is not None and (month.year - previous.year) * 12 + month.month - previous.month > 1:
            xs.append(previous)
            ys.append(None)
        xs.append(_month_end(month))
        ys.append(value)
        previous = month
    return xs, ys


def _month_end(month: date) -> date:
    following = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


def top_holders(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """The TOP_HOLDERS largest holders in the latest month of core.treasury_holdings."""
    return rows(
        con,
        """
        SELECT h.iso3, coalesce(d.name, h.iso3) AS name, coalesce(d.is_custody_center, FALSE) AS custody,
               h.ref_month, h.holdings_usd_bn
        FROM core.treasury_holdings h
        LEFT JOIN core.dim_country d USING (iso3)
        WHERE h.ref_month = (SELECT max(ref_month) FROM core.treasury_holdings)
          AND h.holdings_usd_bn IS NOT NULL
        ORDER BY h.holdings_usd_bn DESC, h.iso3
        LIMIT ?
        """,
        [TOP_HOLDERS],
    )


# ---------------------------------------------------------------------------------------------
# the header


def header_facts(con: duckdb.DuckDBPyConnection, settings: Settings, generated_at: datetime) -> tuple[list, list]:
    """The page header's facts (name, value) and its per-source rows, escaped for the template."""
    publish = rows(con, "SELECT * FROM meta.publish_log ORDER BY published_at DESC LIMIT 1")
    sources = rows(
        con,
        """
        SELECT source, max(fetched_at) AS fetched_at, count(DISTINCT raw_sha256) AS bodies,
               sum(rows_loaded) FILTER (WHERE changed) AS rows_new
        FROM meta.load_log GROUP BY source ORDER BY source
        """,
    )
    p = publish[0] if publish else {}
    facts = [
        ("Report generated", _utc(generated_at)),
        ("Warehouse published", _utc(p.get("published_at"))),
        ("Code version", p.get("code_version", "unknown")),
        ("Checks at publish", warehouse.checks_line(p["checks_passed"], p["checks_run"]) if p.get("checks_run") is not None else p.get("checks_passed", "–")),
        ("Warehouse", settings.published_db),
    ]
    return facts, [[esc(s["source"]), esc(_utc(s["fetched_at"])), esc(s["bodies"])] for s in sources]


def _utc(value) -> str:
    """A time as `YYYY-MM-DD HH:MM UTC` (not escaped: the template escapes)."""
    if value is None:
        return "–"
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(timezone.utc)
        return value.strftime("%Y-%m-%d %H:%M UTC")
    return str(value)


# ---------------------------------------------------------------------------------------------
# 1. the largest holders over time, tariff events on the time axis


def holders_section(con: duckdb.DuckDBPyConnection) -> str:
    holders = top_holders(con)
    if not holders:
        return "<p class=empty>core.treasury_holdings has no holdings yet.</p>"
    history = rows(
        con,
        "SELECT iso3, ref_month, holdings_usd_bn FROM core.treasury_holdings WHERE iso3 IN (SELECT unnest(?)) ORDER BY iso3, ref_month",
        [[h["iso3"] for h in holders]],
    )
    events = tariff_events(con)

    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.74, 0.26], vertical_spacing=0.04)
    for holder in holders:
        points = [(r["ref_month"], r["holdings_usd_bn"]) for r in history if r["iso3"] == holder["iso3"]]
        xs, ys = month_end_series(points)
        name = holder["name"] + (" *" if holder["custody"] else "")
        fig.add_trace(
            go.Scatter(
                x=xs, y=ys, name=name, mode="lines+markers", marker=dict(size=3),
                line=dict(width=2, dash="dot" if holder["custody"] else "solid"),
                hovertemplate=f"{plot_text(holder['name'])}<br>end-%{{x|%b %Y}}: $%{{y:,.1f}} bn<extra></extra>",
            ),
            row=1, col=1,
        )
    add_event_marks(fig, events)
    fig.update_yaxes(title_text="USD bn", row=1, col=1)
    authorities = sorted({e["authority"] or "other" for e in events})
    fig.update_yaxes(title_text="tariff events", row=2, col=1, type="category", categoryorder="array",
                     categoryarray=authorities, tickmode="array", tickvals=authorities, tickfont=dict(size=10))
    fig.update_layout(height=720, legend=dict(orientation="h", y=-0.08, x=0))
    if events:
        # from the year before the first event to the later of the last month held and the last event
        start = min(e["marked_on"] for e in events)
        end = max(_month_end(max(r["ref_month"] for r in history)), max(e["marked_on"] for e in events))
        fig.update_xaxes(range=[date(start.year - 1, 1, 1), date.fromordinal(end.toordinal() + 20)])
    fig.update_xaxes(
        rangeselector=dict(buttons=[
            dict(count=2, label="2 years", step="year", stepmode="backward"),
            dict(count=5, label="5 years", step="year", stepmode="backward"),
            dict(step="all", label="all history"),
        ]),
        row=1, col=1,
    )
    latest = holders[0]["ref_month"]
    caption = (
        f"<p>Holdings of U.S. Treasury securities at each month end, billions of dollars, for the {len(holders)} "
        f"largest holders at end-{latest:%B %Y} (core.treasury_holdings, newest vintage of each month). "
        "Dotted lines (*) are custody centres: TIC counts securities where they are held, not who owns them. "
        + (f"Grey lines and the markers below mark {len(events)} U.S. tariff events (core.dim_tariff_event) on the "
           "first date each was public (announced, else signed, else published, else effective), one row per legal "
           "authority; hover a marker for the titles. The view starts the year before the first event: "
           "use “all history” to see every month held.</p>" if events else
           "core.dim_tariff_event has no dated tariff event to mark.</p>")
    )
    return caption + figure_html(fig, "chart-holders")


def tariff_events(con: duckdb.DuckDBPyConnection) -> list[dict]:
    return rows(
        con,
        """
        SELECT event_id, title, authority, action, announced_on, signed_on, published_on, effective_on,
               rate_before_pct, rate_after_pct, affected_countries,
               coalesce(announced_on, signed_on, published_on, effective_on) AS marked_on
        FROM core.dim_tariff_event
        WHERE coalesce(announced_on, signed_on, published_on, effective_on) IS NOT NULL
        ORDER BY marked_on, event_id
        """,
    )


def add_event_marks(fig: go.Figure, events: list[dict]) -> None:
    """A thin vertical line per event date across the holdings panel, and in the strip below one
    marker per event on the row of its legal authority, with the titles in the hover."""
    for day in sorted({e["marked_on"] for e in events}):
        fig.add_vline(x=day, line=dict(color="rgba(120,120,120,0.35)", width=1), row=1, col=1)
    by_authority: dict[str, list[dict]] = {}
    for event in events:
        by_authority.setdefault(event["authority"] or "other", []).append(event)
    for authority, group in sorted(by_authority.items()):
        fig.add_trace(
            go.Scatter(
                x=[e["marked_on"] for e in group], y=[authority] * len(group), mode="markers",
                marker=dict(symbol="triangle-up", size=10, color="#c0392b", line=dict(width=0.5, color="white")),
                name=f"tariff events: {authority}", showlegend=False,
                text=[event_hover(e) for e in group],
                hovertemplate="%{text}<extra></extra>",
            ),
            row=2, col=1,
        )


def event_hover(event: dict) -> str:
    dates = ", ".join(
        f"{label} {event[key]:%Y-%m-%d}"
        for key, label in (("announced_on", "announced"), ("signed_on", "signed"), ("published_on", "published"), ("effective_on", "effective"))
        if event[key] is not None
    )
    rate = ""
    if event["rate_before_pct"] is not None or event["rate_after_pct"] is not None:
        rate = f"<br>rate {num(event['rate_before_pct'], 0)}% → {num(event['rate_after_pct'], 0)}%"
    # hover labels do not wrap by themselves
    lines = textwrap.wrap(event["title"] or "", 70, break_long_words=False, break_on_hyphens=False)
    title = "<br>".join(plot_text(line) for line in lines)
    what = f"{plot_text(event['authority'])}, {plot_text(event['action'])}"
    return f"<b>{title}</b><br>{what}: {dates}{rate}<br>{plot_text(event['event_id'])}"


# ---------------------------------------------------------------------------------------------
# 2. Japan: holdings against reserves, and interventions


def japan_section(con: duckdb.DuckDBPyConnection) -> str:
    holdings = rows(con, "SELECT ref_month, holdings_usd_bn FROM core.treasury_holdings WHERE iso3 = 'JPN' ORDER BY ref_month")
    reserves = rows(
        con,
        """
        SELECT ref_month, total_reserves_usd_mn / 1000.0 AS reserves_usd_bn
        FROM core.reserves WHERE iso3 = 'JPN' AND measure = 'total_incl_gold' ORDER BY ref_month
        """,
    )
    interventions = rows(
        con,
        """
        SELECT CAST(date_trunc('month', intervention_date) AS DATE) AS month, coalesce(side, 'other') AS side,
               sum(amount_jpy_bn) AS amount_jpy_bn, count(*) AS operations
        FROM core.fct_fx_interventions WHERE iso3 = 'JPN'
        GROUP BY ALL ORDER BY month, side
        """,
    )
    fig = make_subplots(
        rows=2, cols=1, shared_xaxes=True, row_heights=[0.62, 0.38], vertical_spacing=0.06,
        subplot_titles=("Treasury holdings and official reserves, USD bn (month end)", "FX interventions, yen bn per month (MOF)"),
    )
    for label, data, key, color in (
        ("Treasury holdings (TIC)", holdings, "holdings_usd_bn", "#1f77b4"),
        ("Official reserves incl. gold (MOF)", reserves, "reserves_usd_bn", "#2ca02c"),
    ):
        xs, ys = month_end_series([(r["ref_month"], r[key]) for r in data])
        fig.add_trace(
            go.Scatter(x=xs, y=ys, name=label, mode="lines+markers", marker=dict(size=3), line=dict(color=color, width=2),
                       hovertemplate=f"{label}<br>end-%{{x|%b %Y}}: $%{{y:,.1f}} bn<extra></extra>"),
            row=1, col=1,
        )
    sides = {
        "buy_jpy": ("yen bought (foreign currency sold, paid from reserves)", "#d62728"),
        "sell_jpy": ("yen sold (foreign currency bought)", "#ff7f0e"),
        "other": ("pairs without the yen", "#7f7f7f"),
    }
    for side, (label, color) in sides.items():
        group = [r for r in interventions if r["side"] == side]
        if not group:
            continue
        fig.add_trace(
            go.Bar(
                x=[r["month"] for r in group], y=[r["amount_jpy_bn"] for r in group], name=label, marker_color=color,
                customdata=[r["operations"] for r in group],
                hovertemplate=f"{label}<br>%{{x|%b %Y}}: ¥%{{y:,.1f}} bn in %{{customdata}} operation(s)<extra></extra>",
            ),
            row=2, col=1,
        )
    fig.update_yaxes(title_text="USD bn", row=1, col=1)
    fig.update_yaxes(title_text="yen bn", row=2, col=1)
    fig.update_layout(height=620, barmode="stack", legend=dict(orientation="h", y=-0.08, x=0, traceorder="normal"))
    # The ratio is the mart's (one rule: same holdings view, same reserves measure), not recomputed.
    ratio = rows(
        con,
        """
        SELECT ref_month, holdings_usd_bn, reserves_usd_bn, holdings_to_reserves
        FROM marts.leverage_monthly
        WHERE iso3 = 'JPN' AND holdings_to_reserves IS NOT NULL
        ORDER BY ref_month DESC LIMIT 1
        """,
    )
    summary = ""
    if ratio:
        r = ratio[0]
        summary = (
            f" At end-{r['ref_month']:%B %Y}, the latest month with both figures, Japan held "
            f"${num(r['holdings_usd_bn'])} bn of Treasuries against ${num(r['reserves_usd_bn'])} bn of reserves "
            f"({num(100 * r['holdings_to_reserves'], 0)}%, marts.leverage_monthly). TIC counts Treasuries held by all "
            "Japanese residents, not only the Ministry of Finance, so the ratio is an upper bound on what reserves hold."
        )
    caption = (
        "<p>Japan's holdings of U.S. Treasuries (core.treasury_holdings) against its official reserve assets "
        "including gold (core.reserves, MOF), and its foreign exchange interventions (core.fct_fx_interventions, "
        "daily operations summed by month; yen buying is financed by selling foreign reserves such as "
        f"Treasuries).{summary}</p>"
    )
    return caption + figure_html(fig, "chart-japan")


# ---------------------------------------------------------------------------------------------
# 3. leverage table


def leverage_section(con: duckdb.DuckDBPyConnection) -> str:
    data = rows(
        con,
        """
        WITH latest AS (SELECT max(ref_month) AS ref_month FROM marts.leverage_monthly WHERE holdings_usd_bn IS NOT NULL),
        ratio AS (  -- the newest holdings / reserves at or before the latest month, per holder
            SELECT DISTINCT ON (m.iso3) m.iso3, m.ref_month AS ratio_month, m.holdings_to_reserves, m.reserves_measure
            FROM marts.leverage_monthly m
            WHERE m.holdings_to_reserves IS NOT NULL AND m.ref_month <= (SELECT ref_month FROM latest)
            ORDER BY m.iso3, m.ref_month DESC
        )
        SELECT l.iso3, coalesce(d.name, l.iso3) AS name, l.ref_month, l.rank_by_holdings, l.holdings_usd_bn,
               l.share_of_foreign_pct, l.share_of_public_debt_pct, l.chg_1m_usd_bn, l.chg_12m_usd_bn,
               l.selling_streak_months, l.is_custody_center,
               r.ratio_month, r.holdings_to_reserves, r.reserves_measure
        FROM marts.leverage_monthly l
        JOIN latest USING (ref_month)
        LEFT JOIN ratio r USING (iso3)
        LEFT JOIN core.dim_country d USING (iso3)
        WHERE l.holdings_usd_bn IS NOT NULL
        ORDER BY l.rank_by_holdings, l.iso3
        """,
    )
    if not data:
        return "<p class=empty>marts.leverage_monthly has no rows yet.</p>"
    latest = data[0]["ref_month"]
    with_debt = any(r["share_of_public_debt_pct"] is not None for r in data)
    body = []
    for r in data:
        ratio = "–"
        if r["holdings_to_reserves"] is not None:
            ratio = f"{r['holdings_to_reserves']:.2f}"
            if r["ratio_month"] != latest:
                ratio += f" <span class=note>({month_label(r['ratio_month'])})</span>"
            if r["reserves_measure"] == "total_excl_gold":
                ratio += " <span class=note>excl. gold</span>"
        body.append([
            esc(r["rank_by_holdings"]),
            f'<span data-iso3="{esc(r["iso3"])}">{esc(r["name"])}</span>' + (" *" if r["is_custody_center"] else ""),
            num(r["holdings_usd_bn"]),
            num(r["share_of_foreign_pct"]),
            *([num(r["share_of_public_debt_pct"])] if with_debt else []),
            ratio,
            num(r["chg_1m_usd_bn"], signed=True),
            num(r["chg_12m_usd_bn"], signed=True),
            esc(r["selling_streak_months"] if r["selling_streak_months"] is not None else "–"),
        ])
    caption = (
        f"<p>Every holder in the latest month, end-{latest:%B %Y}, ranked by holdings (marts.leverage_monthly). "
        "Share of foreign: of all foreign holdings (TIC Grand Total of the same file). "
        + ("Share of public debt: of the debt held by the public at month end (Debt to the Penny). " if with_debt else
           "(No share of the debt held by the public: the warehouse has no Debt to the Penny month-end figure for this month.) ")
        + "Holdings / reserves: Treasuries held over the "
        "holder's official reserves (MOF including gold for Japan, IMF excluding gold otherwise); when the latest "
        "month has no reserves figure, the newest month that has one is shown with its month. "
        "Selling streak: consecutive months of falling holdings. * custody centre.</p>"
    )
    headers = ["rank", "holder", "holdings, USD bn", "share of foreign, %",
               *(["share of public debt, %"] if with_debt else []), "holdings / reserves",
               "1-month change, USD bn", "12-month change, USD bn", "selling streak, months"]
    return caption + table(headers, body, "leverage", numeric={0} | set(range(2, len(headers))))


# ---------------------------------------------------------------------------------------------
# 4. claim checks


def claims_section(con: duckdb.DuckDBPyConnection) -> str:
    holders = top_holders(con)
    months = [r["ref_month"] for r in rows(con, "SELECT DISTINCT ref_month FROM marts.claim_checks WHERE ref_month IS NOT NULL ORDER BY ref_month DESC LIMIT ?", [CLAIM_GRID_MONTHS])]
    if not months or not holders:
        return "<p class=empty>marts.claim_checks has no rows yet.</p>"
    months.sort()
    checks = rows(
        con,
        """
        SELECT iso3, country_name, ref_month, holdings_usd_bn, chg_1m_usd_bn, net_sales_usd_bn, verdict, evidence
        FROM marts.claim_checks
        WHERE iso3 IN (SELECT unnest(?)) AND ref_month >= ?
        """,
        [[h["iso3"] for h in holders], months[0]],
    )
    by_key = {(c["iso3"], c["ref_month"]): c for c in checks}
    return (
        f"<p>Did the largest holders sell? One cell per holder and month for the latest {len(months)} months "
        "(marts.claim_checks): the verdict from TIC net transactions where Table 3 has them, otherwise from the "
        "change in holdings within one file and series (prices move holdings too). Hover a cell for the evidence; "
        f"the table below quotes it for the latest {CLAIM_TEXT_MONTHS} months.</p>"
        + claim_grid(holders, months, by_key)
        + claim_evidence_table(holders, months[-CLAIM_TEXT_MONTHS:][::-1], by_key)
    )


def claim_grid(holders: list[dict], months: list[date], by_key: dict) -> str:
    headers = ["holder"] + [f"{m:%b}<br>{m:%Y}" for m in months]
    body = []
    for holder in holders:
        cells = [esc(holder["name"]) + (" *" if holder["custody"] else "")]
        for month in months:
            check = by_key.get((holder["iso3"], month))
            if check is None:
                cells.append("")
                continue
            verdict = check["verdict"]
            cells.append(
                f'<span class="verdict v-{esc(verdict)}" data-iso3="{esc(holder["iso3"])}" data-month="{month_label(month)}" '
                f'data-verdict="{esc(verdict)}" title="{esc(check["evidence"])}">{esc(VERDICT_LABELS.get(verdict, verdict))}</span>'
            )
        body.append(cells)
    return table(headers, body, "grid")


def claim_evidence_table(holders: list[dict], months: list[date], by_key: dict) -> str:
    body = []
    for month in months:
        for holder in holders:
            check = by_key.get((holder["iso3"], month))
            if check is None:
                continue
            body.append([
                month_label(month),
                esc(check["country_name"]),
                f'<span class="verdict v-{esc(check["verdict"])}">{esc(VERDICT_LABELS.get(check["verdict"], check["verdict"]))}</span>',
                num(check["holdings_usd_bn"]),
                num(check["chg_1m_usd_bn"], signed=True),
                num(check["net_sales_usd_bn"], signed=True),
                f'<span class=evidence>{esc(check["evidence"])}</span>',
            ])
    headers = ["month", "holder", "verdict", "holdings, USD bn", "1-month change, USD bn", "net sales, USD bn", "evidence"]
    return table(headers, body, "claims", numeric={3, 4, 5})


# ---------------------------------------------------------------------------------------------
# 5. holdings around the tariff events that named the largest holders


def tariff_windows_section(con: duckdb.DuckDBPyConnection) -> str:
    holders = top_holders(con)
    data = rows(
        con,
        """
        SELECT w.event_id, w.title, w.iso3, coalesce(d.name, w.iso3) AS name, w.event_date, w.month_before,
               w.month_plus3m, w.chg_3m_usd_bn, w.chg_3m_pct, w.other_foreign_chg_3m_pct, w.excess_chg_3m_pct,
               w.net_sales_3m_usd_bn
        FROM marts.tariff_event_windows w
        LEFT JOIN core.dim_country d USING (iso3)
        WHERE w.affected_via = 'listed' AND w.iso3 IN (SELECT unnest(?))
        ORDER BY w.event_date DESC, w.iso3
        """,
        [[h["iso3"] for h in holders]],
    )
    if not data:
        return "<p class=empty>No tariff event in marts.tariff_event_windows names one of the largest holders.</p>"
    body = [
        [
            f"{r['event_date']:%Y-%m-%d}",
            esc(r["title"]),
            esc(r["name"]),
            f"{month_label(r['month_before'])} → {month_label(r['month_plus3m'])}",
            num(r["chg_3m_usd_bn"], signed=True),
            num(r["chg_3m_pct"], signed=True),
            num(r["other_foreign_chg_3m_pct"], signed=True),
            num(r["excess_chg_3m_pct"], signed=True),
            num(r["net_sales_3m_usd_bn"], signed=True),
        ]
        for r in data
    ]
    caption = (
        "<p>Tariff events that named one of the largest holders (marts.tariff_event_windows, listed partners): "
        "the holder's holdings from the last month end before the event was first public to two months after "
        "that month, against all other foreign holders (Grand Total less the holder). Excess: the holder's change "
        "minus the other holders', percentage points. "
        "A dash: that month is not published yet or no single file prints both months.</p>"
    )
    headers = ["event date", "event", "holder", "window", "3-month change, USD bn", "change, %",
               "all other foreign, %", "excess, pp", "net sales in window, USD bn"]
    return caption + table(headers, body, "windows", numeric=set(range(4, len(headers))))


# ---------------------------------------------------------------------------------------------
# 6. April 2025: the sell-off, daily and weekly, with tariff actions and statements on the time axis


APRIL_2025 = (date(2025, 3, 17), date(2025, 5, 31))
APRIL_2025_TABLES = ("marts.market_daily", "marts.weekly_signals", "marts.event_market_windows",
          "core.dim_tariff_event", "core.dim_policy_statement")
STATEMENT_COLOURS = {"rules_out": "#1f77b4", "hints": "#d62728", "talks_round": "#2ca02c", "denies_selling": "#9467bd"}


def april_2025_events(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Tariff events (first public date) and day-precise statements inside APRIL_2025, by date."""
    return rows(
        con,
        """
        SELECT 'tariff_event' AS kind, event_id AS id, event_date AS day, title AS label, authority AS detail
        FROM core.dim_tariff_event WHERE event_date BETWEEN ? AND ?
        UNION ALL
        SELECT 'statement', statement_id, statement_date, speaker || ': ' || quote, kind
        FROM core.dim_policy_statement WHERE date_precision = 'day' AND statement_date BETWEEN ? AND ?
        ORDER BY day, id
        """,
        [*APRIL_2025, *APRIL_2025],
    )


def april_2025_section(con: duckdb.DuckDBPyConnection) -> str:
    daily = rows(con, "SELECT obs_date, dgs10_pct, dgs30_pct, term_premium10_pct FROM marts.market_daily WHERE obs_date BETWEEN ? AND ? ORDER BY obs_date", list(APRIL_2025))
    weekly = rows(
        con,
        """
        SELECT week_start, week_end, custody_date, custody_treasuries_usd_mn, custody_treasuries_chg_usd_mn,
               custody_treasuries_chg_zscore_52w, jp_foreign_bonds_net_100m_jpy
        FROM marts.weekly_signals WHERE week_end >= ? AND week_start <= ? ORDER BY week_start
        """,
        list(APRIL_2025),
    )
    marks = april_2025_events(con)
    intro = (
        '<p class="lede">The weeks after the reciprocal tariffs of 2025-04-02, at the frequency they happened: '
        "Treasury yields and the Kim-Wright term premium each business day (FRED, H.15), foreign official "
        "custody holdings at the New York Fed each Wednesday (H.4.1) and Japanese investors' net purchases of "
        "foreign bonds each week (MOF). Red triangles: tariff actions (first public date); circles: official "
        "statements and talks rounds. Custody is every foreign official account, not Japan; MOF weekly is every "
        "foreign bond, not only Treasuries.</p>"
    )
    if not daily and not weekly:
        return intro + '<p class="empty">No daily or weekly market data in the published warehouse for '\
            f"{APRIL_2025[0]} to {APRIL_2025[1]} (the FRED yield and custody series and MOF week.csv were not loaded).</p>"
    return intro + april_2025_chart(daily, weekly, marks) + april_2025_windows(con)


def april_2025_chart(daily: list[dict], weekly: list[dict], marks: list[dict]) -> str:
    fig = make_subplots(
        rows=5, cols=1, shared_xaxes=True, vertical_spacing=0.03, row_heights=[0.3, 0.16, 0.2, 0.2, 0.14],
        subplot_titles=("Treasury yields, percent", "10-year term premium (Kim-Wright), percent",
                        "Foreign official custody: marketable Treasuries, weekly change, $ bn",
                        "Japanese investors: net purchases of foreign bonds, ¥ trillion per week",
                        "Tariff actions and statements"),
    )
    days = [r["obs_date"] for r in daily]
    for column, name, colour in (("dgs10_pct", "10-year", "#1f5fa8"), ("dgs30_pct", "30-year", "#7f3fbf")):
        fig.add_trace(go.Scatter(x=days, y=[r[column] for r in daily], name=name, mode="lines",
                                 line=dict(color=colour), connectgaps=False), row=1, col=1)
    fig.add_trace(go.Scatter(x=days, y=[r["term_premium10_pct"] for r in daily], name="term premium",
                             mode="lines", line=dict(color="#555")), row=2, col=1)
    custody = [r for r in weekly if r["custody_treasuries_chg_usd_mn"] is not None]
    fig.add_trace(go.Bar(
        x=[r["custody_date"] for r in custody], y=[r["custody_treasuries_chg_usd_mn"] / 1000 for r in custody],
        name="custody change", marker_color=["#c0392b" if r["custody_treasuries_chg_usd_mn"] < 0 else "#2e8b57" for r in custody],
        text=[f"level ${num(r['custody_treasuries_usd_mn'] / 1000)} bn; z {num(r['custody_treasuries_chg_zscore_52w'], 1, signed=True)}" for r in custody],
        textposition="none", showlegend=False,
        hovertemplate="Wednesday %{x|%Y-%m-%d}: %{y:+.1f} bn<br>%{text}<extra></extra>"), row=3, col=1)
    flows = [r for r in weekly if r["jp_foreign_bonds_net_100m_jpy"] is not None]
    fig.add_trace(go.Bar(
        # a Sunday-to-Saturday flow, drawn at the middle of its week
        x=[r["week_start"] + timedelta(days=3) for r in flows],
        y=[r["jp_foreign_bonds_net_100m_jpy"] / 10000 for r in flows], name="Japan foreign bonds",
        marker_color=["#c0392b" if r["jp_foreign_bonds_net_100m_jpy"] < 0 else "#2e8b57" for r in flows],
        text=[f"{r['week_start']:%Y-%m-%d} to {r['week_end']:%Y-%m-%d}" for r in flows],
        textposition="none", showlegend=False,
        hovertemplate="%{text}: %{y:+.2f} trillion yen<extra></extra>"), row=4, col=1)
    add_statement_and_tariff_marks(fig, marks)
    fig.update_layout(height=900, showlegend=True, legend=dict(orientation="h", y=1.0, x=1, xanchor="right", yanchor="bottom"), bargap=0.3)
    fig.update_xaxes(range=[APRIL_2025[0], APRIL_2025[1]])
    return figure_html(fig, "chart-april-2025")


def add_statement_and_tariff_marks(fig: go.Figure, marks: list[dict]) -> None:
    """Every event as a vertical line through the panels and a marker in the bottom strip."""
    for mark in marks:
        dash = "dot" if mark["kind"] == "statement" else "solid"
        for row in range(1, 5):
            fig.add_vline(x=mark["day"], line=dict(color="rgba(120,120,120,0.35)", width=1, dash=dash), row=row, col=1)
    for kind, symbol, lane in (("tariff_event", "triangle-up", "tariff actions"), ("statement", "circle", "statements")):
        group = [m for m in marks if m["kind"] == kind]
        if not group:
            continue
        fig.add_trace(go.Scatter(
            x=[m["day"] for m in group], y=[lane] * len(group), mode="markers", name=lane, showlegend=False,
            marker=dict(symbol=symbol, size=11, color=["#c0392b" if kind == "tariff_event" else STATEMENT_COLOURS.get(m["detail"], "#444") for m in group]),
            text=[f"<b>{m['day']:%Y-%m-%d}</b> {plot_text(m['detail'])}<br>{plot_text(m['label'][:140])}<br>{plot_text(m['id'])}" for m in group],
            hovertemplate="%{text}<extra></extra>"), row=5, col=1)


def april_2025_windows(con: duckdb.DuckDBPyConnection) -> str:
    found = rows(
        con,
        """
        SELECT w.event_id, w.event_kind, w.first_public_date_ny, w.time_assumed,
               max(w.base_date) FILTER (WHERE w.series_id = 'DGS10') AS base_date,
               max(w.base_value) FILTER (WHERE w.series_id = 'DGS10') AS dgs10_base,
               max(w.chg_1) FILTER (WHERE w.series_id = 'DGS10') AS dgs10_1,
               max(w.chg_5) FILTER (WHERE w.series_id = 'DGS10') AS dgs10_5,
               max(w.chg_20) FILTER (WHERE w.series_id = 'DGS10') AS dgs10_20,
               max(w.chg_5) FILTER (WHERE w.series_id = 'THREEFYTP10') AS tp_5,
               max(w.chg_1) FILTER (WHERE w.series_id = 'WMTSECL1') AS custody_1,
               max(w.chg_1) FILTER (WHERE w.series_id = 'MOF_JP_FOREIGN_BONDS') AS mof_1
        FROM marts.event_market_windows w
        WHERE w.first_public_date_ny BETWEEN ? AND ?
        GROUP BY ALL
        HAVING count(*) FILTER (WHERE w.series_id IN ('DGS10', 'WMTSECL1', 'MOF_JP_FOREIGN_BONDS')) > 0
        ORDER BY w.first_public_date_ny, w.event_id
        """,
        list(APRIL_2025),
    )
    if not found:
        return '<p class="empty">No event windows with yields, custody or MOF data in this period.</p>'
    body = [
        [
            esc(r["event_id"]), esc(r["event_kind"]), esc(f"{r['first_public_date_ny']:%Y-%m-%d}") + (" *" if r["time_assumed"] else ""),
            esc(f"{r['base_date']:%Y-%m-%d}" if r["base_date"] else ""), num(r["dgs10_base"], 2),
            num(r["dgs10_1"], 0, True), num(r["dgs10_5"], 0, True), num(r["dgs10_20"], 0, True), num(r["tp_5"], 0, True),
            num(r["custody_1"] / 1000 if r["custody_1"] is not None else None, 1, True),
            num(r["mof_1"] / 10000 if r["mof_1"] is not None else None, 2, True),
        ]
        for r in found
    ]
    headers = ["event", "kind", "public (New York date)", "last 10y close before", "10y before, %", "10y +1d, bp",
               "10y +5d, bp", "10y +20d, bp", "term premium +5d, bp", "custody, week spanning, $ bn", "Japan bonds, event week, ¥ tn"]
    note = ('<p class="note">From marts.event_market_windows: changes from the last close strictly before the event '
            "became public, business days with U.S. holidays skipped. * time of day not in the sources (09:00 local "
            "assumed): an announcement after the New York close is then counted from the previous close.</p>")
    return table(headers, body, css="windows compact", numeric=set(range(4, 11))) + note


SECTIONS = (
    Section("holders", "The largest holders over time, with U.S. tariff events", "Largest holders",
            ("core.treasury_holdings", "core.dim_country", "core.dim_tariff_event"), holders_section),
    Section("japan", "Japan: Treasury holdings, reserves and interventions", "Japan",
            ("core.treasury_holdings", "core.reserves", "core.fct_fx_interventions"), japan_section),
    Section("leverage", "Leverage: holders ranked", "Leverage", ("marts.leverage_monthly", "core.dim_country"), leverage_section),
    Section("claims", "Claim checks: did they sell?", "Claim checks",
            ("marts.claim_checks", "core.treasury_holdings", "core.dim_country"), claims_section),
    Section("tariff-windows", "Holdings around tariff events that named them", "Around tariff events",
            ("marts.tariff_event_windows", "core.treasury_holdings", "core.dim_country"), tariff_windows_section),
    Section("april-2025", "April 2025: the sell-off", "April 2025", APRIL_2025_TABLES, april_2025_section),
)


# ---------------------------------------------------------------------------------------------
# the page


def render_section(con: duckdb.DuckDBPyConnection, section: Section, present: set[str]) -> dict:
    """What the template needs of one section: its body, or why it is unavailable."""
    out = {"anchor": section.anchor, "title": section.title, "nav": section.nav, "body": "", "unavailable": ""}
    missing = [t for t in section.tables if t not in present]
    if missing:
        out["unavailable"] = (
            f"{', '.join(missing)} {'is' if len(missing) == 1 else 'are'} not in the published warehouse "
            "(not built yet by this code version, or the last refresh did not publish it). "
            "Run `tlw refresh` once it is; the other sections are unaffected."
        )
        return out
    try:
        out["body"] = section.build(con)
    except duckdb.Error as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        out["unavailable"] = f"reading {', '.join(section.tables)} failed: {first_line}"
    return out


def present_tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {f"{s}.{t}" for s, t in con.execute("SELECT table_schema, table_name FROM information_schema.tables").fetchall()}


def render_report(con: duckdb.DuckDBPyConnection, settings: Settings, generated_at: datetime) -> str:
    present = present_tables(con)
    facts, sources = header_facts(con, settings, generated_at) if {"meta.load_log", "meta.publish_log"} <= present else (None, [])
    return PAGE.render(
        generated_at=generated_at,
        plotly_js=get_plotlyjs(),
        facts=facts,
        sources=sources,
        sections=[render_section(con, s, present) for s in SECTIONS],
    )


def run_report(settings: Settings, out: TextIO | None = None) -> int:
    """Write the report; print its path. 0 when written, 2 when there is no published warehouse."""
    try:
        con = warehouse.read_only_connection(settings)
    except FileNotFoundError as exc:
        print(f"tlw report: {exc}", file=out or sys.stderr)
        return 2
    generated_at = datetime.now(timezone.utc)
    try:
        page = render_report(con, settings, generated_at)
    finally:
        con.close()
    path = write_report(settings.home / "reports", page, generated_at)
    print(path, file=out or sys.stdout)
    return 0


def write_report(folder: Path, page: str, generated_at: datetime) -> Path:
    """reports/tlw-report-<UTC timestamp>.html, and the same bytes as reports/latest.html, each
    written to a temporary name and renamed into place so a reader never sees half a file."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = generated_at.strftime("%Y%m%dT%H%M%SZ")
    path = folder / f"tlw-report-{stamp}.html"
    n = 1
    while path.exists():
        n += 1
        path = folder / f"tlw-report-{stamp}-{n}.html"
    partial = folder / f".{path.name}.partial"
    partial.write_text(page, encoding="utf-8")
    os.replace(partial, path)
    latest_partial = folder / ".latest.html.partial"
    shutil.copyfile(path, latest_partial)
    os.replace(latest_partial, folder / "latest.html")
    return path
