"""Reading a warehouse file from a test, the way an analyst does: read-only, one connection per query."""

from __future__ import annotations

from pathlib import Path

import duckdb


def query(path: Path, sql: str, params: dict | None = None) -> list[tuple]:
    """The rows of `sql` on the DuckDB file at `path`, opened read-only and closed again."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.sql(sql, params=params).fetchall()
    finally:
        con.close()
