"""Overseas sales of Japanese content against the government targets, with the constant-growth path each
target needs from the latest actual year."""

from __future__ import annotations

from collections.abc import Mapping

import plotly.graph_objects as go
import polars as pl

from dashboard.charts.base import Drawn, has_sample, layout, trace
from dashboard.fmt import TRILLION, fmt_yen, missing

# One colour and dash per target year, so the two paths can be told apart (and from the actual bars).
TARGET_STYLES = [("#ef6c00", "dash"), ("#6a1b9a", "dot"), ("#00897b", "dashdot")]
SCHEMA = {
    "series": pl.String, "target_year": pl.Int32, "year": pl.Int32, "value_jpy": pl.Float64,
    "growth_pct": pl.Float64, "source": pl.String, "is_sample": pl.Boolean,
}


def drawn_rows(frame: pl.DataFrame) -> pl.DataFrame:
    """Long rows: `actual` (one per year), `target` (one per target year, at that year) and `path` (the
    years from the latest actual to each target, growing at the mart's required_growth_pct)."""
    sample = has_sample(frame)
    col = (lambda c: pl.col(c)) if "is_sample" in frame.columns else (lambda c: pl.lit(sample))
    actual = (
        frame.filter(pl.col("overseas_sales_jpy").is_not_null())
        .sort("year")
        .unique(subset=["year"], keep="first", maintain_order=True)
        .select(
            pl.lit("actual").alias("series"), pl.lit(None, pl.Int32).alias("target_year"), pl.col("year"),
            pl.col("overseas_sales_jpy").alias("value_jpy"), pl.lit(None, pl.Float64).alias("growth_pct"),
            pl.col("source") if "source" in frame.columns else pl.lit(None, pl.String).alias("source"),
            col("is_sample").alias("is_sample"),
        )
    )
    targets = (
        frame.filter(pl.col("target_jpy").is_not_null() & pl.col("target_year").is_not_null())
        .sort("target_year", "year")
        .unique(subset=["target_year"], keep="last", maintain_order=True)
    )
    target_rows = targets.select(
        pl.lit("target").alias("series"), pl.col("target_year"), pl.col("target_year").alias("year"),
        pl.col("target_jpy").alias("value_jpy"), pl.lit(None, pl.Float64).alias("growth_pct"),
        (pl.col("target_source") if "target_source" in frame.columns else pl.lit(None, pl.String)).alias("source"),
        col("is_sample").alias("is_sample"),
    )
    paths = []
    latest = frame.filter(pl.col("is_latest")) if "is_latest" in frame.columns else frame.head(0)
    for row in latest.filter(pl.col("target_year").is_not_null()).sort("target_year").iter_rows(named=True):
        y0, ty, v0, growth = row["year"], row["target_year"], row["overseas_sales_jpy"], row.get("required_growth_pct")
        if missing(v0) or missing(growth) or ty <= y0:
            continue
        paths += [
            {"series": "path", "target_year": ty, "year": y, "value_jpy": v0 * (1 + growth / 100) ** (y - y0),
             "growth_pct": growth, "source": "computed: latest actual x (1 + required growth) ^ years",
             "is_sample": bool(row["is_sample"]) if "is_sample" in row else sample}
            for y in range(y0, ty + 1)
        ]
    parts = [actual.cast(SCHEMA), target_rows.cast(SCHEMA), pl.DataFrame(paths, schema=SCHEMA)]  # type: ignore[arg-type]
    return pl.concat(parts, how="vertical")


def build(marts: Mapping[str, pl.DataFrame]) -> Drawn | None:
    data = drawn_rows(marts["content_exports_vs_target"])
    if data.is_empty():
        return None
    fig = go.Figure()
    actual = data.filter(pl.col("series") == "actual")
    if not actual.is_empty():
        fig.add_trace(
            trace(
                go.Bar, data, {"series": "actual"}, "year", "value_jpy", y_scale=TRILLION,
                name="Overseas sales (actual)", marker_color="#1f77b4", width=0.6,
                text=[fmt_yen(v) for v in actual["value_jpy"].to_list()], textposition="outside",
                textfont={"size": 13}, constraintext="none", cliponaxis=False,
                hovertemplate="%{x}: %{y:,.2f} 兆円<extra>actual</extra>",
            )
        )
    target_years = sorted(set(data.filter(pl.col("series") == "target")["target_year"].to_list()))
    for i, ty in enumerate(target_years):
        colour, dash = TARGET_STYLES[i % len(TARGET_STYLES)]
        path = data.filter((pl.col("series") == "path") & (pl.col("target_year") == ty))
        if not path.is_empty():
            growth = path["growth_pct"][0]
            fig.add_trace(
                trace(
                    go.Scatter, data, {"series": "path", "target_year": ty}, "year", "value_jpy", y_scale=TRILLION,
                    mode="lines", line={"dash": dash, "color": colour, "width": 2.5},
                    name=f"Path to the {ty} target: +{growth:.1f} %/year from {path['year'][0]}",
                    legendgroup=str(ty), hovertemplate="%{x}: %{y:,.2f} 兆円 needed<extra></extra>",
                )
            )
        value = data.filter((pl.col("series") == "target") & (pl.col("target_year") == ty))["value_jpy"][0]
        fig.add_trace(
            trace(
                go.Scatter, data, {"series": "target", "target_year": ty}, "year", "value_jpy", y_scale=TRILLION,
                mode="markers+text", text=[f"{ty} target: {fmt_yen(value)}"],
                # right of the marker, below its own level: clear of the path rising from the left
                textposition="bottom right", textfont={"color": colour, "size": 13},
                name=f"{ty} target (government)", legendgroup=str(ty),
                marker={"symbol": "diamond", "size": 15, "color": colour, "line": {"color": "#fff", "width": 1}},
                hovertemplate="%{x} target: %{y:,.1f} 兆円<extra></extra>",
            )
        )
    years = data["year"].to_list()
    top = max(v for v in data["value_jpy"].to_list() if v is not None) / TRILLION
    fig.update_yaxes(title_text="兆円 (trillion yen)", range=[0, top * 1.12])
    fig.update_xaxes(dtick=1, tickangle=-45, range=[min(years) - 0.7, max(years) + 3.2])
    publishers = tuple(dict.fromkeys(s for s in data["source"].to_list() if s and not s.startswith("computed")))
    return Drawn(
        layout(fig, 500, "Japanese content: overseas sales vs the government targets, 兆円"), data,
        publishers=publishers,
    )
