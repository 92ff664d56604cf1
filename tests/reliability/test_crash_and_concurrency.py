"""Real processes killed at the worst moments, two runs at once, and an analyst reading throughout."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import orjson
import pytest

from tests.conftest import PROJECT_ROOT, SNAPSHOTS

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


@pytest.fixture(scope="module")
def first_run(tmp_path_factory: pytest.TempPathFactory, prefect_api: str) -> Path:
    """The data dir of one clean run on the recorded snapshots, made once for the module: most tests
    start from a published warehouse, and copying one is much cheaper than running again."""
    data = tmp_path_factory.mktemp("first-run") / "data"
    run = _run(data, SNAPSHOTS, prefect_api)
    assert run.returncode == 0, run.stderr[-3000:]
    return data


def _copy_of(first_run: Path, tmp_path: Path) -> Path:
    """A private copy of the first run's data dir (its `published` link is relative, so it moves along)."""
    data = tmp_path / "data"
    shutil.copytree(first_run, data, symlinks=True)
    return data


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


#: ops.revisions rows of the first replay: the BOJ release history revises 2024 and 2025 (48 values)
HISTORY_REVISIONS = 48


def _revise_snapshot(snapshots: Path, value: float = -12345.6, last_update: int = 20261201) -> None:
    """Today's BP01 answer with the last month (2026-09) of its third series changed, released 2026-12-01."""
    path = snapshots / "boj" / BOJ_BP01
    doc = orjson.loads(path.read_bytes())
    doc["RESULTSET"][2]["VALUES"]["VALUES"][-1] = value
    doc["RESULTSET"][2]["LAST_UPDATE"] = last_update
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
    """Every Parquet and CSV file the manifest lists has its sha256 (read from one resolved version)."""
    root = published.resolve()
    manifest = json.loads((root / "manifest.json").read_text())
    files = [f for info in manifest["tables"].values() for f in (info, info.get("csv"))]
    return all(
        hashlib.sha256((root / f["path"]).read_bytes()).hexdigest() == f["sha256"] for f in files if f
    )


def _published_run(data: Path) -> str:
    return json.loads((data / "published" / "manifest.json").read_text())["run_id"]


def _runs(path: Path) -> dict[str, tuple[str, str | None]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {r: (s, e) for r, s, e in con.sql("SELECT run_id, status, error FROM ops.runs").fetchall()}
    finally:
        con.close()


def _leftovers(data: Path) -> list[str]:
    """Partial files a publication may leave: the half-made copy, staging directories, the temporary link."""
    names = [p.name for p in data.iterdir() if p.name.startswith((".mieruka.duckdb.publishing", ".published."))]
    versions = data / "published-versions"
    return names + ([p.name for p in versions.iterdir() if p.name.startswith(".staging-")] if versions.is_dir() else [])


def test_sigkill_inside_the_load_transaction_leaves_no_partial_rows(
    tmp_path: Path, snapshot_copy: Path, prefect_api: str, first_run: Path
) -> None:
    data = tmp_path / "data"
    _start_paused_and_kill(data, snapshot_copy, prefect_api, "load", tmp_path)
    work = data / "warehouse" / "mieruka-work.duckdb"
    assert _core_counts(work) == (0, 0, 0)  # the transaction never committed: nothing of it is visible
    assert not (data / "mieruka.duckdb").exists()
    rerun = _run(data, snapshot_copy, prefect_api)
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    assert _core_counts(data / "mieruka.duckdb") == _core_counts(first_run / "mieruka.duckdb")  # a clean run's
    runs = _runs(data / "mieruka.duckdb")
    assert sorted(status for status, _ in runs.values()) == ["abandoned", "succeeded"]
    # the killed run is not left 'running' forever: the rerun found it and says what happened
    (killed_error,) = [error for status, error in runs.values() if status == "abandoned"]
    assert "abandoned: the process ended" in killed_error and "found by run" in killed_error


def test_sigkill_in_the_middle_of_publish_keeps_the_old_publication_whole(
    tmp_path: Path, snapshot_copy: Path, prefect_api: str, first_run: Path
) -> None:
    data = _copy_of(first_run, tmp_path)
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
                    "'BPBP6JYNSN907' AND period = '2026-09'").fetchall()
    revisions = con.sql("SELECT count(*) FROM ops.revisions").fetchall()[0][0]
    con.close()
    assert value == [(-12345.6e8,)] and revisions == HISTORY_REVISIONS + 1
    assert _manifest_matches_files(data / "published")
    assert _leftovers(data) == []


@pytest.mark.parametrize("where", ["publish-pointer", "publish-cleanup"])
def test_sigkill_around_the_pointer_switch_leaves_one_whole_published_set(
    tmp_path: Path, snapshot_copy: Path, prefect_api: str, first_run: Path, where: str
) -> None:
    """Killed after the analysts' copy was swapped but before data/published was switched, the old set
    stays current and whole; killed after the switch, the new one is current and whole. Either way the
    next run removes what was left and records the killed run honestly."""
    data = _copy_of(first_run, tmp_path)
    first = _published_run(data)
    _revise_snapshot(snapshot_copy)
    _start_paused_and_kill(data, snapshot_copy, prefect_api, where, tmp_path)
    assert (data / "published").is_symlink() and _manifest_matches_files(data / "published")
    killed = next(r for r in _runs(data / "warehouse" / "mieruka-work.duckdb") if r != first)
    assert _published_run(data) == (first if where == "publish-pointer" else killed)
    rerun = _run(data, snapshot_copy, prefect_api)
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    assert _manifest_matches_files(data / "published") and _leftovers(data) == []
    status, error = _runs(data / "mieruka.duckdb")[killed]
    if where == "publish-pointer":
        assert status == "abandoned" and "its publication did not complete" in error
    else:  # its set was switched in: it did publish, and the manifest says with which status
        assert status == "succeeded" and "its publication completed" in error


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
    tmp_path: Path, snapshot_copy: Path, prefect_api: str, first_run: Path
) -> None:
    data = _copy_of(first_run, tmp_path)
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
    assert revisions == HISTORY_REVISIONS + 1  # a fresh connection after the swap sees the new vintage


CHECKSUM_READER = r"""
import hashlib, json, os, sys
data, stop, log = sys.argv[1], sys.argv[2], sys.argv[3]
checks = mismatches = vanished = 0
runs = set()
while not os.path.exists(stop):
    try:
        root = os.path.realpath(os.path.join(data, "published"))  # resolve once, read the whole set there
        manifest = json.load(open(os.path.join(root, "manifest.json"), encoding="utf-8"))
        for info in manifest["tables"].values():
            for entry in (info, info.get("csv")):
                if entry:
                    with open(os.path.join(root, entry["path"]), "rb") as fh:
                        mismatches += hashlib.sha256(fh.read()).hexdigest() != entry["sha256"]
                    checks += 1
        runs.add(manifest.get("run_id") or manifest["generated_at"])
    except FileNotFoundError:
        vanished += 1
    except ValueError:  # a manifest read while it was being replaced: a torn read as well
        mismatches += 1
open(log, "w").write(json.dumps({"checks": checks, "mismatches": mismatches, "vanished": vanished,
                                 "runs": len(runs)}))
"""


def test_a_reader_checking_every_checksum_during_publishes_never_sees_a_torn_set(
    tmp_path: Path, snapshot_copy: Path, prefect_api: str, first_run: Path
) -> None:
    data = _copy_of(first_run, tmp_path)
    stop, log = tmp_path / "stop", tmp_path / "reader.json"
    reader = subprocess.Popen([sys.executable, "-c", CHECKSUM_READER, str(data), str(stop), str(log)],
                              stderr=subprocess.PIPE, text=True)
    try:
        for day, value in enumerate((-111.1, -222.2, -333.3), start=1):  # each publish changes a mart
            _revise_snapshot(snapshot_copy, value, 20260310 + day)
            run = _run(data, snapshot_copy, prefect_api)
            assert run.returncode == 0, run.stderr[-3000:]
    finally:
        stop.write_text("")
        _, err = reader.communicate(timeout=60)
    seen = json.loads(log.read_text())
    assert seen["mismatches"] == 0 and seen["vanished"] == 0, (seen, err[-2000:])
    assert seen["runs"] == 4 and seen["checks"] > 100, seen  # it read every publication, throughout
