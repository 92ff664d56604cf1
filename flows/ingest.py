"""Fetch, land and parse one source: the body of the per-source Prefect task.

A source is all-or-nothing: if any request or payload fails, none of its rows are loaded in
this run (its raw bodies, fetch records and quarantined payloads are kept), so a half-read
source never mixes with good data. Other sources are unaffected.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from catalog import Catalog, Source
from catalog.loader import curated_path
from catalog.requests import (
    APP_ID_PLACEHOLDER,
    Request,
    estat_data_url,
    estat_list_url,
    next_page_url,
    plan_requests,
)
from flows.http import FetchedResponse, Fetcher, FetchError
from flows.raw import land
from flows.snapshots import snapshot_paths
from transforms.articles import drop_repeated_body
from transforms.boj import parse_boj
from transforms.claims import resolve_claims
from transforms.contracts import ParseResult
from transforms.curated import parse_curated
from transforms.errors import PayloadError
from transforms.estat import DEFAULT_SERIES_KEYS, parse_estat, parse_estat_list
from transforms.feeds import parse_feed
from transforms.figures import detect_language, extract_figures
from transforms.html_article import extract_article
from transforms.observations import conform_observations
from transforms.sdmx import parse_sdmx_codelist, parse_sdmx_csv
from transforms.worldbank import parse_worldbank

#: kind -> (parser id with version, parser). Bump the version when a parser's output changes,
#: so bodies parsed by the old version are parsed again.
PARSERS: dict[str, tuple[str, Callable[[bytes, Source], ParseResult]]] = {
    "boj_api": ("boj_api@1", lambda body, _source: parse_boj(body)),
    "worldbank_v2": ("worldbank_v2@1", lambda body, _source: parse_worldbank(body)),
    "curated_csv": ("curated_csv@1", lambda body, source: parse_curated(body, source.id)),
    "sdmx_csv": ("sdmx_csv@1", lambda body, _source: parse_sdmx_csv(body)),
    "estat_api": (
        "estat_api@1",
        lambda body, source: parse_estat(body, tuple(source.options.get("series_keys") or DEFAULT_SERIES_KEYS)),
    ),
}
CODELIST_PARSER = "sdmx_codelist@1"
ARTICLE_PARSER = "article@1"
MAX_PAGES = 500


@dataclass
class RunContext:
    run_id: str
    mode: str
    data_dir: Path
    snapshots_dir: Path
    fetcher: Fetcher
    sample_flags: dict[str, bool]
    parsed: dict[tuple[str, str], int | None]  # (parser, sha256) -> next page recorded when parsed
    progress: Callable[[str], None] = print
    article_shas: dict[str, str] = field(default_factory=dict)  # text sha256 -> first article_id

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
    observations: list[pl.DataFrame] = field(default_factory=list)
    articles: list[dict] = field(default_factory=list)
    fetches: list[dict] = field(default_factory=list)
    quarantine: list[pl.DataFrame] = field(default_factory=list)
    parsed_bodies: list[dict] = field(default_factory=list)
    figures: list[pl.DataFrame] = field(default_factory=list)
    codelists: list[pl.DataFrame] = field(default_factory=list)
    claims: list[pl.DataFrame] = field(default_factory=list)

    def fail(self, message: str) -> None:
        self.status = "failed"
        self.error = message
        # all-or-nothing: nothing of a failed source is loaded or marked parsed, so only its
        # quarantined rows count as parsed (rows_parsed = loaded + revised + unchanged + quarantined)
        self.rows_parsed = self.rows_quarantined
        self.observations.clear()
        self.articles.clear()
        self.parsed_bodies.clear()
        self.figures.clear()
        self.codelists.clear()
        self.claims.clear()


def ingest_source(ctx: RunContext, catalog: Catalog, source: Source) -> SourceResult:
    result = SourceResult(source.id)
    if source.options.get("recorded_only") and ctx.mode != "replay":
        ctx.progress(f"  {source.id}: skipped in {ctx.mode} mode (recorded copy only, no public URL)")
        result.status = "skipped"
        return result
    series_map = catalog.series_map()
    try:
        for request in plan_requests(catalog, source):
            if request.kind == "curated_csv":
                _ingest_curated(ctx, catalog, source, request, series_map, result)
            elif request.kind == "estat_api":
                _ingest_estat(ctx, source, series_map, result)
            else:
                _ingest_request(ctx, source, request, series_map, result)
    except FetchError as exc:
        result.fail(str(exc))
    except PayloadError as exc:
        result.fail(str(exc))
    return result


def _ingest_request(
    ctx: RunContext, source: Source, request: Request, series_map: pl.DataFrame, result: SourceResult
) -> None:
    url = request.url
    for _page in range(MAX_PAGES):
        response = ctx.fetcher.get(source.id, url)
        sha = land(ctx.raw_dir, response.body)
        is_sample = _is_sample(ctx, source.id, url, response)
        result.requests += 1
        result.bytes += len(response.body)
        result.fetches.append(_fetch_row(ctx, response, sha, is_sample))
        if request.kind == "article_url":
            _ingest_article(ctx, source, response, sha, is_sample, result)
            return
        if request.kind == "article_feed":
            _ingest_feed(ctx, source, response, result)
            return
        if request.kind == "sdmx_structure":
            _ingest_codelists(ctx, source, response, sha, result)
            return
        next_page = _ingest_payload(ctx, source, request, response, sha, is_sample, series_map, result)
        if next_page is None:
            return
        url = next_page_url(request, next_page)
    raise FetchError(source.id, request.url, f"more than {MAX_PAGES} pages; refusing to continue")


def estat_app_id(source: Source, mode: str) -> str:
    """The e-Stat application id: env var, else a Prefect Secret block; replay needs none.

    The value only ever appears in the URL sent to e-Stat: every stored form redacts it.
    """
    if mode == "replay":
        return APP_ID_PLACEHOLDER
    env_name = str(source.options.get("app_id_env", "ESTAT_APP_ID"))
    value = os.environ.get(env_name)
    if value:
        return value
    block = source.options.get("app_id_block")
    if block:
        try:
            from prefect.blocks.system import Secret

            return str(Secret.load(str(block)).get())
        except Exception:
            pass
    raise FetchError(source.id, source.base_url, f"no e-Stat application id: set {env_name} (or create the "
                     f"Prefect Secret block '{block}') to run {source.id} in {mode} mode")


def _ingest_estat(ctx: RunContext, source: Source, series_map: pl.DataFrame, result: SourceResult) -> None:
    """Find the table (catalog id, else getStatsList + title match), then page through getStatsData."""
    app_id = estat_app_id(source, ctx.mode)
    table_id = source.options.get("stats_data_id")
    if not table_id:
        list_url = estat_list_url(source, app_id)
        response = ctx.fetcher.get(source.id, list_url)
        sha = land(ctx.raw_dir, response.body)
        result.requests += 1
        result.bytes += len(response.body)
        result.fetches.append(_fetch_row(ctx, response, sha, _is_sample(ctx, source.id, list_url, response)))
        try:
            tables = parse_estat_list(response.body)
        except PayloadError as exc:
            raise PayloadError(source.id, f"GET {response.url}: {exc.message}") from exc
        wanted = str(source.options.get("title_contains", ""))
        matches = tables.filter(pl.col("title").str.contains(wanted, literal=True))
        if matches.height == 0:
            raise PayloadError(source.id, f"GET {response.url}: no table of statistics code "
                               f"{source.options.get('stats_code')} has '{wanted}' in its title")
        table_id = matches["stats_data_id"][0]
        ctx.progress(f"  {source.id}: table {table_id} ({matches['title'][0]})")
    request = Request(source.id, estat_data_url(source, app_id, str(table_id)), f"getStatsData {table_id}",
                      "estat_api")
    _ingest_request(ctx, source, request, series_map, result)


def _ingest_codelists(
    ctx: RunContext, source: Source, response: FetchedResponse, sha: str, result: SourceResult
) -> None:
    """SDMX structure: the codelists that name the series codes, kept with the data."""
    if (CODELIST_PARSER, sha) in ctx.parsed:
        result.bodies_skipped += 1
        return
    try:
        codes = parse_sdmx_codelist(response.body)
    except PayloadError as exc:
        raise PayloadError(source.id, f"GET {response.url}: {exc.message}") from exc
    result.codelists.append(codes.with_columns(pl.lit(source.id).alias("source_id"),
                                               pl.lit(ctx.run_id).alias("load_id")))
    result.parsed_bodies.append(
        {"sha256": sha, "source_id": source.id, "parser": CODELIST_PARSER, "run_id": ctx.run_id,
         "rows_parsed": 0, "rows_quarantined": 0, "next_page": None, "parsed_at": response.fetched_at}
    )


def _ingest_curated(
    ctx: RunContext, catalog: Catalog, source: Source, request: Request, series_map: pl.DataFrame,
    result: SourceResult,
) -> None:
    """A curated file of the catalog is read from disk, archived and parsed like any response."""
    path = curated_path(catalog.directory, source)
    body = path.read_bytes()
    response = FetchedResponse(
        source_id=source.id,
        url=request.url,
        status=200,
        content_type="text/csv; charset=utf-8",
        body=body,
        fetched_at=datetime.now(UTC).replace(tzinfo=None),
        from_snapshot=False,
    )
    sha = land(ctx.raw_dir, body)
    result.requests += 1
    result.bytes += len(body)
    result.fetches.append(_fetch_row(ctx, response, sha, False))
    _ingest_payload(ctx, source, request, response, sha, False, series_map, result)


def _ingest_payload(
    ctx: RunContext,
    source: Source,
    request: Request,
    response: FetchedResponse,
    sha: str,
    is_sample: bool,
    series_map: pl.DataFrame,
    result: SourceResult,
) -> int | None:
    parser_id, parse = PARSERS[request.kind]
    if (parser_id, sha) in ctx.parsed:
        result.bodies_skipped += 1
        return ctx.parsed[(parser_id, sha)]
    try:
        parsed = parse(response.body, source)
    except PayloadError as exc:
        error = PayloadError(source.id, f"GET {response.url}: {exc.message}")
        result.quarantine.append(_quarantine_frame(ctx, source.id, sha, None, str(error)))
        raise error from exc
    accepted, rejected = conform_observations(parsed.observations, series_map, source.id)
    rejected_all = pl.concat([parsed.rejected, rejected], how="vertical")
    result.rows_parsed += accepted.height + rejected_all.height
    result.rows_quarantined += rejected_all.height
    result.observations.append(_stage_frame(ctx, source.id, sha, is_sample, response.fetched_at, accepted))
    if rejected_all.height:
        result.quarantine.append(_quarantine_frame(ctx, source.id, sha, rejected_all, None))
    result.parsed_bodies.append(
        {
            "sha256": sha,
            "source_id": source.id,
            "parser": parser_id,
            "run_id": ctx.run_id,
            "rows_parsed": accepted.height + rejected_all.height,
            "rows_quarantined": rejected_all.height,
            "next_page": parsed.next_page,
            "parsed_at": response.fetched_at,
        }
    )
    return parsed.next_page


def _ingest_feed(ctx: RunContext, source: Source, response: FetchedResponse, result: SourceResult) -> None:
    """Read the feed, then fetch and ingest each linked article (at most `max_items`)."""
    try:
        entries = parse_feed(response.body, source.id)
    except PayloadError as exc:
        raise PayloadError(source.id, f"GET {response.url}: {exc.message}") from exc
    limit = int(source.options.get("max_items", 50))
    for url in entries.filter(pl.col("url").is_not_null())["url"].head(limit).to_list():
        article = ctx.fetcher.get(source.id, url)
        sha = land(ctx.raw_dir, article.body)
        is_sample = _is_sample(ctx, source.id, url, article)
        result.requests += 1
        result.bytes += len(article.body)
        result.fetches.append(_fetch_row(ctx, article, sha, is_sample))
        _ingest_article(ctx, source, article, sha, is_sample, result)


def _ingest_article(
    ctx: RunContext, source: Source, response: FetchedResponse, sha: str, is_sample: bool, result: SourceResult
) -> None:
    if (ARTICLE_PARSER, sha) in ctx.parsed:
        result.bodies_skipped += 1
        return
    try:
        doc = extract_article(response.body, response.content_type, response.url, source.id)
    except PayloadError as exc:
        error = PayloadError(source.id, f"GET {response.url}: {exc.message}")
        result.quarantine.append(_quarantine_frame(ctx, source.id, sha, None, str(error)))
        raise error from exc
    text, removed = drop_repeated_body(doc.text)
    known = (source.options.get("known_articles") or {}).get(response.url, {})
    published_at = known.get("published_at") or source.options.get("published_at")
    published = datetime.fromisoformat(str(published_at)).date() if published_at else doc.published
    inferred = bool(known.get("published_at_inferred", source.options.get("published_at_inferred", False)))
    article_id = _short_hash(response.url)
    text_sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    first_copy = ctx.article_shas.setdefault(text_sha, article_id)
    language = known.get("language") or source.options.get("language") or doc.language or detect_language(text)
    # the same text from another URL is stored (linked by duplicate_of) but its figures count once
    figures = extract_figures(text, language) if first_copy == article_id else extract_figures("", language)
    result.figures.append(
        figures.with_row_index("figure_index").select(
            pl.lit(article_id).alias("article_id"),
            pl.col("figure_index").cast(pl.Int32),
            "surface",
            pl.col("start").alias("start_offset"),
            pl.col("end").alias("end_offset"),
            "value",
            "unit",
            "qualifier",
            "ambiguous",
            "note",
            pl.lit(language, dtype=pl.String).alias("language"),
            pl.lit(ctx.run_id).alias("load_id"),
        )
    )
    claims = resolve_claims(text, figures, language or "en", article_id, published.year if published else None)
    result.claims.append(claims.with_columns(pl.lit(ctx.run_id).alias("load_id")))
    result.rows_parsed += 1
    result.articles.append(
        {
            "article_id": article_id,
            "source_id": source.id,
            "url": response.url,
            "title": doc.title or next((line.strip() for line in text.splitlines() if line.strip()), None),
            "language": language,
            "published_at": published,
            "published_at_inferred": inferred,
            "text": text,
            "sha256": text_sha,
            "repeated_chars_removed": removed,
            "duplicate_of": None if first_copy == article_id else first_copy,
            "raw_sha256": sha,
            "is_sample": is_sample,
            "load_id": ctx.run_id,
            "first_seen": response.fetched_at,
        }
    )
    result.parsed_bodies.append(
        {
            "sha256": sha,
            "source_id": source.id,
            "parser": ARTICLE_PARSER,
            "run_id": ctx.run_id,
            "rows_parsed": 1,
            "rows_quarantined": 0,
            "next_page": None,
            "parsed_at": response.fetched_at,
        }
    )


def _short_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _is_sample(ctx: RunContext, source_id: str, url: str, response: FetchedResponse) -> bool:
    if not response.from_snapshot:
        return False
    body_path = snapshot_paths(ctx.snapshots_dir, source_id, url).body
    rel = body_path.relative_to(ctx.snapshots_dir.resolve()).as_posix()
    return ctx.sample_flags.get(rel, True)  # unlisted snapshots count as sample


def _fetch_row(ctx: RunContext, response: FetchedResponse, sha: str, is_sample: bool) -> dict:
    return {
        "run_id": ctx.run_id,
        "source_id": response.source_id,
        "url": response.url,
        "http_status": response.status,
        "fetched_at": response.fetched_at,
        "sha256": sha,
        "bytes": len(response.body),
        "content_type": response.content_type,
        "from_snapshot": response.from_snapshot,
        "is_sample": is_sample,
    }


def _stage_frame(
    ctx: RunContext, source_id: str, sha: str, is_sample: bool, fetched_at: datetime, accepted: pl.DataFrame
) -> pl.DataFrame:
    fetched = pl.lit(fetched_at, dtype=pl.Datetime("us"))
    return accepted.select(
        "indicator_id",
        "area",
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
    ctx: RunContext, source_id: str, sha: str | None, rejected: pl.DataFrame | None, payload_error: str | None
) -> pl.DataFrame:
    if rejected is None:
        rejected = pl.DataFrame(
            {"series_code": [None], "row_ref": [None], "reason": [payload_error], "raw_value": [None]},
            schema={"series_code": pl.String, "row_ref": pl.String, "reason": pl.String, "raw_value": pl.String},
        )
    return rejected.select(
        pl.lit(ctx.run_id).alias("run_id"),
        pl.lit(source_id).alias("source_id"),
        pl.lit(sha, dtype=pl.String).alias("raw_sha256"),
        "series_code",
        "row_ref",
        "reason",
        pl.col("raw_value").str.slice(0, 200),
        pl.lit(datetime.now(UTC).replace(tzinfo=None), dtype=pl.Datetime("us")).alias("quarantined_at"),
    )
