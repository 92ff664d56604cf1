"""`mieruka status`: source health read from the published warehouse, for people and monitors.

It opens the analysts' copy read-only, never the writer's file, so it works while a run is going,
and it writes nothing, ever: no directory is created (not even a missing data directory), no
Prefect is imported, and a read-only data directory is fine. The health query is the one the
pipeline uses (warehouse/sql/source_health.sql).

Replayed data are never shown as fresh: a source whose latest data came from a snapshot is
`replayed`, and one whose current rows are samples says `sample`.
"""

from __future__ import annotations

import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from catalog import Catalog, load_catalog
from warehouse.backend import Warehouse
from warehouse.db import DUCKDB_CONFIG, sql_text

WRAP = 100


def _age(then: datetime | None, now: datetime) -> str:
    if then is None:
        return "never"
    hours = (now - then).total_seconds() / 3600
    return f"{hours:.1f} h ago" if hours < 48 else f"{hours / 24:.1f} d ago"


def _read(con: duckdb.DuckDBPyConnection) -> tuple[list[tuple], dict[str, tuple], list[tuple]]:
    """Health rows, per-source origin rows and the last run, from a read-only connection."""
    try:
        health = con.sql(sql_text("source_health")).fetchall()
        origin = {row[0]: row[1:] for row in con.sql(sql_text("source_data_origin")).fetchall()}
        last_run = con.sql(sql_text("last_run")).fetchall()
    finally:
        con.close()
    return health, origin, last_run


def data_label(catalog: Catalog, source_id: str, origin: tuple | None) -> str:
    """sample / recorded / live / curated / none (`-` when the source never ran); also in the manifest."""
    if origin is None:
        return "-"
    _status, _at, is_sample, current_rows, replayed = origin
    if is_sample:
        return "sample"
    if not current_rows:
        return "none"
    source = catalog.sources.get(source_id)
    if source is not None and source.options.get("path"):  # a file of the catalog, curated by hand
        return "curated"
    return "recorded" if replayed else "live"


def state_word(failures: int, stale: bool, origin: tuple | None) -> str:
    """ok / replayed / skipped / STALE / FAILING; the pipeline writes the same word into the manifest."""
    if failures:
        return "FAILING"
    if stale:
        return "STALE"
    if origin is not None and origin[0] == "skipped":
        return "skipped"
    if origin is not None and origin[4]:
        return "replayed"  # from a snapshot: its age says nothing about the source
    return "ok"


def print_status(data_dir: Path, warehouse: Warehouse | None = None) -> int:
    """Print one line per source; return 1 when any source is failing or stale, else 0. On a DuckLake
    warehouse it reads the lake (read-only, its latest snapshot): there is no analysts' copy."""
    if warehouse is not None and warehouse.is_lake:
        where = warehouse.describe()
        opener = lambda: warehouse.connect(read_only=True)  # noqa: E731 - the one branch that differs
    else:
        path = data_dir / "mieruka.duckdb"
        where = str(path)
        if not path.is_file():
            print(f"no warehouse at {path}: run `mieruka run --data-dir {data_dir}` first, or pass the --data-dir "
                  "of an earlier run", file=sys.stderr)
            return 1
        opener = lambda: duckdb.connect(str(path), read_only=True, config=DUCKDB_CONFIG)  # noqa: E731
    try:
        health, origins, last_run = _read(opener())
    except duckdb.Error as exc:
        first = (str(exc).splitlines() or [""])[0]
        print(f"cannot read {where} read-only: {first}", file=sys.stderr)
        return 1
    catalog = load_catalog()
    now = datetime.now(UTC).replace(tzinfo=None)
    print(f"warehouse: {where} (opened read-only)")
    if last_run:
        run_id, mode, status, finished = last_run[0]
        print(f"last run:  {run_id} ({mode}) {status}, finished {_age(finished, now)}")
    print(f"{'source':<12}{'state':<10}{'data':<10}{'last success':<14}{'last error':<14}{'failures':>8}  detail")
    unhealthy = 0
    failing: list[tuple[str, str]] = []
    samples: list[str] = []
    for source_id, last_success, last_error_at, last_error, failures in health:
        source = catalog.sources.get(source_id)
        cadence = source.cadence_hours if source else 0
        stale = bool(cadence) and (last_success is None or (now - last_success).total_seconds() > cadence * 3600)
        origin = origins.get(source_id)
        state = state_word(failures, stale, origin)
        data = data_label(catalog, source_id, origin)
        unhealthy += state in ("FAILING", "STALE")
        if failures:
            failing.append((source_id, last_error or "(no message recorded)"))
            detail = "cause below"
        else:
            detail = f"cadence {cadence:g} h" if cadence else ""
        if data == "sample":
            samples.append(source_id)
        print(f"{source_id:<12}{state:<10}{data:<10}{_age(last_success, now):<14}{_age(last_error_at, now):<14}"
              f"{failures:>8}  {detail}")
    for source_id, error in failing:
        print(f"\n{source_id} failed:")
        for paragraph in error.splitlines():
            print(textwrap.fill(paragraph, WRAP, initial_indent="  ", subsequent_indent="    ",
                                break_long_words=True, break_on_hyphens=False))
    if samples:
        print("\n" + textwrap.fill(f"SAMPLE DATA: the current data of {', '.join(samples)} are sample values "
                                   "(snapshots/PROVENANCE.yaml), not recorded real responses; every row carries "
                                   "is_sample.", WRAP, subsequent_indent="  "))
    return 1 if unhealthy else 0
