"""Parse e-Stat API v3 JSON (`getStatsData`, `getStatsList`) into the frame contract.

A `getStatsData` body is ``{"GET_STATS_DATA": {"RESULT": {STATUS, ERROR_MSG, DATE}, "PARAMETER": ...,
"STATISTICAL_DATA": {"RESULT_INF": {TOTAL_NUMBER, FROM_NUMBER, TO_NUMBER, NEXT_KEY?}, "TABLE_INF": {...},
"CLASS_INF": {"CLASS_OBJ": [...]}, "DATA_INF": {"NOTE": ..., "VALUE": [...]}}}}`` (shared/reference
sources.md §3.2). e-Stat answers errors with HTTP 200 and the code in ``RESULT.STATUS``: 0 is data,
1 is "no matching data" (an empty result) and anything else (100 authentication, 3xx unknown table, ...)
raises `PayloadError`, as do a body that is not JSON and an envelope of the wrong shape.

Rules for each ``VALUE`` row (one bad row never drops the page: it becomes a rejected row):

- ``$`` is a string. A number (``"102.5"``, ``"-0.3"``, ``"1,234"`` with thousands commas) becomes the
  value. A suppression / not-applicable marker (`MARKERS`, plus every ``NOTE.@char`` of the payload)
  gives a null value with ``obs_status`` = the marker itself (e.g. ``"***"``). Numbers are read first,
  so a NOTE that declares a digit cannot null real values. Anything else is rejected.
- ``series_code``: by default EVERY classification of the row: ``@tab``, each ``@catNN`` and ``@area``
  (the ids of CLASS_INF and the attributes the rows carry), in the order tab, cat01 … cat15, area,
  as ``key=code`` joined by ``;`` (``"tab=42;cat01=01;…;cat06=01;area=00000"``). Real wage tables
  have six or more classifications (firm size, industry, sex, age, education, public/private,
  occupation) and no two of their rows differ in fewer than all of them, so a shorter key would
  make distinct rows collide. Passing ``series_keys`` names the keys instead (in that order); keys
  the row does not carry are left out, and a row that carries none is rejected. The code does
  not include the statsDataId: `transforms.estat_requests.plan_table` maps codes to indicators
  per table.
- ``area``: no ``@area`` → ``JPN``; ``00000`` (全国) → ``JPN``; a prefecture code ``PP000``
  (PP 01-47) → ``JPN-PP`` (``13000`` → ``JPN-13``); any other code (cities, 特別区部 ``13100``,
  市部/郡部 aggregates) → ``JPN-<code>`` unchanged, so distinct areas never collide. An empty or
  non-string ``@area`` is rejected.
- ``period`` from the 10-digit ``@time`` code YYYY+KK+AA+BB: ``YYYY000000`` → ``YYYY``,
  ``YYYY100000`` → ``FYYYYY``, ``YYYY00MMMM`` with AA = BB = a month → ``YYYY-MM``, ``YYYY00AABB`` with
  AA-BB = 01-03 / 04-06 / 07-09 / 10-12 → ``YYYY-Qn`` (the month ranges that appear as parent codes of
  months in the recorded metadata). Every other code is rejected as "unsupported time code".
- ``unit``: the row's ``@unit`` if present, else the ``@unit`` of the row's ``tab`` CLASS item in
  CLASS_INF, else of the row's item in another classification (CLASS_OBJ order), else null. Known
  labels are converted to a canonical unit and the value multiplied (`UNITS`: 千円 → JPY ×1000,
  % → percent, 十人 → persons ×10, 歳 and 年 → years, 時間 → hours, ...); other labels are kept as
  they are, ×1, so the catalog's unit check rejects them with the label in the reason.
- ``source_updated``: ``TABLE_INF.UPDATED_DATE``, else ``TABLE_INF.OPEN_DATE`` (YYYY-MM-DD), else null.
- The first row of a repeated (series_code, area, period) wins; later ones are rejected as duplicates
  (with the default all-classification key only a payload that repeats a row can hit this).

`parse_estat_meta` reads the CLASS_INF (and table facts) of a getMetaInfo answer or of a getStatsData
answer sent with ``metaGetFlg=Y``: `transforms.estat_names` chooses categories by those names.

``next_page`` is ``RESULT_INF.NEXT_KEY`` (the ``startPosition`` of the next call) or None.

Pages hold up to 100 000 rows, so fields are pulled out of the row dicts with one list comprehension
per column and every rule after that is a Polars expression.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import polars as pl

from transforms.contracts import (
    MAX_RAW_VALUE,
    ParseResult,
    empty_observations,
    empty_rejected,
    shorten,
    split_first_wins,
)
from transforms.errors import PayloadError
from transforms.json_strict import decode_json, json_text

SOURCE = "estat"
AREA = "JPN"
#: ``series_keys`` value meaning "every classification the payload has" (tab, cat01 … cat15, area).
ALL_CLASSIFICATIONS: tuple[str, ...] = ("*",)
DEFAULT_SERIES_KEYS: tuple[str, ...] = ALL_CLASSIFICATIONS
#: The classification ids a series key can use, and their order in it (time is the period, not a key).
_CLASSIFICATION_ID = re.compile(r"^(tab|cat(0[1-9]|1[0-5])|area)$")

#: RESULT.STATUS of a successful call that matched nothing: an empty result, not an error.
STATUS_OK = 0
STATUS_NO_DATA = 1

#: Values e-Stat (and the MHLW wage tables) print instead of a number: suppressed, not applicable,
#: not surveyed. They give a null value with the marker as obs_status. NOTE.@char adds to these.
MARKERS: frozenset[str] = frozenset({"***", "-", "…", "...", "x", "X", "*", "−"})

#: Unit label → (canonical unit, factor). Values are stored in the canonical unit (yen, not 千円).
UNITS: dict[str, tuple[str, float]] = {
    "円": ("JPY", 1.0),
    "千円": ("JPY", 1e3),
    "万円": ("JPY", 1e4),
    "百万円": ("JPY", 1e6),
    "億円": ("JPY", 1e8),
    "%": ("percent", 1.0),
    "％": ("percent", 1.0),
    "人": ("persons", 1.0),
    "十人": ("persons", 10.0),
    "千人": ("persons", 1e3),
    "万人": ("persons", 1e4),
    # the wage tables' other tab items (平均年齢, 勤続年数, 実労働時間数, 実労働日数): kept, in their
    # own units, so the catalog's unit check tells them apart from money
    "歳": ("years", 1.0),
    "年": ("years", 1.0),
    "時間": ("hours", 1.0),
    "日": ("days", 1.0),
}

#: (first month, last month) of a calendar quarter in a time code → quarter number.
QUARTERS: dict[str, str] = {"0103": "1", "0406": "2", "0709": "3", "1012": "4"}

_MAX_IN_REASON = 50  # a bad value quoted inside a reason is cut shorter
_NUMBER = r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$"
_THOUSANDS = r"^[+-]?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]*)?$"
_PREFECTURE = r"^(0[1-9]|[1-3][0-9]|4[0-7])000$"
_MONTHS = [f"{m:02d}" for m in range(1, 13)]
_ISO_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"

#: Columns of `parse_estat_list`.
LIST_SCHEMA: dict[str, pl.DataType] = {
    "stats_data_id": pl.String(),
    "title": pl.String(),
    "survey_date": pl.String(),
    "updated_date": pl.Date(),
    "statistics_name": pl.String(),
}


def parse_estat(body: bytes, series_keys: tuple[str, ...] = DEFAULT_SERIES_KEYS) -> ParseResult:
    """Parse one `getStatsData` JSON page; see the module docstring for what raises and what rejects."""
    root = _envelope(_decode(body), "GET_STATS_DATA")
    if _status(root) == STATUS_NO_DATA:
        return ParseResult(empty_observations(), empty_rejected(), None)
    data = _object(root.get("STATISTICAL_DATA"), "STATISTICAL_DATA")
    next_page = _next_key(data.get("RESULT_INF"))
    updated = _table_date(data.get("TABLE_INF"))
    class_units = _class_units(data.get("CLASS_INF"))
    data_inf = _object(data.get("DATA_INF"), "STATISTICAL_DATA.DATA_INF")
    markers = MARKERS | _note_markers(data_inf.get("NOTE"))
    rows = _as_list(data_inf.get("VALUE"), "DATA_INF.VALUE")
    keys = _series_keys(series_keys, data.get("CLASS_INF"), rows)
    frame = _rows_frame(rows, keys, class_units)
    observations, rejected = _split(_assess(frame, keys, class_units, markers, updated))
    return ParseResult(observations, rejected, next_page)


def parse_estat_list(body: bytes) -> pl.DataFrame:
    """Parse a `getStatsList` JSON body into one row per table (`LIST_SCHEMA`), to find a statsDataId.

    ``survey_date`` is SURVEY_DATE as text (``"202001"``, ``"202001-202012"``), null when e-Stat gives 0;
    ``updated_date`` is UPDATED_DATE, else OPEN_DATE. STATUS 1 or a count-only answer (no TABLE_INF)
    gives an empty frame; error statuses and wrong shapes raise `PayloadError`.
    """
    root = _envelope(_decode(body), "GET_STATS_LIST")
    if _status(root) == STATUS_NO_DATA:
        return pl.DataFrame(schema=LIST_SCHEMA)
    datalist = _object(root.get("DATALIST_INF"), "DATALIST_INF")
    tables = _as_list(datalist.get("TABLE_INF"), "DATALIST_INF.TABLE_INF")
    rows = [_list_row(i, table) for i, table in enumerate(tables)]
    return pl.DataFrame(rows, schema=LIST_SCHEMA, orient="row")


@dataclass(frozen=True)
class ClassItem:
    """One CLASS entry of a classification: the code a request filters on and the name people read."""

    code: str
    name: str
    level: str | None = None
    unit: str | None = None
    parent: str | None = None


@dataclass(frozen=True)
class Classification:
    """One CLASS_OBJ: ``tab``, ``catNN``, ``area`` or ``time``, its name (``性別_基本``) and its items."""

    id: str
    name: str
    items: tuple[ClassItem, ...]


@dataclass(frozen=True)
class TableMeta:
    """What a table is and how it is classified, from getMetaInfo or a getStatsData page with metadata."""

    stats_data_id: str | None
    title: str | None
    statistics_name: str | None
    updated: dt.date | None
    classifications: tuple[Classification, ...]

    def classification(self, class_id: str) -> Classification | None:
        return next((c for c in self.classifications if c.id == class_id), None)


def parse_estat_meta(body: bytes) -> TableMeta:
    """Read TABLE_INF and CLASS_INF of a `getMetaInfo` answer (or of a `getStatsData` one with metadata).

    The names in CLASS_INF are what `transforms.estat_names` matches the catalog's words against, so a
    classification without an ``@id`` or an item without a ``@code`` raises `PayloadError` (the table
    could not be filtered on it); a missing ``@name`` reads as "". One-element lists may be written as
    the element itself, as everywhere in e-Stat JSON. A getStatsData answer without CLASS_INF
    (``metaGetFlg=N``) raises: ask with ``metaGetFlg=Y`` or call getMetaInfo.
    """
    doc = _decode(body)
    if isinstance(doc, dict) and "GET_STATS_DATA" in doc:
        root = _envelope(doc, "GET_STATS_DATA")
        where = "STATISTICAL_DATA"
    else:
        root = _envelope(doc, "GET_META_INFO")
        where = "METADATA_INF"
    if _status(root) == STATUS_NO_DATA:
        raise PayloadError(SOURCE, "the metadata answer matched no table (STATUS 1): check the statsDataId")
    info = _object(root.get(where), where)
    class_inf = info.get("CLASS_INF")
    if class_inf is None:
        raise PayloadError(SOURCE, f"{where} has no CLASS_INF: ask getStatsData with metaGetFlg=Y, or call getMetaInfo")
    objects = _as_list(_object(class_inf, f"{where}.CLASS_INF").get("CLASS_OBJ"), "CLASS_INF.CLASS_OBJ")
    classifications = tuple(_classification(i, obj) for i, obj in enumerate(objects))
    table = info.get("TABLE_INF")
    table = table if isinstance(table, dict) else {}
    title = table.get("TITLE")
    title = title.get("$") if isinstance(title, dict) else title
    name = table.get("STATISTICS_NAME")
    return TableMeta(
        stats_data_id=table["@id"] if isinstance(table.get("@id"), str) else None,
        title=title if isinstance(title, str) else None,
        statistics_name=name if isinstance(name, str) else None,
        updated=_table_date(table),
        classifications=classifications,
    )


def _classification(index: int, obj: Any) -> Classification:
    where = f"CLASS_INF.CLASS_OBJ[{index}]"
    obj = _object(obj, where)
    class_id = obj.get("@id")
    if not isinstance(class_id, str) or not class_id:
        raise PayloadError(SOURCE, f"{where}.@id is {shorten(json_text(class_id), 50)}, expected a classification id")
    items = _as_list(obj.get("CLASS"), f"{where}.CLASS")
    parsed = tuple(_class_item(where, j, item) for j, item in enumerate(items))
    return Classification(class_id, _text(obj.get("@name")), parsed)


def _class_item(where: str, index: int, item: Any) -> ClassItem:
    where = f"{where}.CLASS[{index}]"
    item = _object(item, where)
    code = item.get("@code")
    if not isinstance(code, str) or not code:
        raise PayloadError(SOURCE, f"{where}.@code is {shorten(json_text(code), 50)}, expected a code")
    return ClassItem(
        code=code,
        name=_text(item.get("@name")),
        level=_text(item.get("@level")) or None,
        unit=_text(item.get("@unit")).strip() or None,
        parent=_text(item.get("@parentCode")) or None,
    )


def _text(raw: Any) -> str:
    return raw if isinstance(raw, str) else ""


# --- payload shape -------------------------------------------------------------------------------


def _decode(body: bytes) -> Any:
    """Strict JSON: a repeated key refuses the body; a non-finite number stays a marker for its row."""
    return decode_json(body, SOURCE)


def _envelope(doc: Any, name: str) -> dict[str, Any]:
    """``{"GET_STATS_DATA": {...}}``: the one top-level key names the API call."""
    if not isinstance(doc, dict):
        raise PayloadError(SOURCE, f"top level is {type(doc).__name__}, expected an object")
    return _object(doc.get(name), name)


def _object(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise PayloadError(SOURCE, f"{where} is {_type_name(value)}, expected an object")
    return value


def _as_list(value: Any, where: str) -> list[Any]:
    """e-Stat writes a one-element list as the element itself; a missing entry is an empty list."""
    if value is None:
        return []
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list):
        return value
    raise PayloadError(SOURCE, f"{where} is {_type_name(value)}, expected an object or a list")


def _status(root: dict[str, Any]) -> int:
    """RESULT.STATUS; e-Stat sends errors with HTTP 200, so anything but 0 or 1 raises here."""
    result = _object(root.get("RESULT"), "RESULT")
    status = _integer(result.get("STATUS"))
    if status is None:
        shown = shorten(json_text(result.get("STATUS")), 50)
        raise PayloadError(SOURCE, f"RESULT.STATUS is {shown}, expected a number")
    if status not in (STATUS_OK, STATUS_NO_DATA):
        message = shorten(json_text(result.get("ERROR_MSG")), 500)
        raise PayloadError(SOURCE, f"e-Stat API error {status}: {message}")
    return status


def _next_key(result_inf: Any) -> int | None:
    """NEXT_KEY is the startPosition of the next page; absent or null means this is the last page.

    A NEXT_KEY that is present but unreadable raises: paging would otherwise stop without a word.
    """
    if result_inf is None:
        return None
    raw = _object(result_inf, "RESULT_INF").get("NEXT_KEY")
    if raw is None:
        return None
    key = _integer(raw)
    if key is None or key < 1:
        raise PayloadError(SOURCE, f"RESULT_INF.NEXT_KEY is {shorten(json_text(raw), 50)}, expected a position")
    return key


def _table_date(table: Any) -> dt.date | None:
    if not isinstance(table, dict):
        return None
    return _iso_date(table.get("UPDATED_DATE")) or _iso_date(table.get("OPEN_DATE"))


def _class_units(class_inf: Any) -> dict[str, dict[str, str]]:
    """``{class id: {item code: unit}}`` for the CLASS items that carry an ``@unit``; tab first."""
    if class_inf is None:
        return {}
    objects = _as_list(_object(class_inf, "CLASS_INF").get("CLASS_OBJ"), "CLASS_INF.CLASS_OBJ")
    units: dict[str, dict[str, str]] = {}
    for obj in objects:
        if not isinstance(obj, dict) or not isinstance(obj.get("@id"), str):
            continue
        items = obj.get("CLASS")
        items = [items] if isinstance(items, dict) else items if isinstance(items, list) else []
        found = {
            item["@code"]: item["@unit"].strip()
            for item in items
            if isinstance(item, dict)
            and isinstance(item.get("@code"), str)
            and isinstance(item.get("@unit"), str)
            and item["@unit"].strip()
        }
        if found:
            units.setdefault(obj["@id"], {}).update(found)
    return dict(sorted(units.items(), key=lambda kv: kv[0] != "tab"))


def _series_keys(series_keys: tuple[str, ...], class_inf: Any, rows: list[Any]) -> tuple[str, ...]:
    """The attributes that make up series_code: as given, or every classification (`ALL_CLASSIFICATIONS`).

    Every classification means the CLASS_OBJ ids of the payload and the attributes its rows carry
    (a page fetched with ``metaGetFlg=N`` has no CLASS_INF), in the order tab, cat01 … cat15, area.
    """
    if tuple(series_keys) != ALL_CLASSIFICATIONS:
        return tuple(dict.fromkeys(key.removeprefix("@") for key in series_keys))
    found: set[str] = set()
    if isinstance(class_inf, dict):
        objects = class_inf.get("CLASS_OBJ")
        objects = [objects] if isinstance(objects, dict) else objects if isinstance(objects, list) else []
        found.update(o["@id"] for o in objects if isinstance(o, dict) and isinstance(o.get("@id"), str))
    attributes: set[str] = set().union(*(r.keys() for r in rows if type(r) is dict))
    found.update(a[1:] for a in attributes if isinstance(a, str) and a.startswith("@"))
    return classification_order(found)


def classification_order(ids: Any) -> tuple[str, ...]:
    """The classification ids among `ids` in series-key order: tab, cat01 … cat15, area (others dropped)."""
    wanted = [i for i in ids if isinstance(i, str) and _CLASSIFICATION_ID.match(i)]
    return tuple(sorted(set(wanted), key=lambda i: (i == "area", i != "tab", i)))


def _no_key_reason(keys: tuple[str, ...]) -> str:
    if not keys:
        return "row has no classification (@tab, @catNN or @area)"
    return f"row has none of the series keys {', '.join(keys)}"


def _note_markers(note: Any) -> frozenset[str]:
    """The ``@char`` of each NOTE entry: markers this table uses in place of a number."""
    notes = [note] if isinstance(note, dict) else note if isinstance(note, list) else []
    chars = (n.get("@char") for n in notes if isinstance(n, dict))
    return frozenset(c.strip() for c in chars if isinstance(c, str) and c.strip())


def _list_row(index: int, table: Any) -> tuple[Any, ...]:
    where = f"DATALIST_INF.TABLE_INF[{index}]"
    table = _object(table, where)
    stats_id = table.get("@id")
    if not isinstance(stats_id, str) or not stats_id:
        raise PayloadError(SOURCE, f"{where}.@id is {shorten(json_text(stats_id), 50)}, expected a table id")
    title = table.get("TITLE")
    title = title.get("$") if isinstance(title, dict) else title
    survey = table.get("SURVEY_DATE")
    survey_text = None if survey in (None, 0, "0", "") or isinstance(survey, bool) else str(survey)
    name = table.get("STATISTICS_NAME")
    return (
        stats_id,
        title if isinstance(title, str) else None,
        survey_text if isinstance(survey, int | str) else None,
        _table_date(table),
        name if isinstance(name, str) else None,
    )


# --- frames --------------------------------------------------------------------------------------


def _rows_frame(rows: list[Any], keys: tuple[str, ...], class_units: dict[str, dict[str, str]]) -> pl.DataFrame:
    """One column per field the rules need; a field of the wrong JSON type becomes null.

    ``value_bad`` keeps the JSON text of a ``$`` that is neither a string nor a number.
    """
    dicts = [r if type(r) is dict else None for r in rows]
    attributes = dict.fromkeys([*keys, *class_units, "area", "time", "unit"])
    columns: dict[str, list[Any]] = {f"@{a}": _strings(_field(dicts, f"@{a}")) for a in attributes}
    raw = _field(dicts, "$")
    columns |= {
        "row": list(range(len(rows))),
        "is_object": [d is not None for d in dicts],
        "has_area": [d is not None and "@area" in d for d in dicts],
        "value_text": [_value_text(v) for v in raw],
        "value_bad": [None if _value_text(v) is not None else json_text(v) for v in raw],
        "row_text": [None if d is not None else json_text(r) for r, d in zip(rows, dicts, strict=True)],
    }
    schema = {name: pl.String for name in columns} | {"row": pl.Int64, "is_object": pl.Boolean, "has_area": pl.Boolean}
    return pl.DataFrame(columns, schema=schema)


def _field(items: list[dict[str, Any] | None], key: str) -> list[Any]:
    return [x.get(key) if x is not None else None for x in items]


def _strings(items: list[Any]) -> list[str | None]:
    return [x if type(x) is str else None for x in items]


def _value_text(raw: Any) -> str | None:
    """``$`` as text: strings as they are, JSON numbers too (e-Stat sends strings, but be lenient)."""
    if type(raw) is str:
        return raw
    if type(raw) in (int, float):
        return repr(raw)
    return None


# --- rules ---------------------------------------------------------------------------------------


def _series_code(keys: tuple[str, ...]) -> pl.Expr:
    parts = [pl.concat_str(pl.lit(f"{key}="), pl.col(f"@{key}")) for key in keys]
    if not parts:
        return pl.lit("")
    return pl.concat_str(parts, separator=";", ignore_nulls=True).fill_null("")


def _period() -> pl.Expr:
    """YYYYKKAABB time code → canonical period; null for codes outside the documented forms."""
    code = pl.col("@time")
    ten = code.str.contains(r"^[0-9]{10}$")
    year, cycle = code.str.slice(0, 4), code.str.slice(4, 2)
    first, last, months = code.str.slice(6, 2), code.str.slice(8, 2), code.str.slice(6, 4)
    calendar = ten & (cycle == "00")
    return (
        pl.when(calendar & (months == "0000"))
        .then(year)
        .when(ten & (cycle == "10") & (months == "0000"))
        .then(pl.concat_str(pl.lit("FY"), year))
        .when(calendar & (first == last) & first.is_in(_MONTHS))
        .then(pl.concat_str(year, pl.lit("-"), first))
        .when(calendar & months.is_in(list(QUARTERS)))
        .then(pl.concat_str(year, pl.lit("-Q"), months.replace_strict(QUARTERS, default=None)))
        .otherwise(None)
    )


def _area() -> pl.Expr:
    code = pl.col("@area")
    return (
        pl.when(~pl.col("has_area"))
        .then(pl.lit(AREA))
        .when(code == "00000")
        .then(pl.lit(AREA))
        .when(code.str.contains(_PREFECTURE))
        .then(pl.concat_str(pl.lit(f"{AREA}-"), code.str.slice(0, 2)))
        .when(code.str.len_chars() > 0)
        .then(pl.concat_str(pl.lit(f"{AREA}-"), code))
        .otherwise(None)
    )


def _unit_label(class_units: dict[str, dict[str, str]]) -> pl.Expr:
    """The row's @unit, else the unit of its item in each classification that has units (tab first)."""
    row_unit = pl.col("@unit").str.strip_chars()
    lookups = [
        pl.col(f"@{cls}").replace_strict(codes, default=None, return_dtype=pl.String)
        for cls, codes in class_units.items()
    ]
    return pl.coalesce(pl.when(row_unit.str.len_chars() > 0).then(row_unit), *lookups, pl.lit(None, pl.String))


def _assess(
    frame: pl.DataFrame,
    keys: tuple[str, ...],
    class_units: dict[str, dict[str, str]],
    markers: frozenset[str],
    updated: dt.date | None,
) -> pl.DataFrame:
    """Compute every output column and name the first thing wrong with each row (``fault``)."""
    text = pl.col("value_text").str.strip_chars()
    plain = pl.when(text.str.contains(_THOUSANDS)).then(text.str.replace_all(",", "", literal=True)).otherwise(text)
    canonical = {label: unit for label, (unit, _) in UNITS.items()}
    factors = {label: factor for label, (_, factor) in UNITS.items()}
    return (
        frame.with_columns(
            series_code=_series_code(keys),
            period=_period(),
            area=_area(),
            unit_label=_unit_label(class_units),
            number=pl.when(plain.str.contains(_NUMBER)).then(plain.cast(pl.Float64, strict=False)),
            source_updated=pl.lit(updated, dtype=pl.Date),
        )
        .with_columns(
            marker=pl.when(pl.col("number").is_null() & text.is_in(sorted(markers))).then(text),
            unit=pl.col("unit_label").replace_strict(canonical, default=pl.col("unit_label"), return_dtype=pl.String),
            factor=pl.col("unit_label").replace_strict(factors, default=1.0, return_dtype=pl.Float64),
        )
        .with_columns(value=pl.col("number") * pl.col("factor"))
        .with_columns(fault=_fault())
        .with_columns(reason=_reason(keys))
    )


def _fault() -> pl.Expr:
    """Null for a good row; otherwise which check failed first."""
    return (
        pl.when(~pl.col("is_object"))
        .then(pl.lit("row"))
        .when(pl.col("series_code") == "")
        .then(pl.lit("series"))
        .when(pl.col("period").is_null())
        .then(pl.lit("time"))
        .when(pl.col("area").is_null())
        .then(pl.lit("area"))
        .when(pl.col("value_text").is_null())
        .then(pl.lit("value_type"))
        .when(pl.col("number").is_null() & pl.col("marker").is_null())
        .then(pl.lit("value"))
        .when(pl.col("number").is_not_null() & ~pl.col("value").is_finite())
        .then(pl.lit("overflow"))
    )


def _reason(keys: tuple[str, ...]) -> pl.Expr:
    fault = pl.col("fault")
    return (
        pl.when(fault == "row")
        .then(pl.lit("row is not an object"))
        .when(fault == "series")
        .then(pl.lit(_no_key_reason(keys)))
        .when((fault == "time") & pl.col("@time").is_null())
        .then(pl.lit("row has no @time code"))
        .when(fault == "time")
        .then(pl.format("unsupported time code '{}'", pl.col("@time").str.slice(0, _MAX_IN_REASON)))
        .when(fault == "area")
        .then(pl.format("area code {} is not a code", _area_text()))
        .when(fault == "value_type")
        .then(pl.format("value {} is not a string", pl.col("value_bad").str.slice(0, _MAX_IN_REASON)))
        .when(fault == "value")
        .then(pl.format("value '{}' is not a number", pl.col("value_text").str.slice(0, _MAX_IN_REASON)))
        .when(fault == "overflow")
        .then(pl.format("value '{}' is too large for a float", pl.col("value_text").str.slice(0, _MAX_IN_REASON)))
    )


def _area_text() -> pl.Expr:
    return (
        pl.when(pl.col("@area").is_null()).then(pl.lit("(not a string)")).otherwise(pl.format("'{}'", pl.col("@area")))
    )


def _split(assessed: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Good rows become observations; the first of a repeated (series_code, area, period) wins."""
    observation = [
        pl.col("series_code"),
        pl.col("area"),
        pl.col("period"),
        pl.col("value"),
        pl.col("unit"),
        pl.col("marker").alias("obs_status"),
        pl.col("source_updated"),
    ]
    return split_first_wins(assessed, observation, _rejected_columns())


def _rejected_columns() -> list[pl.Expr]:
    """REJECTED_SCHEMA columns; row_ref is ``VALUE[i]``, raw_value the field that was at fault."""
    fault = pl.col("fault")
    raw = (
        pl.when(fault == "row")
        .then(pl.col("row_text"))
        .when(fault == "time")
        .then(pl.col("@time"))
        .when(fault == "area")
        .then(pl.col("@area"))
        .when(fault == "value_type")
        .then(pl.col("value_bad"))
        .otherwise(pl.col("value_text"))
    )
    return [
        pl.when(pl.col("series_code") != "").then(pl.col("series_code")).alias("series_code"),
        pl.format("VALUE[{}]", pl.col("row")).alias("row_ref"),
        pl.col("reason"),
        raw.str.slice(0, MAX_RAW_VALUE).alias("raw_value"),
    ]


# --- text helpers --------------------------------------------------------------------------------


def _integer(raw: Any) -> int | None:
    """A JSON integer, or a string of ASCII digits (e-Stat has sent numbers as strings)."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, str) and raw.isascii() and raw.isdigit() and len(raw) <= 18:
        return int(raw)
    return None


def _iso_date(raw: Any) -> dt.date | None:
    if not isinstance(raw, str) or not re.fullmatch(_ISO_DATE, raw):
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        return None


def _type_name(value: Any) -> str:
    return "missing" if value is None else type(value).__name__




