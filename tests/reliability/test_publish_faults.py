"""A publish that fails, and runs that end without recording it: the exit code says nothing was published
(4, not 1), ops.runs says 'failed' with the cause instead of 'succeeded' or 'running', no partial file is
left, and the previous publication stays current and whole.

The full disk and the read-only folder are real where the test can make them (as root: a small tmpfs,
a read-only bind mount; otherwise chmod for the read-only case); where it cannot, the same error is
injected at the same step through MIERUKA_TEST_FAIL_AT (flows/pipeline.py pause_point), so the test
always runs."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pytest

from flows.pipeline import NothingPublished, pipeline
from tests.conftest import PROJECT_ROOT
from tests.reliability.test_crash_and_concurrency import (
    _leftovers,
    _manifest_matches_files,
    _published_run,
    _revise_snapshot,
    _runs,
)

WORK = Path("warehouse") / "mieruka-work.duckdb"


def _cli(data: Path, snapshots: Path, api: str, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "MIERUKA_TEST_"))}
    return subprocess.run(
        [sys.executable, "-m", "flows.cli", "run", "--data-dir", str(data), "--snapshots", str(snapshots)],
        cwd=PROJECT_ROOT, env={**env, "PREFECT_API_URL": api, **extra}, capture_output=True, text=True, timeout=300,
    )


def _mount(*args: str) -> bool:
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    return subprocess.run(["mount", *args], capture_output=True).returncode == 0


def _umount(path: Path) -> None:
    subprocess.run(["umount", "-l", str(path)], capture_output=True, check=False)


@contextmanager
def full_disk(data: Path, tmp: Path) -> Iterator[tuple[Path, dict[str, str]]]:
    """The data directory moved onto a small file system (a tmpfs sized from the files) where the copy
    of the warehouse that publishing makes cannot fit. The writer's own file stays on the big disk
    (data/warehouse is a link to it), so the load never runs short and the disk fills exactly while
    publishing. Yields the data directory to use and the environment to add (the injected ENOSPC
    when no tmpfs can be mounted)."""
    mount = tmp / "small-disk"
    mount.mkdir()
    work = data / WORK
    used = sum(p.stat().st_size for p in data.rglob("*") if p.is_file() and not p.is_symlink()) - work.stat().st_size
    room = work.stat().st_size // 2  # a new published set fits; a copy of the whole warehouse does not
    if not _mount("-t", "tmpfs", "-o", f"size={used + room}", "tmpfs", str(mount)):
        yield data, {"MIERUKA_TEST_FAIL_AT": "publish-export"}  # after the copy: it must be removed
        return
    try:
        shutil.copytree(data, mount / "data", symlinks=True, ignore=shutil.ignore_patterns("warehouse"))
        big = tmp / "big-disk-warehouse"
        shutil.copytree(data / "warehouse", big)
        (mount / "data" / "warehouse").symlink_to(big, target_is_directory=True)
        yield mount / "data", {}
    finally:
        _umount(mount)


@contextmanager
def read_only(folder: Path) -> Iterator[dict[str, str]]:
    """`folder` made read-only for the run: a read-only bind mount as root, chmod otherwise (root ignores
    permissions), the injected EROFS when neither can be done."""
    if os.geteuid() != 0:
        mode = folder.stat().st_mode
        folder.chmod(0o555)
        try:
            yield {}
        finally:
            folder.chmod(mode)
        return
    if not (_mount("--bind", str(folder), str(folder)) and _mount("-o", "remount,ro,bind", str(folder))):
        _umount(folder)
        yield {"MIERUKA_TEST_FAIL_AT": "publish-export", "MIERUKA_TEST_FAIL_ERRNO": "EROFS"}
        return
    try:
        yield {}
    finally:
        _umount(folder)


def test_a_full_disk_while_publishing_exits_4_records_failed_and_leaves_no_partial_copy(
    tmp_path: Path, snapshot_copy: Path, prefect_api: str
) -> None:
    base = tmp_path / "data"
    assert _cli(base, snapshot_copy, prefect_api).returncode == 0
    _revise_snapshot(snapshot_copy)
    with full_disk(base, tmp_path) as (data, env):
        first = _published_run(data)
        old_copy = (data / "mieruka.duckdb").read_bytes()
        result = _cli(data, snapshot_copy, prefect_api, **env)
        assert result.returncode == 4, result.stderr[-3000:]
        assert "nothing was published: the publish step failed" in result.stderr
        assert "No space left on device" in result.stderr
        assert _leftovers(data) == []  # the half-made copy and the staging directory were removed
        assert _published_run(data) == first and _manifest_matches_files(data / "published")
        assert (data / "mieruka.duckdb").read_bytes() == old_copy
        failed = {r: v for r, v in _runs(data / WORK).items() if r != first}
        (status, error), = failed.values()
        assert status == "failed" and "the publish step failed" in error and "No space left on device" in error


def test_a_read_only_published_folder_exits_4_and_the_run_is_failed_not_running(
    tmp_path: Path, snapshot_copy: Path, prefect_api: str
) -> None:
    data = tmp_path / "data"
    assert _cli(data, snapshot_copy, prefect_api).returncode == 0
    first = _published_run(data)
    _revise_snapshot(snapshot_copy)
    with read_only(data / "published-versions") as env:
        result = _cli(data, snapshot_copy, prefect_api, **env)
    assert result.returncode == 4, result.stderr[-3000:]
    assert "nothing was published: the publish step failed" in result.stderr
    assert "Read-only file system" in result.stderr or "Permission denied" in result.stderr
    assert _published_run(data) == first and _manifest_matches_files(data / "published") and _leftovers(data) == []
    failed = next(v for r, v in _runs(data / WORK).items() if r != first)
    assert failed[0] == "failed" and "the publish step failed" in failed[1]
    again = _cli(data, snapshot_copy, prefect_api)  # writable again: the next run publishes
    assert again.returncode == 0, again.stderr[-3000:]
    statuses = sorted(status for status, _ in _runs(data / "mieruka.duckdb").values())
    assert statuses == ["failed", "succeeded", "succeeded"]


@pytest.fixture
def data_with_one_run(tmp_path: Path, snapshot_copy: Path, prefect_api: str) -> Path:
    data = tmp_path / "data"
    pipeline(data_dir=str(data), snapshots_dir=str(snapshot_copy))
    return data


def test_when_even_the_failure_cannot_be_written_the_next_run_marks_the_run_abandoned(
    data_with_one_run: Path, snapshot_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = data_with_one_run
    first = _published_run(data)
    _revise_snapshot(snapshot_copy)
    monkeypatch.setenv("MIERUKA_TEST_FAIL_AT", "publish-export,record-failure")  # a disk that stays full
    with pytest.raises(NothingPublished, match="the publish step failed: OSError"):
        pipeline(data_dir=str(data), snapshots_dir=str(snapshot_copy))
    runs = _runs(data / WORK)
    dead = next(r for r in runs if r != first)
    assert runs[dead][0] == "running"  # nothing could be written: the row is as the run left it
    assert _leftovers(data) == [] and _published_run(data) == first
    monkeypatch.delenv("MIERUKA_TEST_FAIL_AT")
    summary = pipeline(data_dir=str(data), snapshots_dir=str(snapshot_copy))
    status, error = _runs(data / "mieruka.duckdb")[dead]
    assert status == "abandoned" and f"found by run {summary.run_id}" in error
    assert _published_run(data) == summary.run_id


def test_a_run_that_published_but_could_not_record_its_end_is_repaired_from_the_manifest(
    data_with_one_run: Path, snapshot_copy: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    data = data_with_one_run
    monkeypatch.setenv("MIERUKA_TEST_FAIL_AT", "finish-run")  # the last write of the run fails
    summary = pipeline(data_dir=str(data), snapshots_dir=str(snapshot_copy))
    assert "could not record the end of run" in capsys.readouterr().err
    assert _published_run(data) == summary.run_id  # the publication stands
    assert _runs(data / WORK)[summary.run_id][0] == "running"
    assert _runs(data / "mieruka.duckdb")[summary.run_id][0] == "succeeded"  # the published copy knows
    monkeypatch.delenv("MIERUKA_TEST_FAIL_AT")
    later = pipeline(data_dir=str(data), snapshots_dir=str(snapshot_copy))
    status, error = _runs(data / "mieruka.duckdb")[summary.run_id]
    assert status == "succeeded" and f"repaired by run {later.run_id}" in error


def test_a_failed_load_is_recorded_and_exits_4_while_failed_sources_alone_exit_1(
    tmp_path: Path, snapshot_copy: Path, prefect_api: str
) -> None:
    data = tmp_path / "data"
    for body in (snapshot_copy / "worldbank").glob("*.body"):
        body.write_bytes(b"<html>Service unavailable</html>")
    partial = _cli(data, snapshot_copy, prefect_api)
    assert partial.returncode == 1 and "FAILED: 1 of 7 source(s); the other 6 loaded and published" in partial.stderr
    broken = _cli(data, snapshot_copy, prefect_api, MIERUKA_TEST_FAIL_AT="load", MIERUKA_TEST_FAIL_ERRNO="EIO")
    assert broken.returncode == 4, broken.stderr[-3000:]
    assert "nothing was published: the load step failed: OSError" in broken.stderr
    assert "(1 source(s) had failed too)" in broken.stderr
    con = duckdb.connect(str(data / WORK), read_only=True)
    try:
        rows = con.sql("SELECT status, error FROM ops.runs ORDER BY started_at").fetchall()
    finally:
        con.close()
    assert [status for status, _ in rows] == ["partial", "failed"]
    assert "worldbank" in rows[1][1] and "the load step failed" in rows[1][1]
    manifest = json.loads((data / "published" / "manifest.json").read_text())
    assert manifest["run_status"] == "partial"
