"""Frame contracts shared by every parser and by the load.

Parsers return a `ParseResult`: observations that satisfy `OBSERVATION_SCHEMA`, rejected rows
(`REJECTED_SCHEMA`, each with a reason in words) and the next page to ask for, if any. Keeping the
contract in one place lets the load check every source the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson
import polars as pl

#: What a parser emits, one row per (series_code, area, period).
OBSERVATION_SCHEMA: dict[str, pl.DataType] = {
    "series_code": pl.String(),  # the source's own code, e.g. BPBP6JYNSN907 or BX.GSR.CCIS.CD
    "area": pl.String(),  # ISO 3166-1 alpha-3
    "period": pl.String(),  # YYYY | YYYY-MM | YYYY-Qn | FYYYYY | YYYY-MM-DD
    "value": pl.Float64(),  # canonical unit (yen, not 億円); null when missing, reason in obs_status
    "unit": pl.String(),  # canonical unit as the source states it (JPY, USD, JPY per USD); null if unstated
    "obs_status": pl.String(),  # null for a normal value; e.g. "missing", "provisional"
    "source_updated": pl.Date(),  # when the source says it released the value; null if it does not say
}

#: Columns a parser may add after the `OBSERVATION_SCHEMA` ones when its source states them (an SDMX
#: partner dimension). A parser that does not know them leaves them out (the BOJ, World Bank, e-Stat and
#: curated parsers cast to `OBSERVATION_SCHEMA` alone): `conform_observations` fills the catalog's value
#: or the default (`WORLD` for counterpart_area).
OPTIONAL_OBSERVATION_SCHEMA: dict[str, pl.DataType] = {
    "counterpart_area": pl.String(),  # partner economy: ISO 3166-1 alpha-3 or an aggregate code (EU27_2020)
}

#: counterpart_area of a series that is not bilateral: the world, the code of the IMF's BOP area list.
WORLD = "W00"

#: A row the parser could not accept, kept with the reason (goes to ops.quarantine).
REJECTED_SCHEMA: dict[str, pl.DataType] = {
    "series_code": pl.String(),
    "row_ref": pl.String(),  # where in the payload: e.g. "RESULTSET[3].VALUES[17]"
    "reason": pl.String(),  # in words, e.g. "value 'abc' is not a number"
    "raw_value": pl.String(),  # the offending value as text, truncated to 200 chars
}


@dataclass(frozen=True)
class ParseResult:
    """One payload parsed: accepted observations, rejected rows, and paging state."""

    observations: pl.DataFrame
    rejected: pl.DataFrame
    next_page: int | None = None  # BOJ NEXTPOSITION / World Bank next page number; None = last page
    notes: tuple[str, ...] = ()  # what the operator should know about an answer that is not an error ("no records")


MAX_RAW_VALUE = 200  # characters of an offending value kept in ops.quarantine.raw_value


def raw_text(raw: Any) -> str:
    """A decoded JSON item as text for raw_value: strings as they are, the rest (null too) as JSON."""
    text = raw if isinstance(raw, str) else orjson.dumps(raw).decode()
    return text[:MAX_RAW_VALUE]


def shorten(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, with an ellipsis when cut (for messages)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def split_first_wins(
    assessed: pl.DataFrame, observation: list[pl.Expr], rejected: list[pl.Expr]
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Split rows checked by a parser into (observations, rejected rows), both in contract schema.

    `assessed` has a `fault` column (NULL when the row is fine), a `reason` column for faulty rows
    and a `row` position; of fine rows repeating a (series_code, area, period), the first wins and
    the others are rejected as duplicates (the key includes counterpart_area when `assessed` has it).
    `observation` and `rejected` select the output columns.
    """
    key = ["series_code", "area", "period", *[c for c in OPTIONAL_OBSERVATION_SCHEMA if c in assessed.columns]]
    good = assessed.filter(pl.col("fault").is_null()).with_columns(first=pl.struct(key).is_first_distinct())
    duplicates = good.filter(~pl.col("first")).with_columns(reason=pl.lit("duplicate"), fault=pl.lit("duplicate"))
    bad = assessed.filter(pl.col("fault").is_not_null())
    rejected_rows = pl.concat([bad, duplicates], how="diagonal_relaxed").sort("row").select(rejected)
    observations = good.filter(pl.col("first")).select(observation)
    return observations.cast(OBSERVATION_SCHEMA), rejected_rows.cast(REJECTED_SCHEMA)


def empty_observations() -> pl.DataFrame:
    return pl.DataFrame(schema=OBSERVATION_SCHEMA)


def empty_rejected() -> pl.DataFrame:
    return pl.DataFrame(schema=REJECTED_SCHEMA)
