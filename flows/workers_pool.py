"""`mieruka run --workers N` on this machine: a work pool with N process workers for one run.

A temporary Prefect server (unless PREFECT_API_URL is set), a `process` work pool, the `mieruka-source`
deployment registered from prefect.yaml with `prefect deploy`, and N `prefect worker start` processes.
Everything is stopped on the way out, and each child gets a parent-death signal (flows/serve.py), so
even a `kill -9` of `mieruka` leaves no orphan.

This module imports no Prefect: Prefect reads PREFECT_API_URL when it is imported, and the server's
URL is known only once it answers. Import flows.pipeline / flows.workers after `start()`.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx

from flows.serve import PROJECT_ROOT, PrefectServer, _die_with_parent

LOCAL_POOL = "mieruka-local"
SOURCE_DEPLOYMENT = "mieruka-source/mieruka-source"


def _progress(message: str) -> None:
    print(message, flush=True)


class LocalPool:
    """`mieruka run --workers N` on this machine: Prefect server (unless PREFECT_API_URL is set), a
    process work pool, the mieruka-source deployment of prefect.yaml, and N workers. A context manager:
    everything it started is stopped on the way out."""

    def __init__(self, data_dir: Path, workers: int, pool: str = LOCAL_POOL) -> None:
        self.data_dir = data_dir
        self.workers = workers
        self.pool = pool
        self.server: PrefectServer | None = None
        self.processes: list[subprocess.Popen] = []
        self.logs = data_dir / "prefect"

    def __enter__(self) -> LocalPool:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def _env(self) -> dict[str, str]:
        return {**os.environ, "MIERUKA_HOME": str(PROJECT_ROOT), "PREFECT_WORKER_QUERY_SECONDS": "1",
                "PREFECT_WORKER_PREFETCH_SECONDS": "5"}

    def start(self) -> None:
        self.logs.mkdir(parents=True, exist_ok=True)
        if not os.environ.get("PREFECT_API_URL"):
            self.server = PrefectServer(self.logs / "server.log", one_shot=True)
            _progress("starting a temporary Prefect server ...")
            os.environ["PREFECT_API_URL"] = self.server.start()
            # stopped at exit, after Prefect's log and event workers (registered later, so run earlier)
            # have sent what they hold; a SIGKILL of this process stops it through its parent-death signal
            atexit.register(self.server.stop)
        _progress(f"work pool {self.pool} (process), deployment {SOURCE_DEPLOYMENT}, {self.workers} worker(s)")
        self._create_pool(os.environ["PREFECT_API_URL"])
        self._prefect("--no-prompt", "deploy", "--name", SOURCE_DEPLOYMENT.split("/")[1], "--pool", self.pool)
        for number in range(self.workers):
            log = (self.logs / f"worker-{number + 1}.log").open("ab")
            self.processes.append(subprocess.Popen(
                [sys.executable, "-m", "prefect", "worker", "start", "--pool", self.pool, "--type", "process",
                 "--limit", "1", "--name", f"mieruka-local-{os.getpid()}-{number + 1}"],
                cwd=PROJECT_ROOT, env=self._env(), stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                preexec_fn=_die_with_parent(), start_new_session=True,
            ))
            log.close()

    def _create_pool(self, api_url: str) -> None:
        """The process work pool (what `prefect work-pool create NAME --type process` does, without
        starting a Prefect CLI); one that exists already is kept."""
        answer = httpx.post(f"{api_url}/work_pools/", json={"name": self.pool, "type": "process"}, timeout=30)
        if answer.status_code not in (200, 201, 409):
            raise RuntimeError(f"could not create the work pool {self.pool}: {answer.status_code} {answer.text[:500]}")

    def _prefect(self, *args: str) -> None:
        proc = subprocess.run([sys.executable, "-m", "prefect", *args], cwd=PROJECT_ROOT, env=self._env(),
                              capture_output=True, text=True, timeout=300, check=False)
        if proc.returncode != 0:
            raise RuntimeError(f"`prefect {' '.join(args)}` failed ({proc.returncode}):\n{proc.stdout[-2000:]}"
                               f"{proc.stderr[-2000:]}")

    def stop(self) -> None:
        """Stop the workers (their whole process groups: a flow run still going dies with them). A worker
        is idle once the pipeline has waited for every source, so it is killed. The server stops at exit."""
        for process in self.processes:
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)
        self.processes = []
