"""Tests for transforms.estat_requests: URLs, the table choice, and the plan from words to codes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import polars as pl
import pytest

from transforms.estat import LIST_SCHEMA, TableMeta, parse_estat, parse_estat_list, parse_estat_meta
from transforms.estat_names import SelectionError
from transforms.estat_requests import (
    MAX_LIMIT,
    SERIES_MAP_SCHEMA,
    Wanted,
    choose_table,
    data_url,
    filter_param,
    list_url,
    meta_url,
    plan_table,
    series_codes,
)
from transforms.observations import conform_observations

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "estat"
BASE = "https://api.e-stat.go.jp/rest/3.0/app/json"
TOTALS = {"企業規模": "企業規模計（10人以上）", "産業": "産業計", "性別": "男女計", "地域": "全国"}


def query(url: str) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(url).query)


def tables(*rows: tuple[str, str | None, str | None, dt.date | None]) -> pl.DataFrame:
    """A parse_estat_list frame: (id, title, statistics name, updated)."""
    return pl.DataFrame(
        [(i, title, None, updated, name) for i, title, name, updated in rows], schema=LIST_SCHEMA, orient="row"
    )


# --- URLs ----------------------------------------------------------------------------------------


def test_list_url() -> None:
    url = list_url(BASE + "/", "KEY", "00450091", "職種 AND 小分類")
    assert url.startswith(f"{BASE}/getStatsList?")
    assert query(url) == [("appId", "KEY"), ("lang", "J"), ("statsCode", "00450091"), ("searchWord", "職種 AND 小分類")]
    assert "searchWord" not in list_url(BASE, "KEY", "00450091")


def test_meta_url() -> None:
    url = meta_url(BASE, "KEY", "0003426933")
    assert url.startswith(f"{BASE}/getMetaInfo?")
    assert dict(query(url)) == {"appId": "KEY", "lang": "J", "statsDataId": "0003426933", "explanationGetFlg": "N"}


def test_data_url_filters_in_key_order_and_pages() -> None:
    filters = {"area": ("00000",), "cat04": ("01",), "tab": ("42", "44", "42"), "cat02": ("03", "05"), "cat09": ()}
    url = data_url(BASE, "KEY", "0003426933", filters, limit=500, start_position=501)
    assert url.startswith(f"{BASE}/getStatsData?")
    assert query(url) == [
        ("appId", "KEY"), ("lang", "J"), ("statsDataId", "0003426933"),
        ("cdTab", "42,44"), ("cdCat02", "03,05"), ("cdCat04", "01"), ("cdArea", "00000"),
        ("metaGetFlg", "Y"), ("cntGetFlg", "N"), ("limit", "500"), ("startPosition", "501"),
    ]
    assert ",44" in url  # commas are left readable, as in the catalog's other URLs


@pytest.mark.parametrize("limit", [0, MAX_LIMIT + 1])
def test_data_url_refuses_a_limit_the_api_does_not_take(limit: int) -> None:
    with pytest.raises(ValueError, match="limit"):
        data_url(BASE, "KEY", "1", {}, limit=limit)


@pytest.mark.parametrize(("class_id", "param"), [("tab", "cdTab"), ("cat01", "cdCat01"), ("cat15", "cdCat15"),
                                                 ("area", "cdArea"), ("time", "cdTime")])
def test_filter_param(class_id: str, param: str) -> None:
    assert filter_param(class_id) == param


# --- the table choice ----------------------------------------------------------------------------


def test_choose_table_by_title_words_and_exclusions() -> None:
    listed = tables(
        ("0003426933", "令和2年以降 一般_都道府県別_年齢階級別DB", "賃金構造基本統計調査", dt.date(2024, 3, 27)),
        ("0003425893", "令和2年以降 一般_産業大・中分類_年齢階級別DB", "賃金構造基本統計調査", dt.date(2024, 3, 27)),
        ("0003426315", "令和2年以降 一般_職種（小分類）DB", "賃金構造基本統計調査", dt.date(2024, 3, 27)),
    )
    assert choose_table(listed, ["一般", "年齢階級"], ["都道府県"])["stats_data_id"] == "0003425893"
    assert choose_table(listed, ["職種(小分類)"])["stats_data_id"] == "0003426315"  # half-width brackets match
    by_statistics_name = choose_table(listed, ["賃金構造基本統計調査", "都道府県"])
    assert by_statistics_name["stats_data_id"] == "0003426933"


def test_a_reissued_table_picks_the_latest_update_then_the_highest_id() -> None:
    listed = tables(
        ("0003400002", "一般_職種（小分類）DB", None, dt.date(2023, 3, 1)),
        ("0003400001", "一般_職種（小分類）DB", None, dt.date(2024, 3, 1)),
        ("0003400003", "一般_職種（小分類）DB", None, None),
    )
    assert choose_table(listed, ["職種"])["stats_data_id"] == "0003400001"
    same_day = tables(("0003400001", "職種DB", None, None), ("0003400009", "職種DB", None, None))
    assert choose_table(same_day, ["職種"])["stats_data_id"] == "0003400009"


def test_tables_with_different_titles_ask_for_another_word() -> None:
    listed = tables(("1", "一般_職種（小分類）DB", None, None), ("2", "短時間_職種（小分類）DB", None, None))
    with pytest.raises(SelectionError) as info:
        choose_table(listed, ["職種"])
    assert info.value.message == (
        "several tables match 職種: 1 一般_職種（小分類）DB; 2 短時間_職種（小分類）DB; add a title word"
    )


def test_no_matching_table_lists_what_was_found() -> None:
    listed = tables(("1", "一般_職種（小分類）DB", "賃金構造基本統計調査", None))
    with pytest.raises(SelectionError) as info:
        choose_table(listed, ["年齢階級"], ["都道府県"])
    assert info.value.message == (
        "no table has 年齢階級 in its title without 都道府県; getStatsList found 1 table(s): "
        "賃金構造基本統計調査 一般_職種（小分類）DB"
    )
    with pytest.raises(SelectionError, match=r"found 0 table\(s\): \(none\)"):
        choose_table(tables(), ["年齢階級"])


# --- the plan ------------------------------------------------------------------------------------


def prefecture_meta() -> TableMeta:
    return parse_estat_meta((FIXTURES / "getmetainfo_wage_prefecture_constructed.json").read_bytes())


def test_plan_filters_and_series_map_of_the_real_layout() -> None:
    wanted = [
        Wanted("monthly_20_24", "所定内給与額", {"年齢": "20～24歳"}),
        Wanted("monthly_30_34", "所定内給与額", {"年齢": "30～34歳"}),
        Wanted("bonus_20_24", "年間賞与その他特別給与額", {"年齢": "20～24歳"}),
    ]
    plan = plan_table(prefecture_meta(), wanted, TOTALS)
    assert plan.stats_data_id == "0003426933"
    assert dict(plan.filters) == {
        "tab": ("10", "12", "42", "44"),  # CLASS_INF order; both codes of each repeated item
        "cat01": ("01",),
        "cat02": ("03", "05"),
        "cat03": ("01",),
        "cat04": ("01",),
        "area": ("00000",),
    }
    assert plan.series_map.schema == pl.Schema(SERIES_MAP_SCHEMA)
    assert plan.series_map.filter(pl.col("indicator_id") == "monthly_20_24").rows() == [
        ("estat", "tab=10;cat01=01;cat02=03;cat03=01;cat04=01;area=00000", "monthly_20_24", "JPY"),
        ("estat", "tab=42;cat01=01;cat02=03;cat03=01;cat04=01;area=00000", "monthly_20_24", "JPY"),
    ]
    assert plan.series_map.height == 6
    assert plan.selections["bonus_20_24"].names["cat04"] == "Ｔ１ 産業計"


def test_the_plan_maps_a_parsed_real_layout_page_to_indicators() -> None:
    """Parse the constructed 0003426933 page and conform it with the plan: only the wanted cells load."""
    wanted = [Wanted("monthly_20_24", "所定内給与額", {"年齢": "20～24歳"}),
              Wanted("bonus_30_34", "年間賞与その他特別給与額", {"年齢": "30～34歳"})]
    plan = plan_table(prefecture_meta(), wanted, TOTALS)
    parsed = parse_estat((FIXTURES / "getstatsdata_wage_prefecture_constructed.json").read_bytes())
    accepted, rejected = conform_observations(parsed.observations, plan.series_map, "estat")
    assert accepted.sort("indicator_id", "period").select("indicator_id", "period", "value").rows() == [
        ("bonus_30_34", "2022", pytest.approx(745_000.0)),
        ("bonus_30_34", "2023", pytest.approx(763_600.0)),
        ("monthly_20_24", "2022", pytest.approx(215_000.0)),
        ("monthly_20_24", "2023", pytest.approx(220_400.0)),
    ]
    assert rejected.height == 60  # other sizes, industries, prefectures and ages: declared by no indicator
    assert rejected["reason"].str.contains("is not declared").all()


def test_two_indicators_on_one_cell_are_refused() -> None:
    wanted = [
        Wanted("a", "所定内給与額", {"年齢": "20～24歳"}),
        Wanted("b", "所定内給与額", {"年齢": "20～24歳", "性別": "男女計"}),
    ]
    with pytest.raises(SelectionError) as info:
        plan_table(prefecture_meta(), wanted, TOTALS)
    assert info.value.message.startswith("table 0003426933: indicators a and b both select tab=10;")


def test_a_table_without_an_id_cannot_be_planned() -> None:
    meta = prefecture_meta()
    anonymous = TableMeta(None, meta.title, meta.statistics_name, meta.updated, meta.classifications)
    with pytest.raises(SelectionError, match="no TABLE_INF @id"):
        plan_table(anonymous, [Wanted("a", "所定内給与額", {"年齢": "20～24歳"})], TOTALS)


def test_series_codes_match_what_the_parser_writes() -> None:
    plan = plan_table(prefecture_meta(), [Wanted("a", "年間賞与その他特別給与額", {"年齢": "30～34歳"})], TOTALS)
    parsed = parse_estat((FIXTURES / "getstatsdata_wage_prefecture_constructed.json").read_bytes())
    produced = set(parsed.observations["series_code"])
    assert [code in produced for code in series_codes(plan.selections["a"])] == [False, True]  # tab 12, tab 44


def test_list_fixture_feeds_the_choice() -> None:
    listed = parse_estat_list((FIXTURES / "getstatslist_cpi.json").read_bytes())
    assert choose_table(listed, ["2025年基準"])["stats_data_id"] == "0004052037"
