"""`mieruka status`: source health read from the published warehouse, for people and monitors.

It opens the analysts' copy read-only, never the writer's file, so it works while a run is going.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb

from catalog import load_catalog
from warehouse.backend import Warehouse
from warehouse.db import connect

HEALTH_QUERY = """
SELECT source_id, last_success, last_error_at, last_error, consecutive_failures
FROM ops.source_health ORDER BY source_id
"""


def _age(then: datetime | None, now: datetime) -> str:
    if then is None:
        return "never"
    hours = (now - then).total_seconds() / 3600
    return f"{hours:.1f} h ago" if hours < 48 else f"{hours / 24:.1f} d ago"


def print_status(data_dir: Path, warehouse: Warehouse | None = None) -> int:
    """Print one line per source; return 1 when any source is failing or stale, else 0. On a DuckLake
    warehouse it reads the lake (read-only, its latest snapshot): there is no analysts' copy."""
    if warehouse is not None and warehouse.is_lake:
        try:
            con = warehouse.connect(read_only=True)
        except duckdb.Error as exc:
            print(f"cannot attach the lake {warehouse.describe()} read-only: {exc}")
            return 1
    else:
        path = data_dir / "mieruka.duckdb"
        if not path.exists():
            print(f"no warehouse at {path}: run `mieruka run` first")
            return 1
        try:
            con = connect(path, read_only=True)
        except duckdb.Error as exc:
            print(f"cannot open {path} read-only: {exc}")
            return 1
    try:
        rows = con.sql(HEALTH_QUERY).fetchall()
        last_run = con.sql(
            "SELECT run_id, status, finished_at FROM ops.runs ORDER BY started_at DESC LIMIT 1"
        ).fetchall()
    finally:
        con.close()
    catalog = load_catalog()
    now = datetime.now(UTC).replace(tzinfo=None)
    if last_run:
        print(f"last run: {last_run[0][0]} {last_run[0][1]} (finished {_age(last_run[0][2], now)})")
    print(f"{'source':<14}{'state':<10}{'last success':<16}{'last error':<16}{'failures':>9}  detail")
    unhealthy = 0
    for source_id, last_success, last_error_at, last_error, failures in rows:
        source = catalog.sources.get(source_id)
        cadence = source.cadence_hours if source else 0
        stale = bool(cadence) and (last_success is None or (now - last_success).total_seconds() > cadence * 3600)
        state = "FAILING" if failures else ("STALE" if stale else "ok")
        unhealthy += state != "ok"
        detail = (last_error or "").splitlines()[0][:100] if failures else (f"cadence {cadence:g} h" if cadence else "")
        print(f"{source_id:<14}{state:<10}{_age(last_success, now):<16}{_age(last_error_at, now):<16}{failures:>9}  "
              f"{detail}")
    return 1 if unhealthy else 0
