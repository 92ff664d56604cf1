"""Each chart draws exactly the rows of its CSV, and the defects of issue #12 stay fixed.

The contract checked first, for every chart: each trace names in `meta` the rows it draws (column ->
value) and the columns of its x and y; the test selects those rows itself (a plain loop, not the code
under test) and compares them with the points, and every row of the CSV must be drawn by some trace.
"""

from __future__ import annotations

import math

import plotly.graph_objects as go
import polars as pl
import pytest

from dashboard.charts import CHARTS
from dashboard.charts.base import Drawn, csv_bytes
from tests.dashboard import marts

SPECS = {spec.chart_id: spec for spec in CHARTS}


def drawn(chart_id: str, data: dict[str, pl.DataFrame] | None = None) -> Drawn:
    result = SPECS[chart_id].build(data or marts.all_marts())
    assert result is not None
    return result


def _same(point: object, value: object, scale: float | None) -> bool:
    if scale is None:
        return point == value
    return value is not None and math.isclose(point, value / scale, rel_tol=1e-12)  # type: ignore[operator]


def rows_drawn_by(fig: go.Figure, data: pl.DataFrame) -> set[int]:
    """Check every trace against the rows its meta names; return the indices of the rows drawn."""
    table = list(data.iter_rows(named=True))
    covered: set[int] = set()
    for tr in fig.data:
        meta = tr.meta
        picked = [i for i, row in enumerate(table) if all(row[k] == v for k, v in meta["rows"].items())]
        xs, ys = list(tr.x), list(tr.y)
        assert len(xs) == len(ys) == len(picked), (tr.name, meta)
        for i, x, y in zip(picked, xs, ys, strict=True):
            assert _same(x, table[i][meta["x"]], meta["x_scale"]), (tr.name, x, table[i])
            assert _same(y, table[i][meta["y"]], meta["y_scale"]), (tr.name, y, table[i])
        covered |= set(picked)
    return covered


@pytest.mark.parametrize("chart_id", sorted(SPECS))
def test_every_chart_draws_exactly_the_rows_of_its_csv(chart_id: str) -> None:
    result = drawn(chart_id)
    assert result.data.height > 0
    assert rows_drawn_by(result.figure, result.data) == set(range(result.data.height))
    assert csv_bytes(result.data) == csv_bytes(drawn(chart_id).data)  # same marts, same bytes
    assert "is_sample" in result.data.columns


def test_content_bars_are_narrower_than_a_year_and_the_two_paths_differ() -> None:
    fig = drawn("content-exports").figure
    bars = [t for t in fig.data if t.type == "bar"]
    assert bars and all(t.width is not None and t.width < 1 for t in bars)
    paths = [t for t in fig.data if t.type == "scatter" and t.meta["rows"].get("series") == "path"]
    assert len(paths) == 2
    assert len({(p.line.color, p.line.dash) for p in paths}) == 2  # told apart by colour and dash
    targets = [t for t in fig.data if t.meta["rows"].get("series") == "target"]
    assert [t.text[0] for t in targets] == ["2028 target: 10.00 兆円", "2033 target: 20.00 兆円"]
    assert all(t.textposition != "top center" for t in targets)  # not above the marker, where the path runs
    x_range = fig.layout.xaxis.range
    assert x_range[1] >= 2033 + 3  # room for the 2033 label on the right


def test_content_path_grows_at_the_marts_required_growth() -> None:
    data = drawn("content-exports").data
    path = data.filter((pl.col("series") == "path") & (pl.col("target_year") == 2033)).sort("year")
    assert path["year"].to_list() == list(range(2023, 2034))
    assert math.isclose(path["value_jpy"][-1], 20 * marts.T, rel_tol=1e-9)  # reaches the target in 2033


def test_pay_chart_says_its_year_and_notes_only_the_rows_drawn() -> None:
    result = drawn("pay-gap")
    assert "in 2023" in result.figure.layout.title.text
    assert set(result.data["year"].to_list()) == {2023}
    assert any("25-30" in n for n in result.notes)  # the 25-29 row drawn has this caveat
    assert not any("no arts-occupation pay" in n for n in result.notes)  # a 2020 note: that row is not drawn
    animators = result.data.filter(pl.col("series") == "animators")
    assert sorted(animators["age_group"].to_list()) == ["20-24", "25-29"]


def test_a_multi_year_ai_total_is_not_ranked_beside_one_year_budgets() -> None:
    data = drawn("support-budgets").data
    single = data.filter(pl.col("group").str.starts_with("Content support"))
    ai = data.filter(pl.col("program") == "ai_investment_budget")
    assert "ai_investment_budget" not in single["program"].to_list()
    assert ai.height == 1 and ai["group"][0] != single["group"][0]
    assert ai["amount_jpy"][0] == pytest.approx(1e12 / 5)  # per year, not the five-year total
    assert ai["period"][0] == "FY2026–FY2030"


def test_without_the_yearly_path_the_ai_total_still_stands_apart() -> None:
    data = {**marts.all_marts()}
    del data["ai_investment"]
    result = drawn("support-budgets", data).data
    ai = result.filter(pl.col("program") == "ai_investment_budget")
    assert ai.height == 1 and "total" in ai["group"][0] and ai["amount_jpy"][0] == 1e12


def test_revisions_draw_first_published_beside_latest_for_revised_series_only() -> None:
    result = drawn("revisions")
    assert set(result.data["indicator_id"].to_list()) == {"bop_a_credit"}  # bop_b_net was never revised
    assert result.data["period"].to_list() == ["2025-02", "2025-03"]  # the span of the revised periods
    names = sorted(t.name for t in result.figure.data)
    assert names == ["First published", "Latest"]


def test_the_mirror_marks_provisional_eurostat_years_and_draws_both_sides() -> None:
    result = drawn("eu-japan-mirror")
    assert result.data.filter(pl.col("eu_provisional"))["year"].unique().to_list() == [2024]
    ys = {t.meta["y"] for t in result.figure.data}
    assert ys == {"japan_credit_jpy", "eu_debit_jpy", "japan_debit_jpy", "eu_credit_jpy", "credit_gap_pct",
                  "debit_gap_pct"}
    provisional = [t for t in result.figure.data if t.meta["rows"].get("eu_provisional") is True]
    assert provisional and all(t.marker.pattern.shape == "/" for t in provisional)
    assert any("provisional" in n and "2024" in n for n in result.notes)


def test_countries_compare_one_definition_for_all_four_economies() -> None:
    data = drawn("countries").data
    assert data["definition"].unique().to_list() == ["oecd_si_sh"]
    assert data["area"].unique(maintain_order=True).to_list() == ["JPN", "KOR", "CHN", "USA"]


def test_a_chart_of_nothing_is_none() -> None:
    empty = {name: frame.head(0) for name, frame in marts.all_marts().items()}
    for spec in CHARTS:
        assert spec.build(empty) is None, spec.chart_id
