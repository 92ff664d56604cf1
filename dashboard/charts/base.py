"""What every chart is made of, and the rule that keeps a chart and its CSV the same data.

A chart is built from one frame, `Drawn.data`: exactly the rows it draws, which is also the CSV a reader
downloads under it. Every trace is made by `trace()` from a selection of those rows (`match`: column ->
value) and two of their columns, and records that selection in the trace's `meta`
(`{"rows": match, "x": col, "y": col, "x_scale": s, "y_scale": s}`), so anyone (the Chromium test, a
reader of the page source) can check each point drawn against the CSV row it came from.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import plotly.graph_objects as go
import polars as pl

FONT_FAMILY = "system-ui, 'Noto Sans CJK JP', 'IPAGothic', 'Hiragino Sans', 'Yu Gothic', sans-serif"


@dataclass(frozen=True)
class Drawn:
    """A chart ready to show: the figure, the rows it draws (the CSV), the notes to print under it and
    the names of who published the curated figures drawn (for the source line)."""

    figure: go.Figure
    data: pl.DataFrame
    notes: tuple[str, ...] = ()
    publishers: tuple[str, ...] = ()


@dataclass(frozen=True)
class ChartSpec:
    """One chart: its id (div `chart-<id>`, file `chart-<id>.csv`), the marts and columns it needs, the
    sources its data come from, its definition in one sentence, and the function that draws it."""

    chart_id: str
    title: str
    marts: tuple[str, ...]
    required: Mapping[str, tuple[str, ...]]
    sources: tuple[str, ...]
    definition: str
    build: Callable[[Mapping[str, pl.DataFrame]], Drawn | None]
    optional_marts: tuple[str, ...] = field(default=())

    @property
    def div_id(self) -> str:
        return f"chart-{self.chart_id}"

    @property
    def csv_name(self) -> str:
        return f"chart-{self.chart_id}.csv"


def select(data: pl.DataFrame, match: Mapping[str, Any]) -> pl.DataFrame:
    """The rows of `data` whose columns equal `match` (in their order in `data`)."""
    if not match:
        return data
    return data.filter(pl.all_horizontal([pl.col(c).eq_missing(pl.lit(v)) for c, v in match.items()]))


def _values(rows: pl.DataFrame, column: str, scale: float | None) -> list:
    values = rows[column].to_list()
    if scale is None:
        return values
    return [None if v is None else v / scale for v in values]


def trace(
    factory: Callable[..., Any],
    data: pl.DataFrame,
    match: Mapping[str, Any],
    x: str,
    y: str,
    x_scale: float | None = None,
    y_scale: float | None = None,
    customdata: str | None = None,
    **kwargs: Any,
) -> Any:
    """A Plotly trace (go.Bar, go.Scatter) of the rows of `data` selected by `match`: x and y are those
    rows' columns divided by their scale (None: drawn as they are, e.g. a year or a label)."""
    rows = select(data, match)
    meta = {"rows": dict(match), "x": x, "y": y, "x_scale": x_scale, "y_scale": y_scale}
    extra = {}
    if customdata:
        shown = rows[customdata]
        if shown.dtype.is_temporal():
            shown = shown.dt.strftime("%Y-%m-%d")
        extra = {"customdata": shown.to_list()}
    return factory(
        x=_values(rows, x, x_scale), y=_values(rows, y, y_scale), meta=meta, **extra, **kwargs
    )


def layout(fig: go.Figure, height: int, title: str, legend_y: float = -0.14) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0.01, "xanchor": "left"},
        height=height,
        template="plotly_white",
        font={"family": FONT_FAMILY, "size": 13},
        legend={"orientation": "h", "yanchor": "top", "y": legend_y, "x": 0},
        margin={"l": 70, "r": 30, "t": 80, "b": 40},
        hoverlabel={"namelength": -1},
    )
    return fig


def csv_bytes(frame: pl.DataFrame) -> bytes:
    """The CSV of a chart: UTF-8 with a header, `\\n` line ends, empty cells for NULL, ISO dates; the same
    rows in the same order give the same bytes (no run-time value is ever a column)."""
    return frame.write_csv(null_value="", line_terminator="\n", datetime_format="%Y-%m-%dT%H:%M:%S").encode("utf-8")


def has_sample(frame: pl.DataFrame | None) -> bool:
    return frame is not None and "is_sample" in frame.columns and bool(frame["is_sample"].fill_null(False).any())
