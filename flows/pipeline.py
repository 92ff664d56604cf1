"""The Prefect flow `pipeline`: fetch -> raw archive -> parse -> load -> marts -> publish.

Tasks are per source and per stage (a handful per run), never per row or request: the local
Prefect server records about 16 task runs a second. The flow ends Failed when any source failed,
after the other sources have loaded and published (PipelineFailed), or when nothing could be
published (NothingPublished: the previous publication stays in place).

Run bookkeeping: a run is 'running' in ops.runs until its publication is in place; only then is its
final status written (succeeded, partial, failed). A run that fails on the way records 'failed' with
the cause; if even that write fails (a full disk), or the process is killed, the next run finds it
still 'running' and repairs it (warehouse/sql/repair_unfinished_runs.sql).
"""

from __future__ import annotations

import errno
import json
import os
import secrets
import shutil
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import polars as pl
from prefect import flow, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from catalog import Catalog, load_catalog
from flows.dictionary import write_dictionary
from flows.http import MODES, Fetcher, settings_from_env
from flows.ingest import RunContext, SourceResult, ingest_source, parsed_body
from flows.lock import warehouse_lock
from flows.provenance import load_sample_flags
from flows.publish_dashboard import render_dashboard
from flows.status import data_label, state_word
from transforms.claims import PAIR_SCHEMA, check_equivalent_pairs
from warehouse import db
from warehouse.backend import Warehouse
from warehouse.load import (
    ARTICLE_SCHEMA,
    CODE_SCHEMA,
    FETCH_SCHEMA,
    PARSED_BODY_SCHEMA,
    QUARANTINE_SCHEMA,
    RUN_SOURCE_SCHEMA,
    STAGE_OBSERVATION_SCHEMA,
    LoadBatch,
    SourceCounts,
    append_batch,
    apply_run,
    article_texts,
    figures_of,
    frame,
    fx_to_jpy,
    replace_pairs,
)
from warehouse.load import _insert as insert_frame
from warehouse.publish import (
    ExportedMart,
    Publication,
    PublishedLayout,
    build_manifest,
    export_marts,
    publish_keep,
    remove_partial_files,
    utc_z,
)
from warehouse.publish.publication import ANALYSTS_COPY

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SNAPSHOTS = PROJECT_ROOT / "snapshots"
WORK_FILE = "warehouse/mieruka-work.duckdb"
#: Where a run stages its observations (data/stage/<run_id>/<source>/NNNNNN.parquet) until the load.
STAGE_DIR = "stage"
ATTACH_SQL = "attach.sql"


class PipelineFailed(RuntimeError):
    """Some sources failed; the others loaded and published. Carries the run summary."""

    def __init__(self, summary: RunSummary) -> None:
        self.summary = summary
        failed = "; ".join(s["error"] for s in summary.sources if s["status"] == "failed")
        super().__init__(f"{summary.failed_count} source(s) failed: {failed}")


class NothingPublished(RuntimeError):
    """The run ended without a new publication; the previous one (analysts' copy and published set) is
    unchanged. Raised from the step that failed (fetch, load or publish), after recording the run."""

    def __init__(self, run_id: str, step: str, cause: BaseException, failed_sources: int = 0) -> None:
        self.run_id, self.step, self.cause = run_id, step, cause
        also = f" ({failed_sources} source(s) had failed too)" if failed_sources else ""
        super().__init__(
            f"run {run_id}: nothing was published: the {step} step failed: {type(cause).__name__}: {cause}{also}. "
            "The previous publication is unchanged."
        )


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
    error: str | None = None  # one line per failed source
    version_dir: str = ""  # the published version this run made (data/published points at it)
    lake_snapshot: int | None = None  # the DuckLake snapshot the marts were published from (lake only)

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
def load_task(wh: Warehouse, batch: LoadBatch) -> dict:
    """Every source's rows and the marts in one transaction (one process ran every source)."""
    con = wh.connect()
    try:
        (counts, marts), retries = wh.write(
            con,
            lambda c, _retries: load_rows(c, batch),
            message=f"run {batch.run_id}: load and marts",
            before_commit=lambda: pause_point("load"),
        )
        snapshot = wh.last_commit(con)
        _checkpoint(wh, con)
    finally:
        con.close()
    _progress(f"  marts rebuilt: {', '.join(marts) or 'none (their inputs did not change)'}")
    return {"counts": counts, "retries": retries, "snapshot": snapshot, "marts": marts}


def load_rows(con, batch: LoadBatch) -> tuple[dict[str, SourceCounts], list[str]]:
    """`load_batch`'s work inside a transaction `Warehouse.write` opened (it commits or retries): the
    per-source counts and the marts rebuilt."""
    counts = append_batch(con, batch)
    marts = apply_run(con, batch.run_id, batch.indicators, _now(), derive=lambda c: _check_pairs(c, batch.run_id))
    return counts, marts


@task(name="apply-run-and-build-marts", cache_policy=NO_CACHE)
def apply_task(wh: Warehouse, run_id: str, indicators: pl.DataFrame, missing: pl.DataFrame) -> dict:
    """The serialized step of a fanned-out run, after every source loaded on its own: the ops.run_sources
    rows of sources whose flow run died before loading (`missing`), the replacements and the marts."""

    def body(con, _retries: int) -> list[str]:
        insert_frame(con, "ops.run_sources", missing)
        return apply_run(con, run_id, indicators, _now(), derive=lambda c: _check_pairs(c, run_id))

    con = wh.connect()
    try:
        marts, retries = wh.write(con, body, message=f"run {run_id}: marts", before_commit=lambda: pause_point("load"))
        snapshot = wh.last_commit(con)
        _checkpoint(wh, con)
    finally:
        con.close()
    _progress(f"  marts rebuilt: {', '.join(marts) or 'none (their inputs did not change)'}")
    return {"retries": retries, "snapshot": snapshot, "marts": marts}


def _checkpoint(wh: Warehouse, con) -> None:
    """Fold the embedded file's WAL in before it is copied (a DuckLake has no WAL to fold)."""
    if not wh.is_lake:
        con.execute("CHECKPOINT").fetchall()


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


def source_states(wh: Warehouse, catalog: Catalog) -> dict[str, dict]:
    """Per source: last success, failures, last error and whether its published data is stale (the source
    failed last, or its last success is older than its catalog cadence); and, in the words of `mieruka
    status`, its `state` (ok / replayed / skipped / STALE / FAILING) and `data` (sample / recorded / live /
    curated / none), so the dashboard says what the CLI says."""
    con = wh.connect()
    try:
        rows = db.run_sql(con, "source_health")
        origins = {row[0]: row[1:] for row in db.run_sql(con, "source_data_origin")}
    finally:
        con.close()
    now = _now()
    states = {}
    for source_id, last_success, error_at, last_error, failures in rows:
        source = catalog.sources.get(source_id)
        cadence = source.cadence_hours if source else 0
        too_old = bool(cadence) and (last_success is None or (now - last_success).total_seconds() > cadence * 3600)
        origin = origins.get(source_id)
        states[source_id] = {
            "last_success": utc_z(last_success),
            "consecutive_failures": failures,
            "last_error": last_error,
            "last_error_at": utc_z(error_at),
            "stale": bool(failures) or too_old,
            "state": state_word(failures, too_old, origin),
            "data": data_label(catalog, source_id, origin),
        }
    return states


@task(name="publish", cache_policy=NO_CACHE)
def publish_task(
    wh: Warehouse, data_dir: Path, run: dict, vintages: dict, credits: dict, sources: dict, keep: int,
    snapshot: int | None = None,
) -> dict:
    """Build the run's publication aside and switch it in (warehouse/publish/publication.py).

    Embedded: the analysts' copy is the working file with this run's final status written into it; the
    marts are exported from that copy, so the Parquet and CSV files hold exactly its rows. Lake: no copy;
    the marts are exported from the lake pinned at `snapshot` (the one the marts were committed in), which
    the manifest and attach.sql name. `run` holds run_id, mode, status, error and finished_at."""
    with Publication(data_dir, run["run_id"], keep, pause_hook=pause_point) as pub:
        if wh.is_lake:
            con = wh.connect(read_only=True, snapshot=snapshot)
            warehouse_name = None
        else:
            copy = pub.copy_warehouse(wh.path)
            con = db.connect(copy)
            warehouse_name = ANALYSTS_COPY
        try:
            if not wh.is_lake:
                db.run_sql(con, "finish_run", {k: run[k] for k in ("run_id", "status", "error", "finished_at")})
            pause_point("publish-export")
            exported: dict[str, ExportedMart] = export_marts(con, pub.staging)
            if wh.is_lake:
                write_dictionary(None, pub.staging, warehouse_name=f"the lake at snapshot {snapshot}", con=con)
            else:
                con.execute("CHECKPOINT").fetchall()
        finally:
            con.close()
        if not wh.is_lake:
            pub.validate_copy({name: mart.rows for name, mart in exported.items()})
            write_dictionary(copy, pub.staging, warehouse_name=ANALYSTS_COPY)
        extra = None
        if wh.is_lake:
            pub.write_bytes(ATTACH_SQL, wh.analysts_attach_sql(snapshot, run["run_id"]).encode("utf-8"))
            extra = {"lake": {"snapshot": snapshot, "attach": ATTACH_SQL, "data_path": wh.data_path}}
        manifest = build_manifest(
            run_id=run["run_id"],
            mode=run["mode"],
            run_status=run["status"],
            generated_at=run["finished_at"],
            version_dir=pub.version_dir,
            marts=exported,
            vintages=vintages,
            sources=sources,
            credits=credits,
            warehouse=warehouse_name,
            extra=extra,
        )
        pub.write_json("manifest.json", manifest)
        render_dashboard(pub.staging)
        result = pub.commit()
    for path in result.removed_versions:
        _progress(f"  removed old published version {path.name}")
    if result.cleanup_error:
        print(f"warning: published, but could not remove old versions: {result.cleanup_error}", file=sys.stderr)
    return {
        "warehouse": str(result.warehouse) if result.warehouse else wh.describe(),
        "published_dir": str(result.published_dir),
        "version_dir": str(result.version_dir),
        "tables": {name: mart.rows for name, mart in exported.items()},
    }


def pause_point(where: str) -> None:
    """Test-only hooks at named points of a run (load, publish-export, publish, publish-pointer,
    publish-cleanup, finish-run, record-failure):
    - MIERUKA_TEST_FAIL_AT=<where>[,<where>...] raises OSError there, ENOSPC (a full disk) unless
      MIERUKA_TEST_FAIL_ERRNO names another errno (e.g. EROFS), so tests can fail a run at that point;
    - MIERUKA_TEST_PAUSE_AT=<where> stops here (after writing the marker file MIERUKA_TEST_PAUSE_FILE)
      until killed, or until the file MIERUKA_TEST_RESUME_FILE exists, so fault tests can kill the run
      exactly at that point (or just after it: a source load's commit, `source-load`)."""
    if where in os.environ.get("MIERUKA_TEST_FAIL_AT", "").split(","):
        code = getattr(errno, os.environ.get("MIERUKA_TEST_FAIL_ERRNO", "ENOSPC"))
        raise OSError(code, f"{os.strerror(code)} (injected at {where} by MIERUKA_TEST_FAIL_AT)")
    if os.environ.get("MIERUKA_TEST_PAUSE_AT") != where:
        return
    Path(os.environ.get("MIERUKA_TEST_PAUSE_FILE", "paused")).write_text(str(os.getpid()))
    resume = os.environ.get("MIERUKA_TEST_RESUME_FILE")
    while not (resume and Path(resume).exists()):
        time.sleep(0.1)


@flow(name="pipeline", log_prints=False)
def pipeline(
    mode: str = "replay",
    sources: list[str] | None = None,
    snapshots_dir: str | None = None,
    data_dir: str | None = None,
    warehouse: str | None = None,
    lake_data_path: str | None = None,
    source_deployment: str | None = None,
) -> RunSummary:
    """Run mieruka end to end for the given sources (default: every source in the catalog).

    mode: replay (recorded snapshots, no network), live, or record (live + write snapshots).
    warehouse / lake_data_path: where the warehouse lives (warehouse/backend.py; default from
    MIERUKA_WAREHOUSE / MIERUKA_LAKE_DATA_PATH, else the embedded file). Never put a password in them
    (they are stored with the flow run): PGPASSWORD or ~/.pgpass.
    source_deployment: `flow/deployment` of flows/workers.py:source_flow on a work pool; when given, each
    source runs as its own flow run there, and this flow waits for them, then builds the marts and publishes.
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
    catalog = load_catalog()
    wanted = list(sources or catalog.sources)
    unknown = [s for s in wanted if s not in catalog.sources]
    if unknown:
        raise ValueError(f"unknown source(s) {', '.join(unknown)}; known: {', '.join(catalog.sources)}")
    keep = publish_keep()  # a bad MIERUKA_PUBLISH_KEEP is a usage error, before anything is touched
    data = Path(data_dir) if data_dir else _default_data_dir()
    snaps = Path(snapshots_dir) if snapshots_dir else DEFAULT_SNAPSHOTS
    wh = Warehouse.from_settings(data.resolve(), warehouse, lake_data_path)
    wh.ensure_data_path()
    plan = _Plan(wh, source_deployment, {"warehouse": warehouse, "lake_data_path": lake_data_path})
    with warehouse_lock(data):
        return _run_locked(catalog, wanted, mode, data.resolve(), snaps.resolve(), keep, plan)


@dataclass(frozen=True)
class _Plan:
    """Where the run writes and how its sources run: in this process, or fanned out to a deployment."""

    wh: Warehouse
    source_deployment: str | None = None
    settings: dict = field(default_factory=dict)  # warehouse parameters to hand on to source flow runs


def _run_locked(
    catalog: Catalog, wanted: list[str], mode: str, data: Path, snaps: Path, keep: int, plan: _Plan
) -> RunSummary:
    """Run under the lock; whatever fails on the way ends the run as 'failed' with its cause, or as
    NothingPublished when no publication was made."""
    run_id = new_run_id()
    progress = _Progress()
    try:
        return _run(catalog, wanted, mode, data, snaps, keep, run_id, progress, plan)
    except PipelineFailed:
        raise  # some sources failed, the rest published: the run is already recorded as partial/failed
    except BaseException as exc:
        if progress.step != "start":  # the run has its row in ops.runs
            _record_failure(plan.wh, data, run_id, progress, exc)
        if isinstance(exc, Exception):
            raise NothingPublished(run_id, progress.step, exc, progress.failed_sources) from exc
        raise


@dataclass
class _Progress:
    """Which step a run is in, so that a failure can say where it happened."""

    step: str = "start"
    failed_sources: int = 0
    error: str | None = None  # the sources' errors, once known


@dataclass
class _StageClock:
    """Prints each stage's header and, when the next one starts, how long the last one took (an
    operator sees where a long run spends its time; benchmarks/bench_scale.py reads these lines)."""

    name: str | None = None
    started: float = 0.0

    def start(self, name: str, header: str) -> None:
        self.finish()
        _progress(header)
        self.name, self.started = name, time.perf_counter()

    def finish(self) -> None:
        if self.name is not None:
            _progress(f"  {self.name} took {time.perf_counter() - self.started:.2f} s")
        self.name = None


def _run(
    catalog: Catalog, wanted: list[str], mode: str, data: Path, snaps: Path, keep: int, run_id: str,
    progress: _Progress, plan: _Plan,
) -> RunSummary:
    wh = plan.wh
    clock = _StageClock()
    _progress(f"mieruka run {run_id}: mode={mode}, sources={', '.join(wanted)}")
    clock.start("migrate", f"[1/4] warehouse: migrate ({wh.describe()})")
    for path in remove_partial_files(data):
        _progress(f"  removed {path.name}, left by a publish that did not finish")
    con = wh.connect()
    try:
        applied = db.migrate(con)
        if applied:
            _progress(f"  applied migrations {applied}")
        for old_run, status in _repair_unfinished_runs(wh, con, run_id, data):
            _progress(f"  run {old_run} never recorded its end: now {status} (see ops.runs.error)")
        db.run_sql(con, "start_run", {"run_id": run_id, "started_at": _now(), "mode": mode, "sources": wanted})
        progress.step = "fetch"
        parsed, last_body = read_parse_state(con)
    finally:
        con.close()

    if plan.source_deployment:
        from flows.workers import fan_out

        clock.start("fetch + parse + load",
                    f"[2/4] fetch + parse + load, one flow run per source on {plan.source_deployment} ({mode})")
        results, counts, missing, retries = fan_out(
            wh, plan.source_deployment, run_id, wanted, mode, snaps, data, plan.settings, _progress
        )
        progress.step = "load"
        failed = [r for r in results if r.status == "failed"]
        progress.failed_sources = len(failed)
        progress.error = "\n".join(f"{r.source_id}: {r.error}" for r in failed) or None
        clock.start("serialized step", "[3/4] serialized step: replacements + marts (one transaction)")
        applied_run = apply_task(wh, run_id, catalog.indicators_frame(), missing)
        retries += applied_run["retries"]
        snapshot = applied_run["snapshot"]
    else:
        clock.start("fetch + parse", f"[2/4] fetch + parse ({mode})")
        settings = settings_from_env(mode, snaps)  # type: ignore[arg-type]
        intervals = {
            urlsplit(s.base_url).hostname or "": s.min_interval_s for s in catalog.sources.values() if s.base_url
        }
        allow_hosts = {sid: s.options.get("allow_hosts") for sid, s in catalog.sources.items()}
        stage_dir = data / STAGE_DIR / run_id
        shutil.rmtree(data / STAGE_DIR, ignore_errors=True)  # what a killed run staged: it never loaded
        with Fetcher(settings, min_interval_s=intervals, allow_hosts=allow_hosts) as fetcher:
            ctx = RunContext(run_id, mode, data, snaps, fetcher, load_sample_flags(snaps), parsed, _progress,
                             last_body, stage_dir=stage_dir)
            # quoted: Prefect would otherwise walk every object inside the run context and the catalog
            # (each series, each parsed body) looking for futures, for every task (seconds on a big catalog)
            futures = [ingest_task.submit(quote(ctx), quote(catalog), sid) for sid in wanted]
            results: list[SourceResult] = [f.result() for f in futures]

        progress.step = "load"
        failed = [r for r in results if r.status == "failed"]
        progress.failed_sources = len(failed)
        progress.error = "\n".join(f"{r.source_id}: {r.error}" for r in failed) or None
        clock.start("load + marts", "[3/4] load + marts (one transaction)")
        batch = _batch(run_id, catalog, results)
        loaded = load_task(wh, batch)
        shutil.rmtree(stage_dir, ignore_errors=True)
        counts, retries, snapshot = loaded["counts"], loaded["retries"], loaded["snapshot"]
    summary = _finish(wh, run_id, mode, data, results, counts, retries, snapshot)
    progress.step = "publish"
    clock.start("publish", "[4/4] publish" + (f" (lake snapshot {snapshot})" if snapshot is not None else ""))
    vintages = _vintages(wh)
    credits = {sid: s.credit for sid, s in catalog.sources.items() if s.credit}
    states = source_states(wh, catalog)
    run = {"run_id": run_id, "mode": mode, "status": summary.status, "error": summary.error, "finished_at": _now()}
    published = publish_task(wh, data, run, vintages, credits, states, keep, snapshot)
    clock.finish()
    progress.step = "record"
    _record_end(wh, run)
    summary.tables = published["tables"]
    summary.version_dir = published["version_dir"]
    summary.lake_snapshot = snapshot
    try:  # the run has published: a Prefect API hiccup here must not turn it into a failed run
        _artifact(summary, vintages, states)
        _revisions_artifact(wh, run_id)
    except Exception as exc:
        print(f"warning: published, but the Prefect artifacts were not created: {exc}", file=sys.stderr)
    if summary.failed_count:
        raise PipelineFailed(summary)
    return summary


def read_parse_state(con) -> tuple[dict, dict]:
    """What the warehouse remembers of bodies already parsed, and the body each URL answered last."""
    parsed = {
        (parser, sha): parsed_body(next_page, follow, notes)
        for parser, sha, next_page, follow, notes in db.run_sql(con, "parsed_bodies")
    }
    last_body = {(source, url): sha for source, url, sha in db.run_sql(con, "last_bodies")}
    return parsed, last_body


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
        observations=staged("observations", {**STAGE_OBSERVATION_SCHEMA, "wave": pl.Int32()}),
        observation_files=tuple(path for r in results for path in r.observation_files),
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


def _vintages(wh: Warehouse) -> dict[str, str | None]:
    """Latest data vintage per source, from the warehouse (so a failed source keeps its last one)."""
    con = wh.connect()
    try:
        rows = db.run_sql(con, "source_vintages")
    finally:
        con.close()
    return {source: utc_z(vintage) for source, vintage in rows}


def _mark_run(wh: Warehouse, run_id: str, status: str, error: str | None, finished_at: datetime) -> None:
    """Write a run's final status into the working file (test hook: fails on MIERUKA_TEST_FAIL_AT=finish-run)."""
    pause_point("finish-run")
    con = wh.connect()
    try:
        params = {"run_id": run_id, "status": status, "error": error, "finished_at": finished_at}
        wh.write(con, lambda c, _r: db.run_sql(c, "finish_run", params), message=f"run {run_id}: {status}")
        _checkpoint(wh, con)
    finally:
        con.close()


def _record_end(wh: Warehouse, run: dict) -> None:
    """After the publication is in place: the same final status the published copy already holds. If this
    write fails (a full disk), the publication stands and the next run repairs the row from the manifest."""
    try:
        _mark_run(wh, run["run_id"], run["status"], run["error"], run["finished_at"])
    except Exception as exc:
        print(
            f"warning: published, but could not record the end of run {run['run_id']} in ops.runs "
            f"({type(exc).__name__}: {exc}); the next run will record it from published/manifest.json",
            file=sys.stderr,
        )


def _record_failure(wh: Warehouse, data: Path, run_id: str, progress: _Progress, exc: BaseException) -> None:
    """Record a run that failed at `progress.step` as 'failed' with its cause, and remove partial files.
    Best effort: when the disk is full even this may fail; the row then stays 'running' and the next run
    marks it abandoned (repair_unfinished_runs.sql)."""
    cause = f"nothing published: the {progress.step} step failed: {type(exc).__name__}: {exc}"
    error = "\n".join(e for e in (progress.error, cause) if e)
    try:
        remove_partial_files(data)
    except OSError as cleanup_error:
        print(f"warning: could not remove partial publish files: {cleanup_error}", file=sys.stderr)
    try:
        pause_point("record-failure")
        _mark_run(wh, run_id, "failed", error, _now())
    except Exception as write_error:
        print(
            f"warning: could not record the failure of run {run_id} in ops.runs ({type(write_error).__name__}: "
            f"{write_error}); the next run will mark it abandoned",
            file=sys.stderr,
        )


def _published_run(data: Path) -> tuple[str | None, str | None, datetime | None]:
    """run_id, run_status and time of the publication `data/published` points at (None when there is
    none, or it predates manifest_version 2)."""
    current = PublishedLayout(data).current()
    if current is None:
        return None, None, None
    try:
        manifest = json.loads((current / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None, None, None
    generated = manifest.get("generated_at")
    at = datetime.fromisoformat(generated).astimezone(UTC).replace(tzinfo=None) if generated else None
    return manifest.get("run_id"), manifest.get("run_status"), at


def _repair_unfinished_runs(wh: Warehouse, con, run_id: str, data: Path) -> list[tuple[str, str]]:
    """Runs left 'running' by a dead process (we hold the lock, so none is alive) get an honest status:
    the one the current publication names keeps the status it published with, the others become
    'abandoned' with the reason. Returns (run_id, new status) pairs."""
    published_run, published_status, published_at = _published_run(data)
    listed = {"run_id": run_id, "published_run_id": published_run, "published_status": published_status or "succeeded"}

    def body(c, _retries: int) -> list[tuple[str, str]]:
        found = db.run_sql(c, "unfinished_runs", listed)
        if found:
            db.run_sql(c, "repair_unfinished_runs", {**listed, "published_at": published_at})
        return [(r, st) for r, st in found]

    return wh.write(con, body, message=f"run {run_id}: repair unfinished runs")[0]


def _finish(
    wh: Warehouse, run_id: str, mode: str, data: Path, results: list[SourceResult], counts: dict,
    retries: int = 0, snapshot: int | None = None,
) -> RunSummary:
    """Record what the run loaded in ops.runs. Its status stays 'running' until the publication is in
    place: the published copy gets the final status when it is made, the working file after the swap."""
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
                "is_sample": any(f["is_sample"].any() for f in r.frames("fetches")),
            }
        )
    failed = [s for s in sources if s["status"] == "failed"]
    attempted = [s for s in sources if s["status"] != "skipped"]
    status = "succeeded" if not failed else ("failed" if len(failed) == len(attempted) else "partial")
    totals = {k: sum(s[k] for s in sources) for k in ("rows_parsed", "rows_loaded", "rows_revised",
                                                      "rows_unchanged", "rows_quarantined")}
    error = "\n".join(f"{s['source_id']}: {s['error']}" for s in failed) or None
    params = {"run_id": run_id, **totals, "error": error, "commit_retries": retries, "lake_snapshot": snapshot}
    con = wh.connect()
    try:
        wh.write(con, lambda c, _r: db.run_sql(c, "record_run_counts", params), message=f"run {run_id}: counts")
        _checkpoint(wh, con)
    finally:
        con.close()
    return RunSummary(
        run_id=run_id,
        mode=mode,
        status=status,
        data_dir=str(data),
        warehouse=wh.describe() if wh.is_lake else str(data / "mieruka.duckdb"),
        published_dir=str(data / "published"),
        dashboard=str(data / "published" / "index.html"),
        sources=sources,
        error=error,
    )


def _revisions_artifact(wh: Warehouse, run_id: str) -> None:
    """A table artifact of the run's largest revisions (none: an empty table says so)."""
    con = wh.connect()
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
