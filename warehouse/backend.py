"""Where the warehouse lives, and how to open, migrate and write it: one object for both backends.

`MIERUKA_WAREHOUSE` / `--warehouse` takes one of
- `duckdb:<path>` (the default, `<data-dir>/warehouse/mieruka-work.duckdb`): the writer's private file;
  the publish step copies it to the analysts' `mieruka.duckdb`;
- `ducklake:postgres:<libpq conninfo>` with `MIERUKA_LAKE_DATA_PATH` / `--lake-data-path` (a local
  directory or `s3://bucket/prefix`): a DuckLake whose catalog is a PostgreSQL database and whose data
  are Parquet files under the data path. Readers attach it themselves (no copy is made).

Both run the same migrations, load SQL and marts; code asks this object, never the URL, how to connect.

Why the pieces are here:
- extensions are loaded by file path from the PyPI wheels pinned beside duckdb (`duckdb-extension-*`,
  the same version as the library), never INSTALLed: nothing is downloaded at run time;
- DuckLake conflicts are table-level (measured on 1.5.5: two transactions that both delete from, or
  one inserts into and one deletes from, the same table conflict; appends alone never do). Loads are
  arranged so parallel source loads only append; what still conflicts (the short serialized step,
  overlapping runs) is retried whole with backoff by `write`, which returns how often it retried;
- writers of the same source are serialized by a PostgreSQL advisory lock on the catalog database
  (`source_lock`): two appends never conflict, so without it two racing loads of one source would
  both classify the same rows as new. The lock is transaction-scoped in PostgreSQL, so it is released
  when the holder commits, rolls back, or dies (SIGKILL closes its connection).
"""

from __future__ import annotations

import importlib.util
import os
import random
import re
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import duckdb

from warehouse.db import DUCKDB_CONFIG
from warehouse.db import connect as connect_file

EMBEDDED = "duckdb:"
LAKE = "ducklake:postgres:"
LAKE_ALIAS = "lake"
CATALOG_ALIAS = "lake_catalog"  # the catalog database attached read-only, for advisory locks
WORK_FILE = "warehouse/mieruka-work.duckdb"
WAREHOUSE_ENV = "MIERUKA_WAREHOUSE"
DATA_PATH_ENV = "MIERUKA_LAKE_DATA_PATH"
THREADS_ENV = "MIERUKA_DUCKDB_THREADS"
#: extension name -> the PyPI package (import name) that ships it, for duckdb's exact version
EXTENSION_PACKAGES = {
    "ducklake": "duckdb_extension_ducklake",
    "postgres_scanner": "duckdb_extension_postgres_scanner",
    "httpfs": "duckdb_extension_httpfs",
}
#: libpq keywords that carry credentials: never written to attach.sql, logs or flow parameters
SECRET_KEYS = ("password", "passfile", "sslpassword", "sslkey")
_CONNINFO_PAIR = re.compile(r"(\w+)\s*=\s*('(?:[^'\\]|\\.)*'|\S+)")
T = TypeVar("T")


class WarehouseError(ValueError):
    """A warehouse setting that cannot work; the message says how to fix it."""


class LockTimeout(RuntimeError):
    """Another writer held a source's lock for longer than the wait allowed."""


def sql_literal(text: str) -> str:
    """A SQL string literal. Only for the few statements DuckDB cannot parameterise (ATTACH, LOAD,
    CREATE SECRET): their values come from settings, never from fetched data."""
    return "'" + text.replace("'", "''") + "'"


def extension_path(name: str) -> Path:
    """The extension file shipped by its PyPI wheel for this duckdb version."""
    package = EXTENSION_PACKAGES[name]
    spec = importlib.util.find_spec(package)
    version = duckdb.__version__
    if spec is not None and spec.submodule_search_locations:
        root = Path(next(iter(spec.submodule_search_locations)))
        path = root / "extensions" / f"v{version}" / f"{name}.duckdb_extension"
        if path.is_file():
            return path
    wheel = package.replace("_", "-")
    raise WarehouseError(
        f"the DuckDB extension {name} for duckdb {version} is not installed: "
        f"`pip install {wheel}=={version}` (it is in requirements.lock; `make .venv/.installed` installs it)"
    )


def conninfo_pairs(conninfo: str) -> list[tuple[str, str]]:
    """key=value pairs of a libpq keyword/value connection string (quoted values keep their quotes)."""
    pairs = _CONNINFO_PAIR.findall(conninfo)
    leftover = _CONNINFO_PAIR.sub("", conninfo).strip()
    if leftover or not pairs:
        raise WarehouseError(
            f"the PostgreSQL connection string {redact(conninfo)!r} is not libpq keyword=value pairs "
            "(e.g. 'dbname=mieruka host=127.0.0.1 port=5432 user=mieruka'); put the password in PGPASSWORD "
            "or ~/.pgpass"
        )
    return pairs


def redact(text: str) -> str:
    """`text` with the values of credential keywords (and a URI's password) replaced by ***."""
    text = re.sub(r"(://[^:/@\s]*):[^@\s]*@", r"\1:***@", text)
    return re.sub(rf"\b({'|'.join(SECRET_KEYS)})\s*=\s*('(?:[^'\\]|\\.)*'|\S+)", r"\1=***", text)


def without_credentials(conninfo: str) -> str:
    return " ".join(f"{k}={v}" for k, v in conninfo_pairs(conninfo) if k.lower() not in SECRET_KEYS and
                    k.lower() != "user")


def is_conflict(exc: BaseException) -> bool:
    """A write that lost to a concurrent one and may succeed when run again: a DuckLake transaction
    conflict, or (embedded) another process holding the DuckDB file."""
    text = str(exc)
    return isinstance(exc, duckdb.Error) and (
        "Transaction conflict" in text or "Could not set lock" in text or "Conflicting lock" in text
    )


@dataclass(frozen=True)
class Warehouse:
    """One warehouse setting: `url` as given (see the module docstring) and the lake's data path."""

    url: str
    data_path: str | None = None

    @classmethod
    def from_settings(
        cls, data_dir: Path, warehouse: str | None = None, lake_data_path: str | None = None
    ) -> Warehouse:
        """The warehouse named by the arguments, else by MIERUKA_WAREHOUSE / MIERUKA_LAKE_DATA_PATH,
        else the embedded file under `data_dir`."""
        url = (warehouse or os.environ.get(WAREHOUSE_ENV) or "").strip() or f"{EMBEDDED}{data_dir / WORK_FILE}"
        data_path = (lake_data_path or os.environ.get(DATA_PATH_ENV) or "").strip() or None
        found = cls(url, data_path)
        found.check()
        return found

    def check(self) -> None:
        if self.url.startswith(EMBEDDED):
            if not self.url.removeprefix(EMBEDDED):
                raise WarehouseError("--warehouse duckdb: needs a file path, e.g. duckdb:data/warehouse/work.duckdb")
            return
        if not self.url.startswith(LAKE):
            raise WarehouseError(
                f"--warehouse {redact(self.url)!r}: expected duckdb:<path> or ducklake:postgres:<libpq conninfo>"
            )
        conninfo_pairs(self.conninfo)
        if not self.data_path:
            raise WarehouseError(
                "a DuckLake warehouse needs a data path: --lake-data-path DIR or s3://bucket/prefix "
                f"(or {DATA_PATH_ENV})"
            )

    @property
    def is_lake(self) -> bool:
        return self.url.startswith(LAKE)

    @property
    def path(self) -> Path:
        """The embedded file (embedded backend only)."""
        assert not self.is_lake
        return Path(self.url.removeprefix(EMBEDDED))

    @property
    def conninfo(self) -> str:
        return self.url.removeprefix(LAKE)

    @property
    def on_s3(self) -> bool:
        return bool(self.data_path) and str(self.data_path).startswith("s3://")

    def describe(self) -> str:
        """For logs and messages: the setting without credentials."""
        if not self.is_lake:
            return str(self.path)
        return f"ducklake:postgres:{redact(self.conninfo)} (data {self.data_path})"

    def ensure_data_path(self) -> None:
        """Create a local data path when missing (an S3 prefix needs no creating)."""
        if self.is_lake and not self.on_s3:
            Path(str(self.data_path)).mkdir(parents=True, exist_ok=True)

    # -- connecting ------------------------------------------------------------------------------

    def connect(self, read_only: bool = False, snapshot: int | None = None) -> duckdb.DuckDBPyConnection:
        """A connection whose default database is the warehouse (`USE lake` on the lake), so the same
        SQL (`core.observations`, `current_database()`) runs on both. `snapshot` pins a lake reader."""
        if not self.is_lake:
            con = connect_file(self.path, read_only=read_only)
            _set_threads(con)
            return con
        con = duckdb.connect(config={**DUCKDB_CONFIG, "autoload_known_extensions": False})
        try:
            for statement in self.setup_statements(read_only=read_only, snapshot=snapshot):
                con.execute(statement).fetchall()
            _set_threads(con)
        except Exception:
            con.close()
            raise
        return con

    def setup_statements(
        self, read_only: bool = False, snapshot: int | None = None, credentials: bool = True,
        load: Callable[[str], str] | None = None,
    ) -> list[str]:
        """LOAD the extensions by path, (S3 secret,) ATTACH the lake and USE it. `credentials=False`
        leaves out what is secret (for attach.sql); `load` renders a LOAD (attach.sql loads by name)."""
        assert self.is_lake
        names = ["ducklake", "postgres_scanner"] + (["httpfs"] if self.on_s3 else [])
        render = load or (lambda name: f"LOAD {sql_literal(extension_path(name).as_posix())}")
        statements = [render(name) for name in names]
        if self.on_s3 and credentials:
            statements += s3_secret_statements()
        conninfo = self.conninfo if credentials else without_credentials(self.conninfo)
        options = [f"DATA_PATH {sql_literal(str(self.data_path))}"]
        if read_only:
            options.append("READ_ONLY")
        if snapshot is not None:
            options.append(f"SNAPSHOT_VERSION {int(snapshot)}")
        statements.append(f"ATTACH {sql_literal(LAKE.removesuffix(':') + ':' + conninfo)} AS {LAKE_ALIAS} "
                          f"({', '.join(options)})")
        statements.append(f"USE {LAKE_ALIAS}")
        if not read_only and credentials:
            # DuckLake's own retries cover commits without a logical conflict; ours (write) the rest
            statements.append("SET ducklake_max_retry_count = 20")
        return statements

    def analysts_attach_sql(self, snapshot: int | None, run_id: str) -> str:
        """attach.sql for the published set: the lake read-only, pinned at `snapshot`, no credentials."""
        assert self.is_lake
        lines = [
            f"-- mieruka lake, read-only, pinned at the snapshot run {run_id} published (manifest.json: lake).",
            "-- No credentials here: libpq reads PGUSER and PGPASSWORD (or ~/.pgpass); S3 reads your AWS settings.",
            "-- duckdb 1.5.5: INSTALL ducklake; INSTALL postgres; once (or LOAD the files of the PyPI wheels",
            "-- duckdb-extension-ducklake / duckdb-extension-postgres-scanner, as mieruka does). Then:",
            "--   duckdb -init attach.sql      or, in Python: con.execute(open('attach.sql').read())",
        ]
        body = self.setup_statements(read_only=True, snapshot=snapshot, credentials=False,
                                     load=lambda name: f"LOAD {name}")
        return "\n".join(lines + [s + ";" for s in body]) + "\n"

    # -- snapshots and transactions --------------------------------------------------------------

    def current_snapshot(self, con: duckdb.DuckDBPyConnection) -> int | None:
        """The lake snapshot this connection reads (None for the embedded file)."""
        if not self.is_lake:
            return None
        return int(con.sql(f"SELECT id FROM {LAKE_ALIAS}.current_snapshot()").fetchall()[0][0])

    def last_commit(self, con: duckdb.DuckDBPyConnection) -> int | None:
        """The lake snapshot this connection's last commit made (None for the embedded file)."""
        if not self.is_lake:
            return None
        rows = con.sql(f"SELECT * FROM ducklake_last_committed_snapshot({sql_literal(LAKE_ALIAS)})").fetchall()
        return int(rows[0][0]) if rows and rows[0][0] is not None else None

    def write(
        self, con: duckdb.DuckDBPyConnection, body: Callable[[duckdb.DuckDBPyConnection, int], T], *,
        message: str | None = None, attempts: int = 8, first_wait_s: float = 0.2,
        before_commit: Callable[[], None] | None = None,
    ) -> tuple[T, int]:
        """Run `body(con, retries_so_far)` in one transaction and commit; on a conflict roll back, wait
        (exponential backoff with jitter) and run it again from the start, so it re-reads what the other
        writer committed. Returns body's result and the number of retries. `body` must be safe to run
        again. On the lake the snapshot carries `message` (lake.snapshots() commit_message)."""
        retries = 0
        while True:
            con.execute("BEGIN TRANSACTION").fetchall()
            try:
                if self.is_lake and message:
                    con.execute(f"CALL {LAKE_ALIAS}.set_commit_message($author, $message)",
                                {"author": "mieruka", "message": message}).fetchall()
                result = body(con, retries)
                if before_commit is not None:
                    before_commit()
                con.execute("COMMIT").fetchall()
                return result, retries
            except Exception as exc:
                with suppress(duckdb.Error):
                    con.execute("ROLLBACK").fetchall()
                if not is_conflict(exc) or retries + 1 >= attempts:
                    raise
                retries += 1
                time.sleep(first_wait_s * 2 ** (retries - 1) * (0.5 + random.random()))

    def connect_for_write(self, attempts: int = 40) -> tuple[duckdb.DuckDBPyConnection, int]:
        """A read-write connection, and how often it had to wait: the embedded file admits one process
        at a time, so a fanned-out source load waits (with backoff) while another holds it."""
        waits = 0
        while True:
            try:
                return self.connect(), waits
            except duckdb.Error as exc:
                if not is_conflict(exc) or waits + 1 >= attempts:
                    raise
                waits += 1
                time.sleep(min(0.05 * 2 ** min(waits, 5), 1.0) * (0.5 + random.random()))

    @contextmanager
    def source_lock(
        self, con: duckdb.DuckDBPyConnection, source_id: str, wait_s: float = 600.0
    ) -> Iterator[int]:
        """Hold the lake's lock for one source while its load runs; yields how many times it found the
        lock taken. A no-op on the embedded file (one process holds it at a time anyway).

        The lock is `pg_try_advisory_xact_lock` in a transaction of its own cursor on the catalog
        database, polled with backoff; it is released when that transaction ends (after the load's
        commit) or when this process dies."""
        if not self.is_lake:
            yield 0
            return
        lock = con.cursor()
        try:
            attached = lock.sql(
                "SELECT count(*) FROM duckdb_databases() WHERE database_name = $n", params={"n": CATALOG_ALIAS}
            ).fetchall()[0][0]
            if not attached:
                lock.execute(
                    f"ATTACH {sql_literal(self.conninfo)} AS {CATALOG_ALIAS} (TYPE postgres, READ_ONLY)"
                ).fetchall()
            key = zlib.crc32(f"mieruka-source:{source_id}".encode())
            waited, deadline = 0, time.monotonic() + wait_s
            lock.execute("BEGIN TRANSACTION").fetchall()
            while not lock.sql(
                "SELECT got FROM postgres_query($db, 'SELECT pg_try_advisory_xact_lock(' || $key || ') AS got')",
                params={"db": CATALOG_ALIAS, "key": key},
            ).fetchall()[0][0]:
                if time.monotonic() > deadline:
                    raise LockTimeout(
                        f"source {source_id}: another writer held its lake lock for more than {wait_s:.0f} s"
                    )
                waited += 1
                time.sleep(min(0.05 * 2 ** min(waited, 6), 2.0) * (0.5 + random.random()))
            yield waited
        finally:
            with suppress(duckdb.Error):
                lock.execute("ROLLBACK").fetchall()
            lock.close()


def s3_secret_statements() -> list[str]:
    """A DuckDB S3 secret from the standard AWS variables (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
    AWS_SESSION_TOKEN, AWS_REGION, and AWS_ENDPOINT_URL for S3-compatible stores). Without keys, no
    secret: DuckDB then reads only public buckets."""
    env = os.environ
    if not env.get("AWS_ACCESS_KEY_ID"):
        return []
    options = ["TYPE s3", f"KEY_ID {sql_literal(env['AWS_ACCESS_KEY_ID'])}",
               f"SECRET {sql_literal(env.get('AWS_SECRET_ACCESS_KEY', ''))}"]
    if env.get("AWS_SESSION_TOKEN"):
        options.append(f"SESSION_TOKEN {sql_literal(env['AWS_SESSION_TOKEN'])}")
    if env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION"):
        options.append(f"REGION {sql_literal(env.get('AWS_REGION') or env['AWS_DEFAULT_REGION'])}")
    if env.get("AWS_ENDPOINT_URL"):
        endpoint = re.sub(r"^https?://", "", env["AWS_ENDPOINT_URL"]).rstrip("/")
        options.append(f"ENDPOINT {sql_literal(endpoint)}")
        options.append("URL_STYLE 'path'")
        if env["AWS_ENDPOINT_URL"].startswith("http://"):
            options.append("USE_SSL false")
    return [f"CREATE OR REPLACE SECRET mieruka_s3 ({', '.join(options)})"]


def _set_threads(con: duckdb.DuckDBPyConnection) -> None:
    """MIERUKA_DUCKDB_THREADS caps DuckDB's threads per process (the benchmark runs one per worker)."""
    threads = os.environ.get(THREADS_ENV, "").strip()
    if threads:
        con.execute(f"SET threads = {int(threads)}").fetchall()
