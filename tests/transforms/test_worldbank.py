"""Tests for transforms.worldbank.parse_worldbank: recorded responses, every rule, properties."""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path
from typing import Any

import orjson
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.support.contracts import PROPERTY_SETTINGS, assert_contract, json_values, result_or_none
from transforms.errors import PayloadError
from transforms.worldbank import parse_worldbank

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "worldbank"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def row(**overrides: Any) -> dict[str, Any]:
    """One data row in the live v2 shape (Japan, ICT service exports)."""
    base = {
        "indicator": {"id": "BX.GSR.CCIS.CD", "value": "ICT service exports (BoP, current US$)"},
        "country": {"id": "JP", "value": "Japan"},
        "countryiso3code": "JPN",
        "date": "2014",
        "value": 12345.5,
        "unit": "",
        "obs_status": "",
        "decimal": 0,
    }
    return {**base, **overrides}


def page(rows: Any, *, page_no: Any = 1, pages: Any = 1, lastupdated: Any = "2026-07-13") -> bytes:
    meta = {"page": page_no, "pages": pages, "per_page": 50, "total": 8, "sourceid": "2", "lastupdated": lastupdated}
    return orjson.dumps([meta, rows])




# --- recorded responses --------------------------------------------------------------------------


def test_recorded_response_gives_one_observation_per_row() -> None:
    result = parse_worldbank(fixture("us_gnp_pcap_1990_1997.json"))
    assert_contract(result)
    assert result.rejected.height == 0
    assert result.next_page is None
    obs = result.observations
    assert obs["period"].to_list() == [str(year) for year in range(1997, 1989, -1)]
    assert obs["value"].to_list() == [31270.0, 30270.0, 29040.0, 27650.0, 26390.0, 25680.0, 24270.0, 24060.0]
    assert set(obs["series_code"]) == {"NY.GNP.PCAP.CD"}
    assert set(obs["area"]) == {"USA"}
    assert obs["unit"].null_count() == 8
    assert obs["obs_status"].null_count() == 8  # "" in the payload means no status
    assert set(obs["source_updated"]) == {dt.date(2020, 7, 1)}


def test_error_envelope_raises_with_id_key_and_value() -> None:
    with pytest.raises(PayloadError) as info:
        parse_worldbank(fixture("error_120_invalid_value.json"))
    assert info.value.source == "worldbank"
    text = str(info.value)
    assert "120" in text
    assert "Invalid value" in text
    assert "The provided parameter value is not valid" in text


def test_empty_response_is_an_empty_result() -> None:
    result = parse_worldbank(fixture("empty.json"))
    assert_contract(result)
    assert result.observations.height == 0
    assert result.rejected.height == 0
    assert result.next_page is None


# --- rows ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("date", "period"),
    [("2014", "2014"), ("2014Q1", "2014-Q1"), ("2014Q4", "2014-Q4"), ("2014M01", "2014-01"), ("2014M12", "2014-12")],
)
def test_date_becomes_canonical_period(date: str, period: str) -> None:
    result = parse_worldbank(page([row(date=date)]))
    assert result.observations["period"].to_list() == [period]


@pytest.mark.parametrize(
    "date", ["2014M13", "2014M00", "2014M1", "2014Q5", "2014Q0", "14", "2014-01", "", "YR2014", "2014S1"]
)
def test_date_that_is_not_a_period_is_rejected(date: str) -> None:
    result = parse_worldbank(page([row(date=date), row(date="2015")]))
    assert result.observations["period"].to_list() == ["2015"]
    assert result.rejected.to_dicts() == [
        {
            "series_code": "BX.GSR.CCIS.CD",
            "row_ref": "[1][0]",
            "reason": f"date '{date}' is not a YYYY, YYYYQn or YYYYMmm period",
            "raw_value": date,
        }
    ]


@pytest.mark.parametrize(("date", "text"), [(2014, "2014"), (None, "null"), (["2014"], '["2014"]')])
def test_date_that_is_not_a_string_is_rejected(date: Any, text: str) -> None:
    result = parse_worldbank(page([row(date=date)]))
    assert result.observations.height == 0
    assert result.rejected["reason"].to_list() == [f"date {text} is not a string"]
    assert result.rejected["raw_value"].to_list() == [text]


def test_empty_iso3_code_is_rejected_naming_the_country() -> None:
    kosovo = row(countryiso3code="", country={"id": "XK", "value": "Kosovo"})
    result = parse_worldbank(page([kosovo, row()]))
    assert result.observations["area"].to_list() == ["JPN"]
    assert result.rejected["reason"].to_list() == ["no ISO3 code for country Kosovo"]
    assert result.rejected["row_ref"].to_list() == ["[1][0]"]


def test_missing_iso3_code_falls_back_to_country_id_in_the_reason() -> None:
    unnamed = row(country={"id": "XK", "value": ""})
    del unnamed["countryiso3code"]
    result = parse_worldbank(page([unnamed]))
    assert result.rejected["reason"].to_list() == ["no ISO3 code for country XK"]


def test_null_value_is_missing_and_status_is_kept() -> None:
    result = parse_worldbank(page([row(value=None), row(date="2015", obs_status="E"), row(date="2016")]))
    assert result.observations["value"].to_list() == [None, 12345.5, 12345.5]
    assert result.observations["obs_status"].to_list() == ["missing", "E", None]
    assert result.rejected.height == 0


def test_null_value_is_missing_even_with_a_status() -> None:
    result = parse_worldbank(page([row(value=None, obs_status="E")]))
    assert result.observations["obs_status"].to_list() == ["missing"]


def test_integer_values_become_floats() -> None:
    result = parse_worldbank(page([row(value=31270)]))
    assert result.observations["value"].to_list() == [31270.0]


@pytest.mark.parametrize(("value", "text"), [("12.5", "12.5"), (True, "true"), ({"v": 1}, '{"v":1}'), ("", "")])
def test_value_that_is_not_a_number_is_rejected(value: Any, text: str) -> None:
    result = parse_worldbank(page([row(value=value), row(date="2015")]))
    assert result.observations["period"].to_list() == ["2015"]
    assert result.rejected.to_dicts() == [
        {
            "series_code": "BX.GSR.CCIS.CD",
            "row_ref": "[1][0]",
            "reason": f"value '{text}' is not a number",
            "raw_value": text,
        }
    ]


def test_row_that_is_not_an_object_is_rejected() -> None:
    result = parse_worldbank(page([row(), "oops", None]))
    assert result.observations.height == 1
    assert result.rejected["row_ref"].to_list() == ["[1][1]", "[1][2]"]
    assert result.rejected["reason"].to_list() == ["row is not an object"] * 2
    assert result.rejected["raw_value"].to_list() == ["oops", "null"]
    assert result.rejected["series_code"].null_count() == 2


@pytest.mark.parametrize("indicator", [None, {}, {"id": ""}, {"id": 7}, "BX.GSR.CCIS.CD"])
def test_row_without_indicator_id_is_rejected(indicator: Any) -> None:
    result = parse_worldbank(page([row(indicator=indicator)]))
    assert result.observations.height == 0
    assert result.rejected["reason"].to_list() == ["row has no indicator id"]


def test_duplicate_series_area_period_keeps_the_first() -> None:
    rows = [row(value=1.0), row(value=2.0), row(countryiso3code="USA", value=3.0), row(date="2015", value=4.0)]
    result = parse_worldbank(page(rows))
    assert result.observations.select("area", "period", "value").rows() == [
        ("JPN", "2014", 1.0),
        ("USA", "2014", 3.0),
        ("JPN", "2015", 4.0),
    ]
    assert result.rejected.select("row_ref", "reason", "raw_value").rows() == [("[1][1]", "duplicate", "2.0")]


def test_raw_value_is_truncated_to_200_chars() -> None:
    result = parse_worldbank(page([row(value="9" * 500)]))
    assert result.rejected["raw_value"].to_list() == ["9" * 200]


@pytest.mark.parametrize(
    ("lastupdated", "expected"),
    [("2026-07-13", dt.date(2026, 7, 13)), (None, None), ("2026-13-01", None), ("13/07/2026", None), (20260713, None)],
)
def test_source_updated_from_lastupdated(lastupdated: Any, expected: dt.date | None) -> None:
    result = parse_worldbank(page([row()], lastupdated=lastupdated))
    assert result.observations["source_updated"].to_list() == [expected]


# --- paging --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("page_no", "pages", "expected"),
    [(1, 3, 2), (2, 3, 3), (3, 3, None), (1, 1, None), (0, 0, None), ("1", "2", 2)],
)
def test_next_page_while_page_below_pages(page_no: Any, pages: Any, expected: int | None) -> None:
    assert parse_worldbank(page([row()], page_no=page_no, pages=pages)).next_page == expected


@pytest.mark.parametrize(("page_no", "pages"), [(None, 3), (1, None), (True, 3), (-1, 3), ("one", 3), (1.0, 3)])
def test_unreadable_paging_raises(page_no: Any, pages: Any) -> None:
    with pytest.raises(PayloadError, match="page/pages"):
        parse_worldbank(page([row()], page_no=page_no, pages=pages))


def test_null_rows_keep_paging() -> None:
    result = parse_worldbank(page(None, page_no=1, pages=2))
    assert result.observations.height == 0
    assert result.next_page == 2


# --- strict JSON: repeated keys and non-finite numbers (issue #13) ---------------------------------


@pytest.mark.parametrize(
    ("body", "where"),
    [
        (b'[{"page": 1, "pages": 1, "page": 2}, []]', "object [0]"),
        (b'[{"page": 1, "pages": 1}, [{"date": "2014", "value": 1, "value": 2}]]', "object [1][0]"),
        (b'[{"page": 1, "pages": 1}, [{"country": {"id": "JP", "id": "US"}}]]', "object [1][0].country"),
    ],
)
def test_a_repeated_key_rejects_the_page(body: bytes, where: str) -> None:
    with pytest.raises(PayloadError) as info:
        parse_worldbank(body)
    assert info.value.source == "worldbank"
    assert f"appears more than once in {where}" in str(info.value)


def test_recorded_response_with_a_repeated_value_key_is_not_half_read() -> None:
    body = fixture("us_gnp_pcap_1990_1997.json")
    doubled = body.replace(b'"value":31270', b'"value":31270,"value":1', 1)
    assert doubled != body
    with pytest.raises(PayloadError, match="key 'value' appears more than once in object \\[1\\]\\[0\\]"):
        parse_worldbank(doubled)


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e309", "-1E999"])
def test_one_non_finite_value_rejects_that_row_and_keeps_the_rest(literal: str) -> None:
    """#13.4 for the World Bank: a 1,000-row page with one bad literal keeps 999 rows."""
    rows = [row(date=str(1000 + i), value=float(i)) for i in range(1000)]
    rows[417]["value"] = "@@BAD@@"
    result = parse_worldbank(page(rows).replace(b'"@@BAD@@"', literal.encode()))
    assert_contract(result)
    assert result.observations.height == 999
    assert result.rejected.to_dicts() == [
        {
            "series_code": "BX.GSR.CCIS.CD",
            "row_ref": "[1][417]",
            "reason": f"value '{literal}' is not a finite number",
            "raw_value": literal,
        }
    ]
    assert result.observations["value"].is_finite().all()


def test_non_finite_literals_elsewhere_are_not_numbers_or_strings() -> None:
    body = page([row(date="@@BAD@@"), row(countryiso3code="@@BAD@@", date="2015"), "@@BAD@@", row(date="2016")])
    result = parse_worldbank(body.replace(b'"@@BAD@@"', b"NaN"))
    assert result.observations["period"].to_list() == ["2016"]
    assert result.rejected.select("row_ref", "reason", "raw_value").rows() == [
        ("[1][0]", "date NaN is not a string", "NaN"),
        ("[1][1]", "no ISO3 code for country Japan", "12345.5"),
        ("[1][2]", "row is not an object", "NaN"),
    ]


def test_non_finite_paging_raises_with_the_literal_quoted() -> None:
    with pytest.raises(PayloadError, match=r"page/pages: .*NaN"):
        parse_worldbank(page([row()], page_no="@@BAD@@").replace(b'"@@BAD@@"', b"NaN"))


# --- payload errors ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (b"", "not UTF-8 JSON"),
        (b"<html>", "not UTF-8 JSON"),
        (b"\xff\xfe[]", "not UTF-8 JSON"),
        (b'{"page": 1}', "top level is dict"),
        (b"[]", "expected [paging, rows]"),
        (b'[{"page": 1, "pages": 1}]', "expected [paging, rows]"),
        (b'[{"page": 1, "pages": 1}, [], []]', "expected [paging, rows]"),
        (b"[[], []]", "expected [paging, rows]"),
        (b'[{"page": 1, "pages": 1}, {"a": 1}]', "rows is dict"),
        (b'[{"message": "went wrong"}]', "World Bank API error went wrong"),
        (b'[{"message": []}]', "World Bank API error (no message)"),
    ],
)
def test_unreadable_payload_raises_payload_error(body: bytes, fragment: str) -> None:
    with pytest.raises(PayloadError) as info:
        parse_worldbank(body)
    assert info.value.source == "worldbank"
    assert fragment in str(info.value)


def test_error_envelope_with_several_messages_names_them_all() -> None:
    envelope = [
        {
            "message": [
                {"id": "120", "key": "Invalid value", "value": "The provided parameter value is not valid"},
                {"id": "175", "key": "Invalid format", "value": "The indicator was not found."},
            ]
        }
    ]
    with pytest.raises(PayloadError) as info:
        parse_worldbank(orjson.dumps(envelope))
    assert "120 Invalid value: The provided parameter value is not valid" in str(info.value)
    assert "175 Invalid format: The indicator was not found." in str(info.value)


# --- properties ----------------------------------------------------------------------------------




parse_or_payload_error = functools.partial(result_or_none, parse_worldbank)


@PROPERTY_SETTINGS
@given(st.binary(max_size=300))
def test_any_bytes_parse_or_raise_payload_error(body: bytes) -> None:
    parse_or_payload_error(body)


@PROPERTY_SETTINGS
@given(json_values)
def test_any_json_parses_or_raises_payload_error(doc: Any) -> None:
    parse_or_payload_error(orjson.dumps(doc))


NON_FINITE = ["NaN", "Infinity", "-Infinity", "1e309"]


def with_literals(body: bytes) -> bytes:
    """orjson cannot write NaN or 1e309: placeholders become those literals in the body."""
    for literal in NON_FINITE:
        body = body.replace(f'"@@{literal}@@"'.encode(), literal.encode())
    return body


fuzzed_rows = st.fixed_dictionaries(
    {
        "indicator": st.fixed_dictionaries({"id": st.sampled_from(["BX.GSR.CCIS.CD", ""]) | json_values}) | json_values,
        "country": st.fixed_dictionaries({"id": st.just("JP"), "value": st.just("Japan")}) | json_values,
        "countryiso3code": st.sampled_from(["JPN", "USA", ""]) | json_values,
        "date": st.sampled_from(["2014", "2014Q2", "2014M07", "2014M13"]) | json_values,
        "value": st.floats(allow_nan=False, allow_infinity=False)
        | json_values
        | st.sampled_from([f"@@{literal}@@" for literal in NON_FINITE]),
        "obs_status": st.sampled_from(["", "E"]) | json_values,
    }
)


@PROPERTY_SETTINGS
@given(
    st.fixed_dictionaries({"page": st.integers(0, 5) | json_values, "pages": st.integers(0, 5) | json_values}),
    st.lists(fuzzed_rows | json_values, max_size=8),
)
def test_fuzzed_pages_account_for_every_row(meta: dict[str, Any], rows: list[Any]) -> None:
    result = parse_or_payload_error(with_literals(orjson.dumps([meta, rows])))
    if result is not None:
        assert result.observations.height + result.rejected.height == len(rows)
        assert result.observations["value"].is_finite().fill_null(True).all()
        assert result.rejected["reason"].null_count() == 0
        key = pl.struct("series_code", "area", "period")
        assert result.observations.select(key.is_unique().all()).item()
