"""The load: one transaction per run that writes every accepted row, rejected row and fetch record.

Frames are registered with DuckDB (Arrow, zero-copy) and moved with set-based SQL from
`warehouse/sql/`; never row-by-row inserts.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import polars as pl

from warehouse.db import INDICATORS_INPUT, build_marts, run_sql, sql_text

#: Columns of the observation stage, in order (flows build it with `transforms.observations`).
STAGE_OBSERVATION_SCHEMA: dict[str, pl.DataType] = {
    "indicator_id": pl.String(),
    "area": pl.String(),
    "counterpart_area": pl.String(),
    "period": pl.String(),
    "value": pl.Float64(),
    "unit": pl.String(),
    "obs_status": pl.String(),
    "source_id": pl.String(),
    "series_code": pl.String(),
    "raw_sha256": pl.String(),
    "is_sample": pl.Boolean(),
    "valid_from": pl.Datetime("us"),
    "fetched_at": pl.Datetime("us"),
    "load_id": pl.String(),
}

ARTICLE_SCHEMA: dict[str, pl.DataType] = {
    "article_id": pl.String(),
    "source_id": pl.String(),
    "url": pl.String(),
    "title": pl.String(),
    "language": pl.String(),
    "published_at": pl.Date(),
    "published_at_inferred": pl.Boolean(),
    "text": pl.String(),
    "sha256": pl.String(),
    "repeated_chars_removed": pl.Int64(),
    "duplicate_of": pl.String(),
    "raw_sha256": pl.String(),
    "is_sample": pl.Boolean(),
    "load_id": pl.String(),
    "first_seen": pl.Datetime("us"),
}
FETCH_SCHEMA: dict[str, pl.DataType] = {
    "run_id": pl.String(),
    "source_id": pl.String(),
    "url": pl.String(),
    "final_url": pl.String(),
    "http_status": pl.Int32(),
    "fetched_at": pl.Datetime("us"),
    "sha256": pl.String(),
    "bytes": pl.Int64(),
    "content_type": pl.String(),
    "from_snapshot": pl.Boolean(),
    "is_sample": pl.Boolean(),
}
QUARANTINE_SCHEMA: dict[str, pl.DataType] = {
    "run_id": pl.String(),
    "source_id": pl.String(),
    "raw_sha256": pl.String(),
    "series_code": pl.String(),
    "row_ref": pl.String(),
    "reason": pl.String(),
    "raw_value": pl.String(),
    "quarantined_at": pl.Datetime("us"),
}
PARSED_BODY_SCHEMA: dict[str, pl.DataType] = {
    "sha256": pl.String(),
    "source_id": pl.String(),
    "parser": pl.String(),
    "run_id": pl.String(),
    "rows_parsed": pl.Int64(),
    "rows_quarantined": pl.Int64(),
    "next_page": pl.Int64(),
    "follow": pl.String(),
    "notes": pl.String(),
    "parsed_at": pl.Datetime("us"),
}
RUN_SOURCE_SCHEMA: dict[str, pl.DataType] = {
    "run_id": pl.String(),
    "source_id": pl.String(),
    "status": pl.String(),
    "requests": pl.Int32(),
    "bytes": pl.Int64(),
    "bodies_skipped": pl.Int32(),
    "rows_parsed": pl.Int64(),
    "rows_quarantined": pl.Int64(),
    "error": pl.String(),
    "notes": pl.String(),
}
CODE_SCHEMA: dict[str, pl.DataType] = {
    "codelist_id": pl.String(),
    "code": pl.String(),
    "name_en": pl.String(),
    "source_id": pl.String(),
    "load_id": pl.String(),
}


def frame(rows: list[dict], schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """A frame of `rows` with exactly `schema` (also when there are no rows)."""
    return pl.DataFrame(rows, schema=schema, orient="row") if rows else pl.DataFrame(schema=schema)


@dataclass(frozen=True)
class LoadBatch:
    """Everything one run writes, already validated by `transforms`."""

    run_id: str
    observations: pl.DataFrame  # STAGE_OBSERVATION_SCHEMA (+ optional wave), rows given in memory
    articles: pl.DataFrame  # columns of core.articles
    fetches: pl.DataFrame  # columns of raw.fetches
    quarantine: pl.DataFrame  # columns of ops.quarantine
    parsed_bodies: pl.DataFrame  # columns of raw.parsed_bodies
    run_sources: pl.DataFrame  # columns of ops.run_sources, counts of loaded/revised/unchanged filled here
    indicators: pl.DataFrame  # columns of core.indicators
    # rows of core.figures / core.claims / core.figure_pairs as `transforms` makes them plus article_id
    # and load_id; the tables' own column types apply on insert (INSERT ... BY NAME)
    figures: pl.DataFrame = field(default_factory=pl.DataFrame)
    claims: pl.DataFrame = field(default_factory=pl.DataFrame)
    pairs: pl.DataFrame = field(default_factory=pl.DataFrame)
    codelists: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=CODE_SCHEMA))
    #: observations staged on disk by the run (Parquet, STAGE_OBSERVATION_SCHEMA + wave), loaded as DuckDB
    #: streams them
    observation_files: tuple[Path, ...] = ()


@dataclass(frozen=True)
class SourceCounts:
    loaded: int = 0
    revised: int = 0
    unchanged: int = 0


def _insert(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame) -> None:
    if frame.height == 0:
        return
    con.register("stage_frame", frame)
    try:
        # table names come from this module's constants, never from data
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM stage_frame").fetchall()
    except duckdb.Error:
        # in an aborted transaction DuckDB 2.x refuses even unregister: keep the original error
        with contextlib.suppress(duckdb.Error):
            con.unregister("stage_frame")
        raise
    con.unregister("stage_frame")


def load_batch(
    con: duckdb.DuckDBPyConnection,
    batch: LoadBatch,
    finished_at: datetime,
    before_commit: Callable[[], None] | None = None,
    derive: Callable[[duckdb.DuckDBPyConnection], None] | None = None,
) -> dict[str, SourceCounts]:
    """Write the batch and rebuild the marts in one transaction; return per-source change counts.

    The same two steps a fanned-out run takes in separate transactions (see `append_batch` and
    `apply_run`), here in one. `derive` runs inside the transaction after the core tables are written
    and before the marts (checks that need the freshly loaded data, e.g. FX conversions of article
    figures); `before_commit` runs last inside the open transaction (fault tests pause there).
    """
    con.execute("BEGIN TRANSACTION").fetchall()
    try:
        counts = append_batch(con, batch)
        apply_run(con, batch.run_id, batch.indicators, finished_at, derive)
        if before_commit is not None:
            before_commit()
        con.execute("COMMIT").fetchall()
    except Exception:
        con.execute("ROLLBACK").fetchall()
        raise
    return counts


def append_batch(con: duckdb.DuckDBPyConnection, batch: LoadBatch) -> dict[str, SourceCounts]:
    """Everything one or more sources staged, written with appends only (no UPDATE or DELETE), so that
    loads of different sources can commit concurrently on a DuckLake. Rows that replace earlier ones
    (figures and claims of an article, a source's code lists) are appended to ops.staged_* and applied
    by `apply_run`. Call inside a transaction; safe to run again after a rollback."""
    counts = _merge_observations(con, batch)
    con.register("stage_articles", batch.articles)
    for source, loaded, revised, unchanged in run_sql(con, "count_article_changes"):
        counts[source] = SourceCounts(int(loaded), int(revised), int(unchanged))
    run_sql(con, "insert_articles")
    con.unregister("stage_articles")
    if batch.articles.height:
        _insert(con, "ops.staged_articles", batch.articles.select("article_id", "load_id").unique())
    # figures and claims follow an article's latest text: those of a text this batch replaces are not kept
    _insert(con, "ops.staged_figures", _of_latest_texts(batch.figures, batch.articles))
    _insert(con, "ops.staged_claims", _of_latest_texts(batch.claims, batch.articles))
    _insert(con, "ops.staged_codes", batch.codelists)
    _insert(con, "raw.fetches", batch.fetches)
    _insert(con, "ops.quarantine", batch.quarantine)
    _insert(con, "raw.parsed_bodies", batch.parsed_bodies)
    _insert(con, "ops.run_sources", _with_counts(batch.run_sources, counts))
    return counts


def apply_run(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    indicators: pl.DataFrame,
    finished_at: datetime,
    derive: Callable[[duckdb.DuckDBPyConnection], None] | None = None,
) -> list[str]:
    """The run's serialized step, after its sources' appends: what must replace earlier rows (the
    indicators, each re-read article's figures and claims, each re-read source's code lists, source
    health), then `derive`, then the marts whose inputs changed (recorded in ops.runs.marts_rebuilt).
    Returns the marts rebuilt. Call inside a transaction; safe to run again."""
    con.register("stage_indicators", indicators)
    changed = {INDICATORS_INPUT} if run_sql(con, "indicators_changed")[0][0] else set()
    con.execute("DELETE FROM core.indicators").fetchall()
    run_sql(con, "replace_indicators")
    con.unregister("stage_indicators")
    con.register("stage_run", pl.DataFrame({"run_id": [run_id]}))
    run_sql(con, "apply_staged_article_rows")
    run_sql(con, "apply_staged_codes")
    health = con.sql(sql_text("run_source_outcomes")).fetchall()
    changed |= {source for (source,) in run_sql(con, "changed_sources")}
    con.unregister("stage_run")
    for source_id, status, error, notes in health:
        run_sql(con, "upsert_source_health", {"source_id": source_id})
        run_sql(con, "record_source_notes", {"source_id": source_id, "notes": notes})
        if status == "succeeded":
            run_sql(con, "record_source_success", {"source_id": source_id, "at": finished_at})
        elif status == "failed":  # a skipped source is neither a success nor a failure
            run_sql(con, "record_source_failure", {"source_id": source_id, "at": finished_at, "error": error})
    if derive is not None and changed:
        derive(con)
    rebuilt = build_marts(con, changed)
    run_sql(con, "record_marts_rebuilt", {"run_id": run_id, "marts": ", ".join(rebuilt)})
    return rebuilt


def fx_to_jpy(con: duckdb.DuckDBPyConnection) -> dict[str, float]:
    """Yen per unit of each currency the warehouse holds a rate for (JPY itself is 1)."""
    rates = {currency: float(rate) for currency, rate in run_sql(con, "fx_to_jpy") if currency and rate}
    return {"JPY": 1.0, **rates}


def article_texts(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    return [(a, t) for a, t in run_sql(con, "article_texts")]


def figures_of(con: duckdb.DuckDBPyConnection, article_id: str) -> pl.DataFrame:
    return con.sql(sql_text("figures_of"), params={"article_id": article_id}).pl()


def replace_pairs(con: duckdb.DuckDBPyConnection, pairs: pl.DataFrame) -> None:
    """Equivalent pairs are recomputed for every article on each load (the FX rates may have changed)."""
    run_sql(con, "clear_pairs")
    _insert(con, "core.figure_pairs", pairs)


def _of_latest_texts(rows: pl.DataFrame, articles: pl.DataFrame) -> pl.DataFrame:
    """`rows` (figures or claims) without those read from a text that a later staged text of the same
    article replaces in this batch."""
    if rows.height == 0 or "article_sha256" not in rows.columns or articles.height == 0:
        return rows
    superseded = (
        articles.sort("first_seen", "sha256")
        .with_columns(pl.col("sha256").shift(-1).over("article_id").alias("_next"))
        .filter(pl.col("_next").is_not_null() & (pl.col("_next") != pl.col("sha256")))
        .select("article_id", pl.col("sha256").alias("article_sha256"))
        .unique()
    )
    latest = articles.sort("first_seen", "sha256").group_by("article_id").agg(pl.col("sha256").last())
    # a text that is both superseded and the latest (A, B, A in one batch) keeps its rows
    superseded = superseded.join(
        latest.rename({"sha256": "article_sha256"}), on=["article_id", "article_sha256"], how="anti"
    )
    return rows.join(superseded, on=["article_id", "article_sha256"], how="anti")


def _with_counts(run_sources: pl.DataFrame, counts: dict[str, SourceCounts]) -> pl.DataFrame:
    """ops.run_sources rows with the load's per-source change counts (0 where nothing was staged)."""
    count_cols = ["rows_loaded", "rows_revised", "rows_unchanged"]
    frame = pl.DataFrame(
        {
            "source_id": list(counts),
            "rows_loaded": [c.loaded for c in counts.values()],
            "rows_revised": [c.revised for c in counts.values()],
            "rows_unchanged": [c.unchanged for c in counts.values()],
        },
        schema={"source_id": pl.String, **dict.fromkeys(count_cols, pl.Int64)},
    )
    return (
        run_sources.drop(count_cols, strict=False)
        .join(frame, on="source_id", how="left")
        .with_columns(pl.col(count_cols).fill_null(0))
    )


def _stage_view(con: duckdb.DuckDBPyConnection, batch: LoadBatch) -> bool:
    """Make the staged observations the view `staged_obs`: the Parquet files of the run (read as
    DuckDB streams them, never all in memory) and any frame given directly. False when there are none."""
    columns = ", ".join([*STAGE_OBSERVATION_SCHEMA, "wave"])
    relations = []
    if batch.observation_files:
        relations.append(con.read_parquet([str(p) for p in batch.observation_files]).project(columns))
    if batch.observations.height:
        frame = batch.observations
        wave = pl.col("wave").fill_null(0) if "wave" in frame.columns else pl.lit(0, pl.Int32)
        frame = frame.with_columns(wave.cast(pl.Int32).alias("wave"))
        relations.append(con.from_arrow(frame.select([*STAGE_OBSERVATION_SCHEMA, "wave"]).to_arrow()).project(columns))
    if not relations:
        return False
    staged = relations[0]
    for other in relations[1:]:
        staged = staged.union(other)
    staged.create_view("staged_obs", replace=True)
    return True


def _merge_observations(con: duckdb.DuckDBPyConnection, batch: LoadBatch) -> dict[str, SourceCounts]:
    """Append a version for new keys and revised values (append-only); unchanged rows write nothing.

    Set-based in SQL over the staged files, one wave at a time: the older recordings of a URL replayed
    in this run first, its latest answer last, so each is compared with the version before it.
    """
    if not _stage_view(con, batch):
        return {}
    totals: dict[str, list[int]] = {}
    for (wave,) in run_sql(con, "stage_waves"):
        run_sql(con, "classify_wave", {"wave": wave})
        run_sql(con, "insert_revisions", {"run_id": batch.run_id})
        run_sql(con, "insert_observations")
        for source, loaded, revised, unchanged in run_sql(con, "count_classified"):
            counts = totals.setdefault(source, [0, 0, 0])
            counts[0] += loaded
            counts[1] += revised
            counts[2] += unchanged
        con.execute("DROP TABLE classified").fetchall()
    con.execute("DROP VIEW staged_obs").fetchall()
    return {source: SourceCounts(*counts) for source, counts in totals.items()}
