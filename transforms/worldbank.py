"""Parse a World Bank Indicators API v2 JSON response into the frame contract.

The body is a two-element array ``[paging, rows]``: ``paging`` holds page, pages and lastupdated,
``rows`` is a list of ``{"indicator": {"id"}, "country": {"id", "value"}, "countryiso3code",
"date", "value", "obs_status", ...}`` or null when nothing matched. Errors come back with HTTP 200
as ``[{"message": [{"id", "key", "value"}]}]``.

Shape problems (not JSON, a key repeated within an object, the error envelope, anything but
``[paging, rows]``) raise `PayloadError`; a single bad row (no ISO3 code, a date that is not a
period, a value that is not a finite number, a repeated period) becomes a rejected row: a ``NaN``
or ``1e309`` literal rejects its row only (`transforms.json_strict`). ``unit`` is always null: the API's ``unit``
field is empty in practice, so the catalog states the unit instead.

Pages hold at most a few tens of thousands of rows, so fields are pulled out of the row dicts with
one list comprehension per column; all checks and conversions then run as Polars expressions.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl

from transforms.contracts import (
    MAX_RAW_VALUE,
    OBSERVATION_SCHEMA,
    REJECTED_SCHEMA,
    ParseResult,
    empty_observations,
    empty_rejected,
    shorten,
)
from transforms.errors import PayloadError
from transforms.json_strict import NonFiniteNumber, decode_json, json_text

SOURCE = "worldbank"

_MAX_IN_REASON = 50  # a bad value quoted inside a reason is cut shorter
_NUMBER_TYPES = frozenset({int, float, type(None)})
_YEAR = r"^[0-9]{4}$"
_QUARTER = r"^[0-9]{4}Q[1-4]$"
_MONTH = r"^[0-9]{4}M(0[1-9]|1[0-2])$"


def parse_worldbank(body: bytes) -> ParseResult:
    """Parse one World Bank v2 JSON page; see the module docstring for what raises and what rejects."""
    doc = _decode(body)
    _check_error_envelope(doc)
    paging, rows = _paging_and_rows(doc)
    next_page = _next_page(paging)
    if rows is None:
        return ParseResult(empty_observations(), empty_rejected(), next_page)
    assessed = _assess(_rows_frame(rows), _iso_date(paging.get("lastupdated")))
    observations, rejected = _split(assessed)
    return ParseResult(observations, rejected, next_page)


# --- payload shape -------------------------------------------------------------------------------


def _decode(body: bytes) -> list[Any]:
    """Decode strictly (`decode_json`); every World Bank answer, error or not, is a top-level array."""
    doc = decode_json(body, SOURCE)
    if not isinstance(doc, list):
        raise PayloadError(SOURCE, f"top level is {type(doc).__name__}, expected an array")
    return doc


def _check_error_envelope(doc: list[Any]) -> None:
    """The API reports bad requests with HTTP 200 and ``[{"message": [...]}]``: raise with its text."""
    head = doc[0] if doc else None
    if not isinstance(head, dict) or "message" not in head:
        return
    messages = head["message"] if isinstance(head["message"], list) else [head["message"]]
    text = "; ".join(_message_text(m) for m in messages) or "(no message)"
    raise PayloadError(SOURCE, f"World Bank API error {shorten(text, 500)}")


def _message_text(message: Any) -> str:
    """One ``{"id": "120", "key": "Invalid value", "value": "..."}`` entry as ``120 Invalid value: ...``."""
    if not isinstance(message, dict):
        return json_text(message)
    return f"{message.get('id')} {message.get('key')}: {message.get('value')}"


def _paging_and_rows(doc: list[Any]) -> tuple[dict[str, Any], list[Any] | None]:
    """Split ``[paging, rows]``; rows is null when the query matched nothing."""
    if len(doc) != 2 or not isinstance(doc[0], dict):
        raise PayloadError(SOURCE, f"expected [paging, rows], got an array of {len(doc)} item(s)")
    paging, rows = doc
    if rows is not None and not isinstance(rows, list):
        raise PayloadError(SOURCE, f"rows is {type(rows).__name__}, expected an array or null")
    return paging, rows


def _next_page(paging: dict[str, Any]) -> int | None:
    """page + 1 while page < pages. Without readable page/pages paging would silently stop, so raise."""
    page, pages = _count(paging.get("page")), _count(paging.get("pages"))
    if page is None or pages is None:
        raise PayloadError(SOURCE, f"paging has no usable page/pages: {shorten(json_text(paging), 200)}")
    return page + 1 if page < pages else None


def _count(raw: Any) -> int | None:
    """A non-negative paging number; the API has been seen sending some of them as strings."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw if raw >= 0 else None
    if isinstance(raw, str) and raw.isascii() and raw.isdigit():
        return int(raw)
    return None


def _iso_date(raw: Any) -> dt.date | None:
    """``lastupdated`` is YYYY-MM-DD (or null); anything else gives null, not an error."""
    if not isinstance(raw, str) or len(raw) != 10:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        return None


# --- frames --------------------------------------------------------------------------------------


def _rows_frame(rows: list[Any]) -> pl.DataFrame:
    """The fields the contract needs, one column each; a field of the wrong JSON type becomes null.

    ``value_bad`` / ``date_bad`` keep the text of a value or date that is not of the expected type,
    so that it can be quoted in the rejected row.
    """
    dicts = [r if type(r) is dict else None for r in rows]
    indicator = _field(_field(dicts, "indicator"), "id")
    country = _field(dicts, "country")
    value = _field(dicts, "value")
    date = _field(dicts, "date")
    return pl.DataFrame(
        {
            "row": list(range(len(rows))),
            "is_object": [d is not None for d in dicts],
            "series_code": _strings(indicator),
            "iso3": _strings(_field(dicts, "countryiso3code")),
            "country": _first_strings(_field(country, "value"), _field(country, "id")),
            "date": _strings(date),
            "date_bad": [None if type(d) is str else json_text(d) for d in date],
            "number": [v if type(v) in _NUMBER_TYPES else None for v in value],
            "value_bad": [None if type(v) in _NUMBER_TYPES else json_text(v) for v in value],
            "value_non_finite": [type(v) is NonFiniteNumber for v in value],
            "status": _strings(_field(dicts, "obs_status")),
            "row_text": [None if d is not None else json_text(r) for r, d in zip(rows, dicts, strict=True)],
        },
        schema={
            "row": pl.Int64,
            "is_object": pl.Boolean,
            "series_code": pl.String,
            "iso3": pl.String,
            "country": pl.String,
            "date": pl.String,
            "date_bad": pl.String,
            "number": pl.Float64,
            "value_bad": pl.String,
            "value_non_finite": pl.Boolean,
            "status": pl.String,
            "row_text": pl.String,
        },
    )


def _field(items: list[Any], key: str) -> list[Any]:
    """``item[key]`` for dict items, None for anything else: never raises on odd rows."""
    return [x.get(key) if type(x) is dict else None for x in items]


def _strings(items: list[Any]) -> list[str | None]:
    """Keep strings, null the rest: a code or date of another JSON type is as good as absent."""
    return [x if type(x) is str else None for x in items]


def _first_strings(preferred: list[Any], fallback: list[Any]) -> list[str | None]:
    """Per position, the preferred item if it is a non-empty string, else the fallback if it is one."""
    return [
        p if type(p) is str and p else f if type(f) is str and f else None
        for p, f in zip(preferred, fallback, strict=True)
    ]


# --- rules ---------------------------------------------------------------------------------------


def _period() -> pl.Expr:
    """``2014`` → 2014, ``2014Q1`` → 2014-Q1, ``2014M01`` → 2014-01; anything else → null."""
    date = pl.col("date")
    year = date.str.slice(0, 4)
    return (
        pl.when(date.str.contains(_YEAR))
        .then(date)
        .when(date.str.contains(_QUARTER))
        .then(pl.concat_str(year, pl.lit("-Q"), date.str.slice(5, 1)))
        .when(date.str.contains(_MONTH))
        .then(pl.concat_str(year, pl.lit("-"), date.str.slice(5, 2)))
        .otherwise(None)
    )


def _assess(rows: pl.DataFrame, updated: dt.date | None) -> pl.DataFrame:
    """Compute period and status, and name the first thing wrong with each row (``fault``)."""
    status = pl.col("status")
    return (
        rows.with_columns(
            period=_period(),
            source_updated=pl.lit(updated, dtype=pl.Date),
            obs_status=pl.when(pl.col("number").is_null() & pl.col("value_bad").is_null())
            .then(pl.lit("missing"))
            .when(status.str.len_chars() > 0)
            .then(status),
        )
        .with_columns(fault=_fault())
        .with_columns(reason=_reason())
    )


def _fault() -> pl.Expr:
    """Null for a good row; otherwise which check failed first: row, code, iso3, date or value."""
    return (
        pl.when(~pl.col("is_object"))
        .then(pl.lit("row"))
        .when(pl.col("series_code").fill_null("") == "")
        .then(pl.lit("code"))
        .when(pl.col("iso3").fill_null("") == "")
        .then(pl.lit("iso3"))
        .when(pl.col("period").is_null())
        .then(pl.lit("date"))
        .when(pl.col("value_bad").is_not_null())
        .then(pl.lit("value"))
    )


def _reason() -> pl.Expr:
    """The fault in words, for the quarantine reader."""
    fault = pl.col("fault")
    return (
        pl.when(fault == "row")
        .then(pl.lit("row is not an object"))
        .when(fault == "code")
        .then(pl.lit("row has no indicator id"))
        .when(fault == "iso3")
        .then(pl.format("no ISO3 code for country {}", pl.col("country").fill_null("(unnamed)")))
        .when((fault == "date") & pl.col("date_bad").is_not_null())
        .then(pl.format("date {} is not a string", pl.col("date_bad")))
        .when(fault == "date")
        .then(pl.format("date '{}' is not a YYYY, YYYYQn or YYYYMmm period", pl.col("date")))
        .when((fault == "value") & pl.col("value_non_finite"))
        .then(pl.format("value '{}' is not a finite number", pl.col("value_bad").str.slice(0, _MAX_IN_REASON)))
        .when(fault == "value")
        .then(pl.format("value '{}' is not a number", pl.col("value_bad").str.slice(0, _MAX_IN_REASON)))
    )


def _date_text() -> pl.Expr:
    return pl.coalesce(pl.col("date_bad"), pl.col("date"))


def _split(assessed: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Good rows become observations; the first of a repeated (series, area, period) wins."""
    good = assessed.filter(pl.col("reason").is_null()).with_columns(
        first=pl.struct("series_code", "iso3", "period").is_first_distinct()
    )
    observations = good.filter(pl.col("first")).select(
        pl.col("series_code"),
        pl.col("iso3").alias("area"),
        pl.col("period"),
        pl.col("number").alias("value"),
        pl.lit(None, dtype=pl.String).alias("unit"),
        pl.col("obs_status"),
        pl.col("source_updated"),
    )
    duplicates = good.filter(~pl.col("first")).with_columns(reason=pl.lit("duplicate"))
    bad = assessed.filter(pl.col("reason").is_not_null())
    rejected = pl.concat([bad, duplicates], how="diagonal_relaxed").sort("row").select(_rejected_columns())
    return observations.cast(OBSERVATION_SCHEMA), rejected.cast(REJECTED_SCHEMA)


def _rejected_columns() -> list[pl.Expr]:
    """REJECTED_SCHEMA columns. row_ref is the JSON path ``[1][i]`` (row i of the rows array)."""
    value_text = pl.coalesce(pl.col("value_bad"), pl.col("number").cast(pl.String))
    raw = (
        pl.when(pl.col("fault") == "row")
        .then(pl.col("row_text"))
        .when(pl.col("fault") == "date")
        .then(_date_text())
        .otherwise(value_text)
    )
    return [
        pl.col("series_code"),
        pl.format("[1][{}]", pl.col("row")).alias("row_ref"),
        pl.col("reason"),
        raw.str.slice(0, MAX_RAW_VALUE).alias("raw_value"),
    ]
