"""Ingest one source: the body of the per-source Prefect task, the same step for every source kind.

Every request of every source goes through one step: fetch -> land raw -> parse -> stage. The
source's adapter (`transforms.adapters`) plans the requests, reads each body and names the next
page and any follow-up requests; this module does the I/O around it and never asks what kind of
source it is.

An HTTP error status that the source's adapter documents as an answer (`answer_to_status`: SDMX
404, "the query matched no data") is not a failure: its answer goes on like a parsed body. The notes
an adapter returns ("no records", the table e-Stat discovery chose) are kept per run and source
(`ops.run_sources.notes`) and as the source's latest (`ops.source_health.notes`).

A source is all-or-nothing: if a required request or payload fails, none of its rows are loaded
in this run (its raw bodies, fetch records and quarantined payloads are kept), so a half-read
source never mixes with good data. A request that is not required (an article linked from a
feed) fails alone: its error is quarantined and the rest of the source loads. Other sources are
unaffected either way.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from catalog import Catalog, CatalogError, Source
from flows.http import FetchedResponse, Fetcher, FetchError
from flows.raw import land
from flows.secrets import resolve_secrets, with_secrets
from transforms.adapters import Parsed, Request, ResponseInfo, SourceAdapter, adapter_for
from transforms.contracts import REJECTED_SCHEMA
from transforms.errors import PayloadError
from transforms.observations import conform_observations
from warehouse.load import STAGE_OBSERVATION_SCHEMA

#: A staged body: the observation stage columns and the wave of its body (see `_process`).
STAGE_SCHEMA = {**STAGE_OBSERVATION_SCHEMA, "wave": pl.Int32()}

#: A source that asks for more pages than this in one request series is refused (a paging loop).
MAX_PAGES = 500
#: Scheme of request URLs that name a file of the catalog (curated data): read from disk, not fetched.
CATALOG_SCHEME = "catalog:"
#: The run's columns each staged table carries besides what the adapter gives (see `_stage`).
RUN_COLUMNS: dict[str, tuple[str, ...]] = {
    "articles": ("source_id", "raw_sha256", "is_sample", "load_id", "first_seen"),
    "figures": ("load_id",),
    "claims": ("load_id",),
    "codelists": ("source_id", "load_id"),
}


@dataclass(frozen=True)
class ParsedBody:
    """What the warehouse remembers of a body already parsed, so it need not be parsed again."""

    next_page: int | None
    follow: tuple[Request, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass
class RunContext:
    run_id: str
    mode: str
    data_dir: Path
    snapshots_dir: Path
    fetcher: Fetcher
    sample_flags: dict[str, bool]
    parsed: dict[tuple[str, str], ParsedBody]  # (parser id, body sha256) -> what parsing it gave
    progress: Callable[[str], None] = print
    last_body: dict[tuple[str, str], str] = field(default_factory=dict)  # (source, url) -> sha256 last received
    #: where accepted observations are staged as Parquet, one file per body, so a run holds one body in
    #: memory at a time (None: keep them as frames, for small runs and tests)
    stage_dir: Path | None = None

    @property
    def raw_dir(self) -> Path:
        return self.data_dir / "raw"


@dataclass
class SourceResult:
    source_id: str
    status: str = "succeeded"  # or "failed", or "skipped" (not fetched in this mode: recorded_only)
    error: str | None = None
    requests: int = 0
    bytes: int = 0
    bodies_skipped: int = 0
    rows_parsed: int = 0
    rows_quarantined: int = 0
    #: what the adapter said about the answers besides rows (e.g. "no records"), in request order
    notes: list[str] = field(default_factory=list)
    #: frames to load, by warehouse table: observations, quarantine, fetches, parsed_bodies, articles,
    #: figures, claims, codelists
    tables: dict[str, list[pl.DataFrame]] = field(default_factory=dict)
    #: observations staged on disk (RunContext.stage_dir): one Parquet file per body, and their rows
    observation_files: list[Path] = field(default_factory=list)
    staged_rows: int = 0

    def stage(self, table: str, frame: pl.DataFrame) -> None:
        self.tables.setdefault(table, []).append(frame)

    def frames(self, table: str) -> list[pl.DataFrame]:
        return self.tables.get(table, [])

    def rows(self, table: str) -> int:
        staged = self.staged_rows if table == "observations" else 0
        return staged + sum(f.height for f in self.frames(table))

    def stage_observations(self, frame: pl.DataFrame, stage_dir: Path | None) -> None:
        """Keep a body's accepted observations: on disk when the run stages there, else in memory."""
        if stage_dir is None:
            self.stage("observations", frame)
            return
        folder = stage_dir / self.source_id
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{len(self.observation_files):06d}.parquet"
        frame.cast(STAGE_SCHEMA).write_parquet(path, compression="lz4", statistics=False)
        self.observation_files.append(path)
        self.staged_rows += frame.height

    def fail(self, message: str) -> None:
        self.status = "failed"
        self.error = message
        # all-or-nothing: nothing of a failed source is loaded or marked parsed, so only its
        # quarantined rows count as parsed (rows_parsed = loaded + revised + unchanged + quarantined)
        self.rows_parsed = self.rows_quarantined
        self.tables = {t: f for t, f in self.tables.items() if t in ("fetches", "quarantine")}
        for path in self.observation_files:
            path.unlink(missing_ok=True)
        self.observation_files.clear()
        self.staged_rows = 0


def ingest_source(ctx: RunContext, catalog: Catalog, source: Source) -> SourceResult:
    """Every request of `source`, through the one step; see the module docstring."""
    result = SourceResult(source.id)
    if source.options.get("recorded_only") and ctx.mode != "replay":
        ctx.progress(f"  {source.id}: skipped in {ctx.mode} mode (recorded copy only, no public URL)")
        result.status = "skipped"
        return result
    adapter = adapter_for(source.kind)
    try:
        secrets = resolve_secrets(source, ctx.mode)
        queue = deque(adapter.plan(source, catalog))
        while queue:
            queue.extend(_request_series(ctx, catalog, source, adapter, queue.popleft(), secrets, result))
    except (FetchError, PayloadError, CatalogError) as exc:
        result.fail(str(exc))
    return result


def _request_series(
    ctx: RunContext, catalog: Catalog, source: Source, adapter: SourceAdapter, request: Request,
    secrets: dict[str, str], result: SourceResult,
) -> list[Request]:
    """One request and its pages; returns the follow-up requests its answers asked for."""
    follow: list[Request] = []
    first = request
    history = ctx.fetcher.history(source.id, with_secrets(request.url, secrets))
    for wave, older in enumerate(history):
        _process(ctx, catalog, source, adapter, request, older, result, history=True, wave=wave)
    for _page in range(MAX_PAGES):
        try:
            parsed = _step(ctx, catalog, source, adapter, request, secrets, result, wave=len(history))
        except (FetchError, PayloadError) as exc:
            answer = _status_answer(adapter, request, exc)
            if answer is not None:
                result.requests += 1
                _note(ctx, source, result, answer.notes)
                parsed = answer
            elif request.required:
                raise
            else:
                if isinstance(exc, FetchError):  # a payload error was quarantined where its body was read
                    result.stage("quarantine", _quarantine_frame(ctx, source.id, None, None, str(exc), request.url))
                    result.rows_quarantined += 1
                result.rows_parsed += 1
                return follow
        follow.extend(parsed.follow)
        request = adapter.next_request(request, parsed)
        if request is None:
            return follow
    raise FetchError(source.id, first.url, f"more than {MAX_PAGES} pages; refusing to continue")


def _status_answer(adapter: SourceAdapter, request: Request, exc: FetchError | PayloadError) -> Parsed | None:
    """The adapter's answer to the HTTP status of a failed fetch, when its service documents one."""
    if isinstance(exc, FetchError) and exc.status is not None:
        return adapter.answer_to_status(request, exc.status)
    return None


def _note(ctx: RunContext, source: Source, result: SourceResult, notes: tuple[str, ...]) -> None:
    for note in notes:
        ctx.progress(f"  {source.id}: {note}")
    result.notes.extend(notes)


def _step(
    ctx: RunContext, catalog: Catalog, source: Source, adapter: SourceAdapter, request: Request,
    secrets: dict[str, str], result: SourceResult, wave: int = 0,
) -> Parsed:
    """fetch -> land raw -> parse -> stage, for one request."""
    response = _fetch(ctx, catalog, source, request, secrets)
    return _process(ctx, catalog, source, adapter, request, response, result, wave=wave)


def _process(
    ctx: RunContext, catalog: Catalog, source: Source, adapter: SourceAdapter, request: Request,
    response: FetchedResponse, result: SourceResult, history: bool = False, wave: int = 0,
) -> Parsed:
    """land raw -> parse -> stage, for one response.

    A body is parsed again only when it could change what is current: the latest answer of a URL
    is skipped when it is the same body as the URL's last answer (so a source that reverts to an
    older body becomes current again); an older recording replayed as history (`history`) is
    skipped whenever it was parsed before, since history does not change. `wave` orders the bodies
    of one URL in this run (older recordings first), so the load compares each with the one before.
    """
    sha = land(ctx.raw_dir, response.body)
    is_sample = response.from_snapshot and ctx.sample_flags.get(response.recording or "", True)
    result.requests += 1
    result.bytes += len(response.body)
    result.stage("fetches", _fetch_frame(ctx, response, sha, is_sample))
    known = ctx.parsed.get((adapter.parser_id, sha))
    if not history:
        previous = ctx.last_body.get((source.id, response.url))
        ctx.last_body[(source.id, response.url)] = sha
        if known is not None and previous == sha:
            # the same body as last time, already parsed by this parser version: its rows are current
            result.bodies_skipped += 1
            result.notes.extend(known.notes)
            return Parsed(next_page=known.next_page, follow=known.follow, notes=known.notes)
    elif known is not None:
        result.bodies_skipped += 1
        return Parsed()
    info = ResponseInfo(url=response.url, content_type=response.content_type, fetched_at=response.fetched_at)
    try:
        parsed = adapter.parse(response.body, request, source, catalog, info)
    except PayloadError as exc:
        error = PayloadError(source.id, f"GET {response.url}: {exc.message}")
        result.stage("quarantine", _quarantine_frame(ctx, source.id, sha, None, str(error), response.url))
        result.rows_quarantined += 1
        raise error from exc
    _note(ctx, source, result, parsed.notes)
    _stage(ctx, catalog, source, response, sha, is_sample, parsed, result, wave)
    result.stage("parsed_bodies", _parsed_body_frame(ctx, source.id, adapter.parser_id, sha, parsed, response))
    return parsed


def _fetch(
    ctx: RunContext, catalog: Catalog, source: Source, request: Request, secrets: dict[str, str]
) -> FetchedResponse:
    if request.url.startswith(CATALOG_SCHEME):
        return _read_catalog_file(catalog, source, request)
    return ctx.fetcher.get(source.id, with_secrets(request.url, secrets), trusted=request.trusted)


def _read_catalog_file(catalog: Catalog, source: Source, request: Request) -> FetchedResponse:
    """A file of the catalog folder (curated data), read like a response; never outside the folder."""
    rel = request.url.removeprefix(CATALOG_SCHEME)
    root = catalog.directory.resolve()
    path = (root / rel).resolve()
    if root not in path.parents:
        raise CatalogError(f"sources.yaml: source '{source.id}': {rel} is not a file inside {root.name}/")
    try:
        body = path.read_bytes()
    except OSError as exc:
        raise CatalogError(f"sources.yaml: source '{source.id}': cannot read {rel}: {exc.strerror}") from exc
    return FetchedResponse(
        source_id=source.id, url=request.url, status=200, content_type="text/csv; charset=utf-8", body=body,
        fetched_at=_now(), from_snapshot=False,
    )


def _stage(
    ctx: RunContext, catalog: Catalog, source: Source, response: FetchedResponse, sha: str, is_sample: bool,
    parsed: Parsed, result: SourceResult, wave: int = 0,
) -> None:
    """Conform the observations to the catalog and stage every frame with the run's columns."""
    accepted, rejected = conform_observations(parsed.observations, catalog.series_map(source.id), source.id)
    rejected_all = pl.concat([parsed.rejected.cast(REJECTED_SCHEMA), rejected], how="vertical")
    counted = accepted.height + rejected_all.height + sum(
        f.height for name, f in parsed.tables.items() if name == "articles"
    )
    result.rows_parsed += counted
    result.rows_quarantined += rejected_all.height
    if accepted.height:
        observations = _observation_frame(ctx, source.id, sha, is_sample, response.fetched_at, accepted)
        result.stage_observations(observations.with_columns(pl.lit(wave, pl.Int32).alias("wave")), ctx.stage_dir)
    if rejected_all.height:
        result.stage("quarantine", _quarantine_frame(ctx, source.id, sha, rejected_all, None, None))
    run_columns = {
        "source_id": pl.lit(source.id),
        "raw_sha256": pl.lit(sha),
        "is_sample": pl.lit(is_sample),
        "load_id": pl.lit(ctx.run_id),
        "first_seen": pl.lit(response.fetched_at, dtype=pl.Datetime("us")),
    }
    for name, frame in parsed.tables.items():
        added = [run_columns[c].alias(c) for c in RUN_COLUMNS.get(name, ()) if c not in frame.columns]
        result.stage(name, frame.with_columns(added))


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _fetch_frame(ctx: RunContext, response: FetchedResponse, sha: str, is_sample: bool) -> pl.DataFrame:
    return pl.DataFrame(
        [{
            "run_id": ctx.run_id,
            "source_id": response.source_id,
            "url": response.url,
            "final_url": response.final_url,
            "http_status": response.status,
            "fetched_at": response.fetched_at,
            "sha256": sha,
            "bytes": len(response.body),
            "content_type": response.content_type,
            "from_snapshot": response.from_snapshot,
            "is_sample": is_sample,
        }]
    )


def _parsed_body_frame(
    ctx: RunContext, source_id: str, parser_id: str, sha: str, parsed: Parsed, response: FetchedResponse
) -> pl.DataFrame:
    follow = json.dumps([asdict(r) for r in parsed.follow], ensure_ascii=False) if parsed.follow else None
    return pl.DataFrame(
        [{
            "sha256": sha,
            "source_id": source_id,
            "parser": parser_id,
            "run_id": ctx.run_id,
            "rows_parsed": parsed.observations.height + parsed.rejected.height,
            "rows_quarantined": parsed.rejected.height,
            "next_page": parsed.next_page,
            "follow": follow,
            "notes": "\n".join(parsed.notes) if parsed.notes else None,
            "parsed_at": response.fetched_at,
        }],
        schema_overrides={"next_page": pl.Int64, "follow": pl.String, "notes": pl.String},
    )


def parsed_body(next_page: int | None, follow_json: str | None, notes: str | None = None) -> ParsedBody:
    """A `ParsedBody` from its `raw.parsed_bodies` columns."""
    follow = tuple(Request(**r) for r in json.loads(follow_json)) if follow_json else ()
    return ParsedBody(next_page, follow, tuple(notes.split("\n")) if notes else ())


def _observation_frame(
    ctx: RunContext, source_id: str, sha: str, is_sample: bool, fetched_at: datetime, accepted: pl.DataFrame
) -> pl.DataFrame:
    fetched = pl.lit(fetched_at, dtype=pl.Datetime("us"))
    return accepted.select(
        "indicator_id",
        "area",
        "counterpart_area",
        "period",
        "value",
        "unit",
        "obs_status",
        pl.lit(source_id).alias("source_id"),
        "series_code",
        pl.lit(sha).alias("raw_sha256"),
        pl.lit(is_sample).alias("is_sample"),
        pl.coalesce(pl.col("source_updated").cast(pl.Datetime("us")), fetched).alias("valid_from"),
        fetched.alias("fetched_at"),
        pl.lit(ctx.run_id).alias("load_id"),
    )


def _quarantine_frame(
    ctx: RunContext, source_id: str, sha: str | None, rejected: pl.DataFrame | None, payload_error: str | None,
    row_ref: str | None,
) -> pl.DataFrame:
    if rejected is None:
        rejected = pl.DataFrame(
            {"series_code": [None], "row_ref": [row_ref], "reason": [payload_error], "raw_value": [None]},
            schema=REJECTED_SCHEMA,
        )
    return rejected.select(
        pl.lit(ctx.run_id).alias("run_id"),
        pl.lit(source_id).alias("source_id"),
        pl.lit(sha, dtype=pl.String).alias("raw_sha256"),
        "series_code",
        "row_ref",
        "reason",
        pl.col("raw_value").str.slice(0, 200),
        pl.lit(_now(), dtype=pl.Datetime("us")).alias("quarantined_at"),
    )
