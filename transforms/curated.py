"""Parse the curated published-figures CSV into observations.

Each row is a figure as one publisher stated it; `published_at` becomes `source_updated`, so the
bitemporal load makes the figure valid from the day it was published.
"""

from __future__ import annotations

import io

import polars as pl

from transforms.contracts import OBSERVATION_SCHEMA, REJECTED_SCHEMA, ParseResult
from transforms.errors import PayloadError

PERIOD_PATTERN = r"^(\d{4}|FY\d{4})$"


def parse_curated(body: bytes, source: str = "published") -> ParseResult:
    try:
        rows = pl.read_csv(io.BytesIO(body), infer_schema=False)
    except (pl.exceptions.PolarsError, UnicodeDecodeError) as exc:
        raise PayloadError(source, f"not a readable CSV: {exc}") from exc
    needed = {"indicator_id", "area", "period", "value", "unit", "qualifier", "published_at"}
    missing = sorted(needed - set(rows.columns))
    if missing:
        raise PayloadError(source, f"missing columns {', '.join(missing)}")
    checked = rows.with_row_index("_row").with_columns(
        pl.col("value").str.strip_chars().cast(pl.Float64, strict=False).alias("_value"),
        pl.col("published_at").str.strptime(pl.Date, "%Y-%m-%d", strict=False).alias("_published"),
    )
    reason = (
        pl.when(pl.col("_value").is_null())
        .then(pl.format("value '{}' is not a number", pl.col("value")))
        .when(pl.col("_published").is_null())
        .then(pl.format("published_at '{}' is not a YYYY-MM-DD date", pl.col("published_at")))
        .when(~pl.col("period").str.contains(PERIOD_PATTERN))
        .then(pl.format("period '{}' is not YYYY or FYYYYY", pl.col("period")))
        .otherwise(None)
    )
    checked = checked.with_columns(reason.alias("_reason"))
    observations = checked.filter(pl.col("_reason").is_null()).select(
        pl.col("indicator_id").alias("series_code"),
        pl.col("area"),
        pl.col("period"),
        pl.col("_value").alias("value"),
        pl.col("unit"),
        pl.when(pl.col("qualifier") == "exact").then(None).otherwise(pl.col("qualifier")).alias("obs_status"),
        pl.col("_published").alias("source_updated"),
    )
    rejected = checked.filter(pl.col("_reason").is_not_null()).select(
        pl.col("indicator_id").alias("series_code"),
        pl.format("row {}", pl.col("_row") + 2).alias("row_ref"),  # +2: header line, 1-based
        pl.col("_reason").alias("reason"),
        pl.col("value").alias("raw_value"),
    )
    return ParseResult(observations.cast(OBSERVATION_SCHEMA), rejected.cast(REJECTED_SCHEMA))
