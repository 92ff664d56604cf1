"""The `mieruka` command as a user runs it: a real subprocess against the session's Prefect API."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.conftest import PROJECT_ROOT

MIERUKA = [sys.executable, "-m", "flows.cli"]


def mieruka(*args: str, api: str | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    if api:
        env["PREFECT_API_URL"] = api
    return subprocess.run(
        [*MIERUKA, *args], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def test_run_prints_progress_summary_and_paths_then_status_is_healthy(tmp_path: Path, prefect_api: str) -> None:
    data = tmp_path / "data"
    result = mieruka("run", "--data-dir", str(data), api=prefect_api)
    assert result.returncode == 0, result.stderr[-2000:]
    out = result.stdout
    for stage in ("[1/4] warehouse", "[2/4] fetch + parse", "[3/4] load + marts", "[4/4] publish"):
        assert stage in out
    assert "succeeded" in out
    assert f"{data / 'mieruka.duckdb'}" in out and f"{data / 'published'}" in out and "index.html" in out
    boj_line = next(line for line in out.splitlines() if line.strip().startswith("boj "))
    assert "3788" in boj_line  # 25 series x 144 months, and 4 quarterly EU series x 47 quarters loaded
    con = duckdb.connect(str(data / "mieruka.duckdb"), read_only=True)
    assert con.sql("SELECT count(*) FROM core.observations").fetchall()[0][0] > 3600
    con.close()

    status = mieruka("status", "--data-dir", str(data))
    assert status.returncode == 0, status.stdout
    assert "boj" in status.stdout and "ok" in status.stdout


def test_failed_source_exits_non_zero_with_one_line_per_failure(
    tmp_path: Path, prefect_api: str, snapshot_copy: Path
) -> None:
    for body in (snapshot_copy / "worldbank").glob("*.body"):
        body.write_bytes(b"<html>Service unavailable</html>")
    result = mieruka("run", "--data-dir", str(tmp_path / "d"), "--snapshots", str(snapshot_copy),
                     "--source", "worldbank", "--source", "boj", api=prefect_api)
    assert result.returncode == 1
    assert "FAILED: 1 source(s)" in result.stderr
    failure_lines = [line for line in result.stderr.splitlines() if line.startswith("  worldbank: GET ")]
    assert len(failure_lines) == 1 and "not UTF-8 JSON" in failure_lines[0]
    assert "boj" in result.stdout and "succeeded" in result.stdout
    status = mieruka("status", "--data-dir", str(tmp_path / "d"))
    assert status.returncode == 1 and "FAILING" in status.stdout


def test_unknown_source_is_a_usage_error_that_lists_the_known_ones(tmp_path: Path, prefect_api: str) -> None:
    result = mieruka("run", "--data-dir", str(tmp_path), "--source", "nope", api=prefect_api)
    assert result.returncode == 2
    assert "unknown source(s) nope" in result.stderr and "boj" in result.stderr


@pytest.mark.parametrize("command", [[], ["run"], ["status"], ["serve"], ["catalog"]])
def test_help_describes_every_command(command: list[str]) -> None:
    result = mieruka(*command, "--help")
    assert result.returncode == 0
    assert "usage: mieruka" in result.stdout
    if command == ["run"]:
        for option in ("--mode", "--snapshots", "--data-dir", "--source", "replay", "record"):
            assert option in result.stdout


def test_status_without_a_warehouse_says_what_to_do(tmp_path: Path) -> None:
    result = mieruka("status", "--data-dir", str(tmp_path))
    assert result.returncode == 1 and "run `mieruka run` first" in result.stdout


def test_catalog_check_passes_on_the_shipped_catalog() -> None:
    result = mieruka("catalog", "check")
    assert result.returncode == 0 and "catalog ok" in result.stdout
