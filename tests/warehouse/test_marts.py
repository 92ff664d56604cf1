"""The marts, built by one real Prefect flow run of `pipeline` on the recorded snapshots, read from the
published warehouse opened read-only. Expected values are recomputed in Python from core tables."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from tests.conftest import PROJECT_ROOT
from warehouse import db

MARTS = {
    "digital_deficit_annual",
    "digital_balance_by_country",
    "content_exports_vs_target",
    "support_budgets",
    "ai_investment",
    "creator_pay_gap",
    "indicator_latest",
    "observation_revisions",
    "published_vs_computed",
    "claims_check",
}


@pytest.fixture(scope="module")
def warehouse(default_run) -> Path:
    root, summary = default_run
    assert summary.status == "succeeded"
    return root / "data" / "mieruka.duckdb"


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
    for name in ("support_budgets", "ai_investment", "creator_pay_gap", "digital_deficit_annual",
                 "digital_balance_by_country"):
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
    # e-Stat suppresses the arts figure for 20-24 in 2020: NULL, said in the note, no animator figure that year
    gap_2020 = mart[("20-24", 2020)]
    assert gap_2020["arts_occupation_annual_pay_jpy"] is None and "arts" in gap_2020["note"]
    assert gap_2020["animator_annual_pay_jpy"] is None and gap_2020["only_source_is_article"] is None
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


# Each mart's key (unique) and the ORDER BY its rows are published in: a fixed order is part of being
# byte-stable. A new mart must be listed here.
#: The key of every mart, in table column order: the grain its file declares, by which it is published.
MART_ORDER = {
    "digital_deficit_annual": ("year", "definition", "component"),
    "digital_balance_by_country": ("year", "area", "definition"),
    "content_exports_vs_target": ("year", "target_year"),
    "support_budgets": ("indicator_id", "area", "period"),
    "ai_investment": ("indicator_id", "area", "year", "announced_period"),
    "creator_pay_gap": ("age_group", "year"),
    "indicator_latest": ("indicator_id", "area"),
    "observation_revisions": ("indicator_id", "area", "period"),
    "published_vs_computed": ("period", "indicator_id"),
    "claims_check": ("article_id", "figure_index"),
    "eu_japan_digital_mirror": ("year", "item"),
}


def test_every_published_mart_has_a_unique_key_and_is_written_in_key_order(con, warehouse: Path) -> None:
    found = {n for (n,) in con.sql("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'marts'").fetchall()}
    assert found == set(MART_ORDER), "declare the key and order of every mart in MART_ORDER"
    for name, key in MART_ORDER.items():
        order = ", ".join(key)
        path = (warehouse.parent / "published" / f"{name}.parquet").as_posix()
        keys = ", ".join(key)
        duplicates = con.sql(
            f"SELECT {keys}, count(*) FROM read_parquet('{path}') GROUP BY ALL HAVING count(*) > 1"
        ).fetchall()
        assert duplicates == [], f"{name}: key ({keys}) is not unique: {duplicates[:3]}"
        as_published = con.sql(f"SELECT * FROM read_parquet('{path}')").fetchall()
        ordered = con.sql(f"SELECT * FROM read_parquet('{path}') ORDER BY {order}").fetchall()
        assert as_published == ordered, f"{name}: rows are not published in the order {order}"


def test_rebuilding_the_marts_with_any_number_of_threads_gives_identical_rows(warehouse: Path, tmp_path: Path) -> None:
    """A parallel SUM or AVG of DOUBLE adds in a thread-dependent order: 1 to 16 threads gave 5 different
    digital-deficit results before the marts summed exact DECIMALs."""
    copy = tmp_path / "copy.duckdb"
    shutil.copyfile(warehouse, copy)
    connection = db.connect(copy)
    results: dict[str, set[str]] = {}
    try:
        for threads in (1, 2, 3, 4, 8, 16):
            connection.execute(f"SET threads = {threads}").fetchall()
            db.build_marts(connection)
            for name in MART_ORDER:
                dump = repr(connection.sql(f"SELECT * FROM marts.{name}").fetchall())
                results.setdefault(name, set()).add(dump)
    finally:
        connection.close()
    assert {name: len(dumps) for name, dumps in results.items()} == {name: 1 for name in MART_ORDER}


def test_marts_hold_no_run_time_value(con) -> None:
    """No load or run id and no column of a run-time type leaks into a mart row (published files are
    byte-stable: run-time facts live in manifest.json only)."""
    run_ids = {r for (r,) in con.sql("SELECT run_id FROM ops.runs").fetchall()}
    assert run_ids
    for name in MART_ORDER:
        columns = [c for (c,) in con.sql(
            "SELECT column_name FROM duckdb_columns() WHERE schema_name = 'marts' AND table_name = $t",
            params={"t": name},
        ).fetchall()]
        assert not {"load_id", "run_id", "fetched_at", "generated_at"} & set(columns), name
        text_columns = [c for (c,) in con.sql(
            "SELECT column_name FROM duckdb_columns() WHERE schema_name = 'marts' AND table_name = $t "
            "AND data_type = 'VARCHAR'", params={"t": name},
        ).fetchall()]
        for column in text_columns:
            leaked = con.sql(
                f'SELECT count(*) FROM marts.{name} WHERE "{column}" IN (SELECT run_id FROM ops.runs)'
            ).fetchall()[0][0]
            assert leaked == 0, f"{name}.{column} holds a run id"


def test_digital_deficit_sums_are_exact_yen_and_cents(con) -> None:
    """balance_jpy is the exact sum of the months in whole yen; USD is each month in whole cents, summed."""
    mart = {
        (r["definition"], r["component"], r["year"]): r
        for r in rows(con, "SELECT * FROM marts.digital_deficit_annual")
    }
    fx = current(con, "fx_usdjpy_monthly_avg")
    for component in ("907", "9062", "9082", "9072"):
        for flow, column in (("credit", "credit"), ("debit", "debit"), ("net", "balance")):
            months = current(con, f"bop_services_{component}_{flow}")
            for year in (2014, 2024):
                values = {p: v for p, v in months.items() if p.startswith(f"{year}-")}
                assert len(values) == 12
                definition = "narrow" if component == "9072" else "broad"
                row = mart[(definition, component, year)]
                assert row[f"{column}_jpy"] == sum(round(v) for v in values.values())  # exact, not approx
                usd = sum(round(round(v) / fx[p], 2) for p, v in values.items())
                assert row[f"{column}_usd"] == pytest.approx(usd, abs=0.01 * 12)
    for definition in ("broad", "narrow"):
        parts = [r for (d, c, y), r in mart.items() if d == definition and y == 2024 and c != "total"]
        total = mart[(definition, "total", 2024)]
        assert total["balance_jpy"] == sum(r["balance_jpy"] for r in parts)
        assert total["balance_usd"] == pytest.approx(sum(r["balance_usd"] for r in parts), abs=1e-6)


def test_digital_deficit_names_come_from_the_boj_metadata(con) -> None:
    import polars as pl

    metadata = pl.read_parquet(PROJECT_ROOT / "catalog" / "reference" / "BP01.parquet")
    names = {
        code.removeprefix("BPBP6JYNSN"): (name_en.split("/")[-2], name_ja.split("/")[-2])
        for code, name_en, name_ja in metadata.filter(pl.col("series_code").str.starts_with("BPBP6JYNSN"))
        .select("series_code", "name_en", "name_j")
        .iter_rows()
    }
    mart = rows(con, "SELECT DISTINCT definition, component, component_name_en, component_name_ja "
                     "FROM marts.digital_deficit_annual")
    assert {r["component"] for r in mart} == {"907", "9072", "9062", "9082", "total"}
    for r in mart:
        if r["component"] == "total":
            items = "907 + 9062 + 9082" if r["definition"] == "broad" else "9072 + 9062 + 9082"
            assert r["component_name_en"] == f"Digital deficit, {r['definition']} definition (BOJ items {items})"
            words = "広義" if r["definition"] == "broad" else "狭義"
            assert r["component_name_ja"].startswith(f"デジタル赤字（{words}")
        else:
            assert (r["component_name_en"], r["component_name_ja"]) == names[r["component"]], r["component"]
    assert names["9062"] == ("Charges for the use of copyrights n.i.e.", "著作権等使用料")


def test_digital_deficit_growth_and_gdp_columns_match_their_definitions(con) -> None:
    mart = rows(con, "SELECT * FROM marts.digital_deficit_annual ORDER BY definition, component, year")
    by_key = {(r["definition"], r["component"], r["year"]): r for r in mart}
    gdp_usd = {int(p): v for p, v in current(con, "wb_gdp_usd").items()}
    wb_rate = {int(p): v for p, v in current(con, "wb_fx_lcu_per_usd").items()}
    checked = {"yoy": 0, "cagr": 0, "gdp": 0}
    for (definition, component, year), r in by_key.items():
        base = min(y for d, c, y in by_key if (d, c) == (definition, component))
        assert r["cagr_base_year"] == base == 2014
        previous = by_key.get((definition, component, year - 1))
        if previous is None:
            assert r["credit_yoy_pct"] is None and r["debit_yoy_pct"] is None and r["balance_yoy_pct"] is None
        else:
            assert r["credit_yoy_pct"] == pytest.approx(100 * (r["credit_jpy"] / previous["credit_jpy"] - 1))
            assert r["debit_yoy_pct"] == pytest.approx(100 * (r["debit_jpy"] / previous["debit_jpy"] - 1))
            assert r["balance_yoy_pct"] == pytest.approx(
                100 * (r["balance_jpy"] - previous["balance_jpy"]) / abs(previous["balance_jpy"]), abs=0.005
            )
            if r["balance_jpy"] < 0 and previous["balance_jpy"] < 0:
                assert r["deficit_yoy_pct"] == pytest.approx(100 * (r["balance_jpy"] / previous["balance_jpy"] - 1))
                # the same change, two sign conventions: a growing deficit is a negative balance change
                assert (r["deficit_yoy_pct"] > 0) == (r["balance_yoy_pct"] < 0) or r["balance_yoy_pct"] == 0
            else:
                assert r["deficit_yoy_pct"] is None
            checked["yoy"] += 1
        first = by_key[(definition, component, base)]
        if year == base:
            assert r["debit_cagr_pct"] is None and r["deficit_cagr_pct"] is None
        else:
            span = year - base
            assert r["debit_cagr_pct"] == pytest.approx(100 * ((r["debit_jpy"] / first["debit_jpy"]) ** (1 / span) - 1))
            assert r["credit_cagr_pct"] == pytest.approx(
                100 * ((r["credit_jpy"] / first["credit_jpy"]) ** (1 / span) - 1)
            )
            if r["balance_jpy"] < 0 and first["balance_jpy"] < 0:
                assert r["deficit_cagr_pct"] == pytest.approx(
                    100 * ((r["balance_jpy"] / first["balance_jpy"]) ** (1 / span) - 1)
                )
            checked["cagr"] += 1
        if year in gdp_usd:
            assert r["balance_pct_gdp"] == pytest.approx(100 * r["balance_jpy"] / (gdp_usd[year] * wb_rate[year]))
            checked["gdp"] += 1
        else:
            assert r["balance_pct_gdp"] is None
    assert checked["yoy"] > 0 and checked["cagr"] > 0 and checked["gdp"] > 0
    # the sample is calibrated to the real 2024 broad deficit: about 1.1 % of GDP
    assert by_key[("broad", "total", 2024)]["balance_pct_gdp"] == pytest.approx(-1.09, abs=0.05)


def test_digital_balance_by_country_compares_the_same_definitions(con) -> None:
    mart = rows(con, "SELECT * FROM marts.digital_balance_by_country")
    by_key = {(r["definition"], r["area"], r["year"]): r for r in mart}
    assert {r["area"] for r in mart} == {"JPN", "KOR", "CHN", "USA"}
    assert {d for d, a, _ in by_key if a != "JPN"} == {"oecd_si", "oecd_sh", "oecd_si_sh"}
    assert {d for d, a, _ in by_key if a == "JPN"} == {"oecd_si", "oecd_sh", "oecd_si_sh", "boj_broad", "boj_narrow"}
    codes = dict(con.sql("SELECT code, name_en FROM core.codes WHERE codelist_id = 'CL_AREA'").fetchall())
    items = dict(con.sql("SELECT code, name_en FROM core.codes WHERE codelist_id = 'CL_BOP6_SERVICES'").fetchall())
    deficit = {
        (r["definition"], r["year"]): r
        for r in rows(con, "SELECT * FROM marts.digital_deficit_annual WHERE component = 'total'")
    }
    for area in ("JPN", "KOR", "CHN", "USA"):
        si = current(con, "oecd_ict_services_balance_usd", area)
        sh = current(con, "oecd_ip_charges_balance_usd", area)
        gdp = current(con, "wb_gdp_usd", area)
        for period in si:
            year = int(period)
            row_si, row_sh = by_key[("oecd_si", area, year)], by_key[("oecd_sh", area, year)]
            both = by_key[("oecd_si_sh", area, year)]
            assert row_si["balance_usd"] == si[period] and row_sh["balance_usd"] == sh[period]
            assert both["balance_usd"] == pytest.approx(si[period] + sh[period])
            for r in (row_si, row_sh, both):
                assert r["area_name_en"] == codes[area] and r["source_id"] == "oecd"
                assert r["gdp_usd"] == gdp.get(period)
                if period in gdp:
                    assert r["balance_pct_gdp"] == pytest.approx(100 * r["balance_usd"] / gdp[period])
            assert row_si["definition_name_en"] == f"OECD SI: {items['SI']}"
            assert "patents" in both["definition_note"] and both["items"] == "SI+SH"
    for (definition, _area, year), r in by_key.items():
        if definition.startswith("boj_"):
            source = deficit[(definition.removeprefix("boj_"), year)]
            assert r["balance_usd"] == source["balance_usd"]
            assert r["definition_name_en"] == source["component_name_en"]
            if source["balance_pct_gdp"] is None:
                assert r["balance_pct_gdp"] is None
            else:
                assert r["balance_pct_gdp"] == pytest.approx(source["balance_pct_gdp"])
        assert r["definition_note"]
    # Japan runs a digital deficit on the BOJ definition and on SI, the US a surplus on SI
    assert by_key[("boj_broad", "JPN", 2024)]["balance_usd"] < 0
    assert by_key[("oecd_si", "JPN", 2024)]["balance_usd"] < 0 < by_key[("oecd_si", "USA", 2024)]["balance_usd"]


def _name_columns(id_column: str) -> tuple[str, str]:
    prefix = id_column.removesuffix("indicator_id")
    return f"{prefix}indicator_name_en", f"{prefix}indicator_name_ja"


def test_every_indicator_id_in_a_mart_has_its_names_beside_it(con) -> None:
    found = con.sql("SELECT indicator_id, name_en, name_ja FROM core.indicators").fetchall()
    names = {i: (en, ja) for i, en, ja in found}
    checked = 0
    for name in MART_ORDER:
        columns = [c for (c,) in con.sql(
            "SELECT column_name FROM duckdb_columns() WHERE schema_name = 'marts' AND table_name = $t",
            params={"t": name},
        ).fetchall()]
        for id_column in (c for c in columns if c.endswith("indicator_id")):
            en, ja = ("name_en", "name_ja") if name == "indicator_latest" else _name_columns(id_column)
            assert en in columns and ja in columns, f"{name}.{id_column} has no {en}/{ja} beside it"
            for ident, name_en, name_ja in con.sql(f"SELECT {id_column}, {en}, {ja} FROM marts.{name}").fetchall():
                if ident in names:
                    assert (name_en, name_ja) == names[ident], f"{name}.{id_column} = {ident}"
                    checked += 1
                elif ident is None:
                    assert name_en is None and name_ja is None
                else:  # the claims check's BOJ computed series
                    assert ident == "marts.digital_deficit_annual:broad" and name_en.startswith("Digital deficit")
    assert checked > 0


def test_content_exports_growth_achieved_beside_growth_needed(con) -> None:
    mart = rows(con, "SELECT * FROM marts.content_exports_vs_target")
    actual = {int(p): v for p, v in current(con, "pub_content_overseas_sales_human_media").items()}
    base = min(actual)
    for r in mart:
        assert r["cagr_base_year"] == base
        if r["year"] == base:
            assert r["sales_cagr_pct"] is None
        else:
            expected = 100 * ((actual[r["year"]] / actual[base]) ** (1 / (r["year"] - base)) - 1)
            assert r["sales_cagr_pct"] == pytest.approx(expected)
        previous = actual.get(r["year"] - 1)
        if previous is None:
            assert r["sales_yoy_pct"] is None
        else:
            assert r["sales_yoy_pct"] == pytest.approx(100 * (actual[r["year"]] / previous - 1))


def test_observation_revisions_has_one_row_per_key_and_marks_exactly_the_revised_ones(con) -> None:
    keys = con.sql(
        "SELECT count(*) FROM (SELECT DISTINCT indicator_id, area, period FROM core.observations)"
    ).fetchall()
    revised_keys = con.sql(
        "SELECT count(*) FROM (SELECT DISTINCT indicator_id, area, period FROM ops.revisions)"
    ).fetchall()
    mart = con.sql(
        "SELECT count(*), count(*) FILTER (WHERE revised), count(*) FILTER (WHERE vintage_count <> 1), "
        "count(*) FILTER (WHERE first_value IS DISTINCT FROM latest_value) FROM marts.observation_revisions"
    ).fetchall()[0]
    # the replayed BOJ release history revises 2024 (9082 debit) and 2025 (9062 credit), with their nets
    assert revised_keys == [(48,)]
    assert mart == (keys[0][0], 48, 48, 48)


def _mart_dumps(connection: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return {name: repr(connection.sql(f"SELECT * FROM marts.{name} ORDER BY ALL").fetchall()) for name in MART_ORDER}


def test_every_mart_declares_each_input_its_rows_depend_on(warehouse: Path, tmp_path: Path) -> None:
    """Change one input at a time (a source's values, the indicators' names) and rebuild every mart:
    each mart whose rows change must declare that input, so a run that skips it is never wrong."""
    copy = tmp_path / "inputs.duckdb"
    shutil.copyfile(warehouse, copy)
    connection = db.connect(copy)
    try:
        base = _mart_dumps(connection)
        declared = {}
        for path in sorted(db.MARTS_DIR.glob("*.sql")):
            mart = next(m for m in MART_ORDER if f"marts.{m}" in path.read_text() and path.stem.endswith(m))
            declared[mart] = db.mart_inputs(path)
        sources = [s for (s,) in connection.sql("SELECT DISTINCT source_id FROM core.observation_versions").fetchall()]
        changes = {s: f"UPDATE core.observation_versions SET value = value * 1.5 + 7 WHERE source_id = '{s}'"
                   for s in sources}
        changes["indicators"] = "UPDATE core.indicators SET name_en = name_en || ' (renamed)'"
        checked = 0
        for changed, statement in changes.items():
            connection.execute("BEGIN TRANSACTION").fetchall()
            connection.execute(statement).fetchall()
            db.build_marts(connection)
            after = _mart_dumps(connection)
            connection.execute("ROLLBACK").fetchall()
            for mart, dump in after.items():
                if dump != base[mart]:
                    checked += 1
                    inputs = declared[mart]
                    assert inputs is not None and (changed in inputs or "*" in inputs), (
                        f"marts.{mart} changes with {changed} but its -- inputs: line does not name it")
        assert checked >= len(MART_ORDER)  # every mart reacted to some change: the check had teeth
        # and an unchanged warehouse rebuilds nothing: every declared input is unchanged
        assert db.build_marts(connection, set()) == []
        assert set(db.build_marts(connection, {"eurostat"})) == {"eu_japan_digital_mirror", "indicator_latest",
                                                                  "observation_revisions", "claims_check"}
    finally:
        connection.close()
