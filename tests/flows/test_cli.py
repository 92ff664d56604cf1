"""The `mieruka` command as a user runs it: a real subprocess against the session's Prefect API.

Usage errors are checked through a probe that records, at exit, which Prefect modules the
process imported: a usage error must end before Prefect is imported (and so before any Prefect
server could start), and must leave the data directory uncreated.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import duckdb
import httpx
import pytest

from catalog.loader import CATALOG_DIR
from flows.cli import short_cause
from flows.http import FetchError
from flows.lock import warehouse_lock
from tests.conftest import PROJECT_ROOT

MIERUKA = [sys.executable, "-m", "flows.cli"]
#: runs `flows.cli.main` and writes the Prefect modules imported by then to $MIERUKA_PROBE at exit
PROBE = (
    "import atexit, json, os, sys\n"
    "atexit.register(lambda: open(os.environ['MIERUKA_PROBE'], 'w').write(json.dumps(sorted("
    "m for m in sys.modules if m == 'prefect' or m.startswith('prefect.')))))\n"
    "from flows.cli import main\n"
    "sys.exit(main(sys.argv[1:]))\n"
)


def _env(api: str | None, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "MIERUKA_"))}
    if api:
        env["PREFECT_API_URL"] = api
    return {**env, **extra}


def mieruka(*args: str, api: str | None = None, timeout: float = 180, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*MIERUKA, *args], cwd=PROJECT_ROOT, env=_env(api, **extra), capture_output=True, text=True,
        timeout=timeout, check=False,
    )


def probed(tmp_path: Path, *args: str, **extra: str) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    """Run the command with no Prefect API configured; return the result and the Prefect modules it imported."""
    probe = tmp_path / "probe.json"
    probe.unlink(missing_ok=True)
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *args], cwd=PROJECT_ROOT, env=_env(None, MIERUKA_PROBE=str(probe), **extra),
        capture_output=True, text=True, timeout=120, check=False,
    )
    return result, json.loads(probe.read_text())


def assert_one_line_usage_error(result: subprocess.CompletedProcess[str], prefect_modules: list[str]) -> str:
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert prefect_modules == [], f"Prefect was imported for a usage error: {prefect_modules[:5]}"
    return lines[0]


def _row(out: str, source: str) -> str:
    return next(line for line in out.splitlines() if line.strip().startswith(f"{source} "))


def test_run_prints_progress_summary_sample_and_paths_then_status_is_healthy(tmp_path: Path, prefect_api: str) -> None:
    data = tmp_path / "data"
    result = mieruka("run", "--data-dir", str(data), api=prefect_api)
    assert result.returncode == 0, result.stderr[-2000:]
    out = result.stdout
    for stage in ("[1/4] warehouse", "[2/4] fetch + parse", "[3/4] load + marts", "[4/4] publish"):
        assert stage in out
    assert "succeeded" in out
    assert f"{data / 'mieruka.duckdb'}" in out and f"{data / 'published'}" in out and "index.html" in out
    boj_line = _row(out, "boj")
    # every key of today's BOJ answer is new (24 BP01 series to 2026-09, FXERM07 to 2026-10, 4 quarterly EU
    # series to 2025Q3); the release history revised 48 of them on the way
    assert "4014 new, 48 revised" in boj_line and "sample" in boj_line
    assert "SAMPLE DATA: boj, worldbank" in out
    artifact = httpx.post(f"{prefect_api}/artifacts/filter", timeout=10, json={
        "artifacts": {"key": {"any_": ["mieruka-run"]}}, "sort": "CREATED_DESC", "limit": 1}).json()[0]
    assert artifact["data"].startswith("# mieruka run ") and "**Sample data:** boj, worldbank" in artifact["data"]
    assert "| boj | succeeded | sample |" in artifact["data"]
    con = duckdb.connect(str(data / "mieruka.duckdb"), read_only=True)
    assert con.sql("SELECT count(*) FROM core.observations").fetchall()[0][0] > 3600
    con.close()

    status = mieruka("status", "--data-dir", str(data))
    assert status.returncode == 0, status.stdout
    boj_status = _row(status.stdout, "boj")
    assert "replayed" in boj_status and "sample" in boj_status
    assert " ok " not in boj_status and "fresh" not in status.stdout
    assert "SAMPLE DATA" in status.stdout


def test_source_names_are_case_insensitive_and_a_second_run_says_bodies_were_unchanged(
    tmp_path: Path, prefect_api: str
) -> None:
    data = tmp_path / "data"
    first = mieruka("run", "--data-dir", str(data), "--source", "BOJ", api=prefect_api)
    assert first.returncode == 0, first.stderr[-2000:]
    assert "sources=boj" in first.stdout and "4014 new" in _row(first.stdout, "boj")
    second = mieruka("run", "--data-dir", str(data), "--source", "Boj", "--source", "boj", api=prefect_api)
    assert second.returncode == 0, second.stderr[-2000:]
    assert "sources=boj\n" in second.stdout
    row = _row(second.stdout, "boj")
    assert "9 bodies unchanged, skipped" in row and "parsed" not in row, row


def test_failed_source_exits_1_with_one_short_line_per_failure_and_status_prints_the_cause_in_full(
    tmp_path: Path, prefect_api: str, snapshot_copy: Path
) -> None:
    for body in (snapshot_copy / "worldbank").glob("*.body"):
        body.write_bytes(b"<html>Service unavailable</html>")
    data = tmp_path / "d"
    result = mieruka("run", "--data-dir", str(data), "--snapshots", str(snapshot_copy),
                     "--source", "worldbank", "--source", "boj", api=prefect_api)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines == [lines[0], lines[1]], result.stderr  # one cause, one summary line
    assert lines[0].startswith("  worldbank: api.worldbank.org/v2/country/") and "not UTF-8 JSON" in lines[0]
    assert "?" not in lines[0] and len(lines[0]) < 250
    assert lines[1].startswith("FAILED: 1 of 2 source(s); the other 1 loaded and published")
    assert "Traceback" not in result.stderr + result.stdout
    assert "succeeded" in _row(result.stdout, "boj") and "failed" in _row(result.stdout, "worldbank")

    status = mieruka("status", "--data-dir", str(data))
    assert status.returncode == 1 and "FAILING" in _row(status.stdout, "worldbank")
    con = duckdb.connect(str(data / "mieruka.duckdb"), read_only=True)
    error = con.sql("SELECT last_error FROM ops.source_health WHERE source_id = 'worldbank'").fetchall()[0][0]
    con.close()
    assert len(error) > 100
    cause = status.stdout.split("worldbank failed:\n", 1)[1].split("\n\n", 1)[0]
    assert re.sub(r"\s", "", error) in re.sub(r"\s", "", cause)  # in full, not cut at 100 characters
    assert all(len(line) <= 100 for line in cause.splitlines())  # wrapped


@pytest.mark.parametrize(("name", "guess"), [("bojj", "did you mean boj?"), ("nope", None)])
def test_unknown_source_is_one_line_exit_2_before_prefect_starts(tmp_path: Path, name: str, guess: str | None) -> None:
    data = tmp_path / "data"
    result, prefect = probed(tmp_path, "run", "--data-dir", str(data), "--source", name)
    line = assert_one_line_usage_error(result, prefect)
    assert f"unknown source '{name}'" in line and "known sources: boj, worldbank" in line
    assert (guess in line) if guess else ("did you mean" not in line)
    assert not data.exists()


def test_unusable_data_dir_is_one_line_exit_2(tmp_path: Path) -> None:
    a_file = tmp_path / "file"
    a_file.write_text("not a directory")
    for bad, says in ((a_file, "is a file"), (a_file / "sub", f"is inside {a_file}, which is a file")):
        for command in ("run", "status"):
            result, prefect = probed(tmp_path, command, "--data-dir", str(bad))
            line = assert_one_line_usage_error(result, prefect)
            assert f"--data-dir {bad} {says}" in line
    if os.geteuid() != 0:  # root ignores permission bits (CI runs as root): this part needs a plain user
        read_only = tmp_path / "read-only"
        read_only.mkdir()
        read_only.chmod(0o555)
        try:
            result, prefect = probed(tmp_path, "run", "--data-dir", str(read_only / "data"))
            assert "cannot create --data-dir" in assert_one_line_usage_error(result, prefect)
            result, prefect = probed(tmp_path, "run", "--data-dir", str(read_only))
            assert "cannot write to --data-dir" in assert_one_line_usage_error(result, prefect)
        finally:
            read_only.chmod(0o755)


def test_a_locked_warehouse_exits_3_before_prefect_starts(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with warehouse_lock(data):
        result, prefect = probed(tmp_path, "run", "--data-dir", str(data))
    assert result.returncode == 3, result.stderr
    assert result.stderr.splitlines() == [result.stderr.strip()] and "holds the warehouse lock" in result.stderr
    assert prefect == [] and not (data / "prefect").exists()


def test_bad_flags_print_the_usage_of_their_own_command(tmp_path: Path) -> None:
    result, prefect = probed(tmp_path, "run", "--bogus")
    assert result.returncode == 2 and prefect == []
    assert result.stderr.startswith("usage: mieruka run ")
    assert result.stderr.splitlines()[-1] == "mieruka run: error: unrecognized arguments: --bogus"

    result, prefect = probed(tmp_path, "catalog", "lint")
    assert result.returncode == 2 and prefect == []
    assert "invalid choice" not in result.stderr and "argument action" not in result.stderr
    assert "unknown catalog command 'lint'; the only one is `mieruka catalog check`" in result.stderr

    result, prefect = probed(tmp_path, "stauts")
    assert "unknown command 'stauts' (did you mean status?)" in assert_one_line_usage_error(result, prefect)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_live_mode_without_network_gives_one_cause_per_source_and_skipped_news(
    tmp_path: Path, prefect_api: str
) -> None:
    """Every public API points at a closed loopback port: what a machine without network sees."""
    catalog = tmp_path / "catalog"
    shutil.copytree(CATALOG_DIR, catalog, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    dead = f"http://127.0.0.1:{_closed_port()}"
    sources = catalog / "sources.yaml"
    text = sources.read_text(encoding="utf-8")
    for url in ("https://www.stat-search.boj.or.jp", "https://api.worldbank.org", "https://api.e-stat.go.jp",
                "https://sdmx.oecd.org", "https://ec.europa.eu"):
        assert url in text
        text = text.replace(url, dead)
    sources.write_text(text, encoding="utf-8")
    data = tmp_path / "data"
    env = {"MIERUKA_CATALOG_DIR": str(catalog), "MIERUKA_HTTP_MAX_RETRIES": "0", "ESTAT_APP_ID": "not-a-real-id"}
    result = mieruka("run", "--mode", "live", "--data-dir", str(data), api=prefect_api, **env)
    assert result.returncode == 1, result.stderr[-2000:]
    lines = result.stderr.splitlines()
    failed = ("boj", "worldbank", "estat", "oecd", "eurostat")
    assert len(lines) == len(failed) + 1, result.stderr
    for source, line in zip(failed, lines, strict=False):
        assert line.startswith(f"  {source}: {dead.removeprefix('http://')}/"), line
        assert "refused" in line and "is the service up" in line and len(line) < 250, line
    assert lines[-1].startswith("FAILED: 5 of 7 source(s)") and "skipped: news" in lines[-1]
    assert "Traceback" not in result.stderr + result.stdout
    news = _row(result.stdout, "news")
    assert "skipped" in news and "succeeded" not in news
    status = mieruka("status", "--data-dir", str(data))
    assert "skipped" in _row(status.stdout, "news") and "ok" not in _row(status.stdout, "news")
    con = duckdb.connect(str(data / "mieruka.duckdb"), read_only=True)
    assert con.sql("SELECT status FROM ops.run_sources WHERE source_id = 'news'").fetchall() == [("skipped",)]
    con.close()

    verbose = mieruka("run", "--mode", "live", "--data-dir", str(data), "--source", "boj", "-v",
                      api=prefect_api, **env)
    assert verbose.returncode == 1 and "Traceback" in verbose.stderr  # the traceback only with -v


def test_short_cause_names_the_host_and_hints_what_to_check() -> None:
    url = "https://api.worldbank.org/v2/country/JPN;KOR/indicator/BX.GSR.CCIS.CD?format=json&" + "x=1&" * 150
    dns = short_cause("worldbank", str(FetchError("worldbank", url, "connection error (ConnectError: [Errno -3] "
                                                  "Temporary failure in name resolution) after 1 attempts")))
    assert dns.startswith("worldbank: api.worldbank.org/v2/country/JPN;KOR/indicator/BX.GSR.CCIS.CD: connection error")
    assert "no network?" in dns and dns.count("?") == 1
    assert len(dns) < 250 and "x=1" not in dns
    refused = short_cause("boj", str(FetchError("boj", "https://www.stat-search.boj.or.jp/api/v1/getDataCode",
                                                "[Errno 111] Connection refused")))
    assert refused.startswith("boj: www.stat-search.boj.or.jp/api/v1/getDataCode: [Errno 111]")
    assert "nothing listens there" in refused
    missing = short_cause("boj", "boj: GET https://x.example/a failed: no recorded snapshot at /s/a.body (replay "
                          "mode). Record it with `mieruka run --mode record --source boj`")
    assert "mieruka run --mode record --source boj" in missing and " — " not in missing
    # the HTTP layer's own cause already says what to check: no second hint
    dns_own = short_cause("eurostat", str(FetchError("eurostat", url, "DNS lookup of ec.europa.eu failed (Name or "
                                                     "service not known); no network? check DNS/proxy")))
    assert dns_own.startswith("eurostat: api.worldbank.org/") and dns_own.endswith("check DNS/proxy")


@pytest.mark.parametrize("command", [[], ["run"], ["status"], ["serve"], ["catalog"]])
def test_help_describes_every_command(command: list[str]) -> None:
    result = mieruka(*command, "--help")
    assert result.returncode == 0
    assert "usage: mieruka" in result.stdout
    if command == ["run"]:
        for option in ("--mode", "--snapshots", "--data-dir", "--source", "replay", "record"):
            assert option in result.stdout


def test_catalog_check_passes_on_the_shipped_catalog() -> None:
    result = mieruka("catalog", "check")
    assert result.returncode == 0 and "catalog ok" in result.stdout


def _readme_block(starts: str) -> str:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```sh\n(.*?)^```", readme, re.DOTALL | re.MULTILINE)
    return next(block for block in blocks if block.startswith(starts))


def test_the_readme_query_runs_as_written_with_the_venv_duckdb_shell(tmp_path: Path, prefect_api: str) -> None:
    """`.venv/bin/duckdb` (duckdb-cli) opens the file format a real run writes, read-only."""
    result = mieruka("run", "--data-dir", str(tmp_path / "data"), "--source", "boj", api=prefect_api)
    assert result.returncode == 0, result.stderr[-2000:]
    (tmp_path / ".venv").symlink_to(Path(sys.prefix))
    block = _readme_block(".venv/bin/duckdb -readonly data/mieruka.duckdb")
    shell = subprocess.run(["bash", "-e", "-c", block], cwd=tmp_path, capture_output=True, text=True, timeout=60,
                           check=False)
    assert shell.returncode == 0, shell.stderr
    assert "broad" in shell.stdout and "narrow" in shell.stdout and "true" in shell.stdout
