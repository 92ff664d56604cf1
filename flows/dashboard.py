"""The static dashboard: one `index.html` over the published files that opens from the file system.

Why it is built this way:
- It must open with no network (a laptop on a train, an archived copy): the Plotly JavaScript is
  inlined once in the page and every figure is emitted with `include_plotlyjs=False`.
- It is rebuilt from `manifest.json` and the Parquet files on every run, never from the warehouse,
  so it shows exactly what was published (and a reader can check the sha256 of each file).
- A mart that is missing or empty must not break the page: its section says "no data" instead.
- Sample values must never pass for facts: a banner tops the page when the manifest or any shown
  table is flagged `is_sample`, and each section flags its own mart.
- The loading (`load_page_data`), the pure HTML building (`build_page`) and the atomic write
  (`render_dashboard`) are separate, so the HTML can be built from frames in a test.
"""

from __future__ import annotations

import html
import json
import math
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import plotly.graph_objects as go
import polars as pl
from plotly.offline import get_plotlyjs
from plotly.subplots import make_subplots

TRILLION = 1e12  # 兆
OKU = 1e8  # 億
MAN = 1e4  # 万

# Chart div ids: the Chromium test counts the Plotly SVGs drawn inside each of them.
CHART_IDS = {
    "digital_deficit_annual": "chart-digital-deficit",
    "content_exports_vs_target": "chart-content-exports",
    "support_budgets": "chart-support-budgets",
    "creator_pay_gap": "chart-pay-gap",
}
SAMPLE_BANNER_TEXT = "Sample data: some values on this page are sample values, not recorded real responses"
NO_DATA_TEXT = "No data"
FONT_FAMILY = "system-ui, 'Noto Sans CJK JP', 'Hiragino Sans', 'Yu Gothic', sans-serif"
PLOTLY_CONFIG = {"displaylogo": False, "responsive": True}

# BOJ balance-of-payments items of the digital deficit, in stacking order, with a stable colour each.
COMPONENTS: dict[str, tuple[str, str]] = {
    "907": ("907 Telecom, computer & information (通信・コンピュータ・情報)", "#1f77b4"),
    "9072": ("9072 Computer services (コンピュータサービス)", "#17becf"),
    "9062": ("9062 Copyright charges (著作権等使用料)", "#ff7f0e"),
    "9082": ("9082 Consulting (専門・経営コンサルティング)", "#2ca02c"),
}
DEFINITIONS = {
    "broad": "Broad: 907 + 9062 + 9082 (MOF, Nikkei, Jiji)",
    "narrow": "Narrow: 9072 + 9062 + 9082 (MIC white paper)",
}
AREA_NAMES = {"JPN": "Japan", "KOR": "Korea", "CHN": "China", "USA": "United States", "TWN": "Taiwan"}
VERDICT_COLOURS = {
    "consistent": "#2e7d32",
    "differs": "#c62828",
    "definition_differs": "#ef6c00",
    "projection": "#1565c0",
    "unverifiable": "#616161",
    "inconsistent_within_article": "#6a1b9a",
}
ARTICLE_ONLY_PATTERN = "/"

CSS = """
body{font-family:system-ui,'Noto Sans CJK JP',sans-serif;margin:0;color:#222;background:#fafafa}
main{max-width:1320px;margin:0 auto;padding:1rem 2rem 3rem}
h1{margin:.4rem 0}
h2{border-bottom:2px solid #ddd;padding-bottom:.2rem;margin-top:2.2rem}
nav a{margin-right:1rem}
table{border-collapse:collapse;font-size:.82rem;margin:.6rem 0;background:#fff}
td,th{border:1px solid #ccc;padding:.25rem .45rem;vertical-align:top}
th{background:#f0f0f0;text-align:left}
td.num{text-align:right;white-space:nowrap}
table.claims{width:100%}
table.claims td.about{min-width:12rem;max-width:17rem;overflow-wrap:anywhere}
table.claims td.reason{width:34%;font-size:.78rem}
tr.detail td{border-top:none;background:#fcfcf7;padding-bottom:.5rem}
.sentence{color:#444;font-style:italic}
.banner{background:#fff3cd;border:3px solid #e0a800;padding:.8rem 1.2rem;font-size:1.05rem}
.badge{display:inline-block;border-radius:4px;padding:0 .45rem;font-size:.78rem;color:#fff;white-space:nowrap}
.sample{background:#e0a800}
.stale{background:#c62828}
.ok{background:#2e7d32}
.nodata{background:#f3f3f3;border:2px dashed #bbb;padding:2rem;text-align:center;color:#555;font-size:1.1rem}
.chart{background:#fff;border:1px solid #e3e3e3;margin:.6rem 0}
.note{color:#555;font-size:.85rem}
.credits li{margin:.3rem 0}
"""


@dataclass(frozen=True)
class PageData:
    """What the page shows: the manifest and every published mart the manifest lists, by name."""

    manifest: dict
    marts: dict[str, pl.DataFrame]


# ---------------------------------------------------------------------------------------------
# formatting helpers (pure)


def _e(value: object) -> str:
    """Escape any value for HTML text (None becomes an empty string)."""
    return html.escape("" if value is None else str(value))


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def fmt_yen(value: float | None) -> str:
    """Yen the way Japanese sources write them (兆円, 億円, 万円), so figures compare at a glance."""
    if value is None or math.isnan(value):
        return "—"
    size = abs(value)
    if size >= TRILLION:
        return f"{value / TRILLION:,.2f} 兆円"
    if size >= OKU:
        return f"{value / OKU:,.0f} 億円"
    if size >= MAN:
        return f"{value / MAN:,.1f} 万円"
    return f"{value:,.0f} 円"


def fmt_usd(value: float | None) -> str:
    if value is None or math.isnan(value):
        return "—"
    if abs(value) >= 1e9:
        return f"US$ {value / 1e9:,.2f} bn"
    return f"US$ {value / 1e6:,.1f} m"


def fmt_num(value: object, digits: int = 1, suffix: str = "") -> str:
    if _missing(value):
        return "—"
    if isinstance(value, int | float):
        return f"{value:,.{digits}f}{suffix}"
    return _e(value)


def fmt_value(value: float | None, unit: str | None) -> str:
    """A figure in its unit: yen in 兆/億/万円, percent with %, other currencies with their code."""
    if _missing(value):
        return "—"
    if unit == "JPY":
        return fmt_yen(value)
    if unit == "USD":
        return fmt_usd(value)
    if unit == "percent":
        return fmt_num(value, 1, " %")
    if unit == "pp":
        return fmt_num(value, 1, " pp")
    return f"{fmt_num(value, 2 if value is not None and abs(value) < 1000 else 0)} {_e(unit)}".strip()


def fmt_relative(value: float | None) -> str:
    """relative_difference is a fraction (0.05 = 5 %): shown as a signed percent."""
    return "—" if value is None or math.isnan(value) else f"{value:+.1%}"


def _frame_is_sample(frame: pl.DataFrame | None) -> bool:
    return frame is not None and "is_sample" in frame.columns and bool(frame["is_sample"].fill_null(False).any())


def _col(frame: pl.DataFrame, name: str) -> list:
    """A column as a list, or Nones when the mart does not have it (optional extras)."""
    return frame[name].to_list() if name in frame.columns else [None] * frame.height


def _scaled(values: Iterable[float | None], unit: float) -> list[float | None]:
    return [None if _missing(v) else v / unit for v in values]


def _no_data(message: str) -> str:
    return f"<div class='nodata'><b>{NO_DATA_TEXT}</b> — {_e(message)}</div>"


def _badge(text: str, css: str, colour: str | None = None) -> str:
    style = f" style='background:{colour}'" if colour else ""
    return f"<span class='badge {css}'{style}>{_e(text)}</span>"


def _table(
    frame: pl.DataFrame,
    columns: list[tuple[str, str, Callable[[dict], str]]],
    detail: Callable[[dict], str] | None = None,
    css: str = "",
) -> str:
    """An HTML table; each column is (header, css class, row -> already-escaped cell HTML). `detail`
    adds a full-width second row under each row (for long text such as a quoted sentence)."""
    head = "".join(f"<th>{_e(header)}</th>" for header, _, _ in columns)
    rows = []
    for row in frame.iter_rows(named=True):
        rows.append("<tr>" + "".join(f"<td class='{c}'>{cell(row)}</td>" for _, c, cell in columns) + "</tr>")
        if detail is not None:
            rows.append(f"<tr class='detail'><td colspan='{len(columns)}'>{detail(row)}</td></tr>")
    return f"<table class='{css}'><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _layout(fig: go.Figure, height: int, title: str) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0.01},
        height=height,
        template="plotly_white",
        font={"family": FONT_FAMILY, "size": 13},
        legend={"orientation": "h", "yanchor": "top", "y": -0.12, "x": 0},
        margin={"l": 70, "r": 30, "t": 70, "b": 40},
        hoverlabel={"namelength": -1},
    )
    return fig


# ---------------------------------------------------------------------------------------------
# figures (pure: frame -> plotly figure, or None when nothing is plottable)


def deficit_figure(frame: pl.DataFrame) -> go.Figure | None:
    """Stacked component balances per year, one panel per definition, with the total as a line:
    the two definitions differ by 907 vs 9072, and readers confuse them, so both are side by side."""
    found = frame["definition"].drop_nulls().unique().to_list()
    definitions = [d for d in DEFINITIONS if d in found] + sorted(d for d in found if d not in DEFINITIONS)
    if not definitions:
        return None
    fig = make_subplots(
        rows=1,
        cols=len(definitions),
        shared_yaxes=True,
        horizontal_spacing=0.05,
        subplot_titles=[DEFINITIONS.get(d, d) for d in definitions],
    )
    shown: set[str] = set()
    components = list(COMPONENTS) + sorted(
        c for c in frame["component"].drop_nulls().unique().to_list() if c not in COMPONENTS and c != "total"
    )
    for col, definition in enumerate(definitions, start=1):
        part = frame.filter(pl.col("definition") == definition).sort("year")
        for component in components:
            rows = part.filter(pl.col("component") == component)
            if rows.is_empty():
                continue
            label, colour = COMPONENTS.get(component, (component, "#7f7f7f"))
            fig.add_trace(
                go.Bar(
                    x=rows["year"].to_list(),
                    y=_scaled(rows["balance_jpy"].to_list(), TRILLION),
                    customdata=_scaled(_col(rows, "balance_usd"), 1e9),
                    name=label,
                    legendgroup=component,
                    showlegend=component not in shown,
                    marker_color=colour,
                    hovertemplate="%{x}: %{y:,.2f} 兆円 (US$ %{customdata:,.1f} bn)<extra>" + label + "</extra>",
                ),
                row=1,
                col=col,
            )
            shown.add(component)
        total = part.filter(pl.col("component") == "total")
        if not total.is_empty():
            fig.add_trace(
                go.Scatter(
                    x=total["year"].to_list(),
                    y=_scaled(total["balance_jpy"].to_list(), TRILLION),
                    customdata=_scaled(_col(total, "balance_usd"), 1e9),
                    mode="lines+markers",
                    name="Total (digital deficit)",
                    legendgroup="total",
                    showlegend="total" not in shown,
                    line={"color": "#222", "width": 3},
                    hovertemplate="%{x} total: %{y:,.2f} 兆円 (US$ %{customdata:,.1f} bn)<extra></extra>",
                ),
                row=1,
                col=col,
            )
            shown.add("total")
    fig.update_layout(barmode="relative")
    fig.update_yaxes(title_text="Balance, 兆円 (trillion yen; negative = deficit)", row=1, col=1)
    fig.update_xaxes(dtick=1, tickangle=-45)
    return _layout(fig, 520, "Digital deficit by component (BOJ balance of payments), 兆円")


def content_figure(frame: pl.DataFrame) -> go.Figure | None:
    """Overseas sales of Japanese content against the 2028/2033 targets, with the constant-growth
    path each target needs from the latest actual: the gap is the story, so the path is drawn."""
    actual = (
        frame.filter(pl.col("overseas_sales_jpy").is_not_null())
        .select("year", "overseas_sales_jpy", *[c for c in ("is_latest",) if c in frame.columns])
        .unique(subset=["year"], keep="first")
        .sort("year")
    )
    targets = (
        frame.filter(pl.col("target_jpy").is_not_null() & pl.col("target_year").is_not_null())
        .sort("year")
        .unique(subset=["target_year"], keep="last")
        .sort("target_year")
    )
    if actual.is_empty() and targets.is_empty():
        return None
    fig = go.Figure()
    if not actual.is_empty():
        fig.add_trace(
            go.Bar(
                x=actual["year"].to_list(),
                y=_scaled(actual["overseas_sales_jpy"].to_list(), TRILLION),
                name="Overseas sales (actual)",
                marker_color="#1f77b4",
                hovertemplate="%{x}: %{y:,.2f} 兆円<extra>actual</extra>",
            )
        )
    if not targets.is_empty():
        fig.add_trace(
            go.Scatter(
                x=targets["target_year"].to_list(),
                y=_scaled(targets["target_jpy"].to_list(), TRILLION),
                mode="markers+text",
                text=[f"{y} target: {fmt_yen(v)}" for y, v in targets.select("target_year", "target_jpy").iter_rows()],
                textposition="top center",
                name="Government target",
                marker={"symbol": "diamond", "size": 16, "color": "#c62828"},
                hovertemplate="%{x} target: %{y:,.1f} 兆円<extra></extra>",
            )
        )
    if not actual.is_empty() and not targets.is_empty():
        latest = actual.filter(pl.col("is_latest")) if "is_latest" in actual.columns else actual.head(0)
        base = latest.row(-1, named=True) if not latest.is_empty() else actual.row(-1, named=True)
        y0, v0 = int(base["year"]), float(base["overseas_sales_jpy"])
        for target in targets.iter_rows(named=True):
            ty, tv = int(target["target_year"]), float(target["target_jpy"])
            if ty <= y0 or v0 <= 0 or tv <= 0:
                continue
            growth = (tv / v0) ** (1 / (ty - y0)) - 1
            stated = target.get("required_growth_pct")
            label_pct = stated if not _missing(stated) else 100 * growth
            years = list(range(y0, ty + 1))
            fig.add_trace(
                go.Scatter(
                    x=years,
                    y=[v0 * (1 + growth) ** (y - y0) / TRILLION for y in years],
                    mode="lines",
                    line={"dash": "dash", "color": "#c62828", "width": 2},
                    name=f"Path to the {ty} target: +{label_pct:.1f} %/year from {y0}",
                    hovertemplate="%{x}: %{y:,.2f} 兆円 needed<extra></extra>",
                )
            )
    fig.update_yaxes(title_text="兆円 (trillion yen)", rangemode="tozero")
    fig.update_xaxes(dtick=1, tickangle=-45)
    return _layout(fig, 480, "Japanese content: overseas sales vs the government targets, 兆円")


def _unique_labels(labels: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        out.append(label if seen[label] == 1 else f"{label} #{seen[label]}")
    return out


def budgets_figure(frame: pl.DataFrame) -> go.Figure | None:
    """Support budgets in yen and in dollars side by side; rows whose only source is the article
    being checked are hatched, because they cannot be used to check that article."""
    rows = frame.filter(pl.col("amount_jpy").is_not_null()).sort("amount_jpy")
    if rows.is_empty():
        return None
    labels = _unique_labels(
        [
            f"{'† ' if only else ''}{AREA_NAMES.get(area, area)} · {name or program} ({period})"
            for area, program, name, period, only in zip(
                _col(rows, "area"),
                _col(rows, "program"),
                _col(rows, "program_name_en"),
                _col(rows, "period"),
                _col(rows, "only_source_is_article"),
                strict=True,
            )
        ]
    )
    rows = rows.with_columns(pl.Series("label", labels))
    if "only_source_is_article" in rows.columns:
        article_only = rows["only_source_is_article"].fill_null(False)
    else:
        article_only = pl.Series([False] * rows.height)
    fig = make_subplots(
        rows=1,
        cols=2,
        shared_yaxes=True,
        horizontal_spacing=0.03,
        subplot_titles=["億円 (100 million yen)", "US$ million"],
    )
    groups = [
        (rows.filter(~article_only), "Official or reported source", {}, "#1f77b4"),
        (rows.filter(article_only), "† Only source is the article checked", {"shape": ARTICLE_ONLY_PATTERN}, "#9e9e9e"),
    ]
    for part, name, pattern, colour in groups:
        if part.is_empty():
            continue
        for col, values, unit, fmt in (
            (1, part["amount_jpy"].to_list(), OKU, "%{x:,.0f} 億円"),
            (2, _col(part, "amount_usd"), 1e6, "US$ %{x:,.0f} m"),
        ):
            fig.add_trace(
                go.Bar(
                    x=_scaled(values, unit),
                    y=part["label"].to_list(),
                    orientation="h",
                    name=name,
                    legendgroup=name,
                    showlegend=col == 1,
                    marker={"color": colour, "pattern": pattern},
                    hovertemplate="%{y}: " + fmt + "<extra></extra>",
                ),
                row=1,
                col=col,
            )
    fig.update_yaxes(categoryorder="array", categoryarray=labels)
    fig.update_layout(barmode="overlay")
    return _layout(fig, max(360, 120 + 46 * rows.height), "Public support budgets compared (JPY and USD)")


def pay_figure(frame: pl.DataFrame) -> go.Figure | None:
    """Annual pay by age group: all workers nationally, arts occupations and animators, in 万円, with
    the animators' gap written on their bars (the latest year of each age group)."""
    rows = frame.sort("year").group_by("age_group", maintain_order=True).last().sort("age_group")
    if rows.is_empty():
        return None
    ages = [str(a) for a in rows["age_group"].to_list()]
    fig = go.Figure()
    series = [
        ("national_annual_pay_jpy", "All workers (national)", "#7f7f7f"),
        ("arts_occupation_annual_pay_jpy", "Arts occupations (e-Stat)", "#1f77b4"),
    ]
    for column, name, colour in series:
        if column in rows.columns and rows[column].is_not_null().any():
            fig.add_trace(
                go.Bar(
                    x=ages,
                    y=_scaled(rows[column].to_list(), MAN),
                    name=name,
                    marker_color=colour,
                    hovertemplate="%{x}: %{y:,.1f} 万円<extra>" + name + "</extra>",
                )
            )
    if rows["animator_annual_pay_jpy"].is_not_null().any():
        only = [bool(v) for v in _col(rows, "only_source_is_article")]
        gaps = _col(rows, "gap_pct")
        fig.add_trace(
            go.Bar(
                x=ages,
                y=_scaled(rows["animator_annual_pay_jpy"].to_list(), MAN),
                name="Animators († only source is the article)" if any(only) else "Animators",
                marker={"color": "#c62828", "pattern": {"shape": [ARTICLE_ONLY_PATTERN if o else "" for o in only]}},
                text=["" if _missing(g) else f"{g:+.0f} %" for g in gaps],
                textposition="outside",
                hovertemplate="%{x}: %{y:,.1f} 万円 (gap %{text})<extra>animators</extra>",
            )
        )
    if not fig.data:
        return None
    fig.update_layout(barmode="group")
    fig.update_yaxes(title_text="Annual pay, 万円 (10,000 yen)", rangemode="tozero")
    fig.update_xaxes(title_text="Age group", type="category")
    return _layout(fig, 460, "Creator pay gap: animators vs all workers, by age group (万円 a year)")


# ---------------------------------------------------------------------------------------------
# sections (pure: data -> HTML)


def pay_notes_html(frame: pl.DataFrame | None) -> str:
    """What "national pay" measures and the caveats of each row: a mean is not a median, and the
    animator age groups do not match e-Stat's exactly, so the chart must say so next to it."""
    if frame is None or frame.is_empty():
        return ""
    notes = [f"National pay: {v}" for v in dict.fromkeys(_col(frame, "national_measure")) if v] + [
        str(v) for v in dict.fromkeys(_col(frame, "note")) if v
    ]
    items = "".join(f"<li>{_e(n)}</li>" for n in notes)
    return f"<ul class='note'>{items}</ul>" if items else ""


CHARTS: dict[str, tuple[str, tuple[str, ...], Callable[[pl.DataFrame], go.Figure | None]]] = {
    "digital_deficit_annual": ("Digital deficit", ("year", "definition", "component", "balance_jpy"), deficit_figure),
    "content_exports_vs_target": (
        "Content exports vs target",
        ("year", "overseas_sales_jpy", "target_year", "target_jpy"),
        content_figure,
    ),
    "support_budgets": ("Support budgets", ("area", "program", "period", "amount_jpy"), budgets_figure),
    "creator_pay_gap": ("Creator pay gap", ("age_group", "year", "animator_annual_pay_jpy"), pay_figure),
}


def chart_html(name: str, frame: pl.DataFrame | None) -> str:
    """The chart of one mart, or a visible "no data" note saying why there is none."""
    _, required, build = CHARTS[name]
    if frame is None:
        return _no_data(f"marts.{name} was not published in this run.")
    if frame.is_empty():
        return _no_data(f"marts.{name} has no rows.")
    lacking = [c for c in required if c not in frame.columns]
    if lacking:
        return _no_data(f"marts.{name} lacks the column(s) {', '.join(lacking)}.")
    fig = build(frame)
    if fig is None:
        return _no_data(f"marts.{name} has no plottable values.")
    height = int(fig.layout.height or 480)
    div = fig.to_html(
        full_html=False,
        include_plotlyjs=False,
        div_id=CHART_IDS[name],
        config=PLOTLY_CONFIG,
        default_height=f"{height}px",
    )
    return f"<div class='chart'>{div}</div>"


def _sample_badge(frame: pl.DataFrame | None) -> str:
    return " " + _badge("sample data", "sample") if _frame_is_sample(frame) else ""


def published_vs_computed_html(frame: pl.DataFrame | None) -> str:
    if frame is None or frame.is_empty():
        return ""
    rows = frame.sort([c for c in ("period", "indicator_id") if c in frame.columns])
    table = _table(
        rows,
        [
            ("period", "", lambda r: _e(r.get("period"))),
            ("published by", "", lambda r: _e(r.get("publisher_label") or r.get("indicator_id"))),
            ("definition stated", "", lambda r: _e(r.get("definition_stated"))),
            ("matched", "", lambda r: _e(r.get("matched_definition"))),
            ("published", "num", lambda r: fmt_yen(r.get("published_jpy"))),
            ("computed here", "num", lambda r: fmt_yen(r.get("computed_jpy"))),
            ("difference", "num", lambda r: fmt_num(r.get("difference_pct"), 1, " %")),
            ("reason", "", lambda r: _e(r.get("reason"))),
        ],
    )
    return (
        f"<h3>Published figures vs computed from BOJ data{_sample_badge(frame)}</h3>"
        f"<p class='note'>marts.published_vs_computed: what news and ministries reported against the same "
        f"period and definition computed from the BOJ series.</p>{table}"
    )


def ai_investment_html(frame: pl.DataFrame | None) -> str:
    if frame is None or frame.is_empty():
        return ""
    rows = frame.sort([c for c in ("area", "year") if c in frame.columns])
    table = _table(
        rows,
        [
            ("area", "", lambda r: _e(AREA_NAMES.get(r.get("area"), r.get("area")))),
            ("year", "", lambda r: _e(r.get("year"))),
            ("amount", "num", lambda r: fmt_yen(r.get("amount_jpy"))),
            ("cumulative", "num", lambda r: fmt_yen(r.get("cumulative_jpy"))),
            ("USD", "num", lambda r: fmt_usd(r.get("amount_usd"))),
            ("basis", "", lambda r: _e(r.get("basis"))),
            ("source", "", lambda r: "† article only" if r.get("only_source_is_article") else "official / reported"),
        ],
    )
    return f"<h3>Public AI investment{_sample_badge(frame)}</h3>{table}"


def official_unit(row: dict, units: dict[str, str]) -> str | None:
    """The unit official_value is in: that of the indicator compared with (it may differ from the
    claim's, e.g. TWD vs JPY), else the claim's. (A pair checked within the article is in the pair_*
    columns, in yen; official_value stays the official one.)"""
    return units.get(str(row.get("indicator_id")), row.get("unit"))


def claims_html(frame: pl.DataFrame | None, units: dict[str, str] | None = None) -> str:
    """Every figure of the checked articles with its verdict badge and the sentence it came from.
    `units`: indicator_id -> unit (from marts.indicator_latest) to show official values in their unit."""
    units = units or {}
    if frame is None:
        return _no_data("marts.claims_check was not published in this run.")
    if frame.is_empty():
        return _no_data("marts.claims_check has no rows.")
    rows = frame.sort([c for c in ("article_id", "figure_index") if c in frame.columns])
    counts = rows.group_by("verdict").len().sort("len", descending=True) if "verdict" in rows.columns else None
    summary = (
        " ".join(
            _badge(f"{verdict}: {n}", "verdict", VERDICT_COLOURS.get(str(verdict), "#455a64"))
            for verdict, n in counts.iter_rows()
        )
        if counts is not None
        else ""
    )
    several = "article_id" in rows.columns and rows["article_id"].n_unique() > 1

    def verdict(r: dict) -> str:
        v = r.get("verdict")
        return _badge(str(v), "verdict", VERDICT_COLOURS.get(str(v), "#455a64")) if v else "—"

    columns: list[tuple[str, str, Callable[[dict], str]]] = []
    if several:
        columns.append(("article", "", lambda r: _e(r.get("article_id"))))
    columns += [
        ("#", "num", lambda r: _e(r.get("figure_index"))),
        ("figure as written", "", lambda r: f"<b>{_e(r.get('surface'))}</b>"),
        ("qualifier", "", lambda r: _e(r.get("qualifier"))),
        ("claimed", "num", lambda r: fmt_value(r.get("value"), r.get("unit"))),
        ("about", "about", lambda r: _e(r.get("indicator_id") or r.get("topic"))),
        ("period", "", lambda r: _e(r.get("period"))),
        ("official", "num", lambda r: fmt_value(r.get("official_value"), official_unit(r, units))),
        ("difference", "num", lambda r: fmt_relative(r.get("relative_difference"))),
        ("verdict", "", verdict),
        ("reason", "reason", lambda r: _e(r.get("reason"))),
    ]

    def sentence(r: dict) -> str:
        return f"<span class='sentence'>Sentence: « {_e(r.get('sentence') or '—')} »</span>"

    return f"<p>{summary}</p>{_table(rows, columns, detail=sentence, css='claims')}"


def indicator_units(latest: pl.DataFrame | None) -> dict[str, str]:
    if latest is None or not {"indicator_id", "unit"} <= set(latest.columns):
        return {}
    return {i: u for i, u in latest.select("indicator_id", "unit").unique().iter_rows() if i and u}


def freshness_html(manifest: dict, latest: pl.DataFrame | None) -> str:
    """Per source: the data vintage in the manifest, its health, and what indicator_latest holds."""
    vintages: dict = manifest.get("source_vintages") or {}
    states: dict = manifest.get("sources") or {}
    per_source: dict[str, dict] = {}
    if latest is not None and not latest.is_empty() and "source_id" in latest.columns:
        aggs = [pl.len().alias("indicators")]
        if "latest_period" in latest.columns:
            aggs.append(pl.col("latest_period").cast(pl.Utf8).max().alias("newest_period"))
        if "vintage" in latest.columns:
            aggs += [
                _when(pl.col("vintage").min()).alias("oldest_vintage"),
                _when(pl.col("vintage").max()).alias("newest_vintage"),
            ]
        per_source = {r["source_id"]: r for r in latest.group_by("source_id").agg(aggs).iter_rows(named=True)}
    sources = list(dict.fromkeys([*vintages, *states, *sorted(per_source)]))
    if not sources:
        return _no_data("the manifest names no source.")

    def status(state: dict | None) -> str:
        if not state:
            return "—"
        return _badge("stale", "stale") if state.get("stale") else _badge("fresh", "ok")

    body = "".join(
        "<tr>"
        f"<td><b>{_e(s)}</b></td>"
        f"<td>{_e(vintages.get(s) or '—')}</td>"
        f"<td>{status(states.get(s))}</td>"
        f"<td>{_e((states.get(s) or {}).get('last_success') or '—')}</td>"
        f"<td class='num'>{_e((per_source.get(s) or {}).get('indicators', '—'))}</td>"
        f"<td>{_e((per_source.get(s) or {}).get('newest_period') or '—')}</td>"
        f"<td>{_e((per_source.get(s) or {}).get('oldest_vintage') or '—')}</td>"
        f"<td>{_e((per_source.get(s) or {}).get('newest_vintage') or '—')}</td>"
        "</tr>"
        for s in sources
    )
    head = "".join(
        f"<th>{h}</th>"
        for h in (
            "source",
            "data vintage (manifest)",
            "status",
            "last successful load",
            "indicators",
            "newest period",
            "oldest vintage",
            "newest vintage",
        )
    )
    return (
        f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        "<p class='note'>Data vintage: the newest date from which a value of the source was known (its release "
        "date where it states one). Indicators, periods and vintages per source come from "
        "marts.indicator_latest (the latest value of every indicator).</p>"
    )


def _when(expr: pl.Expr) -> pl.Expr:
    """A vintage as text: seconds at most, and the time left out when it is midnight (a release date)."""
    text = expr.cast(pl.Utf8).str.replace(r"\.\d+$", "")
    return text.str.replace(r"[ T]00:00:00$", "")


def tables_html(manifest: dict) -> str:
    tables: dict = manifest.get("tables") or {}
    if not tables:
        return _no_data("the manifest lists no published table.")
    body = "".join(
        f"<tr><td><a href='{_e(info.get('path'))}'>{_e(name)}</a></td><td class='num'>{_e(info.get('rows'))}</td>"
        f"<td>{_badge('sample data', 'sample') if info.get('is_sample') else 'no'}</td>"
        f"<td><code>{_e(str(info.get('sha256', ''))[:16])}…</code></td></tr>"
        for name, info in tables.items()
    )
    return (
        "<table><thead><tr><th>table (Parquet)</th><th>rows</th><th>sample</th><th>sha256</th></tr></thead>"
        f"<tbody>{body}</tbody></table>"
    )


def credits_html(manifest: dict) -> str:
    credits: dict = manifest.get("credits") or {}
    items = "".join(f"<li><b>{_e(source)}</b>: {_e(line)}</li>" for source, line in credits.items() if line)
    return f"<ul class='credits'>{items}</ul>"


def sample_tables(data: PageData) -> list[str]:
    """Names of the shown tables holding sample values (by the manifest flag or the rows themselves)."""
    tables: dict = data.manifest.get("tables") or {}
    names = {n for n, info in tables.items() if info.get("is_sample")}
    names |= {n for n, frame in data.marts.items() if _frame_is_sample(frame)}
    return sorted(names)


def banner_html(data: PageData) -> str:
    samples = sample_tables(data)
    if not (data.manifest.get("is_sample") or samples):
        return ""
    which = f" Tables with sample values: {', '.join(samples)}." if samples else ""
    return (
        f"<div class='banner' id='sample-banner' role='alert'><b>{SAMPLE_BANNER_TEXT}</b> "
        "(see snapshots/PROVENANCE.yaml). Do not quote them as fact." + _e(which) + "</div>"
    )


def _section(anchor: str, title: str, frame: pl.DataFrame | None, intro: str, content: str) -> str:
    return (
        f"<section id='{anchor}'><h2>{_e(title)}{_sample_badge(frame)}</h2>"
        f"<p class='note'>{intro}</p>{content}</section>"
    )


def build_page(data: PageData, plotly_js: str) -> str:
    """The whole page as a string (pure): `plotly_js` is inlined once, before any figure."""
    marts = data.marts
    m = data.manifest
    sections = [
        _section(
            "digital-deficit",
            "Digital deficit (デジタル赤字)",
            marts.get("digital_deficit_annual"),
            "Net balance of the digital items of Japan's services trade, by calendar year: each bar is one BOJ "
            "item, the line their total. Negative = Japan pays abroad more than it earns.",
            chart_html("digital_deficit_annual", marts.get("digital_deficit_annual"))
            + published_vs_computed_html(marts.get("published_vs_computed")),
        ),
        _section(
            "content-exports",
            "Content exports vs target",
            marts.get("content_exports_vs_target"),
            "Overseas sales of Japanese content (anime, games, publishing, music, film) against the Cabinet "
            "Office targets; dashed: the constant yearly growth each target needs from the latest actual.",
            chart_html("content_exports_vs_target", marts.get("content_exports_vs_target")),
        ),
        _section(
            "support-budgets",
            "Support budgets compared",
            marts.get("support_budgets"),
            "Public money for content and AI, in yen and in US dollars at the stated year's rate. "
            "† hatched: the only source is the article being checked, so it cannot confirm that article.",
            chart_html("support_budgets", marts.get("support_budgets"))
            + ai_investment_html(marts.get("ai_investment")),
        ),
        _section(
            "pay-gap",
            "Creator pay gap",
            marts.get("creator_pay_gap"),
            "Annual pay of all workers, arts occupations and animators, latest year of each age group; the "
            "label on the red bars is the animators' gap to all workers.",
            chart_html("creator_pay_gap", marts.get("creator_pay_gap")) + pay_notes_html(marts.get("creator_pay_gap")),
        ),
        _section(
            "claims",
            "Claims checked",
            marts.get("claims_check"),
            "Every figure read from the checked articles, what it claims, the official value for the same "
            "indicator, period and definition, and the verdict. The sentence is quoted as the article wrote it.",
            claims_html(marts.get("claims_check"), indicator_units(marts.get("indicator_latest"))),
        ),
        _section(
            "freshness",
            "Freshness per source",
            marts.get("indicator_latest"),
            "How recent the data of each source is.",
            freshness_html(m, marts.get("indicator_latest")),
        ),
        _section(
            "tables",
            "Published tables",
            None,
            "Every file of this run, with its sha256 (see manifest.json).",
            tables_html(m),
        ),
    ]
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>mieruka — 見える化</title>
<style>{CSS}</style>
<script>{plotly_js}</script>
</head><body>
{banner_html(data)}
<main>
<h1>mieruka — 見える化</h1>
<p>Japan's digital deficit, public money for AI and content, content exports and the pay of the people
who make them — and what the news says about them. Generated {_e(m.get("generated_at"))}.</p>
<nav><a href="dictionary.md">Data dictionary (dictionary.md)</a><a href="manifest.json">manifest.json</a>
<a href="#claims">Claims checked</a><a href="#freshness">Freshness</a></nav>
{"".join(sections)}
<section id="credits"><h2>Credits</h2>{credits_html(m)}</section>
</main>
</body></html>
"""


# ---------------------------------------------------------------------------------------------
# I/O


def load_page_data(published_dir: Path) -> PageData:
    """Read the manifest and every Parquet file it lists (a listed file that is missing is skipped:
    its section then says so rather than the page failing)."""
    manifest = json.loads((published_dir / "manifest.json").read_text(encoding="utf-8"))
    marts: dict[str, pl.DataFrame] = {}
    for name, info in (manifest.get("tables") or {}).items():
        path = published_dir / info["path"]
        if path.is_file():
            marts[name] = pl.read_parquet(path)
    return PageData(manifest, marts)


def render_dashboard(published_dir: Path) -> Path:
    """Write `index.html` next to the manifest (temp file + os.replace, so a reader never sees a
    half-written page); return its path."""
    page = build_page(load_page_data(published_dir), get_plotlyjs())
    path = published_dir / "index.html"
    tmp = path.with_name("index.html.tmp")
    tmp.write_text(page, encoding="utf-8")
    os.replace(tmp, path)
    return path
