"""The EU-Japan mirror: what Japan reports receiving from the EU (BOJ credit) beside what the EU reports
paying Japan (Eurostat debit), and Japan's payments beside the EU's receipts, per item and year, in yen."""

from __future__ import annotations

from collections.abc import Mapping

import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

from dashboard.charts.base import Drawn, layout, trace
from dashboard.fmt import OKU

COLUMNS = ("year", "item", "item_name", "japan_credit_jpy", "eu_debit_jpy", "credit_gap_jpy", "credit_gap_pct",
           "japan_debit_jpy", "eu_credit_jpy", "debit_gap_jpy", "debit_gap_pct", "jpy_per_eur", "eu_obs_status",
           "is_sample")
SIDES = [
    ("japan_credit_jpy", "eu_debit_jpy", "credit_gap_pct",
     "Japan's receipts from the EU (BOJ credit) vs the EU's payments to Japan (Eurostat debit)"),
    ("japan_debit_jpy", "eu_credit_jpy", "debit_gap_pct",
     "Japan's payments to the EU (BOJ debit) vs the EU's receipts from Japan (Eurostat credit)"),
]
BOJ_COLOUR, EU_COLOUR = "#1f3a93", "#f2a900"


def drawn_rows(frame: pl.DataFrame) -> pl.DataFrame:
    """The mart's rows with a flag for provisional Eurostat values (status flag `p`)."""
    present = [c for c in COLUMNS if c in frame.columns]
    status = pl.col("eu_obs_status") if "eu_obs_status" in frame.columns else pl.lit(None, pl.String)
    return (
        frame.select(present)
        .with_columns(status.fill_null("").str.contains(r"(^|,)\s*p\s*(,|$)").alias("eu_provisional"))
        .sort("item", "year")
    )


def build(marts: Mapping[str, pl.DataFrame]) -> Drawn | None:
    data = drawn_rows(marts["eu_japan_digital_mirror"])
    if data.is_empty():
        return None
    items = sorted(dict.fromkeys(data["item"].to_list()), key=lambda i: (i != "TCI", i))
    names = dict(data.select("item", "item_name").unique(subset=["item"]).iter_rows()) \
        if "item_name" in data.columns else {}
    titles = []
    for item in items:
        titles += [f"{item}: Japan's receipts from the EU", f"{item}: Japan's payments to the EU", f"{item}: gap, %"]
    fig = make_subplots(
        rows=len(items), cols=3, horizontal_spacing=0.06, vertical_spacing=0.2, column_widths=[0.38, 0.38, 0.24],
        subplot_titles=titles,
    )
    shown: set[str] = set()

    def add(trace_: go.BaseTraceType, r: int, c: int) -> None:
        fig.add_trace(trace_, row=r, col=c)
        shown.add(trace_.name)

    for r, item in enumerate(items, start=1):
        rows = data.filter(pl.col("item") == item)
        for c, (japan, eu, _gap, _title) in enumerate(SIDES, start=1):
            label = "BOJ (as Japan reports)"
            add(trace(
                go.Bar, data, {"item": item}, "year", japan, y_scale=OKU, name=label, legendgroup=label,
                showlegend=label not in shown, marker_color=BOJ_COLOUR,
                hovertemplate="%{x}: %{y:,.0f} 億円<extra>" + label + "</extra>",
            ), r, c)
            for provisional in (False, True):
                if rows.filter(pl.col("eu_provisional") == provisional).is_empty():
                    continue
                label = "Eurostat (as the EU reports), provisional" if provisional else "Eurostat (as the EU reports)"
                add(trace(
                    go.Bar, data, {"item": item, "eu_provisional": provisional}, "year", eu, y_scale=OKU,
                    name=label, legendgroup=label, showlegend=label not in shown,
                    marker={"color": EU_COLOUR, "pattern": {"shape": "/" if provisional else ""}},
                    hovertemplate="%{x}: %{y:,.0f} 億円<extra>" + label + "</extra>",
                ), r, c)
            fig.update_yaxes(title_text="億円" if c == 1 else None, rangemode="tozero", tickformat=",", row=r, col=c)
        for gap, label, colour in (("credit_gap_pct", "Gap in Japan's receipts", "#00897b"),
                                   ("debit_gap_pct", "Gap in Japan's payments", "#8e24aa")):
            add(trace(
                go.Scatter, data, {"item": item}, "year", gap, mode="lines+markers", name=label, legendgroup=label,
                showlegend=label not in shown, line={"color": colour},
                marker={"symbol": ["circle-open" if p else "circle" for p in rows["eu_provisional"].to_list()],
                        "size": 8},
                hovertemplate="%{x}: %{y:+.1f} %<extra>" + label + "</extra>",
            ), r, 3)
        fig.add_hline(y=0, line={"color": "#888", "width": 1}, row=r, col=3)
        fig.update_yaxes(ticksuffix=" %", row=r, col=3)
    fig.update_layout(barmode="group", bargap=0.25)
    fig.update_xaxes(dtick=2, tickangle=-45)
    provisional_years = sorted(set(data.filter(pl.col("eu_provisional"))["year"].to_list()))
    notes = [
        "; ".join(f"{item}: {names.get(item, item)}" for item in items) + ".",
        "Receipts: " + SIDES[0][3] + ". Payments: " + SIDES[1][3] + ".",
        "Gap: (BOJ − Eurostat) / Eurostat, in percent (positive: Japan reports more than the EU).",
        "Eurostat values are converted to yen at the World Bank annual rates (yen per US$ / euro per US$).",
    ]
    if provisional_years:
        notes.append(f"Hatched bars and open circles: provisional Eurostat values "
                     f"({', '.join(map(str, provisional_years))}).")
    return Drawn(layout(fig, 260 + 300 * len(items), "EU–Japan mirror: the same trade as each side reports it, 億円",
                        -0.12), data, tuple(notes))
