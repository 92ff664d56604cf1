"""`mieruka status` on real DuckDB files: it writes nothing, ever, and says what the data are.

The warehouses here are built by the real migrations, with the ops rows a run would leave, so
each test runs in well under a second and needs no Prefect.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.flows.test_cli import assert_one_line_usage_error, probed
from warehouse import db

LONG_ERROR = (
    "boj: GET https://www.stat-search.boj.or.jp/api/v1/getDataCode?format=json&lang=en&db=BP01&startDate=201401"
    "&code=" + ",".join(f"BPBP6JYNSK{n:04d}" for n in range(40)) + " failed: connection error (ConnectError: "
    "[Errno -3] Temporary failure in name resolution) after 1 attempts"
)


def _warehouse(data: Path, *, failing: bool = False, sample: bool = True, skipped_news: bool = False) -> Path:
    """A published copy as a replay run (boj, news) leaves it; boj failing last when asked."""
    now = datetime.now(UTC).replace(tzinfo=None)
    path = data / "mieruka.duckdb"
    con = db.connect(path)
    try:
        db.migrate(con)
        con.execute(
            "INSERT INTO ops.runs BY NAME SELECT 'r1' AS run_id, $t AS started_at, $t AS finished_at, "
            "'replay' AS mode, 'succeeded' AS status, ['boj', 'news'] AS sources", {"t": now - timedelta(hours=2)}
        ).fetchall()
        con.execute(
            "INSERT INTO ops.runs BY NAME SELECT 'r2' AS run_id, $t AS started_at, $t AS finished_at, "
            "'live' AS mode, 'partial' AS status, ['boj', 'news'] AS sources", {"t": now - timedelta(hours=1)}
        ).fetchall()
        for run_id, source_id, status in (("r1", "boj", "succeeded"), ("r1", "news", "succeeded"),
                                          ("r2", "boj", "failed" if failing else "succeeded"),
                                          ("r2", "news", "skipped" if skipped_news else "succeeded")):
            con.execute(
                "INSERT INTO ops.run_sources BY NAME SELECT $r AS run_id, $s AS source_id, $st AS status, "
                "1 AS requests, 10 AS bytes, 0 AS bodies_skipped, 0 AS rows_parsed, 0 AS rows_loaded, "
                "0 AS rows_revised, 0 AS rows_unchanged, 0 AS rows_quarantined",
                {"r": run_id, "s": source_id, "st": status},
            ).fetchall()
        con.execute(
            "INSERT INTO ops.source_health (source_id, last_success, last_error_at, last_error, consecutive_failures) "
            "VALUES ('boj', $ok, $err_at, $err, $n), ('news', $ok, NULL, NULL, 0)",
            {"ok": now - timedelta(hours=2), "err_at": now - timedelta(hours=1) if failing else None,
             "err": LONG_ERROR if failing else None, "n": 1 if failing else 0},
        ).fetchall()
        con.execute(
            "INSERT INTO raw.fetches BY NAME SELECT 'r1' AS run_id, 'boj' AS source_id, 'u' AS url, "
            "200 AS http_status, $t AS fetched_at, 'sha' AS sha256, 10 AS bytes, NULL AS content_type, "
            "true AS from_snapshot, $sample AS is_sample",
            {"t": now - timedelta(hours=2), "sample": sample},
        ).fetchall()
        con.execute(
            "INSERT INTO core.observation_versions BY NAME SELECT 'boj_x' AS indicator_id, 'JPN' AS area, "
            "'2024-01' AS period, 1.0 AS value, 'JPY' AS unit, 'boj' AS source_id, 'X' AS series_code, "
            "'sha' AS raw_sha256, $sample AS is_sample, $t AS valid_from, $t AS recorded_at, 'r1' AS load_id",
            {"t": now - timedelta(hours=2), "sample": sample},
        ).fetchall()
        con.execute("CHECKPOINT").fetchall()
    finally:
        con.close()
    return path


def _tree(root: Path) -> dict[str, tuple[int, int]]:
    """Every path under root with its size and modification time: any write changes it."""
    return {str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns) for p in root.rglob("*")} | {
        ".": (0, root.stat().st_mtime_ns)
    }


def _row(out: str, source: str) -> str:
    return next(line for line in out.splitlines() if line.startswith(f"{source} "))


def test_status_writes_nothing_imports_no_prefect_and_calls_replayed_samples_sample(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _warehouse(data)
    before = _tree(data)
    result, prefect = probed(tmp_path, "status", "--data-dir", str(data))
    assert result.returncode == 0, result.stdout + result.stderr
    assert _tree(data) == before
    assert prefect == []
    boj = _row(result.stdout, "boj")
    assert boj.split()[1:3] == ["replayed", "sample"], boj
    assert "fresh" not in result.stdout and "SAMPLE DATA: the current data of boj" in result.stdout


def test_status_of_a_missing_data_dir_creates_nothing_and_names_data_dir(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "data"
    result, prefect = probed(tmp_path, "status", "--data-dir", str(missing))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [result.stderr.strip()] and "Traceback" not in result.stderr
    assert "--data-dir" in result.stderr and "mieruka run" in result.stderr
    assert prefect == [] and not (tmp_path / "nowhere").exists()


def test_status_works_on_a_read_only_data_dir(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _warehouse(data)
    before = _tree(data)
    data.chmod(0o555)
    (data / "mieruka.duckdb").chmod(0o444)
    try:
        result, _prefect = probed(tmp_path, "status", "--data-dir", str(data))
    finally:
        data.chmod(0o755)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "boj " in result.stdout
    assert _tree(data) == before  # as root the permission bits do not bind, so check nothing was written


def test_status_prints_a_failing_cause_in_full_wrapped_and_exits_1(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _warehouse(data, failing=True, sample=False)
    result, _prefect = probed(tmp_path, "status", "--data-dir", str(data))
    assert result.returncode == 1
    boj = _row(result.stdout, "boj")
    assert boj.split()[1:3] == ["FAILING", "recorded"], boj
    cause = result.stdout.split("boj failed:\n", 1)[1]
    assert len(LONG_ERROR) > 300
    assert re.sub(r"\s", "", LONG_ERROR) in re.sub(r"\s", "", cause)
    assert all(len(line) <= 100 for line in cause.splitlines())
    assert "SAMPLE DATA" not in result.stdout


def test_a_skipped_source_is_reported_skipped(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _warehouse(data, skipped_news=True)
    result, _prefect = probed(tmp_path, "status", "--data-dir", str(data))
    assert result.returncode == 0
    assert _row(result.stdout, "news").split()[1] == "skipped"


def test_status_of_a_data_dir_that_is_a_file_is_a_usage_error(tmp_path: Path) -> None:
    a_file = tmp_path / "file"
    a_file.write_text("x")
    result, prefect = probed(tmp_path, "status", "--data-dir", str(a_file))
    assert "is a file, not a directory" in assert_one_line_usage_error(result, prefect)
