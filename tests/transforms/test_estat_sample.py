"""Tests for transforms.estat_sample: the SAMPLE answers are deterministic, in the real layout, and
the catalog's words resolve against them through the same request sequence the adapter uses."""

from __future__ import annotations

import itertools
from urllib.parse import parse_qsl, urlsplit

import orjson
import polars as pl
import pytest

from catalog import load_catalog
from catalog.loader import Catalog
from tests.support.contracts import assert_contract
from transforms.estat import parse_estat, parse_estat_list, parse_estat_meta
from transforms.estat_names import name_key
from transforms.estat_requests import Wanted, choose_table, data_url, list_url, meta_url, plan_table
from transforms.estat_sample import (
    AGE_TABLE,
    CORE,
    OCCUPATION_TABLE,
    STATS_CODE,
    YEARS,
    answer,
    make_sample,
)
from transforms.observations import conform_observations

BASE = "https://api.e-stat.go.jp/rest/3.0/app/json"


def test_the_sample_is_byte_stable() -> None:
    assert make_sample() == make_sample()
    assert answer(list_url(BASE, "A", STATS_CODE, "年齢階級")) == answer(list_url(BASE, "B", STATS_CODE, "年齢階級"))


def test_every_body_says_sample_in_its_ids() -> None:
    bodies = make_sample()
    assert sorted(bodies) == [
        "getMetaInfo/SAMPLE0001", "getMetaInfo/SAMPLE0002", "getStatsData/SAMPLE0001", "getStatsData/SAMPLE0002",
        "getStatsList",
    ]
    listed = parse_estat_list(bodies["getStatsList"])
    assert listed["stats_data_id"].str.starts_with("SAMPLE").all()
    assert listed.height == 3


def test_the_age_table_has_the_real_layout() -> None:
    meta = parse_estat_meta(make_sample()[f"getMetaInfo/{AGE_TABLE}"])
    names = [(c.id, c.name) for c in meta.classifications]
    assert names == [
        ("tab", "表章項目"), ("cat01", "企業規模_基本"), ("cat02", "産業分類"), ("cat03", "性別_基本"),
        ("cat04", "年齢階級_基本"), ("cat05", "学歴_基本８区分（2020年～）"), ("cat06", "民・公区分"),
        ("time", "時間軸（2020～2024）"),
    ]
    items = {c.id: c.items for c in meta.classifications}
    assert items["cat02"][0].name == "Ｔ１ 産業計"  # full-width code prefix
    assert [i.name for i in items["cat01"]] == ["企業規模計（10人以上）", "1,000人以上", "100～999人", "10～99人"]
    assert {i.unit for i in items["tab"]} == {"歳", "年", "時間", "千円", "十人"}


def test_the_occupation_table_lists_each_measure_under_two_codes() -> None:
    meta = parse_estat_meta(make_sample()[f"getMetaInfo/{OCCUPATION_TABLE}"])
    tab = meta.classification("tab")
    assert tab is not None
    assert [i.code for i in tab.items if i.name == "所定内給与額"] == ["10", "42"]
    body = orjson.loads(make_sample()[f"getStatsData/{OCCUPATION_TABLE}"])
    rows = body["GET_STATS_DATA"]["STATISTICAL_DATA"]["DATA_INF"]["VALUE"]
    years_by_tab = {t: sorted({r["@time"][:4] for r in rows if r["@tab"] == t}) for t in ("10", "42")}
    assert years_by_tab == {"10": ["2020", "2021", "2022"], "42": ["2023", "2024"]}


def test_full_sample_pages_parse_without_rejects_and_declare_their_markers() -> None:
    for table in (AGE_TABLE, OCCUPATION_TABLE):
        body = make_sample()[f"getStatsData/{table}"]
        result = parse_estat(body)
        assert_contract(result)
        assert result.rejected.height == 0
        notes = {n["@char"] for n in orjson.loads(body)["GET_STATS_DATA"]["STATISTICAL_DATA"]["DATA_INF"]["NOTE"]}
        assert set(result.observations["obs_status"].drop_nulls()) <= notes
    statuses = parse_estat(make_sample()[f"getStatsData/{OCCUPATION_TABLE}"]).observations["obs_status"]
    assert set(statuses.drop_nulls()) == {"-", "X"}


def test_sample_figures_rise_with_age_and_arts_earn_less_when_young() -> None:
    for measure, groups in CORE.items():
        for group, by_age in groups.items():
            for i in range(len(YEARS)):
                column = [by_age[age][i] for age in sorted(by_age) if by_age[age][i] is not None]
                assert column == sorted(column), (measure, group, i)
        for age in ("03", "04"):
            pairs = zip(groups["1221"][age], groups["all"][age], strict=True)
            assert all(arts is None or arts < everyone for arts, everyone in pairs), (measure, age)
    nulls = [(m, g, a, i) for m, gs in CORE.items() for g, ba in gs.items() for a, r in ba.items()
             for i, v in enumerate(r) if v is None]
    assert nulls == [("所定内給与額", "1221", "03", 0), ("年間賞与その他特別給与額", "1221", "03", 0)]


def test_answer_filters_pages_and_reports_unknown_tables() -> None:
    filters = {"tab": ("42",), "cat01": ("01",), "cat03": ("01",), "cat04": ("03", "04"), "cat05": ("01",)}
    whole = parse_estat(answer(data_url(BASE, "K", AGE_TABLE, filters)))
    assert whole.observations.height == 2 * len(YEARS)  # 2 ages; 産業 and 民・公 hold one item in the sample
    assert whole.next_page is None
    pages, start = [], 1
    while start is not None:
        page = parse_estat(answer(data_url(BASE, "K", AGE_TABLE, filters, limit=3, start_position=start)))
        pages.append(page.observations)
        start = page.next_page
    assert len(pages) == 4
    assert pl.concat(pages).equals(whole.observations)
    unknown = orjson.loads(answer(meta_url(BASE, "K", "0000000000")))
    assert unknown["GET_META_INFO"]["RESULT"]["STATUS"] == 301
    empty = orjson.loads(answer(data_url(BASE, "K", AGE_TABLE, {"tab": ("99",)})))
    assert empty["GET_STATS_DATA"]["RESULT"]["STATUS"] == 1
    with pytest.raises(ValueError, match="no endpoint"):
        answer(f"{BASE}/getDataCatalog?appId=K")


def catalog_plan(catalog: Catalog) -> dict[str, list[Wanted]]:
    """The catalog's e-Stat indicators grouped by the table they name, as the adapter will do."""
    indicators = sorted(catalog.indicators_of("estat"), key=lambda i: i.estat.table if i.estat else "")
    return {
        table: [Wanted(i.id, i.estat.measure, dict(i.estat.categories), i.unit) for i in group if i.estat]
        for table, group in itertools.groupby(indicators, key=lambda i: i.estat.table if i.estat else "")
    }


def test_catalog_words_load_all_creators_pay_indicators_from_the_sample() -> None:
    """getStatsList -> choose_table -> getMetaInfo -> plan_table -> getStatsData -> parse -> conform."""
    catalog = load_catalog()
    source = catalog.sources["estat"]
    tables, totals = source.options["tables"], source.options["totals"]
    loaded, chosen = [], {}
    for table, wanted in catalog_plan(catalog).items():
        spec = tables[table]
        listed = parse_estat_list(answer(list_url(source.base_url, "APP_ID", STATS_CODE, spec["search_word"])))
        row = choose_table(listed, spec["title_words"], spec.get("exclude_words", ()))
        chosen[table] = row["stats_data_id"]
        meta = parse_estat_meta(answer(meta_url(source.base_url, "APP_ID", row["stats_data_id"])))
        plan = plan_table(meta, wanted, totals)
        url = data_url(source.base_url, "APP_ID", plan.stats_data_id, plan.filters, int(source.options["limit"]))
        parsed = parse_estat(answer(url))
        accepted, rejected = conform_observations(parsed.observations, plan.series_map, "estat")
        assert parsed.rejected.height == 0 and rejected.height == 0, rejected.to_dicts()
        loaded.append(accepted)
        query = dict(parse_qsl(urlsplit(url).query))
        assert "cdTime" not in query and query["cdCat04"] == "03,04,05,06,07"
    assert chosen == {"age": AGE_TABLE, "occupation": OCCUPATION_TABLE}
    frame = pl.concat(loaded)
    assert frame.height == 20 * len(YEARS)
    assert frame.select(pl.struct("indicator_id", "period").is_unique().all()).item()
    assert set(frame["indicator_id"]) == {i.id for i in catalog.indicators_of("estat")}
    assert set(frame["unit"]) == {"JPY"}
    by_key = {(r["indicator_id"], r["period"]): r for r in frame.to_dicts()}
    assert by_key[("wage_scheduled_monthly_all_20_24", "2023")]["value"] == pytest.approx(228_600.0)
    assert by_key[("wage_annual_bonus_arts_40_44", "2024")]["value"] == pytest.approx(858_700.0)  # tab 44
    assert by_key[("wage_annual_bonus_arts_40_44", "2022")]["value"] == pytest.approx(786_900.0)  # tab 12
    suppressed = frame.filter(pl.col("value").is_null()).select("indicator_id", "period", "obs_status").rows()
    assert sorted(suppressed) == [
        ("wage_annual_bonus_arts_20_24", "2020", "-"),
        ("wage_scheduled_monthly_arts_20_24", "2020", "-"),
    ]


def test_catalog_item_names_are_in_the_sample_as_written_there() -> None:
    """The words of the catalog meet the sample's full-width forms only through the normalisation."""
    meta = parse_estat_meta(make_sample()[f"getMetaInfo/{OCCUPATION_TABLE}"])
    occupations = meta.classification("cat03")
    assert occupations is not None
    written = {i.name for i in occupations.items}
    assert "美術家，写真家，映像撮影者" in written
    assert name_key("美術家,写真家,映像撮影者") in {name_key(n) for n in written}
