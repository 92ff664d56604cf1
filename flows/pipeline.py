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
from flows.ingest import RunContext, SourceResult, ingest_source, parsed_body
from flows.lock import warehouse_lock
from flows.provenance import load_sample_flags
from transforms.claims import PAIR_SCHEMA, check_equivalent_pairs
from warehouse import db
from warehouse.load import (
    ARTICLE_SCHEMA,
    CODE_SCHEMA,
    FETCH_SCHEMA,
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
    rows = result.rows("observations") + result.rows("articles")
    figures = result.rows("figures")
    state = "ok" if result.status == "succeeded" else "FAILED"
    _progress(
        f"  [fetch+parse] {source_id}: {state}; {result.requests} request(s), {result.bytes / 1024:.0f} KiB, "
        f"{result.bodies_skipped} already parsed, {rows} row(s) staged, {result.rows_quarantined} quarantined"
        + (f", {figures} figure(s) read" if figures else "")
        + (f"\n      error: {result.error}" if result.error else "")
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
    replace_pairs(con, _concat(frames, {**PAIR_SCHEMA, "article_id": pl.String(), "load_id": pl.String()}))


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
            (parser, sha): parsed_body(next_page, follow, notes)
            for parser, sha, next_page, follow, notes in db.run_sql(con, "parsed_bodies")
        }
        last_body = {(source, url): sha for source, url, sha in db.run_sql(con, "last_bodies")}
    finally:
        con.close()

    _progress(f"[2/4] fetch + parse ({mode})")
    settings = settings_from_env(mode, snaps)  # type: ignore[arg-type]
    intervals = {
        urlsplit(s.base_url).hostname or "": s.min_interval_s for s in catalog.sources.values() if s.base_url
    }
    with Fetcher(settings, min_interval_s=intervals) as fetcher:
        ctx = RunContext(run_id, mode, data, snaps, fetcher, load_sample_flags(snaps), parsed, _progress, last_body)
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
    """Everything the sources staged, as one batch for the load (one transaction)."""
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
            "notes": "\n".join(r.notes) if r.notes else None,
        }
        for r in results
    ]

    def staged(table: str, schema: dict | None = None) -> pl.DataFrame:
        return _concat([f for r in results for f in r.frames(table)], schema)

    return LoadBatch(
        run_id=run_id,
        observations=staged("observations", STAGE_OBSERVATION_SCHEMA),
        articles=_first_copies(staged("articles", ARTICLE_SCHEMA)),
        fetches=staged("fetches", FETCH_SCHEMA),
        quarantine=staged("quarantine", QUARANTINE_SCHEMA),
        parsed_bodies=staged("parsed_bodies", PARSED_BODY_SCHEMA),
        run_sources=frame(run_sources, RUN_SOURCE_SCHEMA),
        indicators=catalog.indicators_frame(),
        figures=staged("figures"),
        claims=staged("claims"),
        codelists=staged("codelists", CODE_SCHEMA),
    )


def _first_copies(articles: pl.DataFrame) -> pl.DataFrame:
    """Link an article whose text another URL of this run already gave to that first copy."""
    first = pl.col("article_id").first().over("sha256", order_by="first_seen")
    return articles.with_columns(
        pl.when(first != pl.col("article_id")).then(first).otherwise(pl.col("duplicate_of")).alias("duplicate_of")
    )


def _concat(frames: list[pl.DataFrame], schema: dict | None) -> pl.DataFrame:
    """The frames as one; with a `schema`, exactly its columns and types (also when there are none).

    Without one (rows of core.figures, core.claims), columns are unioned and the warehouse table's
    own types apply on insert.
    """
    if schema is None:
        return pl.concat(frames, how="diagonal_relaxed") if frames else pl.DataFrame()
    if not frames:
        return pl.DataFrame(schema=schema)
    return pl.concat([f.select([pl.col(c).cast(t) if c in f.columns else pl.lit(None, t).alias(c)
                                for c, t in schema.items()]) for f in frames])


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
            }
        )
    failed = [s for s in sources if s["status"] == "failed"]
    status = "succeeded" if not failed else ("failed" if len(failed) == len(sources) else "partial")
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
    lines = [
        f"# mieruka run {summary.run_id} ({summary.mode}): {summary.status}",
        "",
        "| source | status | parsed | loaded | revised | unchanged | quarantined |",
        "|---|---|---|---|---|---|---|",
    ]
    for s in summary.sources:
        lines.append(
            f"| {s['source_id']} | {s['status']} | {s['rows_parsed']} | {s['rows_loaded']} | {s['rows_revised']} "
            f"| {s['rows_unchanged']} | {s['rows_quarantined']} |"
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
