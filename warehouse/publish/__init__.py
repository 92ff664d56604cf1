"""Publish the analysts' copy and the dashboard files without ever showing a torn file.

The writer's working file is private. Each run:
1. exports every mart to ``published/<mart>.parquet.tmp`` from the working file;
2. checkpoints and copies the working file to a temporary file next to ``mieruka.duckdb``,
   opens that copy read-only to validate it (every mart present and non-empty);
3. swaps the copy in with ``os.replace`` (atomic on POSIX): an analyst holding the old file
   read-only keeps reading the old snapshot, a reconnect sees the new one;
4. renames each Parquet file into place, then writes ``manifest.json`` the same way, last.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from warehouse.db import connect

MARTS_QUERY = "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'marts' ORDER BY table_name"


@dataclass(frozen=True)
class PublishResult:
    warehouse: Path
    published_dir: Path
    manifest: Path
    tables: dict[str, int]  # mart -> rows


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def export_marts(con: duckdb.DuckDBPyConnection, published_dir: Path) -> dict[str, dict]:
    """Write every mart to `<mart>.parquet.tmp`; return name -> rows, schema and temp path."""
    published_dir.mkdir(parents=True, exist_ok=True)
    exported: dict[str, dict] = {}
    for (name,) in con.sql(MARTS_QUERY).fetchall():
        tmp = published_dir / f"{name}.parquet.tmp"
        # `name` comes from the catalog of the warehouse itself (duckdb_tables), quoted as an identifier
        con.execute(f'COPY marts."{name}" TO \'{tmp.as_posix()}\' (FORMAT parquet, COMPRESSION zstd)').fetchall()
        rows = con.sql(f'SELECT count(*) FROM marts."{name}"').fetchall()[0][0]
        schema = {
            col: dtype
            for col, dtype in con.sql(
                "SELECT column_name, data_type FROM duckdb_columns() WHERE schema_name = 'marts' "
                "AND table_name = $t ORDER BY column_index",
                params={"t": name},
            ).fetchall()
        }
        sample = (
            con.sql(f'SELECT coalesce(bool_or(is_sample), FALSE) FROM marts."{name}"').fetchall()[0][0]
            if "is_sample" in schema
            else False
        )
        exported[name] = {"tmp": tmp, "rows": int(rows), "schema": schema, "is_sample": bool(sample)}
    return exported


def publish(
    work_path: Path,
    data_dir: Path,
    exported: dict[str, dict],
    is_sample: bool,
    vintages: dict[str, str | None],
    credits: dict[str, str],
    sources: dict[str, dict] | None = None,
    pause_hook: Callable[[str], None] | None = None,
) -> PublishResult:
    """Swap in the analysts' copy and the Parquet files, then write the manifest (see module doc)."""
    target = data_dir / "mieruka.duckdb"
    tmp = data_dir / ".mieruka.duckdb.publishing"
    shutil.copyfile(work_path, tmp)
    _validate_copy(tmp, {name: info["rows"] for name, info in exported.items()})
    if pause_hook is not None:
        pause_hook("publish")  # test-only pause point: a fault test kills the process here
    os.replace(tmp, target)

    published_dir = data_dir / "published"
    tables = {}
    for name, info in exported.items():
        final = published_dir / f"{name}.parquet"
        os.replace(info["tmp"], final)
        tables[name] = {
            "path": final.name,
            "rows": info["rows"],
            "sha256": _sha256(final),
            "schema": info["schema"],
            "is_sample": info["is_sample"],
        }
    manifest = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "is_sample": is_sample,
        "warehouse": target.name,
        "tables": tables,
        "source_vintages": vintages,
        "sources": sources or {},
        "credits": credits,
    }
    manifest_path = published_dir / "manifest.json"
    _atomic_write(manifest_path, json.dumps(manifest, indent=2, ensure_ascii=False).encode("utf-8"))
    return PublishResult(target, published_dir, manifest_path, {n: i["rows"] for n, i in exported.items()})


def _validate_copy(path: Path, expected_rows: dict[str, int]) -> None:
    """The copy opens, holds every mart, with the rows just exported: otherwise nothing is swapped."""
    con = connect(path, read_only=True)
    try:
        present = {row[0] for row in con.sql(MARTS_QUERY).fetchall()}
        missing = set(expected_rows) - present
        if missing:
            raise RuntimeError(f"publish aborted: {path.name} lacks marts {sorted(missing)}")
        for name, rows in sorted(expected_rows.items()):
            found = con.sql(f'SELECT count(*) FROM marts."{name}"').fetchall()[0][0]
            if found != rows:
                raise RuntimeError(f"publish aborted: marts.{name} has {found} rows in the copy, {rows} exported")
    finally:
        con.close()
