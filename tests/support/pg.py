"""A private PostgreSQL server for the lake tests: the DuckLake catalog lives in it.

The session starts one cluster on 127.0.0.1 from the Debian server binaries (initdb into a temporary
directory, then pg_ctl; as root both run as the `postgres` user, which initdb requires). Binaries are
looked for under /usr/lib/postgresql/*/bin and on PATH; when missing they are installed with apt-get
(as the dashboard test installs Chromium). With MIERUKA_TEST_PG_DSN set (libpq keyword=value pairs of
a user allowed to create databases), that server is used instead and nothing is started.

Each test takes a fresh database (`create_database`), so tests never see each other's lakes.
"""

from __future__ import annotations

import os
import pwd
import re
import select
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

DSN_ENV = "MIERUKA_TEST_PG_DSN"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _find_bin_dir() -> Path | None:
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name)
                        if p.parent.name.isdigit() else 0, reverse=True)
    for directory in candidates:
        if (directory / "initdb").exists() and (directory / "pg_ctl").exists():
            return directory
    found = shutil.which("initdb")
    return Path(found).resolve().parent if found and shutil.which("pg_ctl") else None


def _install_postgresql() -> Path:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    proc = subprocess.run(["sh", "-c", "apt-get update && apt-get install -y postgresql"], capture_output=True,
                          text=True, timeout=1800, env=env, check=False)
    found = _find_bin_dir()
    if proc.returncode != 0 or found is None:
        tail = "\n".join((proc.stdout + proc.stderr).splitlines()[-25:])
        pytest.fail(f"PostgreSQL server binaries are not installed and `apt-get install -y postgresql` failed "
                    f"(exit {proc.returncode}); the lake tests need a real PostgreSQL (or set {DSN_ENV}):\n{tail}")
    return found


def with_dbname(dsn: str, dbname: str) -> str:
    """`dsn` (libpq keyword=value) naming database `dbname`."""
    rest = re.sub(r"\bdbname\s*=\s*\S+", "", dsn).strip()
    return f"dbname={dbname} {rest}".strip()


class PgServer:
    """A PostgreSQL server the tests may create databases in."""

    def __init__(self, base_dsn: str, psql: str, root: Path | None = None, bin_dir: Path | None = None) -> None:
        self.base_dsn = base_dsn
        self.psql_bin = psql
        self.root = root
        self.bin_dir = bin_dir
        self._count = 0

    @classmethod
    def start(cls, root: Path) -> PgServer:
        bin_dir = _find_bin_dir() or _install_postgresql()
        root.mkdir(parents=True, exist_ok=True)
        data, port = root / "data", _free_port()
        as_postgres = os.geteuid() == 0
        if as_postgres:
            postgres = pwd.getpwnam("postgres")
            os.chown(root, postgres.pw_uid, postgres.pw_gid)  # root is made under /tmp (world-traversable)
        server = cls(f"host=127.0.0.1 port={port} user=postgres dbname=postgres", str(bin_dir / "psql"), root,
                     bin_dir)
        server._as_postgres = as_postgres  # type: ignore[attr-defined]
        server._run([str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                     "--no-sync"])
        options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
        server._run([str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(root / "server.log"), "-o", options,
                     "-w", "-t", "60", "start"])
        return server

    @classmethod
    def from_dsn(cls, dsn: str) -> PgServer:
        bin_dir = _find_bin_dir()
        psql = shutil.which("psql") or (str(bin_dir / "psql") if bin_dir else "psql")
        return cls(dsn, psql)

    def _run(self, command: list[str]) -> str:
        if getattr(self, "_as_postgres", False):
            command = ["runuser", "-u", "postgres", "--", *command]
        proc = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False, cwd="/")
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed ({proc.returncode}): {proc.stdout}{proc.stderr}")
        return proc.stdout

    def psql(self, sql: str, dbname: str | None = None) -> str:
        """Run SQL with psql and return its unaligned, tuples-only output."""
        dsn = with_dbname(self.base_dsn, dbname) if dbname else self.base_dsn
        proc = subprocess.run([self.psql_bin, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", dsn, "-c", sql],
                              capture_output=True, text=True, timeout=120, check=False)
        if proc.returncode != 0:
            raise RuntimeError(f"psql failed: {proc.stderr}")
        return proc.stdout.strip()

    def create_database(self, prefix: str = "lake") -> str:
        """A new empty database; returns its DSN."""
        self._count += 1
        name = f"{prefix}_{os.getpid()}_{self._count}_{int(time.time() * 1000) % 100000}"
        self.psql(f'CREATE DATABASE "{name}"')
        return with_dbname(self.base_dsn, name)

    def hold_lock(self, dbname: str, sql: str) -> subprocess.Popen:
        """An open psql session that ran `sql` in a transaction and keeps it open (and its locks) until
        `release(proc)`."""
        proc = subprocess.Popen([self.psql_bin, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d",
                                 with_dbname(self.base_dsn, dbname)], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert proc.stdin is not None
        proc.stdin.write(f"BEGIN;\n{sql};\n\\echo locked\n")
        proc.stdin.flush()
        assert proc.stdout is not None
        ready, _, _ = select.select([proc.stdout], [], [], 60)
        line = proc.stdout.readline().strip() if ready else "(no answer within 60 s)"
        if line != "locked":
            proc.kill()
            raise RuntimeError(f"could not take the lock: {line} {proc.stderr.read() if proc.stderr else ''}")
        return proc

    @staticmethod
    def release(proc: subprocess.Popen) -> None:
        if proc.poll() is None:
            assert proc.stdin is not None
            proc.stdin.write("ROLLBACK;\n\\q\n")
            proc.stdin.flush()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()

    def stop(self) -> None:
        if self.root is not None and self.bin_dir is not None:
            self._run([str(self.bin_dir / "pg_ctl"), "-D", str(self.root / "data"), "-m", "immediate", "-w", "stop"])


def dbname_of(dsn: str) -> str:
    match = re.search(r"\bdbname\s*=\s*(\S+)", dsn)
    assert match, dsn
    return match.group(1)
