"""SAMPLE e-Stat answers for the wage survey (00450091) in the real multi-classification layout.

Everything here is SAMPLE data: the ids (``SAMPLE0001``…), the values and the dates are made up, and
every body says so in its TABLE_INF (``SAMPLE`` ids). What is modelled on real tables is the layout,
so that the parser, the name resolution and the request plan meet what e-Stat really sends:

- the age table follows the classifications public code reads from the 2020+ database table
  "一般_産業大・中分類_年齢階級別DB" (0003425893): cat01 企業規模_基本, cat02 産業分類, cat03 性別_基本,
  cat04 年齢階級_基本, cat05 学歴_基本８区分（2020年～）, cat06 民・公区分, time 時間軸（2020～2023）;
  tab codes 33 年齢 … 45 労働者数 with the units 歳, 年, 時間, 千円, 十人; and no area classification;
- the name forms are those of recorded output: ``Ｔ１ 産業計`` (full-width code prefix),
  ``企業規模計（10人以上）``, ``1,000人以上``, ``100～999人``, ``20～24歳``, ``民営＋公営``;
- the occupation table is CONSTRUCTED around what public code reads from "一般_職種（小分類）DB"
  (0003426315): cat01 企業規模, cat02 性別, cat03 the 2020 occupations (1221 美術家，写真家，映像撮影者,
  1224 デザイナー, …), and the same measure under two tab codes split by years (08/40, 10/42, 12/44,
  13/45 reported by one client as "表章項目コードは年代で分かれている"). Its age, public/private and
  area classifications are assumptions of this sample;
- NOTE declares the markers ``-`` and ``X``, which stand in some cells; units sit on the CLASS items
  and are repeated on the rows.

Titles are written like the database names quoted in that code, with SAMPLE ids; they are not
claimed to be e-Stat's exact TITLE strings. See tests/fixtures/estat/README.md for the sources.

`make_sample` returns the unfiltered bodies; `answer` plays the API for one request URL (search
words, ``cd*`` filters, ``startPosition``/``limit`` paging with NEXT_KEY), so the recorded sample
holds exactly what the planned requests would get.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

STATS_CODE = "00450091"
AGE_TABLE = "SAMPLE0001"
OCCUPATION_TABLE = "SAMPLE0002"
PREFECTURE_TABLE = "SAMPLE0003"  # listed by getStatsList; its title must not be chosen for the age group
DATE = "2026-02-20T10:12:44.210+09:00"
OPEN_DATE = "2025-03-26"
YEARS = tuple(range(2020, 2025))
TIME_NAME = "時間軸（2020～2024）"
NOT_PUBLISHED = "-"
SECRET = "X"
NOTES = [
    {"@char": NOT_PUBLISHED, "$": "該当数値がない、又は公表していないもの（SAMPLE）"},
    {"@char": SECRET, "$": "秘匿（SAMPLE）"},
]

#: The ages of the creators'-pay comparison (catalog) and the neighbours a real answer also holds.
AGES = {
    "01": "年齢計", "02": "～19歳", "03": "20～24歳", "04": "25～29歳", "05": "30～34歳", "06": "35～39歳",
    "07": "40～44歳", "08": "45～49歳", "09": "50～54歳", "10": "55～59歳", "11": "60～64歳", "12": "65～69歳",
    "13": "70歳～",
}
SIZES = {"01": "企業規模計（10人以上）", "02": "1,000人以上", "03": "100～999人", "04": "10～99人"}
SEXES = {"01": "男女計", "02": "男", "03": "女"}
PUBLIC = {"01": "民営＋公営", "02": "民営事業所", "03": "公営事業所"}
EDUCATION = {
    "01": "学歴計", "02": "中学", "03": "高校", "04": "専門学校", "05": "高専・短大", "06": "大学", "07": "大学院",
    "08": "不明",
}
INDUSTRIES = [
    ("01", "Ｔ１ 産業計", "1"), ("03", "Ｄ 建設業", "2"), ("07", "Ｅ 製造業", "2"), ("37", "Ｇ 情報通信業", "2"),
]
OCCUPATIONS = {
    "1031": "管理的職業従事者", "1104": "ソフトウェア作成者", "1211": "著述家，記者，編集者",
    "1221": "美術家，写真家，映像撮影者", "1224": "デザイナー", "1231": "音楽家，舞台芸術家",
}
#: tab items: code → (name, unit). The age table uses the 30s-40s codes; the occupation table both sets.
MEASURES = {
    "年齢": "歳", "勤続年数": "年", "所定内実労働時間数": "時間", "超過実労働時間数": "時間",
    "きまって支給する現金給与額": "千円", "所定内給与額": "千円", "年間賞与その他特別給与額": "千円",
    "労働者数": "十人",
}
LATE_TABS = dict(zip(("33", "34", "36", "38", "40", "42", "44", "45"), MEASURES, strict=True))
EARLY_TABS = dict(zip(("01", "02", "04", "06", "08", "10", "12", "13"), MEASURES, strict=True))
#: In the occupation table the early codes carry 2020-2022 and the late ones 2023-2024.
LATE_FROM = 2023

# 千円, 2020..2024, ages 20-24 … 40-44 (cat04 03..07): national, 企業規模計（10人以上）, 男女計.
# Scheduled earnings are monthly; bonuses are those of the year before the survey year.
CORE: dict[str, dict[str, dict[str, list[float | None]]]] = {
    "所定内給与額": {
        "all": {
            "03": [216.4, 218.7, 221.3, 228.6, 235.1],
            "04": [252.7, 254.8, 257.9, 264.1, 270.2],
            "05": [283.6, 285.1, 287.9, 293.7, 299.8],
            "06": [310.0, 311.6, 314.2, 319.5, 325.0],
            "07": [333.0, 333.8, 335.4, 339.6, 344.9],
        },
        "1221": {
            "03": [None, 208.2, 212.4, 217.9, 223.6],
            "04": [239.5, 241.0, 245.3, 250.8, 256.1],
            "05": [271.9, 274.6, 279.0, 284.2, 289.5],
            "06": [299.1, 302.3, 305.8, 311.0, 316.2],
            "07": [323.4, 325.0, 328.6, 333.4, 337.8],
        },
    },
    "年間賞与その他特別給与額": {
        "all": {
            "03": [377.8, 371.2, 390.6, 411.3, 428.5],
            "04": [624.7, 610.9, 640.2, 672.5, 698.1],
            "05": [752.3, 738.6, 771.8, 806.4, 836.2],
            "06": [862.1, 851.0, 885.7, 919.8, 951.7],
            "07": [975.4, 962.8, 1001.5, 1047.2, 1081.9],
        },
        "1221": {
            "03": [None, 271.3, 292.8, 318.4, 331.2],
            "04": [462.7, 451.9, 479.5, 508.3, 528.6],
            "05": [571.4, 560.2, 592.8, 627.5, 651.9],
            "06": [668.9, 655.3, 693.1, 731.8, 758.4],
            "07": [757.6, 744.0, 786.9, 829.2, 858.7],
        },
    },
}
#: Other cells, relative to the core figures (plausible shapes, not survey ratios).
AGE_SHAPE = {"01": 0.93, "08": 1.06}  # 年齢計 and 45～49歳 against 40～44歳, roughly
SEX_FACTOR = {"01": 1.0, "02": 1.07, "03": 0.88}
SIZE_FACTOR = {"01": 1.0, "02": 1.12, "03": 0.98, "04": 0.86}
OCCUPATION_FACTOR = {"1104": 1.08, "1224": 0.97}
MEAN_AGE = {"01": 43.6, "03": 23.0, "04": 27.5, "05": 32.4, "06": 37.5, "07": 42.5, "08": 47.4}


@dataclass(frozen=True)
class SampleTable:
    """One SAMPLE table: its TABLE_INF facts, its CLASS_OBJ list and its VALUE rows (unfiltered)."""

    stats_data_id: str
    title: str
    classes: list[dict[str, Any]]
    rows: list[dict[str, str]]


def make_sample() -> dict[str, bytes]:
    """Every SAMPLE body, unfiltered: ``getStatsList``, ``getMetaInfo/<id>`` and ``getStatsData/<id>``."""
    bodies = {"getStatsList": _json(_list_body(_all_tables(), ""))}
    for table in _data_tables():
        bodies[f"getMetaInfo/{table.stats_data_id}"] = _json(_meta_body(table))
        bodies[f"getStatsData/{table.stats_data_id}"] = _json(_data_body(table, {}, 1, 100_000))
    return bodies


def answer(url: str) -> bytes:
    """The SAMPLE API's answer to one request URL (getStatsList, getMetaInfo or getStatsData).

    getStatsList keeps the tables whose statistics name and title contain every word of
    ``searchWord`` (words joined by spaces or ``AND``); getStatsData applies ``cd*`` filters and
    pages by ``startPosition``/``limit`` with NEXT_KEY; an unknown statsDataId gets the error
    status e-Stat sends for it.
    """
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    endpoint = parts.path.rstrip("/").rsplit("/", 1)[-1]
    if endpoint == "getStatsList":
        return _json(_list_body(_all_tables(), query.get("searchWord", "")))
    tables = {t.stats_data_id: t for t in _data_tables()}
    table = tables.get(query.get("statsDataId", ""))
    envelope = {"getMetaInfo": "GET_META_INFO", "getStatsData": "GET_STATS_DATA"}.get(endpoint)
    if envelope is None:
        raise ValueError(f"the e-Stat sample has no endpoint {endpoint!r}")
    if table is None:
        message = f"statsDataId=[{query.get('statsDataId', '')}]のデータは存在しません。"
        return _json({envelope: {"RESULT": {"STATUS": 301, "ERROR_MSG": message, "DATE": DATE}}})
    if endpoint == "getMetaInfo":
        return _json(_meta_body(table))
    filters = {
        key[2:].lower(): value.split(",")
        for key, value in query.items()
        if key.startswith("cd") and not key.endswith(("From", "To"))
    }
    start = int(query.get("startPosition", "1"))
    limit = int(query.get("limit", "100000"))
    return _json(_data_body(table, filters, start, limit))


# --- tables --------------------------------------------------------------------------------------


def _all_tables() -> list[tuple[str, str, int]]:
    """(id, title, rows) of every listed table, the unrelated prefecture table first."""
    listed = [(PREFECTURE_TABLE, "令和2年以降 一般_都道府県別_年齢階級別DB", 0)]
    return listed + [(t.stats_data_id, t.title, len(t.rows)) for t in _data_tables()]


def _data_tables() -> list[SampleTable]:
    return [_age_table(), _occupation_table()]


def _age_table() -> SampleTable:
    classes = [
        _class("tab", "表章項目", [_item(code, name, "", MEASURES[name]) for code, name in LATE_TABS.items()]),
        _class("cat01", "企業規模_基本", [_item(c, n, "1") for c, n in SIZES.items()]),
        _class("cat02", "産業分類", [_item(c, n, lv, parent=None if lv == "1" else "01") for c, n, lv in INDUSTRIES]),
        _class("cat03", "性別_基本", [_item(c, n, "1" if c == "01" else "2", parent=None if c == "01" else "01")
                                     for c, n in SEXES.items()]),
        _class("cat04", "年齢階級_基本", [_item(c, n, "1") for c, n in AGES.items()]),
        _class("cat05", "学歴_基本８区分（2020年～）", [_item(c, n, "1") for c, n in EDUCATION.items()]),
        _class("cat06", "民・公区分", [_item(c, n, "1") for c, n in PUBLIC.items()]),
        _time_class(),
    ]
    tabs = {"33": "年齢", "42": "所定内給与額", "44": "年間賞与その他特別給与額", "45": "労働者数"}
    rows = []
    for (tab, measure), size, sex, age, (y, year) in itertools.product(
        tabs.items(), ("01", "04"), ("01", "03"), ("01", *sorted(CORE["所定内給与額"]["all"]), "08"), enumerate(YEARS)
    ):
        cell = {"@tab": tab, "@cat01": size, "@cat02": "01", "@cat03": sex, "@cat04": age, "@cat05": "01",
                "@cat06": "01", "@time": f"{year}000000", "@unit": MEASURES[measure]}
        rows.append(cell | {"$": _value(measure, "all", age, y, sex, size)})
    return SampleTable(AGE_TABLE, "令和2年以降 一般_産業大・中分類_年齢階級別DB", classes, rows)


def _occupation_table() -> SampleTable:
    tab_items = [_item(c, n, "", MEASURES[n]) for c, n in EARLY_TABS.items()]
    tab_items += [_item(c, n, "", MEASURES[n]) for c, n in LATE_TABS.items()]
    classes = [
        _class("tab", "表章項目", tab_items),
        _class("cat01", "企業規模_基本", [_item(c, n, "1") for c, n in SIZES.items()]),
        _class("cat02", "性別_基本", [_item(c, n, "1") for c, n in SEXES.items()]),
        _class("cat03", "職種（小分類）", [_item(c, n, "1") for c, n in OCCUPATIONS.items()]),
        _class("cat04", "年齢階級_基本", [_item(c, n, "1") for c, n in AGES.items()]),
        _class("cat05", "民・公区分", [_item(c, n, "1") for c, n in PUBLIC.items()]),
        _class("area", "地域", [_item("00000", "全国", "1")]),
        _time_class(),
    ]
    measures = ("所定内給与額", "年間賞与その他特別給与額", "労働者数")
    by_name_early = {n: c for c, n in EARLY_TABS.items()}
    by_name_late = {n: c for c, n in LATE_TABS.items()}
    rows = []
    for measure, sex, occupation, age, (y, year) in itertools.product(
        measures, ("01", "03"), ("1104", "1221", "1224"), ("01", *sorted(CORE["所定内給与額"]["1221"]), "08"),
        enumerate(YEARS),
    ):
        tab = (by_name_late if year >= LATE_FROM else by_name_early)[measure]
        cell = {"@tab": tab, "@cat01": "01", "@cat02": sex, "@cat03": occupation, "@cat04": age, "@cat05": "01",
                "@area": "00000", "@time": f"{year}000000", "@unit": MEASURES[measure]}
        rows.append(cell | {"$": _value(measure, occupation, age, y, sex, "01")})
    rows.sort(key=lambda r: (int(r["@tab"]), r["@cat02"], r["@cat03"], r["@cat04"], r["@time"]))
    return SampleTable(OCCUPATION_TABLE, "令和2年以降 一般_職種（小分類）DB", classes, rows)


def _value(measure: str, group: str, age: str, y: int, sex: str, size: str) -> str:
    """One cell as e-Stat writes it: a number with one decimal (counts without), or a marker."""
    if measure == "年齢":
        return f"{MEAN_AGE[age] + 0.1 * (y % 2):.1f}"
    if measure == "労働者数":
        base = 52_000 if group == "all" else {"1221": 410, "1104": 2_350, "1224": 1_270}[group]
        count = round(base * (1.0 if age == "01" else 0.12) * (0.45 if sex == "03" else 1.0) * (1 + 0.01 * y))
        return SECRET if (group, sex, age, y) == ("1221", "03", "03", 0) else str(count)
    core = CORE[measure]["1221" if group == "1221" else "all"]
    anchor = core.get(age) or core["07"]
    figure = anchor[y]
    if figure is None:
        return NOT_PUBLISHED
    shaped = figure * (AGE_SHAPE.get(age, 1.0) if age not in core else 1.0)
    scaled = shaped * SEX_FACTOR[sex] * SIZE_FACTOR[size] * OCCUPATION_FACTOR.get(group, 1.0)
    return f"{scaled:.1f}"


def _class(class_id: str, name: str, items: list[dict[str, str]]) -> dict[str, Any]:
    return {"@id": class_id, "@name": name, "CLASS": items}


def _item(code: str, name: str, level: str, unit: str | None = None, parent: str | None = None) -> dict[str, str]:
    item = {"@code": code, "@name": name, "@level": level}
    if unit:
        item["@unit"] = unit
    if parent:
        item["@parentCode"] = parent
    return item


def _time_class() -> dict[str, Any]:
    return _class("time", TIME_NAME, [_item(f"{y}000000", f"{y}年", "1") for y in YEARS])


# --- bodies --------------------------------------------------------------------------------------


def _table_inf(stats_data_id: str, title: str, total: int) -> dict[str, Any]:
    """TABLE_INF in the field order of the recorded answers (tests/fixtures/estat/getstatslist_cpi.json)."""
    return {
        "@id": stats_data_id,
        "STAT_NAME": {"@code": STATS_CODE, "$": "賃金構造基本統計調査"},
        "GOV_ORG": {"@code": "00450", "$": "厚生労働省"},
        "STATISTICS_NAME": "賃金構造基本統計調査",
        "TITLE": {"@no": "-", "$": title},
        "CYCLE": "年次",
        "SURVEY_DATE": 0,
        "OPEN_DATE": OPEN_DATE,
        "SMALL_AREA": 0,
        "COLLECT_AREA": "該当なし",
        "MAIN_CATEGORY": {"@code": "03", "$": "労働・賃金"},
        "SUB_CATEGORY": {"@code": "02", "$": "賃金・労働条件"},
        "OVERALL_TOTAL_NUMBER": total,
        "UPDATED_DATE": OPEN_DATE,
        "STATISTICS_NAME_SPEC": {"TABULATION_CATEGORY": "賃金構造基本統計調査"},
        "TITLE_SPEC": {"TABLE_NAME": title},
    }


def _result(status: int = 0) -> dict[str, Any]:
    message = "正常に終了しました。" if status == 0 else "正常に終了しましたが、該当データはありませんでした。"
    return {"STATUS": status, "ERROR_MSG": message, "DATE": DATE}


def _list_body(tables: Sequence[tuple[str, str, int]], search_word: str) -> dict[str, Any]:
    words = [w for w in search_word.replace(" AND ", " ").split() if w]
    found = [t for t in tables if all(w in f"賃金構造基本統計調査 {t[1]}" for w in words)]
    parameter = {"LANG": "J", "STATS_CODE": STATS_CODE, "DATA_FORMAT": "J"}
    if search_word:
        parameter["SEARCH_WORD"] = search_word
    if not found:
        return {"GET_STATS_LIST": {"RESULT": _result(1), "PARAMETER": parameter}}
    return {
        "GET_STATS_LIST": {
            "RESULT": _result(),
            "PARAMETER": parameter,
            "DATALIST_INF": {
                "NUMBER": len(found),
                "RESULT_INF": {"FROM_NUMBER": 1, "TO_NUMBER": len(found)},
                "TABLE_INF": [_table_inf(i, title, total) for i, title, total in found],
            },
        }
    }


def _meta_body(table: SampleTable) -> dict[str, Any]:
    return {
        "GET_META_INFO": {
            "RESULT": _result(),
            "PARAMETER": {"LANG": "J", "STATS_DATA_ID": table.stats_data_id, "EXPLANATION_GET_FLG": "N",
                          "DATA_FORMAT": "J"},
            "METADATA_INF": {
                "TABLE_INF": _table_inf(table.stats_data_id, table.title, len(table.rows)),
                "CLASS_INF": {"CLASS_OBJ": table.classes},
            },
        }
    }


def _data_body(table: SampleTable, filters: Mapping[str, Sequence[str]], start: int, limit: int) -> dict[str, Any]:
    rows = [r for r in table.rows if all(r.get(f"@{cid}") in codes for cid, codes in filters.items())]
    page = rows[start - 1 : start - 1 + limit]
    parameter: dict[str, Any] = {"LANG": "J", "STATS_DATA_ID": table.stats_data_id}
    if filters:
        parameter["NARROWING_COND"] = {f"CODE_{cid.upper()}_SELECT": ",".join(codes) for cid, codes in filters.items()}
    parameter |= {"DATA_FORMAT": "J", "START_POSITION": start, "LIMIT": limit, "METAGET_FLG": "Y", "CNT_GET_FLG": "N"}
    if not page:
        return {"GET_STATS_DATA": {"RESULT": _result(1), "PARAMETER": parameter}}
    result_inf: dict[str, Any] = {"TOTAL_NUMBER": len(rows), "FROM_NUMBER": start, "TO_NUMBER": start + len(page) - 1}
    if start - 1 + limit < len(rows):
        result_inf["NEXT_KEY"] = start + limit
    return {
        "GET_STATS_DATA": {
            "RESULT": _result(),
            "PARAMETER": parameter,
            "STATISTICAL_DATA": {
                "RESULT_INF": result_inf,
                "TABLE_INF": _table_inf(table.stats_data_id, table.title, len(table.rows)),
                "CLASS_INF": {"CLASS_OBJ": table.classes},
                "DATA_INF": {"NOTE": NOTES, "VALUE": page},
            },
        }
    }


def _json(body: Mapping[str, Any]) -> bytes:
    """Compact UTF-8 JSON, keys in insertion order: the same input gives the same bytes."""
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
