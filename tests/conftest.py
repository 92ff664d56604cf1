"""Shared fixtures: one Prefect test harness per session, a loopback HTTP server, temp data dirs."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.loopback import LoopbackServer
from tests.support.pg import DSN_ENV, PgServer

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SNAPSHOTS = PROJECT_ROOT / "snapshots"


@pytest.fixture(scope="session")
def prefect_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Prefect API for the whole session (temporary home); returns its URL for subprocesses."""
    home = tmp_path_factory.mktemp("prefect-home")
    os.environ["PREFECT_HOME"] = str(home)
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=60):
        yield str(PREFECT_API_URL.value())


@pytest.fixture(scope="session")
def default_run(tmp_path_factory: pytest.TempPathFactory, prefect_api: str):
    """`make run`'s pipeline once per session (once per xdist worker) on the recorded snapshots: the
    directory holding its `data/`, and its summary. Shared by the modules that only read what a default
    run publishes; a test that changes anything works on a copy."""
    from flows.pipeline import pipeline

    root = tmp_path_factory.mktemp("default-run")
    summary = pipeline(data_dir=str(root / "data"), snapshots_dir=str(SNAPSHOTS))
    return root, summary


@pytest.fixture
def loopback() -> Iterator[LoopbackServer]:
    server = LoopbackServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def snapshot_copy(tmp_path: Path) -> Path:
    """A private copy of the recorded snapshots that a test may corrupt."""
    target = tmp_path / "snapshots"
    shutil.copytree(SNAPSHOTS, target, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return target


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """One private PostgreSQL for the session (tests/support/pg.py), or the server MIERUKA_TEST_PG_DSN names."""
    if os.environ.get(DSN_ENV):
        yield PgServer.from_dsn(os.environ[DSN_ENV])
        return
    root = Path(tempfile.mkdtemp(prefix="mieruka-pg-"))
    server = PgServer.start(root)
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)
