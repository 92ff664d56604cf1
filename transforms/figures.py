"""Money and percent figures in article text (en, fr, de, ja, zh): a pure, regex-driven extractor.

Why this design:

* Articles state the figures the catalog cross-checks (``1兆円``, ``550 億円``, ``26 %``), but in five
  languages with different separators (``6,650.6`` / ``196,6`` / ``1 238`` / ``1.238``), scale words
  whose meaning depends on the language (``billion`` is 1e9 in English, 1e12 in French and German)
  and CJK scale characters (``6兆6506億円``). A general quantity parser (quantulum3) reads 0.03 MB/s
  and gets ``bn``/``tn``/``US$`` wrong, so we use one compiled regex over the whole text and do
  Python work only per match (see ``benchmarks/bench_figures.py``).
* The lexicons are module-level data rather than a YAML file: this package does no file I/O (see
  ``transforms/__init__``), the tables are small, and keeping them next to the code that reads them
  makes the language-specific rules (``billion``, ``元``, ``¥``) reviewable in one place.
* Only money, percent and percentage-point figures come out. Years, dates, ages, counts and
  product names are not figures: a bare number needs a currency, a percent sign or a scale word
  used as an amount, or it is dropped.
* When a reading is a guess, the row says so: ``ambiguous`` is true when the text supports two
  readings (``元`` = CNY or TWD; French ``trillion`` next to yen), and ``note`` gives the reason and
  anything that was inferred (currency taken from context).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable

import polars as pl

__all__ = ["FIGURE_SCHEMA", "SUPPORTED_LANGUAGES", "detect_language", "extract_figures"]

#: One row per figure. ``value`` is in the canonical unit (yen, not 億円; 26 % → 26.0).
FIGURE_SCHEMA: dict[str, pl.DataType] = {
    "surface": pl.String(),  # exact substring: text[start:end] == surface
    "start": pl.Int64(),
    "end": pl.Int64(),
    "value": pl.Float64(),
    "unit": pl.String(),  # ISO 4217 code, "percent" or "pp"
    "qualifier": pl.String(),  # exact | approx | at_least | at_most | target | estimate
    "ambiguous": pl.Boolean(),
    "note": pl.String(),  # why ambiguous / what was inferred; null otherwise
}

SUPPORTED_LANGUAGES: tuple[str, ...] = ("en", "fr", "de", "ja", "zh")

# --------------------------------------------------------------------------------------------------
# Lexicons
# --------------------------------------------------------------------------------------------------

#: Currency written before the number. Codes must be followed by the number (``JPY 6.65tn``).
_PREFIX_CURRENCY: dict[str, str] = {
    "US$": "USD", "U.S.$": "USD", "US＄": "USD", "NT$": "TWD", "HK$": "HKD", "A$": "AUD", "C$": "CAD",
    "S$": "SGD", "$": "USD", "＄": "USD", "€": "EUR", "£": "GBP", "￡": "GBP", "¥": "JPY", "￥": "JPY",
    "₩": "KRW", "￦": "KRW",
    "JPY": "JPY", "USD": "USD", "EUR": "EUR", "TWD": "TWD", "NTD": "TWD", "KRW": "KRW", "CNY": "CNY",
    "RMB": "CNY", "GBP": "GBP", "HKD": "HKD",
    "新台幣": "TWD", "新台币": "TWD", "台幣": "TWD", "台币": "TWD", "人民币": "CNY", "人民幣": "CNY",
    "美金": "USD", "港幣": "HKD", "港币": "HKD",
}

#: Unit written after the number. Latin words are matched case-insensitively (keys lower-case);
#: codes, symbols and CJK units exactly. ``None`` marks ``元`` alone: CNY or TWD, decided later.
_UNIT_WORDS: dict[str, str] = {
    # JPY
    "yen": "JPY", "yens": "JPY",
    # USD
    "dollar": "USD", "dollars": "USD", "us dollar": "USD", "us dollars": "USD", "u.s. dollars": "USD",
    "u.s. dollar": "USD", "us-dollar": "USD", "us-dollars": "USD", "dollars américains": "USD",
    "dollar américain": "USD", "dollars us": "USD",
    # TWD / HKD (before the plain dollar words: longest match wins)
    "new taiwan dollars": "TWD", "new taiwan dollar": "TWD", "taiwan dollars": "TWD",
    "taiwan dollar": "TWD", "taiwan-dollar": "TWD", "dollars taïwanais": "TWD", "nt dollars": "TWD",
    "hong kong dollars": "HKD", "hong kong dollar": "HKD",
    # EUR
    "euro": "EUR", "euros": "EUR",
    # KRW
    "won": "KRW", "wons": "KRW",
    # CNY
    "yuan": "CNY", "yuans": "CNY", "renminbi": "CNY",
    # GBP
    "pound": "GBP", "pounds": "GBP", "pounds sterling": "GBP", "pound sterling": "GBP",
    "livre sterling": "GBP", "livres sterling": "GBP", "pfund": "GBP",
    # percent / percentage points
    "percent": "percent", "per cent": "percent", "pour cent": "percent", "pourcent": "percent",
    "prozent": "percent", "pct": "percent",
    "percentage points": "pp", "percentage point": "pp", "percentage-points": "pp",
    "points de pourcentage": "pp", "point de pourcentage": "pp", "prozentpunkte": "pp",
    "prozentpunkten": "pp", "prozentpunkt": "pp", "pp": "pp", "p.p.": "pp",
}
_UNIT_EXACT: dict[str, str | None] = {
    "JPY": "JPY", "USD": "USD", "EUR": "EUR", "TWD": "TWD", "NTD": "TWD", "KRW": "KRW", "CNY": "CNY",
    "RMB": "CNY", "GBP": "GBP", "HKD": "HKD",
    "$": "USD", "＄": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "￥": "JPY", "₩": "KRW",
    "%": "percent", "％": "percent", "%-Punkte": "pp", "%-Punkten": "pp",
}
_UNIT_CJK: dict[str, str | None] = {
    "円": "JPY", "日圓": "JPY", "日圆": "JPY", "日元": "JPY", "日幣": "JPY", "日币": "JPY",
    "美元": "USD", "ドル": "USD", "米ドル": "USD", "美金": "USD",
    "欧元": "EUR", "歐元": "EUR", "ユーロ": "EUR",
    "新台幣": "TWD", "新台币": "TWD", "台幣": "TWD", "台币": "TWD", "台湾ドル": "TWD", "台灣ドル": "TWD",
    "元新台幣": "TWD", "元新台币": "TWD",
    "韩元": "KRW", "韓元": "KRW", "ウォン": "KRW",
    "人民币": "CNY", "人民幣": "CNY", "人民元": "CNY", "元人民币": "CNY", "元人民幣": "CNY",
    "英镑": "GBP", "英鎊": "GBP", "ポンド": "GBP",
    "港元": "HKD", "港幣": "HKD", "港币": "HKD",
    "元": None,
    "パーセント": "percent",
    "ポイント": "pp", "个百分点": "pp", "個百分點": "pp", "百分点": "pp", "百分點": "pp",
}
_PERCENT_UNITS = frozenset({"percent", "pp"})

#: Western scale words. Values that depend on the language (billion, trillion) are resolved in
#: `_scale`; the short abbreviations count only next to a currency ("a 5m wall" is not money).
_SCALE_FIXED: dict[str, float] = {
    "thousand": 1e3, "thousands": 1e3, "millier": 1e3, "milliers": 1e3, "mille": 1e3,
    "tausend": 1e3, "tsd": 1e3, "tsd.": 1e3,
    "million": 1e6, "millions": 1e6, "millionen": 1e6, "mio": 1e6, "mio.": 1e6, "mn": 1e6, "mln": 1e6,
    "milliard": 1e9, "milliards": 1e9, "milliarde": 1e9, "milliarden": 1e9, "mrd": 1e9, "mrd.": 1e9,
    "md": 1e9, "mds": 1e9, "mrds": 1e9, "bn": 1e9, "bln": 1e9,
    "billionen": 1e12, "bio": 1e12, "bio.": 1e12, "tn": 1e12, "trn": 1e12,
    "trillionen": 1e18,
}
_SCALE_LANG_WORDS = ("billion", "billions", "trillion", "trillions")
_SCALE_SHORT: dict[str, float] = {"m": 1e6, "M": 1e6, "k": 1e3, "K": 1e3, "b": 1e9, "B": 1e9}

_CJK_SMALL: dict[str, float] = {"十": 10.0, "百": 100.0, "千": 1000.0}
_CJK_BIG: dict[str, float] = {"万": 1e4, "萬": 1e4, "億": 1e8, "亿": 1e8, "兆": 1e12}
_KANJI_DIGITS: dict[str, int] = {
    "〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
    "八": 8, "九": 9,
}

#: Words just before a figure that qualify it, as lower-case word tuples (elisions l'/d'/qu'
#: stripped, ’ folded to '). The longest match wins, so "no more than" beats "more than".
_QUALIFIER_PHRASES: dict[str, Iterable[str]] = {
    "approx": (
        "about", "around", "roughly", "nearly", "almost", "some", "approximately", "approx.", "circa",
        "ca.",
        "environ", "env.", "près de", "presque", "quelque", "autour de", "ordre de", "approximativement",
        "etwa", "rund", "ungefähr", "fast", "knapp", "nahezu", "annähernd", "zirka", "circa",
    ),
    "at_least": (
        "more than", "over", "above", "at least", "in excess of", "upwards of", "no less than",
        "exceed", "exceeds", "exceeded", "exceeding", "surpass", "surpasses", "surpassed", "a minimum of",
        "plus de", "au moins", "au-delà de", "supérieur à", "supérieure à", "supérieurs à",
        "supérieures à", "dépasse", "dépassera", "dépassent", "dépasseront", "dépassait", "dépasser",
        "dépassé", "dépassant",
        "über", "mehr als", "mindestens", "übersteigt", "überschreitet", "übertrifft", "wenigstens",
    ),
    "at_most": (
        "less than", "fewer than", "under", "below", "up to", "at most", "no more than",
        "not more than", "a maximum of",
        "moins de", "jusqu'à", "inférieur à", "inférieure à", "inférieurs à", "inférieures à",
        "au plus", "au maximum",
        "weniger als", "bis zu", "höchstens", "maximal",
    ),
    "target": (
        "target", "target of", "targets", "targeting", "targeted", "goal of", "aim of", "aims for",
        "aiming for", "in order to reach", "objective of",
        "objectif", "objectif de", "objectif à", "cible de", "viser", "vise", "visent", "pour atteindre",
        "afin atteindre",
        "ziel", "ziel von", "zielmarke von", "angestrebte", "angestrebten", "angepeilte", "angepeilten",
    ),
    "estimate": (
        "estimated", "estimated at", "estimated to be", "projected", "projected at", "projected to reach",
        "projected to be", "forecast", "forecast at", "forecast to reach", "expected to reach",
        "expected to hit", "expected to total", "could reach",
        "estimé à", "estimée à", "estimés à", "estimées à", "estimation de", "évalué à", "évaluée à",
        "évalués à", "évaluées à", "pourrait atteindre", "pourraient atteindre", "devrait atteindre",
        "devraient atteindre",
        "geschätzt", "geschätzte", "geschätzten", "geschätzter", "schätzungsweise", "voraussichtlich",
        "prognostiziert", "prognostizierte", "prognostizierten",
    ),
}
_QUALIFIER_BY_WORDS: dict[tuple[str, ...], str] = {
    tuple(phrase.split()): qualifier
    for qualifier, phrases in _QUALIFIER_PHRASES.items()
    for phrase in phrases
}
_ELISIONS = frozenset({"l", "d", "qu", "j", "n", "s", "c", "m", "t", "lorsqu", "puisqu"})

#: CJK markers right before (約5兆円) or right after (5兆円超) the figure.
_CJK_BEFORE: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("at_most", ("不超过", "不超過", "不到", "不足", "最多", "至多", "最大", "低于", "低於", "少于", "少於")),
    ("at_least", ("超过", "超過", "超", "逾", "至少", "最低", "多于", "多於", "高于", "高於")),
    ("approx", ("约", "約", "およそ", "ほぼ", "概ね", "おおむね", "大约", "大約", "将近", "將近", "接近")),
)
_CJK_AFTER: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("at_least", ("超", "以上", "強", "余り", "余", "を超え", "を上回")),
    ("at_most", ("以下", "未満", "弱", "以内", "を下回", "足らず")),
    ("approx", ("程度", "前後", "ほど", "くらい", "ぐらい", "近く", "左右", "上下")),
    ("target", ("を目指", "を目標", "の目標", "とする目標", "が目標")),
)
_CJK_AFTER_ESTIMATE = re.compile(r"[^。、，,.!?！？\n]{0,8}?(?:見通し|見込み|と推計|と予測|と試算|と推定)")
_LATIN_AFTER: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("at_least", (" or more", " or higher", " or above", " ou plus", " oder mehr", " and above")),
    ("at_most", (" or less", " or lower", " or below", " ou moins", " oder weniger")),
    ("estimate", (" geschätzt",)),
)

#: Long-range triggers: the qualifying word is several words before the figure ("avec pour objectif
#: de faire passer les ventes ... à 20兆円"). The trigger must be in the same clause and the figure
#: must follow one of the listed connector words, so "objectifs ... l'investissement de 1兆円" stays
#: exact.
_LONG_RANGE: tuple[tuple[str, re.Pattern[str], frozenset[str]], ...] = (
    ("target", re.compile(r"\bobjectifs?\b|\bfaire passer\b"), frozenset({"à", "atteindre"})),
    ("target", re.compile(r"\b(?:target|goal|aim|objective)s?\b"), frozenset({"to", "reach", "hit"})),
    ("target", re.compile(r"\bziel\w*"), frozenset({"auf", "bis", "von"})),
    ("estimate", re.compile(r"\bestimations?\b|\bprévisions?\b"), frozenset({"atteindre", "atteindra"})),
    ("estimate", re.compile(r"\b(?:estimates?|forecasts?|projections?)\b"), frozenset({"at", "reach", "to"})),
    ("estimate", re.compile(r"\b(?:schätzung|prognose)\w*"), frozenset({"auf"})),
)
_CJK_LONG_RANGE: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("target", ("目標", "目标", "目指")),
    ("estimate", ("見通し", "見込み", "预计", "預計", "预测", "預測", "预估", "預估", "估计", "估計", "推計", "試算", "予測")),
)

#: A scale-word amount with no currency ("55 milliards") is money only if it is not counting a noun
#: ("14 million people", "3 millions d'habitants"): the next word must be one of these or absent.
_FUNCTION_WORDS = frozenset(
    ["to", "for", "in", "on", "by", "from", "with", "this", "that", "was", "were", "is", "are", "will", "would", "could", "a", "an", "and", "or", "but", "as", "at", "of", "than", "per", "last", "next", "over", "each", "into", "pour", "par", "en", "et", "à", "au", "aux", "dans", "sur", "qui", "que", "soit", "ou", "ce", "cette", "est", "sont", "sera", "seront", "a", "ont", "vers", "avant", "après", "contre", "für", "und", "oder", "bis", "auf", "im", "in", "ist", "sind", "wird", "werden", "zur", "zum", "mit", "als", "je", "pro", "bereits"]
)
#: Words that make a sentence about money, used before giving a bare amount the text's currency.
_MONEY_CUES: tuple[str, ...] = (
    "budget", "invest", "spend", "fund", "fonds", "subvention", "subsid", "revenue", "sales", "vente",
    "chiffre d'affaires", "umsatz", "kosten", "ausgaben", "deficit", "déficit", "defizit", "surplus",
    "excédent", "überschuss", "cost", "coût", "dépense", "price", "prix", "preis", "salaire", "salary",
    "wage", "lohn", "gehalt", "profit", "bénéfice", "gewinn", "debt", "dette", "schulden", "export",
    "import", "予算", "投資", "売上", "赤字", "黒字", "预算", "投资", "销售", "銷售", "收入", "营收", "營收",
)
#: Rough yen per unit, only for an order-of-magnitude check of "X (≈ Y other currency)" restatements.
_JPY_PER_UNIT: dict[str, float] = {
    "JPY": 1.0, "USD": 150.0, "EUR": 160.0, "GBP": 190.0, "CNY": 21.0, "TWD": 4.7, "KRW": 0.11,
    "HKD": 19.0, "AUD": 100.0, "CAD": 110.0, "SGD": 110.0,
}
_RESTATEMENT_TOLERANCE = 3.0

# Traditional/simplified character pairs: decide CNY vs TWD for a bare 元 (both stay ambiguous).
_TRAD_SIMP_PAIRS = (
    "國国 們们 這这 個个 來来 時时 會会 說说 對对 於于 與与 發发 經经 濟济 灣湾 區区 際际 開开 長长 實实 當当 點点 "
    "學学 機机 體体 關关 無无 產产 業业 將将 進进 現现 後后 還还 億亿 幣币 圓圆 銷销 額额 歲岁 貿贸 購购 營营 資资 "
    "為为 兩两 樣样 覺觉 認认 從从 動动 員员 選选 "
)
_TRAD_CHARS = frozenset(p[0] for p in _TRAD_SIMP_PAIRS.split())
_SIMP_CHARS = frozenset(p[1] for p in _TRAD_SIMP_PAIRS.split())

# Language detection: stopwords that belong to one language only (no "in", "an", "was", "des").
_STOPWORDS: dict[str, str] = {}
for _lang, _words in (
    ("en", "the and of to is that for with are it on by from this has have be were its which or but not "
     "been their would said"),
    ("fr", "le la les et est une du dans pour qui que sur au aux avec pas ce cette sont par de en un ses "
           "leur été à plus ou mais son sa"),
    ("de", "der die das und ist nicht mit den von zu sich auf dem ein eine einen für im wird werden sind "
           "auch bei nach hat als wie es sie er um oder einer"),
):
    for _w in _words.split():
        _STOPWORDS[_w] = _lang

# --------------------------------------------------------------------------------------------------
# The regex
# --------------------------------------------------------------------------------------------------


def _alt(words: Iterable[str], *, space: str | None = None) -> str:
    """Alternation of literal words, longest first (Python's `re` takes the first alternative)."""
    parts = []
    for word in sorted(set(words), key=lambda w: (-len(w), w)):
        escaped = re.escape(word)
        if space is not None:
            escaped = escaped.replace(r"\ ", space)
        parts.append(escaped)
    return "|".join(parts)


_SP = "[ \u00a0\u202f\u2009]"
_LETTER = "A-Za-zÀ-ÖØ-öø-ÿ"
_NUM = (
    r"\d{1,3}(?:[,.．\u00a0\u202f\u2009 ]\d{3}(?!\d))+(?:[.,．]\d+)?"  # 6,650.6 · 1 238 · 1.238,5
    r"|\d+(?:[.,．]\d+)?"  # 196,6 · 2.5 · 330
)
_KANJI_NUMERAL = "〇零一二三四五六七八九两兩十百千"
_CJK_TAIL = rf"(?:{_SP}?[十百千万萬億亿兆]+(?:\d+(?:[.,．]\d+)?|[〇零一二三四五六七八九两兩]+)?)+"
_SCALE = (
    rf"{_SP}?(?:(?i:{_alt(list(_SCALE_FIXED) + list(_SCALE_LANG_WORDS))})|[mMkKbB])(?![{_LETTER}])"
)
_CJK_UNITS = "|".join(
    (r"元(?![化素旦首帅帥宵老气氣件])" if u == "元" else re.escape(u))
    for u in sorted(_UNIT_CJK, key=lambda w: (-len(w), w))
)
_UNITS = (
    rf"(?i:{_alt(_UNIT_WORDS, space=_SP)})(?![{_LETTER}])"
    rf"|(?:{_alt(k for k in _UNIT_EXACT if k.isalpha())})(?![{_LETTER}])"
    rf"|{_alt(k for k in _UNIT_EXACT if not k.isalpha())}"
    rf"|{_CJK_UNITS}"
)
_PREFIXES = (
    rf"(?:{_alt(k for k in _PREFIX_CURRENCY if k.isalpha() and k.isascii())}){_SP}?"
    rf"|(?:{_alt(k for k in _PREFIX_CURRENCY if not (k.isalpha() and k.isascii()))}){_SP}?"
)
# Characters a figure can start with. Letter-initial prefixes (JPY, US$, NT$) are checked in full in
# the same lookahead so that ordinary capitals fail at once: most positions never get further.
_FIRST_CHARS = (
    "".join(sorted({re.escape(k[0]) for k in _PREFIX_CURRENCY if not k[0].isascii() or not k[0].isalpha()}))
    + r"\d▲△\-−"
    + _KANJI_NUMERAL
)
_LETTER_PREFIXES = _alt(k for k in _PREFIX_CURRENCY if k[0].isascii() and k[0].isalpha())
_FIRST = rf"(?=[{_FIRST_CHARS}]|(?:{_LETTER_PREFIXES}){_SP}?\d)"

_FIGURE_RE = re.compile(
    rf"""
    {_FIRST}                          # cheap first-character filter: most positions fail here
    (?<![A-Za-z\d.,])                 # not inside a word or another number (GPT-4, A320, 1.5)
    (?:
        (?P<sign1>[▲△]|[-−](?=[$€£¥￥₩＄\d]))?
        (?P<pre>{_PREFIXES})?
        (?P<sign2>(?<=[^\s\d])[-−▲△])?
        (?P<num>{_NUM})
        (?P<cjk>{_CJK_TAIL})?
        (?P<scale>{_SCALE})?
        (?P<unit>{_SP}?(?:(?i:de|of){_SP}|d['’])?(?P<uword>{_UNITS}))?
    |
        百分之(?P<cnpct>[{_KANJI_NUMERAL}点點\d.]+)
    |
        (?<![数數幾几何多余餘])
        (?P<kanji>[{_KANJI_NUMERAL}]+(?:[万萬億亿兆]+[{_KANJI_NUMERAL}]*)*)
        (?P<kunit>{_CJK_UNITS}|[%％])
    )
    """,
    re.VERBOSE,
)
_G = _FIGURE_RE.groupindex
_G_PRE, _G_NUM, _G_CJK, _G_SCALE, _G_UNIT = _G["pre"], _G["num"], _G["cjk"], _G["scale"], _G["unit"]
_G_KANJI, _G_CNPCT = _G["kanji"], _G["cnpct"]

_CJK_TOKEN_RE = re.compile(r"\d+(?:[.,．]\d+)?|[〇零一二三四五六七八九两兩]+|[十百千]|[万萬億亿兆]+")
_SP_RE = re.compile(_SP + "+")
_NEXT_WORD_RE = re.compile(rf"{_SP}*([{_LETTER}][{_LETTER}'’-]*)?")
_SENTENCE_END_RE = re.compile(r"[.!?](?=[\s\"»”)])|[。！？\n]")
_KANA_RE = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]")
_HAN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD_RE = re.compile(rf"[{_LETTER}]+(?:['’][{_LETTER}]+)?")
_STOPWORD_RE = re.compile(
    rf"(?<![{_LETTER}'’])(?:(?:{_alt(_STOPWORDS)})(?![{_LETTER}'’])|(?:{_alt(_ELISIONS)})['’](?=[{_LETTER}]))",
    re.IGNORECASE,
)
_DIGIT_FOLD = str.maketrans("０１２３４５６７８９．，", "0123456789.,")

# --------------------------------------------------------------------------------------------------
# Language detection
# --------------------------------------------------------------------------------------------------

_DETECT_SAMPLE = 20_000


def _detect(text: str) -> tuple[str, bool]:
    """Language of `text` and whether the evidence is strong enough to trust on a single line."""
    kana = len(_KANA_RE.findall(text))
    han = len(_HAN_RE.findall(text))
    cjk = kana + han
    if cjk:
        n_words = len(_LATIN_WORD_RE.findall(text))
        if cjk * 2 > n_words * 3:
            if kana and kana * 20 >= cjk:
                return "ja", cjk >= 2
            if "円" in text:  # 円 is Japanese; Chinese writes 日圓/日元
                return "ja", cjk >= 2
            return "zh", cjk >= 2
    counts = {"en": 0, "fr": 0, "de": 0}
    for word in _STOPWORD_RE.findall(text):
        counts[_STOPWORDS.get(word.lower(), "fr")] += 1  # not a listed word: a French elision (l', d')
    ranked = sorted(counts.items(), key=lambda kv: -kv[1])
    (best, n), (_, second) = ranked[0], ranked[1]
    if n == 0 or n == second:
        return "en", False
    return best, n >= 2


def detect_language(text: str) -> str:
    """Guess en/fr/de/ja/zh with a deterministic heuristic (no model to download or version).

    Script first: kana → ja; Han without kana → zh, unless 円 appears (Japanese yen). Latin text is
    decided by counting stopwords that belong to one language only; ties and no evidence → en.
    Only the first 20,000 characters are read: enough for an article, and bounded for a corpus.
    """
    return _detect(text[:_DETECT_SAMPLE])[0]


def _normalise_lang(lang: str | None) -> str | None:
    """``"zh-Hant"`` → ``"zh"``; unknown languages fall back to English number rules."""
    if lang is None:
        return None
    base = lang.strip().lower().replace("_", "-").split("-", 1)[0]
    return base if base in SUPPORTED_LANGUAGES else "en"


# --------------------------------------------------------------------------------------------------
# Number parsing
# --------------------------------------------------------------------------------------------------


def _parse_number(raw: str, lang: str) -> float:
    """Parse digits with the separators of `lang`: `6,650.6` (en), `196,6` / `1 238` (fr), `1.238` (de).

    A lone separator followed by exactly three digits is a thousands separator in English, Japanese
    and Chinese (`40,000`) and, for `.`, in French and German (`1.238`); otherwise it is a decimal mark.
    """
    s = _SP_RE.sub("", raw.translate(_DIGIT_FOLD))
    has_comma, has_dot = "," in s, "." in s
    if has_comma and has_dot:
        dec = "," if s.rfind(",") > s.rfind(".") else "."
        grp = "." if dec == "," else ","
        s = s.replace(grp, "").replace(dec, ".")
    elif has_comma:
        parts = s.split(",")
        if len(parts) > 2 or (lang not in ("fr", "de") and len(parts[1]) == 3):
            s = s.replace(",", "")
        else:
            s = s.replace(",", ".")
    elif has_dot:
        parts = s.split(".")
        if len(parts) > 2 or (lang in ("fr", "de") and len(parts[1]) == 3):
            s = s.replace(".", "")
    return float(s)


def _kanji_digits(run: str) -> float:
    """二 → 2; 二〇二五 → 2025 (positional, as in years and 一〇〇万)."""
    value = 0
    for ch in run:
        value = value * 10 + _KANJI_DIGITS[ch]
    return float(value)


def _parse_cjk(first: float | None, tail: str, lang: str) -> float:
    """Combine numerals and scale characters: 6兆6506億 → 6.6506e12, 196万6千 → 1.966e6, 二十兆 → 2e13.

    Small scales (十百千) build a section below 万; each big scale (万億兆, or a run such as 万亿 =
    1e12) multiplies the section and adds it to the total.
    """
    total = 0.0
    section = 0.0
    current = first
    for tok in _CJK_TOKEN_RE.findall(tail):
        ch = tok[0]
        if ch in _CJK_SMALL:
            section += (current if current is not None else 1.0) * _CJK_SMALL[ch]
            current = None
        elif ch in _CJK_BIG:
            mult = 1.0
            for c in tok:
                mult *= _CJK_BIG[c]
            section += current or 0.0
            total += (section or 1.0) * mult
            section, current = 0.0, None
        elif ch in _KANJI_DIGITS:
            current = _kanji_digits(tok)
        else:
            current = _parse_number(tok, lang)
    return total + section + (current or 0.0)


def _parse_cn_percent(raw: str, lang: str) -> float:
    """百分之三点五 → 3.5 (the Chinese "hundredths of" form)."""
    raw = raw.replace("點", "点")
    whole, _, frac = raw.partition("点")
    value = _parse_cjk(None, whole, lang) if whole else 0.0
    if frac:
        digits = "".join(str(_KANJI_DIGITS[c]) if c in _KANJI_DIGITS else c for c in frac)
        if digits.isdigit():
            value += float("0." + digits)
    return value


def _scale(word: str, lang: str, notes: list[str]) -> tuple[float, bool, bool]:
    """Multiplier of a Western scale word → (multiplier, ambiguous, needs_currency).

    `billion` is 1e9 in English but 1e12 in French and German (long scale). `trillion` in French or
    German text is literally 1e18, but next to yen it restates 兆 (1e12): read the English short scale
    and flag it. A lower-case English `billion` in German text is read as 1e9 and flagged.
    """
    key = word.strip(" \u00a0\u202f\u2009")
    if key in _SCALE_SHORT:
        return _SCALE_SHORT[key], False, True
    low = key.lower()
    fixed = _SCALE_FIXED.get(low)
    if fixed is not None:
        return fixed, False, False
    if low.startswith("billion"):
        if lang == "fr":
            return 1e12, False, False
        if lang == "de":
            if key[0] == "B":
                return 1e12, False, False
            notes.append("English 'billion' in German text: read as 1e9 (German Billion = 1e12)")
            return 1e9, True, False
        return 1e9, False, False
    # trillion(s)
    if lang in ("fr", "de"):
        name = "French" if lang == "fr" else "German"
        notes.append(
            f"'{key}' in {name} text is literally 1e18 (long scale); read as the English short scale "
            "1e12, as when it restates 1兆円"
        )
        return 1e12, True, False
    return 1e12, False, False


# --------------------------------------------------------------------------------------------------
# Qualifiers
# --------------------------------------------------------------------------------------------------


_CJK_BEFORE_ANY = (*(m for _, ms in _CJK_BEFORE for m in ms), "近")
_CJK_AFTER_ANY = tuple(m for _, ms in _CJK_AFTER for m in ms)
_LATIN_AFTER_ANY = tuple(m for _, ms in _LATIN_AFTER for m in ms)
_LONG_CONNECTORS = frozenset().union(*(c for _, _, c in _LONG_RANGE))
_CJK_LONG_RE = re.compile("|".join(f"(?P<{q}>{'|'.join(ts)})" for q, ts in _CJK_LONG_RANGE))
_CLAUSE_CUT_RE = re.compile(r"(?s:.*)(?:[.!?](?=\s)|[。！？\n])")


def _last_words(before: str) -> list[str]:
    """Up to the last three words before a figure, lower-cased, elisions stripped (d’environ → environ)."""
    words = before[-48:].lower().replace("’", "'").split()[-3:]
    out = []
    for w in words:
        w = w.strip("(«“\"[,;:")
        if "'" in w:
            head, _, rest = w.partition("'")
            if head in _ELISIONS and rest:
                w = rest
        if w:
            out.append(w)
    return out


def _clause(text: str, start: int, window_start: int) -> str:
    """The clause before a figure: at most 150 characters, not across a sentence end or a figure."""
    clause = text[max(window_start, start - 150) : start]
    m = _CLAUSE_CUT_RE.match(clause)
    return clause[m.end() :] if m else clause


def _qualifier(text: str, start: int, end: int, window_start: int, cjk: bool) -> str:
    """Qualifier from the words before the figure, the characters after it, then clause-level cues.

    Called once per figure, so the common case (nothing qualifies) costs a few C-level string
    checks; the clause-level regexes run only when a connector word or CJK text calls for them.
    """
    before = text[max(window_start, start - 48) : start]
    nl = before.rfind("\n")
    if nl >= 0:
        before = before[nl + 1 :]
    tight = before.rstrip()
    # 1. CJK marker glued before the figure: 約5兆円, 超过5%, 近3万亿元 (but not 最近).
    if tight.endswith(_CJK_BEFORE_ANY):
        for qualifier, markers in _CJK_BEFORE:
            if tight.endswith(markers):
                return qualifier
        if not tight.endswith(("最近", "付近")):
            return "approx"
    # 2. Words before the figure, longest phrase first ("no more than" before "more than").
    words = _last_words(tight) if not cjk else []
    n_words = len(words)
    if n_words:
        get = _QUALIFIER_BY_WORDS.get
        q = (
            (n_words >= 3 and get(tuple(words[-3:])))
            or (n_words >= 2 and get(tuple(words[-2:])))
            or get((words[-1],))
        )
        if q:
            return q
    # 3. Right after the figure: 5兆円超, 5 % or more, 45兆円に達する見通し.
    after = text[end : end + 16]
    if after.startswith(_CJK_AFTER_ANY):
        for qualifier, markers in _CJK_AFTER:
            if after.startswith(markers):
                return qualifier
    if after[:1] == " ":
        low_after = after.lower()
        if low_after.startswith(_LATIN_AFTER_ANY):
            for qualifier, markers in _LATIN_AFTER:
                if low_after.startswith(markers):
                    return qualifier
    elif cjk and _CJK_AFTER_ESTIMATE.match(after):
        return "estimate"
    # 4. Clause-level cues: "objectif de faire passer ... à 20兆円", "目標 ... 20兆円".
    if cjk:
        m = _CJK_LONG_RE.search(_clause(text, start, window_start))
        if m:
            return str(m.lastgroup)
    elif words and words[-1] in _LONG_CONNECTORS:
        low_clause = _clause(text, start, window_start).lower()
        last = words[-1]
        for qualifier, trigger, connectors in _LONG_RANGE:
            if last in connectors and trigger.search(low_clause):
                return qualifier
    return "exact"


# --------------------------------------------------------------------------------------------------
# Extraction
# --------------------------------------------------------------------------------------------------


class _Fig:
    """A figure under construction (slots: built once per match, so keep it light)."""

    __slots__ = ("ambiguous", "end", "lang", "notes", "qualifier", "start", "unit", "value", "word_amount")

    def __init__(self, start: int, end: int, value: float, unit: str | None, lang: str) -> None:
        self.start = start
        self.end = end
        self.value = value
        self.unit = unit
        self.lang = lang
        self.qualifier = "exact"
        self.ambiguous = False
        self.notes: list[str] = []
        self.word_amount = False  # a scale-word amount with no currency, to be given one from context


def _line_bounds(text: str, pos: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return start, (len(text) if end < 0 else end)


def _sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """Sentence (or title line) around a figure: sentence punctuation or a line break ends it."""
    line_start, line_end = _line_bounds(text, start)
    s, e = line_start, line_end
    for m in _SENTENCE_END_RE.finditer(text, line_start, line_end):
        if m.end() <= start:
            s = m.end()
        elif m.start() >= end:
            e = m.start()
            break
    return s, e


def _yuan_reading(text: str, pos: int) -> str:
    """元 alone: TWD if the line around it is written in traditional characters, else CNY."""
    a, b = _line_bounds(text, pos)
    line = text[a:b]
    trad = sum(map(_TRAD_CHARS.__contains__, line))
    simp = sum(map(_SIMP_CHARS.__contains__, line))
    return "TWD" if trad > simp else "CNY"


def _resolve_currency(fig: _Fig, pre: str | None, uword: str | None, text: str) -> None:
    """Set unit/ambiguity from the prefix symbol and unit word (元 and ¥ are the ambiguous ones)."""
    if pre:
        pre = pre.strip(" \u00a0\u202f\u2009")
    pre_code = _PREFIX_CURRENCY.get(pre) if pre else None
    if pre in ("¥", "￥") and fig.lang == "zh":
        pre_code = "CNY"
        fig.ambiguous = True
        fig.notes.append("¥ in Chinese text read as CNY (also the yen sign)")
    unit_code: str | None = None
    if uword is not None:
        key = _SP_RE.sub(" ", uword)
        if key in _UNIT_CJK:
            unit_code = _UNIT_CJK[key]
            if unit_code is None:  # 元 alone
                if pre_code is not None:
                    unit_code = pre_code
                else:
                    unit_code = _yuan_reading(text, fig.start)
                    other = "TWD" if unit_code == "CNY" else "CNY"
                    script = "traditional" if unit_code == "TWD" else "simplified"
                    fig.ambiguous = True
                    fig.notes.append(f"元 alone is {unit_code} or {other}; read as {unit_code} ({script} script)")
        else:
            unit_code = _UNIT_EXACT.get(key) or _UNIT_WORDS.get(key.lower())
    if unit_code in _PERCENT_UNITS:
        fig.unit = unit_code
        return
    if unit_code and pre_code and unit_code != pre_code:
        fig.ambiguous = True
        fig.notes.append(f"prefix says {pre_code}, unit word says {unit_code}; kept {unit_code}")
    fig.unit = unit_code or pre_code


def _counts_a_noun(text: str, end: int, cjk: bool) -> bool:
    """True when a currency-less scale amount counts something: "14 million people", "10万人"."""
    if cjk:
        nxt = text[end : end + 1]
        return bool(nxt) and (nxt.isalnum() or nxt in "'’")
    m = _NEXT_WORD_RE.match(text, end)
    word = m.group(1) if m else None
    if not word:
        return False
    return word.lower() not in _FUNCTION_WORDS


def _scan(text: str, lang: str | None) -> list[_Fig]:
    """First pass: every match that carries a currency, a percent sign or a scale word."""
    doc_lang = lang or detect_language(text)
    line_langs: dict[int, str] = {}
    figs: list[_Fig] = []
    last_end = 0
    for m in _FIGURE_RE.finditer(text):
        start, end = m.span()
        kanji_s = m.start(_G_KANJI)
        cnpct_s = m.start(_G_CNPCT)
        if kanji_s < 0 and cnpct_s < 0:
            has_pre = m.start(_G_PRE) >= 0
            has_cjk = m.start(_G_CJK) >= 0
            has_scale = m.start(_G_SCALE) >= 0
            has_unit = m.start(_G_UNIT) >= 0
            if not (has_pre or has_cjk or has_scale or has_unit):
                continue  # a bare number: year, date, age, count
        # Language of this line (only when the caller did not say): mixed corpora stay correct.
        if lang is None:
            ls = text.rfind("\n", 0, start) + 1
            line_lang = line_langs.get(ls)
            if line_lang is None:
                le = text.find("\n", start)
                guess, sure = _detect(text[ls : (len(text) if le < 0 else le)][:_DETECT_SAMPLE])
                line_lang = guess if sure else doc_lang
                line_langs[ls] = line_lang
        else:
            line_lang = lang
        notes: list[str] = []
        ambiguous = False
        try:
            if cnpct_s >= 0:
                fig = _Fig(start, end, _parse_cn_percent(m.group("cnpct"), line_lang), "percent", line_lang)
            elif kanji_s >= 0:
                kanji = m.group("kanji")
                kunit = m.group("kunit")
                if kunit not in ("%", "％", "パーセント", "ポイント") and not any(
                    c in _CJK_SMALL or c in _CJK_BIG for c in kanji
                ):
                    continue  # 一円 in 関東一円, 一元化: a lone kanji digit is not an amount
                fig = _Fig(start, end, _parse_cjk(None, kanji, line_lang), None, line_lang)
                _resolve_currency(fig, None, kunit, text)
            else:
                value = _parse_number(m.group("num"), line_lang)
                if has_cjk:
                    value = _parse_cjk(value, m.group("cjk"), line_lang)
                needs_currency = False
                if has_scale:
                    mult, amb, needs_currency = _scale(m.group("scale"), line_lang, notes)
                    value *= mult
                    ambiguous = ambiguous or amb
                sign = m.group("sign1") or m.group("sign2")
                if sign:
                    if sign in "-−" and text[max(0, start - 3) : start].rstrip()[-1:].isdigit():
                        start += 1  # "20 -30 %": a range dash, not a minus sign
                        sign = None
                    else:
                        value = -value
                fig = _Fig(start, end, value, None, line_lang)
                _resolve_currency(fig, m.group("pre"), m.group("uword"), text)
                if fig.unit is None:
                    if needs_currency or not (has_scale or has_cjk):
                        continue  # "a 5m wall", "5K run"
                    if _counts_a_noun(text, end, has_cjk and not has_scale):
                        continue
                    fig.word_amount = True
        except (ValueError, KeyError, OverflowError):
            continue
        if not math.isfinite(fig.value):
            continue
        fig.ambiguous = fig.ambiguous or ambiguous
        fig.notes[:0] = notes
        fig.qualifier = _qualifier(text, start, end, last_end)
        figs.append(fig)
        last_end = end
    return figs


def _infer_currencies(text: str, figs: list[_Fig]) -> list[_Fig]:
    """Give "55 milliards" the currency of its context, or drop it when the context is unclear.

    Nearest currency-bearing figure in the same sentence first; otherwise the text's dominant
    currency (≥ 60 % of its money figures), and then only if the sentence talks about money.
    """
    pending = [f for f in figs if f.word_amount]
    if not pending:
        return figs
    money = [f for f in figs if f.unit is not None and f.unit not in _PERCENT_UNITS]
    counts = Counter(f.unit for f in money)
    dominant = None
    if counts:
        code, n = counts.most_common(1)[0]
        if n / len(money) >= 0.6:
            dominant = code
    drop: set[int] = set()
    for fig in pending:
        s, e = _sentence_bounds(text, fig.start, fig.end)
        near = [f for f in money if s <= f.start < e]
        if near:
            best = min(near, key=lambda f: min(abs(f.start - fig.end), abs(fig.start - f.end)))
            fig.unit = best.unit
        elif dominant is not None and any(cue in text[s:e].lower() for cue in _MONEY_CUES):
            fig.unit = dominant
        else:
            drop.add(id(fig))
            continue
        fig.notes.append(f"currency inferred from context: {fig.unit}")
    return [f for f in figs if id(f) not in drop]


def _check_restatements(text: str, figs: list[_Fig]) -> None:
    """Flag "X (≈ Y)" restatements in another currency that are off by more than 3x.

    The seed gives 196,6 万円 as "environ 40 000 TWD", about a tenth of the real equivalent; the
    rates are rough on purpose (an order-of-magnitude check, not a conversion).
    """
    for a, b in zip(figs, figs[1:], strict=False):
        if a.unit == b.unit or a.unit not in _JPY_PER_UNIT or b.unit not in _JPY_PER_UNIT:
            continue
        between = text[a.end : b.start]
        if len(between) > 25 or ("(" not in between and "（" not in between) or ")" in between:
            continue
        if a.value == 0 or b.value == 0:
            continue
        expected = a.value * _JPY_PER_UNIT[a.unit] / _JPY_PER_UNIT[b.unit]
        ratio = expected / b.value
        if ratio > _RESTATEMENT_TOLERANCE or ratio < 1 / _RESTATEMENT_TOLERANCE:
            b.ambiguous = True
            b.notes.append(
                f"given as the {b.unit} equivalent of {text[a.start:a.end]}, which is about "
                f"{expected:,.0f} {b.unit}: off by about {ratio:.1f}x"
            )


def extract_figures(text: str, lang: str | None = None) -> pl.DataFrame:
    """Money, percent and percentage-point figures of `text`, one row per figure (`FIGURE_SCHEMA`).

    `lang` is en, fr, de, ja or zh (``zh-Hant`` etc. accepted); None detects it per line, falling
    back to the whole text, so a corpus of mixed articles reads each line with its own separators
    and scale words. Pure: no I/O, never raises on text input.
    """
    norm = _normalise_lang(lang)
    figs = _scan(text, norm)
    figs = _infer_currencies(text, figs)
    _check_restatements(text, figs)
    columns: dict[str, list] = {name: [] for name in FIGURE_SCHEMA}
    for f in figs:
        columns["surface"].append(text[f.start : f.end])
        columns["start"].append(f.start)
        columns["end"].append(f.end)
        columns["value"].append(f.value)
        columns["unit"].append(f.unit)
        columns["qualifier"].append(f.qualifier)
        columns["ambiguous"].append(f.ambiguous)
        columns["note"].append("; ".join(f.notes) if f.notes else None)
    return pl.DataFrame(columns, schema=FIGURE_SCHEMA)
