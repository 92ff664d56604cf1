"""`mieruka serve` starts a local Prefect server, serves the scheduled deployment, stops on Ctrl-C."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.conftest import PROJECT_ROOT


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_schedules_the_deployment_in_tokyo_time_and_stops_cleanly(tmp_path: Path) -> None:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "flows.cli", "serve", "--data-dir", str(tmp_path / "data"), "--port", str(port)],
            cwd=PROJECT_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 90
            while "being served" not in log.read_text() and time.monotonic() < deadline:
                assert proc.poll() is None, log.read_text()
                time.sleep(0.5)
            assert "being served" in log.read_text(), log.read_text()
            api = f"http://127.0.0.1:{port}/api"
            deployments = httpx.post(f"{api}/deployments/filter", json={}, timeout=10).json()
            deployment = next(d for d in deployments if d["name"] == "mieruka-daily")
            schedule = deployment["schedules"][0]["schedule"]
            assert (schedule["cron"], schedule["timezone"]) == ("30 9 * * *", "Asia/Tokyo")
            assert deployment["parameters"]["mode"] == "live"
        finally:
            proc.send_signal(signal.SIGINT)
            code = proc.wait(timeout=60)
    assert code == 0
    assert "stopped" in log.read_text()
    with socket.socket() as sock:
        assert sock.connect_ex(("127.0.0.1", port)) != 0, "the Prefect server is still listening"
    assert (tmp_path / "data" / "prefect").is_dir()
