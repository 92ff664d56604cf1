"""The whole pipeline on a DuckLake over a real PostgreSQL, with sources fanned out to Prefect process
workers: `mieruka run --workers 2` on a fresh database, and the prefect.yaml deployments on a pool of
three workers while an analyst reads a pinned snapshot. The published marts and as-of answers must be
those of the embedded default, and every command docs/scale-out.md shows for the process pool runs here."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl
import pytest

from flows.pipeline import pipeline
from flows.serve import PrefectServer
from flows.workers import load_source
from tests.conftest import PROJECT_ROOT, SNAPSHOTS
from tests.warehouse.test_lake_backend import migrated, staged
from warehouse.backend import Warehouse, extension_path

DOC = PROJECT_ROOT / "docs" / "scale-out.md"
AS_OF_DATES = ("2025-12-19", "2026-06-30")
pytestmark = pytest.mark.usefixtures("prefect_api")


def _env(**extra: str) -> dict[str, str]:
    """The environment of a command an operator types: no test harness settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "MIERUKA_"))}
    return {**env, "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1", **extra}


def _frame(con: duckdb.DuckDBPyConnection, sql: str) -> pl.DataFrame:
    return con.sql(sql).pl()


def _stable(frame: pl.DataFrame, after: datetime) -> pl.DataFrame:
    """`frame` with the values a run makes up at run time nulled: timestamps from `after` on are the
    fetch times of sources that state no vintage (they differ between any two runs)."""
    stamps = [c for c, t in frame.schema.items() if t in (pl.Datetime("us"), pl.Datetime("ns"), pl.Datetime("ms"))]
    return frame.with_columns(pl.when(pl.col(c) < after).then(pl.col(c)).alias(c) for c in stamps)


def _published(data: Path) -> tuple[dict, Path]:
    root = (data / "published").resolve()
    return json.loads((root / "manifest.json").read_text()), root


@pytest.fixture(scope="module")
def runs(pg_server, tmp_path_factory: pytest.TempPathFactory):
    """The issue's command on a fresh database and a data path that does not exist yet, and meanwhile
    (in this process) `make run`'s embedded default, one process, as the reference."""
    root = tmp_path_factory.mktemp("lake-cli")
    dsn = pg_server.create_database("cli")
    data, lake_path = root / "D", root / "not-yet" / "lake"
    started = datetime.now(UTC).replace(tzinfo=None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "flows.cli", "run", "--workers", "2", "--data-dir", str(data)],
        cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=_env(MIERUKA_WAREHOUSE=f"ducklake:postgres:{dsn}", MIERUKA_LAKE_DATA_PATH=str(lake_path)),
    )
    try:
        reference = tmp_path_factory.mktemp("embedded")
        reference_started = datetime.now(UTC).replace(tzinfo=None)
        summary = pipeline(data_dir=str(reference), snapshots_dir=str(SNAPSHOTS))
        assert summary.status == "succeeded"
        out, err = proc.communicate(timeout=400)
    finally:
        if proc.poll() is None:
            proc.kill()
    done = subprocess.CompletedProcess(proc.args, proc.returncode, out, err)
    return (reference, reference_started), (done, data, Warehouse(f"ducklake:postgres:{dsn}", str(lake_path)), started)


@pytest.fixture(scope="module")
def embedded(runs):
    return runs[0]


@pytest.fixture(scope="module")
def lake_run(runs):
    return runs[1]


def _alive_with_home(prefect_home: Path) -> list[int]:
    """Processes whose PREFECT_HOME is `prefect_home` (the server, workers and flow runs of one run)."""
    needle = f"PREFECT_HOME={prefect_home}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if needle in (entry / "environ").read_bytes().split(b"\0"):
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def test_workers_2_on_a_fresh_database_publish_the_marts_of_the_embedded_default(embedded, lake_run) -> None:
    proc, data, wh, started = lake_run
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "one flow run per source" in proc.stdout and "lake snapshot published" in proc.stdout
    assert Path(str(wh.data_path)).is_dir()  # created
    assert _alive_with_home(data / "prefect") == []  # server, workers and flow runs all stopped
    reference, reference_started = embedded
    manifest, root = _published(data)
    expected, expected_root = _published(reference)
    assert manifest["run_status"] == "succeeded" and manifest["warehouse"] is None
    assert set(manifest["tables"]) == set(expected["tables"])
    for name, info in expected["tables"].items():
        mine = pl.read_parquet(root / manifest["tables"][name]["path"])
        theirs = pl.read_parquet(expected_root / info["path"])
        assert mine.columns == theirs.columns and mine.height == theirs.height == manifest["tables"][name]["rows"]
        assert _stable(mine, started).equals(_stable(theirs, reference_started)), name
    assert {"attach.sql", "index.html", "dictionary.md", "manifest.json"} <= {p.name for p in root.iterdir()}
    assert not list(root.glob("*.duckdb")) and not (data / "mieruka.duckdb").exists()  # no copy of the lake
    snapshot = manifest["lake"]["snapshot"]
    con = wh.connect(read_only=True)
    try:
        run = con.sql("SELECT status, lake_snapshot, commit_retries FROM ops.runs").fetchall()
        sources = con.sql("SELECT count(*), count(*) FILTER (WHERE commit_retries IS NOT NULL) FROM ops.run_sources"
                          ).fetchall()
        messages = con.sql("SELECT commit_message FROM lake.snapshots() WHERE snapshot_id = $s",
                           params={"s": snapshot}).fetchall()
    finally:
        con.close()
    assert run == [("succeeded", snapshot, 0)]
    assert sources == [(7, 7)]  # each source loaded by its own flow run
    assert messages[0][0].endswith(": marts")


def test_marts_and_as_of_answers_are_identical_on_both_backends(embedded, lake_run) -> None:
    _proc, data, wh, started = lake_run
    reference, reference_started = embedded
    manifest, _ = _published(data)
    lake_con = wh.connect(read_only=True, snapshot=manifest["lake"]["snapshot"])
    file_con = duckdb.connect(str(reference / "mieruka.duckdb"), read_only=True)
    try:
        marts = [n for (n,) in file_con.sql("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'marts'"
                                             ).fetchall()]
        assert len(marts) == len(manifest["tables"])
        for name in marts:
            query = f"SELECT * FROM marts.{name} ORDER BY ALL"
            assert _stable(_frame(lake_con, query), started).equals(
                _stable(_frame(file_con, query), reference_started)), name
        for day in AS_OF_DATES:
            query = (f"SELECT * EXCLUDE (load_id) FROM core.observations_as_of(DATE '{day}') ORDER BY ALL")
            lake_rows, file_rows = _frame(lake_con, query), _frame(file_con, query)
            assert lake_rows.height > 0 and lake_rows.equals(file_rows), day
    finally:
        lake_con.close()
        file_con.close()


def test_attach_sql_opens_the_published_snapshot_read_only_without_credentials(lake_run, tmp_path: Path) -> None:
    _proc, data, _wh, _ = lake_run
    manifest, root = _published(data)
    text = (root / "attach.sql").read_text()
    assert "password=" not in text and "user=" not in text and "SNAPSHOT_VERSION" in text
    con = duckdb.connect(config={"extension_directory": str(tmp_path / "ext"), "autoinstall_known_extensions": False})
    try:
        for name in ("ducklake", "postgres_scanner"):  # what `INSTALL ducklake; INSTALL postgres` would fetch
            con.execute(f"INSTALL '{extension_path(name).as_posix()}'").fetchall()
        os.environ["PGUSER"] = "postgres"
        try:
            for statement in [s for s in text.split(";\n") if s.strip() and not s.strip().startswith("--")]:
                con.execute("\n".join(line for line in statement.splitlines() if not line.startswith("--"))
                            ).fetchall()
        finally:
            os.environ.pop("PGUSER")
        for name, info in manifest["tables"].items():
            assert con.sql(f"SELECT count(*) FROM marts.{name}").fetchall() == [(info["rows"],)]
        with pytest.raises(duckdb.Error, match=r"read-only|read only"):
            con.execute("DELETE FROM core.indicators").fetchall()
    finally:
        con.close()


def test_status_reads_the_lake(lake_run) -> None:
    _proc, data, wh, _ = lake_run
    proc = subprocess.run(
        [sys.executable, "-m", "flows.cli", "status", "--data-dir", str(data), "--warehouse", wh.url,
         "--lake-data-path", str(wh.data_path)],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120, check=False, env=_env(),
    )
    assert "last run:" in proc.stdout and "succeeded" in proc.stdout, proc.stdout + proc.stderr
    for source in ("boj", "worldbank", "news", "published", "estat", "oecd"):
        assert re.search(rf"^{source}\s", proc.stdout, re.MULTILINE), proc.stdout


# -- the deployments of prefect.yaml on a process pool of three workers -------------------------------------

POOL_COMMANDS = [
    ["prefect", "work-pool", "create", "mieruka-process", "--type", "process"],
    ["prefect", "--no-prompt", "deploy", "--all"],
]
WORKER_COMMAND = ["prefect", "worker", "start", "--pool", "mieruka-process"]
# exact (DECIMAL): a parallel SUM of DOUBLE may differ in its last bits from one read to the next
PINNED_READ = "SELECT count(*), sum(CAST(value AS DECIMAL(38, 2))) FROM core.observations WHERE valid_to IS NULL"
POOL_SOURCES = ["worldbank", "published"]  # two source flow runs beside the pipeline's: one per worker
RUN_COMMAND = ["prefect", "deployment", "run", "pipeline/mieruka-daily", "--param", "mode=replay", "--watch"]


def _doc_mentions(command: list[str]) -> bool:
    return " ".join(command) in DOC.read_text(encoding="utf-8")


def test_docs_show_exactly_the_pool_commands_this_module_runs() -> None:
    for command in [*POOL_COMMANDS, WORKER_COMMAND, RUN_COMMAND]:
        assert _doc_mentions(command), f"docs/scale-out.md does not show `{' '.join(command)}`"


def test_three_workers_on_a_process_pool_while_a_reader_queries_a_pinned_snapshot(
    pg_server, tmp_path: Path
) -> None:
    wh = migrated(Warehouse(f"ducklake:postgres:{pg_server.create_database('pool')}", str(tmp_path / "lake")))
    load_source(wh, "seed", "worldbank", staged("worldbank", "seed", tmp_path / "seed"), before_commit=lambda: None)
    con = wh.connect()
    try:
        pinned = wh.current_snapshot(con)
    finally:
        con.close()
    data = tmp_path / "data"
    home = tmp_path / "prefect"
    home.mkdir()
    env = _env(PREFECT_HOME=str(home), MIERUKA_HOME=str(PROJECT_ROOT), MIERUKA_WAREHOUSE=wh.url,
               MIERUKA_LAKE_DATA_PATH=str(wh.data_path), PREFECT_WORKER_QUERY_SECONDS="1",
               PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL="WARNING")
    reads: list[tuple] = []
    errors: list[BaseException] = []
    stop = threading.Event()

    def reader() -> None:
        con = wh.connect(read_only=True, snapshot=pinned)
        try:
            while not stop.is_set():
                reads.append(con.sql(PINNED_READ).fetchall()[0])
                time.sleep(0.2)
        except BaseException as exc:
            errors.append(exc)
        finally:
            con.close()

    server = PrefectServer(tmp_path / "server.log", one_shot=True)
    workers: list[subprocess.Popen] = []
    reading = threading.Thread(target=reader)
    saved = {k: os.environ.get(k) for k in ("PREFECT_HOME",)}
    try:
        os.environ["PREFECT_HOME"] = str(home)
        env["PREFECT_API_URL"] = server.start(timeout_s=120)
        for command in POOL_COMMANDS:
            done = subprocess.run([sys.executable, "-m", *command], cwd=PROJECT_ROOT, env=env, capture_output=True,
                                  text=True, timeout=300, check=False)
            assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
        for number in range(3):
            log = (tmp_path / f"worker-{number}.log").open("wb")
            workers.append(subprocess.Popen([sys.executable, "-m", *WORKER_COMMAND], cwd=PROJECT_ROOT, env=env,
                                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True))
        reading.start()
        run = subprocess.run(
            [sys.executable, "-m", *RUN_COMMAND, "--param", f"data_dir={data}", "--param",
             f"snapshots_dir={SNAPSHOTS}", "--param", f"sources={json.dumps(POOL_SOURCES)}"],
            cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=400, check=False,
        )
    finally:
        stop.set()
        if reading.is_alive():
            reading.join(30)
        for worker in workers:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(30)
        server.stop()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    logs = "".join((tmp_path / f"worker-{n}.log").read_text(errors="replace")[-1500:] for n in range(3))
    assert run.returncode == 0 and "Completed" in run.stdout, run.stdout[-3000:] + run.stderr[-2000:] + logs
    assert not errors, errors
    assert len(reads) >= 3 and set(reads) == {reads[0]}  # the pinned snapshot never moved
    assert reads[0][0] == 4 * 4 * 11 + 11  # and the euro area's exchange rate
    manifest, _ = _published(data)
    assert manifest["run_status"] == "succeeded" and manifest["lake"]["snapshot"] > pinned
    con = wh.connect(read_only=True)
    try:
        per_source = dict(con.sql("SELECT source_id, count(*) FROM ops.run_sources WHERE run_id = $r GROUP BY 1",
                                  params={"r": manifest["run_id"]}).fetchall())
        current = con.sql("SELECT count(*) FROM core.observations WHERE valid_to IS NULL").fetchall()[0][0]
    finally:
        con.close()
    assert per_source == dict.fromkeys(POOL_SOURCES, 1)
    assert current > reads[0][0]
    _compact_as_documented(wh)


def _maintenance_statements() -> list[str]:
    """The ```sql blocks of docs/scale-out.md's maintenance section."""
    text = DOC.read_text(encoding="utf-8")
    section = text[text.index("## Compacting"):]
    section = section[: section.find("\n## ", 1)] if "\n## " in section[1:] else section
    blocks = re.findall(r"^```sql\n(.*?)^```", section, re.DOTALL | re.MULTILINE)
    return [s.strip() for block in blocks for s in block.split(";") if s.strip() and not s.strip().startswith("--")]


def _compact_as_documented(wh: Warehouse) -> None:
    """Run the documented maintenance on the lake; the data read the same before and after."""
    con = wh.connect()
    try:
        before = con.sql(PINNED_READ).fetchall()
        files_before = con.sql("SELECT count(*) FROM ducklake_list_files('lake', 'observation_versions', "
                               "schema => 'core')").fetchall()[0][0]
        statements = _maintenance_statements()
        assert statements, "docs/scale-out.md shows no maintenance SQL"
        for statement in statements:
            con.execute(statement).fetchall()
        after = con.sql(PINNED_READ).fetchall()
        files_after = con.sql("SELECT count(*) FROM ducklake_list_files('lake', 'observation_versions', "
                              "schema => 'core')").fetchall()[0][0]
    finally:
        con.close()
    assert after == before
    assert files_after < files_before
