"""The e-Stat application id never reaches a stored URL, snapshot, log, artifact, file or error."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import duckdb
import httpx
import polars as pl

from catalog import load_catalog
from catalog.loader import CATALOG_DIR
from tests.conftest import PROJECT_ROOT
from tests.support.loopback import LoopbackServer, Reply
from tests.support.samples import path_and_query, serve_sample_answers

FAKE_KEY = "fakeESTATkey0123456789abcdef"


def _error_answer(status: int) -> bytes:
    return json.dumps({"GET_STATS_DATA": {"RESULT": {"STATUS": status, "ERROR_MSG": "認証に失敗しました。",
                                                       "DATE": "2026-11-26T10:00:00.000+09:00"}}},
                      ensure_ascii=False).encode()


def _test_catalog(tmp_path: Path, server: LoopbackServer) -> Path:
    catalog = tmp_path / "catalog"
    shutil.copytree(CATALOG_DIR, catalog, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    sources = catalog / "sources.yaml"
    sources.write_text(sources.read_text().replace("https://api.e-stat.go.jp/rest/3.0/app/json", server.url("/estat")))
    return catalog


def _run_live(tmp_path: Path, catalog: Path, api: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(PREFECT_API_URL=api, ESTAT_APP_ID=FAKE_KEY, MIERUKA_CATALOG_DIR=str(catalog))
    return subprocess.run(
        [sys.executable, "-m", "flows.cli", "run", "--mode", "record", "--source", "estat", "-v",
         "--data-dir", str(tmp_path / "data"), "--snapshots", str(tmp_path / "snaps")],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=180, check=False,
    )


def _files_containing(root: Path, needle: bytes) -> list[str]:
    hits = []
    for path in root.rglob("*"):
        if FAKE_KEY in path.name:
            hits.append(f"name: {path}")
        elif path.is_file() and needle in path.read_bytes():
            hits.append(str(path))
    return hits


def test_the_app_id_is_used_but_never_stored_logged_or_published(
    tmp_path: Path, loopback: LoopbackServer, prefect_api: str
) -> None:
    catalog = _test_catalog(tmp_path, loopback)
    scripted = serve_sample_answers(loopback, load_catalog(catalog), "estat", {"appId": FAKE_KEY})
    result = _run_live(tmp_path, catalog, prefect_api)
    assert result.returncode == 0, result.stderr[-3000:]
    sent = [path for path, _ in loopback.requests]
    assert all(f"appId={FAKE_KEY}" in p for p in sent) and len(sent) == len(scripted)  # the key is really used
    assert FAKE_KEY not in result.stdout and FAKE_KEY not in result.stderr
    assert _files_containing(tmp_path / "data", FAKE_KEY.encode()) == []
    assert _files_containing(tmp_path / "snaps", FAKE_KEY.encode()) == []
    recorded = list((tmp_path / "snaps" / "estat").glob("*.meta.json"))
    assert len(recorded) == len(scripted) and all("appId=REDACTED" in p.read_text() for p in recorded)
    # what the Prefect API received from the run: flow and task run logs, artifacts, parameters
    for endpoint in ("logs/filter", "artifacts/filter", "flow_runs/filter", "task_runs/filter"):
        answer = httpx.post(f"{prefect_api}/{endpoint}", json={}, timeout=30)
        assert answer.status_code == 200, endpoint
        assert FAKE_KEY not in answer.text, endpoint
    logs = httpx.post(f"{prefect_api}/logs/filter", json={}, timeout=30).json()
    assert logs, "the run sent logs to the Prefect API (so the check above inspected something)"


def test_an_e_stat_error_names_the_request_without_the_key(
    tmp_path: Path, loopback: LoopbackServer, prefect_api: str
) -> None:
    catalog = _test_catalog(tmp_path, loopback)
    for request, url in serve_sample_answers(loopback, load_catalog(catalog), "estat", {"appId": FAKE_KEY}):
        if request.step.startswith("data"):
            loopback.script(path_and_query(url), Reply(200, _error_answer(100), {"Content-Type": "application/json"}))
    result = _run_live(tmp_path, catalog, prefect_api)
    assert result.returncode == 1
    assert "e-Stat API error 100" in result.stderr and "getStatsData" in result.stderr
    assert "appId=REDACTED" in result.stderr
    assert FAKE_KEY not in result.stdout + result.stderr
    assert _files_containing(tmp_path / "data", FAKE_KEY.encode()) == []


# -- a server that echoes the request back (#13.6) --------------------------------------------------
ECHO_KEY = "echoedKEYzq7x9w2v5u8t1s4r6p3n0m"  # distinctive: no other text in a run contains it


def _echoing(list_answer: bytes) -> bytes:
    """A getStatsList answer that quotes the request in its PARAMETER block and in every table title
    (which the run prints), as an echoing server or proxy would."""
    doc = json.loads(list_answer)
    doc["GET_STATS_LIST"]["PARAMETER"]["REQUEST_URL"] = "{url}"
    for table in doc["GET_STATS_LIST"]["DATALIST_INF"]["TABLE_INF"]:
        table["TITLE"]["$"] += " (requested as {url})"
    return json.dumps(doc, ensure_ascii=False).encode()


def _serve_echoing_estat(tmp_path: Path, server: LoopbackServer) -> None:
    """The SAMPLE survey's list (echoing) and metadata answers; no getStatsData route yet."""
    catalog = _test_catalog(tmp_path, server)
    for request, url in serve_sample_answers(server, load_catalog(catalog), "estat", {"appId": ECHO_KEY}):
        step = request.step.split(":")[0]
        if step == "list":
            body = server.routes[path_and_query(url)][0].body
            server.script(path_and_query(url), Reply(200, _echoing(body), {"Content-Type": "application/json"},
                                                     echo=True))
        elif step == "data":
            del server.routes[path_and_query(url)]


def _run_cli_own_prefect(tmp_path: Path, server: LoopbackServer) -> subprocess.CompletedProcess[str]:
    """`mieruka run --mode live` as an operator runs it: Prefect's own database under data/prefect."""
    catalog = tmp_path / "catalog"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(ESTAT_APP_ID=ECHO_KEY, MIERUKA_CATALOG_DIR=str(catalog), MIERUKA_HTTP_MAX_RETRIES="1",
               MIERUKA_HTTP_BACKOFF_S="0.01",
               # Prefect's own server starts in this run; on a busy 2-core machine 20 s is not always enough
               PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="120")
    return subprocess.run(
        [sys.executable, "-m", "flows.cli", "run", "--mode", "live", "--source", "estat", "-v",
         "--data-dir", str(tmp_path / "data")],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=300, check=False,
    )


def _rows_containing(rows_by_table: dict[str, list[tuple]], needle: str) -> list[str]:
    return [name for name, rows in rows_by_table.items() if needle in repr(rows)]


def _duckdb_tables(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table and view in a DuckDB file, all columns as text."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        names = con.sql("SELECT table_schema, table_name FROM information_schema.tables "
                        "WHERE table_catalog = current_database()").fetchall()
        return {f"{path.name}:{s}.{t}": con.sql(f'SELECT * FROM "{s}"."{t}"').fetchall() for s, t in names}
    finally:
        con.close()


def _sqlite_tables(path: Path) -> dict[str, list[tuple]]:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        names = [n for (n,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()]
        return {f"{path.name}:{n}": con.execute(f'SELECT * FROM "{n}"').fetchall() for n in names}
    finally:
        con.close()


def test_a_key_echoed_back_by_the_server_is_stored_logged_and_published_nowhere(
    tmp_path: Path, loopback: LoopbackServer
) -> None:
    _serve_echoing_estat(tmp_path, loopback)
    # run 1: getStatsData is not scripted, so the server answers with its 404 page quoting the URL;
    # run 2: a JSON error quoting it, in a header too
    first = _run_cli_own_prefect(tmp_path, loopback)
    loopback.script("/estat/getStatsData", Reply(
        400, b'{"GET_STATS_DATA": {"RESULT": {"STATUS": 100, "ERROR_MSG": "appId is invalid: {url}"}}}',
        {"Content-Type": "application/json", "X-Request-Url": "{url}"}, echo=True))
    second = _run_cli_own_prefect(tmp_path, loopback)
    sent = [path for path, _ in loopback.requests]
    assert len(sent) >= 4, first.stdout[-2000:] + first.stderr[-3000:] + second.stderr[-3000:]
    assert all(f"appId={ECHO_KEY}" in p for p in sent)  # the key was really used ...
    assert loopback.hits("/estat/getStatsData") >= 2  # ... and both error answers were served
    data = tmp_path / "data"
    for run in (first, second):
        assert run.returncode == 1, run.stderr[-3000:]
        assert "getStatsData" in run.stderr and "REDACTED" in run.stdout + run.stderr  # the echo is shown ...
        assert ECHO_KEY not in run.stdout and ECHO_KEY not in run.stderr  # ... without the key
    assert "HTTP 404" in first.stdout + first.stderr and "HTTP 400" in second.stdout + second.stderr
    # every file the runs wrote: raw bodies, published files, manifest, Prefect's database, logs
    assert (data / "prefect").is_dir() and list((data / "raw").rglob("*")), "the runs wrote nothing to check"
    assert _files_containing(data, ECHO_KEY.encode()) == []
    assert _files_containing(data, quote(ECHO_KEY).encode()) == []
    # DuckDB and Parquet compress text, so their contents are read back rather than scanned as bytes
    tables = {**_duckdb_tables(data / "mieruka.duckdb"), **_duckdb_tables(data / "warehouse" / "mieruka-work.duckdb")}
    assert any("REDACTED" in repr(rows) for rows in tables.values()), "the echoed errors were not stored at all"
    assert _rows_containing(tables, ECHO_KEY) == []
    prefect_dbs = list((data / "prefect").rglob("*.db"))
    assert prefect_dbs, "no Prefect database under data/prefect"
    for db_file in prefect_dbs:
        assert _rows_containing(_sqlite_tables(db_file), ECHO_KEY) == []
    manifest = (data / "published" / "manifest.json").read_text()
    assert "REDACTED" in manifest and ECHO_KEY not in manifest
    for parquet in (data / "published").rglob("*.parquet"):
        assert ECHO_KEY not in repr(pl.read_parquet(parquet).rows()), parquet
