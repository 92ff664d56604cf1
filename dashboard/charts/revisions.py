"""Revisions: for the series whose values were revised, the first-published value of each period beside the
latest, one small panel per series (BOJ revises the previous years' monthly balance of payments)."""

from __future__ import annotations

import math
from collections.abc import Mapping

import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

from dashboard.charts.base import Drawn, layout, trace
from dashboard.fmt import OKU

MAX_PANELS = 6
COLUMNS = ("indicator_id", "indicator_name_en", "area", "period", "unit", "source_id", "first_value",
           "first_valid_from", "latest_value", "latest_valid_from", "vintage_count", "revision", "revision_pct",
           "is_sample")
SCALES = {"JPY": (OKU, "億円")}


def short_name(name: str | None, indicator_id: str) -> str:
    """The last two levels of a long BOJ series name (`… / Charges for the use of copyrights / Credit`)."""
    if not name:
        return indicator_id
    parts = [p.strip() for p in name.split(" / ")]
    return " / ".join(parts[-2:]).replace(" (BPM6, monthly)", "")


def drawn_rows(frame: pl.DataFrame) -> pl.DataFrame:
    """The revised series (at most MAX_PANELS, the largest revisions first), each over the span of its
    revised periods (every period inside that span, revised or not)."""
    revised = frame.filter(pl.col("revised").fill_null(False))
    if revised.is_empty():
        return frame.select([c for c in COLUMNS if c in frame.columns]).head(0)
    spans = (
        revised.group_by("indicator_id", "area")
        .agg(
            pl.col("period").min().alias("p0"), pl.col("period").max().alias("p1"),
            pl.col("revision_pct").abs().max().fill_null(0).alias("size"),
        )
        .sort(["size", "indicator_id", "area"], descending=[True, False, False])
        .head(MAX_PANELS)
    )
    present = [c for c in COLUMNS if c in frame.columns]
    return (
        frame.join(spans, on=["indicator_id", "area"], how="inner")
        .filter((pl.col("period") >= pl.col("p0")) & (pl.col("period") <= pl.col("p1")))
        .select(present)
        .sort("indicator_id", "area", "period")
    )


def build(marts: Mapping[str, pl.DataFrame]) -> Drawn | None:
    frame = marts["observation_revisions"]
    data = drawn_rows(frame)
    if data.is_empty():
        return None
    panels = list(dict.fromkeys(data.select("indicator_id", "area").iter_rows()))
    cols = 2 if len(panels) > 1 else 1
    rows = math.ceil(len(panels) / cols)
    names = {}
    for indicator_id, area, name in data.select("indicator_id", "area", "indicator_name_en").iter_rows():
        names[(indicator_id, area)] = short_name(name, indicator_id)
    fig = make_subplots(
        rows=rows, cols=cols, subplot_titles=[f"{names[p]}, {p[1]}<br><sup>{p[0]}</sup>" for p in panels],
        horizontal_spacing=0.08, vertical_spacing=0.5 / max(rows, 1),
    )
    for i, (indicator_id, area) in enumerate(panels):
        r, c = i // cols + 1, i % cols + 1
        unit = data.filter(pl.col("indicator_id") == indicator_id)["unit"][0]
        scale, unit_label = SCALES.get(unit, (1.0, unit or ""))
        match = {"indicator_id": indicator_id, "area": area}
        for column, when, name, style in (
            ("first_value", "first_valid_from", "First published", {"color": "#9e9e9e", "dash": "dash"}),
            ("latest_value", "latest_valid_from", "Latest", {"color": "#c62828"}),
        ):
            fig.add_trace(
                trace(
                    go.Scatter, data, match, "period", column, y_scale=scale, customdata=when,
                    mode="lines+markers", name=name, legendgroup=name, showlegend=i == 0, line=style,
                    hovertemplate="%{x}: %{y:,.1f} " + unit_label + " (known from %{customdata})<extra>"
                    + name + "</extra>",
                ),
                row=r, col=c,
            )
        fig.update_yaxes(title_text=unit_label, row=r, col=c)
    fig.update_xaxes(type="category", tickangle=-45)
    revised = frame.filter(pl.col("revised").fill_null(False))
    by_source = revised.group_by("source_id").len().sort("source_id")
    counts = ", ".join(f"{s}: {n}" for s, n in by_source.iter_rows())
    vintages = data.select(pl.col("first_valid_from").min(), pl.col("latest_valid_from").max()).row(0)
    notes = (
        f"{revised.height} of {frame.height} published values differ from their first-published value ({counts}).",
        f"First published: the earliest vintage the warehouse holds (here from {str(vintages[0])[:10]}); latest: "
        f"the current vintage (up to {str(vintages[1])[:10]}).",
    )
    fig = layout(fig, 280 + 260 * rows, "Revisions: first published vs latest value")
    fig.update_layout(margin={"t": 110})
    return Drawn(fig, data, notes)
