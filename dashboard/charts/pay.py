"""Creators' pay: animators against all workers and the arts occupations, by age group, for ONE year (the
latest year with an animator figure), said in the title; the notes under it are those of the bars drawn."""

from __future__ import annotations

from collections.abc import Mapping

import plotly.graph_objects as go
import polars as pl

from dashboard.charts.base import Drawn, has_sample, layout, trace
from dashboard.fmt import MAN, missing

SERIES = [
    ("national", "national_annual_pay_jpy", "All workers (national mean)", "#7f7f7f"),
    ("arts", "arts_occupation_annual_pay_jpy", "Arts occupations (e-Stat mean)", "#1f77b4"),
    ("animators", "animator_annual_pay_jpy", "Animators (JAniCA survey)", "#c62828"),
]
ARTICLE_ONLY_PATTERN = "/"
SCHEMA = {
    "year": pl.Int32, "age_group": pl.String, "series": pl.String, "series_name": pl.String, "pay_jpy": pl.Float64,
    "survey_year": pl.Int32, "gap_pct": pl.Float64, "only_source_is_article": pl.Boolean, "source": pl.String,
    "is_sample": pl.Boolean,
}


def chosen_year(frame: pl.DataFrame) -> int | None:
    """The latest year with an animator figure (the comparison the chart is about), else the latest year."""
    with_animators = frame.filter(pl.col("animator_annual_pay_jpy").is_not_null())["year"]
    years = with_animators if not with_animators.is_empty() else frame["year"].drop_nulls()
    return None if years.is_empty() else int(years.max())  # type: ignore[arg-type]


def drawn_rows(frame: pl.DataFrame, year: int) -> pl.DataFrame:
    """One row per bar: (age group, series) of `year`, with the pay in yen and the survey year behind it."""
    rows = frame.filter(pl.col("year") == year).sort("age_group")
    sample = has_sample(frame)
    out = []
    for r in rows.iter_rows(named=True):
        for series, column, name, _ in SERIES:
            value = r.get(column)
            if missing(value):
                continue
            animators = series == "animators"
            out.append({
                "year": year, "age_group": r["age_group"], "series": series, "series_name": name, "pay_jpy": value,
                "survey_year": year if animators else (r.get("national_year") or year),
                "gap_pct": r.get("gap_pct") if animators else None,
                "only_source_is_article": bool(r.get("only_source_is_article")) if animators else False,
                "source": r.get("animator_source") if animators else "e-Stat, Basic Survey on Wage Structure",
                "is_sample": bool(r["is_sample"]) if "is_sample" in r else sample,
            })
    return pl.DataFrame(out, schema=SCHEMA)  # type: ignore[arg-type]


def notes(frame: pl.DataFrame, data: pl.DataFrame, year: int) -> tuple[str, ...]:
    """What "national pay" measures, and the caveat of each age group drawn (never one not drawn)."""
    drawn_ages = set(data["age_group"].to_list())
    rows = frame.filter((pl.col("year") == year) & pl.col("age_group").is_in(sorted(drawn_ages)))
    measures = [f"National pay: {v}" for v in dict.fromkeys(rows["national_measure"].to_list()) if v] \
        if "national_measure" in rows.columns else []
    caveats = [f"{a}: {n}" for a, n in rows.select("age_group", "note").iter_rows() if n] \
        if "note" in rows.columns else []
    if data.filter(pl.col("series") == "animators").height:
        measures.append("The label on an animators' bar is their gap to all workers of the same age group.")
    years = sorted({y for y in data.filter(pl.col("series") != "animators")["survey_year"].to_list() if y})
    if years and years != [year]:
        measures.append(f"e-Stat survey year used: {', '.join(map(str, years))} (the latest before {year}).")
    return tuple(measures + caveats)


def build(marts: Mapping[str, pl.DataFrame]) -> Drawn | None:
    frame = marts["creator_pay_gap"]
    year = chosen_year(frame)
    if year is None:
        return None
    data = drawn_rows(frame, year)
    if data.is_empty():
        return None
    fig = go.Figure()
    for series, _column, name, colour in SERIES:
        part = data.filter(pl.col("series") == series)
        if part.is_empty():
            continue
        marker: dict = {"color": colour}
        extra: dict = {}
        if series == "animators":
            only = part["only_source_is_article"].to_list()
            marker["pattern"] = {"shape": [ARTICLE_ONLY_PATTERN if o else "" for o in only]}
            name += " († only source is the article)" if any(only) else ""
            extra = {
                "text": ["" if missing(g) else f"{g:+.0f} %" for g in part["gap_pct"].to_list()],
                "textposition": "outside", "textfont": {"size": 13}, "constraintext": "none", "cliponaxis": False,
            }
        fig.add_trace(
            trace(
                go.Bar, data, {"series": series}, "age_group", "pay_jpy", y_scale=MAN, name=name, marker=marker,
                hovertemplate="%{x}: %{y:,.1f} 万円<extra>" + name + "</extra>", **extra,
            )
        )
    fig.update_layout(barmode="group")
    top = max(data["pay_jpy"].to_list()) / MAN
    fig.update_yaxes(title_text="Annual pay, 万円 (10,000 yen)", range=[0, top * 1.15])
    fig.update_xaxes(title_text=f"Age group (pay in {year})", type="category")
    publishers = tuple(dict.fromkeys(s for s in data.filter(pl.col("series") == "animators")["source"].to_list() if s))
    return Drawn(
        layout(fig, 480, f"Creator pay gap in {year}: animators vs all workers, by age group (万円 a year)", -0.2),
        data, notes(frame, data, year), publishers,
    )
