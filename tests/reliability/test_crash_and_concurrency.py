"""Real processes killed at the worst moments, two runs at once, and an analyst reading throughout."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import orjson

from tests.conftest import PROJECT_ROOT

BOJ_BP01 = "getDataCode-44b9183591fc2a7a.body"


def _env(api: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "MIERUKA_TEST_"))}
    return {**env, "PREFECT_API_URL": api, **extra}


def _start(data: Path, snapshots: Path, api: str, **extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "flows.cli", "run", "--data-dir", str(data), "--snapshots", str(snapshots)],
        cwd=PROJECT_ROOT, env=_env(api, **extra), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def _run(data: Path, snapshots: Path, api: str) -> subprocess.CompletedProcess[str]:
    proc = _start(data, snapshots, api)
    out, err = proc.communicate(timeout=180)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def _wait_for(marker: Path, proc: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not marker.exists():
        assert proc.poll() is None, proc.communicate()[1][-3000:]
        assert time.monotonic() < deadline, "the run never reached the pause point"
        time.sleep(0.1)


def _start_paused_and_kill(data: Path, snapshots: Path, api: str, where: str, tmp: Path) -> None:
    marker = tmp / f"paused-{where}"
    proc = _start(data, snapshots, api, MIERUKA_TEST_PAUSE_AT=where, MIERUKA_TEST_PAUSE_FILE=str(marker))
    _wait_for(marker, proc)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)


def _revise_snapshot(snapshots: Path) -> None:
    path = snapshots / "boj" / BOJ_BP01
    doc = orjson.loads(path.read_bytes())
    doc["RESULTSET"][2]["VALUES"]["VALUES"][-1] = -12345.6
    doc["RESULTSET"][2]["LAST_UPDATE"] = 20260310
    path.write_bytes(orjson.dumps(doc))


def _core_counts(path: Path) -> tuple:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.sql(
            "SELECT (SELECT count(*) FROM core.observations), (SELECT count(*) FROM core.articles), "
            "(SELECT count(*) FROM core.observations WHERE valid_to IS NULL)"
        ).fetchall()[0]
    finally:
        con.close()


def _manifest_matches_files(published: Path) -> bool:
    manifest = json.loads((published / "manifest.json").read_text())
    return all(
        hashlib.sha256((published / info["path"]).read_bytes()).hexdigest() == info["sha256"]
        for info in manifest["tables"].values()
    )


def test_sigkill_inside_the_load_transaction_leaves_no_partial_rows(
    tmp_path: Path, snapshot_copy: Path, prefect_api: str
) -> None:
    data = tmp_path / "data"
    _start_paused_and_kill(data, snapshot_copy, prefect_api, "load", tmp_path)
    work = data / "warehouse" / "mieruka-work.duckdb"
    assert _core_counts(work) == (0, 0, 0)  # the transaction never committed: nothing of it is visible
    assert not (data / "mieruka.duckdb").exists()
    rerun = _run(data, snapshot_copy, prefect_api)
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    reference = tmp_path / "reference"
    assert _run(reference, snapshot_copy, prefect_api).returncode == 0
    assert _core_counts(data / "mieruka.duckdb") == _core_counts(reference / "mieruka.duckdb")
    con = duckdb.connect(str(data / "mieruka.duckdb"), read_only=True)
    statuses = dict(con.sql("SELECT status, count(*) FROM ops.runs GROUP BY ALL").fetchall())
    con.close()
    assert statuses == {"running": 1, "succeeded": 1}  # the killed run stays visible as never finished


def test_sigkill_in_the_middle_of_publish_keeps_the_old_publication_whole(
    tmp_path: Path, snapshot_copy: Path, prefect_api: str
) -> None:
    data = tmp_path / "data"
    assert _run(data, snapshot_copy, prefect_api).returncode == 0
    old_db = (data / "mieruka.duckdb").read_bytes()
    old_manifest = (data / "published" / "manifest.json").read_text()
    _revise_snapshot(snapshot_copy)
    _start_paused_and_kill(data, snapshot_copy, prefect_api, "publish", tmp_path)
    assert (data / "mieruka.duckdb").read_bytes() == old_db
    assert (data / "published" / "manifest.json").read_text() == old_manifest
    assert _manifest_matches_files(data / "published")
    rerun = _run(data, snapshot_copy, prefect_api)
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    con = duckdb.connect(str(data / "mieruka.duckdb"), read_only=True)
    value = con.sql("SELECT value FROM core.observations WHERE valid_to IS NULL AND series_code = "
                    "'BPBP6JYNSN907' AND period = '2025-12'").fetchall()
    revisions = con.sql("SELECT count(*) FROM ops.revisions").fetchall()[0][0]
    con.close()
    assert value == [(-12345.6e8,)] and revisions == 1
    assert _manifest_matches_files(data / "published")


def test_a_second_run_is_refused_while_the_first_holds_the_warehouse(
    tmp_path: Path, snapshot_copy: Path, prefect_api: str
) -> None:
    data = tmp_path / "data"
    marker = tmp_path / "paused"
    first = _start(data, snapshot_copy, prefect_api, MIERUKA_TEST_PAUSE_AT="load", MIERUKA_TEST_PAUSE_FILE=str(marker))
    try:
        _wait_for(marker, first)
        second = _run(data, snapshot_copy, prefect_api)
        assert second.returncode == 3
        assert "holds the warehouse lock" in second.stderr and str(first.pid) in second.stderr
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    assert _run(data, snapshot_copy, prefect_api).returncode == 0  # the lock died with its holder


READER = """
import sys, time, duckdb
path, stop, log = sys.argv[1], sys.argv[2], sys.argv[3]
con = duckdb.connect(path, read_only=True)
queries = failures = 0
import os
while not os.path.exists(stop):
    try:
        con.sql("SELECT count(*), sum(value) FROM core.observations WHERE valid_to IS NULL").fetchall()
        con.sql("SELECT * FROM marts.digital_deficit_annual").fetchall()
        queries += 1
    except Exception as exc:
        failures += 1
        print(repr(exc), file=sys.stderr)
    time.sleep(0.02)
con.close()
fresh = duckdb.connect(path, read_only=True)
revisions = fresh.sql("SELECT count(*) FROM ops.revisions").fetchall()[0][0]
open(log, "w").write(f"{queries} {failures} {revisions}")
"""


def test_an_analyst_reading_throughout_a_run_never_fails_and_sees_new_data_on_reconnect(
    tmp_path: Path, snapshot_copy: Path, prefect_api: str
) -> None:
    data = tmp_path / "data"
    assert _run(data, snapshot_copy, prefect_api).returncode == 0
    _revise_snapshot(snapshot_copy)
    stop, log = tmp_path / "stop", tmp_path / "reader.log"
    reader = subprocess.Popen([sys.executable, "-c", READER, str(data / "mieruka.duckdb"), str(stop), str(log)],
                              stderr=subprocess.PIPE, text=True)
    time.sleep(1.0)
    run = _run(data, snapshot_copy, prefect_api)
    time.sleep(0.5)
    stop.write_text("")
    _, reader_err = reader.communicate(timeout=60)
    assert run.returncode == 0, run.stderr[-3000:]
    queries, failures, revisions = (int(x) for x in log.read_text().split())
    assert failures == 0, reader_err
    assert queries > 10
    assert revisions == 1  # a fresh connection after the swap sees the new vintage
