"""The DuckLake backend against a real PostgreSQL: settings, one schema for both backends, writers
racing on one source, conflicts retried and counted, and a writer killed in the middle of its commit."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime
from pathlib import Path

import duckdb
import polars as pl
import pytest

from catalog import load_catalog
from flows.http import Fetcher, settings_from_env
from flows.ingest import RunContext, ingest_source
from flows.pipeline import _batch, new_run_id
from flows.provenance import load_sample_flags
from flows.workers import load_source
from tests.conftest import PROJECT_ROOT, SNAPSHOTS
from tests.support.pg import dbname_of
from warehouse import db
from warehouse.backend import (
    Warehouse,
    WarehouseError,
    extension_path,
    is_conflict,
    redact,
    s3_secret_statements,
)
from warehouse.load import append_batch, apply_run

SOURCE = "worldbank"  # 4 indicators x 4 economies x 11 years, and the euro area's exchange rate
SOURCE_ROWS = 4 * 4 * 11 + 11


def lake(pg_server, tmp_path: Path, name: str = "lake") -> Warehouse:
    dsn = pg_server.create_database(name)
    return Warehouse(f"ducklake:postgres:{dsn}", str(tmp_path / f"{name}-data"))


def migrated(wh: Warehouse) -> Warehouse:
    con = wh.connect()
    try:
        db.migrate(con)
    finally:
        con.close()
    return wh


def staged(source_id: str, run_id: str, data: Path):
    """One source read from the recorded snapshots, as the batch its flow run would load."""
    catalog = load_catalog()
    with Fetcher(settings_from_env("replay", SNAPSHOTS)) as fetcher:
        ctx = RunContext(run_id, "replay", data, SNAPSHOTS, fetcher, load_sample_flags(SNAPSHOTS), {}, lambda _m: None)
        result = ingest_source(ctx, catalog, catalog.sources[source_id])
    assert result.status == "succeeded", result.error
    return _batch(run_id, catalog, [result])


def rows(wh: Warehouse, sql: str, params: dict | None = None) -> list[tuple]:
    con = wh.connect(read_only=True)
    try:
        return con.sql(sql, params=params or {}).fetchall()
    finally:
        con.close()


# -- settings --------------------------------------------------------------------------------------


def test_settings_name_the_backend_and_refuse_what_cannot_work(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("MIERUKA_WAREHOUSE", raising=False)
    monkeypatch.delenv("MIERUKA_LAKE_DATA_PATH", raising=False)
    default = Warehouse.from_settings(tmp_path)
    assert not default.is_lake and default.path == tmp_path / "warehouse" / "mieruka-work.duckdb"
    with pytest.raises(WarehouseError, match="data path"):
        Warehouse.from_settings(tmp_path, "ducklake:postgres:dbname=x host=127.0.0.1")
    with pytest.raises(WarehouseError, match="expected duckdb:<path> or ducklake:postgres"):
        Warehouse.from_settings(tmp_path, "sqlite:foo.db")
    with pytest.raises(WarehouseError, match=r"'postgres://u:\*\*\*@h/db password=\*\*\*' is not libpq keyword=value"):
        Warehouse.from_settings(tmp_path, "ducklake:postgres:postgres://u:pw@h/db password=hunter2", "d")
    monkeypatch.setenv("MIERUKA_WAREHOUSE", "ducklake:postgres:dbname=x host=h password=hunter2")
    monkeypatch.setenv("MIERUKA_LAKE_DATA_PATH", "s3://bucket/lake")
    wh = Warehouse.from_settings(tmp_path)
    assert wh.is_lake and wh.on_s3 and "hunter2" not in wh.describe()
    assert redact("dbname=x password='a b' user=u") == "dbname=x password=*** user=u"
    attach = wh.analysts_attach_sql(7, "run-1")
    assert "hunter2" not in attach and "password" not in attach and "SNAPSHOT_VERSION 7" in attach
    assert "READ_ONLY" in attach and "DATA_PATH 's3://bucket/lake'" in attach and "LOAD httpfs" in attach


def test_extensions_load_by_path_from_their_wheels_and_s3_credentials_come_from_the_environment(
    monkeypatch,
) -> None:
    con = duckdb.connect(config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
    try:
        for name in ("ducklake", "postgres_scanner", "httpfs"):
            path = extension_path(name)
            assert f"v{duckdb.__version__}" in path.as_posix()
            con.execute(f"LOAD '{path.as_posix()}'").fetchall()
        loaded = dict(con.sql("SELECT extension_name, loaded FROM duckdb_extensions()").fetchall())
        assert loaded["ducklake"] and loaded["postgres_scanner"] and loaded["httpfs"]
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "it's-secret")
        monkeypatch.setenv("AWS_REGION", "ap-northeast-1")
        monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9000")
        for statement in s3_secret_statements():
            con.execute(statement).fetchall()
        secret = con.sql("SELECT type, provider, secret_string FROM duckdb_secrets()").fetchall()
        assert secret[0][0] == "s3" and "AKIDEXAMPLE" in secret[0][2] and "it's-secret" not in secret[0][2]
    finally:
        con.close()


# -- one schema for both backends ------------------------------------------------------------------


SCHEMA_SQL = """
SELECT c.schema_name, c.table_name, c.column_name, c.data_type, coalesce(c.comment, v.comment) AS comment
FROM duckdb_columns() AS c
LEFT JOIN ops.view_column_comments AS v
    ON v.schema_name = c.schema_name AND v.view_name = c.table_name AND v.column_name = c.column_name
WHERE c.database_name = current_database() AND c.schema_name IN ('core', 'raw', 'ops', 'marts')
ORDER BY ALL
"""


def test_the_same_migrations_give_the_same_commented_schema_on_both_backends(pg_server, tmp_path: Path) -> None:
    embedded = Warehouse(f"duckdb:{tmp_path / 'work.duckdb'}")
    lake_wh = lake(pg_server, tmp_path)
    schemas = []
    for wh in (embedded, lake_wh):
        con = wh.connect()
        try:
            applied = db.migrate(con)
            assert applied == [v for v, _, _ in db.migrations()]
            assert db.migrate(con) == []  # a second start applies nothing and writes nothing
            db.build_marts(con)
            schemas.append(con.sql(SCHEMA_SQL).pl())
            macro = con.sql("SELECT count(*) FROM core.observations_as_of(DATE '2025-12-19')").fetchall()
            assert macro == [(0,)]
        finally:
            con.close()
    assert schemas[0].equals(schemas[1])
    assert schemas[1].filter(pl.col("comment").is_null()).height == 0  # every column described, views too
    # the lake's tables are DuckLake tables in PostgreSQL + Parquet, not a local file
    assert "ducklake_snapshot" in pg_server.psql("SELECT tablename FROM pg_tables", dbname_of(lake_wh.conninfo))


# -- concurrency -----------------------------------------------------------------------------------


def _race(wh: Warehouse, data: Path, load) -> list:
    """Two writers of the same source at once: A commits only once B has started and had time to
    collide with it; returns what each load returned."""
    batches = [staged(SOURCE, new_run_id(), data) for _ in range(2)]
    b_started = threading.Event()
    out: list = [None, None]

    def hold_until_b_started() -> None:
        assert b_started.wait(30)
        time.sleep(1.0)  # B is now waiting for the lock (or has appended on its own snapshot)

    def writer(i: int) -> None:
        if i == 1:
            b_started.set()
        out[i] = load(wh, batches[i], hold_until_b_started if i == 0 else (lambda: None))

    a = threading.Thread(target=writer, args=(0,))
    a.start()
    time.sleep(0.5)  # A holds the lock (or its transaction is open) before B starts
    b = threading.Thread(target=writer, args=(1,))
    b.start()
    a.join(60)
    b.join(60)
    return out


def test_two_writers_racing_on_one_source_take_turns_and_nothing_is_doubled(pg_server, tmp_path: Path) -> None:
    wh = migrated(lake(pg_server, tmp_path))
    out = _race(wh, tmp_path, lambda w, batch, hook: load_source(w, batch.run_id, SOURCE, batch, before_commit=hook))
    (counts_a, _, waits_a), (counts_b, _, waits_b) = out
    assert counts_a[SOURCE].loaded == SOURCE_ROWS
    assert counts_b[SOURCE].unchanged == SOURCE_ROWS and counts_b[SOURCE].loaded == 0  # B saw A's rows
    assert waits_a == 0 and waits_b >= 1  # B waited for A's lock
    assert rows(wh, "SELECT count(*) FROM core.observation_versions") == [(SOURCE_ROWS,)]
    recorded = rows(wh, "SELECT rows_loaded, rows_unchanged, lock_waits FROM ops.run_sources ORDER BY rows_loaded")
    assert recorded == [(0, SOURCE_ROWS, waits_b), (SOURCE_ROWS, 0, 0)]


def test_without_the_source_lock_two_appends_would_double_the_rows(pg_server, tmp_path: Path) -> None:
    """Why the lock exists: appends never conflict on a DuckLake, so two unlocked writers of one source
    both classify the same rows as new and both commit them."""
    wh = migrated(lake(pg_server, tmp_path))

    def unlocked(w: Warehouse, batch, hook):
        con = w.connect()
        try:
            return w.write(con, lambda c, _r: append_batch(c, batch), before_commit=hook)
        finally:
            con.close()

    (counts_a, retries_a), (counts_b, retries_b) = _race(wh, tmp_path, unlocked)
    assert retries_a == retries_b == 0  # no conflict was detected
    assert counts_a[SOURCE].loaded == counts_b[SOURCE].loaded == SOURCE_ROWS
    assert rows(wh, "SELECT count(*) FROM core.observation_versions") == [(2 * SOURCE_ROWS,)]


def test_conflicting_serialized_steps_are_retried_with_backoff_and_counted(pg_server, tmp_path: Path) -> None:
    """Two runs' serialized steps (DELETE + INSERT of the indicators, the marts) at once: one loses at
    commit, runs again from the start, and says so; both end committed."""
    wh = migrated(lake(pg_server, tmp_path))
    indicators = load_catalog().indicators_frame()
    both_open = threading.Barrier(2, timeout=30)
    out: list = [None, None]
    errors: list[BaseException] = []

    def step(i: int) -> None:
        def body(c, retries: int) -> int:
            apply_run(c, f"run-{i}", indicators, datetime(2026, 1, 1))
            if retries == 0:
                both_open.wait()  # both transactions have written and are about to commit
            return retries

        con = wh.connect()
        try:
            out[i] = wh.write(con, body, message=f"run-{i}: marts", first_wait_s=0.05)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            con.close()

    threads = [threading.Thread(target=step, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    assert sorted(r for _, r in out) == [0, 1]
    assert rows(wh, "SELECT count(*) FROM core.indicators") == [(indicators.height,)]
    messages = [m for (m,) in rows(wh, "SELECT commit_message FROM lake.snapshots() WHERE commit_message LIKE 'run-%'")]
    assert sorted(messages) == ["run-0: marts", "run-1: marts"]
    assert is_conflict(duckdb.TransactionException("Transaction conflict - attempting to delete from table"))


KILLED_SOURCE = f"""
import sys
from flows.workers import source_flow
source_flow(run_id=sys.argv[1], source_id={SOURCE!r}, mode="replay", snapshots_dir=sys.argv[2], data_dir=sys.argv[3])
"""


def test_a_writer_killed_in_the_middle_of_its_commit_leaves_nothing_and_a_rerun_loads_it_once(
    pg_server, prefect_api: str, tmp_path: Path
) -> None:
    """The source flow pauses just before COMMIT; the test then locks the catalog's ducklake_snapshot
    table against writes, lets it commit (its commit blocks inside PostgreSQL, half-way through writing metadata; its
    Parquet files are already written), and kills it with SIGKILL. Nothing of it may be visible; a rerun
    loads the source once."""
    wh = migrated(lake(pg_server, tmp_path))
    dbname = dbname_of(wh.conninfo)
    marker, resume = tmp_path / "paused", tmp_path / "resume"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "MIERUKA_TEST_"))}
    env.update(PREFECT_API_URL=prefect_api, PREFECT_HOME=os.environ["PREFECT_HOME"], MIERUKA_WAREHOUSE=wh.url,
               MIERUKA_LAKE_DATA_PATH=str(wh.data_path), MIERUKA_TEST_PAUSE_AT="source-load",
               MIERUKA_TEST_PAUSE_FILE=str(marker), MIERUKA_TEST_RESUME_FILE=str(resume))
    proc = subprocess.Popen([sys.executable, "-c", KILLED_SOURCE, "killed-run", str(SNAPSHOTS), str(tmp_path / "data")],
                            cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lock = None
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert proc.poll() is None, proc.communicate()[1][-3000:]
            assert time.monotonic() < deadline, "the source flow never reached its commit"
            time.sleep(0.1)
        # SHARE lets the paused transaction keep reading but blocks the INSERT of its new snapshot row
        lock = pg_server.hold_lock(dbname, "LOCK TABLE ducklake_snapshot IN SHARE MODE")
        resume.write_text("go")
        waiting = ""
        while not waiting:  # its COMMIT is now blocked inside PostgreSQL
            assert proc.poll() is None, proc.communicate()[1][-3000:]
            assert time.monotonic() < deadline, "the commit never reached PostgreSQL"
            waiting = pg_server.psql(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
                dbname,
            )
            time.sleep(0.1)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
        if lock is not None:
            pg_server.release(lock)
    assert proc.returncode == -signal.SIGKILL
    assert rows(wh, "SELECT count(*) FROM core.observation_versions") == [(0,)]
    assert rows(wh, "SELECT count(*) FROM ops.run_sources") == [(0,)]
    parquet = list(Path(str(wh.data_path)).rglob("*.parquet"))
    assert parquet, "the killed writer had written its data files before committing"

    batch = staged(SOURCE, "rerun", tmp_path / "data")
    counts, _retries, _waits = load_source(wh, "rerun", SOURCE, batch, before_commit=lambda: None)
    assert counts[SOURCE].loaded == SOURCE_ROWS
    clean = staged(SOURCE, "clean", tmp_path / "clean").observations
    got = rows(wh, "SELECT count(*), sum(value), count(DISTINCT (indicator_id, area, period)) "
                   "FROM core.observations WHERE valid_to IS NULL")
    assert got == [(clean.height, pytest.approx(clean["value"].sum()), clean.height)]
