"""`mieruka serve`: the schedule on one machine.

Starts `prefect server start` on 127.0.0.1 with its state under DATA_DIR/prefect, waits until it
answers, then serves the `pipeline` deployment with the cron schedule declared in prefect.yaml.
Ctrl-C (or SIGTERM) stops serving and then the server.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import yaml

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def deployment_spec() -> dict:
    """The `pipeline` deployment of prefect.yaml (name, schedule, parameters)."""
    doc = yaml.safe_load((PROJECT_ROOT / "prefect.yaml").read_text(encoding="utf-8"))
    for dep in doc.get("deployments", []):
        if dep.get("entrypoint", "").endswith(":pipeline"):
            return dep
    raise RuntimeError("prefect.yaml declares no deployment of flows/pipeline.py:pipeline")


def _wait_healthy(api_url: str, server: subprocess.Popen, timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the Prefect server exited with code {server.returncode}")
        try:
            if httpx.get(f"{api_url}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"the Prefect server did not answer at {api_url} within {timeout_s:.0f} s")


def serve(data_dir: Path, port: int) -> int:
    spec = deployment_spec()
    api_url = os.environ.get("PREFECT_API_URL")
    server = None
    if not api_url:
        api_url = f"http://127.0.0.1:{port}/api"
        log = (data_dir / "prefect-server.log").open("ab")
        server = subprocess.Popen(
            [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PREFECT_UI_ENABLED": "true"},
        )
        print(f"starting Prefect server on {api_url} (state in {os.environ['PREFECT_HOME']}) ...", flush=True)
        _wait_healthy(api_url, server)
        os.environ["PREFECT_API_URL"] = api_url
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        from prefect.schedules import Cron

        from flows.pipeline import pipeline

        schedules = [Cron(s["cron"], timezone=s.get("timezone")) for s in spec["schedules"] if s.get("active", True)]
        params = {**spec.get("parameters", {}), "data_dir": str(data_dir)}
        when = ", ".join(f"'{s['cron']}' ({s.get('timezone', 'UTC')})" for s in spec["schedules"])
        print(f"serving '{spec['name']}' on cron {when}; Ctrl-C stops", flush=True)
        pipeline.serve(name=spec["name"], schedules=schedules, parameters=params,
                       limit=spec.get("concurrency_limit", 1))
    except KeyboardInterrupt:
        pass
    finally:
        print("stopping ...", flush=True)
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
        print("stopped", flush=True)
    return 0
