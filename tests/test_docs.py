"""docs/analysts.md cannot rot: every ```sql block runs against a warehouse built by a real pipeline
run on the recorded snapshots and must return at least one row; every ```python block runs too
(from a directory holding that run's `data/`, as the page assumes)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import duckdb
import pytest

from tests.conftest import PROJECT_ROOT, SNAPSHOTS

DOC = PROJECT_ROOT / "docs" / "analysts.md"
_BLOCK = re.compile(r"^```(sql|python)\n(.*?)^```", re.DOTALL | re.MULTILINE)


def _blocks(language: str) -> list[tuple[int, str]]:
    """(line number, text) of every fenced block of that language in the page."""
    text = DOC.read_text(encoding="utf-8")
    return [(text.count("\n", 0, m.start()) + 1, m.group(2)) for m in _BLOCK.finditer(text) if m.group(1) == language]


SQL_BLOCKS = _blocks("sql")
PYTHON_BLOCKS = _blocks("python")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, prefect_api: str) -> Path:
    """The directory holding `data/` after one real replay run of the whole pipeline."""
    from flows.pipeline import pipeline

    root = tmp_path_factory.mktemp("docs")
    pipeline(data_dir=str(root / "data"), snapshots_dir=str(SNAPSHOTS))
    return root


def test_the_page_has_the_worked_examples() -> None:
    assert len(SQL_BLOCKS) >= 8, f"docs/analysts.md has {len(SQL_BLOCKS)} sql blocks, at least 8 expected"
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


@pytest.mark.parametrize(("line", "code"), PYTHON_BLOCKS, ids=[f"python-line-{line}" for line, _ in PYTHON_BLOCKS])
def test_python_block_runs(built: Path, line: int, code: str, capsys: pytest.CaptureFixture[str]) -> None:
    previous = Path.cwd()
    os.chdir(built)
    try:
        exec(compile(code, f"docs/analysts.md:{line}", "exec"), {"__name__": "docs_example"})
    finally:
        os.chdir(previous)
    assert capsys.readouterr().out.strip(), f"docs/analysts.md line {line}: the example prints nothing"
