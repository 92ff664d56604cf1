"""The Prefect flow `pipeline`: fetch -> raw archive -> parse -> load -> marts -> publish.

Tasks are per source and per stage (a handful per run), never per row or request: the local
Prefect server records about 16 task runs a second. The flow ends Failed when any source failed,
after the other sources have loaded and published.
"""

from __future__ import annotations

import os
import secrets
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import polars as pl
from prefect import flow, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE

from catalog import Catalog, load_catalog
from flows.dashboard import render_dashboard
from flows.dictionary import write_dictionary
from flows.http import MODES, Fetcher, settings_from_env
from flows.ingest import RunContext, SourceResult, ingest_source
from flows.lock import warehouse_lock
from flows.provenance import load_sample_flags
from transforms.claims import check_equivalent_pairs
from warehouse import db
from warehouse.load import (
    ARTICLE_SCHEMA,
    CLAIM_SCHEMA,
    CODE_SCHEMA,
    FETCH_SCHEMA,
    FIGURE_SCHEMA,
    PAIR_SCHEMA,
    PARSED_BODY_SCHEMA,
    QUARANTINE_SCHEMA,
    RUN_SOURCE_SCHEMA,
    STAGE_OBSERVATION_SCHEMA,
    LoadBatch,
    article_texts,
    figures_of,
    frame,
    fx_to_jpy,
    load_batch,
    replace_pairs,
)
from warehouse.publish import export_marts, publish

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SNAPSHOTS = PROJECT_ROOT / "snapshots"
WORK_FILE = "warehouse/mieruka-work.duckdb"


class PipelineFailed(RuntimeError):
    """Some sources failed; the others loaded and published. Carries the run summary."""

    def __init__(self, summary: RunSummary) -> None:
        self.summary = summary
        failed = "; ".join(s["error"] for s in summary.sources if s["status"] == "failed")
        super().__init__(f"{summary.failed_count} source(s) failed: {failed}")


@dataclass
class RunSummary:
    run_id: str
    mode: str
    status: str
    data_dir: str
    warehouse: str
    published_dir: str
    dashboard: str
    sources: list[dict] = field(default_factory=list)
    tables: dict[str, int] = field(default_factory=dict)

    @property
    def failed_count(self) -> int:
        return sum(1 for s in self.sources if s["status"] == "failed")


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def new_run_id() -> str:
    return f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


def _default_data_dir() -> Path:
    return Path(os.environ.get("MIERUKA_DATA_DIR", PROJECT_ROOT / "data"))


def _progress(message: str) -> None:
    print(message, flush=True)


@task(name="ingest-source", cache_policy=NO_CACHE)
def ingest_task(ctx: RunContext, catalog: Catalog, source_id: str) -> SourceResult:
    """Fetch every request of one source, land the bodies, parse and conform them."""
    result = ingest_source(ctx, catalog, catalog.sources[source_id])
    rows = sum(f.height for f in result.observations) + len(result.articles)
    figures = sum(f.height for f in result.figures)
    if result.status == "skipped":
        return result  # ingest_source said why
    state = "ok" if result.status == "succeeded" else "FAILED (cause at the end)"
    _progress(
        f"  [fetch+parse] {source_id}: {state}; {result.requests} request(s), {result.bytes / 1024:.0f} KiB, "
        f"{result.bodies_skipped} already parsed, {rows} row(s) staged, {result.rows_quarantined} quarantined"
        + (f", {figures} figure(s) read" if figures else "")
    )
    return result


@task(name="load-and-build-marts", cache_policy=NO_CACHE)
def load_task(work_path: Path, batch: LoadBatch) -> dict:
    con = db.connect(work_path)
    try:
        counts = load_batch(
            con,
            batch,
            _now(),
            before_commit=lambda: pause_point("load"),
            derive=lambda c: _check_pairs(c, batch.run_id),
        )
        exported = export_marts(con, work_path.parent.parent / "published")
        con.execute("CHECKPOINT").fetchall()
    finally:
        con.close()
    return {"counts": counts, "exported": exported}


def _check_pairs(con, run_id: str) -> None:
    """Re-check every article's equivalent amounts with the FX rates the warehouse now holds."""
    rates = fx_to_jpy(con)
    frames = [
        check_equivalent_pairs(text, figures_of(con, article_id), rates).with_columns(
            pl.lit(article_id).alias("article_id"), pl.lit(run_id).alias("load_id")
        )
        for article_id, text in article_texts(con)
    ]
    replace_pairs(con, _concat(frames, PAIR_SCHEMA))


def source_states(work_path: Path, catalog: Catalog) -> dict[str, dict]:
    """Per source: last success, failures, last error and whether its published data is stale
    (the source failed last, or its last success is older than its catalog cadence)."""
    con = db.connect(work_path)
    try:
        rows = db.run_sql(con, "source_health")
    finally:
        con.close()
    now = _now()
    states = {}
    for source_id, last_success, _error_at, last_error, failures in rows:
        source = catalog.sources.get(source_id)
        cadence = source.cadence_hours if source else 0
        too_old = bool(cadence) and (last_success is None or (now - last_success).total_seconds() > cadence * 3600)
        states[source_id] = {
            "last_success": last_success.isoformat(timespec="seconds") if last_success else None,
            "consecutive_failures": failures,
            "last_error": last_error,
            "stale": bool(failures) or too_old,
        }
    return states


@task(name="publish", cache_policy=NO_CACHE)
def publish_task(
    work_path: Path, data_dir: Path, exported: dict, vintages: dict, credits: dict, sources: dict
) -> dict:
    is_sample = any(info["is_sample"] for info in exported.values())
    result = publish(
        work_path, data_dir, exported, is_sample, vintages, credits, sources=sources, pause_hook=pause_point
    )
    render_dashboard(result.published_dir)
    write_dictionary(result.warehouse, result.published_dir)
    return {"warehouse": str(result.warehouse), "published_dir": str(result.published_dir), "tables": result.tables}


def pause_point(where: str) -> None:
    """Test-only: with MIERUKA_TEST_PAUSE_AT=<where>, stop here (after writing the marker file
    MIERUKA_TEST_PAUSE_FILE) until killed, so fault tests can kill the run exactly at that point."""
    if os.environ.get("MIERUKA_TEST_PAUSE_AT") != where:
        return
    Path(os.environ.get("MIERUKA_TEST_PAUSE_FILE", "paused")).write_text(str(os.getpid()))
    while True:
        time.sleep(0.1)


@flow(name="pipeline", log_prints=False)
def pipeline(
    mode: str = "replay",
    sources: list[str] | None = None,
    snapshots_dir: str | None = None,
    data_dir: str | None = None,
) -> RunSummary:
    """Run mieruka end to end for the given sources (default: every source in the catalog).

    mode: replay (recorded snapshots, no network), live, or record (live + write snapshots).
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
    catalog = load_catalog()
    wanted = list(sources or catalog.sources)
    unknown = [s for s in wanted if s not in catalog.sources]
    if unknown:
        raise ValueError(f"unknown source(s) {', '.join(unknown)}; known: {', '.join(catalog.sources)}")
    data = Path(data_dir) if data_dir else _default_data_dir()
    snaps = Path(snapshots_dir) if snapshots_dir else DEFAULT_SNAPSHOTS
    with warehouse_lock(data):
        return _run_locked(catalog, wanted, mode, data.resolve(), snaps.resolve())


def _run_locked(catalog: Catalog, wanted: list[str], mode: str, data: Path, snaps: Path) -> RunSummary:
    run_id = new_run_id()
    work_path = data / WORK_FILE
    _progress(f"mieruka run {run_id}: mode={mode}, sources={', '.join(wanted)}")
    _progress("[1/4] warehouse: migrate")
    con = db.connect(work_path)
    try:
        applied = db.migrate(con)
        if applied:
            _progress(f"  applied migrations {applied}")
        db.run_sql(con, "start_run", {"run_id": run_id, "started_at": _now(), "mode": mode, "sources": wanted})
        parsed = {
            (parser, sha): next_page
            for parser, sha, next_page in con.sql("SELECT parser, sha256, next_page FROM raw.parsed_bodies").fetchall()
        }
        article_shas = dict(con.sql("SELECT sha256, min(article_id) FROM core.articles GROUP BY sha256").fetchall())
    finally:
        con.close()

    _progress(f"[2/4] fetch + parse ({mode})")
    settings = settings_from_env(mode, snaps)  # type: ignore[arg-type]
    intervals = {
        urlsplit(s.base_url).hostname or "": s.min_interval_s for s in catalog.sources.values() if s.base_url
    }
    with Fetcher(settings, min_interval_s=intervals) as fetcher:
        ctx = RunContext(run_id, mode, data, snaps, fetcher, load_sample_flags(snaps), parsed, _progress, article_shas)
        futures = [ingest_task.submit(ctx, catalog, sid) for sid in wanted]
        results: list[SourceResult] = [f.result() for f in futures]

    _progress("[3/4] load + marts (one transaction)")
    batch = _batch(run_id, catalog, results)
    loaded = load_task(work_path, batch)
    summary = _finish(work_path, run_id, mode, data, results, loaded["counts"])
    _progress("[4/4] publish")
    vintages = _vintages(work_path)
    credits = {sid: s.credit for sid, s in catalog.sources.items() if s.credit}
    try:
        states = source_states(work_path, catalog)
        published = publish_task(work_path, data, loaded["exported"], vintages, credits, states)
    except Exception as exc:
        _mark_run(work_path, run_id, "failed", f"publish failed: {exc}")
        raise
    summary.tables = published["tables"]
    _artifact(summary, vintages, states)
    _revisions_artifact(work_path, run_id)
    if summary.failed_count:
        raise PipelineFailed(summary)
    return summary


def _batch(run_id: str, catalog: Catalog, results: list[SourceResult]) -> LoadBatch:
    obs = [f for r in results for f in r.observations]
    quarantine = [f for r in results for f in r.quarantine]
    run_sources = [
        {
            "run_id": run_id,
            "source_id": r.source_id,
            "status": r.status,
            "requests": r.requests,
            "bytes": r.bytes,
            "bodies_skipped": r.bodies_skipped,
            "rows_parsed": r.rows_parsed,
            "rows_quarantined": r.rows_quarantined,
            "error": r.error,
        }
        for r in results
    ]
    return LoadBatch(
        run_id=run_id,
        observations=pl.concat(obs, how="vertical") if obs else pl.DataFrame(schema=STAGE_OBSERVATION_SCHEMA),
        articles=frame([a for r in results for a in r.articles], ARTICLE_SCHEMA),
        fetches=frame([f for r in results for f in r.fetches], FETCH_SCHEMA),
        quarantine=pl.concat(quarantine, how="vertical") if quarantine else pl.DataFrame(schema=QUARANTINE_SCHEMA),
        parsed_bodies=frame([p for r in results for p in r.parsed_bodies], PARSED_BODY_SCHEMA),
        run_sources=frame(run_sources, RUN_SOURCE_SCHEMA),
        indicators=catalog.indicators_frame(),
        figures=_concat([f for r in results for f in r.figures], FIGURE_SCHEMA),
        claims=_concat([f for r in results for f in r.claims], CLAIM_SCHEMA),
        codelists=_concat([f for r in results for f in r.codelists], CODE_SCHEMA),
    )


def _concat(frames: list[pl.DataFrame], schema: dict) -> pl.DataFrame:
    if not frames:
        return pl.DataFrame(schema=schema)
    return pl.concat([f.select([pl.col(c).cast(t) for c, t in schema.items()]) for f in frames])


def _vintages(work_path: Path) -> dict[str, str | None]:
    """Latest data vintage per source, from the warehouse (so a failed source keeps its last one)."""
    con = db.connect(work_path)
    try:
        rows = db.run_sql(con, "source_vintages")
    finally:
        con.close()
    return {source: vintage.isoformat(timespec="seconds") if vintage else None for source, vintage in rows}


def _mark_run(work_path: Path, run_id: str, status: str, error: str) -> None:
    con = db.connect(work_path)
    try:
        con.execute("UPDATE ops.runs SET status = $s, error = $e WHERE run_id = $r",
                    {"s": status, "e": error, "r": run_id}).fetchall()
    finally:
        con.close()


def _finish(
    work_path: Path, run_id: str, mode: str, data: Path, results: list[SourceResult], counts: dict
) -> RunSummary:
    """Record the run's outcome in ops.runs (before publishing, so the published copy holds it)."""
    sources = []
    for r in results:
        c = counts.get(r.source_id)
        sources.append(
            {
                "source_id": r.source_id,
                "status": r.status,
                "error": r.error,
                "requests": r.requests,
                "rows_parsed": r.rows_parsed,
                "rows_loaded": c.loaded if c else 0,
                "rows_revised": c.revised if c else 0,
                "rows_unchanged": c.unchanged if c else 0,
                "rows_quarantined": r.rows_quarantined,
                "bodies_skipped": r.bodies_skipped,
                "is_sample": any(f["is_sample"] for f in r.fetches),
            }
        )
    failed = [s for s in sources if s["status"] == "failed"]
    attempted = [s for s in sources if s["status"] != "skipped"]
    status = "succeeded" if not failed else ("failed" if len(failed) == len(attempted) else "partial")
    totals = {k: sum(s[k] for s in sources) for k in ("rows_parsed", "rows_loaded", "rows_revised",
                                                      "rows_unchanged", "rows_quarantined")}
    con = db.connect(work_path)
    try:
        db.run_sql(
            con,
            "finish_run",
            {
                "run_id": run_id,
                "finished_at": _now(),
                "status": status,
                **totals,
                "error": "\n".join(f"{s['source_id']}: {s['error']}" for s in failed) or None,
            },
        )
        con.execute("CHECKPOINT").fetchall()
    finally:
        con.close()
    return RunSummary(
        run_id=run_id,
        mode=mode,
        status=status,
        data_dir=str(data),
        warehouse=str(data / "mieruka.duckdb"),
        published_dir=str(data / "published"),
        dashboard=str(data / "published" / "index.html"),
        sources=sources,
    )


def _revisions_artifact(work_path: Path, run_id: str) -> None:
    """A table artifact of the run's largest revisions (none: an empty table says so)."""
    con = db.connect(work_path, read_only=False)
    try:
        rows = con.sql(db.sql_text("largest_revisions"), params={"run_id": run_id}).pl().to_dicts()
    finally:
        con.close()
    create_table_artifact(
        key="mieruka-revisions",
        table=rows or [{"indicator_id": "(no revisions in this run)"}],
        description=f"Largest revisions of run {run_id}",
    )


def _artifact(summary: RunSummary, vintages: dict[str, str | None], states: dict[str, dict]) -> None:
    samples = [s["source_id"] for s in summary.sources if s.get("is_sample")]
    lines = [f"# mieruka run {summary.run_id} ({summary.mode}): {summary.status}", ""]
    if samples:
        lines += [
            f"**Sample data:** {', '.join(samples)} came from sample snapshots (snapshots/PROVENANCE.yaml), not "
            "recorded real responses; every row carries `is_sample`. Do not quote them as fact.",
            "",
        ]
    lines += [
        "| source | status | data | parsed | loaded | revised | unchanged | quarantined | bodies unchanged, skipped |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for s in summary.sources:
        data = "sample" if s.get("is_sample") else ("real" if s["requests"] else "-")
        lines.append(
            f"| {s['source_id']} | {s['status']} | {data} | {s['rows_parsed']} | {s['rows_loaded']} "
            f"| {s['rows_revised']} | {s['rows_unchanged']} | {s['rows_quarantined']} | {s.get('bodies_skipped', 0)} |"
        )
    lines += ["", "| published table | rows |", "|---|---|"]
    lines += [f"| {name} | {rows} |" for name, rows in summary.tables.items()]
    lines += ["", "| source | latest data vintage | last success | stale |", "|---|---|---|---|"]
    lines += [
        f"| {source} | {vintages.get(source) or '-'} | {state.get('last_success') or '-'} | "
        f"{'yes' if state.get('stale') else 'no'} |"
        for source, state in sorted(states.items())
    ]
    create_markdown_artifact(key="mieruka-run", markdown="\n".join(lines), description="mieruka run summary")
