"""Claims: what each figure is about (topic, area, period), and amounts given as equivalents."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from transforms.claims import (
    CLAIM_SCHEMA,
    LEXICON_PATH,
    PAIR_SCHEMA,
    LexiconError,
    check_equivalent_pairs,
    load_lexicon,
    resolve_claims,
)

ROOT = Path(__file__).resolve().parent.parent.parent
SEED_DIR = ROOT / "tests" / "fixtures" / "seed"
FIGURE_COLUMNS = {
    "surface": pl.String(),
    "start": pl.Int64(),
    "end": pl.Int64(),
    "value": pl.Float64(),
    "unit": pl.String(),
    "qualifier": pl.String(),
    "ambiguous": pl.Boolean(),
    "note": pl.String(),
}
FX = {"TWD": 4.5, "USD": 150.0}  # yen per unit (140.5 JPY/USD ÷ 31.16 TWD/USD ≈ 4.5)


def seed_text() -> str:
    """Lines 1–25 of the seed article (its body, before the repeated copy), as the gold file counts them."""
    lines = (SEED_DIR / "takaichi-ai-anime-fr.txt").read_text(encoding="utf-8").split("\n")[:25]
    return "\n".join(lines)


def gold() -> list[dict]:
    return [json.loads(line) for line in (SEED_DIR / "figures.gold.jsonl").read_text(encoding="utf-8").splitlines()]


def gold_figures() -> pl.DataFrame:
    """The figures frame of extract_figures, built by hand from the gold file (line/char → offsets)."""
    text = seed_text()
    line_starts = [0]
    for line in text.split("\n"):
        line_starts.append(line_starts[-1] + len(line) + 1)
    rows = []
    for g in gold():
        start = line_starts[g["line"] - 1] + g["char"]
        end = start + len(g["surface"])
        assert text[start:end] == g["surface"]
        rows.append(
            {
                "surface": g["surface"],
                "start": start,
                "end": end,
                "value": g["value"],
                "unit": g["unit"],
                "qualifier": g["qualifier"],
                "ambiguous": False,
                "note": g["note"] or None,
            }
        )
    return pl.DataFrame(rows, schema=FIGURE_COLUMNS)


def figures_for(text: str, *specs: tuple[str, float, str, str]) -> pl.DataFrame:
    """A figures frame for (surface, value, unit, qualifier) written in that order in `text`."""
    rows, pos = [], 0
    for surface, value, unit, qualifier in specs:
        start = text.index(surface, pos)
        pos = start + len(surface)
        rows.append(
            {
                "surface": surface,
                "start": start,
                "end": pos,
                "value": value,
                "unit": unit,
                "qualifier": qualifier,
                "ambiguous": False,
                "note": None,
            }
        )
    return pl.DataFrame(rows, schema=FIGURE_COLUMNS)


@pytest.fixture(scope="module")
def seed_claims() -> pl.DataFrame:
    return resolve_claims(seed_text(), gold_figures(), "fr", "seed", 2025)


def claim_of(claims: pl.DataFrame, figure_index: int) -> dict:
    rows = claims.filter(pl.col("figure_index") == figure_index).to_dicts()
    assert len(rows) == 1, f"figure {figure_index} has {len(rows)} claims"
    return rows[0]


def index_of(surface: str, nth: int = 0) -> int:
    return [i for i, g in enumerate(gold()) if g["surface"] == surface][nth]


# --------------------------------------------------------------------------------------------------
# The seed article
# --------------------------------------------------------------------------------------------------


def test_every_gold_figure_of_the_seed_gets_its_gold_topic(seed_claims: pl.DataFrame) -> None:
    assert seed_claims.schema == pl.Schema(CLAIM_SCHEMA)
    assert seed_claims["figure_index"].to_list() == list(range(len(gold())))
    assert seed_claims["topic"].to_list() == [g["topic"] for g in gold()]
    assert set(seed_claims["article_id"]) == {"seed"}


def test_seed_targets_deficit_and_foreign_budgets(seed_claims: pl.DataFrame) -> None:
    for nth in range(4):  # every 20兆円 is the overseas-sales target, with no year stated near it
        row = claim_of(seed_claims, index_of("20兆円", nth))
        assert row["topic"] == "content_overseas_sales"
        assert (row["period"], row["period_kind"]) == (None, None)
        assert "no target year" in row["note"]
    for nth in (0, 2):  # "estimée à 45兆円 … d'ici 2035", "d'ici 2035, … pourrait atteindre 45兆円" (1: the title)
        row = claim_of(seed_claims, index_of("45兆円", nth))
        assert (row["topic"], row["area"], row["period"], row["period_kind"]) == (
            "digital_deficit",
            "JPN",
            "2035",
            "target",
        )
        assert "d'ici 2035" in row["note"]
    areas = {s: claim_of(seed_claims, index_of(s))["area"] for s in ("762 億日圓", "1 238 億日圓", "6 176 億日圓")}
    assert areas == {"762 億日圓": "KOR", "1 238 億日圓": "CHN", "6 176 億日圓": "USA"}
    # Japan's own budget next to them stays Japanese and keeps the base topic.
    row = claim_of(seed_claims, index_of("252 億円"))
    assert (row["topic"], row["area"]) == ("content_overseas_support_budget", "JPN")
    # "il reste inférieur à celui des États-Unis ou de la Chine": the comparison is not the figure's area.
    assert claim_of(seed_claims, index_of("1兆円", 3))["area"] == "JPN"


def test_seed_periods_stated_and_inferred(seed_claims: pl.DataFrame) -> None:
    for surface in ("196,6 万円", "40 000 TWD", "292,8 万円", "330 万円"):  # "(JANICA) en 2023"
        row = claim_of(seed_claims, index_of(surface))
        assert (row["period"], row["period_kind"]) == ("2023", "stated"), surface
    assert claim_of(seed_claims, index_of("15兆円"))["period"] == "2024"  # "en 2024, … dépassera 15兆円"
    assert claim_of(seed_claims, index_of("10 millions de yen"))["period"] == "2023"  # "en octobre 2023"
    row = claim_of(seed_claims, index_of("550 億円"))
    assert (row["period"], row["period_kind"]) == ("2025", "inferred_from_publication")
    assert "publication year" in row["note"]
    unknown_year = resolve_claims(seed_text(), gold_figures(), "fr", "seed", None)
    row = claim_of(unknown_year, index_of("550 億円"))
    assert (row["period"], row["period_kind"]) == (None, None)


def test_seed_sentences_confidence_and_notes(seed_claims: pl.DataFrame) -> None:
    surfaces = gold_figures()["surface"].to_list()
    for row in seed_claims.iter_rows(named=True):
        assert surfaces[row["figure_index"]] in row["sentence"]
        assert 0 < len(row["sentence"]) <= 400
        assert 0.0 <= row["confidence"] <= 1.0
        assert row["note"].startswith(("topic ", "given as the equivalent", "same amount"))
    row = claim_of(seed_claims, index_of("45兆円"))
    assert row["sentence"].startswith("Cette initiative vise à contrer la crise du déficit numérique")
    # A keyword in the figure's clause is surer than one borrowed from the previous figure.
    assert (
        claim_of(seed_claims, index_of("45兆円"))["confidence"]
        > claim_of(seed_claims, index_of("762 億日圓"))["confidence"]
    )
    assert "same claim" in claim_of(seed_claims, index_of("40 000 TWD"))["note"]


def test_the_twd_restatement_of_the_seed_is_flagged() -> None:
    pairs = check_equivalent_pairs(seed_text(), gold_figures(), {"TWD": 4.5})
    assert pairs.schema == pl.Schema(PAIR_SCHEMA)
    assert pairs.height == 1
    row = pairs.row(0, named=True)
    assert (row["figure_index_a"], row["figure_index_b"]) == (index_of("196,6 万円"), index_of("40 000 TWD"))
    assert row["value_a_jpy"] == pytest.approx(1_966_000)
    assert row["value_b_jpy"] == pytest.approx(180_000)
    assert row["ratio"] == pytest.approx(180_000 / 1_966_000)
    assert row["consistent"] is False
    assert row["reason"] == "40 000 TWD ≈ 180 000 JPY at 4.5 JPY/TWD, but 196,6 万円 = 1 966 000 JPY: off by 10.9x"


def test_a_pair_without_a_rate_is_not_flagged() -> None:
    pairs = check_equivalent_pairs(seed_text(), gold_figures(), {"USD": 150.0})
    row = pairs.row(0, named=True)
    assert row["consistent"] is None and row["ratio"] is None and row["value_b_jpy"] is None
    assert row["reason"].startswith("no JPY rate for TWD")


@pytest.mark.parametrize(
    ("text", "specs", "consistent"),
    [
        (
            "The subsidy totals 1 trillion yen (about $6.7 billion).",
            [("1 trillion yen", 1e12, "JPY", "exact"), ("$6.7 billion", 6.7e9, "USD", "approx")],
            True,
        ),
        (
            "Le budget atteint 1兆円, soit 5 milliards de dollars.",
            [("1兆円", 1e12, "JPY", "exact"), ("5 milliards de dollars", 5e9, "USD", "exact")],
            False,
        ),
        (
            "年収は1万ドル（150万円相当）だった。",
            [("1万ドル", 1e4, "USD", "exact"), ("150万円", 1.5e6, "JPY", "exact")],
            True,
        ),
    ],
)
def test_equivalents_in_other_languages(text: str, specs: list, consistent: bool) -> None:
    pairs = check_equivalent_pairs(text, figures_for(text, *specs), FX)
    assert pairs["consistent"].to_list() == [consistent]
    assert pairs["reason"][0].endswith("(ratio 1.00)" if consistent else "off by 1.3x")


@pytest.mark.parametrize(
    ("text", "specs"),
    [
        # Same currency, a list, a comparison, another sentence: not equivalents.
        (
            "Le budget passe de 252 億円 (2024) à 550 億円.",
            [("252 億円", 2.52e10, "JPY", "exact"), ("550 億円", 5.5e10, "JPY", "exact")],
        ),
        (
            "Japan spends 1 trillion yen and Korea $6.7 billion.",
            [("1 trillion yen", 1e12, "JPY", "exact"), ("$6.7 billion", 6.7e9, "USD", "exact")],
        ),
        (
            "Il dépense 1兆円. Environ 5 milliards USD vont à l'IA.",
            [("1兆円", 1e12, "JPY", "exact"), ("5 milliards USD", 5e9, "USD", "exact")],
        ),
    ],
)
def test_amounts_that_are_not_equivalents(text: str, specs: list) -> None:
    assert check_equivalent_pairs(text, figures_for(text, *specs), FX).height == 0


# --------------------------------------------------------------------------------------------------
# Other languages and rules
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "text", "spec", "expected"),
    [
        (
            "ja",
            "経済産業省は、2035年までにデジタル赤字が45兆円に拡大する可能性があると試算している。",
            ("45兆円", 4.5e13, "JPY", "estimate"),
            ("digital_deficit", "JPN", "2035", "target"),
        ),
        (
            "en",
            "Japan's digital deficit could reach 45 trillion yen by 2035, METI estimated.",
            ("45 trillion yen", 4.5e13, "JPY", "estimate"),
            ("digital_deficit", "JPN", "2035", "target"),
        ),
        (
            "de",
            "Im Jahr 2024 betrug das Digitaldefizit 6,65 Billionen Yen.",
            ("6,65 Billionen Yen", 6.65e12, "JPY", "exact"),
            ("digital_deficit", "JPN", "2024", "stated"),
        ),
        (
            "de",
            "Das digitale Defizit Japans könnte bis 2030 auf 10 Billionen Yen steigen.",
            ("10 Billionen Yen", 1e13, "JPY", "estimate"),
            ("digital_deficit", "JPN", "2030", "target"),
        ),
        (
            "zh",
            "经济产业省预计，到2035年日本的数字贸易逆差将达到45万亿日元。",
            ("45万亿日元", 4.5e13, "JPY", "estimate"),
            ("digital_deficit", "JPN", "2035", "target"),
        ),
        (
            "ja",
            "2024年度のコンテンツ海外展開支援予算は550億円だった。",
            ("550億円", 5.5e10, "JPY", "exact"),
            ("content_overseas_support_budget", "JPN", "FY2024", "stated"),
        ),
        (
            "ja",
            "令和6年度の補助金は550億円。",
            ("550億円", 5.5e10, "JPY", "exact"),
            ("content_overseas_support_budget", "JPN", "FY2024", "stated"),
        ),
        (
            "en",
            "In 2024 the yen averaged 151.5 yen per dollar; the exchange rate weighed on imports.",
            ("151.5 yen", 151.5, "JPY", "exact"),
            ("usd_jpy_rate", "JPN", "2024", "stated"),
        ),
    ],
)
def test_topic_area_and_period_across_languages(lang: str, text: str, spec: tuple, expected: tuple) -> None:
    row = resolve_claims(text, figures_for(text, spec), lang, "a1", 2025).row(0, named=True)
    assert (row["topic"], row["area"], row["period"], row["period_kind"]) == expected


def test_a_topic_mapped_to_a_catalog_indicator_carries_it() -> None:
    text = "In 2023 the telecommunications, computer, and information services deficit was 2.5 trillion yen."
    row = resolve_claims(text, figures_for(text, ("2.5 trillion yen", 2.5e12, "JPY", "exact")), "en", "a", 2025)
    assert (row["topic"][0], row["indicator_id"][0]) == ("ict_services_balance", "bop_services_907_net")


def test_area_names_attach_before_the_figure_in_japanese_and_after_in_french() -> None:
    ja = "韓国は762億円、中国は1238億円、米国は6176億円をコンテンツ産業の支援に充てている。"
    specs = [
        ("762億円", 7.62e10, "JPY", "exact"),
        ("1238億円", 1.238e11, "JPY", "exact"),
        ("6176億円", 6.176e11, "JPY", "exact"),
    ]
    claims = resolve_claims(ja, figures_for(ja, *specs), "ja", "a", 2025)
    assert claims["area"].to_list() == ["KOR", "CHN", "USA"]
    assert set(claims["topic"]) == {"content_support_budget"}
    # A Japanese headline: the next clause's subject (韓国は) is not the figure's area.
    head = "コンテンツ海外売上高、2023年は5.8兆円 韓国は支援予算を拡大\n日本のコンテンツが海外で伸びた。"
    row = resolve_claims(head, figures_for(head, ("5.8兆円", 5.8e12, "JPY", "exact")), "ja", "a", 2025).row(
        0, named=True
    )
    assert (row["topic"], row["area"], row["period"]) == ("content_overseas_sales", "JPN", "2023")


def test_a_keyword_after_a_comparison_word_is_the_compared_quantity() -> None:
    text = "Animators earned 2.9 million yen a year on average in 2023, below the national median of 3.3 million yen."
    specs = [("2.9 million yen", 2.9e6, "JPY", "exact"), ("3.3 million yen", 3.3e6, "JPY", "exact")]
    claims = resolve_claims(text, figures_for(text, *specs), "en", "a", 2025)
    assert claims["topic"].to_list() == ["animator_annual_wage", "median_annual_wage"]


def test_percent_figures_only_take_percent_topics() -> None:
    text = "Les ventes à l'étranger de l'animation ont progressé de 26 %, à 1 兆円."
    specs = [("26 %", 26.0, "percent", "exact"), ("1 兆円", 1e12, "JPY", "exact")]
    claims = resolve_claims(text, figures_for(text, *specs), "fr", "a", 2025)
    assert claims["topic"].to_list() == ["anime_overseas_sales_growth", "content_overseas_sales"]


def test_no_japan_default_for_an_article_about_another_country() -> None:
    text = "South Korea raised its support for content creators.\nOfficials said the subsidy will reach 1 trillion won."
    row = resolve_claims(text, figures_for(text, ("1 trillion won", 1e12, "KRW", "exact")), "en", "a", 2025)
    assert row["topic"].to_list() == ["content_overseas_support_budget"]
    assert row["area"].to_list() == [None]
    assert "not about the home area" in row["note"][0]


def test_a_figure_linked_to_nothing_has_no_row() -> None:
    text = "Il a payé 5 000 yens hier.\nLa météo était belle."
    assert resolve_claims(text, figures_for(text, ("5 000 yens", 5e3, "JPY", "exact")), "fr", "a", 2025).height == 0
    assert resolve_claims(text, pl.DataFrame(schema=FIGURE_COLUMNS), "fr", "a", 2025).schema == pl.Schema(CLAIM_SCHEMA)


def test_with_the_figure_extractor_on_the_seed() -> None:
    from transforms.figures import extract_figures

    text = seed_text()
    figures = extract_figures(text, "fr")
    claims = resolve_claims(text, figures, "fr", "seed", 2025)
    by_surface = {}
    for row in claims.iter_rows(named=True):
        by_surface.setdefault(figures["surface"][row["figure_index"]], []).append(row)
    assert {r["topic"] for r in by_surface["45兆円"]} == {"digital_deficit"}
    assert {(r["area"], r["topic"]) for r in by_surface["762 億日圓"]} == {("KOR", "content_support_budget")}
    pairs = check_equivalent_pairs(text, figures, {"TWD": 4.5})
    assert pairs.filter(~pl.col("consistent")).height == 1


# --------------------------------------------------------------------------------------------------
# The lexicon
# --------------------------------------------------------------------------------------------------


def test_lexicon_indicators_exist_in_the_catalog_and_topics_cover_five_languages() -> None:
    raw = yaml.safe_load(LEXICON_PATH.read_text(encoding="utf-8"))
    indicators = {i["id"] for i in yaml.safe_load((ROOT / "catalog" / "indicators.yaml").read_text())["indicators"]}
    mapped = {t["indicator_id"] for t in raw["topics"].values() if t.get("indicator_id")}
    assert mapped and mapped <= indicators
    related = {i for t in raw["topics"].values() for i in t.get("related_indicators", [])}
    assert related <= indicators
    for topic_id, topic in raw["topics"].items():
        assert set(topic["keywords"]) == {"en", "fr", "de", "ja", "zh"}, topic_id
        assert all(topic["keywords"][lang] for lang in topic["keywords"]), topic_id
    for code, area in raw["areas"].items():
        assert len(code) == 3 and code.isupper()
        assert all(area["names"][lang] for lang in ("en", "fr", "de", "ja", "zh")), code
    assert len(load_lexicon().periods) == len(raw["periods"])


def test_a_broken_lexicon_names_the_entry(tmp_path: Path) -> None:
    path = tmp_path / "claims.yaml"
    path.write_text("topics:\n  t: {unit_class: money, keywords: {en: [x]}}\nperiods:\n  - {pattern: 'in \\d{4}'}\n")
    with pytest.raises(LexiconError, match=r"periods\[0\].*year"):
        load_lexicon(path)
    path.write_text("topics:\n  t: {unit_class: dollars, keywords: {en: [x]}}\n")
    with pytest.raises(LexiconError, match=r"topics\.t: unit_class"):
        load_lexicon(path)


# --------------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------------

_WORDS = st.sampled_from(
    [
        "déficit numérique",
        "d'ici 2035",
        "Corée du Sud",
        "韓国",
        "2024年度",
        "(environ",
        "soit",
        "、約",
        "en 2024",
        "1兆円",
        " ",
        "\n",
        ".",
        ",",
        "。",
        "subvention",
        "AI",
        "médian",
        "inférieur à",
        "’",
        "by 2030",
        "令和元年",
    ]
)


@st.composite
def text_and_figures(draw: st.DrawFn) -> tuple[str, pl.DataFrame]:
    text = "".join(draw(st.lists(st.one_of(_WORDS, st.text(max_size=12)), max_size=25)))
    n = draw(st.integers(0, 8))
    bound = len(text) + 3
    rows = []
    for _ in range(n):
        start = draw(st.one_of(st.none(), st.integers(-2, bound)))
        end = draw(st.one_of(st.none(), st.integers(-2, bound)))
        rows.append(
            {
                "surface": "x",
                "start": start,
                "end": end,
                "value": draw(st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True))),
                "unit": draw(st.sampled_from([None, "JPY", "USD", "TWD", "percent", "pp", "???"])),
                "qualifier": draw(st.sampled_from([None, "exact", "target", "estimate", "approx"])),
                "ambiguous": False,
                "note": None,
            }
        )
    return text, pl.DataFrame(rows, schema=FIGURE_COLUMNS)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text_and_figures(),
    st.sampled_from(["fr", "ja", "en", "de", "zh", "", "xx-YY"]),
    st.one_of(st.none(), st.integers(1900, 2100)),
)
def test_resolve_claims_never_raises_and_keeps_figure_index_in_range(
    data: tuple[str, pl.DataFrame], lang: str, year: int | None
) -> None:
    text, figures = data
    claims = resolve_claims(text, figures, lang, "rand", year)
    assert claims.schema == pl.Schema(CLAIM_SCHEMA)
    indexes = claims["figure_index"].to_list()
    assert all(0 <= i < figures.height for i in indexes)
    assert len(indexes) == len(set(indexes))
    pairs = check_equivalent_pairs(text, figures, {"TWD": 4.5, "USD": float("nan")})
    assert pairs.schema == pl.Schema(PAIR_SCHEMA)
    assert all(0 <= i < figures.height for i in pairs["figure_index_a"].to_list() + pairs["figure_index_b"].to_list())


# --------------------------------------------------------------------------------------------------
# Definitions a figure's sentence names (the digital deficit including the hidden part)
# --------------------------------------------------------------------------------------------------


def test_the_seeds_45_trillion_is_the_deficit_including_the_hidden_part(seed_claims: pl.DataFrame) -> None:
    # "le déficit numérique global du pays pourrait atteindre 45兆円" names it; the lead and the heading
    # repeat the amount without the word and take it from there
    rows = [claim_of(seed_claims, index_of("45兆円", nth)) for nth in range(3)]
    assert [r["definition"] for r in rows] == ["including_hidden"] * 3
    assert "definition including_hidden from 'global'" in rows[2]["note"]
    assert "the same amount where the article names it" in rows[0]["note"]
    others = seed_claims.filter(~pl.col("figure_index").is_in([index_of("45兆円", n) for n in range(3)]))
    assert others["definition"].null_count() == others.height


@pytest.mark.parametrize(
    ("lang", "text", "spec", "definition"),
    [
        ("ja", "隠れデジタル赤字を含めると、デジタル赤字は2035年に最大45兆円に拡大する。",
         ("45兆円", 4.5e13, "JPY", "estimate"), "including_hidden"),
        ("en", "Including the hidden digital deficit, Japan's digital deficit could reach 45 trillion yen by 2035.",
         ("45 trillion yen", 4.5e13, "JPY", "estimate"), "including_hidden"),
        ("fr", "Le déficit numérique, y compris la part cachée, pourrait atteindre 45兆円 d'ici 2035.",
         ("45兆円", 4.5e13, "JPY", "estimate"), "including_hidden"),
        ("en", "Japan's digital deficit could reach 28 trillion yen by 2035 in the pessimistic scenario.",
         ("28 trillion yen", 2.8e13, "JPY", "estimate"), None),
        ("ja", "デジタル赤字は2035年に28兆円に拡大する可能性がある。", ("28兆円", 2.8e13, "JPY", "estimate"), None),
    ],
)
def test_a_definition_word_in_the_sentence_names_the_definition(
    lang: str, text: str, spec: tuple, definition: str | None
) -> None:
    row = resolve_claims(text, figures_for(text, spec), lang, "a", 2025).row(0, named=True)
    assert row["topic"] == "digital_deficit"
    assert row["definition"] == definition


def test_a_definition_word_does_not_reach_past_a_neighbouring_figure() -> None:
    text = "Le déficit numérique global atteindrait 45兆円, contre 28兆円 pour les seuls services, d'ici 2035."
    specs = [("45兆円", 4.5e13, "JPY", "estimate"), ("28兆円", 2.8e13, "JPY", "estimate")]
    claims = resolve_claims(text, figures_for(text, *specs), "fr", "a", 2025)
    assert claims["definition"].to_list() == ["including_hidden", None]


def test_only_topics_with_definitions_carry_one() -> None:
    text = "La balance courante globale du Japon a atteint 29兆円 en 2024."
    row = resolve_claims(text, figures_for(text, ("29兆円", 2.9e13, "JPY", "exact")), "fr", "a", 2025).row(
        0, named=True
    )
    assert row["topic"] == "current_account_balance" and row["definition"] is None
