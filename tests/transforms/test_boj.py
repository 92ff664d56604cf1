"""Tests for transforms.boj.parse_boj: real-shaped fixtures, every rule, and property tests."""

from __future__ import annotations

import datetime as dt
import functools
import re
import time
from pathlib import Path
from typing import Any

import orjson
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.support.contracts import PROPERTY_SETTINGS, assert_contract, json_values, result_or_none
from transforms.boj import parse_boj
from transforms.contracts import ParseResult
from transforms.errors import PayloadError

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "boj"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def series(
    code: str = "BPBP6JYNSC907",
    dates: list[Any] | None = None,
    values: list[Any] | None = None,
    *,
    unit: Any = "100 million Yen",
    unit_key: str = "UNIT",
    frequency: Any = "MONTHLY",
    last_update: Any = 20260209,
) -> dict[str, Any]:
    """One RESULTSET entry in the live lang=en shape."""
    return {
        "SERIES_CODE": code,
        "NAME_OF_TIME_SERIES": "test series",
        unit_key: unit,
        "FREQUENCY": frequency,
        "CATEGORY": "test",
        "LAST_UPDATE": last_update,
        "VALUES": {
            "SURVEY_DATES": [201401, 201402] if dates is None else dates,
            "VALUES": [1.0, 2.0] if values is None else values,
        },
    }


def payload(*entries: dict[str, Any], next_position: Any = None) -> bytes:
    return orjson.dumps(
        {
            "STATUS": 200,
            "MESSAGEID": "M181000I",
            "MESSAGE": "Successfully completed",
            "DATE": "2026-02-21T15:58:56.071+09:00",
            "PARAMETER": {"FORMAT": "JSON", "LANG": "EN", "DB": "BP01"},
            "NEXTPOSITION": next_position,
            "RESULTSET": list(entries),
        }
    )




def obs_by_period(result: ParseResult, code: str) -> dict[str, dict[str, Any]]:
    rows = result.observations.filter(pl.col("series_code") == code).to_dicts()
    return {row["period"]: row for row in rows}


# --- real-shaped fixtures ------------------------------------------------------------------------


def test_bp01_fixture_scales_oku_yen_to_yen() -> None:
    result = parse_boj(fixture("getdatacode_bp01_en.json"))
    assert_contract(result)
    assert result.rejected.height == 0
    assert result.next_page is None
    assert result.observations.height == 8
    credit = obs_by_period(result, "BPBP6JYNSC907")
    assert list(credit) == ["2013-11", "2013-12", "2014-01", "2014-02"]
    assert credit["2014-01"]["value"] == 398 * 1e8
    assert credit["2014-02"]["value"] == 437.5 * 1e8
    assert {row["unit"] for row in credit.values()} == {"JPY"}
    assert set(result.observations["area"]) == {"JPN"}
    assert set(result.observations["source_updated"]) == {dt.date(2026, 2, 9)}


def test_bp01_fixture_nulls_before_series_start_are_missing() -> None:
    net = obs_by_period(parse_boj(fixture("getdatacode_bp01_en.json")), "BPBP6JYNSN9072")
    assert net["2013-11"]["value"] is None
    assert net["2013-11"]["obs_status"] == "missing"
    assert net["2014-01"]["value"] == -1021 * 1e8
    assert net["2014-01"]["obs_status"] is None


def test_fm08_jp_fixture_keeps_exchange_rate_unscaled() -> None:
    result = parse_boj(fixture("getdatacode_fm08_jp.json"))
    assert_contract(result)
    fx = obs_by_period(result, "FXERM07")
    assert fx["2024-01"]["value"] == 146.59
    assert fx["2024-01"]["unit"] == "JPY per USD"
    assert fx["2024-01"]["source_updated"] == dt.date(2026, 2, 4)
    assert result.rejected.height == 0


def test_error_fixture_raises_with_status_id_and_message() -> None:
    with pytest.raises(PayloadError) as info:
        parse_boj(fixture("error_m181013e.json"))
    assert info.value.source == "boj"
    text = str(info.value)
    assert "BOJ API error 400 M181013E" in text
    assert "指定した系列コードは存在しません" in text


def test_no_data_fixture_is_an_empty_result() -> None:
    result = parse_boj(fixture("nodata_m181030i.json"))
    assert_contract(result)
    assert result.observations.height == 0
    assert result.rejected.height == 0
    assert result.next_page is None


def test_no_data_message_needs_no_resultset() -> None:
    body = orjson.dumps({"STATUS": 200, "MESSAGEID": "M181030I", "MESSAGE": "no data"})
    result = parse_boj(body)
    assert result.observations.height == 0
    assert result.rejected.height == 0


def test_lang_jp_tankan_answer_reads_percent_points() -> None:
    """A real lang=jp getDataCode answer (CO): only UNIT_J, with the unit %ポイント."""
    result = parse_boj(fixture("getdatacode_co_jp.json"))
    assert_contract(result)
    assert result.rejected.height == 0
    assert result.next_page is None
    manufacturing = obs_by_period(result, "TK99F1000601GCQ01000")
    assert list(manufacturing) == ["2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4", "2025-Q1", "2025-Q2", "2025-Q3",
                                   "2025-Q4"]
    assert [row["value"] for row in manufacturing.values()] == [11, 13, 13, 14, 12, 13, 14, 15]
    assert obs_by_period(result, "TK99F2000601GCQ01000")["2025-Q4"]["value"] == 34
    assert set(result.observations["unit"]) == {"pp"}
    assert set(result.observations["source_updated"]) == {dt.date(2025, 12, 16)}


def test_get_data_layer_page_of_md10_parses_with_its_units_and_next_position() -> None:
    """A real getDataLayer page (MD10, frequency=q): lower-case "100 million yen" and "100 cases"."""
    result = parse_boj(fixture("getdatalayer_md10_en.json"))
    assert_contract(result)
    assert result.rejected.height == 0
    assert result.next_page == 255
    deposits = obs_by_period(result, "DLDDLKY45090_DLDD3DBTTL")
    assert len(deposits) == 11
    assert deposits["2025-Q3"]["value"] == 10013142 * 1e8
    assert deposits["2025-Q3"]["unit"] == "JPY"
    assert deposits["2025-Q2"]["value"] == 0  # a quarter without a survey, as the BOJ sends it
    accounts = obs_by_period(result, "DLDDLKY45590_DLDD3DBTTL6Q")
    assert accounts["2023-Q1"]["value"] == 15046 * 100
    assert accounts["2023-Q1"]["unit"] == "count"
    assert set(result.observations["source_updated"]) == {dt.date(2025, 11, 12)}


# --- units -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("unit", "unit_key", "canonical", "factor"),
    [
        ("100 million Yen", "UNIT", "JPY", 1e8),
        ("億円", "UNIT_J", "JPY", 1e8),
        ("Yen per U.S. Dollar", "UNIT", "JPY per USD", 1.0),
        ("1ドルにつき円", "UNIT_J", "JPY per USD", 1.0),
        ("100 million yen", "UNIT", "JPY", 1e8),
        ("Billion Yen", "UNIT", "JPY", 1e9),
        ("十億円", "UNIT_J", "JPY", 1e9),
        ("￥／＄", "UNIT_J", "JPY per USD", 1.0),
        ("Million U.S. Dollars", "UNIT", "USD", 1e6),
        ("Yen per 100 Won", "UNIT", "JPY per KRW", 0.01),
        ("％", "UNIT_J", "percent", 1.0),
        ("年％", "UNIT_J", "percent per annum", 1.0),
        ("%ポイント", "UNIT_J", "pp", 1.0),
        ("100 cases", "UNIT", "count", 100.0),
        ("Jan.4.1999=100", "UNIT", "index (1999-01-04=100)", 1.0),
        ("", "UNIT", "dimensionless", 1.0),
    ],
)
def test_units_map_to_canonical_and_scale(unit: str, unit_key: str, canonical: str, factor: float) -> None:
    result = parse_boj(payload(series(values=[12.5, -3], unit=unit, unit_key=unit_key)))
    assert result.observations["unit"].to_list() == [canonical, canonical]
    assert result.observations["value"].to_list() == [12.5 * factor, -3 * factor]


def test_jp_body_with_both_unit_fields_uses_the_known_label() -> None:
    entry = series(values=[2.0, 3.0], unit="100 million yen (typo)")
    entry["UNIT_J"] = "億円"
    result = parse_boj(payload(entry))
    assert result.observations["value"].to_list() == [2e8, 3e8]


def test_a_stated_label_wins_over_an_empty_one() -> None:
    entry = series(values=[2.0, 3.0], unit="")
    entry["UNIT_J"] = "億円"
    result = parse_boj(payload(entry))
    assert result.observations["unit"].to_list() == ["JPY", "JPY"]
    assert result.observations["value"].to_list() == [2e8, 3e8]


def test_labels_that_state_different_units_reject_the_series() -> None:
    """FM08's FXAR@02 is labelled "Euro per U.S. Dollar" but 1ユーロにつきドル: which is meant is unknown."""
    entry = series("FXAR@02", values=[1.1, 1.2], unit="Euro per U.S. Dollar")
    entry["UNIT_J"] = "1ユーロにつきドル"
    result = parse_boj(payload(entry, series("FXERM07", unit="Yen per U.S. Dollar")))
    assert result.observations["series_code"].to_list() == ["FXERM07", "FXERM07"]
    assert result.rejected["reason"].to_list() == [
        "unit labels disagree: UNIT 'Euro per U.S. Dollar' and UNIT_J '1ユーロにつきドル'"
    ] * 2


def test_units_option_reads_a_label_the_rules_do_not() -> None:
    body = payload(series(values=[3.0, 4.0], unit="Number of Banks"))
    assert parse_boj(body).rejected["reason"].to_list() == ["unknown unit 'Number of Banks'"] * 2
    result = parse_boj(body, {"units": {"number of banks": ["count", 1]}, "base_url": "ignored"})
    assert result.observations["unit"].to_list() == ["count", "count"]
    assert result.observations["value"].to_list() == [3.0, 4.0]


@pytest.mark.parametrize(
    "units", [["count", 1], {"x": "count"}, {"x": ["count"]}, {"x": ["", 1]}, {"x": ["count", 0]}, {"x": ["c", True]},
              {"x": ["c", float("inf")]}]
)
def test_malformed_units_option_raises_value_error(units: Any) -> None:
    with pytest.raises(ValueError, match="boj option"):
        parse_boj(payload(series()), {"units": units})


def test_options_none_and_empty_are_the_default() -> None:
    body = fixture("getdatacode_bp01_en.json")
    assert parse_boj(body, None).observations.equals(parse_boj(body, {}).observations)


@pytest.mark.parametrize(
    ("unit", "named"),
    [("furlongs", "'furlongs'"), ("Yen per Zorkmid", "'Yen per Zorkmid'"), (None, "None"), (7, "None")],
)
def test_unknown_unit_rejects_every_row_of_that_series(unit: Any, named: str) -> None:
    good = series("FXERM07", unit="Yen per U.S. Dollar")
    result = parse_boj(payload(series("BAD", values=[1.0, None], unit=unit), good))
    assert result.observations["series_code"].to_list() == ["FXERM07", "FXERM07"]
    assert result.rejected["series_code"].to_list() == ["BAD", "BAD"]
    assert result.rejected["row_ref"].to_list() == ["RESULTSET[0].VALUES[0]", "RESULTSET[0].VALUES[1]"]
    assert result.rejected["reason"].to_list() == [f"unknown unit {named}"] * 2


# --- periods -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("frequency", "date", "period"),
    [
        ("MONTHLY", 201401, "2014-01"),
        ("MONTHLY", 201412, "2014-12"),
        ("QUARTERLY", 201402, "2014-Q2"),
        ("QUARTERLY", 201404, "2014-Q4"),
        ("ANNUAL", 2014, "2014"),
        ("ANNUAL(MAR)", 2014, "FY2014"),
        ("SEMIANNUAL", 201402, "2014-S2"),
        ("SEMI-ANNUAL", 201401, "2014-S1"),
        ("DAILY", 20140105, "2014-01-05"),
        ("WEEKLY", 20140105, "2014-01-05"),
        ("WEEKLY(MONDAY)", 20140106, "2014-01-06"),
        ("DAILY", 20240229, "2024-02-29"),
        ("monthly", 201401, "2014-01"),
    ],
)
def test_period_from_frequency_and_survey_date(frequency: str, date: int, period: str) -> None:
    result = parse_boj(payload(series(dates=[date], values=[1.0], frequency=frequency)))
    assert result.rejected.height == 0
    assert result.observations["period"].to_list() == [period]


@pytest.mark.parametrize(
    ("frequency", "date"),
    [
        ("MONTHLY", 201413),
        ("MONTHLY", 201400),
        ("MONTHLY", 20141),
        ("MONTHLY", 20140101),
        ("MONTHLY", -201401),
        ("QUARTERLY", 201405),
        ("QUARTERLY", 2014),
        ("ANNUAL", 201401),
        ("ANNUAL(MAR)", 14),
        ("SEMIANNUAL", 201403),
        ("DAILY", 20140230),
        ("DAILY", 2014010),
        ("WEEKLY", 201401),
        ("MONTHLY", "201401"),
        ("MONTHLY", 201401.0),
        ("MONTHLY", None),
        ("MONTHLY", True),
        ("MONTHLY", 2**64 - 1),
    ],
)
def test_invalid_survey_date_is_rejected_not_raised(frequency: str, date: Any) -> None:
    valid = {"ANNUAL": 2014, "ANNUAL(MAR)": 2014, "DAILY": 20140105, "WEEKLY": 20140105}.get(frequency, 201401)
    result = parse_boj(payload(series(dates=[date, valid], frequency=frequency)))
    assert result.observations.height == 1  # the valid second point still goes through
    (row,) = result.rejected.to_dicts()
    assert row["row_ref"] == "RESULTSET[0].SURVEY_DATES[0]"
    assert row["reason"].startswith("survey date ")
    assert f"is not a valid {frequency.upper()} date" in row["reason"]
    assert row["raw_value"] == (date if isinstance(date, str) else orjson.dumps(date).decode())


@pytest.mark.parametrize("frequency", ["SEMIANNUAL(SEP)", "HOURLY", None, ""])
def test_unknown_frequency_rejects_the_series(frequency: Any) -> None:
    result = parse_boj(payload(series(frequency=frequency)))
    assert result.observations.height == 0
    assert result.rejected["reason"].to_list() == [f"unknown frequency {frequency!r}"] * 2


# --- values ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "text"),
    [("abc", "abc"), (True, "true"), (False, "false"), ({"a": 1}, '{"a":1}'), ([1, 2], "[1,2]"), ("", "")],
)
def test_value_that_is_not_a_number_is_rejected(raw: Any, text: str) -> None:
    result = parse_boj(payload(series(dates=[201401, 201402, 201403], values=[1.0, raw, 3.0])))
    assert result.observations["period"].to_list() == ["2014-01", "2014-03"]
    assert result.rejected.to_dicts() == [
        {
            "series_code": "BPBP6JYNSC907",
            "row_ref": "RESULTSET[0].VALUES[1]",
            "reason": f"value '{text}' is not a number",
            "raw_value": text,
        }
    ]


def test_row_ref_counts_series_and_positions() -> None:
    entries = [series("A"), series("B"), series("C", dates=[201401, 201402, 201403], values=[1, 2, "x"])]
    result = parse_boj(payload(*entries))
    assert result.rejected["row_ref"].to_list() == ["RESULTSET[2].VALUES[2]"]


def test_raw_value_is_truncated_to_200_chars() -> None:
    long = "x" * 500
    result = parse_boj(payload(series(values=[long, 1.0])))
    (row,) = result.rejected.to_dicts()
    assert row["raw_value"] == "x" * 200
    assert len(row["reason"]) < 100


def test_integer_values_are_scaled_too() -> None:
    result = parse_boj(payload(series(values=[3, -4])))
    assert result.observations["value"].to_list() == [3e8, -4e8]


def test_value_that_overflows_when_scaled_is_rejected() -> None:
    result = parse_boj(payload(series(values=[1e301, 1.0])))
    assert result.observations["period"].to_list() == ["2014-02"]
    assert "overflows" in result.rejected["reason"][0]


def test_all_null_series_gives_missing_rows() -> None:
    result = parse_boj(payload(series(values=[None, None])))
    assert result.observations["obs_status"].to_list() == ["missing", "missing"]
    assert result.observations["value"].null_count() == 2


# --- alignment and duplicates ------------------------------------------------------------------


def test_more_values_than_dates_rejects_the_extra_values() -> None:
    result = parse_boj(payload(series(dates=[201401], values=[1.0, 2.0, None])))
    assert result.observations["period"].to_list() == ["2014-01"]
    assert result.rejected["row_ref"].to_list() == ["RESULTSET[0].VALUES[1]", "RESULTSET[0].VALUES[2]"]
    assert result.rejected["raw_value"].to_list() == ["2.0", "null"]
    assert set(result.rejected["reason"]) == {"no survey date for value"}


def test_more_dates_than_values_rejects_the_extra_dates() -> None:
    result = parse_boj(payload(series(dates=[201401, 201402, 201403], values=[1.0])))
    assert result.observations.height == 1
    assert result.rejected["row_ref"].to_list() == [
        "RESULTSET[0].SURVEY_DATES[1]",
        "RESULTSET[0].SURVEY_DATES[2]",
    ]
    assert result.rejected["raw_value"].to_list() == ["201402", "201403"]


def test_duplicate_period_keeps_first_and_rejects_the_rest() -> None:
    result = parse_boj(payload(series(dates=[201401, 201402, 201401, 201401], values=[1.0, 2.0, 3.0, 4.0])))
    assert result.observations["value"].to_list() == [1e8, 2e8]
    assert result.rejected["reason"].to_list() == ["duplicate", "duplicate"]
    assert result.rejected["row_ref"].to_list() == ["RESULTSET[0].VALUES[2]", "RESULTSET[0].VALUES[3]"]


def test_duplicate_across_entries_of_the_same_code() -> None:
    result = parse_boj(payload(series("A", values=[1.0, 2.0]), series("A", values=[5.0, 6.0]), series("B")))
    assert obs_by_period(result, "A")["2014-01"]["value"] == 1e8
    assert result.rejected["row_ref"].to_list() == ["RESULTSET[1].VALUES[0]", "RESULTSET[1].VALUES[1]"]
    assert obs_by_period(result, "B")["2014-01"]["value"] == 1e8  # same period, other code: not a duplicate


def test_a_bad_first_value_does_not_shadow_a_good_duplicate() -> None:
    result = parse_boj(payload(series(dates=[201401, 201401], values=["abc", 2.0])))
    assert result.observations["value"].to_list() == [2e8]
    assert result.rejected["reason"].to_list() == ["value 'abc' is not a number"]


# --- paging and metadata -------------------------------------------------------------------------


@pytest.mark.parametrize(("position", "expected"), [(251, 251), (1, 1), (None, None), ("251", None), (True, None)])
def test_next_page_is_nextposition_when_int(position: Any, expected: int | None) -> None:
    assert parse_boj(payload(series(), next_position=position)).next_page == expected


@pytest.mark.parametrize(
    ("last_update", "expected"),
    [(20260209, dt.date(2026, 2, 9)), ("20260209", dt.date(2026, 2, 9)), (20261301, None), ("abc", None), (None, None)],
)
def test_source_updated_from_last_update(last_update: Any, expected: dt.date | None) -> None:
    result = parse_boj(payload(series(last_update=last_update)))
    assert result.observations["source_updated"].to_list() == [expected, expected]


def test_missing_last_update_gives_null() -> None:
    entry = series()
    del entry["LAST_UPDATE"]
    assert parse_boj(payload(entry)).observations["source_updated"].null_count() == 2


def test_series_without_values_object_has_no_points() -> None:
    entry = series()
    entry["VALUES"] = None
    result = parse_boj(payload(entry, series("B")))
    assert result.observations["series_code"].to_list() == ["B", "B"]
    assert result.rejected.height == 0


def test_empty_resultset_is_an_empty_result() -> None:
    result = parse_boj(payload())
    assert_contract(result)
    assert result.observations.height == 0


# --- strict JSON: repeated keys and non-finite numbers (issue #13) ---------------------------------


def test_a_series_with_two_values_keys_is_rejected_whole_not_half_read() -> None:
    """The attack of #13.3: the second VALUES silently replaced the first, 143 points vanished."""
    body = fixture("getdatacode_bp01_en.json")
    first = body.index(b'"VALUES": {')
    doubled = body[:first] + b'"VALUES": {"SURVEY_DATES": [201311], "VALUES": [999]},\n   ' + body[first:]
    with pytest.raises(PayloadError) as info:
        parse_boj(doubled)
    assert info.value.source == "boj"
    assert "key 'VALUES' appears more than once in object RESULTSET[0]" in str(info.value)


@pytest.mark.parametrize(
    ("body", "where"),
    [
        (b'{"STATUS": 200, "RESULTSET": [], "RESULTSET": []}', "the top-level object"),
        (b'{"STATUS": 200, "STATUS": 400, "RESULTSET": []}', "the top-level object"),
        (
            b'{"STATUS": 200, "RESULTSET": [{"SERIES_CODE": "A", "VALUES": {"VALUES": [1], "VALUES": [2]}}]}',
            "object RESULTSET[0].VALUES",
        ),
    ],
)
def test_any_repeated_key_rejects_the_body(body: bytes, where: str) -> None:
    with pytest.raises(PayloadError, match=f"appears more than once in {re.escape(where)}"):
        parse_boj(body)


def bp01_sized_body(bad: str | None = None, at: int = 0) -> bytes:
    """27 series x 128 months = 3,456 points, as many as the attacked BP01 body; `bad` replaces point `at`."""
    dates = [100 * (2014 + m // 12) + m % 12 + 1 for m in range(128)]
    entries = [series(f"BPBP6JYNS{i:04d}", dates, [float(i * 128 + m) for m in range(128)]) for i in range(27)]
    entries[at // 128]["VALUES"]["VALUES"][at % 128] = "@@BAD@@"
    body = payload(*entries)
    return body.replace(b'"@@BAD@@"', (bad or "1.0").encode())


@pytest.mark.parametrize("literal", ["1e309", "-1e309", "NaN", "Infinity", "-Infinity", "1E400", "9" * 400])
def test_one_non_finite_literal_quarantines_that_point_and_keeps_the_rest(literal: str) -> None:
    """The attack of #13.4: one such literal used to fail the whole source, dropping 3,456 rows."""
    result = parse_boj(bp01_sized_body(literal, at=1000))
    assert_contract(result)
    assert result.observations.height == 3455
    (row,) = result.rejected.to_dicts()
    assert row == {
        "series_code": "BPBP6JYNS0007",
        "row_ref": "RESULTSET[7].VALUES[104]",
        "reason": f"value '{literal[:50]}' is not a finite number",
        "raw_value": literal[:200],
    }
    assert result.observations["value"].is_finite().all()


def test_non_finite_survey_date_is_a_bad_date() -> None:
    body = payload(series(dates=["@@BAD@@", 201402])).replace(b'"@@BAD@@"', b"NaN")
    result = parse_boj(body)
    assert result.observations["period"].to_list() == ["2014-02"]
    assert result.rejected["reason"].to_list() == ["survey date 'NaN' is not a valid MONTHLY date"]


def test_non_finite_values_beyond_the_dates_are_quoted_as_written() -> None:
    body = payload(series(dates=[201401], values=[1.0, "@@BAD@@"])).replace(b'"@@BAD@@"', b"-Infinity")
    result = parse_boj(body)
    assert result.rejected.select("reason", "raw_value").rows() == [("no survey date for value", "-Infinity")]


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (b'{"STATUS": NaN, "RESULTSET": []}', "BOJ API error NaN"),
        (b'{"STATUS": 200, "RESULTSET": [{"SERIES_CODE": NaN}]}', "RESULTSET[0].SERIES_CODE is NaN"),
        (b'{"STATUS": 200, "RESULTSET": [1e309]}', "RESULTSET[0] is NonFiniteNumber"),
    ],
)
def test_non_finite_literal_where_the_shape_needs_something_else_raises(body: bytes, fragment: str) -> None:
    with pytest.raises(PayloadError, match=re.escape(fragment)):
        parse_boj(body)


def test_non_finite_next_position_and_last_update_are_ignored() -> None:
    entry = series()
    entry["LAST_UPDATE"] = "@@BAD@@"
    result = parse_boj(payload(entry, next_position="@@POS@@").replace(b'"@@BAD@@"', b"NaN")
                       .replace(b'"@@POS@@"', b"Infinity"))
    assert result.next_page is None
    assert result.observations["source_updated"].null_count() == 2


# --- payload errors ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (b"", "not UTF-8 JSON"),
        (b"<html>503</html>", "not UTF-8 JSON"),
        ('{"STATUS": 200, "MESSAGE": "正常"}'.encode("shift_jis"), "not UTF-8 JSON"),
        (b"[1, 2]", "top level is list"),
        (b'"text"', "top level is str"),
        (b'{"STATUS": 200, "MESSAGEID": "M181000I"}', "RESULTSET is NoneType"),
        (b'{"STATUS": 200, "MESSAGEID": "M181000I", "RESULTSET": {}}', "RESULTSET is dict"),
        (b'{"STATUS": 200, "RESULTSET": [5]}', "RESULTSET[0] is int"),
        (b'{"STATUS": 200, "RESULTSET": [{"VALUES": null}]}', "RESULTSET[0].SERIES_CODE"),
        (b'{"STATUS": 200, "RESULTSET": [{"SERIES_CODE": "A", "VALUES": []}]}', "RESULTSET[0].VALUES is list"),
        (
            b'{"STATUS": 200, "RESULTSET": [{"SERIES_CODE": "A", "VALUES": {"VALUES": 3}}]}',
            "must be lists",
        ),
        (b'{"MESSAGEID": "M181000I", "RESULTSET": []}', "BOJ API error None"),
        (b'{"STATUS": "200", "RESULTSET": []}', "BOJ API error 200"),
    ],
)
def test_unreadable_payload_raises_payload_error(body: bytes, fragment: str) -> None:
    with pytest.raises(PayloadError) as info:
        parse_boj(body)
    assert info.value.source == "boj"
    assert fragment in str(info.value)


@pytest.mark.parametrize(
    ("status", "message_id", "message"),
    [
        (500, "M181090S", "unexpected error"),
        (503, "M181091S", "DB access error"),
        (400, "M181018E", "Invalid frequency"),
    ],
)
def test_error_status_message_names_status_id_and_text(status: int, message_id: str, message: str) -> None:
    body = orjson.dumps({"STATUS": status, "MESSAGEID": message_id, "MESSAGE": message, "DATE": "x"})
    with pytest.raises(PayloadError, match=f"BOJ API error {status} {message_id}: {message}"):
        parse_boj(body)


# --- speed ---------------------------------------------------------------------------------------


def test_a_million_points_parse_in_seconds_not_minutes() -> None:
    """About 0.6 s on a developer machine; the bound is loose so only a real regression fails."""
    dates = [100 * year + month for year in range(1960, 2027) for month in range(1, 13)][:800]
    entries = [series(f"S{i}", dates, [float(i * 800 + k) if k % 7 else None for k in range(800)]) for i in range(1250)]
    body = payload(*entries)
    start = time.perf_counter()
    result = parse_boj(body)
    elapsed = time.perf_counter() - start
    assert result.observations.height == 1_000_000
    assert result.observations["value"][1] == 1e8
    assert elapsed < 8.0


# --- properties ----------------------------------------------------------------------------------




parse_or_payload_error = functools.partial(result_or_none, parse_boj)


@PROPERTY_SETTINGS
@given(st.binary(max_size=300))
def test_any_bytes_parse_or_raise_payload_error(body: bytes) -> None:
    parse_or_payload_error(body)


@PROPERTY_SETTINGS
@given(json_values)
def test_any_json_parses_or_raises_payload_error(doc: Any) -> None:
    parse_or_payload_error(orjson.dumps(doc))


NON_FINITE = ["NaN", "Infinity", "-Infinity", "1e309", "-2E400"]
non_finite = st.sampled_from([f"@@{literal}@@" for literal in NON_FINITE])


def with_literals(body: bytes) -> bytes:
    """orjson cannot write NaN or 1e309: placeholders become those literals in the body."""
    for literal in NON_FINITE:
        body = body.replace(f'"@@{literal}@@"'.encode(), literal.encode())
    return body


fuzzed_entries = st.fixed_dictionaries(
    {
        "SERIES_CODE": st.sampled_from(["A", "B"]) | json_values,
        "UNIT": st.sampled_from(["100 million Yen", "億円", "￥／＄", "%ポイント", "", "furlongs"]) | json_values,
        "FREQUENCY": st.sampled_from(["MONTHLY", "QUARTERLY", "ANNUAL(MAR)", "DAILY", "HOURLY"]) | json_values,
        "LAST_UPDATE": st.integers(0, 99_999_999) | json_values,
        "VALUES": st.fixed_dictionaries(
            {
                "SURVEY_DATES": st.lists(
                    st.integers(min_value=0, max_value=30_000_000) | json_values | non_finite, max_size=6
                ),
                "VALUES": st.lists(st.floats(allow_nan=False, allow_infinity=False) | json_values | non_finite,
                                   max_size=6),
            }
        )
        | json_values,
    }
)


def point_count(entry: dict[str, Any]) -> int:
    values = entry["VALUES"]
    if values is None:
        return 0
    return max(len(values.get("SURVEY_DATES", [])), len(values.get("VALUES", [])))


@PROPERTY_SETTINGS
@given(st.lists(fuzzed_entries, max_size=4), json_values)
def test_fuzzed_resultsets_account_for_every_point(entries: list[dict[str, Any]], next_position: Any) -> None:
    result = parse_or_payload_error(with_literals(payload(*entries, next_position=next_position)))
    if result is not None:
        assert result.observations.height + result.rejected.height == sum(map(point_count, entries))
        assert result.observations["value"].is_finite().fill_null(True).all()
        assert result.rejected["reason"].null_count() == 0
        assert result.rejected["row_ref"].null_count() == 0


monthly_dates = st.builds(lambda y, m: 100 * y + m, st.integers(1850, 2050), st.integers(1, 12))
valid_series = st.lists(
    st.tuples(monthly_dates, st.none() | st.floats(min_value=-1e300, max_value=1e300, allow_nan=False)),
    max_size=30,
)


@PROPERTY_SETTINGS
@given(st.lists(st.tuples(st.sampled_from(["C907", "D907", "N907"]), valid_series), max_size=5))
def test_valid_payloads_keep_every_point_and_scale_by_1e8(generated: list[tuple[str, list[Any]]]) -> None:
    entries = [series(code, [d for d, _ in points], [v for _, v in points]) for code, points in generated]
    result = parse_boj(payload(*entries))
    assert_contract(result)
    total = sum(len(points) for _, points in generated)
    assert result.observations.height + result.rejected.height == total
    assert set(result.rejected["reason"]) <= {"duplicate"}
    first: dict[tuple[str, str], float | None] = {}
    for code, points in generated:
        for date, value in points:
            first.setdefault((code, f"{date // 100:04d}-{date % 100:02d}"), value)
    got = {(row["series_code"], row["period"]): row["value"] for row in result.observations.to_dicts()}
    assert got == {key: None if value is None else value * 1e8 for key, value in first.items()}
