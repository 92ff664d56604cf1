"""Parse SDMX-CSV data (OECD, Eurostat, IMF, ...) into the frame contract, and SDMX-ML 2.1 codelists.

`parse_sdmx_csv` reads SDMX-CSV 1.0 (first column ``DATAFLOW``: OECD ``format=csv``, Eurostat
``format=SDMX-CSV``) and 2.x (``STRUCTURE,STRUCTURE_ID[,STRUCTURE_NAME],ACTION,...``), comma- or
semicolon-separated (the header line decides: more ``;`` than ``,`` means ``;``), with or without labels.

Column ids are matched without regard to case: the OECD writes ``REF_AREA``, Eurostat ``geo``,
``bop_item``, ``TIME_PERIOD``. A plain header is an id column when it is an SDMX id written all in
upper case (``^[A-Z_][A-Z0-9_]*$``) or all in lower case (``^[a-z_][a-z0-9_]*$``); any other header
(``Reference area``, ``Measure`` — the label columns of OECD ``csvfilewithlabels``, Eurostat's
``LAST UPDATE``) is ignored unless an option names it. ``labels=both`` (SDMX-CSV 2.0) writes
``ID: Name`` in headers and ``CODE: Label`` in cells: headers keep the id before the colon, coded cells
keep the code before the first ``": "``; OBS_VALUE is never split.

Options (a mapping, e.g. the catalog entry's options; unknown keys are ignored, see `SdmxOptions`):

- ``series_dims``: the series dimensions, in this order (default: found, see below);
- ``area_dimension``: the reference area column (default ``REF_AREA``; Eurostat ``geo``);
- ``partner_dimension``: the counterpart area column (OECD ``COUNTERPART_AREA``, Eurostat ``partner``).
  When given, its code goes to the optional ``counterpart_area`` column of the contract, and it is
  not a series dimension;
- ``status_column``: the observation status column (default ``OBS_STATUS``; Eurostat ``OBS_FLAG``);
- ``vintage_column``: a column that states when the value was released (Eurostat ``LAST UPDATE``,
  SDMX-CSV 2.0 ``UPDATED``); it becomes ``source_updated``;
- ``area_codes``: ``as_given`` (default) or ``alpha2``: two-letter country codes (Eurostat ``JP``, ``EL``)
  become ISO alpha-3 (`transforms.iso3166`), aggregates (``EU27_2020``) stay as they are. Applies to
  the area and the partner.

Required columns: TIME_PERIOD, OBS_VALUE and the area column; a file without them, a body that is not
UTF-8 CSV, or a CSV the reader cannot split into equal rows raises `PayloadError`.

series_code: the series dimensions' codes joined with ``.`` (``W.S.B.T.A.USD_EXC.N`` style). Found
dimensions are the id columns *before* OBS_VALUE (SDMX-CSV writes dimensions, then the measure, then
attributes), in file order, minus the area, the partner, TIME_PERIOD, the structural columns
(`STRUCTURAL`) and the known attributes (`ATTRIBUTES`) wherever they sit. UNIT_MEASURE is a dimension in
OECD DF_TIS and stays in. A file with no series dimension raises `PayloadError` (pass ``series_dims``).

"No records" answers are an empty result with a note (`ParseResult.notes`), not an error: a body that
says ``NoRecordsFound`` (the OECD answer issue #9 recorded), ``NoResultsFound`` or ``No results found``, or an SDMX-ML
error message or SOAP fault with code 100 ("No results found" in the SDMX REST specification). Another
SDMX error code raises `PayloadError` with the provider's message. (An HTTP 404 to a data query means the
same in the SDMX REST specification; the fetcher sees that status, so the adapter answers it.)

Row rules (a bad row becomes a rejected row, never an exception):

- value = OBS_VALUE × 10**(UNIT_MULT + scale), scale from a ``THS_``/``MIO_``/``BN_`` unit code
  (Eurostat ``MIO_EUR``: 6). UNIT_MULT empty → 0; not an integer → rejected. ``NaN``, ``#N/A``, ``:``
  or empty → null value, obs_status = the status column (``M``, ``O``, Eurostat ``c`` ...), or ``missing``
  when that is empty or ``A``. A value that is not a plain decimal number is rejected; with a ``;``
  separator, ``12,5`` is read as the decimal 12.5 (no thousands separators are accepted in either case).
- obs_status for a present value: the status unless empty or ``A`` (SDMX "normal value") → null.
- unit: CURRENCY when it is an ISO 4217 code (three letters, not ``XDC``) or a scaled one
  (``MIO_EUR`` → EUR; ``MIO_NAC``, national currency → null), else UNIT_MEASURE through `UNIT_MEASURES`
  (``USD_EXC`` → USD) or its scaled form, else null.
- period: ``2024``, ``2024-Q1``/``2024Q1``, ``2024-01``/``2024-M01``, ``2024-S1``, ``2024-01-31`` →
  canonical (``2024``, ``2024-Q1``, ``2024-01``, ``2024-S1``, ``2024-01-31``); anything else is rejected.
- area: the area column's code; an empty one is rejected (and so is an empty partner).
- source_updated: the vintage column read as a date (Eurostat ``22/05/26 11:00:00``, day/month/2-digit
  year; ``2025-05-22`` and ``2025-05-22T11:00:00Z`` too); empty → null; anything else is rejected.
  Without a vintage column it is null: SDMX-CSV data carries no release date per observation.
- ACTION ``D`` (delete) rows are rejected ("delete action not supported"): the warehouse only adds and
  replaces, so a deletion must be looked at by a person.
- The first row of a repeated (series_code, area, [counterpart_area,] period) wins; later ones are
  rejected as duplicates.
- Blank lines are skipped. ``row_ref`` is ``row N``, the N-th CSV record after the header.

`parse_sdmx_codelist` reads the codelists of an SDMX-ML 2.1 structure message
(``dataflow/...?references=all``) into codelist_id, code, name_en. Both XML readers refuse any DTD or
entity declaration in every encoding (defusedxml, not a byte check): SDMX never uses one.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import polars as pl
from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET

from transforms.contracts import (
    MAX_RAW_VALUE,
    OBSERVATION_SCHEMA,
    OPTIONAL_OBSERVATION_SCHEMA,
    ParseResult,
    empty_rejected,
    shorten,
    split_first_wins,
)
from transforms.errors import PayloadError
from transforms.iso3166 import to_alpha3

SOURCE = "sdmx"

TIME, VALUE = "TIME_PERIOD", "OBS_VALUE"

#: Columns that describe the message, not the observation.
STRUCTURAL = frozenset({"DATAFLOW", "STRUCTURE", "STRUCTURE_ID", "STRUCTURE_NAME", "ACTION", "SERIES_KEY", "OBS_KEY"})

#: Attribute ids that are never series dimensions, even if a file puts them before OBS_VALUE.
ATTRIBUTES = frozenset(
    {
        "OBS_STATUS",
        "OBS_FLAG",
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

#: Scale prefixes of unit codes (Eurostat CL_CURRENCY / CL_UNIT: MIO_EUR "Million euro") → power of ten.
SCALE_PREFIXES: dict[str, int] = {"THS": 3, "MIO": 6, "BN": 9}

#: Currency codes that name no one currency (national currency, its SDMX and Eurostat forms).
NOT_A_CURRENCY = ("XDC", "NAC")

#: OBS_VALUE texts that mean "intentionally missing" (SDMX-CSV 2.0: NaN numeric, #N/A otherwise;
#: ``:`` is Eurostat's "not available").
MISSING_VALUES = ("", "NaN", "nan", "NAN", "#N/A", ":")

#: OBS_STATUS "A" is "normal value": no status for the contract.
NORMAL_STATUS = "A"

#: SDMX REST error code 100: "No results found" (the query matched no data).
NO_RESULTS_CODE = "100"

_ID = re.compile(r"^([A-Z_][A-Z0-9_]*|[a-z_][a-z0-9_]*)$")
_LABELLED_HEADER = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*:.*$", re.DOTALL)
_NO_RECORDS_TEXT = re.compile(r"^\s*no\s*(records|results|data)\s*(found)?\s*[.!]?\s*$", re.IGNORECASE)
_NUMBER = r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$"
_DECIMAL_COMMA = r"^[+-]?[0-9]+,[0-9]+$"
_UNIT_MULT = r"^[+-]?[0-9]{1,3}$"
_SCALED_UNIT = r"^(THS|MIO|BN)_([A-Z]{3})$"
_MAX_IN_REASON = 50
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_SAFE_XML = {"forbid_dtd": True, "forbid_entities": True, "forbid_external": True}

#: Columns of `parse_sdmx_codelist`.
CODELIST_SCHEMA: dict[str, pl.DataType] = {"codelist_id": pl.String(), "code": pl.String(), "name_en": pl.String()}


@dataclass(frozen=True)
class SdmxOptions:
    """What a provider's SDMX-CSV calls its columns; see the module docstring."""

    series_dims: tuple[str, ...] | None = None
    area_dimension: str = "REF_AREA"
    partner_dimension: str | None = None
    status_column: str = "OBS_STATUS"
    vintage_column: str | None = None
    area_codes: str = "as_given"

    @classmethod
    def of(cls, options: Mapping[str, Any] | None) -> SdmxOptions:
        """The SDMX options in `options`; `ValueError` naming the option when one is malformed."""
        options = options or {}
        dims = options.get("series_dims")
        if dims is not None and (isinstance(dims, str) or not all(isinstance(d, str) and d for d in dims)):
            raise ValueError("series_dims must be a list of column ids")
        names = {}
        for key in ("area_dimension", "partner_dimension", "status_column", "vintage_column"):
            value = options.get(key)
            if value is not None and (not isinstance(value, str) or not value.strip()):
                raise ValueError(f"{key} must name a column")
            names[key] = value
        area_codes = options.get("area_codes", "as_given")
        if area_codes not in ("as_given", "alpha2"):
            raise ValueError(f"area_codes must be as_given or alpha2, not {area_codes!r}")
        return cls(
            series_dims=tuple(dims) if dims is not None else None,
            area_dimension=names["area_dimension"] or "REF_AREA",
            partner_dimension=names["partner_dimension"],
            status_column=names["status_column"] or "OBS_STATUS",
            vintage_column=names["vintage_column"],
            area_codes=area_codes,
        )


def parse_sdmx_csv(body: bytes, options: Mapping[str, Any] | None = None) -> ParseResult:
    """Parse one SDMX-CSV body read with `options`; see the module docstring. next_page is always None."""
    opts = SdmxOptions.of(options)
    text = _decode(body).lstrip("\r\n")
    note = _no_records(text)
    if note is not None:
        return ParseResult(_empty_observations(opts), empty_rejected(), None, (note,))
    separator = _separator(text)
    header, frame = _read(text, separator)
    columns = _Columns.of(header)
    area = columns.require(opts.area_dimension, TIME, VALUE)
    for option, name in (("partner_dimension", opts.partner_dimension), ("vintage_column", opts.vintage_column)):
        if name and columns.position(name) is None:
            found = shorten(", ".join(columns.written.values()), 300)
            raise PayloadError(SOURCE, f"{option} {name!r} is not a column of the file (columns: {found})")
    dims = _series_dims(columns, opts)
    table = _select(frame, columns, opts, dims)
    assessed = _assess(table, len(dims), opts, area=area, decimal_comma=separator == ";")
    observations, rejected = _split(assessed, opts)
    return ParseResult(observations, rejected, None)


def parse_sdmx_codelist(body: bytes) -> pl.DataFrame:
    """Every ``Codelist/Code`` of an SDMX-ML 2.1 structure message: codelist_id, code, name_en.

    Elements are matched by local name, so any namespace prefix works. ``name_en`` is the Code's
    ``Name`` with ``xml:lang="en"`` (null if it has none). A document with a DTD or an entity
    declaration is refused in any encoding (SDMX never uses one, and refusing it rules out entity
    tricks); malformed XML, an SDMX error message or another root element raises `PayloadError`.
    """
    root = _xml_root(body)
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


def _no_records(text: str) -> str | None:
    """The note for a "no records" answer, None for any other body; another SDMX error raises.

    Only short plain texts and XML error messages are looked at: a CSV never starts with ``<``.
    """
    stripped = text.strip()
    if len(stripped) <= 100 and _NO_RECORDS_TEXT.match(stripped):
        return f"no records: the provider answered {shorten(stripped, 60)!r} (the query matched no data)"
    if not stripped.startswith("<"):
        return None
    try:
        root = _xml_root(stripped.encode())
    except PayloadError as exc:
        if "DTD" in exc.message:
            raise
        return None  # not XML after all (an HTML page): the CSV reader names what is missing
    if _local(root.tag) not in ("Error", "Fault"):
        return None
    code, message = _error_code(root)
    if code == NO_RESULTS_CODE:
        return f"no records: the provider answered SDMX error {code} ({shorten(message, 200)})"
    raise PayloadError(SOURCE, f"SDMX error {code or '(no code)'}: {shorten(message, 500)}")


def _error_code(root: ET.Element) -> tuple[str | None, str]:
    """(code, message) of an SDMX-ML ``Error`` (``ErrorMessage code=``) or a SOAP ``Fault`` (``faultcode``)."""
    code = None
    for element in root.iter():
        name = _local(element.tag)
        if name == "ErrorMessage" and element.get("code"):
            code = element.get("code")
            break
        if name == "faultcode" and (element.text or "").strip():
            code = (element.text or "").strip().rsplit(":", 1)[-1]
            break
    texts = [t.strip() for e in root.iter() if _local(e.tag) != "faultcode" for t in [e.text or ""] if t.strip()]
    return code, " ".join(texts)


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


@dataclass(frozen=True)
class _Columns:
    """Where each column is. Keys are upper-cased: ``geo`` and ``GEO`` are one id.

    `ids` holds the SDMX id columns (found series dimensions come from these), `named` every header
    by its id or plain text (``LAST UPDATE``), for columns an option names. When a key occurs twice,
    the first column wins (the other is treated like a label column).
    """

    ids: dict[str, int]
    named: dict[str, int]
    written: dict[str, str]  # key → the header as the file writes it (for messages)

    @classmethod
    def of(cls, header: list[str]) -> _Columns:
        ids: dict[str, int] = {}
        named: dict[str, int] = {}
        written: dict[str, str] = {}
        for position, text in enumerate(header):
            labelled = _LABELLED_HEADER.match(text)
            column_id = labelled.group(1) if labelled else text.strip()
            key = column_id.upper()
            if key and key not in named:
                named[key] = position
                written[key] = column_id
                if labelled or _ID.match(column_id):
                    ids[key] = position
        return cls(ids, named, written)

    def position(self, name: str) -> int | None:
        return self.named.get(name.strip().upper())

    def require(self, *names: str) -> str:
        """Raise `PayloadError` naming the missing columns; return the first name as the file writes it."""
        missing = [name for name in names if self.position(name) is None]
        if missing:
            found = ", ".join(self.written[k] for k in self.ids) or "(none)"
            raise PayloadError(
                SOURCE, f"missing required column(s): {', '.join(missing)} (id columns found: {shorten(found, 300)})"
            )
        return self.written[names[0].strip().upper()]


def _series_dims(columns: _Columns, opts: SdmxOptions) -> tuple[int, ...]:
    """Positions of the series dimensions, in series-code order."""
    if opts.series_dims is not None:
        wanted = tuple(dict.fromkeys(d.strip().upper() for d in opts.series_dims))
        missing = [d for d in wanted if d not in columns.named]
        if missing:
            found = ", ".join(columns.written[k] for k in columns.ids) or "(none)"
            raise PayloadError(
                SOURCE, f"series_dims column(s) not in the file: {', '.join(missing)} (id columns found: {found})"
            )
        return tuple(columns.named[d] for d in wanted)
    measure = columns.ids[VALUE] if VALUE in columns.ids else columns.named[VALUE]
    roles = {opts.area_dimension, opts.partner_dimension, opts.status_column, opts.vintage_column, TIME}
    skip = STRUCTURAL | ATTRIBUTES | {r.strip().upper() for r in roles if r}
    dims = tuple(p for key, p in columns.ids.items() if p < measure and key not in skip)
    if not dims:
        raise PayloadError(SOURCE, "no series dimension columns before OBS_VALUE; pass series_dims")
    return dims


def _select(frame: pl.DataFrame, columns: _Columns, opts: SdmxOptions, dims: tuple[int, ...]) -> pl.DataFrame:
    """The columns the rules use, under role names, as strings (null where the file has no such column)."""
    cells = [name for name in frame.columns if name != "row"]
    roles = {
        "_area": opts.area_dimension,
        "_partner": opts.partner_dimension,
        "_time": TIME,
        "_value": VALUE,
        "_status": opts.status_column,
        "_vintage": opts.vintage_column,
        "_action": "ACTION",
        "_mult": "UNIT_MULT",
        "_currency": "CURRENCY",
        "_unit_measure": "UNIT_MEASURE",
    }
    selected = [pl.col("row")]
    for role, name in roles.items():
        position = columns.position(name) if name else None
        column = pl.col(cells[position]) if position is not None else pl.lit(None, pl.String)
        selected.append(column.alias(role))
    selected += [pl.col(cells[p]).alias(f"_dim{i}") for i, p in enumerate(dims)]
    return frame.select(selected)


# --- rules ---------------------------------------------------------------------------------------


def _code(name: str) -> pl.Expr:
    """A coded cell without its ``: Label`` part and surrounding blanks; null stays null."""
    return pl.col(name).str.replace(r"(?s): .*$", "").str.strip_chars()


def _area_code(name: str, opts: SdmxOptions) -> pl.Expr:
    code = _code(name)
    return to_alpha3(code) if opts.area_codes == "alpha2" else code


def _period() -> pl.Expr:
    """TIME_PERIOD → canonical period; null when it is not one of the supported forms."""
    time = _code("_time")
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


def _vintage() -> pl.Expr:
    """The vintage cell as a date: ``dd/mm/yy[ HH:MM:SS]`` (Eurostat), ``YYYY-MM-DD[THH:MM:SS...]``."""
    text = pl.col("_vintage").str.strip_chars()
    day_first = text.str.extract(r"^([0-9]{2}/[0-9]{2}/[0-9]{2})( [0-9]{2}:[0-9]{2}(:[0-9]{2})?)?$", 1)
    iso = text.str.extract(r"^([0-9]{4}-[0-9]{2}-[0-9]{2})([T ][0-9:.]+(Z|[+-][0-9:]+)?)?$", 1)
    return pl.coalesce(day_first.str.to_date("%d/%m/%y", strict=False), iso.str.to_date("%Y-%m-%d", strict=False))


def _scale(code: pl.Expr) -> pl.Expr:
    """Power of ten a scaled unit code stands for (``MIO_EUR`` → 6), else null."""
    return code.str.extract(_SCALED_UNIT, 1).replace_strict(SCALE_PREFIXES, default=None, return_dtype=pl.Int64)


def _unit() -> pl.Expr:
    currency = _code("_currency")
    measure = _code("_unit_measure")
    plain = currency.str.contains(r"^[A-Z]{3}$") & ~currency.is_in(NOT_A_CURRENCY)
    scaled = currency.str.extract(_SCALED_UNIT, 2)
    measure_scaled = measure.str.extract(_SCALED_UNIT, 2)
    from_measure = measure.replace_strict(UNIT_MEASURES, default=None, return_dtype=pl.String)
    return (
        pl.when(plain)
        .then(currency)
        .when(scaled.is_not_null() & ~scaled.is_in(NOT_A_CURRENCY))
        .then(scaled)
        .when(from_measure.is_not_null())
        .then(from_measure)
        .when(measure_scaled.is_not_null() & ~measure_scaled.is_in(NOT_A_CURRENCY))
        .then(measure_scaled)
    )


def _assess(table: pl.DataFrame, dims: int, opts: SdmxOptions, *, area: str, decimal_comma: bool) -> pl.DataFrame:
    """Compute the output columns and name the first thing wrong with each row (``fault``)."""
    raw = pl.col("_value").str.strip_chars()
    text = raw
    if decimal_comma:
        text = pl.when(raw.str.contains(_DECIMAL_COMMA)).then(raw.str.replace(",", ".", literal=True)).otherwise(raw)
    mult_text = _code("_mult").fill_null("")
    mult = pl.when(mult_text == "").then(pl.lit(0)).otherwise(mult_text.cast(pl.Int64, strict=False))
    power = mult + pl.coalesce(_scale(_code("_currency")), _scale(_code("_unit_measure")), pl.lit(0))
    scale = pl.lit(10.0).pow(pl.col("power").abs().cast(pl.Float64))
    status = _code("_status")
    vintage_text = pl.col("_vintage").str.strip_chars().fill_null("")
    partner = [_area_code("_partner", opts).alias("counterpart_area")] if opts.partner_dimension else []
    return (
        table.with_columns(
            *partner,
            series_code=pl.concat_str([_code(f"_dim{i}").fill_null("") for i in range(dims)], separator="."),
            area=_area_code("_area", opts),
            period=_period(),
            action=_code("_action"),
            missing=raw.is_null() | raw.is_in(MISSING_VALUES),
            number=pl.when(text.str.contains(_NUMBER)).then(text.cast(pl.Float64, strict=False)),
            mult_ok=(mult_text == "") | mult_text.str.contains(_UNIT_MULT),
            power=power,
            unit=_unit(),
            status=pl.when(status.str.len_chars() > 0).then(status),
            source_updated=_vintage(),
            vintage_ok=(vintage_text == "") | _vintage().is_not_null(),
        )
        .with_columns(
            value=pl.when(pl.col("power") >= 0)
            .then(pl.col("number") * scale)
            .otherwise(pl.col("number") / scale),
            obs_status=pl.when(pl.col("missing") & pl.col("status").is_in(["", NORMAL_STATUS]).fill_null(True))
            .then(pl.lit("missing"))
            .when(pl.col("missing"))
            .then(pl.col("status"))
            .when(pl.col("status") != NORMAL_STATUS)
            .then(pl.col("status")),
        )
        .with_columns(fault=_fault(bool(opts.partner_dimension)))
        .with_columns(reason=_reason(area, opts))
    )


def _fault(has_partner: bool) -> pl.Expr:
    no_partner = (pl.col("counterpart_area").fill_null("") == "") if has_partner else pl.lit(False)
    return (
        pl.when(pl.col("action") == "D")
        .then(pl.lit("action"))
        .when(pl.col("area").fill_null("") == "")
        .then(pl.lit("area"))
        .when(no_partner)
        .then(pl.lit("partner"))
        .when(pl.col("period").is_null())
        .then(pl.lit("time"))
        .when(~pl.col("mult_ok"))
        .then(pl.lit("mult"))
        .when(~pl.col("vintage_ok"))
        .then(pl.lit("vintage"))
        .when(pl.col("missing"))
        .then(None)
        .when(pl.col("number").is_null())
        .then(pl.lit("value"))
        .when(~pl.col("value").is_finite())
        .then(pl.lit("overflow"))
    )


def _reason(area: str, opts: SdmxOptions) -> pl.Expr:
    fault = pl.col("fault")
    return (
        pl.when(fault == "action")
        .then(pl.lit("delete action not supported"))
        .when(fault == "area")
        .then(pl.lit(f"row has no {area}"))
        .when(fault == "partner")
        .then(pl.lit(f"row has no {opts.partner_dimension}"))
        .when(fault == "time")
        .then(pl.format("TIME_PERIOD '{}' is not a supported period", _quoted("_time")))
        .when(fault == "mult")
        .then(pl.format("UNIT_MULT '{}' is not an integer", _quoted("_mult")))
        .when(fault == "vintage")
        .then(pl.format(f"{opts.vintage_column} '{{}}' is not a date", _quoted("_vintage")))
        .when(fault == "value")
        .then(pl.format("value '{}' is not a number", _quoted("_value")))
        .when(fault == "overflow")
        .then(pl.format("value '{}' × 10^{} is too large", _quoted("_value"), pl.col("power")))
    )


def _quoted(name: str) -> pl.Expr:
    return pl.col(name).fill_null("").str.slice(0, _MAX_IN_REASON)


def _split(assessed: pl.DataFrame, opts: SdmxOptions) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Good rows become observations; the first of a repeated key wins."""
    observation = [
        pl.col("series_code"),
        pl.col("area"),
        pl.col("period"),
        pl.when(~pl.col("missing")).then(pl.col("value")).alias("value"),
        pl.col("unit"),
        pl.col("obs_status"),
        pl.col("source_updated"),
    ]
    if opts.partner_dimension:
        observation.append(pl.col("counterpart_area"))
    return split_first_wins(assessed, observation, _rejected_columns())


def _empty_observations(opts: SdmxOptions) -> pl.DataFrame:
    optional = OPTIONAL_OBSERVATION_SCHEMA if opts.partner_dimension else {}
    return pl.DataFrame(schema={**OBSERVATION_SCHEMA, **optional})


def _rejected_columns() -> list[pl.Expr]:
    """row_ref is ``row N`` (N-th CSV record after the header, from 1); raw_value the cell at fault."""
    fault = pl.col("fault")
    raw = (
        pl.when(fault == "action")
        .then(pl.col("_action"))
        .when(fault == "area")
        .then(pl.col("_area"))
        .when(fault == "partner")
        .then(pl.col("_partner"))
        .when(fault == "time")
        .then(pl.col("_time"))
        .when(fault == "mult")
        .then(pl.col("_mult"))
        .when(fault == "vintage")
        .then(pl.col("_vintage"))
        .otherwise(pl.col("_value"))
    )
    return [
        pl.col("series_code"),
        pl.format("row {}", pl.col("row") + 1).alias("row_ref"),
        pl.col("reason"),
        raw.fill_null("").str.slice(0, MAX_RAW_VALUE).alias("raw_value"),
    ]


# --- XML helpers ---------------------------------------------------------------------------------


def _xml_root(body: bytes) -> ET.Element:
    """The root of an XML document that declares no DTD and no entity, in whatever encoding it is in."""
    try:
        return SafeET.fromstring(body, **_SAFE_XML)
    except DefusedXmlException as exc:
        raise PayloadError(SOURCE, f"XML with a DTD or entity declaration is not accepted ({exc})") from None
    except (ET.ParseError, ValueError, LookupError, TypeError) as exc:
        raise PayloadError(SOURCE, f"body is not well-formed XML: {exc}") from None


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
