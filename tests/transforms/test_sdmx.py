"""Tests for transforms.sdmx: SDMX-CSV 1.0/2.x fixtures, every rule, codelists, and property tests."""

from __future__ import annotations

import contextlib
import csv
import functools
import io
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.support.contracts import PROPERTY_SETTINGS, assert_contract, result_or_none
from transforms.contracts import ParseResult
from transforms.errors import PayloadError
from transforms.sdmx import CODELIST_SCHEMA, UNIT_MEASURES, parse_sdmx_codelist, parse_sdmx_csv

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "sdmx"

HEADER_10 = [
    "DATAFLOW",
    "REF_AREA",
    "FREQ",
    "MEASURE",
    "UNIT_MEASURE",
    "TIME_PERIOD",
    "OBS_VALUE",
    "OBS_STATUS",
    "UNIT_MULT",
]


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def csv_body(rows: list[list[str]], header: list[str] = HEADER_10, separator: str = ",") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=separator, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def row10(
    value: str = "12.5",
    *,
    area: str = "JPN",
    period: str = "2023",
    measure: str = "S",
    unit: str = "USD_EXC",
    status: str = "A",
    mult: str = "",
) -> list[str]:
    """One SDMX-CSV 1.0 row in the OECD shape (`HEADER_10`)."""
    return ["OECD.SDD.TPS:DSD_BOP@DF_TIS(1.0)", area, "A", measure, unit, period, value, status, mult]


def parse_rows(*rows: list[str]) -> ParseResult:
    return parse_sdmx_csv(csv_body(list(rows)))




def one(result: ParseResult) -> dict[str, Any]:
    assert result.observations.height == 1, result.rejected.to_dicts()
    return result.observations.row(0, named=True)


# --- recorded shapes -----------------------------------------------------------------------------


def test_oecd_csv10_prices() -> None:
    result = parse_sdmx_csv(fixture("oecd_prices_csv10.csv"))
    assert_contract(result)
    assert result.rejected.height == 0
    assert result.next_page is None
    assert result.observations.to_dicts()[0] == {
        "series_code": "M.N.CPI.PA._T.N.GY",
        "area": "USA",
        "period": "2025-06",
        "value": 2.669213,
        "unit": "percent",
        "obs_status": None,
        "source_updated": None,
    }
    assert result.observations.select("area", "period", "obs_status").rows() == [
        ("USA", "2025-06", None),
        ("USA", "2025-05", None),
        ("JPN", "2025-06", None),
        ("JPN", "2025-05", "P"),
    ]


def test_oecd_tis_with_label_columns() -> None:
    result = parse_sdmx_csv(fixture("oecd_tis_csvfilewithlabels.csv"))
    assert_contract(result)
    assert result.rejected.height == 0
    assert result.observations.drop("source_updated").rows() == [
        ("W.S.B.T.A.USD_EXC.N", "JPN", "2023", pytest.approx(-29876.5e6), "USD", None),
        ("W.SH.B.T.A.USD_EXC.N", "JPN", "2023", pytest.approx(21500.2e6), "USD", None),
        ("W.SH.B.T.A.XDC.N", "JPN", "2023", pytest.approx(3015.7e9), "JPY", "E"),  # CURRENCY names the XDC
        ("W.S.B.T.A.USD_EXC.N", "JPN", "2024", None, "USD", "M"),  # NaN
        ("W.SH.B.T.A.XDC.N", "CAN", "2023", pytest.approx(-5123.9e6), "CAD", None),
    ]


def test_sdmx20_field_guide_example_lacks_required_columns() -> None:
    with pytest.raises(PayloadError) as info:
        parse_sdmx_csv(fixture("sdmx20_field_guide_example.csv"))
    assert info.value.source == "sdmx"
    assert info.value.message.startswith(
        "missing required column(s): REF_AREA, TIME_PERIOD (id columns found: STRUCTURE"
    )
    assert "OBS_VALUE," not in info.value.message.split("(")[0]


def test_sdmx20_labels_both_semicolon_decimal_comma() -> None:
    result = parse_sdmx_csv(fixture("sdmx20_labels_both_semicolon.csv"))
    assert_contract(result)
    assert result.observations.drop("source_updated").rows() == [
        ("A.SI", "JPN", "2023", pytest.approx(-5.25e9), None, None),
        ("A.SI", "JPN", "2024", None, None, "O"),  # #N/A, status code without its label
        ("Q.SI", "JPN", "2024-Q1", pytest.approx(-1.5e9), None, "P"),
    ]
    assert result.rejected.to_dicts() == [
        {"series_code": "Q.SI", "row_ref": "row 4", "reason": "delete action not supported", "raw_value": "D"}
    ]


# --- series codes --------------------------------------------------------------------------------


def test_series_code_is_dimensions_before_obs_value_in_file_order() -> None:
    header = ["STRUCTURE", "STRUCTURE_ID", "ACTION", "SERIES_KEY", "MEASURE", "REF_AREA", "FREQ", "TIME_PERIOD"]
    header += ["OBS_VALUE", "EXTRA_ATTR", "UNIT_MULT"]
    body = csv_body([["dataflow", "X:Y(1.0)", "I", "JPN.S.A", "S", "JPN", "A", "2020", "1", "q", "0"]], header)
    assert one(parse_sdmx_csv(body))["series_code"] == "S.A"


def test_known_attributes_are_never_dimensions() -> None:
    header = ["DATAFLOW", "REF_AREA", "OBS_STATUS", "FREQ", "CURRENCY", "UNIT_MULT", "TIME_PERIOD", "OBS_VALUE"]
    body = csv_body([["X:Y(1.0)", "JPN", "A", "A", "JPY", "3", "2020", "1"]], header)
    row = one(parse_sdmx_csv(body))
    assert (row["series_code"], row["unit"], row["value"]) == ("A", "JPY", 1000.0)


def test_series_dims_override_order_and_columns() -> None:
    result = parse_sdmx_csv(csv_body([row10()]), series_dims=("UNIT_MEASURE", "MEASURE"))
    assert one(result)["series_code"] == "USD_EXC.S"


def test_series_dims_missing_column_raises() -> None:
    with pytest.raises(PayloadError) as info:
        parse_sdmx_csv(csv_body([row10()]), series_dims=("MEASURE", "COUNTERPART_AREA", "SECTOR"))
    assert info.value.message.startswith("series_dims column(s) not in the file: COUNTERPART_AREA, SECTOR")


def test_no_dimension_columns_raises() -> None:
    body = csv_body([["JPN", "2020", "1"]], ["REF_AREA", "TIME_PERIOD", "OBS_VALUE"])
    with pytest.raises(PayloadError, match="no series dimension columns before OBS_VALUE; pass series_dims"):
        parse_sdmx_csv(body)
    assert one(parse_sdmx_csv(body, series_dims=("REF_AREA",)))["series_code"] == "JPN"


def test_label_columns_and_labelled_headers_are_recognised() -> None:
    header = [
        "REF_AREA",
        "Reference area",
        "MEASURE: Measure",
        "Measure",
        "TIME_PERIOD",
        "OBS_VALUE",
        "Observation value",
    ]
    body = csv_body([["JPN", "Japan", "SH: Charges for IP", "ignored", "2020", "7", ""]], header)
    row = one(parse_sdmx_csv(body))
    assert (row["series_code"], row["area"], row["value"]) == ("SH", "JPN", 7.0)


def test_duplicate_header_first_wins() -> None:
    header = ["REF_AREA", "MEASURE", "MEASURE", "TIME_PERIOD", "OBS_VALUE"]
    assert one(parse_sdmx_csv(csv_body([["JPN", "S", "SH", "2020", "1"]], header)))["series_code"] == "S"


def test_duplicate_key_keeps_the_first() -> None:
    result = parse_rows(row10("1"), row10("2"), row10("3", area="USA"))
    assert result.observations.select("area", "value").rows() == [("JPN", 1.0), ("USA", 3.0)]
    assert result.rejected.to_dicts() == [
        {"series_code": "A.S.USD_EXC", "row_ref": "row 2", "reason": "duplicate", "raw_value": "2"}
    ]


# --- values --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mult", "value", "expected"),
    [
        ("", "12.5", 12.5),
        ("0", "12.5", 12.5),
        ("3", "12.5", 12500.0),
        ("6", "-30123.4", -30123.4e6),
        ("9", "1", 1e9),
        ("-2", "150", 1.5),
        ("+1", "2", 20.0),
        ("6: Millions", "2", 2e6),
    ],
)
def test_unit_mult_scales_the_value(mult: str, value: str, expected: float) -> None:
    assert one(parse_rows(row10(value, mult=mult)))["value"] == pytest.approx(expected, rel=1e-15)


@pytest.mark.parametrize("mult", ["x", "1.5", "1000", "six"])
def test_bad_unit_mult_is_rejected(mult: str) -> None:
    result = parse_rows(row10(mult=mult))
    assert result.rejected.to_dicts() == [
        {
            "series_code": "A.S.USD_EXC",
            "row_ref": "row 1",
            "reason": f"UNIT_MULT '{mult}' is not an integer",
            "raw_value": mult,
        }
    ]


@pytest.mark.parametrize(
    ("value", "status", "expected_status"),
    [("NaN", "M", "M"), ("NaN", "", "missing"), ("#N/A", "", "missing"), ("", "O", "O"), ("nan", "A", "missing")],
)
def test_missing_values_are_null_with_status(value: str, status: str, expected_status: str) -> None:
    row = one(parse_rows(row10(value, status=status)))
    assert (row["value"], row["obs_status"]) == (None, expected_status)


@pytest.mark.parametrize(("status", "expected"), [("A", None), ("", None), ("E", "E"), ("P: Provisional", "P")])
def test_status_of_present_values(status: str, expected: str | None) -> None:
    assert one(parse_rows(row10(status=status)))["obs_status"] == expected


@pytest.mark.parametrize("value", ["abc", "1,5", "12.3.4", "inf", "-", "..", "1 000"])
def test_non_numeric_value_is_rejected(value: str) -> None:
    result = parse_rows(row10(value), row10("1", period="2024"))
    assert result.observations["period"].to_list() == ["2024"]
    assert result.rejected.to_dicts() == [
        {
            "series_code": "A.S.USD_EXC",
            "row_ref": "row 1",
            "reason": f"value '{value}' is not a number",
            "raw_value": value,
        }
    ]


def test_value_overflowing_after_unit_mult_is_rejected() -> None:
    result = parse_rows(row10("1e300", mult="100"))
    assert result.rejected["reason"].to_list() == ["value '1e300' × 10^100 is too large"]


def test_semicolon_separator_and_decimal_comma() -> None:
    rows = [row10("12,5"), row10("-0,25", period="2024"), row10("3.5", period="2025"), row10("1,234,5", period="2026")]
    result = parse_sdmx_csv(csv_body(rows, separator=";"))
    assert result.observations["value"].to_list() == [12.5, -0.25, 3.5]
    assert result.rejected["reason"].to_list() == ["value '1,234,5' is not a number"]


def test_comma_file_never_reads_decimal_comma() -> None:
    result = parse_rows(row10("12,5"))
    assert result.rejected["reason"].to_list() == ["value '12,5' is not a number"]


def test_bom_crlf_and_blank_lines() -> None:
    body = b"\xef\xbb\xbf" + csv_body([row10("1"), row10("2", period="2024")]).replace(b"\n", b"\r\n\r\n")
    result = parse_sdmx_csv(body)
    assert result.observations["value"].to_list() == [1.0, 2.0]
    assert result.rejected.height == 0


def test_header_only_is_an_empty_result() -> None:
    result = parse_sdmx_csv(csv_body([]))
    assert_contract(result)
    assert result.observations.height == 0
    assert result.rejected.height == 0


# --- units, periods, areas, actions --------------------------------------------------------------


@pytest.mark.parametrize(("code", "unit"), [*UNIT_MEASURES.items(), ("IX", None), ("", None)])
def test_unit_measure_mapping(code: str, unit: str | None) -> None:
    assert one(parse_rows(row10(unit=code)))["unit"] == unit


@pytest.mark.parametrize(
    ("currency", "unit"), [("JPY", "JPY"), ("_Z", "USD"), ("", "USD"), ("XDC", "USD"), ("usd", "USD")]
)
def test_currency_column_wins_when_it_is_a_currency(currency: str, unit: str) -> None:
    header = [*HEADER_10, "CURRENCY"]
    assert one(parse_sdmx_csv(csv_body([[*row10(), currency]], header)))["unit"] == unit


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        ("2024", "2024"),
        ("2024-Q1", "2024-Q1"),
        ("2024Q4", "2024-Q4"),
        ("2024-01", "2024-01"),
        ("2024-M01", "2024-01"),
        ("2024-M12", "2024-12"),
        ("2024-S1", "2024-S1"),
        ("2024-S2", "2024-S2"),
        ("2024-02-29", "2024-02-29"),
        (" 2024 ", "2024"),
    ],
)
def test_time_periods(period: str, expected: str) -> None:
    assert one(parse_rows(row10(period=period)))["period"] == expected


@pytest.mark.parametrize(
    "period", ["2024-Q5", "2024-13", "2024-M13", "2024-S3", "24", "2024-W01", "2023-02-29", "2024-A1", "", "2024/01"]
)
def test_unsupported_time_periods_are_rejected(period: str) -> None:
    result = parse_rows(row10(period=period))
    assert result.rejected.select("reason", "raw_value").rows() == [
        (f"TIME_PERIOD '{period}' is not a supported period", period)
    ]


def test_empty_ref_area_is_rejected() -> None:
    result = parse_rows(row10(area=""))
    assert result.rejected.select("reason", "raw_value").rows() == [("row has no REF_AREA", "")]


@pytest.mark.parametrize(("action", "rejected"), [("I", False), ("A", False), ("R", False), ("M", False), ("D", True)])
def test_delete_action_is_rejected(action: str, rejected: bool) -> None:
    header = ["STRUCTURE", "STRUCTURE_ID", "ACTION", "REF_AREA", "FREQ", "TIME_PERIOD", "OBS_VALUE"]
    result = parse_sdmx_csv(csv_body([["dataflow", "X:Y(1.0)", action, "JPN", "A", "2020", "1"]], header))
    if rejected:
        assert result.rejected.select("reason", "raw_value").rows() == [("delete action not supported", "D")]
    else:
        assert result.observations.height == 1


# --- payload errors ------------------------------------------------------------------------------


def test_missing_required_columns_are_named() -> None:
    body = csv_body([["X", "JPN", "1"]], ["DATAFLOW", "REF_AREA", "VALUE"])
    with pytest.raises(PayloadError) as info:
        parse_sdmx_csv(body)
    assert str(info.value) == (
        "sdmx: missing required column(s): TIME_PERIOD, OBS_VALUE (id columns found: DATAFLOW, REF_AREA, VALUE)"
    )


def test_required_columns_are_case_sensitive() -> None:
    body = csv_body([["JPN", "A", "2020", "1"]], ["ref_area", "FREQ", "TIME_PERIOD", "OBS_VALUE"])
    with pytest.raises(PayloadError, match="missing required column"):
        parse_sdmx_csv(body)


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (b"", "body is empty"),
        (b"  \n\n", "body is empty"),
        (b"\xff\xfeR\x00E\x00", "not UTF-8"),
        (b"REF_AREA,TIME_PERIOD,OBS_VALUE\nJPN,2020,1,extra\n", "not readable CSV"),
        (b"<html><body>Service unavailable</body></html>", "missing required column"),
        (b"a\x00b", "NUL"),
    ],
)
def test_unreadable_payload_raises_payload_error(body: bytes, fragment: str) -> None:
    with pytest.raises(PayloadError) as info:
        parse_sdmx_csv(body)
    assert info.value.source == "sdmx"
    assert fragment in str(info.value)


# --- codelists -----------------------------------------------------------------------------------


def test_codelist_fixture() -> None:
    frame = parse_sdmx_codelist(fixture("oecd_tis_structure.xml"))
    assert frame.schema == pl.Schema(CODELIST_SCHEMA)
    assert frame.rows() == [
        ("CL_AREA", "JPN", "Japan"),
        ("CL_AREA", "W", "World"),
        ("CL_AREA", "XX", None),
        ("CL_BOP_ITEM", "S", "Services"),
        ("CL_BOP_ITEM", "SH", "Charges for the use of intellectual property n.i.e."),
    ]


def test_codelist_without_namespaces_or_with_other_prefixes() -> None:
    body = (
        b'<Structure><Structures><Codelists><Codelist id="CL_FREQ"><Code id="A"><Name xml:lang="en">Annual</Name>'
        b"</Code></Codelist></Codelists></Structures></Structure>"
    )
    assert parse_sdmx_codelist(body).rows() == [("CL_FREQ", "A", "Annual")]
    prefixed = (
        b'<m:Structure xmlns:m="urn:m" xmlns:s="urn:s" xmlns:c="urn:c"><s:Codelist id="CL_X">'
        b'<s:Code id="B"><c:Name xml:lang="en-GB">Balance</c:Name></s:Code></s:Codelist></m:Structure>'
    )
    assert parse_sdmx_codelist(prefixed).rows() == [("CL_X", "B", "Balance")]


def test_structure_without_codelists_is_empty() -> None:
    frame = parse_sdmx_codelist(b"<Structure><Header/></Structure>")
    assert frame.height == 0
    assert frame.schema == pl.Schema(CODELIST_SCHEMA)


def test_codelist_error_message_raises() -> None:
    with pytest.raises(PayloadError) as info:
        parse_sdmx_codelist(fixture("sdmx_error_message.xml"))
    assert str(info.value) == "sdmx: SDMX error message: No Results Found"


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<Structure><Codelist id="CL"><Code id="A"><Name xml:lang="en">&lol2;</Name></Code></Codelist></Structure>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE s [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Structure><Codelist id="CL"><Code id="A"><Name xml:lang="en">&xxe;</Name></Code></Codelist></Structure>"""


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (b"", "not well-formed XML"),
        (b"<Structure><Codelist>", "not well-formed XML"),
        (b"not xml at all", "not well-formed XML"),
        (b"<Data/>", "root element is Data, expected Structure"),
        (b'<Structure><Codelist><Code id="A"/></Codelist></Structure>', "Codelist has no id attribute"),
        (b'<Structure><Codelist id="CL"><Code/></Codelist></Structure>', "Code in CL has no id attribute"),
        (BILLION_LAUGHS, "DTD"),
        (EXTERNAL_ENTITY, "DTD"),
    ],
)
def test_bad_structure_messages_raise(body: bytes, fragment: str) -> None:
    with pytest.raises(PayloadError) as info:
        parse_sdmx_codelist(body)
    assert fragment in str(info.value)


# --- properties ----------------------------------------------------------------------------------



parse_or_payload_error = functools.partial(result_or_none, parse_sdmx_csv)


@PROPERTY_SETTINGS
@given(st.binary(max_size=400))
def test_any_bytes_parse_or_raise_payload_error(body: bytes) -> None:
    parse_or_payload_error(body)
    with contextlib.suppress(PayloadError):
        assert parse_sdmx_codelist(body).schema == pl.Schema(CODELIST_SCHEMA)


cells = st.sampled_from(["JPN", "2024", "2024-Q1", "12,5", "NaN", "#N/A", "6", "D", "A: x", "", '"', "\r"]) | st.text(
    max_size=6
)
header_cells = st.sampled_from(["REF_AREA", "TIME_PERIOD", "OBS_VALUE", "UNIT_MULT", "ACTION", "MEASURE", "OBS_STATUS"])


@PROPERTY_SETTINGS
@given(
    st.lists(header_cells | st.text(max_size=6), min_size=1, max_size=8),
    st.lists(st.lists(cells, max_size=9), max_size=6),
    st.sampled_from([",", ";"]),
)
def test_csv_like_text_parses_or_raises_payload_error(header: list[str], rows: list[list[str]], sep: str) -> None:
    text = "\n".join(sep.join(line) for line in [header, *rows])
    result = parse_or_payload_error(text.encode())
    if result is not None:
        assert result.rejected["reason"].null_count() == 0
        key = pl.struct("series_code", "area", "period")
        assert result.observations.select(key.is_unique().all()).item()


@PROPERTY_SETTINGS
@given(st.text(alphabet="<>/=\"' abcdeCodlistNmx:!-[]&;", max_size=200))
def test_xml_like_text_parses_or_raises_payload_error(text: str) -> None:
    with contextlib.suppress(PayloadError):
        assert parse_sdmx_codelist(text.encode()).schema == pl.Schema(CODELIST_SCHEMA)


periods = st.sampled_from(["2020", "2021-Q1", "2021Q2", "2021-03", "2021-M04", "2021-S1", "2022-12-31"])
numbers = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False).map(lambda x: round(x, 3))


@st.composite
def valid_files(draw: st.DrawFn) -> tuple[bytes, list[float | None]]:
    """A valid SDMX-CSV file (1.0 or 2.0, either separator, maybe labels) and the expected values."""
    version = draw(st.sampled_from(["1.0", "2.0"]))
    sep = draw(st.sampled_from([",", ";"]))
    labels = draw(st.booleans())
    keys = draw(
        st.lists(
            st.tuples(st.sampled_from(["JPN", "USA", "FRA"]), st.sampled_from(["S", "SH", "SI"]), periods),
            unique=True,
            max_size=20,
        )
    )
    lead = ["DATAFLOW"] if version == "1.0" else ["STRUCTURE", "STRUCTURE_ID", "ACTION"]
    header = [*lead, "REF_AREA", "MEASURE", "TIME_PERIOD", "OBS_VALUE", "UNIT_MULT", "OBS_STATUS"]
    if labels:
        header.insert(header.index("MEASURE") + 1, "Measure")
    rows, expected = [], []
    for area, measure, period in keys:
        number = draw(numbers | st.sampled_from(["NaN", "#N/A", ""]))
        mult = draw(st.integers(min_value=-3, max_value=9))
        if isinstance(number, float):
            text = f"{number:.3f}"
            if sep == ";" and draw(st.booleans()):
                text = text.replace(".", ",")
            expected.append(number * 10**mult if mult >= 0 else number / 10**-mult)
        else:
            text = number
            expected.append(None)
        lead_cells = ["AG:DF(1.0)"] if version == "1.0" else ["dataflow", "AG:DF(1.0)", "I"]
        measure_cell = f"{measure}: Label, with comma" if labels and version == "2.0" else measure
        cells_ = [*lead_cells, area, measure_cell, period, text, str(mult) if mult or draw(st.booleans()) else "", "A"]
        if labels:
            cells_.insert(header.index("Measure"), "Services label")
        rows.append(cells_)
    return csv_body(rows, header, sep), expected


@PROPERTY_SETTINGS
@given(valid_files())
def test_valid_files_round_trip(file: tuple[bytes, list[float | None]]) -> None:
    body, expected = file
    result = parse_sdmx_csv(body)
    assert_contract(result)
    assert result.rejected.height == 0
    assert result.observations.height == len(expected)
    for got, want in zip(result.observations["value"].to_list(), expected, strict=True):
        if want is None:
            assert got is None
        else:
            assert got == pytest.approx(want, rel=1e-12, abs=1e-12)
