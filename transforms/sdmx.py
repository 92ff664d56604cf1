"""Parse SDMX-CSV data (OECD, IMF, ...) into the frame contract, and SDMX-ML 2.1 codelists.

`parse_sdmx_csv` reads SDMX-CSV 1.0 (first column ``DATAFLOW``, OECD ``format=csv``) and 2.x
(``STRUCTURE,STRUCTURE_ID[,STRUCTURE_NAME],ACTION,...``), comma- or semicolon-separated (the header
line decides: more ``;`` than ``,`` means ``;``), with or without labels:

- ``csvfilewithlabels`` (OECD) adds a human-named column after each coded one ("Reference area",
  "Measure"). Column ids are upper-case SDMX ids (``^[A-Z_][A-Z0-9_]*$``); every other column is a
  label column and is ignored.
- ``labels=both`` (SDMX-CSV 2.0) writes ``ID: Name`` in headers and ``CODE: Label`` in cells. Headers
  keep the id before the colon; coded cells (dimensions, REF_AREA, TIME_PERIOD, ACTION, UNIT_MULT,
  OBS_STATUS, CURRENCY, UNIT_MEASURE) keep the code before the first ``": "``. OBS_VALUE is never split.

Required columns: REF_AREA, TIME_PERIOD, OBS_VALUE (case-sensitive); a file without them, a body that
is not UTF-8 CSV, or a CSV the reader cannot split into equal rows raises `PayloadError`.

series_code: the series dimensions' codes joined with ``.`` in file order (``W.S.B.A.USD_EXC`` style,
without REF_AREA, which is the area). The series dimensions are the id columns that come *before*
OBS_VALUE (SDMX-CSV writes dimensions, then the measure, then attributes), minus REF_AREA,
TIME_PERIOD, the structural columns (`STRUCTURAL`: DATAFLOW, STRUCTURE, STRUCTURE_ID,
STRUCTURE_NAME, ACTION, SERIES_KEY, OBS_KEY) and the known attributes (`ATTRIBUTES`: OBS_STATUS,
UNIT_MULT, DECIMALS, ...) wherever they sit. UNIT_MEASURE is a dimension in OECD DF_TIS and stays in.
``series_dims`` overrides this with exactly the given columns, in the given order. A file with no
series dimension raises `PayloadError` (pass ``series_dims``).

Row rules (a bad row becomes a rejected row, never an exception):

- value = OBS_VALUE × 10**UNIT_MULT (UNIT_MULT empty → 0; not an integer → rejected). ``NaN``, ``#N/A``
  or empty → null value, obs_status = OBS_STATUS (``M``, ``O``, ...), or ``missing`` when that is empty
  or ``A``. A value that is not a plain decimal number is rejected; with a ``;`` separator, ``12,5`` is
  read as the decimal 12.5 (no thousands separators are accepted in either case).
- obs_status for a present value: OBS_STATUS unless empty or ``A`` (SDMX "normal value") → null.
- unit: CURRENCY when it is an ISO 4217 code (three letters, not ``XDC``), else UNIT_MEASURE through
  `UNIT_MEASURES` (``USD_EXC`` → USD; ``XDC`` national currency → null, the catalog states it), else null.
- period: ``2024``, ``2024-Q1``/``2024Q1``, ``2024-01``/``2024-M01``, ``2024-S1``, ``2024-01-31`` →
  canonical (``2024``, ``2024-Q1``, ``2024-01``, ``2024-S1``, ``2024-01-31``); anything else is rejected.
- area: REF_AREA as given (ISO3 at the OECD); an empty REF_AREA is rejected.
- ACTION ``D`` (delete) rows are rejected ("delete action not supported"): the warehouse only adds and
  replaces, so a deletion must be looked at by a person.
- The first row of a repeated (series_code, area, period) wins; later ones are rejected as duplicates.
- Blank lines are skipped. ``row_ref`` is ``row N``, the N-th CSV record after the header.
- source_updated is null: SDMX-CSV data carries no release date per observation.

`parse_sdmx_codelist` reads the codelists of an SDMX-ML 2.1 structure message
(``dataflow/...?references=all``) into codelist_id, code, name_en.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from typing import Any

import polars as pl

from transforms.contracts import (
    MAX_RAW_VALUE,
    ParseResult,
    shorten,
    split_first_wins,
)
from transforms.errors import PayloadError

SOURCE = "sdmx"

REQUIRED = ("REF_AREA", "TIME_PERIOD", "OBS_VALUE")

#: Columns that describe the message, not the observation.
STRUCTURAL = frozenset({"DATAFLOW", "STRUCTURE", "STRUCTURE_ID", "STRUCTURE_NAME", "ACTION", "SERIES_KEY", "OBS_KEY"})

#: Attribute ids that are never series dimensions, even if a file puts them before OBS_VALUE.
ATTRIBUTES = frozenset(
    {
        "OBS_STATUS",
        "UNIT_MULT",
        "DECIMALS",
        "CONF_STATUS",
        "OBS_CONF",
        "CURRENCY",
        "BASE_PER",
        "PRICE_BASE",
        "TIME_FORMAT",
        "COMMENT_OBS",
        "OBS_COMMENT",
        "UPDATED",
    }
)

#: UNIT_MEASURE code → canonical unit; a code not listed gives a null unit.
UNIT_MEASURES: dict[str, str | None] = {
    "USD_EXC": "USD",
    "USD": "USD",
    "EUR": "EUR",
    "JPY": "JPY",
    "XDC": None,  # national currency: which one depends on REF_AREA, so the catalog states it
    "PT_B1GQ": "percent",  # percent of GDP
    "PC": "percent",
    "PA": "percent",  # percent per annum (growth rates)
}

#: OBS_VALUE texts that mean "intentionally missing" (SDMX-CSV 2.0: NaN numeric, #N/A otherwise).
MISSING_VALUES = ("", "NaN", "nan", "NAN", "#N/A")

#: OBS_STATUS "A" is "normal value": no status for the contract.
NORMAL_STATUS = "A"

_ID = re.compile(r"^[A-Z_][A-Z0-9_]*$")
_LABELLED_HEADER = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*:.*$", re.DOTALL)
_NUMBER = r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$"
_DECIMAL_COMMA = r"^[+-]?[0-9]+,[0-9]+$"
_UNIT_MULT = r"^[+-]?[0-9]{1,3}$"
_MAX_IN_REASON = 50
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

#: Columns of `parse_sdmx_codelist`.
CODELIST_SCHEMA: dict[str, pl.DataType] = {"codelist_id": pl.String(), "code": pl.String(), "name_en": pl.String()}


def parse_sdmx_csv(body: bytes, series_dims: tuple[str, ...] | None = None) -> ParseResult:
    """Parse one SDMX-CSV body; see the module docstring for the rules. next_page is always None."""
    text = _decode(body).lstrip("\r\n")
    separator = _separator(text)
    header, frame = _read(text, separator)
    ids = _column_ids(header)
    _require(ids, REQUIRED, "missing required column(s)")
    dims = _series_dims(ids, series_dims)
    table = _select(frame, ids, dims)
    observations, rejected = _split(_assess(table, dims, decimal_comma=separator == ";"))
    return ParseResult(observations, rejected, None)


def parse_sdmx_codelist(body: bytes) -> pl.DataFrame:
    """Every ``Codelist/Code`` of an SDMX-ML 2.1 structure message: codelist_id, code, name_en.

    Elements are matched by local name, so any namespace prefix works. ``name_en`` is the Code's
    ``Name`` with ``xml:lang="en"`` (null if it has none). A document with a DTD is refused (SDMX
    never uses one, and refusing it rules out entity tricks); malformed XML, an SDMX error message or
    another root element raises `PayloadError`.
    """
    if re.search(rb"<!(DOCTYPE|ENTITY)", body, re.IGNORECASE):
        raise PayloadError(SOURCE, "XML with a DTD or entity declaration is not accepted")
    try:
        root = ET.fromstring(body)
    except (ET.ParseError, ValueError, LookupError, TypeError) as exc:
        raise PayloadError(SOURCE, f"body is not well-formed XML: {exc}") from None
    if _local(root.tag) == "Error":
        message = " ".join(t.strip() for t in root.itertext() if t.strip())
        raise PayloadError(SOURCE, f"SDMX error message: {shorten(message, 500)}")
    if _local(root.tag) != "Structure":
        raise PayloadError(SOURCE, f"root element is {shorten(_local(root.tag), 50)}, expected Structure")
    rows: list[tuple[str, str, str | None]] = []
    for codelist in root.iter():
        if _local(codelist.tag) != "Codelist":
            continue
        list_id = _required_id(codelist, "Codelist")
        for code in codelist:
            if _local(code.tag) == "Code":
                rows.append((list_id, _required_id(code, f"Code in {list_id}"), _english_name(code)))
    return pl.DataFrame(rows, schema=CODELIST_SCHEMA, orient="row")


# --- payload shape -------------------------------------------------------------------------------


def _decode(body: bytes) -> str:
    try:
        text = body.decode("utf-8-sig")
    except (UnicodeDecodeError, AttributeError) as exc:
        raise PayloadError(SOURCE, f"body is not UTF-8 text: {exc}") from None
    if not text.strip():
        raise PayloadError(SOURCE, "body is empty")
    if "\x00" in text:
        raise PayloadError(SOURCE, "body contains NUL characters: not CSV text")
    return text


def _separator(text: str) -> str:
    """``;`` when the header line has more semicolons than commas (SDMX-CSV allows a locale separator)."""
    first = text.split("\n", 1)[0]
    return ";" if first.count(";") > first.count(",") else ","


def _read(text: str, separator: str) -> tuple[list[str], pl.DataFrame]:
    """All cells as strings, with ``row`` = position after the header. Blank records are dropped.

    The header is read as a data row so that duplicate or labelled names come back as written.
    """
    try:
        frame = pl.read_csv(
            io.BytesIO(text.encode()),
            separator=separator,
            has_header=False,
            infer_schema=False,
            quote_char='"',
        )
    except pl.exceptions.PolarsError as exc:
        raise PayloadError(SOURCE, f"body is not readable CSV: {shorten(str(exc), 300)}") from None
    if frame.height == 0:
        raise PayloadError(SOURCE, "body has no header row")
    header = [cell or "" for cell in frame.row(0)]
    records = frame.slice(1).with_row_index("row")
    blank = pl.all_horizontal(pl.exclude("row").fill_null("").str.strip_chars() == "")
    return header, records.filter(~blank)


def _column_ids(header: list[str]) -> dict[str, int]:
    """SDMX id → column position. ``ID: Name`` headers count as ID; label columns are left out.

    When an id occurs twice, the first column wins (the other is treated like a label column).
    """
    ids: dict[str, int] = {}
    for position, name in enumerate(header):
        labelled = _LABELLED_HEADER.match(name)
        column_id = labelled.group(1) if labelled else name.strip()
        if _ID.match(column_id) and column_id not in ids:
            ids[column_id] = position
    return ids


def _require(ids: dict[str, int], wanted: tuple[str, ...], message: str) -> None:
    missing = [name for name in wanted if name not in ids]
    if missing:
        found = ", ".join(ids) or "(none)"
        raise PayloadError(SOURCE, f"{message}: {', '.join(missing)} (id columns found: {shorten(found, 300)})")


def _series_dims(ids: dict[str, int], series_dims: tuple[str, ...] | None) -> tuple[str, ...]:
    if series_dims is not None:
        dims = tuple(dict.fromkeys(series_dims))
        _require(ids, dims, "series_dims column(s) not in the file")
    else:
        measure = ids["OBS_VALUE"]
        skip = STRUCTURAL | ATTRIBUTES | {"REF_AREA", "TIME_PERIOD"}
        dims = tuple(name for name, position in ids.items() if position < measure and name not in skip)
    if not dims:
        raise PayloadError(SOURCE, "no series dimension columns before OBS_VALUE; pass series_dims")
    return dims


def _select(frame: pl.DataFrame, ids: dict[str, int], dims: tuple[str, ...]) -> pl.DataFrame:
    """The columns the rules use, under their ids, as strings (null where the file has no such column)."""
    wanted = dict.fromkeys([*REQUIRED, *dims, "ACTION", "UNIT_MULT", "OBS_STATUS", "CURRENCY", "UNIT_MEASURE"])
    cells = [name for name in frame.columns if name != "row"]
    columns = [
        pl.col(cells[ids[name]]).alias(name) if name in ids else pl.lit(None, pl.String).alias(name) for name in wanted
    ]
    return frame.select(pl.col("row"), *columns)


# --- rules ---------------------------------------------------------------------------------------


def _code(name: str) -> pl.Expr:
    """A coded cell without its ``: Label`` part and surrounding blanks; null stays null."""
    return pl.col(name).str.replace(r"(?s): .*$", "").str.strip_chars()


def _period() -> pl.Expr:
    """TIME_PERIOD → canonical period; null when it is not one of the supported forms."""
    time = _code("TIME_PERIOD")
    year = time.str.slice(0, 4)
    day = time.str.to_date("%Y-%m-%d", strict=False).dt.to_string("%Y-%m-%d")
    return (
        pl.when(time.str.contains(r"^[0-9]{4}(-Q[1-4]|-S[12]|-(0[1-9]|1[0-2]))?$"))
        .then(time)
        .when(time.str.contains(r"^[0-9]{4}Q[1-4]$"))
        .then(pl.concat_str(year, pl.lit("-Q"), time.str.slice(5, 1)))
        .when(time.str.contains(r"^[0-9]{4}-M(0[1-9]|1[0-2])$"))
        .then(pl.concat_str(year, pl.lit("-"), time.str.slice(6, 2)))
        .when(time.str.contains(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$") & (day == time))
        .then(time)
        .otherwise(None)
    )


def _unit() -> pl.Expr:
    currency = _code("CURRENCY")
    measure = _code("UNIT_MEASURE")
    from_measure = measure.replace_strict(UNIT_MEASURES, default=None, return_dtype=pl.String)
    return pl.when(currency.str.contains(r"^[A-Z]{3}$") & (currency != "XDC")).then(currency).otherwise(from_measure)


def _assess(table: pl.DataFrame, dims: tuple[str, ...], *, decimal_comma: bool) -> pl.DataFrame:
    """Compute the output columns and name the first thing wrong with each row (``fault``)."""
    raw = pl.col("OBS_VALUE").str.strip_chars()
    text = raw
    if decimal_comma:
        text = pl.when(raw.str.contains(_DECIMAL_COMMA)).then(raw.str.replace(",", ".", literal=True)).otherwise(raw)
    mult_text = _code("UNIT_MULT").fill_null("")
    mult = pl.when(mult_text == "").then(pl.lit(0)).otherwise(mult_text.cast(pl.Int64, strict=False))
    scale = pl.lit(10.0).pow(mult.abs().cast(pl.Float64))
    status = _code("OBS_STATUS")
    return (
        table.with_columns(
            series_code=pl.concat_str([_code(d).fill_null("") for d in dims], separator="."),
            area=_code("REF_AREA"),
            period=_period(),
            action=_code("ACTION"),
            missing=raw.is_null() | raw.is_in(MISSING_VALUES),
            number=pl.when(text.str.contains(_NUMBER)).then(text.cast(pl.Float64, strict=False)),
            mult_ok=(mult_text == "") | mult_text.str.contains(_UNIT_MULT),
            mult=mult,
            unit=_unit(),
            status=pl.when(status.str.len_chars() > 0).then(status),
        )
        .with_columns(
            value=pl.when(pl.col("mult") >= 0).then(pl.col("number") * scale).otherwise(pl.col("number") / scale),
            obs_status=pl.when(pl.col("missing") & pl.col("status").is_in(["", NORMAL_STATUS]).fill_null(True))
            .then(pl.lit("missing"))
            .when(pl.col("missing"))
            .then(pl.col("status"))
            .when(pl.col("status") != NORMAL_STATUS)
            .then(pl.col("status")),
        )
        .with_columns(fault=_fault())
        .with_columns(reason=_reason())
    )


def _fault() -> pl.Expr:
    return (
        pl.when(pl.col("action") == "D")
        .then(pl.lit("action"))
        .when(pl.col("area").fill_null("") == "")
        .then(pl.lit("area"))
        .when(pl.col("period").is_null())
        .then(pl.lit("time"))
        .when(~pl.col("mult_ok"))
        .then(pl.lit("mult"))
        .when(pl.col("missing"))
        .then(None)
        .when(pl.col("number").is_null())
        .then(pl.lit("value"))
        .when(~pl.col("value").is_finite())
        .then(pl.lit("overflow"))
    )


def _reason() -> pl.Expr:
    fault = pl.col("fault")
    return (
        pl.when(fault == "action")
        .then(pl.lit("delete action not supported"))
        .when(fault == "area")
        .then(pl.lit("row has no REF_AREA"))
        .when(fault == "time")
        .then(pl.format("TIME_PERIOD '{}' is not a supported period", _quoted("TIME_PERIOD")))
        .when(fault == "mult")
        .then(pl.format("UNIT_MULT '{}' is not an integer", _quoted("UNIT_MULT")))
        .when(fault == "value")
        .then(pl.format("value '{}' is not a number", _quoted("OBS_VALUE")))
        .when(fault == "overflow")
        .then(pl.format("value '{}' × 10^{} is too large", _quoted("OBS_VALUE"), pl.col("mult")))
    )


def _quoted(name: str) -> pl.Expr:
    return pl.col(name).fill_null("").str.slice(0, _MAX_IN_REASON)


def _split(assessed: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Good rows become observations; the first of a repeated (series_code, area, period) wins."""
    observation = [
        pl.col("series_code"),
        pl.col("area"),
        pl.col("period"),
        pl.when(~pl.col("missing")).then(pl.col("value")).alias("value"),
        pl.col("unit"),
        pl.col("obs_status"),
        pl.lit(None, pl.Date).alias("source_updated"),
    ]
    return split_first_wins(assessed, observation, _rejected_columns())


def _rejected_columns() -> list[pl.Expr]:
    """row_ref is ``row N`` (N-th CSV record after the header, from 1); raw_value the cell at fault."""
    fault = pl.col("fault")
    raw = (
        pl.when(fault == "action")
        .then(pl.col("ACTION"))
        .when(fault == "area")
        .then(pl.col("REF_AREA"))
        .when(fault == "time")
        .then(pl.col("TIME_PERIOD"))
        .when(fault == "mult")
        .then(pl.col("UNIT_MULT"))
        .otherwise(pl.col("OBS_VALUE"))
    )
    return [
        pl.col("series_code"),
        pl.format("row {}", pl.col("row") + 1).alias("row_ref"),
        pl.col("reason"),
        raw.fill_null("").str.slice(0, MAX_RAW_VALUE).alias("raw_value"),
    ]


# --- XML helpers ---------------------------------------------------------------------------------


def _local(tag: Any) -> str:
    """``{namespace}Name`` → ``Name``; comments and processing instructions have no string tag."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _required_id(element: ET.Element, what: str) -> str:
    value = element.get("id")
    if not value:
        raise PayloadError(SOURCE, f"{what} has no id attribute")
    return value


def _english_name(code: ET.Element) -> str | None:
    names = [child for child in code if _local(child.tag) == "Name"]
    english = [n for n in names if (n.get(_XML_LANG) or "").lower().startswith("en")]
    for name in english:
        text = "".join(name.itertext()).strip()
        if text:
            return text
    return None


