"""Tests for transforms.estat_names: categories chosen by the names of a table's own CLASS_INF."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.support.contracts import PROPERTY_SETTINGS
from transforms.estat import Classification, ClassItem, TableMeta, parse_estat_meta
from transforms.estat_names import (
    SelectionError,
    bare_key,
    find_classification,
    find_items,
    name_key,
    normalise,
    resolve,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "estat"
TOTALS = {"企業規模": "企業規模計（10人以上）", "産業": "産業計", "性別": "男女計", "地域": "全国"}


def prefecture_table() -> TableMeta:
    """The constructed getMetaInfo of 0003426933 (layout from public code; see the fixtures README)."""
    return parse_estat_meta((FIXTURES / "getmetainfo_wage_prefecture_constructed.json").read_bytes())


def table(*classifications: Classification, stats_data_id: str = "T") -> TableMeta:
    return TableMeta(stats_data_id, None, None, None, classifications)


def dim(class_id: str, name: str, *items: str | ClassItem) -> Classification:
    made = tuple(i if isinstance(i, ClassItem) else ClassItem(f"{n:02d}", i) for n, i in enumerate(items, start=1))
    return Classification(class_id, name, made)


# --- normalisation -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "wanted"),
    [
        ("Ｔ１ 産業計", "T1 産業計"),  # full-width letter and digit
        ("Ｔ１　産業計", "T1 産業計"),  # ideographic space
        ("企業規模計（10人以上）", "企業規模計(10人以上)"),  # full-width brackets
        ("２０～２４歳", "20~24歳"),  # full-width digits and tilde
        ("20〜24歳", "20～24歳"),  # wave dash U+301C, which NFKC leaves alone
        ("民営＋公営", "民営+公営"),
        ("美術家，写真家，映像撮影者", "美術家,写真家,映像撮影者"),
        ("−", "-"),  # minus sign
    ],
)
def test_name_key_folds_widths_and_spaces(written: str, wanted: str) -> None:
    assert name_key(written) == name_key(wanted)


@pytest.mark.parametrize(
    ("written", "bare"),
    [
        ("Ｔ１ 産業計", "産業計"),
        ("T2 産業計", "産業計"),
        ("Ｄ 建設業", "建設業"),
        ("1221 美術家，写真家，映像撮影者", "美術家,写真家,映像撮影者"),
        ("B22美術家,デザイナー,写真家,映像撮影者", "美術家,デザイナー,写真家,映像撮影者"),
        ("A管理的職業従事者", "管理的職業従事者"),
        ("(1) 科学研究者", "科学研究者"),
        ("20～24歳", "20~24歳"),  # digits that are the name, not a code
        ("1,000人以上", "1,000人以上"),
        ("IT関連業務", "IT関連業務"),  # Latin letters that are part of the name
        ("～19歳", "~19歳"),
    ],
)
def test_bare_key_removes_code_prefixes_only(written: str, bare: str) -> None:
    assert bare_key(written) == bare


@PROPERTY_SETTINGS
@given(st.text(max_size=30))
def test_keys_are_idempotent_and_width_blind(text: str) -> None:
    assert name_key(name_key(text)) == name_key(text)
    assert normalise(normalise(text)) == normalise(text)
    fullwidth = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)
    assert name_key(fullwidth) == name_key(unicodedata.normalize("NFKC", text))


# --- items ---------------------------------------------------------------------------------------


def test_prefix_free_name_finds_the_prefixed_item() -> None:
    meta = prefecture_table()
    industries = meta.classification("cat04")
    assert industries is not None
    assert [i.code for i in find_items(meta, industries, "産業計", "産業")] == ["01"]
    assert [i.code for i in find_items(meta, industries, "Ｔ１ 産業計", "産業")] == ["01"]
    assert [i.code for i in find_items(meta, industries, "T1産業計", "産業")] == ["01"]
    assert [i.code for i in find_items(meta, industries, "建設業", "産業")] == ["03"]


def test_full_name_wins_before_the_prefix_is_removed() -> None:
    industries = dim("cat02", "産業分類", "Ｔ１ 産業計", "Ｔ２ 産業計")
    meta = table(industries)
    assert [i.code for i in find_items(meta, industries, "T2 産業計", "産業")] == ["02"]


def test_ambiguous_name_names_the_classification_and_the_candidates() -> None:
    industries = dim("cat02", "産業分類", "Ｔ１ 産業計", "Ｔ２ 産業計", "Ｄ 建設業")
    with pytest.raises(SelectionError) as info:
        find_items(table(industries, stats_data_id="0003425893"), industries, "産業計", "産業")
    assert info.value.source == "estat"
    assert info.value.message == (
        "table 0003425893: 産業 '産業計' is ambiguous in cat02 '産業分類': 'Ｔ１ 産業計 (code 01)', "
        "'Ｔ２ 産業計 (code 02)'; write the item's full name as the table does"
    )


def test_missing_name_lists_the_items_of_the_classification() -> None:
    meta = prefecture_table()
    ages = meta.classification("cat02")
    assert ages is not None
    with pytest.raises(SelectionError) as info:
        find_items(meta, ages, "20～25歳", "年齢")
    message = info.value.message
    assert message.startswith("table 0003426933: 年齢 '20～25歳' is not among the 13 items of cat02 '年齢階級_基本': ")
    assert "'年齢計', '～19歳', '20～24歳', '25～29歳'" in message
    assert "without code prefixes" in message


def test_an_item_listed_twice_gives_both_codes() -> None:
    """0003426933 lists 所定内給与額 as tab 10 and 42; each code holds other cells."""
    meta = prefecture_table()
    tab = meta.classification("tab")
    assert tab is not None
    assert [i.code for i in find_items(meta, tab, "所定内給与額", "measure")] == ["10", "42"]


def test_one_name_under_two_parents_is_ambiguous() -> None:
    others = dim("cat03", "職種", ClassItem("11", "その他", parent="10"), ClassItem("21", "その他", parent="20"))
    with pytest.raises(SelectionError, match=r"ambiguous.*code 11, under 10.*code 21, under 20"):
        find_items(table(others), others, "その他", "職種")


def test_no_substring_matching_of_items() -> None:
    tab = dim("tab", "表章項目", "年齢階級別労働者数", "所定内給与額")
    with pytest.raises(SelectionError, match="is not among"):
        find_items(table(tab), tab, "年齢", "measure")


def test_long_candidate_lists_are_cut() -> None:
    many = dim("cat01", "職種", *[f"職種{i}" for i in range(45)])
    with pytest.raises(SelectionError, match=r"'職種29' … \(15 more\)"):
        find_items(table(many), many, "なし", "職種")


# --- classifications -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "class_id"),
    [
        ("性別_基本", "cat01"),  # the whole name
        ("性別", "cat01"),  # the name before _
        ("年齢", "cat02"),  # inside the name
        ("企業規模", "cat03"),
        ("産業", "cat04"),
        ("地域", "area"),
        ("表章項目", "tab"),
        ("時間軸", None),  # time is never chosen by a word
        ("学歴", None),
    ],
)
def test_words_name_classifications(word: str, class_id: str | None) -> None:
    found = find_classification(prefecture_table(), word)
    assert (found.id if found else None) == class_id


def test_a_bracketed_tail_is_not_part_of_the_word() -> None:
    meta = table(dim("cat05", "学歴_基本８区分（2020年～）", "学歴計"), dim("cat03", "職種（小分類）", "デザイナー"))
    assert [find_classification(meta, w).id for w in ("学歴", "職種")] == ["cat05", "cat03"]


def test_a_word_in_two_classification_names_raises() -> None:
    meta = table(dim("cat01", "産業・企業規模", "産業計"), dim("cat02", "産業分類", "産業計"))
    with pytest.raises(SelectionError) as info:
        find_classification(meta, "産業")
    assert "'産業' names several classifications: cat01 '産業・企業規模', cat02 '産業分類'" in info.value.message


# --- resolve -------------------------------------------------------------------------------------


def test_resolve_chooses_every_classification_of_the_real_layout() -> None:
    selection = resolve(prefecture_table(), "年間賞与その他特別給与額", {"年齢": "20～24歳"}, TOTALS)
    assert selection.stats_data_id == "0003426933"
    assert selection.measure_class == "tab"
    assert dict(selection.codes) == {
        "tab": ("12", "44"),
        "cat02": ("03",),
        "cat03": ("01",),
        "cat04": ("01",),
        "cat01": ("01",),
        "area": ("00000",),
    }
    assert selection.names["cat04"] == "Ｔ１ 産業計"
    assert selection.names["cat03"] == "企業規模計（10人以上）"


def test_categories_override_totals() -> None:
    wanted = {"年齢": "30～34歳", "性別": "女", "地域": "東京都"}
    selection = resolve(prefecture_table(), "所定内給与額", wanted, TOTALS)
    codes = selection.codes
    assert (codes["cat01"], codes["cat02"], codes["area"]) == (("03",), ("05",), ("13000",))


def test_two_words_for_one_classification_raise() -> None:
    with pytest.raises(SelectionError) as info:
        resolve(prefecture_table(), "所定内給与額", {"年齢": "20～24歳", "年齢階級": "25～29歳"}, TOTALS)
    assert info.value.message == (
        "table 0003426933: '年齢階級' names cat02 '年齢階級_基本', which another word chose already"
    )


def test_a_named_classification_the_table_lacks_raises() -> None:
    with pytest.raises(SelectionError) as info:
        resolve(prefecture_table(), "所定内給与額", {"職種": "美術家，写真家，映像撮影者"}, TOTALS)
    assert info.value.message.startswith(
        "table 0003426933: no classification matches '職種' (for '美術家，写真家，映像撮影者'); "
        "the table has tab '表章項目', "
    )


def test_totals_skip_classifications_the_table_lacks() -> None:
    meta = table(dim("tab", "表章項目", "所定内給与額"), dim("cat01", "性別", "男女計", "男"))
    selection = resolve(meta, "所定内給与額", {}, {"産業": "産業計", "性別": "男女計"})
    assert dict(selection.codes) == {"tab": ("01",), "cat01": ("01",)}


def test_a_classification_without_a_choice_and_several_items_stops_the_run() -> None:
    meta = table(dim("tab", "表章項目", "所定内給与額"), dim("cat05", "学歴_基本８区分（2020年～）", "学歴計", "大学"))
    with pytest.raises(SelectionError) as info:
        resolve(meta, "所定内給与額", {}, TOTALS)
    assert info.value.message == (
        "table T: cat05 '学歴_基本８区分（2020年～）' is chosen neither by the indicator nor by a total, and has 2 "
        "items: '学歴計', '大学'; name one in the catalog"
    )


def test_a_single_item_classification_needs_no_choice() -> None:
    meta = table(dim("tab", "表章項目", "所定内給与額"), dim("cat06", "民・公区分", "民営＋公営"))
    assert resolve(meta, "所定内給与額", {}).codes["cat06"] == ("01",)


def test_the_measure_may_sit_in_a_category() -> None:
    meta = table(
        dim("tab", "表章事項", "人口"),
        dim("cat01", "表章項目", "所定内給与額", "年間賞与その他特別給与額"),
        dim("cat02", "性別", "男女計"),
    )
    selection = resolve(meta, "年間賞与その他特別給与額", {})
    assert (selection.measure_class, selection.codes["cat01"], selection.codes["tab"]) == ("cat01", ("02",), ("01",))


def test_a_missing_measure_lists_the_tab_items() -> None:
    with pytest.raises(SelectionError) as info:
        resolve(prefecture_table(), "現金給与総額", {}, TOTALS)
    assert info.value.message.startswith(
        "table 0003426933: measure '現金給与総額' is in no classification; tab '表章項目' has '所定内給与額', "
    )


def test_a_measure_in_two_categories_raises() -> None:
    meta = table(dim("cat01", "項目A", "所定内給与額"), dim("cat02", "項目B", "所定内給与額"))
    with pytest.raises(SelectionError, match="measure '所定内給与額' is in several classifications: cat01"):
        resolve(meta, "所定内給与額", {})


names = st.sampled_from(["男女計", "Ｔ１ 産業計", "産業計", "20～24歳", "所定内給与額", "", " ", "Ｔ２ 産業計", "x"])
items = st.builds(ClassItem, code=st.sampled_from(["01", "02", "42"]), name=names | st.text(max_size=6),
                  parent=st.none() | st.sampled_from(["01", "02"]))
classifications = st.builds(
    Classification,
    id=st.sampled_from(["tab", "cat01", "cat02", "cat03", "area", "time"]),
    name=st.sampled_from(["表章項目", "性別_基本", "産業分類", "年齢階級_基本", "地域"]) | st.text(max_size=6),
    items=st.lists(items, max_size=5).map(tuple),
)


@PROPERTY_SETTINGS
@given(
    st.lists(classifications, max_size=5).map(tuple),
    names | st.text(max_size=6),
    st.dictionaries(st.sampled_from(["性別", "産業", "年齢", "地域", ""]), names, max_size=3),
)
def test_any_class_inf_resolves_or_raises_a_selection_error(found: tuple, measure: str, wanted: dict) -> None:
    meta = table(*found)
    try:
        selection = resolve(meta, measure, wanted, TOTALS)
    except SelectionError as exc:
        assert exc.message.startswith(("table T: ", "table T:"))
        return
    present = {c.id for c in found if c.id != "time"}
    assert set(selection.codes) == present
    for class_id, codes in selection.codes.items():
        assert codes and all(c in {i.code for x in found if x.id == class_id for i in x.items} for c in codes)
