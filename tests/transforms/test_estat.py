"""Tests for transforms.estat: recorded-shape fixtures, every rule, and property tests."""

from __future__ import annotations

import contextlib
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
from transforms.contracts import ParseResult
from transforms.errors import PayloadError
from transforms.estat import (
    LIST_SCHEMA,
    MARKERS,
    UNITS,
    ClassItem,
    TableMeta,
    classification_order,
    parse_estat,
    parse_estat_list,
    parse_estat_meta,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "estat"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def value(
    val: Any = "102.5",
    *,
    tab: str = "1",
    cat01: str = "0001",
    area: str | None = "13100",
    time: str = "2026000909",
    **extra: Any,
) -> dict[str, Any]:
    """One DATA_INF.VALUE row in the recorded shape (values_cpi2025.json); extra keys become @-attributes."""
    row: dict[str, Any] = {"@tab": tab, "@cat01": cat01}
    if area is not None:
        row["@area"] = area
    row |= {"@time": time, **{f"@{key}": v for key, v in extra.items()}, "$": val}
    return row


def stats_data(
    values: Any,
    *,
    note: Any = None,
    class_obj: Any = None,
    table: Any = None,
    result_inf: Any = None,
    status: Any = 0,
) -> bytes:
    """A full GET_STATS_DATA envelope around the given VALUE (list, single object or anything)."""
    data_inf: dict[str, Any] = {"VALUE": values}
    if note is not None:
        data_inf = {"NOTE": note, **data_inf}
    statistical: dict[str, Any] = {
        "RESULT_INF": result_inf if result_inf is not None else {"TOTAL_NUMBER": 1, "FROM_NUMBER": 1, "TO_NUMBER": 1},
        "TABLE_INF": table if table is not None else {"@id": "0004052037", "UPDATED_DATE": "2026-10-02"},
        "DATA_INF": data_inf,
    }
    if class_obj is not None:
        statistical["CLASS_INF"] = {"CLASS_OBJ": class_obj}
    return orjson.dumps(
        {
            "GET_STATS_DATA": {
                "RESULT": {"STATUS": status, "ERROR_MSG": "正常に終了しました。", "DATE": "2026-10-02T21:42:03+09:00"},
                "PARAMETER": {"LANG": "J", "STATS_DATA_ID": "0004052037", "DATA_FORMAT": "J"},
                "STATISTICAL_DATA": statistical,
            }
        }
    )




def one(result: ParseResult) -> dict[str, Any]:
    assert result.observations.height == 1, result.rejected.to_dicts()
    return result.observations.row(0, named=True)


# --- recorded shapes -----------------------------------------------------------------------------


def test_cpi_fixture_gives_one_observation_per_value() -> None:
    result = parse_estat(fixture("getstatsdata_cpi2025.json"))
    assert_contract(result)
    assert result.rejected.height == 0
    assert result.next_page is None
    obs = result.observations
    assert obs.height == 12
    first = obs.row(0, named=True)
    assert first == {
        "series_code": "tab=1;cat01=0001;area=13100",
        "area": "JPN-13100",
        "period": "2026-09",
        "value": 102.5,
        "unit": None,
        "obs_status": None,
        "source_updated": dt.date(2026, 10, 2),
    }
    by_key = {(r["series_code"], r["area"], r["period"]): r for r in obs.to_dicts()}
    assert by_key[("tab=1;cat01=0001;area=13100", "JPN-13100", "FY2025")]["value"] == 100.4
    assert by_key[("tab=1;cat01=0001;area=00000", "JPN", "2024")]["value"] == 96.9
    assert by_key[("tab=1;cat01=0002;area=00000", "JPN", "2025-12")]["value"] == 102.0
    assert by_key[("tab=2;cat01=0001;area=13100", "JPN-13100", "2026-02")] | {"source_updated": None} == {
        "series_code": "tab=2;cat01=0001;area=13100",
        "area": "JPN-13100",
        "period": "2026-02",
        "value": -0.3,
        "unit": "percent",
        "obs_status": None,
        "source_updated": None,
    }
    # tab 1 (index) has no unit anywhere; tabs 2 and 3 carry "%" on the row.
    units = dict(obs.group_by(pl.col("series_code").str.slice(0, 5)).agg(pl.col("unit").unique()).iter_rows())
    assert units == {"tab=1": [None], "tab=2": ["percent"], "tab=3": ["percent"]}


def test_census_fixture_single_objects_are_normalised() -> None:
    result = parse_estat(fixture("getstatsdata_census_single.json"))
    assert_contract(result)
    assert one(result) == {
        "series_code": "tab=2020_01;cat01=0;area=00000",
        "area": "JPN",
        "period": "2020",
        "value": 126146099.0,
        "unit": "persons",
        "obs_status": None,
        "source_updated": dt.date(2021, 11, 30),  # no UPDATED_DATE: OPEN_DATE
    }


def test_wage_fixture_markers_units_and_next_key() -> None:
    result = parse_estat(fixture("getstatsdata_wage_paged.json"))
    assert_contract(result)
    assert result.next_page == 13
    obs = result.observations
    rows = {(r["series_code"].rsplit(";area=", 1)[0], r["area"]): r for r in obs.to_dicts()}
    national = "tab=43;cat01=1;cat02=01;cat03=37"
    assert rows[(national, "JPN")]["value"] == 1234.0  # "1,234" 円
    assert rows[(national, "JPN")]["unit"] == "JPY"
    assert rows[("tab=44;cat01=1;cat02=01;cat03=37", "JPN")]["value"] == pytest.approx(45600.0)  # 45.6 千円
    assert rows[("tab=45;cat01=1;cat02=01;cat03=37", "JPN")]["value"] == 23450.0  # 2,345 十人
    assert rows[("tab=45;cat01=1;cat02=01;cat03=37", "JPN")]["unit"] == "persons"
    assert rows[(national, "JPN-13")]["value"] == 1512.0  # @unit 円 on the row
    markers = obs.filter(pl.col("obs_status").is_not_null()).select("area", "obs_status", "value").rows()
    assert markers == [
        ("JPN-13", "***", None),
        ("JPN-13", "-", None),
        ("JPN-47", "…", None),
        ("JPN-47", "x", None),
        ("JPN-47", "−", None),
        ("JPN-47", "*", None),
        ("JPN-47", "X", None),
    ]
    assert result.rejected.to_dicts() == [
        {
            "series_code": "tab=43;cat01=1;cat02=04;cat03=37;area=47000",
            "row_ref": "VALUE[11]",
            "reason": "value 'n.a.' is not a number",
            "raw_value": "n.a.",
        }
    ]


def test_real_layout_wage_page_keeps_every_classification_and_no_row_collides() -> None:
    """0003426933's layout: tab + sex, age, firm size, industry, area; 2 ages x 2 sizes x 2 industries x 2 areas."""
    result = parse_estat(fixture("getstatsdata_wage_prefecture_constructed.json"))
    assert_contract(result)
    assert result.rejected.height == 0
    obs = result.observations
    assert obs.height == 64
    assert obs.select(pl.struct("series_code", "area", "period").is_unique().all()).item()
    first = obs.row(0, named=True)
    assert first["series_code"] == "tab=42;cat01=01;cat02=03;cat03=01;cat04=01;area=00000"
    assert (first["area"], first["period"], first["unit"]) == ("JPN", "2022", "JPY")
    assert first["value"] == pytest.approx(215_000.0)  # 215.0 千円
    markers = obs.filter(pl.col("obs_status").is_not_null()).select("series_code", "area", "obs_status").rows()
    assert markers == [
        ("tab=42;cat01=01;cat02=03;cat03=04;cat04=03;area=13000", "JPN-13", "X"),
        ("tab=44;cat01=01;cat02=03;cat03=04;cat04=03;area=13000", "JPN-13", "-"),
    ]


def test_the_old_three_key_series_code_collapses_the_real_layout() -> None:
    """What issue #9 saw: with tab, cat01, cat02 only, firm size and industry collide and rows are lost."""
    body = fixture("getstatsdata_wage_prefecture_constructed.json")
    result = parse_estat(body, series_keys=("tab", "cat01", "cat02"))
    assert result.observations.height == 16
    assert result.rejected["reason"].unique().to_list() == ["duplicate"]
    assert result.rejected.height == 48


def test_status_100_raises_with_status_and_message() -> None:
    with pytest.raises(PayloadError) as info:
        parse_estat(fixture("error_status_100.json"))
    assert info.value.source == "estat"
    assert info.value.message == "e-Stat API error 100: 認証に失敗しました。アプリケーションIDを確認して下さい。"


def test_status_1_is_an_empty_result() -> None:
    result = parse_estat(fixture("nodata_status_1.json"))
    assert_contract(result)
    assert result.observations.height == 0
    assert result.rejected.height == 0
    assert result.next_page is None


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (301, "statsDataId=[0000000000]のデータは存在しません。"),
        (2, "正常に終了しましたが、一部のパラメータを無視しました。"),
        ("100", "認証に失敗しました。"),
    ],
)
def test_other_statuses_raise(status: Any, message: str) -> None:
    body = orjson.dumps({"GET_STATS_DATA": {"RESULT": {"STATUS": status, "ERROR_MSG": message}}})
    with pytest.raises(PayloadError) as info:
        parse_estat(body)
    assert str(info.value) == f"estat: e-Stat API error {int(status)}: {message}"


# --- values and markers --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("102.5", 102.5),
        ("-0.3", -0.3),
        ("100", 100.0),
        ("1,234", 1234.0),
        ("12,345,678.9", 12345678.9),
        (" 7 ", 7.0),
        ("0", 0.0),
        ("1e3", 1000.0),
    ],
)
def test_numbers_are_read(text: str, number: float) -> None:
    assert one(parse_estat(stats_data([value(text)])))["value"] == pytest.approx(number)


@pytest.mark.parametrize("marker", sorted(MARKERS))
def test_markers_give_null_value_and_marker_status(marker: str) -> None:
    result = parse_estat(stats_data([value(marker)]))
    row = one(result)
    assert row["value"] is None
    assert row["obs_status"] == marker
    assert result.rejected.height == 0


def test_note_char_is_a_marker_too() -> None:
    note = [{"@char": "***", "$": "該当数値なし"}, {"@char": "#", "$": "秘匿"}]
    result = parse_estat(stats_data([value("#")], note=note))
    assert one(result)["obs_status"] == "#"
    without_note = parse_estat(stats_data([value("#")]))
    assert without_note.rejected["reason"].to_list() == ["value '#' is not a number"]


def test_note_cannot_null_a_number() -> None:
    result = parse_estat(stats_data([value("0")], note={"@char": "0", "$": "単位未満"}))
    assert one(result)["value"] == 0.0
    assert one(result)["obs_status"] is None


@pytest.mark.parametrize(
    ("raw", "reason", "raw_value"),
    [
        ("abc", "value 'abc' is not a number", "abc"),
        ("", "value '' is not a number", ""),
        ("1,23", "value '1,23' is not a number", "1,23"),
        ("12.3.4", "value '12.3.4' is not a number", "12.3.4"),
        ("NaN", "value 'NaN' is not a number", "NaN"),
        (None, "value null is not a string", "null"),
        (True, "value true is not a string", "true"),
        ({"v": 1}, 'value {"v":1} is not a string', '{"v":1}'),
        ("1e999", "value '1e999' is too large for a float", "1e999"),
    ],
)
def test_bad_values_are_rejected(raw: Any, reason: str, raw_value: str) -> None:
    result = parse_estat(stats_data([value(raw), value("1", time="2025000000")]))
    assert result.observations["period"].to_list() == ["2025"]
    assert result.rejected.to_dicts() == [
        {"series_code": "tab=1;cat01=0001;area=13100", "row_ref": "VALUE[0]", "reason": reason, "raw_value": raw_value}
    ]


def test_json_number_value_is_accepted() -> None:
    assert one(parse_estat(stats_data([value(12.5)])))["value"] == 12.5


def test_single_object_value_is_normalised() -> None:
    result = parse_estat(stats_data(value("3.5")))
    assert one(result)["value"] == 3.5


def test_missing_value_list_is_empty() -> None:
    body = orjson.loads(stats_data([]))
    del body["GET_STATS_DATA"]["STATISTICAL_DATA"]["DATA_INF"]["VALUE"]
    result = parse_estat(orjson.dumps(body))
    assert result.observations.height == 0
    assert result.rejected.height == 0


def test_row_that_is_not_an_object_is_rejected() -> None:
    result = parse_estat(stats_data([value(), "oops", 3]))
    assert result.observations.height == 1
    assert result.rejected.to_dicts() == [
        {"series_code": None, "row_ref": "VALUE[1]", "reason": "row is not an object", "raw_value": "oops"},
        {"series_code": None, "row_ref": "VALUE[2]", "reason": "row is not an object", "raw_value": "3"},
    ]


# --- series codes, areas, periods ----------------------------------------------------------------


def test_default_series_code_is_every_classification_in_key_order() -> None:
    row = {"@cat10": "7", "@cat02": "04", "@area": "00000", "@tab": "01", "@cat01": "002", "@time": "2020000000",
           "@unit": "千円", "$": "1"}
    assert one(parse_estat(stats_data([row])))["series_code"] == "tab=01;cat01=002;cat02=04;cat10=7;area=00000"


def test_classifications_of_class_inf_join_the_key_of_rows_that_carry_them() -> None:
    class_obj = [{"@id": "cat05", "@name": "学歴_基本８区分（2020年～）", "CLASS": {"@code": "01", "@name": "学歴計"}}]
    rows = [value(cat05="01"), value(time="2025000000")]
    codes = parse_estat(stats_data(rows, class_obj=class_obj)).observations["series_code"].to_list()
    assert codes == ["tab=1;cat01=0001;cat05=01;area=13100", "tab=1;cat01=0001;area=13100"]


def test_series_keys_can_be_chosen() -> None:
    row = value(cat04="9")
    result = parse_estat(stats_data([row]), series_keys=("cat04", "@tab"))
    assert one(result)["series_code"] == "cat04=9;tab=1"


def test_row_without_any_classification_is_rejected() -> None:
    row = {"@time": "2020000000", "$": "1"}
    result = parse_estat(stats_data([row]))
    assert result.rejected.to_dicts() == [
        {
            "series_code": None,
            "row_ref": "VALUE[0]",
            "reason": "row has no classification (@tab, @catNN or @area)",
            "raw_value": "1",
        }
    ]


def test_row_without_any_chosen_series_key_is_rejected() -> None:
    row = {"@area": "00000", "@time": "2020000000", "$": "1"}
    result = parse_estat(stats_data([row]), series_keys=("tab", "cat01"))
    assert result.rejected["reason"].to_list() == ["row has none of the series keys tab, cat01"]


def test_duplicate_key_keeps_the_first() -> None:
    rows = [value("1"), value("2"), value("3", cat04="2")]
    result = parse_estat(stats_data(rows))
    assert result.observations.select("series_code", "value").rows() == [
        ("tab=1;cat01=0001;area=13100", 1.0),
        ("tab=1;cat01=0001;cat04=2;area=13100", 3.0),
    ]
    assert result.rejected.select("row_ref", "reason", "raw_value").rows() == [("VALUE[1]", "duplicate", "2")]


@pytest.mark.parametrize(
    ("area", "expected"),
    [
        (None, "JPN"),
        ("00000", "JPN"),
        ("13000", "JPN-13"),
        ("01000", "JPN-01"),
        ("47000", "JPN-47"),
        ("13100", "JPN-13100"),
        ("13101", "JPN-13101"),
        ("48000", "JPN-48000"),
        ("00100", "JPN-00100"),
    ],
)
def test_area_codes(area: str | None, expected: str) -> None:
    assert one(parse_estat(stats_data([value(area=area)])))["area"] == expected


@pytest.mark.parametrize(("area", "shown"), [("", "''"), (13000, "(not a string)")])
def test_unusable_area_is_rejected(area: Any, shown: str) -> None:
    row = value()
    row["@area"] = area
    result = parse_estat(stats_data([row]))
    assert result.rejected["reason"].to_list() == [f"area code {shown} is not a code"]


@pytest.mark.parametrize(
    ("code", "period"),
    [
        ("2026000909", "2026-09"),
        ("2026000101", "2026-01"),
        ("2025001212", "2025-12"),
        ("2025000000", "2025"),
        ("2025100000", "FY2025"),
        ("2026000103", "2026-Q1"),
        ("2026000406", "2026-Q2"),
        ("2026000709", "2026-Q3"),
        ("2025001012", "2025-Q4"),
    ],
)
def test_time_codes(code: str, period: str) -> None:
    assert one(parse_estat(stats_data([value(time=code)])))["period"] == period


@pytest.mark.parametrize(
    "code",
    [
        "2026001313",
        "2026000000x",
        "202600090",
        "2026000910",
        "2025200000",
        "2025100103",
        "2026000106",
        "2026",
        "abcd000000",
    ],
)
def test_unsupported_time_codes_are_rejected(code: str) -> None:
    result = parse_estat(stats_data([value(time=code)]))
    assert result.observations.height == 0
    assert result.rejected.select("reason", "raw_value").rows() == [(f"unsupported time code '{code}'", code)]


def test_missing_time_is_rejected() -> None:
    row = value()
    del row["@time"]
    result = parse_estat(stats_data([row]))
    assert result.rejected["reason"].to_list() == ["row has no @time code"]


# --- units ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("label", "canonical"), [(label, spec) for label, spec in UNITS.items()])
def test_unit_labels_convert_and_scale(label: str, canonical: tuple[str, float]) -> None:
    row = one(parse_estat(stats_data([value("2", unit=label)])))
    assert (row["unit"], row["value"]) == (canonical[0], 2 * canonical[1])


def test_unit_of_the_row_wins_over_the_class_item() -> None:
    class_obj = [{"@id": "tab", "CLASS": [{"@code": "1", "@name": "金額", "@unit": "千円"}]}]
    result = parse_estat(stats_data([value("3", unit="百万円"), value("3", time="2025000000")], class_obj=class_obj))
    assert result.observations.select("unit", "value").rows() == [("JPY", 3e6), ("JPY", 3e3)]


def test_unit_falls_back_to_tab_then_other_classes() -> None:
    class_obj = [
        {"@id": "cat01", "CLASS": [{"@code": "0001", "@unit": "人"}, {"@code": "0002", "@unit": "億円"}]},
        {"@id": "tab", "CLASS": {"@code": "1", "@unit": "万円"}},
    ]
    rows = [value("1"), value("1", tab="2"), value("1", tab="2", cat01="0002"), value("1", tab="2", cat01="0003")]
    result = parse_estat(stats_data(rows, class_obj=class_obj))
    assert result.observations.select("unit", "value").rows() == [
        ("JPY", 1e4),  # tab 1 → 万円, ahead of cat01 0001 → 人
        ("persons", 1.0),  # tab 2 has no unit → cat01 0001 → 人
        ("JPY", 1e8),
        (None, 1.0),
    ]


def test_unknown_unit_is_kept_as_text() -> None:
    row = one(parse_estat(stats_data([value("1.5", unit="件")])))
    assert (row["unit"], row["value"]) == ("件", 1.5)


def test_marker_keeps_the_unit() -> None:
    row = one(parse_estat(stats_data([value("***", unit="千円")])))
    assert (row["unit"], row["value"], row["obs_status"]) == ("JPY", None, "***")


# --- table dates and paging ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ({"UPDATED_DATE": "2025-03-14", "OPEN_DATE": "2024-01-01"}, dt.date(2025, 3, 14)),
        ({"OPEN_DATE": "2024-01-01"}, dt.date(2024, 1, 1)),
        ({"UPDATED_DATE": "2025-02-30", "OPEN_DATE": "2024-01-01"}, dt.date(2024, 1, 1)),
        ({"UPDATED_DATE": "2025-W01-1"}, None),
        ({"UPDATED_DATE": 20250314}, None),
        ({}, None),
        ("not a table", None),
    ],
)
def test_source_updated_from_table_inf(table: Any, expected: dt.date | None) -> None:
    assert one(parse_estat(stats_data([value()], table=table)))["source_updated"] == expected


@pytest.mark.parametrize(("next_key", "expected"), [(101, 101), ("100001", 100001), (None, None)])
def test_next_key_is_the_next_start_position(next_key: Any, expected: int | None) -> None:
    result_inf = {"TOTAL_NUMBER": 200000, "FROM_NUMBER": 1, "TO_NUMBER": 100000, "NEXT_KEY": next_key}
    assert parse_estat(stats_data([value()], result_inf=result_inf)).next_page == expected


@pytest.mark.parametrize("next_key", ["abc", 0, -5, True, 1.5, [1]])
def test_unreadable_next_key_raises(next_key: Any) -> None:
    result_inf = {"TOTAL_NUMBER": 2, "NEXT_KEY": next_key}
    with pytest.raises(PayloadError, match="NEXT_KEY"):
        parse_estat(stats_data([value()], result_inf=result_inf))


# --- payload errors ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (b"", "not UTF-8 JSON"),
        (b"<html>", "not UTF-8 JSON"),
        (b"\xff\xfe{}", "not UTF-8 JSON"),
        (b"[]", "top level is list"),
        (b"{}", "GET_STATS_DATA is missing"),
        (b'{"GET_STATS_DATA": []}', "GET_STATS_DATA is list"),
        (b'{"GET_STATS_DATA": {}}', "RESULT is missing"),
        (b'{"GET_STATS_DATA": {"RESULT": {}}}', "RESULT.STATUS is null"),
        (b'{"GET_STATS_DATA": {"RESULT": {"STATUS": "ok"}}}', "RESULT.STATUS is ok"),
        (b'{"GET_STATS_DATA": {"RESULT": {"STATUS": 0}}}', "STATISTICAL_DATA is missing"),
        (b'{"GET_STATS_DATA": {"RESULT": {"STATUS": 0}, "STATISTICAL_DATA": {}}}', "DATA_INF is missing"),
        (
            b'{"GET_STATS_DATA": {"RESULT": {"STATUS": 0}, "STATISTICAL_DATA": {"DATA_INF": {"VALUE": "x"}}}}',
            "DATA_INF.VALUE is str",
        ),
        (
            b'{"GET_STATS_DATA": {"RESULT": {"STATUS": 0}, "STATISTICAL_DATA": {"RESULT_INF": 3, "DATA_INF": {}}}}',
            "RESULT_INF is int",
        ),
        (
            b'{"GET_STATS_DATA": {"RESULT": {"STATUS": 0}, "STATISTICAL_DATA": {"CLASS_INF": [], "DATA_INF": {}}}}',
            "CLASS_INF is list",
        ),
        (b'{"GET_STATS_DATA": {"RESULT": {"STATUS": 999, "ERROR_MSG": null}}}', "e-Stat API error 999: null"),
    ],
)
def test_unreadable_payload_raises_payload_error(body: bytes, fragment: str) -> None:
    with pytest.raises(PayloadError) as info:
        parse_estat(body)
    assert info.value.source == "estat"
    assert fragment in str(info.value)


# --- metadata ------------------------------------------------------------------------------------


def test_meta_of_the_real_layout_lists_every_classification_with_names_units_and_parents() -> None:
    meta = parse_estat_meta(fixture("getmetainfo_wage_prefecture_constructed.json"))
    assert (meta.stats_data_id, meta.title, meta.statistics_name, meta.updated) == (
        "0003426933", "令和2年以降 一般_都道府県別_年齢階級別DB", "賃金構造基本統計調査", dt.date(2024, 3, 27))
    assert [(c.id, c.name) for c in meta.classifications] == [
        ("tab", "表章項目"),
        ("cat01", "性別_基本"),
        ("cat02", "年齢階級_基本"),
        ("cat03", "企業規模_基本"),
        ("cat04", "産業分類"),
        ("area", "地域"),
        ("time", "時間軸（2020～2023）"),
    ]
    tab = meta.classification("tab")
    assert tab is not None and tab.items[0] == ClassItem("10", "所定内給与額", None, "千円", None)
    assert [i.code for i in tab.items if i.name == "所定内給与額"] == ["10", "42"]
    sexes = meta.classification("cat01")
    assert sexes is not None and sexes.items[2] == ClassItem("03", "女", "2", None, "01")
    assert meta.classification("cat99") is None


def test_meta_from_a_stats_data_page_and_single_object_classes() -> None:
    meta = parse_estat_meta(fixture("getstatsdata_census_single.json"))
    assert isinstance(meta, TableMeta)
    assert [(c.id, c.name) for c in meta.classifications] == [("tab", "表章項目")]
    assert meta.classifications[0].items == (ClassItem("2020_01", "人口", None, "人", None),)
    assert meta.updated == dt.date(2021, 11, 30)


@pytest.mark.parametrize(
    ("doc", "fragment"),
    [
        ({"GET_META_INFO": {"RESULT": {"STATUS": 1}}}, "matched no table"),
        ({"GET_META_INFO": {"RESULT": {"STATUS": 0}, "METADATA_INF": {}}}, "has no CLASS_INF"),
        ({"GET_STATS_DATA": {"RESULT": {"STATUS": 0}, "STATISTICAL_DATA": {"DATA_INF": {}}}}, "metaGetFlg=Y"),
        (
            {"GET_META_INFO": {"RESULT": {"STATUS": 0},
                               "METADATA_INF": {"CLASS_INF": {"CLASS_OBJ": [{"@name": "x"}]}}}},
            "CLASS_OBJ[0].@id",
        ),
        (
            {"GET_META_INFO": {"RESULT": {"STATUS": 0}, "METADATA_INF": {"CLASS_INF": {"CLASS_OBJ": {
                "@id": "cat01", "CLASS": [{"@code": "1", "@name": "男"}, {"@name": "女"}]}}}}},
            "CLASS_OBJ[0].CLASS[1].@code",
        ),
        ({"GET_META_INFO": {"RESULT": {"STATUS": 100, "ERROR_MSG": "認証に失敗しました。"}}}, "e-Stat API error 100"),
        ({"GET_STATS_LIST": {}}, "GET_META_INFO is missing"),
    ],
)
def test_unreadable_meta_raises_payload_error(doc: Any, fragment: str) -> None:
    with pytest.raises(PayloadError) as info:
        parse_estat_meta(orjson.dumps(doc))
    assert fragment in str(info.value)


def test_classification_order_is_tab_cats_area() -> None:
    assert classification_order(["area", "cat10", "time", "cat02", "tab", "lvl", 3, "cat16"]) == (
        "tab", "cat02", "cat10", "area")


# --- getStatsList --------------------------------------------------------------------------------


def test_stats_list_fixture() -> None:
    frame = parse_estat_list(fixture("getstatslist_cpi.json"))
    assert frame.schema == pl.Schema(LIST_SCHEMA)
    assert frame.to_dicts() == [
        {
            "stats_data_id": "0003427113",
            "title": "消費者物価指数（2020年基準）",
            "survey_date": None,
            "updated_date": dt.date(2026, 9, 18),
            "statistics_name": "2020年基準消費者物価指数",
        },
        {
            "stats_data_id": "0004052037",
            "title": "消費者物価指数（2025年基準）",
            "survey_date": None,
            "updated_date": dt.date(2026, 10, 2),
            "statistics_name": "2025年基準消費者物価指数",
        },
    ]


def test_stats_list_single_table_object() -> None:
    frame = parse_estat_list(fixture("getstatslist_single.json"))
    assert frame["stats_data_id"].to_list() == ["0004052037"]


def test_stats_list_no_data_is_empty() -> None:
    frame = parse_estat_list(fixture("getstatslist_nodata.json"))
    assert frame.height == 0
    assert frame.schema == pl.Schema(LIST_SCHEMA)


def test_stats_list_plain_title_and_survey_date() -> None:
    table = {"@id": "0003426334", "TITLE": "職種別", "SURVEY_DATE": "202001-202012", "OPEN_DATE": "2024-03-27"}
    body = {"GET_STATS_LIST": {"RESULT": {"STATUS": 0}, "DATALIST_INF": {"NUMBER": 1, "TABLE_INF": table}}}
    assert parse_estat_list(orjson.dumps(body)).row(0) == (
        "0003426334",
        "職種別",
        "202001-202012",
        dt.date(2024, 3, 27),
        None,
    )


def test_stats_list_count_only_answer_is_empty() -> None:
    body = {"GET_STATS_LIST": {"RESULT": {"STATUS": 0, "ERROR_MSG": ""}, "DATALIST_INF": {"NUMBER": 19}}}
    assert parse_estat_list(orjson.dumps(body)).height == 0


@pytest.mark.parametrize(
    ("doc", "fragment"),
    [
        (
            {"GET_STATS_LIST": {"RESULT": {"STATUS": 100, "ERROR_MSG": "認証に失敗しました。"}}},
            "e-Stat API error 100: 認証に失敗しました。",
        ),
        ({"GET_STATS_DATA": {"RESULT": {"STATUS": 0}}}, "GET_STATS_LIST is missing"),
        ({"GET_STATS_LIST": {"RESULT": {"STATUS": 0}}}, "DATALIST_INF is missing"),
        ({"GET_STATS_LIST": {"RESULT": {"STATUS": 0}, "DATALIST_INF": {"TABLE_INF": [{"TITLE": "x"}]}}}, "@id"),
        ({"GET_STATS_LIST": {"RESULT": {"STATUS": 0}, "DATALIST_INF": {"TABLE_INF": ["x"]}}}, "TABLE_INF[0] is str"),
    ],
)
def test_stats_list_errors(doc: Any, fragment: str) -> None:
    with pytest.raises(PayloadError) as info:
        parse_estat_list(orjson.dumps(doc))
    assert fragment in str(info.value)


# --- properties ----------------------------------------------------------------------------------




parse_or_payload_error = functools.partial(result_or_none, parse_estat)


@PROPERTY_SETTINGS
@given(st.binary(max_size=300))
def test_any_bytes_parse_or_raise_payload_error(body: bytes) -> None:
    parse_or_payload_error(body)
    with contextlib.suppress(PayloadError):
        parse_estat_list(body)


@PROPERTY_SETTINGS
@given(st.binary(max_size=300) | json_values.map(lambda doc: orjson.dumps({"GET_META_INFO": doc})))
def test_any_bytes_give_table_meta_or_payload_error(body: bytes) -> None:
    with contextlib.suppress(PayloadError):
        assert isinstance(parse_estat_meta(body), TableMeta)


@PROPERTY_SETTINGS
@given(json_values)
def test_any_json_parses_or_raises_payload_error(doc: Any) -> None:
    parse_or_payload_error(orjson.dumps(doc))
    parse_or_payload_error(orjson.dumps({"GET_STATS_DATA": doc}))


fuzzed_rows = st.fixed_dictionaries(
    {
        "@tab": st.sampled_from(["1", "2"]) | json_values,
        "@area": st.sampled_from(["00000", "13000", ""]) | json_values,
        "@time": st.sampled_from(["2026000909", "2025100000", "2025001315"]) | json_values,
        "$": st.sampled_from(["1,234", "***", "-", "abc", "1e999"]) | json_values,
    },
    optional={"@unit": st.sampled_from(["千円", "%", "人"]) | json_values, "@cat01": json_values},
)


@PROPERTY_SETTINGS
@given(
    st.lists(fuzzed_rows | json_values, max_size=8) | fuzzed_rows | json_values,
    json_values,
    json_values,
    json_values,
)
def test_fuzzed_pages_account_for_every_row(values: Any, note: Any, class_obj: Any, table: Any) -> None:
    result = parse_or_payload_error(stats_data(values, note=note, class_obj=class_obj, table=table))
    if result is not None:
        expected = len(values) if isinstance(values, list) else 1 if isinstance(values, dict) else 0
        assert result.observations.height + result.rejected.height == expected
        assert result.rejected["reason"].null_count() == 0
        key = pl.struct("series_code", "area", "period")
        assert result.observations.select(key.is_unique().all()).item()


valid_times = st.sampled_from(
    ["2024000000", "2024100000", "2024000101", "2024000909", "2024001212", "2024000103", "2024001012"]
)
valid_numbers = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False).map(lambda x: round(x, 3))


@st.composite
def valid_pages(draw: st.DrawFn) -> tuple[list[dict[str, Any]], list[tuple[float | None, float]]]:
    """Rows with distinct keys; expected (input number or None for a marker, unit factor) per row."""
    keys = draw(
        st.lists(
            st.tuples(st.sampled_from(["1", "2", "3"]), st.sampled_from(["00000", "13000", "27100"]), valid_times),
            unique=True,
            max_size=25,
        )
    )
    rows, expected = [], []
    for tab, area, time in keys:
        unit = draw(st.sampled_from([None, *UNITS, "時間"]))
        number = draw(valid_numbers | st.sampled_from(sorted(MARKERS)))
        text = f"{number:,}" if isinstance(number, float) and draw(st.booleans()) else str(number)
        row = {"@tab": tab, "@area": area, "@time": time, "$": text}
        if unit is not None:
            row["@unit"] = unit
        rows.append(row)
        factor = UNITS[unit][1] if unit in UNITS else 1.0
        expected.append((number if isinstance(number, float) else None, factor))
    return rows, expected


@PROPERTY_SETTINGS
@given(valid_pages())
def test_valid_pages_round_trip(page: tuple[list[dict[str, Any]], list[tuple[float | None, float]]]) -> None:
    rows, expected = page
    result = parse_estat(stats_data(rows))
    assert_contract(result)
    assert result.rejected.height == 0
    assert result.observations.height == len(rows)
    for got, (number, factor) in zip(result.observations["value"].to_list(), expected, strict=True):
        if number is None:
            assert got is None
        else:
            assert got == pytest.approx(number * factor, rel=1e-12, abs=1e-9)
