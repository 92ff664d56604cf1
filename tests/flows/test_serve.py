"""The Prefect server mieruka starts is its child and dies with it; `mieruka serve` serves the
scheduled deployment and the Prefect UI, and stops cleanly on Ctrl-C.

These start real Prefect servers (no PREFECT_API_URL), so each takes a server start-up. Linux
only, as mieruka is (/proc, PR_SET_PDEATHSIG, flock).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import PROJECT_ROOT


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "MIERUKA_"))}
    return {**env, **extra}


def _processes() -> dict[int, tuple[str, int, int, str]]:
    """pid -> (state, parent pid, process group, command line), from /proc."""
    found = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
            fields = stat[stat.rindex(")") + 2:].split()
            cmdline = Path(entry.path, "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except (OSError, ValueError):
            continue  # gone meanwhile
        found[int(entry.name)] = (fields[0], int(fields[1]), int(fields[2]), cmdline)
    return found


def _survivors(pid: int, children: set[int], deadline_s: float = 60) -> dict[int, str]:
    """Live (non-zombie) processes of the killed process's group or among its former children,
    after waiting up to deadline_s for them to go."""
    deadline = time.monotonic() + deadline_s
    while True:
        left = {p: info[3] for p, info in _processes().items()
                if (info[2] == pid or p in children) and info[0] != "Z"}
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.2)


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["kill-9", "sigterm"])
def test_killing_mieruka_run_leaves_no_prefect_server_behind(tmp_path: Path, sig: signal.Signals) -> None:
    marker = tmp_path / "paused"
    proc = subprocess.Popen(
        [sys.executable, "-m", "flows.cli", "run", "--source", "boj", "--data-dir", str(tmp_path / "data")],
        cwd=PROJECT_ROOT, env=_env(MIERUKA_TEST_PAUSE_AT="load", MIERUKA_TEST_PAUSE_FILE=str(marker)),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 240
        while not marker.exists():
            assert proc.poll() is None, proc.communicate()[1][-3000:]
            assert time.monotonic() < deadline, "the run never reached the pause point"
            time.sleep(0.2)
        children = {p: info[3] for p, info in _processes().items() if info[1] == proc.pid}
        servers = [p for p, cmd in children.items() if "uvicorn" in cmd and "prefect.server" in cmd]
        assert servers, f"no Prefect server child of the run: {children}"
        os.kill(proc.pid, sig)
        _out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == (-sig if sig == signal.SIGKILL else 128 + sig)
    if sig == signal.SIGTERM:
        assert err.strip().splitlines() == ["mieruka run: terminated (SIGTERM); stopping the Prefect server"], err
    left = _survivors(proc.pid, set(children))
    assert not left, f"still running after the run was killed: {left}"


def test_serve_schedules_the_deployment_serves_the_ui_and_stops_cleanly(tmp_path: Path) -> None:
    port = _free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "flows.cli", "serve", "--data-dir", str(tmp_path / "data"), "--port", str(port)],
            cwd=PROJECT_ROOT, env=_env(), stdout=out, stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 240
            while "being served" not in log.read_text() and time.monotonic() < deadline:
                assert proc.poll() is None, log.read_text()
                time.sleep(0.5)
            assert "being served" in log.read_text(), log.read_text()
            assert f"Prefect UI: http://127.0.0.1:{port}/" in log.read_text()
            api = f"http://127.0.0.1:{port}/api"
            deployments = httpx.post(f"{api}/deployments/filter", json={}, timeout=10).json()
            deployment = next(d for d in deployments if d["name"] == "mieruka-daily")
            schedule = deployment["schedules"][0]["schedule"]
            assert (schedule["cron"], schedule["timezone"]) == ("30 9 * * *", "Asia/Tokyo")
            assert deployment["parameters"]["mode"] == "live"

            page = httpx.get(f"http://127.0.0.1:{port}/", timeout=10, follow_redirects=True)
            assert page.status_code == 200 and "<html" in page.text.lower() and "prefect" in page.text.lower()
            settings = httpx.get(f"http://127.0.0.1:{port}/ui-settings", timeout=10).json()
            assert settings["api_url"].rstrip("/").endswith("/api")

            # the scheduler service runs: it creates the deployment's upcoming runs
            runs: list = []
            while not runs and time.monotonic() < deadline:
                runs = httpx.post(f"{api}/flow_runs/filter", timeout=10, json={
                    "deployments": {"id": {"any_": [deployment["id"]]}},
                    "flow_runs": {"state": {"type": {"any_": ["SCHEDULED"]}}},
                }).json()
                time.sleep(1)
            assert runs, "the server scheduled no run of the deployment"
        finally:
            proc.send_signal(signal.SIGINT)
            code = proc.wait(timeout=60)
    assert code == 0
    assert "stopped" in log.read_text()
    with socket.socket() as sock:
        assert sock.connect_ex(("127.0.0.1", port)) != 0, "the Prefect server is still listening"
    assert (tmp_path / "data" / "prefect").is_dir()


def test_a_one_shot_server_whose_port_was_taken_is_launched_again_on_another(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`mieruka run` sets PREFECT_API_URL from `launch()` before the server answers; if another process
    took that port meanwhile, `wait()` launches it again elsewhere and returns the URL that answers."""
    from flows import serve

    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    ports = iter([taken.getsockname()[1], _free_port()])
    monkeypatch.setattr(serve, "_free_port", lambda: next(ports))
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "home"))
    server = serve.PrefectServer(tmp_path / "server.log", one_shot=True)
    try:
        launched = server.launch()
        answered = server.wait(timeout_s=120)
        assert launched.endswith(f":{taken.getsockname()[1]}/api") and answered != launched
        assert httpx.get(f"{answered}/health", timeout=10).status_code == 200
    finally:
        server.stop()
        taken.close()
