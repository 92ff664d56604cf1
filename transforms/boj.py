"""Parse a Bank of Japan ``getDataCode`` or ``getDataLayer`` JSON answer into the frame contract.

Both endpoints answer in one layout (live recordings of 2026-02-19/21, see
``tests/fixtures/boj/README.md``): ``{"STATUS": 200, "MESSAGEID", "MESSAGE", "DATE", "PARAMETER":
{...}, "NEXTPOSITION": int|null, "RESULTSET": [{"SERIES_CODE", "NAME_OF_TIME_SERIES" |
"NAME_OF_TIME_SERIES_J", "UNIT" | "UNIT_J", "FREQUENCY", "CATEGORY" | "CATEGORY_J", "LAST_UPDATE",
"VALUES": {"SURVEY_DATES": [...], "VALUES": [...]}}]}``. With ``lang=en`` the labels are
``UNIT`` etc., with ``lang=jp`` (the default) ``UNIT_J`` etc.; only ``PARAMETER`` differs between
the endpoints (getDataLayer echoes ``LAYER1``..``LAYER5`` and ``FREQUENCY``), and it is not read.
``NEXTPOSITION`` is the ``startPosition`` of the next page for both.

Shape problems (not JSON, a key repeated within an object, error STATUS, no RESULTSET, a series
entry that is not an object) raise `PayloadError`, because nothing in such a payload can be
trusted. Point problems (a value that is not a finite number, a date that does not fit the
frequency, a unit no rule of `transforms.boj_units` reads, a duplicate period) become rejected rows
so that one bad point never drops a whole fetch: a ``NaN`` or ``1e309`` literal rejects that point
only (`transforms.json_strict`).

Performance: a page can hold 60 000 points and a layer dump far more, so the points of all series
are flattened into two Python lists once (C-speed ``list.extend``) and everything after that is
Polars expressions. Python looks at single elements only when a list holds something other than
numbers, which real responses never do. `benchmarks/bench_parsers.py` measures it.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import polars as pl

from transforms.boj_units import canonical_unit
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

SOURCE = "boj"
AREA = "JPN"

#: FREQUENCY labels whose SURVEY_DATES `_period` can read (plus ``WEEKLY(<weekday>)``).
#: SEMIANNUAL(SEP) (fiscal half) has no canonical period form yet, so it is rejected as unknown.
FREQUENCIES = frozenset(
    {"MONTHLY", "QUARTERLY", "ANNUAL", "ANNUAL(MAR)", "SEMIANNUAL", "SEMI-ANNUAL", "DAILY", "WEEKLY"}
)

#: MESSAGEID of a successful call that matched no data: an empty page, not an error.
NO_DATA_MESSAGE_ID = "M181030I"

_MAX_IN_REASON = 50  # a non-number quoted inside a reason is cut shorter, to keep reasons readable
_NUMBER_TYPES = frozenset({int, float, type(None)})


@dataclass(frozen=True)
class _Series:
    """One RESULTSET entry, checked for shape; its points stay as the decoded Python lists."""

    code: str
    frequency: str | None
    unit: tuple[str, float] | None  # (canonical unit, factor); None when unit_reason says why not
    unit_reason: str | None
    updated: dt.date | None
    dates: list[Any]
    values: list[Any]


def parse_boj(body: bytes, options: Mapping[str, Any] | None = None) -> ParseResult:
    """Parse one BOJ JSON answer; see the module docstring for what raises and what rejects.

    `options` are the source's catalog options. One is read: ``units``, a mapping of further unit
    labels to ``[canonical unit, factor]``, for a label that `transforms.boj_units` cannot read.
    """
    extra_units = _extra_units(options)
    doc = _decode(body)
    _check_status(doc)
    next_page = _next_position(doc)
    if doc.get("MESSAGEID") == NO_DATA_MESSAGE_ID:
        return ParseResult(empty_observations(), empty_rejected(), next_page)
    series = _read_resultset(doc, extra_units)
    points = _points_frame(series)
    observations, rejected = _split(_assess(points, _series_frame(series)))
    rejected = pl.concat([rejected, _unmatched_positions(series)], how="vertical")
    return ParseResult(observations, rejected, next_page)


def _extra_units(options: Mapping[str, Any] | None) -> dict[str, tuple[str, float]]:
    """The ``units`` option checked; a malformed one is a catalog error, so it raises ValueError."""
    units = (options or {}).get("units") or {}
    if not isinstance(units, Mapping):
        raise ValueError(f"boj option 'units' must map labels to [unit, factor], not {type(units).__name__}")
    checked: dict[str, tuple[str, float]] = {}
    for label, mapped in units.items():
        ok = isinstance(mapped, list | tuple) and len(mapped) == 2
        unit, factor = mapped if ok else (None, None)
        number = isinstance(factor, int | float) and not isinstance(factor, bool)
        if not (isinstance(label, str) and isinstance(unit, str) and unit and number and 0 < factor < math.inf):
            raise ValueError(f"boj option units[{label!r}] must be [canonical unit, positive factor], not {mapped!r}")
        checked[label] = (unit, float(factor))
    return checked


# --- payload shape -------------------------------------------------------------------------------


def _decode(body: bytes) -> dict[str, Any]:
    """Decode strictly (`decode_json`); anything but a top-level object is a payload the BOJ never sends."""
    doc = decode_json(body, SOURCE)
    if not isinstance(doc, dict):
        raise PayloadError(SOURCE, f"top level is {type(doc).__name__}, expected an object")
    return doc


def _check_status(doc: dict[str, Any]) -> None:
    """The BOJ reports errors in the body (the HTTP status may still be 200), so check STATUS."""
    status = doc.get("STATUS")
    if status != 200:
        message = shorten(str(doc.get("MESSAGE")), 500)
        raise PayloadError(SOURCE, f"BOJ API error {status} {doc.get('MESSAGEID')}: {message}")


def _next_position(doc: dict[str, Any]) -> int | None:
    """NEXTPOSITION is the startPosition of the next page; null (or anything odd) means last page."""
    position = doc.get("NEXTPOSITION")
    return position if isinstance(position, int) and not isinstance(position, bool) else None


def _read_resultset(doc: dict[str, Any], extra_units: dict[str, tuple[str, float]]) -> list[_Series]:
    """Check RESULTSET and each entry's shape; a wrong shape means the format changed, so raise."""
    resultset = doc.get("RESULTSET")
    if not isinstance(resultset, list):
        raise PayloadError(SOURCE, f"RESULTSET is {type(resultset).__name__}, expected a list")
    return [_read_series(i, entry, extra_units) for i, entry in enumerate(resultset)]


def _read_series(index: int, entry: Any, extra_units: dict[str, tuple[str, float]]) -> _Series:
    """One RESULTSET entry. A missing/null VALUES is read as a series with no points in range."""
    where = f"RESULTSET[{index}]"
    if not isinstance(entry, dict):
        raise PayloadError(SOURCE, f"{where} is {type(entry).__name__}, expected an object")
    code = entry.get("SERIES_CODE")
    if not isinstance(code, str) or not code:
        raise PayloadError(SOURCE, f"{where}.SERIES_CODE is {shorten(repr(code), 50)}, expected a code")
    values = entry.get("VALUES")
    if values is None:
        values = {"SURVEY_DATES": [], "VALUES": []}
    if not isinstance(values, dict):
        raise PayloadError(SOURCE, f"{where}.VALUES is {type(values).__name__}, expected an object")
    dates, numbers = values.get("SURVEY_DATES", []), values.get("VALUES", [])
    if not isinstance(dates, list) or not isinstance(numbers, list):
        raise PayloadError(SOURCE, f"{where}.VALUES.SURVEY_DATES and .VALUES must be lists")
    frequency = entry.get("FREQUENCY")
    unit, unit_reason = _unit(entry, extra_units)
    return _Series(
        code=code,
        frequency=frequency.strip().upper() if isinstance(frequency, str) else None,
        unit=unit,
        unit_reason=unit_reason,
        updated=_yyyymmdd(entry.get("LAST_UPDATE")),
        dates=dates,
        values=numbers,
    )


def _unit(entry: dict[str, Any], extra: dict[str, tuple[str, float]]) -> tuple[tuple[str, float] | None, str | None]:
    """((canonical unit, factor), None), or (None, why not), from UNIT (lang=en) and/or UNIT_J (lang=jp).

    A label that states a unit wins over an empty one; two labels that state different units
    (``Euro per U.S. Dollar`` beside ``1ユーロにつきドル``, as FM08's metadata has it) reject the series.
    An empty label is read as the BOJ writes it for seasonal factors (`boj_units.EMPTY_UNIT`).
    """
    labels = {key: entry[key] for key in ("UNIT", "UNIT_J") if isinstance(entry.get(key), str)}
    if not labels:
        return None, "unknown unit None"
    stated = {key: label for key, label in labels.items() if label.strip()}
    mapped = {key: canonical_unit(label, extra) for key, label in (stated or labels).items()}
    known = {key: unit for key, unit in mapped.items() if unit is not None}
    if len(set(known.values())) > 1:
        both = " and ".join(f"{key} {shorten(labels[key], _MAX_IN_REASON)!r}" for key in known)
        return None, f"unit labels disagree: {both}"
    if known:
        return next(iter(known.values())), None
    return None, f"unknown unit {shorten(next(iter(stated.values())), _MAX_IN_REASON)!r}"


def _yyyymmdd(raw: Any) -> dt.date | None:
    """LAST_UPDATE is an int like 20260209; anything unreadable gives null rather than an error."""
    if isinstance(raw, bool) or not isinstance(raw, int | str):
        return None
    text = str(raw).strip()
    if len(text) != 8 or not text.isdigit():
        return None
    try:
        return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return None


# --- frames --------------------------------------------------------------------------------------


def _series_reason(s: _Series) -> str | None:
    """Why every point of a series is rejected, if it is: a unit or frequency we cannot map."""
    if s.unit_reason is not None:
        return s.unit_reason
    if s.frequency not in FREQUENCIES and not (s.frequency or "").startswith("WEEKLY("):
        return f"unknown frequency {s.frequency!r}"
    return None


def _series_frame(series: list[_Series]) -> pl.DataFrame:
    """One row per RESULTSET entry: what every point of that series shares."""
    return pl.DataFrame(
        {
            "s": list(range(len(series))),
            "series_code": [s.code for s in series],
            "frequency": [s.frequency for s in series],
            "unit": [s.unit[0] if s.unit else None for s in series],
            "factor": [s.unit[1] if s.unit else None for s in series],
            "series_reason": [_series_reason(s) for s in series],
            "source_updated": [s.updated for s in series],
        },
        schema={
            "s": pl.Int64,
            "series_code": pl.String,
            "frequency": pl.String,
            "unit": pl.String,
            "factor": pl.Float64,
            "series_reason": pl.String,
            "source_updated": pl.Date,
        },
    )


def _points_frame(series: list[_Series]) -> pl.DataFrame:
    """All matched (date, value) positions of all series, flattened: s, pos, date, value columns.

    Positions past the shorter of SURVEY_DATES/VALUES are left out here (see
    `_unmatched_positions`).
    """
    lengths = [min(len(s.dates), len(s.values)) for s in series]
    dates: list[Any] = []
    values: list[Any] = []
    for s, n in zip(series, lengths, strict=True):
        dates.extend(s.dates[:n])
        values.extend(s.values[:n])
    index = pl.DataFrame({"s": list(range(len(series))), "n": lengths}, schema={"s": pl.Int64, "n": pl.Int64})
    index = index.select(
        pl.col("s").repeat_by("n").explode(),
        pl.int_ranges(0, pl.col("n")).explode().alias("pos"),
    ).drop_nulls()
    date, date_bad = _int_column(dates)
    number, number_bad, non_finite = _float_column(values)
    return index.with_columns(
        date=date, date_bad=date_bad, number=number, number_bad=number_bad, non_finite=non_finite
    )


def _int_column(items: list[Any]) -> tuple[pl.Series, pl.Series]:
    """(integers, text of the items that are not integers). Fast path when all are ints."""
    if set(map(type, items)) <= {int}:
        try:
            return pl.Series(items, dtype=pl.Int64, strict=True), _null_text(len(items))
        except (TypeError, OverflowError, ValueError):
            pass  # an int beyond Int64: fall through and report it as a bad date
    ints = [x if type(x) is int and -(2**63) <= x < 2**63 else None for x in items]
    bad = [None if i is not None else json_text(x) for x, i in zip(items, ints, strict=True)]
    return pl.Series(ints, dtype=pl.Int64), pl.Series(bad, dtype=pl.String)


def _float_column(items: list[Any]) -> tuple[pl.Series, pl.Series, pl.Series]:
    """(numbers with nulls kept, text of the items that are neither number nor null, non-finite flags).

    The type set is checked first because Polars would quietly turn ``true`` into 1.0. A literal
    with no finite value (``NaN``, ``1e309``) arrives as `NonFiniteNumber` and is flagged.
    """
    if set(map(type, items)) <= _NUMBER_TYPES:
        flags = pl.repeat(False, len(items), dtype=pl.Boolean, eager=True)
        return pl.Series(items, dtype=pl.Float64, strict=True), _null_text(len(items)), flags
    numbers = [x if type(x) in _NUMBER_TYPES else None for x in items]
    bad = [None if type(x) in _NUMBER_TYPES else json_text(x) for x in items]
    flags = pl.Series([type(x) is NonFiniteNumber for x in items], dtype=pl.Boolean)
    return pl.Series(numbers, dtype=pl.Float64), pl.Series(bad, dtype=pl.String), flags


def _null_text(n: int) -> pl.Series:
    return pl.Series([None] * n, dtype=pl.String)


# --- rules ---------------------------------------------------------------------------------------


def _period() -> pl.Expr:
    """Canonical period from FREQUENCY + SURVEY_DATES; null when the date does not fit.

    YYYYMM monthly → YYYY-MM, YYYYQQ → YYYY-Qn, YYYY → YYYY, fiscal YYYY → FYYYYY,
    YYYYHH → YYYY-Sn, YYYYMMDD daily/weekly → YYYY-MM-DD (checked as a real calendar date).
    """
    freq, date = pl.col("frequency"), pl.col("date")
    text = date.cast(pl.String)
    year, sub = text.str.slice(0, 4), date % 100
    six_digits = date.is_between(100_000, 999_999)
    four_digits = date.is_between(1_000, 9_999)
    daily = freq.is_in(["DAILY", "WEEKLY"]) | freq.str.starts_with("WEEKLY(")
    calendar_day = text.str.to_date("%Y%m%d", strict=False).dt.to_string("%Y-%m-%d")
    return (
        pl.when((freq == "MONTHLY") & six_digits & sub.is_between(1, 12))
        .then(pl.concat_str(year, pl.lit("-"), text.str.slice(4, 2)))
        .when((freq == "QUARTERLY") & six_digits & sub.is_between(1, 4))
        .then(pl.concat_str(year, pl.lit("-Q"), sub.cast(pl.String)))
        .when((freq == "ANNUAL") & four_digits)
        .then(text)
        .when((freq == "ANNUAL(MAR)") & four_digits)
        .then(pl.concat_str(pl.lit("FY"), text))
        .when(freq.is_in(["SEMIANNUAL", "SEMI-ANNUAL"]) & six_digits & sub.is_between(1, 2))
        .then(pl.concat_str(year, pl.lit("-S"), sub.cast(pl.String)))
        .when(daily & date.is_between(10_000_000, 99_999_999))
        .then(calendar_day)
        .otherwise(None)
    )


def _assess(points: pl.DataFrame, series: pl.DataFrame) -> pl.DataFrame:
    """Attach series metadata, compute period and scaled value, and flag points that are fine.

    Only cheap boolean work runs over every point; reasons are worded later, for the few bad ones.
    """
    joined = points.join(series, on="s", how="left", maintain_order="left")
    # periods depend only on (frequency, date): derive them once per distinct pair, not per point
    periods = joined.select("frequency", "date").unique().with_columns(period=_period())
    return (
        joined.join(periods, on=["frequency", "date"], how="left", maintain_order="left", nulls_equal=True)
        .with_columns(value=pl.col("number") * pl.col("factor"))
        .with_columns(
            ok=pl.col("series_reason").is_null()
            & pl.col("period").is_not_null()
            & pl.col("number_bad").is_null()
            & pl.col("value").is_infinite().not_().fill_null(True)
        )
    )


def _split(assessed: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Good points become observations; the first of a duplicate (series_code, period) wins."""
    good = assessed.filter(pl.col("ok")).with_columns(first=pl.col("period").is_first_distinct().over("series_code"))
    observations = good.filter(pl.col("first")).select(
        pl.col("series_code"),
        pl.lit(AREA).alias("area"),
        pl.col("period"),
        pl.col("value"),
        pl.col("unit"),
        pl.when(pl.col("value").is_null()).then(pl.lit("missing")).alias("obs_status"),
        pl.col("source_updated"),
    )
    duplicates = good.filter(~pl.col("first")).with_columns(reason=pl.lit("duplicate"))
    bad = assessed.filter(~pl.col("ok")).with_columns(reason=_reason())
    rejected = pl.concat([bad, duplicates], how="diagonal_relaxed").select(_rejected_columns())
    return observations.cast(OBSERVATION_SCHEMA), rejected.cast(REJECTED_SCHEMA)


def _reason() -> pl.Expr:
    """Why a point was not accepted, checked in order (series, date, value, overflow): one reason."""
    return (
        pl.when(pl.col("series_reason").is_not_null())
        .then(pl.col("series_reason"))
        .when(pl.col("period").is_null())
        .then(pl.format("survey date '{}' is not a valid {} date", _date_text(), pl.col("frequency")))
        .when(pl.col("non_finite"))
        .then(pl.format("value '{}' is not a finite number", pl.col("number_bad").str.slice(0, _MAX_IN_REASON)))
        .when(pl.col("number_bad").is_not_null())
        .then(pl.format("value '{}' is not a number", pl.col("number_bad").str.slice(0, _MAX_IN_REASON)))
        .otherwise(pl.format("value {} overflows when scaled to {}", pl.col("number"), pl.col("unit")))
    )


def _rejected_columns() -> list[pl.Expr]:
    """REJECTED_SCHEMA columns; row_ref and raw_value point at the date when the date was at fault."""
    about_date = pl.col("series_reason").is_null() & pl.col("period").is_null()
    field = pl.when(about_date).then(pl.lit("SURVEY_DATES")).otherwise(pl.lit("VALUES"))
    value_text = pl.coalesce(pl.col("number_bad"), pl.col("number").cast(pl.String))
    return [
        pl.col("series_code"),
        pl.format("RESULTSET[{}].{}[{}]", pl.col("s"), field, pl.col("pos")).alias("row_ref"),
        pl.col("reason"),
        pl.when(about_date).then(_date_text()).otherwise(value_text).str.slice(0, MAX_RAW_VALUE).alias("raw_value"),
    ]


def _date_text() -> pl.Expr:
    return pl.coalesce(pl.col("date_bad"), pl.col("date").cast(pl.String))


def _unmatched_positions(series: list[_Series]) -> pl.DataFrame:
    """Rejected rows for the tail of whichever of SURVEY_DATES / VALUES is longer.

    Only the unmatched tail is walked in Python; real responses have none.
    """
    rows: list[dict[str, str]] = []
    for i, s in enumerate(series):
        n = min(len(s.dates), len(s.values))
        for j, x in enumerate(s.values[n:], start=n):
            rows.append(_unmatched_row(s.code, f"RESULTSET[{i}].VALUES[{j}]", "no survey date for value", x))
        for j, x in enumerate(s.dates[n:], start=n):
            rows.append(_unmatched_row(s.code, f"RESULTSET[{i}].SURVEY_DATES[{j}]", "no value for date", x))
    return pl.DataFrame(rows, schema=REJECTED_SCHEMA) if rows else empty_rejected()


def _unmatched_row(code: str, ref: str, reason: str, raw: Any) -> dict[str, str]:
    return {"series_code": code, "row_ref": ref, "reason": reason, "raw_value": json_text(raw)}
