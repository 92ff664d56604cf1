"""The whole page (pure: published frames + manifest + static assets in, HTML and chart CSVs out).

Why it is built this way:
- It opens with no network: Plotly, DataTables and the page's own script and style are inlined once.
- It shows exactly what was published: it is built from the manifest and the published marts only.
- Under every chart, as in OWID's grapher: the source line (publisher, dataset, link, "data as of"), a
  "Download CSV" link to exactly the rows drawn (written beside index.html), and the definition.
- A missing or empty mart never breaks the page: its chart says "No data" and why.
- Sample values never pass for facts: a banner tops the page and every sample chart and table says so.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping

import polars as pl

from dashboard.charts import CHARTS, ChartSpec, csv_bytes
from dashboard.charts.base import has_sample
from dashboard.claims import claims_html
from dashboard.fmt import e, fmt_num, fmt_when, fmt_yen
from dashboard.freshness import freshness_html
from dashboard.model import Assets, ChartFile, Page, PageData
from dashboard.sources import credit_lines, source_parts
from dashboard.tables import browser_html

SAMPLE_BANNER_TEXT = "Sample data: some values on this page are sample values, not recorded real responses"
NO_DATA_TEXT = "No data"
PLOTLY_CONFIG = {"displaylogo": False, "responsive": True}

INTROS = {
    "digital-deficit": "Net balance of the digital items of Japan's services trade by calendar year: each bar is "
    "one BOJ item, the line their total. Negative = Japan pays abroad more than it earns.",
    "countries": "The same OECD items for every economy, so the comparison is like for like (it is not the "
    "BOJ digital deficit of the first chart: SH includes patent royalties, on which Japan earns a surplus).",
    "eu-japan-mirror": "Two statistical offices record the same trade: their gaps show how uncertain the "
    "numbers behind the digital deficit are.",
    "revisions": "Sources revise what they published: the first-published value of a period against the value "
    "known now.",
    "content-exports": "Overseas sales of Japanese content against the Cabinet Office targets; dashed and dotted: "
    "the constant yearly growth each target needs from the latest actual year.",
    "support-budgets": "Public money for content and AI. One-year budgets are ranked together; the AI plan, "
    "announced as a total over several years, is shown per year in its own group. † hatched: the only source is "
    "the article being checked, so it cannot confirm that article.",
    "pay-gap": "Annual pay of all workers, arts occupations and animators, by age group, for one year.",
}


def _no_data(message: str) -> str:
    return f"<div class='nodata'><b>{NO_DATA_TEXT}</b> — {e(message)}</div>"


def _sample_badge(sample: bool) -> str:
    return " <span class='badge sample'>sample data</span>" if sample else ""


def _lacking(spec: ChartSpec, marts: Mapping[str, pl.DataFrame]) -> str | None:
    for mart in spec.marts:
        frame = marts.get(mart)
        if frame is None:
            return f"marts.{mart} was not published in this run."
        if frame.is_empty():
            return f"marts.{mart} has no rows."
        lacking = [c for c in spec.required.get(mart, ()) if c not in frame.columns]
        if lacking:
            return f"marts.{mart} lacks the column(s) {', '.join(lacking)}."
    return None


def chart_block(spec: ChartSpec, marts: Mapping[str, pl.DataFrame], manifest: dict) -> tuple[str, ChartFile | None]:
    """The chart with its source line, CSV link and definition; the CSV of its rows (None: nothing drawn)."""
    reason = _lacking(spec, marts)
    drawn = None
    if reason is None:
        drawn = spec.build({m: marts[m] for m in (*spec.marts, *spec.optional_marts) if m in marts})
        if drawn is None or drawn.data.is_empty():
            reason, drawn = f"marts.{spec.marts[0]} has no plottable values.", None
    sources = source_parts(spec.sources, manifest, list(drawn.publishers) if drawn else None)
    source_line = f"<p class='source-line'><b>Source:</b> {' · '.join(sources)}</p>"
    definition = f"<p class='definition'><b>Definition:</b> {e(spec.definition)}</p>"
    credits = "".join(f"<p class='credit'>{e(c)}</p>" for c in credit_lines(spec.sources, manifest))
    full = " · ".join(f"<a href='#table-{e(m)}'>{e(m)}</a>" for m in (*spec.marts, *spec.optional_marts))
    if drawn is None:
        body = _no_data(reason or "")
        downloads = f"<p class='downloads'>Nothing drawn, nothing to download. Full table: {full}</p>"
        file = None
    else:
        fig = drawn.figure
        height = int(fig.layout.height or 480)
        body = "<div class='chart'>" + fig.to_html(
            full_html=False, include_plotlyjs=False, div_id=spec.div_id, config=PLOTLY_CONFIG,
            default_height=f"{height}px",
        ) + "</div>"
        if drawn.notes:
            body += "<ul class='chart-notes note'>" + "".join(f"<li>{e(n)}</li>" for n in drawn.notes) + "</ul>"
        data = csv_bytes(drawn.data)
        sample = has_sample(drawn.data)
        file = ChartFile(spec.chart_id, spec.title, spec.csv_name, data, drawn.data.height, spec.marts, spec.sources,
                         spec.definition, sample)
        downloads = (
            f"<p class='downloads'><a class='csv-link' href='{e(spec.csv_name)}' download "
            f"data-rows='{drawn.data.height}'>Download CSV</a> of the {drawn.data.height} rows drawn"
            f"{_sample_badge(sample)} · full table: {full}</p>"
        )
    html = (
        f"<figure class='chart-card' id='fig-{e(spec.chart_id)}' data-chart='{e(spec.chart_id)}'>{body}"
        f"<figcaption>{source_line}{definition}{downloads}{credits}</figcaption></figure>"
    )
    return html, file


def published_vs_computed_html(frame: pl.DataFrame | None) -> str:
    if frame is None or frame.is_empty():
        return ""
    rows = frame.sort([c for c in ("period", "indicator_id") if c in frame.columns])
    head = ("period", "published by", "definition stated", "matched", "published", "computed here", "difference",
            "reason")
    body = "".join(
        "<tr>"
        f"<td>{e(r.get('period'))}</td>"
        f"<td title='{e(r.get('indicator_id'))}'>{e(r.get('publisher_label') or r.get('indicator_name_en'))}</td>"
        f"<td>{e(r.get('definition_stated'))}</td><td>{e(r.get('matched_definition'))}</td>"
        f"<td class='num'>{fmt_yen(r.get('published_jpy'))}</td><td class='num'>{fmt_yen(r.get('computed_jpy'))}</td>"
        f"<td class='num'>{fmt_num(r.get('difference_pct'), 1, ' %')}</td><td class='reason'>{e(r.get('reason'))}</td>"
        "</tr>"
        for r in rows.iter_rows(named=True)
    )
    return (
        f"<h3>Published figures vs computed from BOJ data{_sample_badge(has_sample(frame))}</h3>"
        "<p class='note'>What news and ministries reported, against the same period and definition computed from the "
        "BOJ series (marts.published_vs_computed).</p>"
        f"<table class='plain'><thead><tr>{''.join(f'<th>{h}</th>' for h in head)}</tr></thead><tbody>{body}</tbody>"
        "</table>"
    )


def indicator_units(latest: pl.DataFrame | None) -> dict[str, str]:
    if latest is None or not {"indicator_id", "unit"} <= set(latest.columns):
        return {}
    return {i: u for i, u in latest.select("indicator_id", "unit").unique().iter_rows() if i and u}


def sample_tables(data: PageData) -> list[str]:
    tables: dict = data.manifest.get("tables") or {}
    names = {n for n, info in tables.items() if info.get("is_sample")}
    names |= {n for n, frame in data.marts.items() if has_sample(frame)}
    return sorted(names)


def banner_html(data: PageData) -> str:
    samples = sample_tables(data)
    if not (data.manifest.get("is_sample") or samples):
        return ""
    which = f" Tables with sample values: {', '.join(samples)}." if samples else ""
    return (
        f"<div class='banner' id='sample-banner' role='alert'><b>{SAMPLE_BANNER_TEXT}</b> "
        "(see snapshots/PROVENANCE.yaml). Do not quote them as fact." + e(which) + "</div>"
    )


def credits_html(manifest: dict) -> str:
    credits: dict = manifest.get("credits") or {}
    items = "".join(f"<li><b>{e(source)}</b>: {e(line)}</li>" for source, line in credits.items() if line)
    return f"<ul class='credits'>{items}</ul>"


def _section(anchor: str, title: str, sample: bool, intro: str, content: str) -> str:
    intro_html = f"<p class='intro'>{e(intro)}</p>" if intro else ""
    return f"<section id='{e(anchor)}'><h2>{e(title)}{_sample_badge(sample)}</h2>{intro_html}{content}</section>"


def _inline_module(js: str) -> str:
    """The DataTables bundle is an ES module: it travels base64-encoded in an inert script element and is
    imported from a blob URL by dashboard.js (as itables does offline), so no byte of it can close a tag."""
    if not js:
        return ""
    encoded = base64.b64encode(js.encode("utf-8")).decode("ascii")
    return f"<script type='application/octet-stream' id='dt-bundle'>{encoded}</script>"


def build_page(data: PageData, assets: Assets | None = None) -> Page:
    assets = assets or Assets()
    marts, m = data.marts, data.manifest
    sections, files, nav = [], [], []
    for spec in CHARTS:
        block, file = chart_block(spec, marts, m)
        if file is not None:
            files.append(file)
        extra = ""
        if spec.chart_id == "digital-deficit":
            extra = published_vs_computed_html(marts.get("published_vs_computed"))
        sample = any(has_sample(marts.get(n)) for n in spec.marts)
        sections.append(_section(spec.chart_id, spec.title, sample, INTROS.get(spec.chart_id, ""), block + extra))
        nav.append((spec.chart_id, spec.title))
    claims = marts.get("claims_check")
    if claims is None:
        claims_body = _no_data("marts.claims_check was not published in this run.")
    elif claims.is_empty():
        claims_body = _no_data("marts.claims_check has no rows.")
    else:
        claims_body = claims_html(claims, indicator_units(marts.get("indicator_latest")))
    sections.append(_section(
        "claims", "Claims checked", has_sample(claims),
        "Every figure read from the checked articles, one row per figure: what it claims, the official value for "
        "the same indicator, period and definition, and the verdict. The sentence is quoted as the article wrote it.",
        claims_body,
    ))
    freshness = freshness_html(m, marts.get("indicator_latest"))
    sections.append(_section("freshness", "Freshness per source", False, "", freshness))
    sections.append(_section(
        "tables", "Browse every table", False,
        "Each published table (mart), sortable and filterable here; open one to browse it. Type in the search box "
        "to filter every column, or in a column's box to filter that column; click a header to sort.",
        browser_html(m, marts),
    ))
    nav += [("claims", "Claims checked"), ("freshness", "Freshness"), ("tables", "Browse tables")]
    versions = " · ".join(f"{e(k)} {e(v)}" for k, v in sorted(assets.versions.items()))
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>mieruka — 見える化</title>
<style>{assets.page_css}</style>
<style>{assets.datatables_css}</style>
<script>{assets.plotly_js}</script>
</head><body>
{banner_html(data)}
<main>
<header><h1>mieruka — 見える化</h1>
<p>Japan's digital deficit, public money for AI and content, content exports and the pay of the people who
make them — and what the news says about them. Published {e(fmt_when(m.get("generated_at")))} by run
<code>{e(m.get("run_id") or "—")}</code> ({e(m.get("mode") or "—")} mode).</p>
<nav>{"".join(f"<a href='#{e(a)}'>{e(t)}</a>" for a, t in nav)}
<a href="dictionary.md">Data dictionary</a><a href="manifest.json">manifest.json</a></nav></header>
{"".join(sections)}
<section id="credits"><h2>Credits</h2>{credits_html(m)}
<p class="note">Built with {versions or "Plotly and DataTables"}, inlined: this page needs no network.</p></section>
</main>
{_inline_module(assets.datatables_js)}
<script>{assets.page_js}</script>
</body></html>
"""
    return Page(page, tuple(files))
