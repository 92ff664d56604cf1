"""Sources in parallel on a Prefect work pool: one flow run per source, then one serialized step.

- `source_flow` (deployment `mieruka-source` in prefect.yaml) runs one source of one run on a worker:
  fetch -> land raw -> parse -> stage, then loads it in one transaction that only appends
  (warehouse/load.py `append_batch`), under the lake's per-source lock, retried on a conflict.
- `fan_out` (called by the `pipeline` flow when it is given `source_deployment`) starts one
  `source_flow` run per source on that deployment's work pool, waits for all of them, and reads what
  each recorded in ops.run_sources. A source whose flow run failed or was killed before it loaded is
  a failed source; the others stand. The pipeline then runs the serialized step (replacements, marts)
  and publishes.
- `flows/workers_pool.py` gives `mieruka run --workers N` the same thing on this machine.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

import polars as pl
from prefect import flow
from prefect.utilities.annotations import quote

from catalog import load_catalog
from flows.http import Fetcher, settings_from_env
from flows.ingest import RunContext, SourceResult
from flows.pipeline import (
    DEFAULT_SNAPSHOTS,
    _batch,
    _default_data_dir,
    _progress,
    ingest_task,
    pause_point,
    read_parse_state,
)
from flows.provenance import load_sample_flags
from warehouse import db
from warehouse.backend import Warehouse
from warehouse.load import RUN_SOURCE_SCHEMA, LoadBatch, SourceCounts, append_batch, frame

SOURCE_FLOW = "mieruka-source"
#: How long the pipeline waits for its source flow runs (MIERUKA_SOURCE_TIMEOUT_S)
DEFAULT_SOURCE_TIMEOUT_S = 3600.0


@flow(name=SOURCE_FLOW, log_prints=False)
def source_flow(
    run_id: str,
    source_id: str,
    mode: str = "replay",
    snapshots_dir: str | None = None,
    data_dir: str | None = None,
    warehouse: str | None = None,
    lake_data_path: str | None = None,
) -> dict:
    """Fetch, parse and load one source of run `run_id`; returns what ops.run_sources records for it.

    The load only appends and holds the source's lake lock, so sources commit in parallel and two
    writers of the same source take turns (the second sees the first's rows as unchanged)."""
    catalog = load_catalog()
    data = (Path(data_dir) if data_dir else _default_data_dir()).resolve()
    snaps = (Path(snapshots_dir) if snapshots_dir else DEFAULT_SNAPSHOTS).resolve()
    wh = Warehouse.from_settings(data, warehouse, lake_data_path)
    con, waited = wh.connect_for_write()
    try:
        parsed, last_body = read_parse_state(con)
    finally:
        con.close()  # the embedded file is free for other sources while this one fetches
    settings = settings_from_env(mode, snaps)  # type: ignore[arg-type]
    source = catalog.sources[source_id]
    intervals = {urlsplit(s.base_url).hostname or "": s.min_interval_s for s in catalog.sources.values() if s.base_url}
    with Fetcher(settings, min_interval_s=intervals, allow_hosts={source_id: source.options.get("allow_hosts")}) as f:
        ctx = RunContext(run_id, mode, data, snaps, f, load_sample_flags(snaps), parsed, _progress, last_body)
        result: SourceResult = ingest_task(quote(ctx), quote(catalog), source_id)  # see flows/pipeline.py
    batch = _batch(run_id, catalog, [result])
    counts, retries, lock_waits = load_source(wh, run_id, source_id, batch, waited)
    loaded = counts.get(source_id, SourceCounts())
    _progress(f"  [load] {source_id}: {loaded.loaded} new, {loaded.revised} revised, {loaded.unchanged} unchanged"
              + (f"; {retries} conflict retr{'y' if retries == 1 else 'ies'}" if retries else "")
              + (f"; waited {lock_waits}x for another writer of {source_id}" if lock_waits else ""))
    return {"source_id": source_id, "status": result.status, "error": result.error, "retries": retries,
            "lock_waits": lock_waits}


def load_source(
    wh: Warehouse, run_id: str, source_id: str, batch: LoadBatch, waited: int = 0,
    before_commit: Callable[[], None] | None = None, con=None,
) -> tuple[dict[str, SourceCounts], int, int]:
    """Append one source's batch in one transaction under its lake lock, retried on conflict. Returns
    the change counts, the retries (conflicts, and waits for the embedded file) and the lock waits;
    both go into its ops.run_sources row. `con`: an open read-write connection to reuse (a process
    loading several sources); by default one is opened and closed here."""
    own = con is None
    con, waited_again = wh.connect_for_write() if own else (con, 0)
    try:
        with wh.source_lock(con, source_id) as lock_waits:

            def body(c, retries: int) -> dict[str, SourceCounts]:
                rows = batch.run_sources.with_columns(
                    pl.lit(retries + waited + waited_again, pl.Int32).alias("commit_retries"),
                    pl.lit(lock_waits, pl.Int32).alias("lock_waits"),
                )
                return append_batch(c, replace(batch, run_sources=rows))

            counts, retries = wh.write(
                con, body, message=f"run {run_id}: source {source_id}",
                before_commit=before_commit or (lambda: pause_point("source-load")),
            )
    finally:
        if own:
            con.close()
    return counts, retries + waited + waited_again, lock_waits


def fan_out(
    wh: Warehouse, deployment: str, run_id: str, wanted: list[str], mode: str, snaps: Path, data: Path,
    settings: dict, progress: Callable[[str], None],
) -> tuple[list[SourceResult], dict[str, SourceCounts], pl.DataFrame, int]:
    """One `source_flow` run per source on `deployment`, awaited. Returns each source's result (from
    ops.run_sources), its change counts, the ops.run_sources rows still to write for sources whose flow
    run ended before it loaded (failed), and the conflict retries the sources' loads made."""
    from prefect.deployments import run_deployment

    common = {"run_id": run_id, "mode": mode, "snapshots_dir": str(snaps), "data_dir": str(data)}
    common.update({k: v for k, v in settings.items() if v})
    runs = {
        sid: run_deployment(name=deployment, parameters={**common, "source_id": sid}, timeout=0, as_subflow=True)
        for sid in wanted
    }
    progress(f"  started {len(runs)} flow run(s): " + ", ".join(f"{sid} ({r.name})" for sid, r in runs.items()))
    ended = _wait_for(runs, float(os.environ.get("MIERUKA_SOURCE_TIMEOUT_S", DEFAULT_SOURCE_TIMEOUT_S)))
    con = wh.connect(read_only=not wh.is_lake)
    try:
        rows = db.run_sql(con, "source_flow_outcomes", {"run_id": run_id})
    finally:
        con.close()
    results: dict[str, SourceResult] = {}
    counts: dict[str, SourceCounts] = {}
    retries = 0
    for (sid, status, error, requests, size, skipped, parsed, quarantined, loaded, revised, unchanged,
         retried) in rows:
        results[sid] = SourceResult(sid, status, error, requests, size, skipped, parsed, quarantined)
        counts[sid] = SourceCounts(loaded, revised, unchanged)
        retries += retried
    missing = []
    for sid in wanted:
        if sid in results:
            continue
        state = ended.get(sid)
        how = f"{state.name}: {state.message}" if state is not None else "did not finish in time"
        error = f"{sid}: its flow run {runs[sid].name} ended {how}".strip()
        results[sid] = SourceResult(sid, "failed", error)
        missing.append({"run_id": run_id, "source_id": sid, "status": "failed", "requests": 0, "bytes": 0,
                        "bodies_skipped": 0, "rows_parsed": 0, "rows_quarantined": 0, "error": error})
    for sid, result in results.items():
        progress(f"  {sid}: {result.status}" + (f": {result.error}" if result.error else ""))
    missing_rows = frame(missing, RUN_SOURCE_SCHEMA).with_columns(
        pl.lit(0, pl.Int64).alias(c) for c in ("rows_loaded", "rows_revised", "rows_unchanged")
    )
    return [results[sid] for sid in wanted], counts, missing_rows, retries


def _wait_for(runs: dict, timeout_s: float) -> dict:
    """Poll the flow runs until each is in a final state (or the time is up); return their states."""
    from prefect.client.orchestration import get_client

    states: dict = {}
    deadline = time.monotonic() + timeout_s
    with get_client(sync_client=True) as client:
        while len(states) < len(runs) and time.monotonic() < deadline:
            for sid, run in runs.items():
                if sid in states:
                    continue
                state = client.read_flow_run(run.id).state
                if state is not None and state.is_final():
                    states[sid] = state
            if len(states) < len(runs):
                time.sleep(1.0)
    return states
