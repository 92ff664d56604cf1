"""Hostile article text is stored verbatim; `mieruka status` flags stale and failing sources."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from catalog.loader import CATALOG_DIR
from flows.pipeline import pipeline
from flows.status import print_status
from tests.support.loopback import LoopbackServer, Reply
from warehouse import db

HOSTILE = (
    "Le « déficit » de l'O'Brien Group: 550 億円.\n"
    "'; DROP TABLE core.articles; -- \"quoted\" $param ? %s {0}\n"
    "nul\x00byte here\n"
    + "x" * 1_000_000
    + "\nfin.\n"
)


def test_quotes_sql_nul_bytes_and_a_1_mb_line_are_stored_verbatim(
    tmp_path: Path, loopback: LoopbackServer, prefect_api: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalog = tmp_path / "catalog"
    shutil.copytree(CATALOG_DIR, catalog, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    with (catalog / "sources.yaml").open("a") as fh:
        fh.write(f"  hostile:\n    name: Hostile page\n    kind: article_url\n    url: {loopback.url('/h.txt')}\n"
                 "    language: fr\n    cadence_hours: 0\n    credit: \"\"\n"
                 "    max_text_chars: 2000000\n")  # above the 1 MB line: the default cap would cut it
    monkeypatch.setenv("MIERUKA_CATALOG_DIR", str(catalog))
    loopback.script("/h.txt", Reply(200, HOSTILE.encode(), {"Content-Type": "text/plain; charset=utf-8"}))
    pipeline(mode="live", sources=["hostile"], data_dir=str(tmp_path / "data"))
    con = duckdb.connect(str(tmp_path / "data" / "mieruka.duckdb"), read_only=True)
    try:
        (text,) = con.sql("SELECT text FROM core.articles WHERE source_id = 'hostile'").fetchall()[0]
        tables = con.sql("SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'core'").fetchall()[0][0]
        figures = con.sql("SELECT surface FROM core.figures").fetchall()
    finally:
        con.close()
    assert text == HOSTILE.strip()  # verbatim but for the outer whitespace (the raw archive keeps the bytes)
    assert tables >= 5  # nothing was dropped
    assert figures == [("550 億円",)]


def _warehouse_with_health(path: Path, rows: list[tuple]) -> None:
    con = db.connect(path)
    db.migrate(con)
    for row in rows:
        con.execute(
            "INSERT INTO ops.source_health (source_id, last_success, last_error_at, last_error, consecutive_failures) "
            "VALUES (?, ?, ?, ?, ?)",
            list(row),
        ).fetchall()
    con.close()


def test_status_is_healthy_when_every_source_is_fresh(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    now = datetime.utcnow()
    _warehouse_with_health(tmp_path / "mieruka.duckdb", [("boj", now - timedelta(hours=2), None, None, 0)])
    assert print_status(tmp_path) == 0
    assert "boj" in capsys.readouterr().out


def test_status_exits_non_zero_for_a_source_older_than_its_cadence(tmp_path: Path, capsys) -> None:
    now = datetime.utcnow()
    _warehouse_with_health(tmp_path / "mieruka.duckdb", [
        ("boj", now - timedelta(hours=72), None, None, 0),  # BOJ's cadence is 48 h
        ("worldbank", now - timedelta(hours=72), None, None, 0),  # 720 h: fine
    ])
    assert print_status(tmp_path) == 1
    out = capsys.readouterr().out
    boj = next(line for line in out.splitlines() if line.startswith("boj"))
    wb = next(line for line in out.splitlines() if line.startswith("worldbank"))
    assert "STALE" in boj and "3.0 d ago" in boj and " ok " in wb


def test_status_shows_the_last_error_of_a_failing_source(tmp_path: Path, capsys) -> None:
    now = datetime.utcnow()
    _warehouse_with_health(tmp_path / "mieruka.duckdb", [
        ("oecd", now - timedelta(hours=1), now, "oecd: GET https://x failed: HTTP 503 after 5 attempts", 2),
    ])
    assert print_status(tmp_path) == 1
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if x.startswith("oecd"))
    assert "FAILING" in line and " 2 " in line and "cause below" in line
    causes = out[out.index(line) + len(line):]
    assert "oecd" in causes and "HTTP 503 after 5 attempts" in causes  # in full, below the table
