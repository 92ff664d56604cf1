"""The load: one transaction per run that writes every accepted row, rejected row and fetch record.

Frames are registered with DuckDB (Arrow, zero-copy) and moved with set-based SQL from
`warehouse/sql/`; never row-by-row inserts.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import duckdb
import polars as pl

from transforms.observations import classify_changes
from warehouse.db import build_marts, run_sql, sql_text

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
    observations: pl.DataFrame  # STAGE_OBSERVATION_SCHEMA
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

    `derive` runs inside the transaction after the core tables are written and before the marts
    (checks that need the freshly loaded data, e.g. FX conversions of article figures);
    `before_commit` runs last inside the open transaction (fault tests pause there).
    """
    con.execute("BEGIN TRANSACTION").fetchall()
    try:
        counts = _merge_observations(con, batch.observations, batch.run_id)
        con.execute("DELETE FROM core.indicators").fetchall()
        con.register("stage_indicators", batch.indicators)
        run_sql(con, "replace_indicators")
        con.unregister("stage_indicators")
        con.register("stage_articles", batch.articles)
        for source, loaded, revised, unchanged in run_sql(con, "count_article_changes"):
            counts[source] = SourceCounts(int(loaded), int(revised), int(unchanged))
        run_sql(con, "insert_articles")
        con.unregister("stage_articles")
        _replace_article_rows(con, batch)
        if batch.codelists.height:
            con.register("stage_codes", batch.codelists)
            run_sql(con, "replace_codes")
            con.unregister("stage_codes")
        _insert(con, "raw.fetches", batch.fetches)
        _insert(con, "ops.quarantine", batch.quarantine)
        _insert(con, "raw.parsed_bodies", batch.parsed_bodies)
        run_sources = _with_counts(batch.run_sources, counts)
        _insert(con, "ops.run_sources", run_sources)
        for row in run_sources.iter_rows(named=True):
            run_sql(con, "upsert_source_health", {"source_id": row["source_id"]})
            run_sql(con, "record_source_notes", {"source_id": row["source_id"], "notes": row.get("notes")})
            if row["status"] == "succeeded":
                run_sql(con, "record_source_success", {"source_id": row["source_id"], "at": finished_at})
            elif row["status"] == "failed":  # a skipped source is neither a success nor a failure
                run_sql(
                    con,
                    "record_source_failure",
                    {"source_id": row["source_id"], "at": finished_at, "error": row["error"]},
                )
        if derive is not None:
            derive(con)
        build_marts(con)
        if before_commit is not None:
            before_commit()
        con.execute("COMMIT").fetchall()
    except Exception:
        con.execute("ROLLBACK").fetchall()
        raise
    return counts


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


def _replace_article_rows(con: duckdb.DuckDBPyConnection, batch: LoadBatch) -> None:
    """Figures, claims and pairs of each article in the batch replace that article's earlier ones.

    They are derived from one text, so they follow the article's current version: a new text with no
    figures leaves none. When the batch holds several texts of one article (an older recording
    replayed before the latest), only the figures and claims of its latest text are kept; the older
    texts are stored as history (core.article_versions) without figures.
    """
    staged = [f.select("article_id") for f in (batch.figures, batch.claims, batch.pairs) if f.height]
    if batch.articles.height:
        staged.append(batch.articles.select("article_id"))
    if not staged:
        return
    articles = pl.concat(staged).unique()
    con.register("stage_article_ids", articles)
    run_sql(con, "delete_article_rows")
    con.unregister("stage_article_ids")
    _insert(con, "core.figures", _of_latest_texts(batch.figures, batch.articles))
    _insert(con, "core.claims", _of_latest_texts(batch.claims, batch.articles))
    _insert(con, "core.figure_pairs", batch.pairs)
    run_sql(con, "drop_duplicate_article_rows")


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


CURRENT_COLUMNS = [
    "indicator_id", "area", "counterpart_area", "period", "value", "unit", "obs_status", "is_sample", "valid_from",
]


def _merge_observations(
    con: duckdb.DuckDBPyConnection, stage: pl.DataFrame, run_id: str
) -> dict[str, SourceCounts]:
    """Append a version for new keys and revised values (append-only); unchanged rows write nothing."""
    stage = stage.select([pl.col(c).cast(t) for c, t in STAGE_OBSERVATION_SCHEMA.items()])
    sources = stage["source_id"].unique().to_list()
    if run_sql(con, "sources_with_current_rows", {"sources": sources}):
        con.register("stage_obs", stage)
        try:
            current = con.sql(sql_text("current_observations")).pl()
        except duckdb.Error:
            with contextlib.suppress(duckdb.Error):
                con.unregister("stage_obs")
            raise
        con.unregister("stage_obs")
    else:  # a first load of these sources: nothing to compare with, skip reading 0 rows the slow way
        current = pl.DataFrame(schema={c: stage.schema[c] for c in CURRENT_COLUMNS})
    classified = classify_changes(stage, current)
    revised = classified.filter(pl.col("is_changed")).select(
        "source_id", "indicator_id", "area", "counterpart_area", "period", "value", "previous_value",
        pl.col("valid_from").alias("new_valid_from"),
    )
    to_write = classified.filter(pl.col("is_new") | pl.col("is_changed")).drop("previous_value")
    if revised.height:
        con.register("revised_obs", revised)
        run_sql(con, "insert_revisions", {"run_id": run_id})
        con.unregister("revised_obs")
    if to_write.height:
        # dictionary-encoded strings: DuckDB writes the many repeated ids and codes faster this way
        con.register("obs_to_write", to_write.with_columns(pl.col(pl.String).cast(pl.Categorical)).to_arrow())
        run_sql(con, "insert_observations")
        con.unregister("obs_to_write")
    counts = classified.group_by("source_id").agg(
        pl.col("is_new").sum().alias("loaded"),
        pl.col("is_changed").sum().alias("revised"),
        (~pl.col("is_new") & ~pl.col("is_changed")).sum().alias("unchanged"),
    )
    return {
        r["source_id"]: SourceCounts(r["loaded"], r["revised"], r["unchanged"]) for r in counts.iter_rows(named=True)
    }
