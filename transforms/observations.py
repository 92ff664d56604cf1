"""Turn a parser's observations into rows of `core.observations`, rejecting what breaks the contract.

The catalog is the authority on what a series means: a series it does not declare, a unit or a
counterpart area that disagrees with the declared one, a non-finite value or a key repeated within
the batch is rejected with the reason, never loaded and never dropped silently.

counterpart_area (the partner economy of a bilateral series) comes from the parser when its source
states one (an SDMX partner dimension), else from the indicator's ``counterpart_area`` in the catalog
(a BOJ regional series), else it is the world (``W00``), which every other series is.
"""

from __future__ import annotations

import polars as pl

from transforms.contracts import REJECTED_SCHEMA, WORLD

#: What identifies an observation (and so a revision of it).
KEY = ["indicator_id", "area", "counterpart_area", "period"]

CONFORMED_COLUMNS = [
    "indicator_id", "area", "counterpart_area", "period", "value", "unit", "obs_status", "series_code",
    "source_updated",
]


def conform_observations(
    observations: pl.DataFrame, series_map: pl.DataFrame, source_id: str
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Attach indicator ids and catalog units; return (accepted, rejected in REJECTED_SCHEMA).

    `series_map` has columns source_id, series_code, indicator_id, catalog_unit and, optionally,
    catalog_counterpart (`Catalog.series_map`).
    """
    mapping = series_map.filter(pl.col("source_id") == source_id).drop("source_id")
    if "catalog_counterpart" not in mapping.columns:
        mapping = mapping.with_columns(catalog_counterpart=pl.lit(None, pl.String))
    if "counterpart_area" not in observations.columns:
        observations = observations.with_columns(counterpart_area=pl.lit(None, pl.String))
    joined = (
        observations.join(mapping, on="series_code", how="left")
        .with_row_index("_row")
        .with_columns(
            _stated=pl.col("counterpart_area"),
            counterpart_area=pl.coalesce("counterpart_area", "catalog_counterpart", pl.lit(WORLD)),
        )
    )
    stated_differs = (
        pl.col("_stated").is_not_null()
        & pl.col("catalog_counterpart").is_not_null()
        & (pl.col("_stated") != pl.col("catalog_counterpart"))
    )
    reason = (
        pl.when(pl.col("indicator_id").is_null())
        .then(pl.format("series {} is not declared in catalog/indicators.yaml", pl.col("series_code")))
        .when(pl.col("unit").is_not_null() & (pl.col("unit") != pl.col("catalog_unit")))
        .then(pl.format("unit '{}' differs from the catalog unit '{}'", pl.col("unit"), pl.col("catalog_unit")))
        .when(stated_differs)
        .then(pl.format("counterpart area '{}' differs from the catalog's '{}'", pl.col("_stated"),
                        pl.col("catalog_counterpart")))
        .when(pl.col("value").is_not_null() & pl.col("value").is_infinite())
        .then(pl.lit("value is not finite"))
        .when(pl.col("value").is_nan())
        .then(pl.lit("value is NaN"))
        .when(pl.col("_row") != pl.col("_row").min().over(KEY))
        .then(pl.format("duplicate of an earlier row for {} {} {} {}", pl.col("indicator_id"), pl.col("area"),
                        pl.col("counterpart_area"), pl.col("period")))
        .otherwise(None)
        .alias("_reason")
    )
    checked = joined.with_columns(reason)
    accepted = (
        checked.filter(pl.col("_reason").is_null())
        .with_columns(pl.col("catalog_unit").alias("unit"))
        .select(CONFORMED_COLUMNS)
    )
    rejected = checked.filter(pl.col("_reason").is_not_null()).select(
        pl.col("series_code"),
        pl.format("{} {}", pl.col("area"), pl.col("period")).alias("row_ref"),
        pl.col("_reason").alias("reason"),
        pl.col("value").cast(pl.String).alias("raw_value"),
    )
    return accepted, rejected.cast(REJECTED_SCHEMA)
