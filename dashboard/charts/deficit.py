"""Japan's digital deficit by BOJ component and year, both definitions side by side."""

from __future__ import annotations

from collections.abc import Mapping

import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

from dashboard.charts.base import Drawn, layout, trace
from dashboard.fmt import TRILLION

# BOJ items of the digital deficit, in stacking order, with a stable colour each.
COLOURS = {"907": "#1f77b4", "9072": "#17becf", "9062": "#ff7f0e", "9082": "#2ca02c"}
DEFINITIONS = {
    "broad": "Broad: 907 + 9062 + 9082 (MOF, Nikkei, Jiji)",
    "narrow": "Narrow: 9072 + 9062 + 9082 (MIC white paper)",
}
COLUMNS = ("definition", "component", "component_name_en", "component_name_ja", "year", "balance_jpy",
           "balance_usd", "is_sample")


def drawn_rows(frame: pl.DataFrame) -> pl.DataFrame:
    """The rows drawn: every year, definition and component with a balance, in drawing order."""
    order = {d: i for i, d in enumerate(DEFINITIONS)}
    comp_order = {c: i for i, c in enumerate([*COLOURS, "total"])}
    present = [c for c in COLUMNS if c in frame.columns]
    return (
        frame.filter(pl.col("balance_jpy").is_not_null() & pl.col("definition").is_not_null())
        .select(present)
        .with_columns(
            pl.col("definition").replace_strict(order, default=len(order)).alias("_d"),
            pl.col("component").replace_strict(comp_order, default=len(comp_order)).alias("_c"),
        )
        .sort("_d", "definition", "_c", "component", "year")
        .drop("_d", "_c")
    )


def build(marts: Mapping[str, pl.DataFrame]) -> Drawn | None:
    data = drawn_rows(marts["digital_deficit_annual"])
    definitions = list(dict.fromkeys(data["definition"].to_list()))
    if not definitions:
        return None
    fig = make_subplots(
        rows=1, cols=len(definitions), shared_yaxes=True, horizontal_spacing=0.05,
        subplot_titles=[DEFINITIONS.get(d, d) for d in definitions],
    )
    shown: set[str] = set()
    named = "component_name_en" in data.columns
    for col, definition in enumerate(definitions, start=1):
        part = data.filter(pl.col("definition") == definition)
        for component in dict.fromkeys(part["component"].to_list()):
            rows = part.filter(pl.col("component") == component)
            first = rows.row(0, named=True)
            match = {"definition": definition, "component": component}
            if component == "total":
                fig.add_trace(
                    trace(
                        go.Scatter, data, match, "year", "balance_jpy", y_scale=TRILLION, customdata="balance_usd",
                        mode="lines+markers", name="Total (digital deficit)", legendgroup="total",
                        showlegend="total" not in shown, line={"color": "#222", "width": 3},
                        hovertemplate="%{x} total: %{y:,.2f} 兆円 (US$ %{customdata:,.0f})<extra></extra>",
                    ),
                    row=1, col=col,
                )
            else:
                label = f"{component} {first.get('component_name_en') or ''}".strip() if named else component
                if named and first.get("component_name_ja"):
                    label += f" ({first['component_name_ja']})"
                fig.add_trace(
                    trace(
                        go.Bar, data, match, "year", "balance_jpy", y_scale=TRILLION, customdata="balance_usd",
                        name=label, legendgroup=component, showlegend=component not in shown,
                        marker_color=COLOURS.get(component, "#7f7f7f"),
                        hovertemplate="%{x}: %{y:,.2f} 兆円 (US$ %{customdata:,.0f})<extra>" + label + "</extra>",
                    ),
                    row=1, col=col,
                )
            shown.add(component)
    fig.update_layout(barmode="relative")
    fig.update_yaxes(title_text="Balance, 兆円 (trillion yen; negative = deficit)", row=1, col=1)
    fig.update_xaxes(dtick=1, tickangle=-45)
    return Drawn(layout(fig, 540, "Digital deficit by component (BOJ balance of payments), 兆円", -0.16), data)
