"""Public support budgets: single-year content budgets ranked together, and announced AI investment in a
group of its own, per year (a five-year total ranked beside one-year budgets would mislead)."""

from __future__ import annotations

from collections.abc import Mapping

import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

from dashboard.charts.base import Drawn, has_sample, layout, trace
from dashboard.fmt import OKU, fmt_yen

AI_PROGRAM = "ai_investment_budget"
SINGLE = "Content support: one budget year each"
AI_PER_YEAR = "AI investment announced over several years: per year"
AI_TOTAL = "AI investment: total announced (no yearly path published)"
AREA_NAMES = {"JPN": "Japan", "KOR": "Korea", "CHN": "China", "USA": "United States", "TWN": "Taiwan"}
ARTICLE_ONLY_PATTERN = "/"
SCHEMA = {
    "group": pl.String, "label": pl.String, "area": pl.String, "program": pl.String, "period": pl.String,
    "amount_jpy": pl.Float64, "amount_usd": pl.Float64, "only_source_is_article": pl.Boolean,
    "indicator_id": pl.String, "source": pl.String, "is_sample": pl.Boolean,
}


def _opt(frame: pl.DataFrame, column: str, dtype: pl.DataType, default: object = None) -> pl.Expr:
    return pl.col(column).cast(dtype) if column in frame.columns else pl.lit(default, dtype).alias(column)


def _dagger(only: pl.Expr) -> pl.Expr:
    return pl.when(only.fill_null(False)).then(pl.lit("† ")).otherwise(pl.lit(""))


def _area(frame: pl.DataFrame) -> pl.Expr:
    return pl.col("area").replace(AREA_NAMES) if "area" in frame.columns else pl.lit("")


def single_year_rows(budgets: pl.DataFrame) -> pl.DataFrame:
    rows = budgets.filter(pl.col("amount_jpy").is_not_null())
    if "program" in rows.columns:
        rows = rows.filter(pl.col("program").ne_missing(pl.lit(AI_PROGRAM)))
    name = pl.coalesce(_opt(rows, "program_name_en", pl.String()), _opt(rows, "program", pl.String()))
    only = _opt(rows, "only_source_is_article", pl.Boolean(), False)
    return rows.select(
        pl.lit(SINGLE).alias("group"),
        pl.concat_str([_dagger(only), _area(rows), pl.lit(" · "), name, pl.lit(" ("), pl.col("period"), pl.lit(")")])
        .alias("label"),
        _opt(rows, "area", pl.String()), _opt(rows, "program", pl.String()), pl.col("period").cast(pl.String),
        pl.col("amount_jpy"), _opt(rows, "amount_usd", pl.Float64()), only.alias("only_source_is_article"),
        _opt(rows, "indicator_id", pl.String()), _opt(rows, "source", pl.String()),
        _opt(rows, "is_sample", pl.Boolean(), has_sample(budgets)),
    )


def ai_rows(budgets: pl.DataFrame, ai: pl.DataFrame | None) -> pl.DataFrame:
    """AI investment per year from marts.ai_investment (one bar per span and yearly amount: an even split
    gives one bar for the whole span); the announced totals when that mart is missing."""
    if ai is not None and not ai.is_empty() and {"year", "amount_jpy"} <= set(ai.columns):
        keys = [c for c in ("indicator_id", "area", "announced_period", "amount_jpy", "amount_usd") if c in ai.columns]
        grouped = ai.filter(pl.col("amount_jpy").is_not_null()).group_by(keys, maintain_order=True).agg(
            pl.col("year").min().alias("y0"), pl.col("year").max().alias("y1"),
            *[pl.col(c).first() for c in ("announced_total_jpy", "span_years", "only_source_is_article", "source",
                                           "indicator_name_en") if c in ai.columns],
            (pl.col("is_sample").any() if "is_sample" in ai.columns else pl.lit(has_sample(ai))).alias("is_sample"),
        )
        only = _opt(grouped, "only_source_is_article", pl.Boolean(), False)
        period = pl.concat_str(
            [pl.lit("FY"), pl.col("y0").cast(pl.String), pl.lit("–FY"), pl.col("y1").cast(pl.String)]
        )
        total = pl.col("announced_total_jpy").map_elements(fmt_yen, return_dtype=pl.String) \
            if "announced_total_jpy" in grouped.columns else pl.lit("?")
        return grouped.select(
            pl.lit(AI_PER_YEAR).alias("group"),
            pl.concat_str([
                _dagger(only), _area(grouped), pl.lit(" · AI investment, per year "), period, pl.lit(" ("), total,
                pl.lit(" over "), _opt(grouped, "span_years", pl.String(), "?").fill_null("?"),
                pl.lit(" years, announced "), _opt(grouped, "announced_period", pl.String(), "?").fill_null("?"),
                pl.lit(")"),
            ]).alias("label"),
            _opt(grouped, "area", pl.String()), pl.lit(AI_PROGRAM).alias("program"), period.alias("period"),
            pl.col("amount_jpy"), _opt(grouped, "amount_usd", pl.Float64()), only.alias("only_source_is_article"),
            _opt(grouped, "indicator_id", pl.String()), _opt(grouped, "source", pl.String()), pl.col("is_sample"),
        )
    totals = budgets.filter(pl.col("amount_jpy").is_not_null())
    totals = totals.filter(pl.col("program") == AI_PROGRAM) if "program" in totals.columns else totals.head(0)
    return single_year_rows(totals.with_columns(pl.lit("x").alias("program"))).with_columns(
        pl.lit(AI_TOTAL).alias("group"), pl.lit(AI_PROGRAM).alias("program")
    )


def drawn_rows(budgets: pl.DataFrame, ai: pl.DataFrame | None) -> pl.DataFrame:
    groups = [single_year_rows(budgets).cast(SCHEMA), ai_rows(budgets, ai).cast(SCHEMA)]  # type: ignore[arg-type]
    return pl.concat(groups).sort("group", "amount_jpy", "label", descending=[True, False, False])


def build(marts: Mapping[str, pl.DataFrame]) -> Drawn | None:
    data = drawn_rows(marts["support_budgets"], marts.get("ai_investment"))
    if data.is_empty():
        return None
    groups = list(dict.fromkeys(data["group"].to_list()))
    sizes = [data.filter(pl.col("group") == g).height for g in groups]
    fig = make_subplots(
        rows=len(groups), cols=2, shared_xaxes="columns", horizontal_spacing=0.03, vertical_spacing=0.16,
        row_heights=[s / sum(sizes) for s in sizes],
    )
    legend_shown: set[str] = set()
    for r, group in enumerate(groups, start=1):
        part = data.filter(pl.col("group") == group)
        for only, name, colour in ((False, "Official or reported source", "#1f77b4"),
                                   (True, "† Only source is the article checked", "#9e9e9e")):
            if part.filter(pl.col("only_source_is_article") == only).is_empty():
                continue
            pattern = {"shape": ARTICLE_ONLY_PATTERN} if only else {}
            for c, column, scale, fmt in ((1, "amount_jpy", OKU, "%{x:,.0f} 億円"),
                                          (2, "amount_usd", 1e6, "US$ %{x:,.0f} m")):
                fig.add_trace(
                    trace(
                        go.Bar, data, {"group": group, "only_source_is_article": only}, column, "label", x_scale=scale,
                        orientation="h", name=name, legendgroup=name, showlegend=name not in legend_shown,
                        marker={"color": colour, "pattern": pattern}, hovertemplate="%{y}: " + fmt + "<extra></extra>",
                    ),
                    row=r, col=c,
                )
                legend_shown.add(name)
        labels = part["label"].to_list()
        fig.update_yaxes(categoryorder="array", categoryarray=labels, row=r, col=1)
        fig.update_yaxes(categoryorder="array", categoryarray=labels, showticklabels=False, row=r, col=2)
        fig.add_annotation(
            text=f"<b>{group}</b>", xref="paper", yref=f"y{2 * r - 1 if r > 1 else ''} domain", x=0, y=1.02,
            xanchor="left", yanchor="bottom", showarrow=False, font={"size": 13},
        )
    fig.update_xaxes(title_text="億円 (100 million yen)", tickformat=",", row=len(groups), col=1)
    fig.update_xaxes(title_text="US$ million", tickformat=",", row=len(groups), col=2)
    fig.update_layout(barmode="overlay")
    height = 170 + 44 * data.height + 60 * len(groups)
    publishers = tuple(dict.fromkeys(s for s in data["source"].to_list() if s))
    fig = layout(fig, max(380, height), "Public support budgets compared (yen and US dollars)")
    # the legend above the bars, right: below them the axis titles need the room
    fig.update_layout(legend={"y": 1.0, "x": 1.0, "xanchor": "right", "yanchor": "bottom"}, margin={"t": 100})
    return Drawn(fig, data, publishers=publishers)
