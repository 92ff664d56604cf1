"""Tests for `transforms.figures`: the seed's gold figures, one case per rule in five languages, and
properties that must hold for any text (schema, offsets, never raising)."""

from __future__ import annotations

import inspect
import json
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from transforms.figures import FIGURE_SCHEMA, detect_language, extract_figures

SEED_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "seed"
SEED_TEXT = SEED_DIR / "takaichi-ai-anime-fr.txt"
SEED_GOLD = SEED_DIR / "figures.gold.jsonl"


def _seed() -> tuple[str, list[int], list[dict]]:
    text = SEED_TEXT.read_text(encoding="utf-8")
    line_starts = [0]
    for i, ch in enumerate(text):
        if ch == "\n":
            line_starts.append(i + 1)
    gold = [json.loads(line) for line in SEED_GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    return text, line_starts, gold


def _line_char(line_starts: list[int], offset: int) -> tuple[int, int]:
    line = max(i for i, s in enumerate(line_starts) if s <= offset)
    return line + 1, offset - line_starts[line]


def _rows(df: pl.DataFrame) -> list[dict]:
    return list(df.iter_rows(named=True))


# --------------------------------------------------------------------------------------------------
# Gold
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["fr", None])
def test_seed_matches_gold(lang: str | None) -> None:
    text, line_starts, gold = _seed()
    end_of_25 = line_starts[25]  # start of line 26
    df = extract_figures(text, lang)
    got = {r["start"]: r for r in _rows(df) if r["start"] < end_of_25}

    expected_starts = set()
    for g in gold:
        start = line_starts[g["line"] - 1] + g["char"]
        expected_starts.add(start)
        assert text[start : start + len(g["surface"])] == g["surface"], g  # gold positions are right
        assert start in got, f"missing gold figure {g['surface']!r} at line {g['line']} char {g['char']}"
        row = got[start]
        assert row["surface"] == g["surface"]
        assert row["end"] == start + len(g["surface"])
        assert row["value"] == pytest.approx(g["value"], rel=1e-12), g
        assert row["unit"] == g["unit"], g
        assert row["qualifier"] == g["qualifier"], g

    extras = {(*_line_char(line_starts, s), got[s]["surface"]) for s in set(got) - expected_starts}
    assert extras == set()  # precision 1.00: every figure reported in lines 1–25 is in the gold


def test_seed_ambiguity_and_notes() -> None:
    text, line_starts, _ = _seed()
    rows = {(r["surface"], r["start"]): r for r in _rows(extract_figures(text, "fr"))}
    trillion = rows[("1 trillion de yens", line_starts[0] + 55)]
    assert trillion["ambiguous"] is True
    assert "1e18" in trillion["note"] and "1e12" in trillion["note"]
    milliards = rows[("55 milliards", line_starts[0] + 105)]
    assert milliards["unit"] == "JPY"
    assert milliards["note"] == "currency inferred from context: JPY"
    twd = rows[("40 000 TWD", line_starts[20] + 385)]
    assert twd["value"] == 40000.0
    assert twd["ambiguous"] is True  # 196,6 万円 is ~400 000 TWD, not 40 000: detected, flagged
    assert "196,6 万円" in twd["note"]
    exact = rows[("550 億円", line_starts[1] + 180)]
    assert exact["ambiguous"] is False and exact["note"] is None


def test_seed_repeat_reads_the_same() -> None:
    """Lines 28–52 repeat lines 1–25 word for word: same figures, same readings."""
    text, line_starts, _ = _seed()
    df = extract_figures(text, "fr")
    first = df.filter(pl.col("start") < line_starts[25])
    end_of_52 = line_starts[52] if len(line_starts) > 52 else len(text)
    second = df.filter((pl.col("start") >= line_starts[27]) & (pl.col("start") < end_of_52))
    shift = line_starts[27]
    assert first.drop("start", "end").equals(second.drop("start", "end"))
    assert (second["start"] - shift).to_list() == first["start"].to_list()


def test_seed_language_is_french() -> None:
    text, _, _ = _seed()
    assert detect_language(text) == "fr"


# --------------------------------------------------------------------------------------------------
# One case per rule, five languages
# --------------------------------------------------------------------------------------------------

# (text, lang, [(surface, value, unit, qualifier, ambiguous), ...])
CASES: list[tuple[str, str | None, list[tuple[str, float, str, str, bool]]]] = [
    # ja: scale characters, kanji numerals, full-width, signs, qualifiers
    ("6兆6506億円", "ja", [("6兆6506億円", 6.6506e12, "JPY", "exact", False)]),
    ("196万6千円", "ja", [("196万6千円", 1.966e6, "JPY", "exact", False)]),
    ("二十兆円", "ja", [("二十兆円", 2e13, "JPY", "exact", False)]),
    ("一千億円", "ja", [("一千億円", 1e11, "JPY", "exact", False)]),
    ("３３０万円", "ja", [("３３０万円", 3.3e6, "JPY", "exact", False)]),
    ("２６％", "ja", [("２６％", 26.0, "percent", "exact", False)]),
    ("赤字は▲2.1兆円", "ja", [("▲2.1兆円", -2.1e12, "JPY", "exact", False)]),
    ("△0.5%", "ja", [("△0.5%", -0.5, "percent", "exact", False)]),
    ("▲ 2.1兆円", "ja", [("▲ 2.1兆円", -2.1e12, "JPY", "exact", False)]),
    ("前年比-2.1%", "ja", [("-2.1%", -2.1, "percent", "exact", False)]),
    ("約5.5兆円", "ja", [("5.5兆円", 5.5e12, "JPY", "approx", False)]),
    ("売上高は5兆円超", "ja", [("5兆円", 5e12, "JPY", "at_least", False)]),
    ("1000億円以上", "ja", [("1000億円", 1e11, "JPY", "at_least", False)]),
    ("5%強", "ja", [("5%", 5.0, "percent", "at_least", False)]),
    ("3%弱", "ja", [("3%", 3.0, "percent", "at_most", False)]),
    ("100億円未満", "ja", [("100億円", 1e10, "JPY", "at_most", False)]),
    ("50億円以下", "ja", [("50億円", 5e9, "JPY", "at_most", False)]),
    ("1兆円近く", "ja", [("1兆円", 1e12, "JPY", "approx", False)]),
    ("海外売上高を20兆円とする目標", "ja", [("20兆円", 2e13, "JPY", "target", False)]),
    ("デジタル赤字は45兆円に達する見通し", "ja", [("45兆円", 4.5e13, "JPY", "estimate", False)]),
    (
        "海外売上高を13兆円に引き上げる目標で、成長率は3.8ポイント改善した。",
        "ja",
        [("13兆円", 1.3e13, "JPY", "target", False), ("3.8ポイント", 3.8, "pp", "exact", False)],
    ),
    ("成長率は2.5ポイント改善", "ja", [("2.5ポイント", 2.5, "pp", "exact", False)]),
    ("5億ドルを投資", "ja", [("5億ドル", 5e8, "USD", "exact", False)]),
    ("数千億円の予算", "ja", []),  # "several thousand oku": not an amount
    ("関東一円で雨", "ja", []),  # 一円 = "the whole area", not 1 yen
    ("2024年12月19日、20-24歳の10万人", "ja", []),  # year, date, ages, a count
    # zh (simplified and traditional)
    ("3万亿元", "zh", [("3万亿元", 3e12, "CNY", "exact", True)]),
    ("新台幣40,000元", "zh", [("新台幣40,000元", 40000.0, "TWD", "exact", False)]),
    ("762 億日圓", "zh", [("762 億日圓", 7.62e10, "JPY", "exact", False)]),
    ("1 238 億日圓", "zh", [("1 238 億日圓", 1.238e11, "JPY", "exact", False)]),
    ("5千亿日元", "zh", [("5千亿日元", 5e11, "JPY", "exact", False)]),
    ("人民币3万亿元", "zh", [("人民币3万亿元", 3e12, "CNY", "exact", False)]),
    ("台灣經濟規模達5,000億元", "zh", [("5,000億元", 5e11, "TWD", "exact", True)]),
    ("超过30亿美元", "zh", [("30亿美元", 3e9, "USD", "at_least", False)]),
    ("约5%", "zh", [("5%", 5.0, "percent", "approx", False)]),
    ("10億元左右", "zh", [("10億元", 1e9, "TWD", "approx", True)]),
    ("预计到2030年将达到3万亿元", "zh", [("3万亿元", 3e12, "CNY", "estimate", True)]),
    ("目标是2万亿元", "zh", [("2万亿元", 2e12, "CNY", "target", True)]),
    ("预计到2030年，市场将达到3万亿元", "zh", [("3万亿元", 3e12, "CNY", "estimate", True)]),
    ("占比百分之三点五", "zh", [("百分之三点五", 3.5, "percent", "exact", False)]),
    ("下降2个百分点", "zh", [("2个百分点", 2.0, "pp", "exact", False)]),
    ("¥100", "zh", [("¥100", 100.0, "CNY", "exact", True)]),
    ("新台幣四萬元", "zh", [("新台幣四萬元", 40000.0, "TWD", "exact", False)]),
    ("推动一元化管理", "zh", []),
    # en
    ("6,650.6 billion yen", "en", [("6,650.6 billion yen", 6.6506e12, "JPY", "exact", False)]),
    ("€1.7bn", "en", [("€1.7bn", 1.7e9, "EUR", "exact", False)]),
    ("US$43bn", "en", [("US$43bn", 4.3e10, "USD", "exact", False)]),
    (
        "JPY 6.65tn, or US$43bn",
        "en",
        [("JPY 6.65tn", 6.65e12, "JPY", "exact", False), ("US$43bn", 4.3e10, "USD", "exact", False)],
    ),
    ("£2.5bn", "en", [("£2.5bn", 2.5e9, "GBP", "exact", False)]),
    ("¥591 trillion", "en", [("¥591 trillion", 5.91e14, "JPY", "exact", False)]),
    ("($43 billion)", "en", [("$43 billion", 4.3e10, "USD", "exact", False)]),  # not an accounting minus
    ("7.25 per cent", "en", [("7.25 per cent", 7.25, "percent", "exact", False)]),
    ("up 16% from", "en", [("16%", 16.0, "percent", "exact", False)]),
    ("0.5 percentage points", "en", [("0.5 percentage points", 0.5, "pp", "exact", False)]),
    ("about $5 million", "en", [("$5 million", 5e6, "USD", "approx", False)]),
    ("more than 40%", "en", [("40%", 40.0, "percent", "at_least", False)]),
    ("up to €3bn", "en", [("€3bn", 3e9, "EUR", "at_most", False)]),
    ("a target of 20 trillion yen", "en", [("20 trillion yen", 2e13, "JPY", "target", False)]),
    ("expected to reach $1.2 billion", "en", [("$1.2 billion", 1.2e9, "USD", "estimate", False)]),
    ("exports exceed 300 billion won", "en", [("300 billion won", 3e11, "KRW", "at_least", False)]),
    ("-3.5%", "en", [("-3.5%", -3.5, "percent", "exact", False)]),
    ("-$5bn", "en", [("-$5bn", -5e9, "USD", "exact", False)]),
    ("$5bn-$6bn", "en", [("$5bn-$6bn", 6e9, "USD", "range", False)]),  # one range row, value = upper end
    ("R$ 5 and A$3bn", "en", [("R$ 5", 5.0, "BRL", "exact", False), ("A$3bn", 3e9, "AUD", "exact", False)]),
    ("20-30%", "en", [("20-30%", 30.0, "percent", "range", False)]),  # range: the dash is not a minus
    ("4,200 yen per 5 kg", "en", [("4,200 yen", 4200.0, "JPY", "exact", False)]),
    ("the £5m fund", "en", [("£5m", 5e6, "GBP", "exact", False)]),
    ("a 5m wall", "en", []),
    ("14.1 million people", "en", []),
    ("5G networks and GPT-4", "en", []),
    ("in 2035, Article 12", "en", []),
    # fr
    ("1 238 億日圓", "fr", [("1 238 億日圓", 1.238e11, "JPY", "exact", False)]),
    ("10 millions de yen", "fr", [("10 millions de yen", 1e7, "JPY", "exact", False)]),
    ("1 trillion de yens", "fr", [("1 trillion de yens", 1e12, "JPY", "exact", True)]),
    ("55 milliards d’euros", "fr", [("55 milliards d’euros", 5.5e10, "EUR", "exact", False)]),
    ("3 billions d'euros", "fr", [("3 billions d'euros", 3e12, "EUR", "exact", False)]),  # long scale
    ("196,6 万円", "fr", [("196,6 万円", 1.966e6, "JPY", "exact", False)]),
    ("une hausse de 12\u202f%", "fr", [("12\u202f%", 12.0, "percent", "exact", False)]),
    ("1\u00a0500 €", "fr", [("1\u00a0500 €", 1500.0, "EUR", "exact", False)]),
    ("plus de 90 %", "fr", [("90 %", 90.0, "percent", "at_least", False)]),
    ("environ 12 pour cent", "fr", [("12 pour cent", 12.0, "percent", "approx", False)]),
    ("inférieur à 10 millions de yen", "fr", [("10 millions de yen", 1e7, "JPY", "at_most", False)]),
    ("un objectif de 5 %", "fr", [("5 %", 5.0, "percent", "target", False)]),
    ("estimée à 45 milliards d'euros", "fr", [("45 milliards d'euros", 4.5e10, "EUR", "estimate", False)]),
    ("3 points de pourcentage", "fr", [("3 points de pourcentage", 3.0, "pp", "exact", False)]),
    ("12 M€ et 1,5 Md€", "fr", [("12 M€", 1.2e7, "EUR", "exact", False), ("1,5 Md€", 1.5e9, "EUR", "exact", False)]),
    ("de 20 à 24 ans, le 19 décembre", "fr", []),
    ("3 millions d'habitants", "fr", []),
    ("plusieurs centaines de milliards de dollars", "fr", []),
    # de
    ("1,2 Mrd. Euro", "de", [("1,2 Mrd. Euro", 1.2e9, "EUR", "exact", False)]),
    ("6,65 Billionen Yen", "de", [("6,65 Billionen Yen", 6.65e12, "JPY", "exact", False)]),
    ("1.238 Euro", "de", [("1.238 Euro", 1238.0, "EUR", "exact", False)]),
    ("etwa 5 Prozent", "de", [("5 Prozent", 5.0, "percent", "approx", False)]),
    ("mehr als 3 Mio. Euro", "de", [("3 Mio. Euro", 3e6, "EUR", "at_least", False)]),
    ("bis zu 2 Prozentpunkte", "de", [("2 Prozentpunkte", 2.0, "pp", "at_most", False)]),
    ("auf 5 Mrd. Euro geschätzt", "de", [("5 Mrd. Euro", 5e9, "EUR", "estimate", False)]),
    ("mindestens 12 %", "de", [("12 %", 12.0, "percent", "at_least", False)]),
    ("2,5 Mrd. US-Dollar", "de", [("2,5 Mrd. US-Dollar", 2.5e9, "USD", "exact", False)]),
    ("3 Tsd. Euro", "de", [("3 Tsd. Euro", 3000.0, "EUR", "exact", False)]),
    ("1 trillion Yen", "de", [("1 trillion Yen", 1e12, "JPY", "exact", True)]),
    ("am 3. März 2024 mit 20 Mitarbeitern", "de", []),
]


@pytest.mark.parametrize(("text", "lang", "expected"), CASES, ids=[f"{c[1]}:{c[0]}" for c in CASES])
def test_rule(text: str, lang: str | None, expected: list[tuple[str, float, str, str, bool]]) -> None:
    rows = _rows(extract_figures(text, lang))
    got = [(r["surface"], r["value"], r["unit"], r["qualifier"], r["ambiguous"]) for r in rows]
    assert len(got) == len(expected), got
    for (surface, value, unit, qualifier, ambiguous), row in zip(expected, got, strict=True):
        assert row[0] == surface
        assert row[1] == pytest.approx(value, rel=1e-12)
        assert row[2:] == (unit, qualifier, ambiguous), row
    for r in rows:
        assert text[r["start"] : r["end"]] == r["surface"]
        if r["ambiguous"]:
            assert r["note"], "an ambiguous figure says why"


@pytest.mark.parametrize(
    ("text", "lang", "value"),
    [("2.16万亿日元", "zh", 2.16e12), ("6,650.6 billion yen", "en", 6.6506e12), ("0.3兆円", "ja", 3e11)],
)
def test_values_are_exact_decimals(text: str, lang: str, value: float) -> None:
    """Scaling shifts the decimal exponent: 2.16万亿 is 2.16e12, not 2.16 * 1e12 = 2160000000000.0002."""
    assert extract_figures(text, lang)["value"].to_list() == [value]


def test_yuan_alone_says_why() -> None:
    row = _rows(extract_figures("3万亿元", "zh"))[0]
    assert row["ambiguous"] is True
    assert "元" in row["note"] and "CNY" in row["note"] and "TWD" in row["note"]


def test_currency_inferred_from_nearest_figure() -> None:
    text = "Il investira 3 milliards d'euros en 2026, puis 4 milliards en 2027."
    rows = _rows(extract_figures(text, "fr"))
    assert [(r["surface"], r["unit"]) for r in rows] == [("3 milliards d'euros", "EUR"), ("4 milliards", "EUR")]
    assert rows[1]["note"] == "currency inferred from context: EUR"


def test_consistent_restatement_is_not_flagged() -> None:
    text = "Japan's digital deficit reached 6.65 trillion yen ($43 billion) in 2024."
    rows = _rows(extract_figures(text, "en"))
    assert [(r["surface"], r["ambiguous"]) for r in rows] == [("6.65 trillion yen", False), ("$43 billion", False)]


def test_currency_not_invented_without_context() -> None:
    assert extract_figures("The city had 4 million in 2020.", "en").height == 0


def test_unknown_language_code_falls_back_to_english_rules() -> None:
    row = _rows(extract_figures("6,650.6 billion yen", "zh-Hant"))[0]
    assert row["value"] == pytest.approx(6.6506e12)
    assert extract_figures("5 billion yen", "es")["value"].to_list() == [5e9]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Japan's digital deficit reached 6.65 trillion yen in 2024, and the ministry said that it was rising.", "en"),
        ("Le déficit numérique du Japon a atteint 6,65 billions de yens, selon le ministère.", "fr"),
        ("Das digitale Defizit Japans erreichte 6,65 Billionen Yen und ist damit weiter gestiegen.", "de"),
        ("日本のデジタル赤字は6兆6506億円に達した。", "ja"),
        ("550億円", "ja"),
        ("日本数字赤字达到6.65万亿日元。", "zh"),
        ("日本數位赤字達到6.65兆日圓。", "zh"),
        ("3万亿元", "zh"),
        ("", "en"),
    ],
)
def test_detect_language(text: str, lang: str) -> None:
    assert detect_language(text) == lang


def test_mixed_corpus_reads_each_line_in_its_language() -> None:
    text = "Le déficit est de 1,5 milliard d'euros pour la France.\nThe deficit is 1,500 billion yen for the year."
    rows = _rows(extract_figures(text))
    assert [(r["value"], r["unit"]) for r in rows] == [(1.5e9, "EUR"), (1.5e12, "JPY")]


def test_signature_is_stable() -> None:
    sig = inspect.signature(extract_figures)
    assert list(sig.parameters) == ["text", "lang", "max_figures"]
    assert sig.parameters["lang"].default is None
    assert sig.parameters["max_figures"].default is None
    with pytest.raises(TypeError):
        extract_figures("5%", None, 3)  # type: ignore[misc]  # the cap is keyword-only


# --------------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------------

LANGS = st.sampled_from([None, "en", "fr", "de", "ja", "zh"])


def _check_frame(text: str, df: pl.DataFrame) -> None:
    assert dict(df.schema) == FIGURE_SCHEMA
    for r in df.iter_rows(named=True):
        assert 0 <= r["start"] < r["end"] <= len(text)
        assert text[r["start"] : r["end"]] == r["surface"]
        assert r["unit"] is not None
        assert r["qualifier"] in {"exact", "approx", "at_least", "at_most", "target", "estimate", "range"}
        assert r["ambiguous"] is not None
        # value_low/value_high are set for ranges only; a range's value is its upper end, above its lower end
        if r["qualifier"] == "range":
            assert r["value_high"] == r["value"] and r["value_low"] < r["value_high"]
        else:
            assert r["value_low"] is None and r["value_high"] is None


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(), lang=LANGS)
def test_any_text_gives_a_valid_frame(text: str, lang: str | None) -> None:
    _check_frame(text, extract_figures(text, lang))


_NUMBERY = st.text(
    alphabet=st.sampled_from(list("0123456789０１２３ ,.%％$€£¥▲△-−兆億万千百十一二円元亿萬日圓 milliardsbnyenTWD(")),
    max_size=60,
)


@settings(max_examples=300, deadline=None)
@given(text=_NUMBERY, lang=LANGS)
def test_number_soup_gives_a_valid_frame(text: str, lang: str | None) -> None:
    """Text made of digits, separators, scales and currency signs: the likeliest to trip a parser."""
    _check_frame(text, extract_figures(text, lang))


# (figure, its language, value, unit); each reads the same whatever surrounds it on other lines.
KNOWN = [
    ("550 億円", "fr", 5.5e10, "JPY"),
    ("6兆6506億円", "ja", 6.6506e12, "JPY"),
    ("1 238 億日圓", "fr", 1.238e11, "JPY"),
    ("26 %", "fr", 26.0, "percent"),
    ("6,650.6 billion yen", "en", 6.6506e12, "JPY"),
    ("US$43bn", "en", 4.3e10, "USD"),
    ("1,2 Mrd. Euro", "de", 1.2e9, "EUR"),
    ("▲2.1兆円", "ja", -2.1e12, "JPY"),
    ("新台幣40,000元", "zh", 40000.0, "TWD"),
    ("10 millions de yen", "fr", 1e7, "JPY"),
]
# Figures whose reading does not depend on the language (safe with lang=None and random text).
LANGUAGE_FREE = [k for k in KNOWN if k[0] in {"550 億円", "6兆6506億円", "26 %", "US$43bn", "▲2.1兆円"}]


@settings(max_examples=200, deadline=None)
@given(before=st.text(max_size=200), after=st.text(max_size=200), known=st.sampled_from(KNOWN))
def test_inserted_figure_is_found(before: str, after: str, known: tuple[str, str, float, str]) -> None:
    figure, lang, value, unit = known
    text = f"{before}\n{figure}\n{after}"
    start = len(before) + 1
    rows = {r["start"]: r for r in extract_figures(text, lang).iter_rows(named=True)}
    assert start in rows, (figure, rows)
    row = rows[start]
    assert row["surface"] == figure
    assert row["value"] == pytest.approx(value, rel=1e-12)
    assert row["unit"] == unit


@settings(max_examples=200, deadline=None)
@given(before=st.text(max_size=200), after=st.text(max_size=200), known=st.sampled_from(LANGUAGE_FREE))
def test_inserted_figure_is_found_without_a_language(
    before: str, after: str, known: tuple[str, str, float, str]
) -> None:
    figure, _, value, unit = known
    text = f"{before}\n{figure}\n{after}"
    rows = {r["start"]: r for r in extract_figures(text).iter_rows(named=True)}
    row = rows[len(before) + 1]
    assert (row["surface"], row["unit"]) == (figure, unit)
    assert row["value"] == pytest.approx(value, rel=1e-12)


@pytest.mark.parametrize(
    "text",
    ["1" * 10_000_000, "1 " * 500_000, "1," * 1_000_000, "\x00\xff\ud7ff" * 100_000, "億" * 1_000_000],
    ids=["10MB-digits", "spaced-digits", "comma-digits", "binary-garbage", "scale-chars"],
)
def test_pathological_input_returns_a_frame_without_hanging(text: str) -> None:
    frame = extract_figures(text)
    assert frame.columns == list(FIGURE_SCHEMA)
    for surface, start, end in frame.select("surface", "start", "end").iter_rows():
        assert text[start:end] == surface


def test_chinese_equivalence_words_mark_the_figure_approx() -> None:
    frame = extract_figures("日本数字贸易逆差达到6.65万亿日元，约合430亿美元。", "zh")
    assert frame.select("surface", "value", "unit", "qualifier").rows() == [
        ("6.65万亿日元", 6.65e12, "JPY", "exact"),
        ("430亿美元", 4.3e10, "USD", "approx"),
    ]
