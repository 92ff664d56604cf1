"""Tests for transforms.sdmx: SDMX-CSV 1.0/2.x fixtures, every rule, codelists, and property tests."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import functools
import io
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.support.contracts import PROPERTY_SETTINGS, assert_contract, result_or_none
from transforms.contracts import OBSERVATION_SCHEMA, ParseResult
from transforms.errors import PayloadError
from transforms.iso3166 import ALPHA2_TO_ALPHA3, TWO_LETTER
from transforms.sdmx import CODELIST_SCHEMA, UNIT_MEASURES, SdmxOptions, parse_sdmx_codelist, parse_sdmx_csv

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
    result = parse_sdmx_csv(csv_body([row10()]), {"series_dims": ["UNIT_MEASURE", "MEASURE"]})
    assert one(result)["series_code"] == "USD_EXC.S"


def test_series_dims_missing_column_raises() -> None:
    with pytest.raises(PayloadError) as info:
        parse_sdmx_csv(csv_body([row10()]), {"series_dims": ["MEASURE", "COUNTERPART_AREA", "SECTOR"]})
    assert info.value.message.startswith("series_dims column(s) not in the file: COUNTERPART_AREA, SECTOR")


def test_no_dimension_columns_raises() -> None:
    body = csv_body([["JPN", "2020", "1"]], ["REF_AREA", "TIME_PERIOD", "OBS_VALUE"])
    with pytest.raises(PayloadError, match="no series dimension columns before OBS_VALUE; pass series_dims"):
        parse_sdmx_csv(body)
    assert one(parse_sdmx_csv(body, {"series_dims": ["REF_AREA"]}))["series_code"] == "JPN"


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


def test_column_ids_of_any_case_are_the_same_ids() -> None:
    body = csv_body([["JPN", "A", "2020", "1"]], ["ref_area", "freq", "time_period", "obs_value"])
    row = one(parse_sdmx_csv(body))
    assert (row["area"], row["series_code"], row["period"], row["value"]) == ("JPN", "A", "2020", 1.0)


def test_mixed_case_headers_are_label_columns_not_dimensions() -> None:
    header = ["DATAFLOW", "REF_AREA", "FREQ", "Frequency", "measure", "Measure", "TIME_PERIOD", "OBS_VALUE"]
    body = csv_body([["X:Y(1.0)", "JPN", "A", "Annual", "S", "Services", "2020", "1"]], header)
    assert one(parse_sdmx_csv(body))["series_code"] == "A.S"


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


# --- Eurostat: lower-case ids, area and partner dimensions, OBS_FLAG, LAST UPDATE ------------------

EUROSTAT = {
    "area_dimension": "geo",
    "partner_dimension": "partner",
    "status_column": "OBS_FLAG",
    "vintage_column": "LAST UPDATE",
    "area_codes": "alpha2",
    "series_dims": ["freq", "currency", "bop_item", "stk_flow"],
}


def test_eurostat_sdmx_csv_with_its_options() -> None:
    result = parse_sdmx_csv(fixture("eurostat_bop_its6_det_sdmx_csv10.csv"), EUROSTAT)
    assert list(result.observations.schema.items()) == [*OBSERVATION_SCHEMA.items(), ("counterpart_area", pl.String)]
    assert result.rejected.height == 0
    december, june = dt.date(2025, 12, 18), dt.date(2025, 6, 11)
    assert result.observations.rows() == [
        ("A.MIO_EUR.SH.CRE", "EU27_2020", "2023", pytest.approx(5012.3e6), "EUR", None, december, "JPN"),
        ("A.MIO_EUR.SH.CRE", "EU27_2020", "2024", pytest.approx(5290.8e6), "EUR", "p", december, "JPN"),
        ("A.MIO_EUR.SH.CRE", "EU27_2020", "2024", pytest.approx(61234.5e6), "EUR", "p", december, "USA"),
        ("A.MIO_EUR.SI.DEB", "EU27_2020", "2024", pytest.approx(2105.6e6), "EUR", None, december, "JPN"),
        ("A.MIO_EUR.SI.DEB", "GRC", "2024", None, "EUR", "c", december, "JPN"),  # confidential: no value
        ("A.MIO_EUR.SI.DEB", "GBR", "2019", pytest.approx(12.7e6), "EUR", None, june, "JPN"),
    ]


def test_eurostat_series_dims_are_found_without_the_option() -> None:
    """Found dimensions leave out the area, the partner and CURRENCY (a known attribute; its unit stays)."""
    options = {k: v for k, v in EUROSTAT.items() if k != "series_dims"}
    result = parse_sdmx_csv(fixture("eurostat_bop_its6_det_sdmx_csv10.csv"), options)
    assert result.observations["series_code"].unique(maintain_order=True).to_list() == ["A.SH.CRE", "A.SI.DEB"]
    assert result.observations["unit"].unique().to_list() == ["EUR"]


def test_eurostat_without_options_names_the_missing_area() -> None:
    with pytest.raises(PayloadError) as info:
        parse_sdmx_csv(fixture("eurostat_bop_its6_det_sdmx_csv10.csv"))
    assert info.value.message.startswith("missing required column(s): REF_AREA (id columns found: DATAFLOW, freq,")


def test_same_series_with_another_partner_is_not_a_duplicate() -> None:
    header = ["DATAFLOW", "freq", "partner", "geo", "TIME_PERIOD", "OBS_VALUE"]
    rows = [["X", "A", "JP", "EU27_2020", "2024", "1"], ["X", "A", "US", "EU27_2020", "2024", "2"],
            ["X", "A", "JP", "EU27_2020", "2024", "3"]]
    result = parse_sdmx_csv(csv_body(rows, header), {"area_dimension": "geo", "partner_dimension": "partner"})
    assert result.observations.select("counterpart_area", "value").rows() == [("JP", 1.0), ("US", 2.0)]
    assert result.rejected.select("row_ref", "reason").rows() == [("row 3", "duplicate")]


@pytest.mark.parametrize(
    ("code", "expected"),
    [("JP", "JPN"), ("EL", "GRC"), ("GR", "GRC"), ("UK", "GBR"), ("DE", "DEU"), ("XK", "XKX"),
     ("EU27_2020", "EU27_2020"), ("EA20", "EA20"), ("EXT_EU27_2020", "EXT_EU27_2020"), ("JPN", "JPN"), ("ZZ", "ZZ")],
)
def test_alpha2_area_codes_become_alpha3_and_aggregates_stay(code: str, expected: str) -> None:
    header = ["DATAFLOW", "freq", "partner", "geo", "TIME_PERIOD", "OBS_VALUE"]
    body = csv_body([["X", "A", code, code, "2024", "1"]], header)
    options = {"area_dimension": "geo", "partner_dimension": "partner", "area_codes": "alpha2"}
    row = one(parse_sdmx_csv(body, options))
    assert (row["area"], row["counterpart_area"]) == (expected, expected)
    assert one(parse_sdmx_csv(body, {**options, "area_codes": "as_given"}))["area"] == code


def test_iso3166_table_is_two_letters_to_three() -> None:
    assert len(ALPHA2_TO_ALPHA3) == 249
    assert all(len(a) == 2 and a.isupper() and len(b) == 3 and b.isupper() for a, b in TWO_LETTER.items())
    assert len(set(ALPHA2_TO_ALPHA3.values())) == 249  # one alpha-3 per country


def test_empty_partner_is_rejected() -> None:
    header = ["DATAFLOW", "freq", "partner", "geo", "TIME_PERIOD", "OBS_VALUE"]
    body = csv_body([["X", "A", "", "EU27_2020", "2024", "1"]], header)
    result = parse_sdmx_csv(body, {"area_dimension": "geo", "partner_dimension": "partner"})
    assert result.rejected.select("reason", "raw_value").rows() == [("row has no partner", "")]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("22/05/26 11:00:00", dt.date(2026, 5, 22)),
        ("01/10/26", dt.date(2026, 10, 1)),
        ("29/02/24 23:00", dt.date(2024, 2, 29)),
        ("2025-04-29", dt.date(2025, 4, 29)),
        ("2021-01-22T13:15:41Z", dt.date(2021, 1, 22)),
        ("2021-01-22T13:15:41+01:00", dt.date(2021, 1, 22)),
        ("", None),
    ],
)
def test_vintage_column_is_the_release_date(cell: str, expected: dt.date | None) -> None:
    header = ["DATAFLOW", "LAST UPDATE", "freq", "geo", "TIME_PERIOD", "OBS_VALUE"]
    body = csv_body([["X", cell, "A", "JP", "2024", "1"]], header)
    row = one(parse_sdmx_csv(body, {"area_dimension": "geo", "vintage_column": "last update"}))
    assert row["source_updated"] == expected


@pytest.mark.parametrize("cell", ["yesterday", "31/02/26 11:00:00", "2025/04/29", "22-05-26", "13/13/26"])
def test_unreadable_vintage_is_rejected(cell: str) -> None:
    header = ["DATAFLOW", "LAST UPDATE", "freq", "geo", "TIME_PERIOD", "OBS_VALUE"]
    body = csv_body([["X", cell, "A", "JP", "2024", "1"]], header)
    result = parse_sdmx_csv(body, {"area_dimension": "geo", "vintage_column": "LAST UPDATE"})
    assert result.rejected.select("reason", "raw_value").rows() == [(f"LAST UPDATE '{cell}' is not a date", cell)]


@pytest.mark.parametrize("option", ["vintage_column", "partner_dimension"])
def test_a_named_column_missing_from_the_file_raises(option: str) -> None:
    with pytest.raises(PayloadError, match=f"{option} 'NOPE' is not a column of the file"):
        parse_sdmx_csv(csv_body([row10()]), {option: "NOPE"})


@pytest.mark.parametrize(
    ("options", "fragment"),
    [({"area_codes": "iso"}, "area_codes"), ({"series_dims": "freq"}, "series_dims"), ({"area_dimension": ""},
     "area_dimension")],
)
def test_malformed_options_raise_value_error(options: dict, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        SdmxOptions.of(options)


@pytest.mark.parametrize(
    ("value", "flag", "expected"),
    [("12.5", "", (12.5e6, None)), ("12.5", "p", (12.5e6, "p")), ("", "c", (None, "c")), (":", "", (None, "missing")),
     ("", "", (None, "missing"))],
)
def test_obs_flag_is_the_status(value: str, flag: str, expected: tuple) -> None:
    header = ["DATAFLOW", "freq", "currency", "geo", "TIME_PERIOD", "OBS_VALUE", "OBS_FLAG", "OBS_STATUS"]
    body = csv_body([["X", "A", "MIO_EUR", "JP", "2024", value, flag, "E"]], header)
    row = one(parse_sdmx_csv(body, {"area_dimension": "geo", "status_column": "OBS_FLAG"}))
    assert (row["value"], row["obs_status"]) == (pytest.approx(expected[0]) if expected[0] else None, expected[1])


@pytest.mark.parametrize(
    ("currency", "unit_measure", "unit", "factor"),
    [("MIO_EUR", "", "EUR", 1e6), ("THS_USD", "", "USD", 1e3), ("BN_JPY", "", "JPY", 1e9), ("MIO_NAC", "", None, 1e6),
     ("", "MIO_EUR", "EUR", 1e6), ("", "BN_USD", "USD", 1e9), ("EUR", "", "EUR", 1.0)],
)
def test_scaled_unit_codes_scale_the_value(currency: str, unit_measure: str, unit: str | None, factor: float) -> None:
    header = ["DATAFLOW", "FREQ", "CURRENCY", "UNIT_MEASURE", "REF_AREA", "TIME_PERIOD", "OBS_VALUE", "UNIT_MULT"]
    body = csv_body([["X", "A", currency, unit_measure, "JPN", "2024", "2.5", "1"]], header)
    row = one(parse_sdmx_csv(body, {"series_dims": ["FREQ"]}))
    assert (row["unit"], row["value"]) == (unit, pytest.approx(2.5 * 10 * factor))


# --- "no records" answers ------------------------------------------------------------------------

SOAP_FAULT = (
    '<S:Fault xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><faultcode>{code}</faultcode>'
    "<faultstring>{text}</faultstring></S:Fault>"
)


def test_no_records_found_is_an_empty_result_with_a_note() -> None:
    result = parse_sdmx_csv(b"NoRecordsFound")
    assert_contract(result)
    assert (result.observations.height, result.rejected.height, result.next_page) == (0, 0, None)
    assert result.notes == ("no records: the provider answered 'NoRecordsFound' (the query matched no data)",)


@pytest.mark.parametrize(
    "body",
    [
        b"NoResultsFound",
        b"No Results Found\n",
        b"\xef\xbb\xbfNoRecordsFound\r\n",
        b"no records found.",
        fixture("sdmx_error_message.xml"),
        SOAP_FAULT.format(code="100", text="NO_RESULTS_FOUND: No Results Found").encode(),
        SOAP_FAULT.format(code="S:100", text="No results").encode(),
    ],
)
def test_every_no_records_form_is_an_empty_result(body: bytes) -> None:
    result = parse_sdmx_csv(body, {"partner_dimension": "partner"})
    assert result.observations.height == 0 and result.rejected.height == 0
    assert "counterpart_area" in result.observations.columns  # the shape a partner-aware parse gives
    assert len(result.notes) == 1 and result.notes[0].startswith("no records: the provider answered")


def test_another_sdmx_error_code_raises_with_the_message() -> None:
    body = SOAP_FAULT.format(code="150", text="INVALID_QUERY_DIMENSION_VALUE: GEO=EU27.").encode()
    with pytest.raises(PayloadError) as info:
        parse_sdmx_csv(body)
    assert info.value.message == "SDMX error 150: INVALID_QUERY_DIMENSION_VALUE: GEO=EU27."


def test_an_error_message_with_an_entity_is_refused() -> None:
    body = (b'<?xml version="1.0"?><!DOCTYPE e [<!ENTITY x "100">]><Error><ErrorMessage code="&x;"/></Error>')
    with pytest.raises(PayloadError, match="DTD"):
        parse_sdmx_csv(body)


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


INJECTED = """<?xml version="1.0" encoding="{encoding}"?>
<!DOCTYPE Structure [<!ENTITY j "INJECTED-Japan">]>
<Structure><Codelist id="CL_AREA"><Code id="JPN"><Name xml:lang="en">&j;</Name></Code></Codelist></Structure>"""
PLAIN = """<?xml version="1.0" encoding="{encoding}"?>
<Structure><Codelist id="CL_AREA"><Code id="JPN"><Name xml:lang="en">Japan</Name></Code></Codelist></Structure>"""


@pytest.mark.parametrize(("codec", "declared"), [("utf-16", "UTF-16"), ("utf-16-be", "UTF-16"),
                                                 ("utf-16-le", "UTF-16"), ("utf-8-sig", "UTF-8")])
def test_entities_are_refused_in_every_encoding(codec: str, declared: str) -> None:
    """A byte search for ``<!DOCTYPE`` misses UTF-16 (every character is two bytes): the parser refuses."""
    body = INJECTED.format(encoding=declared).encode(codec)
    assert b"<!DOCTYPE" not in body or codec == "utf-8-sig"
    with pytest.raises(PayloadError) as info:
        parse_sdmx_codelist(body)
    assert "DTD" in info.value.message and "INJECTED-Japan" not in info.value.message
    with pytest.raises(PayloadError, match="DTD"):
        parse_sdmx_csv(body if codec == "utf-8-sig" else INJECTED.format(encoding="UTF-8").encode())


def test_an_encoding_the_parser_cannot_read_is_refused_too() -> None:
    with pytest.raises(PayloadError, match="not well-formed") as info:
        parse_sdmx_codelist(INJECTED.format(encoding="UTF-32").encode("utf-32"))
    assert "INJECTED-Japan" not in info.value.message


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-8"])
def test_the_same_document_without_a_dtd_reads_in_that_encoding(codec: str) -> None:
    body = PLAIN.format(encoding="UTF-8" if codec == "utf-8" else "UTF-16").encode(codec)
    assert parse_sdmx_codelist(body).rows() == [("CL_AREA", "JPN", "Japan")]


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


@PROPERTY_SETTINGS
@given(valid_files())
def test_lower_case_ids_read_the_same(file: tuple[bytes, list[float | None]]) -> None:
    body, _ = file
    header, rest = body.decode().split("\n", 1)
    sep = ";" if header.count(";") > header.count(",") else ","
    lowered = sep.join(cell.lower() if cell == cell.upper() else cell for cell in header.split(sep))
    assert parse_sdmx_csv(f"{lowered}\n{rest}".encode()).observations.equals(parse_sdmx_csv(body).observations)


eurostat_headers = st.sampled_from(
    ["DATAFLOW", "LAST UPDATE", "freq", "currency", "partner", "geo", "TIME_PERIOD", "OBS_VALUE", "OBS_FLAG"]
)
eurostat_cells = st.sampled_from(
    ["ESTAT:X(1.0)", "18/12/25 23:00:00", "31/02/25", "A", "MIO_EUR", "JP", "EL", "EU27_2020", "2024", "1.5", ":", "p",
     "", "c"]
) | st.text(max_size=6)


@PROPERTY_SETTINGS
@given(st.lists(eurostat_headers, min_size=1, max_size=10), st.lists(st.lists(eurostat_cells, max_size=10), max_size=6))
def test_eurostat_like_text_parses_or_raises_payload_error(header: list[str], rows: list[list[str]]) -> None:
    text = "\n".join(",".join(line) for line in [header, *rows])
    options = {k: v for k, v in EUROSTAT.items() if k != "series_dims"}
    result = result_or_none(parse_sdmx_csv, text.encode(), options=options)
    if result is not None and result.observations.height:
        key = pl.struct("series_code", "area", "counterpart_area", "period")
        assert result.observations.select(key.is_unique().all()).item()
        assert result.observations["area"].str.len_chars().ne(2).all()  # two-letter countries became alpha-3


@PROPERTY_SETTINGS
@given(st.lists(st.tuples(st.sampled_from(["JP", "US", "EL", "EU27_2020"]), st.sampled_from(["SI", "SH"]),
                          st.sampled_from(["2023", "2024"]), numbers), max_size=12))
def test_eurostat_files_keep_one_row_per_key(rows: list[tuple[str, str, str, float]]) -> None:
    body = csv_body(
        [["ESTAT:BOP_ITS6_DET(1.0)", "18/12/25 23:00:00", "A", "MIO_EUR", item, "CRE", partner, "EU27_2020", year,
          f"{value:.3f}", "", ""] for partner, item, year, value in rows],
        ["DATAFLOW", "LAST UPDATE", "freq", "currency", "bop_item", "stk_flow", "partner", "geo", "TIME_PERIOD",
         "OBS_VALUE", "OBS_FLAG", "CONF_STATUS"],
    )
    result = parse_sdmx_csv(body, EUROSTAT)
    assert_contract(result)
    distinct = len({(p, i, y) for p, i, y, _ in rows})
    assert (result.observations.height, result.rejected.height) == (distinct, len(rows) - distinct)
    assert set(result.observations["source_updated"]) <= {dt.date(2025, 12, 18)}
