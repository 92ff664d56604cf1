"""The marts, built by one real Prefect flow run of `pipeline` on the recorded snapshots, read from the
published warehouse opened read-only. Expected values are recomputed in Python from core tables."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from flows.pipeline import pipeline
from tests.conftest import PROJECT_ROOT
from warehouse import db

MARTS = {
    "digital_deficit_annual",
    "content_exports_vs_target",
    "support_budgets",
    "ai_investment",
    "creator_pay_gap",
    "indicator_latest",
}


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory, prefect_api: str) -> Path:
    data = tmp_path_factory.mktemp("marts-data")
    summary = pipeline(data_dir=str(data), snapshots_dir=str(PROJECT_ROOT / "snapshots"))
    assert summary.status == "succeeded"
    return data / "mieruka.duckdb"


@pytest.fixture(scope="module")
def con(warehouse: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(str(warehouse), read_only=True)
    yield connection
    connection.close()


def rows(con: duckdb.DuckDBPyConnection, sql: str, params: dict | None = None) -> list[dict]:
    result = con.sql(sql, params=params or {})
    names = result.columns
    return [dict(zip(names, row, strict=True)) for row in result.fetchall()]


def current(con: duckdb.DuckDBPyConnection, indicator_id: str, area: str = "JPN") -> dict[str, float | None]:
    """period -> current value of one indicator, straight from core.observations."""
    found = con.sql(
        "SELECT period, value FROM core.observations WHERE valid_to IS NULL AND indicator_id = $i AND area = $a",
        params={"i": indicator_id, "a": area},
    ).fetchall()
    return dict(found)


def fx_annual_means(con: duckdb.DuckDBPyConnection) -> dict[int, float]:
    """Calendar year -> mean of the 12 monthly BOJ FXERM07 averages, complete years only."""
    by_year: dict[int, list[float]] = {}
    for period, value in current(con, "fx_usdjpy_monthly_avg").items():
        if value is not None:
            by_year.setdefault(int(period[:4]), []).append(value)
    return {year: sum(v) / len(v) for year, v in by_year.items() if len(v) == 12}


def test_every_mart_exists_has_rows_and_carries_is_sample(con) -> None:
    found = con.sql("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'marts'").fetchall()
    tables = {name for (name,) in found}
    assert tables >= MARTS
    for name in sorted(MARTS):
        count = con.sql(f"SELECT count(*) FROM marts.{name}").fetchall()[0][0]
        assert count > 0, name
        assert con.sql(f"SELECT count(*) FROM marts.{name} WHERE is_sample IS NULL").fetchall()[0][0] == 0, name
    # curated figures alone are not sample; anything touching the sample BOJ or e-Stat snapshots is
    assert con.sql("SELECT bool_or(is_sample) FROM marts.content_exports_vs_target").fetchall() == [(False,)]
    for name in ("support_budgets", "ai_investment", "creator_pay_gap", "digital_deficit_annual"):
        assert con.sql(f"SELECT bool_and(is_sample) FROM marts.{name}").fetchall() == [(True,)], name


def test_every_mart_table_and_column_has_a_comment(con) -> None:
    tables = con.sql(
        "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'marts' AND coalesce(comment, '') = ''"
    ).fetchall()
    columns = con.sql(
        "SELECT table_name, column_name FROM duckdb_columns() "
        "WHERE schema_name = 'marts' AND coalesce(comment, '') = ''"
    ).fetchall()
    assert tables == [] and columns == []
    commented = {
        t for (t,) in con.sql("SELECT DISTINCT table_name FROM duckdb_columns() WHERE schema_name = 'marts'").fetchall()
    }
    assert commented >= MARTS


def test_digital_deficit_shares_add_to_100_and_usd_flows_use_monthly_fx(con) -> None:
    mart = rows(con, "SELECT * FROM marts.digital_deficit_annual WHERE year = 2024 AND definition = 'broad'")
    by_component = {r["component"]: r for r in mart}
    assert set(by_component) == {"907", "9062", "9082", "total"}
    total = by_component.pop("total")
    assert total["share_of_total_pct"] == pytest.approx(100.0)
    assert sum(r["share_of_total_pct"] for r in by_component.values()) == pytest.approx(100.0)
    for r in by_component.values():
        assert r["share_of_total_pct"] == pytest.approx(100.0 * r["balance_jpy"] / total["balance_jpy"])
        assert 0 < r["share_of_total_pct"] < 100
    fx = current(con, "fx_usdjpy_monthly_avg")
    for flow in ("credit", "debit"):
        series = current(con, f"bop_services_907_{flow}")
        expected = sum(v / fx[p] for p, v in series.items() if p.startswith("2024-"))
        assert by_component["907"][f"{flow}_usd"] == pytest.approx(expected)
        assert total[f"{flow}_usd"] == pytest.approx(sum(r[f"{flow}_usd"] for r in by_component.values()))
    assert total["credit_usd"] - total["debit_usd"] == pytest.approx(total["balance_usd"], rel=1e-6)


def test_content_exports_required_growth_matches_a_recomputation(con) -> None:
    mart = rows(con, "SELECT * FROM marts.content_exports_vs_target ORDER BY target_year, year")
    actual = current(con, "pub_content_overseas_sales_human_media")
    targets = current(con, "pub_content_overseas_sales_target_cabinet")
    assert {r["target_year"] for r in mart} == {2028, 2033}
    assert len(mart) == len(actual) * len(targets)
    latest_year = max(int(p) for p in actual)
    latest = [r for r in mart if r["is_latest"]]
    assert {r["year"] for r in latest} == {latest_year} and len(latest) == len(targets)
    for r in mart:
        assert r["overseas_sales_jpy"] == actual[str(r["year"])]
        assert r["target_jpy"] == targets[str(r["target_year"])]
        assert r["gap_jpy"] == pytest.approx(r["target_jpy"] - r["overseas_sales_jpy"])
        assert r["multiple_needed"] == pytest.approx(r["target_jpy"] / r["overseas_sales_jpy"])
    for r in latest:
        years = r["target_year"] - latest_year
        expected = ((r["target_jpy"] / r["overseas_sales_jpy"]) ** (1 / years) - 1) * 100
        assert r["required_growth_pct"] == pytest.approx(expected)
    # 5.7769 trillion yen in 2023 to 10 trillion in 2028: about 11.6 % a year
    assert next(r for r in latest if r["target_year"] == 2028)["required_growth_pct"] == pytest.approx(11.6, abs=0.05)
    assert {r["source"] for r in mart} == {"Human Media"}


def test_support_budgets_rank_and_convert_at_the_boj_annual_rate(con) -> None:
    mart = rows(con, "SELECT * FROM marts.support_budgets")
    assert {r["program"] for r in mart} == {
        "content_overseas_support_budget",
        "content_overseas_support_budget_previous",
        "content_support_budget",
        "ai_investment_budget",
    }
    content = sorted((r for r in mart if r["program"] != "ai_investment_budget"), key=lambda r: -r["amount_jpy"])
    assert [r["rank_jpy"] for r in content] == list(range(1, len(content) + 1))
    assert [r["area"] for r in content[:1]] == ["USA"]
    assert all(r["rank_jpy"] is None for r in mart if r["program"] == "ai_investment_budget")
    means = fx_annual_means(con)
    for r in mart:
        assert r["amount_usd"] == pytest.approx(r["amount_jpy"] / r["jpy_per_usd"])
        assert r["fx_year"] == int(r["period"][-4:]) and r["fx_basis"] == "boj_year"
        assert r["jpy_per_usd"] == pytest.approx(means[r["fx_year"]])
        assert r["only_source_is_article"] is True  # every budget in the curated file comes from the seed article
    japan = next(r for r in mart if r["indicator_id"] == "pub_content_support_budget_seed")
    assert japan["qualifier"] == "at_least" and japan["amount_jpy"] == 5.5e10


def test_ai_investment_is_five_even_years_summing_to_the_announced_total(con) -> None:
    mart = rows(con, "SELECT * FROM marts.ai_investment ORDER BY year")
    assert [r["year"] for r in mart] == [2026, 2027, 2028, 2029, 2030]
    assert {r["area"] for r in mart} == {"JPN"}
    assert sum(r["amount_jpy"] for r in mart) == pytest.approx(1e12)
    assert [r["cumulative_jpy"] for r in mart] == pytest.approx([2e11, 4e11, 6e11, 8e11, 1e12])
    means = fx_annual_means(con)
    latest = max(means)
    for r in mart:
        assert r["amount_jpy"] == pytest.approx(2e11)
        assert r["fx_year"] == latest and r["jpy_per_usd"] == pytest.approx(means[latest])
        assert r["amount_usd"] == pytest.approx(r["amount_jpy"] / means[latest])
        assert r["span_years"] == 5 and r["only_source_is_article"] is True
        assert r["basis"] == "announced total spread evenly; no yearly split published"


def test_creator_pay_gap_compares_animators_with_national_pay(con) -> None:
    mart = {(r["age_group"], r["year"]): r for r in rows(con, "SELECT * FROM marts.creator_pay_gap")}
    young = mart[("20-24", 2023)]
    national = (
        current(con, "wage_scheduled_monthly_all_20_24")["2023"] * 12
        + current(con, "wage_annual_bonus_all_20_24")["2023"]
    )
    arts = (
        current(con, "wage_scheduled_monthly_arts_20_24")["2023"] * 12
        + current(con, "wage_annual_bonus_arts_20_24")["2023"]
    )
    assert young["animator_annual_pay_jpy"] == 1.966e6
    assert young["national_year"] == 2023
    assert young["national_annual_pay_jpy"] == pytest.approx(national)
    assert young["arts_occupation_annual_pay_jpy"] == pytest.approx(arts)
    assert young["gap_jpy"] == pytest.approx(1.966e6 - national) and young["gap_jpy"] < 0
    assert young["gap_pct"] == pytest.approx(100 * (1.966e6 - national) / national)
    assert young["only_source_is_article"] is True
    assert "not a median" in young["national_measure"]
    older = mart[("25-29", 2023)]
    assert older["animator_annual_pay_jpy"] == 2.928e6 and "25-30" in older["note"]
    # e-Stat suppresses the arts figure for 20-24 in 2019: NULL, said in the note, no animator figure that year
    gap_2019 = mart[("20-24", 2019)]
    assert gap_2019["arts_occupation_annual_pay_jpy"] is None and "arts" in gap_2019["note"]
    assert gap_2019["animator_annual_pay_jpy"] is None and gap_2019["only_source_is_article"] is None
    assert {a for a, _ in mart} == {"20-24", "25-29", "30-34", "35-39", "40-44"}


def test_marts_fall_back_to_earlier_years_when_the_latest_is_missing(warehouse: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.duckdb"
    shutil.copyfile(warehouse, copy)
    con = db.connect(copy)
    try:
        con.execute("DELETE FROM core.observation_versions WHERE source_id = 'estat' AND period = '2023'").fetchall()
        con.execute(
            "DELETE FROM core.observation_versions WHERE indicator_id = 'fx_usdjpy_monthly_avg' AND period >= '2025-07'"
        ).fetchall()
        db.build_marts(con)
        young = rows(con, "SELECT * FROM marts.creator_pay_gap WHERE age_group = '20-24' AND year = 2023")[0]
        national_2022 = (
            current(con, "wage_scheduled_monthly_all_20_24")["2022"] * 12
            + current(con, "wage_annual_bonus_all_20_24")["2022"]
        )
        assert young["national_year"] == 2022 and "2022" in young["note"]
        assert young["national_annual_pay_jpy"] == pytest.approx(national_2022)
        budgets = {r["indicator_id"]: r for r in rows(con, "SELECT * FROM marts.support_budgets")}
        assert budgets["pub_content_support_budget_seed"]["fx_year"] == 2024
        assert budgets["pub_content_support_budget_seed"]["fx_basis"] == "boj_latest_complete_year"
        assert {r["fx_year"] for r in rows(con, "SELECT fx_year FROM marts.ai_investment")} == {2024}
        con.execute("DELETE FROM core.observation_versions WHERE indicator_id = 'fx_usdjpy_monthly_avg'").fetchall()
        db.build_marts(con)
        curated = current(con, "pub_fx_jpy_per_usd_boj")["2023"]
        for r in rows(con, "SELECT * FROM marts.support_budgets"):
            assert r["fx_basis"] == "curated_latest" and r["jpy_per_usd"] == curated
    finally:
        con.close()


def test_indicator_latest_has_one_row_per_indicator_and_area_at_the_greatest_period(con) -> None:
    mart = rows(con, "SELECT * FROM marts.indicator_latest")
    keys = [(r["indicator_id"], r["area"]) for r in mart]
    assert len(keys) == len(set(keys))
    pairs = set(con.sql("SELECT DISTINCT indicator_id, area FROM core.observations WHERE valid_to IS NULL").fetchall())
    assert set(keys) == pairs
    by_key = {(r["indicator_id"], r["area"]): r for r in mart}
    for indicator_id, area in [
        ("bop_services_907_net", "JPN"),
        ("wb_gdp_usd", "USA"),
        ("wage_annual_bonus_arts_20_24", "JPN"),
        ("pub_digital_deficit_jiji", "JPN"),
        ("oecd_ict_services_balance_usd", "KOR"),
    ]:
        series = {p: v for p, v in current(con, indicator_id, area).items() if v is not None}
        latest = max(series)
        row = by_key[(indicator_id, area)]
        assert row["latest_period"] == latest and row["value"] == series[latest], indicator_id
        assert row["periods_with_value"] == len(series)
        vintage = con.sql(
            "SELECT valid_from FROM core.observations WHERE valid_to IS NULL AND indicator_id = $i AND area = $a "
            "AND period = $p",
            params={"i": indicator_id, "a": area, "p": latest},
        ).fetchall()[0][0]
        assert row["vintage"] == vintage
    boj = by_key[("bop_services_907_net", "JPN")]
    assert boj["unit"] == "JPY" and boj["frequency"] == "monthly" and "日本銀行" in boj["credit"]
    assert by_key[("pub_digital_deficit_mic", "JPN")]["obs_status"] == "approx"
