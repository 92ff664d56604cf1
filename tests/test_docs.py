"""docs/analysts.md cannot rot: every ```sql block runs against a warehouse built by a real pipeline
run on the recorded snapshots and must return at least one row and keep `is_sample`; every ```python
block runs too (from a directory holding that run's `data/`, as the page assumes). The economist's
three questions (blocks tagged `-- question N:`) are also checked for the answer they give, recomputed
here from core tables."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from tests.conftest import PROJECT_ROOT

DOC = PROJECT_ROOT / "docs" / "analysts.md"
_BLOCK = re.compile(r"^```(sql|python)\n(.*?)^```", re.DOTALL | re.MULTILINE)


def _blocks(language: str) -> list[tuple[int, str]]:
    """(line number, text) of every fenced block of that language in the page."""
    text = DOC.read_text(encoding="utf-8")
    return [(text.count("\n", 0, m.start()) + 1, m.group(2)) for m in _BLOCK.finditer(text) if m.group(1) == language]


SQL_BLOCKS = _blocks("sql")
PYTHON_BLOCKS = _blocks("python")


@pytest.fixture(scope="module")
def built(default_run) -> Path:
    """The directory holding `data/` after one real replay run of the whole pipeline."""
    return default_run[0]


def test_the_page_has_the_worked_examples() -> None:
    assert len(SQL_BLOCKS) >= 8, f"docs/analysts.md has {len(SQL_BLOCKS)} sql blocks, at least 8 expected"
    for tag in ("1", "2", "2b", "3"):
        assert _question(tag), f"docs/analysts.md lacks the worked question {tag}"
    text = DOC.read_text(encoding="utf-8")
    for needle in (
        "duckdb -readonly data/mieruka.duckdb",
        "core.observations_as_of(DATE",
        ".pl()",
        "pl.read_parquet",
        "is_sample",
        "dictionary.md",
    ):
        assert needle in text, f"docs/analysts.md no longer mentions {needle}"


@pytest.mark.parametrize(("line", "sql"), SQL_BLOCKS, ids=[f"sql-line-{line}" for line, _ in SQL_BLOCKS])
def test_sql_block_returns_rows(built: Path, line: int, sql: str) -> None:
    con = duckdb.connect(str(built / "data" / "mieruka.duckdb"), read_only=True)
    try:
        rows = con.sql(sql).fetchall()
    except duckdb.Error as exc:
        pytest.fail(f"docs/analysts.md line {line}: the query fails: {exc}\n{sql}")
    finally:
        con.close()
    assert rows, f"docs/analysts.md line {line}: the query returns no row\n{sql}"


NO_SAMPLE = "-- no is_sample:"


@pytest.mark.parametrize(("line", "sql"), SQL_BLOCKS, ids=[f"sql-line-{line}" for line, _ in SQL_BLOCKS])
def test_sql_block_keeps_is_sample(built: Path, line: int, sql: str) -> None:
    """A value read from the page must say whether it is sample data; only a block that reads no data
    (the catalog of tables, credit lines) may go without, and it says why."""
    if sql.startswith(NO_SAMPLE):
        assert "marts." not in sql and "core.observations" not in sql, f"line {line} reads data without is_sample"
        return
    con = duckdb.connect(str(built / "data" / "mieruka.duckdb"), read_only=True)
    try:
        result = con.sql(sql)
        columns, rows = result.columns, result.fetchall()
    finally:
        con.close()
    assert "is_sample" in columns, f"docs/analysts.md line {line}: the query drops is_sample\n{sql}"
    assert any(row[columns.index("is_sample")] is not None for row in rows), f"line {line}: is_sample is all NULL"


def _question(tag: str) -> str:
    """The sql block whose first line is `-- question <tag>:`."""
    found = [sql for _, sql in SQL_BLOCKS if sql.startswith(f"-- question {tag}:")]
    return found[0] if len(found) == 1 else ""


@pytest.fixture(scope="module")
def warehouse(built: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect(str(built / "data" / "mieruka.duckdb"), read_only=True)
    yield con
    con.close()


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict]:
    result = con.sql(sql)
    return [dict(zip(result.columns, row, strict=True)) for row in result.fetchall()]


def _current(con: duckdb.DuckDBPyConnection, indicator_id: str) -> dict[str, float]:
    return dict(con.sql(
        "SELECT period, value FROM core.observations WHERE valid_to IS NULL AND area = 'JPN' AND indicator_id = $i",
        params={"i": indicator_id},
    ).fetchall())


def test_question_1_the_2024_deficit_in_usd_and_the_fastest_growing_component(warehouse) -> None:
    answer = _rows(warehouse, _question("1"))
    broad = [r for r in answer if r["definition"] == "broad"]
    assert broad[0]["component"] == "total" and len(broad) == 4
    fx = _current(warehouse, "fx_usdjpy_monthly_avg")
    growth, usd = {}, 0.0
    for component in ("907", "9062", "9082"):
        net = _current(warehouse, f"bop_services_{component}_net")
        balance = {year: sum(round(v) for p, v in net.items() if p.startswith(f"{year}-")) for year in (2023, 2024)}
        growth[component] = 100 * (balance[2024] / balance[2023] - 1)  # both are deficits in the snapshots
        usd += sum(round(v) / fx[p] for p, v in net.items() if p.startswith("2024-"))
    fastest = max(growth, key=growth.__getitem__)
    assert broad[1]["component"] == fastest, f"the fastest-growing component is {fastest}: {growth}"
    assert broad[1]["deficit_growth_pct"] == pytest.approx(growth[fastest], abs=0.05)
    assert [r["component"] for r in broad[1:]] == sorted(growth, key=growth.__getitem__, reverse=True)
    total = broad[0]
    assert total["balance_usd_bn"] == pytest.approx(usd / 1e9, abs=0.006) and total["balance_usd_bn"] < 0
    assert total["pct_of_gdp"] < 0 and all(r["component_name_en"] and r["component_name_ja"] for r in answer)
    sample = warehouse.sql(
        "SELECT bool_or(is_sample) FROM core.observations WHERE valid_to IS NULL AND "
        "(indicator_id LIKE 'bop_services_%' OR indicator_id = 'wb_gdp_usd') AND area = 'JPN'"
    ).fetchall()[0][0]
    assert {r["is_sample"] for r in answer} == {sample}


def test_question_2_claims_against_the_statistic_known_on_the_article_date(warehouse) -> None:
    answer = _rows(warehouse, _question("2"))
    assert answer
    for r in answer:
        end_of_day = datetime.combine(r["article_published_at"], datetime.min.time()) + timedelta(days=1)
        assert r["known_later"] == (r["official_valid_from"] >= end_of_day), r
        assert r["verdict"] and r["reason"]
        if r["known_later"]:
            continue
        if r["indicator_id"] == "marts.digital_deficit_annual:broad":  # computed by the mart from BOJ months
            known = [v for (v,) in warehouse.sql(
                "SELECT balance_jpy FROM marts.digital_deficit_annual "
                "WHERE definition = 'broad' AND component = 'total' AND CAST(year AS VARCHAR) = $p",
                params={"p": r["period"]},
            ).fetchall()]
        else:
            known = [v for (v,) in warehouse.sql(
                "SELECT value FROM core.observations_as_of($d) WHERE indicator_id = $i AND value IS NOT NULL",
                params={"d": r["article_published_at"], "i": r["indicator_id"]},
            ).fetchall()]
        # the official value is one the series had on that day (as a magnitude when the claim is one)
        assert any(r["official_value"] == pytest.approx(sign * v) for v in known for sign in (1, -1)), r


def test_question_2b_values_known_then_follow_the_bitemporal_rule(warehouse) -> None:
    answer = _rows(warehouse, _question("2b"))
    day = warehouse.sql(
        "SELECT published_at FROM core.articles WHERE url LIKE '%takaichi-ai-anime-fr%'"
    ).fetchall()[0][0]
    end_of_day = datetime.combine(day, datetime.min.time()) + timedelta(days=1)
    expected = {
        (i, p): v / 1e12
        for i, p, v, valid_from, valid_to in warehouse.sql(
            "SELECT indicator_id, period, value, valid_from, valid_to FROM core.observations "
            "WHERE indicator_id LIKE 'pub_digital_deficit_%'"
        ).fetchall()
        if valid_from < end_of_day and (valid_to is None or valid_to >= end_of_day)
    }
    shown = {(r["indicator_id"], r["period"]): r["known_then_trillion_yen"] for r in answer}
    assert len(shown) == len(answer) and set(shown) == set(expected)
    assert all(shown[key] == pytest.approx(value, abs=0.0006) for key, value in expected.items())
    assert all(r["known_since"] <= day for r in answer)
    current = {(r["indicator_id"], r["period"]): r["current_trillion_yen"] for r in answer}
    for (indicator_id, period), value in current.items():
        now = warehouse.sql(
            "SELECT value FROM core.observations WHERE valid_to IS NULL AND indicator_id = $i AND period = $p",
            params={"i": indicator_id, "p": period},
        ).fetchall()[0][0]
        assert value == pytest.approx(now / 1e12, abs=0.0006)


def test_question_3_the_gap_to_the_20_trillion_yen_target(warehouse) -> None:
    answer = _rows(warehouse, _question("3"))
    assert len(answer) == 1
    row = answer[0]
    actual = {int(p): v for p, v in _current(warehouse, "pub_content_overseas_sales_human_media").items()}
    latest, first = max(actual), min(actual)
    years = row["target_year"] - latest
    assert row["latest_year"] == latest and row["target_trillion_yen"] == 20.0
    assert row["gap_trillion_yen"] == pytest.approx((20e12 - actual[latest]) / 1e12, abs=0.006)
    assert row["multiple_needed"] == pytest.approx(20e12 / actual[latest], abs=0.006)
    needed = 100 * ((20e12 / actual[latest]) ** (1 / years) - 1)
    assert row["growth_needed_pct_per_year"] == pytest.approx(needed, abs=0.06)
    achieved = 100 * ((actual[latest] / actual[first]) ** (1 / (latest - first)) - 1)
    assert row["growth_achieved_pct_per_year"] == pytest.approx(achieved, abs=0.06)
    assert row["cagr_base_year"] == first and row["is_sample"] is False


@pytest.mark.parametrize(("line", "code"), PYTHON_BLOCKS, ids=[f"python-line-{line}" for line, _ in PYTHON_BLOCKS])
def test_python_block_runs(built: Path, line: int, code: str, capsys: pytest.CaptureFixture[str]) -> None:
    previous = Path.cwd()
    os.chdir(built)
    try:
        exec(compile(code, f"docs/analysts.md:{line}", "exec"), {"__name__": "docs_example"})
    finally:
        os.chdir(previous)
    assert capsys.readouterr().out.strip(), f"docs/analysts.md line {line}: the example prints nothing"
