"""The e-Stat indicators say in words what they need; the loader reads and checks those words."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from catalog import CatalogError, load_catalog
from catalog.loader import CATALOG_DIR, EstatSelection

#: The indicator ids marts/50_creator_pay_gap.sql reads (wage_<measure>_<group>_<age>).
MART_IDS = {
    f"wage_{measure}_{group}_{age}"
    for measure in ("scheduled_monthly", "annual_bonus")
    for group in ("all", "arts")
    for age in ("20_24", "25_29", "30_34", "35_39", "40_44")
}


def test_creators_pay_indicators_name_measures_groups_and_ages_in_words() -> None:
    catalog = load_catalog()
    indicators = {i.id: i for i in catalog.indicators_of("estat")}
    assert set(indicators) == MART_IDS
    arts = indicators["wage_annual_bonus_arts_25_29"]
    assert arts.estat == EstatSelection(
        "occupation", "年間賞与その他特別給与額", (("職種", "美術家，写真家，映像撮影者"), ("年齢", "25～29歳"))
    )
    assert arts.series_code == "occupation:年間賞与その他特別給与額|職種=美術家，写真家，映像撮影者|年齢=25～29歳"
    everyone = indicators["wage_scheduled_monthly_all_40_44"]
    assert everyone.estat == EstatSelection("age", "所定内給与額", (("年齢", "40～44歳"),))
    assert all(not any(ch.isdigit() for ch in i.estat.measure) for i in indicators.values() if i.estat)
    options = catalog.sources["estat"].options
    assert options["totals"] == {
        "企業規模": "企業規模計（10人以上）", "産業": "産業計", "性別": "男女計", "学歴": "学歴計",
        "民・公区分": "民営＋公営", "地域": "全国",
    }
    assert set(options["tables"]) == {"age", "occupation"}
    assert "series_keys" not in options and "stats_data_id" not in options


def _catalog_copy(tmp_path: Path) -> Path:
    target = tmp_path / "catalog"
    shutil.copytree(CATALOG_DIR, target, ignore=shutil.ignore_patterns("*.py", "__pycache__", "reference"))
    return target


FIRST = "    estat: {table: age, measure: 所定内給与額, categories: {年齢: 20～24歳}}\n"


@pytest.mark.parametrize(
    ("file", "edit", "message"),
    [
        ("indicators.yaml", lambda t: t.replace(FIRST, "    estat: {table: age, categories: {年齢: 20～24歳}}\n"),
         "estat: needs a measure"),
        ("indicators.yaml", lambda t: t.replace(FIRST, FIRST.replace("table: age", "table: ages")),
         "estat.table 'ages' is not a table of source 'estat' (age, occupation)"),
        ("indicators.yaml", lambda t: t.replace(FIRST, FIRST.replace("{年齢: 20～24歳}", "[年齢]")),
         "estat.categories must map a classification word to an item name"),
        ("indicators.yaml", lambda t: t.replace(FIRST, FIRST.replace("20～24歳", "25～29歳")),
         "is already declared by another indicator"),
        ("indicators.yaml", lambda t: t.replace(FIRST, ""), "series needs a code (or, for an e-Stat source"),
        ("sources.yaml", lambda t: t.replace("        title_words: [一般, 職種（小分類）]\n", ""),
         "sources.yaml: source 'estat': table 'occupation' needs title_words"),
        ("sources.yaml", lambda t: t.replace("      地域: 全国\n", "      地域: [全国]\n"),
         "sources.yaml: source 'estat': totals must map a classification word to an item name"),
    ],
    ids=["no-measure", "unknown-table", "categories-list", "same-words", "no-block", "no-title-words", "bad-totals"],
)
def test_estat_catalog_errors_name_the_entry(
    tmp_path: Path, file: str, edit: Callable[[str], str], message: str
) -> None:
    folder = _catalog_copy(tmp_path)
    path = folder / file
    text = path.read_text()
    edited = edit(text)
    assert edited != text
    path.write_text(edited)
    with pytest.raises(CatalogError) as info:
        load_catalog(folder)
    assert message in str(info.value)
    if file == "indicators.yaml":
        assert "indicators.yaml: entry" in str(info.value)


def test_an_estat_block_needs_a_source_with_tables(tmp_path: Path) -> None:
    folder = _catalog_copy(tmp_path)
    path = folder / "indicators.yaml"
    text = path.read_text()
    path.write_text(text.replace("    series: {code: PA.NUS.FCRF}\n",
                                 "    estat: {measure: 所定内給与額}\n", 1))
    with pytest.raises(CatalogError, match="needs a source with tables \\(source 'worldbank' has none\\)"):
        load_catalog(folder)


def test_a_single_table_may_be_left_unnamed(tmp_path: Path) -> None:
    folder = _catalog_copy(tmp_path)
    sources = folder / "sources.yaml"
    text = sources.read_text()
    start = text.index("      occupation:")
    end = text.index("    # The item taken")
    sources.write_text(text[:start] + text[end:])
    indicators = folder / "indicators.yaml"
    kept = [block for block in indicators.read_text().split("  - id: ") if "_arts_" not in block.split("\n", 1)[0]]
    indicators.write_text("  - id: ".join(kept).replace("estat: {table: age, ", "estat: {"))
    catalog = load_catalog(folder)
    assert {i.estat.table for i in catalog.indicators_of("estat") if i.estat} == {"age"}
