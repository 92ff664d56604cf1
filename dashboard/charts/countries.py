"""Japan's digital-services balance beside Korea's, China's and the United States': the same OECD items
(SI + SH) for every economy, in US dollars and in percent of GDP."""

from __future__ import annotations

from collections.abc import Mapping

import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

from dashboard.charts.base import Drawn, layout, trace

DEFINITION = "oecd_si_sh"
AREAS = {"JPN": ("#c62828", 4), "KOR": ("#1f77b4", 2), "CHN": ("#2ca02c", 2), "USA": ("#6a1b9a", 2)}
COLUMNS = ("area", "area_name_en", "definition", "items", "year", "balance_usd", "gdp_usd", "balance_pct_gdp",
           "source_id", "is_sample")


def drawn_rows(frame: pl.DataFrame) -> pl.DataFrame:
    order = {a: i for i, a in enumerate(AREAS)}
    present = [c for c in COLUMNS if c in frame.columns]
    return (
        frame.filter((pl.col("definition") == DEFINITION) & pl.col("balance_usd").is_not_null())
        .select(present)
        .with_columns(pl.col("area").replace_strict(order, default=len(order)).alias("_o"))
        .sort("_o", "area", "year")
        .drop("_o")
    )


def build(marts: Mapping[str, pl.DataFrame]) -> Drawn | None:
    data = drawn_rows(marts["digital_balance_by_country"])
    if data.is_empty():
        return None
    fig = make_subplots(
        rows=1, cols=2, horizontal_spacing=0.08,
        subplot_titles=["Balance, US$ billion", "Balance, % of GDP"],
    )
    names = dict(data.select("area", "area_name_en").unique(subset=["area"]).iter_rows()) \
        if "area_name_en" in data.columns else {}
    for area in dict.fromkeys(data["area"].to_list()):
        colour, width = AREAS.get(area, ("#7f7f7f", 2))
        name = f"{names.get(area) or area} ({area})"
        for col, column, scale, fmt in ((1, "balance_usd", 1e9, "US$ %{y:,.1f} bn"),
                                        (2, "balance_pct_gdp", None, "%{y:,.2f} % of GDP")):
            fig.add_trace(
                trace(
                    go.Scatter, data, {"area": area}, "year", column, y_scale=scale, mode="lines+markers",
                    name=name, legendgroup=area, showlegend=col == 1, line={"color": colour, "width": width},
                    hovertemplate="%{x}: " + fmt + "<extra>" + name + "</extra>",
                ),
                row=1, col=col,
            )
    fig.add_hline(y=0, line={"color": "#888", "width": 1})
    fig.update_xaxes(dtick=2)
    return Drawn(
        layout(fig, 460, "Digital-services balance: Japan vs Korea, China and the United States (OECD SI + SH)"),
        data,
    )
