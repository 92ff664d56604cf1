"""The e-Stat application id never reaches a stored URL, snapshot, log, artifact, file or error."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import httpx

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
