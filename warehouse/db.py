"""Connections and migrations for the writer's private working file.

Written for duckdb 1.5.5 and 2.x alike: reads use ``con.sql(q, params=...).pl()`` /
``.fetchall()``; writes use ``con.execute(...)`` and drain their result.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import duckdb

HERE = Path(__file__).resolve().parent
MIGRATIONS_DIR = HERE / "migrations"
SQL_DIR = HERE / "sql"
MARTS_DIR = HERE / "marts"
_MIGRATION_NAME = re.compile(r"^(\d{3})_([a-z0-9_]+)\.sql$")
DUCKDB_CONFIG = {"autoinstall_known_extensions": False, "autoload_known_extensions": True}


def connect(path: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open a DuckDB file; extensions never download (only the built-in ones are used)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return duckdb.connect(str(path), read_only=read_only, config=DUCKDB_CONFIG)


def sql_text(name: str) -> str:
    """The text of `warehouse/sql/<name>.sql`."""
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def run_sql(con: duckdb.DuckDBPyConnection, name: str, params: dict[str, object] | None = None) -> list[tuple]:
    """Run `warehouse/sql/<name>.sql` (one statement) with named parameters and return its rows."""
    return con.execute(sql_text(name), params or {}).fetchall()


def run_script(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Run a multi-statement SQL file with no parameters (DDL, marts)."""
    con.execute(path.read_text(encoding="utf-8")).fetchall()


def migrations() -> list[tuple[int, str, Path]]:
    found = []
    for path in sorted(MIGRATIONS_DIR.glob("*.sql")):
        match = _MIGRATION_NAME.match(path.name)
        if not match:
            raise RuntimeError(f"migration file {path.name} is not named NNN_name.sql")
        found.append((int(match.group(1)), match.group(2), path))
    return found


def migrate(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Apply pending migrations in order, each in its own transaction; return the versions applied.

    Works on the current database of `con` (the embedded file, or the DuckLake after `USE lake`). The
    bookkeeping table is created only when missing: on a DuckLake every DDL statement is a snapshot."""
    exists = con.sql(
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() "
        "AND schema_name = 'ops' AND table_name = 'schema_version'"
    ).fetchall()[0][0]
    if not exists:
        con.execute("BEGIN TRANSACTION").fetchall()
        for statement in (
            "CREATE SCHEMA IF NOT EXISTS ops",
            "CREATE TABLE IF NOT EXISTS ops.schema_version (version INTEGER NOT NULL, name VARCHAR NOT NULL, "
            "applied_at TIMESTAMP NOT NULL)",
            "COMMENT ON TABLE ops.schema_version IS 'Migrations applied to this warehouse, in order.'",
            "COMMENT ON COLUMN ops.schema_version.version IS 'Migration number (warehouse/migrations/NNN_name.sql).'",
            "COMMENT ON COLUMN ops.schema_version.name IS 'Migration name.'",
            "COMMENT ON COLUMN ops.schema_version.applied_at IS 'UTC time it was applied.'",
        ):
            con.execute(statement).fetchall()
        con.execute("COMMIT").fetchall()
    done = {row[0] for row in con.sql("SELECT version FROM ops.schema_version").fetchall()}
    applied = []
    for version, name, path in migrations():
        if version in done:
            continue
        con.execute("BEGIN TRANSACTION").fetchall()
        try:
            run_script(con, path)
            con.execute(
                "INSERT INTO ops.schema_version VALUES ($v, $n, $t)",
                {"v": version, "n": name, "t": datetime.now(UTC).replace(tzinfo=None)},
            ).fetchall()
            con.execute("COMMIT").fetchall()
        except Exception:
            con.execute("ROLLBACK").fetchall()
            raise
        applied.append(version)
    return applied


_INPUTS = re.compile(r"^--\s*inputs\s*:\s*(.*)$", re.IGNORECASE | re.MULTILINE)
_CREATES_MART = re.compile(r"CREATE\s+(?:OR\s+REPLACE\s+)?TABLE\s+marts\.\"?(\w+)", re.IGNORECASE)
#: What changed in a load besides sources: the catalog's indicators (every mart shows their names).
INDICATORS_INPUT = "indicators"


def mart_inputs(path: Path) -> frozenset[str] | None:
    """What a mart reads, as its file's header declares it (`-- inputs: boj, worldbank, indicators,
    marts.digital_deficit_annual`; `*` = anything); None when undeclared (it is always rebuilt)."""
    found = _INPUTS.search(path.read_text(encoding="utf-8"))
    if found is None:
        return None
    return frozenset(word.strip() for word in found.group(1).split(",") if word.strip())


def build_marts(con: duckdb.DuckDBPyConnection, changed: set[str] | None = None) -> list[str]:
    """(Re)build the marts from `warehouse/marts/NN_name.sql`, in file-name order (a mart may read the
    marts numbered before it); return the names of those rebuilt.

    `changed` says what this load changed (source ids, `indicators`); None rebuilds every mart. A mart is
    rebuilt when one of its declared inputs changed (a mart rebuilt before it counts as changed), when it
    declares none, or when it does not exist yet; the others keep their rows, which are still right.
    """
    existing = {name for (name,) in con.sql(
        "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'marts'").fetchall()}
    changed = None if changed is None else set(changed)
    names = []
    for path in sorted(MARTS_DIR.glob("*.sql")):
        created = _CREATES_MART.search(path.read_text(encoding="utf-8"))
        mart = created.group(1) if created else path.stem
        inputs = mart_inputs(path)
        stale = (
            changed is None or inputs is None or mart not in existing
            or bool(inputs & changed) or ("*" in inputs and bool(changed))
        )
        if not stale:
            continue
        run_script(con, path)
        names.append(mart)
        if changed is not None:
            changed.add(f"marts.{mart}")
    return names
