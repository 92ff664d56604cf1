"""The Prefect server mieruka runs itself, and `mieruka serve`: the schedule on one machine.

mieruka starts its Prefect server as a child it controls instead of letting Prefect start its
ephemeral one, for three reasons:
- the child gets a parent-death signal (Linux `PR_SET_PDEATHSIG`), so a `kill -9` of the
  `mieruka` process cannot orphan it (Prefect's own ephemeral server lived on, holding
  `prefect.db` and the caller's pipes);
- its output goes to a log file under the data directory, never to the caller's pipes;
- `mieruka` can stop it on SIGTERM before exiting.

`mieruka run` starts a one-shot server (no UI, no background services) on a free port;
`mieruka serve` starts a full one (UI, scheduler) on 127.0.0.1:PORT and serves the `pipeline`
deployment with the cron schedule declared in prefect.yaml. Ctrl-C (or SIGTERM) stops both.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import importlib.util
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import yaml

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
UVICORN_ADDRESS_IN_USE = 3  # uvicorn's exit code when it cannot bind


class ServerFailed(RuntimeError):
    """The Prefect server did not come up; the message says where its log is."""


def deployment_spec() -> dict:
    """The `pipeline` deployment of prefect.yaml (name, schedule, parameters)."""
    doc = yaml.safe_load((PROJECT_ROOT / "prefect.yaml").read_text(encoding="utf-8"))
    for dep in doc.get("deployments", []):
        if dep.get("entrypoint", "").endswith(":pipeline"):
            return dep
    raise RuntimeError("prefect.yaml declares no deployment of flows/pipeline.py:pipeline")


def _die_with_parent() -> Callable[[], None] | None:
    """A preexec function that makes the child receive SIGTERM when this process dies (Linux).

    prctl is looked up before the fork; the child only calls it. If this process died between
    the fork and the prctl call, the child is already an orphan and exits at once.
    """
    if not sys.platform.startswith("linux"):
        return None
    libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
    prctl = libc.prctl
    parent = os.getpid()

    def preexec() -> None:
        prctl(PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0)
        if os.getppid() != parent:
            os._exit(1)

    return preexec


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_in_use(port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


class PrefectServer:
    """A Prefect API server on 127.0.0.1, run as a child of this process.

    one_shot: the ephemeral server `mieruka run` needs (no UI, no background services, any free
    port); otherwise the one `mieruka serve` needs (UI and scheduler on, on `port`).
    """

    def __init__(self, log_path: Path, port: int | None = None, one_shot: bool = True) -> None:
        self.log_path = log_path
        self.port = port
        self.one_shot = one_shot
        self.process: subprocess.Popen | None = None

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    @property
    def ui_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def _command(self) -> list[str]:
        # located, not imported: Prefect reads its settings when imported, and PREFECT_API_URL is only
        # set once this server answers
        spec = importlib.util.find_spec("prefect")
        if spec is None or not spec.submodule_search_locations:
            raise ServerFailed("the prefect package is not installed in this environment")
        site = Path(next(iter(spec.submodule_search_locations))).resolve().parent
        return [
            sys.executable, "-m", "uvicorn",
            "--app-dir", str(site),
            "--factory", "prefect.server.api.server:create_app",
            "--host", "127.0.0.1", "--port", str(self.port),
            "--log-level", "warning", "--lifespan", "on",
        ]  # fmt: skip

    def _env(self) -> dict[str, str]:
        env = {**os.environ, "PREFECT__SERVER_FINAL": "1"}
        env.pop("PREFECT_API_URL", None)
        if self.one_shot:
            env.update(PREFECT__SERVER_EPHEMERAL="1", PREFECT_UI_ENABLED="false", PREFECT_SERVER_UI_ENABLED="false")
        else:
            env.update(PREFECT_UI_ENABLED="true", PREFECT_SERVER_UI_ENABLED="true",
                       PREFECT_SERVER_SERVICES_SCHEDULER_ENABLED="true",
                       PREFECT_SERVER_SERVICES_LATE_RUNS_ENABLED="true")
        return env

    def start(self, timeout_s: float = 90.0) -> str:
        """Start the server and wait until it answers; return its API URL."""
        self.launch()
        return self.wait(timeout_s)

    def launch(self) -> str:
        """Start the server's process and return the API URL it will answer on, without waiting.

        Why apart from `wait`: the server takes seconds to boot, and so does importing Prefect and the
        flows; `mieruka run` does both at once (on two cores, the second costs nothing)."""
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        if self.one_shot:
            self.port = _free_port()
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                self._command(), stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                env=self._env(), preexec_fn=_die_with_parent(),
            )
        return self.api_url

    def wait(self, timeout_s: float = 90.0) -> str:
        """Wait until the launched server answers and return its API URL. A one-shot server whose port
        was taken meanwhile is launched again on another port (the URL returned then differs)."""
        for _attempt in range(5):
            if self._wait_healthy(timeout_s):
                return self.api_url
            if not (self.one_shot and self.process.returncode == UVICORN_ADDRESS_IN_USE):
                break
            self.launch()
        code = self.process.poll() if self.process else None
        self.stop()
        state = f"exited with code {code}" if code is not None else f"did not answer within {timeout_s:.0f} s"
        raise ServerFailed(f"the Prefect server on 127.0.0.1:{self.port} {state}; see its log {self.log_path}")

    def _wait_healthy(self, timeout_s: float) -> bool:
        assert self.process is not None
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                if httpx.get(f"{self.api_url}/health", timeout=2).status_code == 200:
                    return True
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        return False

    def stop(self) -> None:
        """Terminate the server and wait for it (kill it if it does not stop within 10 s)."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def serve(data_dir: Path, port: int) -> int:
    spec = deployment_spec()
    api_url = os.environ.get("PREFECT_API_URL")
    server = None
    if not api_url:
        server = PrefectServer(data_dir / "prefect-server.log", port=port, one_shot=False)
        print(f"starting Prefect server on {server.api_url} (state in {os.environ['PREFECT_HOME']}) ...", flush=True)
        api_url = server.start()
        os.environ["PREFECT_API_URL"] = api_url
        print(f"Prefect UI: {server.ui_url} (flow runs, the mieruka-run and mieruka-revisions artifacts)",
              flush=True)
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        from prefect.schedules import Cron

        from flows.pipeline import pipeline

        schedules = [Cron(s["cron"], timezone=s.get("timezone")) for s in spec["schedules"] if s.get("active", True)]
        # one machine, one process: the sources run in this process, not fanned out to a work pool
        params = {k: v for k, v in spec.get("parameters", {}).items() if k != "source_deployment"}
        params["data_dir"] = str(data_dir)
        when = ", ".join(f"'{s['cron']}' ({s.get('timezone', 'UTC')})" for s in spec["schedules"])
        print(f"serving '{spec['name']}' on cron {when}; Ctrl-C stops", flush=True)
        pipeline.serve(name=spec["name"], schedules=schedules, parameters=params,
                       limit=spec.get("concurrency_limit", 1))
    except KeyboardInterrupt:
        pass
    finally:
        print("stopping ...", flush=True)
        if server is not None:
            server.stop()
        print("stopped", flush=True)
    return 0
