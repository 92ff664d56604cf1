"""Money and percent figures in article text (en, fr, de, ja, zh): a pure, regex-driven extractor.

Why this design:

* Articles state the figures the catalog cross-checks (``1兆円``, ``550 億円``, ``26 %``), but in five
  languages with different separators (``6,650.6`` / ``196,6`` / ``1 238`` / ``1.238``), scale words
  whose meaning depends on the language (``billion`` is 1e9 in English, 1e12 in French and German)
  and CJK scale characters (``6兆6506億円``). A general quantity parser (quantulum3) reads 0.03 MB/s
  and gets ``bn``/``tn``/``US$`` wrong, so we use one compiled regex over the whole text and do
  Python work only per match (see ``benchmarks/figures.py``).
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
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

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
# Lexicons (kept compact on purpose: one glance shows a language's words)
# --------------------------------------------------------------------------------------------------
# fmt: off

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
        "target", "target of", "targets", "targeting", "targeted", "goal", "goal of", "aim", "aim of", "aims for",
        "aiming for", "in order to reach", "objective of",
        "objectif", "objectif de", "objectif à", "cible de", "viser", "vise", "visent", "pour atteindre",
        "afin atteindre",
        "ziel", "ziel von", "zielmarke von", "angestrebte", "angestrebten", "angepeilte", "angepeilten",
    ),
    "estimate": (
        "estimated", "estimated at", "estimated to be", "projected", "projected at", "projected to reach",
        "projected to be", "forecast", "forecast at", "forecast to reach", "expected to reach",
        "expected to hit", "expected to total", "could reach",
        "estimé", "estimée", "estimés", "estimées", "estimation",
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
    (
        "approx",
        ("约合", "約合", "约", "約", "およそ", "ほぼ", "概ね", "おおむね", "大约", "大約", "将近", "將近", "接近",
         "相当于", "相當於"),
    ),
)
_CJK_AFTER: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("at_least", ("超", "以上", "強", "余り", "余", "を超え", "を上回")),
    ("at_most", ("以下", "未満", "弱", "以内", "を下回", "足らず")),
    ("approx", ("程度", "前後", "ほど", "くらい", "ぐらい", "近く", "左右", "上下")),
    ("target", ("を目指", "を目標", "の目標", "とする目標", "が目標")),
)
#: A target or estimate cue a few characters after the figure, in the same clause:
#: 13兆円に引き上げる目標, 45兆円に達する見通し.
_CJK_AFTER_CUE = re.compile(
    r"[^。、，,.!?！？\n]{0,10}?(?:(?P<target>目標|目标|目指)|(?P<estimate>見通し|見込み|と推計|と予測|と試算|と推定))"
)
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
    ("estimate", ("見通し", "見込み", "预计", "預計", "预测", "預測", "预估", "預估", "估计", "估計", "推計",
                  "試算", "予測")),
)

#: A scale-word amount with no currency ("55 milliards") is money only if it is not counting a noun
#: ("14 million people", "3 millions d'habitants"): the next word must be one of these or absent.
_FUNCTION_WORDS = frozenset(
    [
        "to", "for", "in", "on", "by", "from", "with", "this", "that", "was", "were", "is", "are", "will",
        "would", "could", "a", "an", "and", "or", "but", "as", "at", "of", "than", "per", "last", "next",
        "over", "each", "into", "pour", "par", "en", "et", "à", "au", "aux", "dans", "sur", "qui", "que",
        "soit", "ou", "ce", "cette", "est", "sont", "sera", "seront", "a", "ont", "vers", "avant", "après",
        "contre", "für", "und", "oder", "bis", "auf", "im", "in", "ist", "sind", "wird", "werden", "zur",
        "zum", "mit", "als", "je", "pro", "bereits",
    ]
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

# fmt: on

# --------------------------------------------------------------------------------------------------
# The regex
# --------------------------------------------------------------------------------------------------


_SP = "[ \u00a0\u202f\u2009]"
_LETTER = "A-Za-zÀ-ÖØ-öø-ÿ"
_KANJI_NUMERAL = "〇零一二三四五六七八九两兩十百千"
_CJK_TAIL = rf"(?:{_SP}?[十百千万萬億亿兆]+(?:\d+(?:[.,．]\d+)?|[〇零一二三四五六七八九两兩]+)?)+"
_NOT_LETTER = rf"(?![{_LETTER}])"


def _trie(entries: Iterable[tuple[str, bool, str]]) -> str:
    """Regex for a set of words as a trie: (word, fold_case, suffix asserted at the word's end).

    Python's `re` tries alternatives one by one; a trie branches on the first character (and `re`
    skips a branch whose first character cannot match), so a number followed by an ordinary word
    costs a handful of checks instead of one per unit word. Longer words are tried first.
    """
    root: dict[str, dict] = {}
    for word, fold, suffix in entries:
        node = root
        for ch in word:
            if ch == " ":
                key = _SP
            elif fold and len(ch.upper()) == 1 and ch.lower() != ch.upper():
                key = f"[{re.escape(ch.lower())}{re.escape(ch.upper())}]"
            else:
                key = re.escape(ch)
            node = node.setdefault(key, {})
        node.setdefault("", set()).add(suffix)

    def build(node: dict) -> str:
        alts = [key + build(child) for key, child in sorted(node.items()) if key]
        ends = sorted(node.get("", ()))
        alts.extend(e for e in ends if e)
        optional = "" in ends
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 and not optional else "(?:" + "|".join(alts) + ")"
        return body + ("?" if optional else "")

    return build(root)


_SCALE = (
    _SP
    + "?"
    + _trie(
        [(w, True, _NOT_LETTER) for w in (*_SCALE_FIXED, *_SCALE_LANG_WORDS)]
        + [(w, False, _NOT_LETTER) for w in _SCALE_SHORT]
    )
)
_YUAN_END = "(?![化素旦首帅帥宵老气氣件])"
_CJK_UNITS = _trie((u, False, _YUAN_END if u == "元" else "") for u in _UNIT_CJK)
_UNITS = _trie(
    [(w, True, _NOT_LETTER) for w in _UNIT_WORDS]
    + [(w, False, _NOT_LETTER if w[-1].isalpha() else "") for w in _UNIT_EXACT]
    + [(u, False, _YUAN_END if u == "元" else "") for u in _UNIT_CJK]
)
# A number: 6,650.6 · 1 238 · 1.238,5 (groups of three after a separator) or 196,6 · 2.5 · 330.
# Written without its first digit, which the regex has already consumed (see below).
_NUM_REST = (
    r"\d{0,2}(?:[,.．\u00a0\u202f\u2009 ]\d{3}(?!\d))+(?:[.,．]\d+)?"
    r"|\d*(?:[.,．]\d+)?"
)

# The regex starts with a plain character class (a digit or a kanji numeral), so Python's `re`
# skips every other position in a tight C loop instead of trying the pattern there: this is most of
# its speed. Currency prefixes and signs written before the number ($, US$, JPY, 新台幣, ▲, -) are
# read back from the text in Python (`_prefix_and_sign`), only for the numbers that matched.
_FIGURE_RE = re.compile(
    rf"""
    (?P<first>[\d{_KANJI_NUMERAL}])
    (?:
        (?<=\d)(?<![A-Za-z\d.,]\d)      # a digit, not inside a word or number (GPT-4, A320, 1.5)
        (?P<numrest>{_NUM_REST})
        (?P<cjk>{_CJK_TAIL})?
        (?P<scale>{_SCALE})?
        (?P<unit>{_SP}?(?:(?i:de|of){_SP}|d['’])?(?P<uword>{_UNITS}))?
    |
        (?<=百)分之(?P<cnpct>[{_KANJI_NUMERAL}点點\d.]+)
    |
        (?<=[{_KANJI_NUMERAL}])
        (?P<krest>[{_KANJI_NUMERAL}]*(?:[万萬億亿兆]+[{_KANJI_NUMERAL}]*)*)
        (?P<kunit>{_CJK_UNITS}|[%％])
    )
    """,
    re.VERBOSE,
)
_PREFIX_LAST_CHARS = frozenset(k[-1] for k in _PREFIX_CURRENCY)
_PREFIX_OR_MARK = _PREFIX_LAST_CHARS | {"▲", "△"}
_PREFIX_MAX = max(map(len, _PREFIX_CURRENCY))
_SP_CHARS = " \u00a0\u202f\u2009"
_GLUE_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.,")


def _prefix_and_sign(text: str, start: int) -> tuple[int, str | None, str | None]:
    """Currency prefix and sign written just before a number → (figure start, prefix, sign).

    ``US$43bn``, ``JPY 6.65tn``, ``新台幣40,000元``, ``▲2.1兆円``, ``-$5bn``, ``$-5bn``. A prefix glued
    to a letter or digit (``R$``, ``XJPY``) is not one; a dash after a number is a range (``20 -30``).
    """
    pos = start
    sign = None
    c = text[pos - 1 : pos]
    if c and c in "▲△-−" and _is_sign(text, pos - 1):
        sign = c
        pos -= 1
    elif c and c in _SP_CHARS and text[pos - 2 : pos - 1] in ("▲", "△"):
        sign = text[pos - 2]  # ▲ 2.1兆円
        pos -= 2
    pre = None
    end = pos
    c = text[end - 1 : end]
    if c and c in _SP_CHARS and sign is None:
        end -= 1
        c = text[end - 1 : end]
    if c in _PREFIX_LAST_CHARS:
        for length in range(min(_PREFIX_MAX, end), 0, -1):
            cand = text[end - length : end]
            if cand in _PREFIX_CURRENCY and text[end - length - 1 : end - length] not in _GLUE_CHARS:
                pre = cand
                pos = end - length
                break
    if pre is not None and sign is None:
        c = text[pos - 1 : pos]
        if c and c in "▲△-−" and _is_sign(text, pos - 1):
            sign = c
            pos -= 1
    return pos, pre, sign


def _is_sign(text: str, i: int) -> bool:
    """A ▲/△/minus at `i` is a sign unless glued to a word (GPT-4) or after a number (20 -30 %)."""
    if text[i] in "▲△":
        return True
    b = text[i - 1 : i]
    if b and (b in _GLUE_CHARS or b in ")]" or (b.isalpha() and ord(b) < 0x250)):
        return False  # GPT-4, (a)-5, é-5; but 前年比-2.1% is a minus
    return not text[max(0, i - 3) : i].rstrip(_SP_CHARS)[-1:].isdigit()


_CJK_TOKEN_RE = re.compile(r"\d+(?:[.,．]\d+)?|[〇零一二三四五六七八九两兩]+|[十百千]|[万萬億亿兆]+")
_SP_RE = re.compile(_SP + "+")
_NEXT_WORD_RE = re.compile(rf"{_SP}*([{_LETTER}][{_LETTER}'’-]*)?")
_SENTENCE_END_RE = re.compile(r"[.!?](?=[\s\"»”)])|[。！？\n]")
_KANA_RE = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]+")
_CJK_ANY_RE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f]")
_DIGIT_FOLD = str.maketrans("０１２３４５６７８９．，", "0123456789.,")

# --------------------------------------------------------------------------------------------------
# Language detection
# --------------------------------------------------------------------------------------------------

_DETECT_SAMPLE = 20_000


def _detect(text: str) -> tuple[str, bool]:
    """Language of `text` and whether the evidence is strong enough to trust on a single line."""
    if not text.isascii():
        # Non-ASCII characters against words (spaces count words well enough): CJK text has
        # almost no spaces, French or German text has a few accented letters per ten words.
        wide = len(text) - len(text.encode("ascii", "ignore"))
        if wide * 2 > (text.count(" ") + 1) * 3 and _CJK_ANY_RE.search(text):
            kana = sum(map(len, _KANA_RE.findall(text)))
            if kana * 20 >= wide > 0:
                return "ja", wide >= 2
            if "円" in text:  # 円 is Japanese; Chinese writes 日圓/日元
                return "ja", wide >= 2
            return "zh", wide >= 2
    # Stopwords: whitespace tokens looked up in one dict (a line costs a few microseconds).
    counts = {"en": 0, "fr": 0, "de": 0, None: 0}
    get = _STOPWORDS.get
    for word in text.lower().split():
        lang = get(word)
        if lang is None and word[1:2] in ("'", "’") and word[:1] in "ldjnsc":
            lang = "fr"  # elision: l'objectif, d’environ
        counts[lang] += 1
    en, fr, de = counts["en"], counts["fr"], counts["de"]
    best, n = max((("en", en), ("fr", fr), ("de", de)), key=lambda kv: kv[1])
    if n == 0 or sorted((en, fr, de))[1] == n:
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


def _number_text(raw: str, lang: str) -> str:
    """Digits with the separators of `lang` → a plain decimal string: `6,650.6` (en), `196,6` /
    `1 238` (fr), `1.238` (de) → "6650.6", "196.6", "1238", "1238".

    A lone separator followed by exactly three digits is a thousands separator in English, Japanese
    and Chinese (`40,000`) and, for `.`, in French and German (`1.238`); otherwise it is a decimal mark.
    """
    s = raw.replace(" ", "") if raw.isascii() else _SP_RE.sub("", raw.translate(_DIGIT_FOLD))
    has_comma, has_dot = "," in s, "." in s
    if not has_comma and (not has_dot or (lang not in ("fr", "de") and s.count(".") == 1)):
        return s  # the common case: plain digits, or one decimal point outside fr/de
    if has_comma and has_dot:
        dec = "," if s.rfind(",") > s.rfind(".") else "."
        grp = "." if dec == "," else ","
        return s.replace(grp, "").replace(dec, ".")
    if has_comma:
        parts = s.split(",")
        if len(parts) > 2 or (lang not in ("fr", "de") and len(parts[1]) == 3):
            return s.replace(",", "")
        return s.replace(",", ".")
    parts = s.split(".")
    if len(parts) > 2 or (lang in ("fr", "de") and len(parts[1]) == 3):
        return s.replace(".", "")
    return s


def _parse_number(raw: str, lang: str) -> float:
    return float(_number_text(raw, lang))


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
            value = float(f"{int(value)}.{digits}") if value.is_integer() else value + float("0." + digits)
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
            f"'{key}' in {name} text is literally 1e18 (long scale); read as the English short scale 1e12 "
            "(an English word or a rendering of 兆: 1 trillion de yens = 1兆円)"
        )
        return 1e12, True, False
    return 1e12, False, False


# --------------------------------------------------------------------------------------------------
# Qualifiers
# --------------------------------------------------------------------------------------------------


_CJK_BEFORE_ANY = (*(m for _, ms in _CJK_BEFORE for m in ms), "近")
_CJK_BEFORE_LAST = frozenset(m[-1] for m in _CJK_BEFORE_ANY)
_CJK_AFTER_ANY = tuple(m for _, ms in _CJK_AFTER for m in ms)
_CJK_AFTER_FIRST = frozenset(m[0] for m in _CJK_AFTER_ANY)
_LATIN_AFTER_SECOND = frozenset(c for _, ms in _LATIN_AFTER for m in ms for c in (m[1], m[1].upper()))
_LONG_CONNECTORS = frozenset().union(*(c for _, _, c in _LONG_RANGE))
_CJK_LONG_RE = re.compile(_trie((t, False, "") for _, ts in _CJK_LONG_RANGE for t in ts))
_CJK_LONG_QUALIFIER = {t: q for q, ts in _CJK_LONG_RANGE for t in ts}
#: Last words of the qualifier phrases: if the word before a figure is not one, skip the lookups.
_QUALIFIER_LAST_WORDS = frozenset(k[-1] for k in _QUALIFIER_BY_WORDS)
_STRIP_CHARS = '(«“"[,;:'


def _last_words(before: str) -> list[str]:
    """Up to the last three words before a figure, lower-cased, elisions stripped (d’environ → environ)."""
    words = before[-48:].lower().replace("’", "'").split()[-3:]
    out = []
    for w in words:
        w = w.strip(_STRIP_CHARS)
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
    cut = max(
        clause.rfind(". "),
        clause.rfind("。"),
        clause.rfind("\n"),
        clause.rfind("! "),
        clause.rfind("? "),
        clause.rfind("！"),
        clause.rfind("？"),
    )
    return clause[cut + 1 :] if cut >= 0 else clause


def _last_word(tight: str) -> str:
    """The word just before a figure, normalised like `_last_words` (fast path: one lookup)."""
    w = tight[tight.rfind(" ") + 1 :].lower()
    if w in _QUALIFIER_LAST_WORDS or w.isalpha():
        return w
    w = w.replace("’", "'").strip(_STRIP_CHARS)
    if "'" in w:
        head, _, rest = w.partition("'")
        if head in _ELISIONS and rest:
            w = rest
    return w


def _qualifier(text: str, start: int, end: int, window_start: int, cjk: bool, cjk_cues: bool) -> str:
    """Qualifier from the words before the figure, the characters after it, then clause-level cues.

    Called once per figure, so the common case (nothing qualifies) costs a few C-level string
    checks and set lookups; phrase lookups and clause-level searches run only when a cue calls for them.
    """
    ws = start - 48
    if ws < window_start:
        ws = window_start
    tight = text[ws:start].rstrip()
    if "\n" in tight:
        tight = tight[tight.rfind("\n") + 1 :]
    # 1. CJK marker glued before the figure: 約5兆円, 超过5%, 近3万亿元 (but not 最近).
    if tight[-1:] in _CJK_BEFORE_LAST and tight.endswith(_CJK_BEFORE_ANY):
        for qualifier, markers in _CJK_BEFORE:
            if tight.endswith(markers):
                return qualifier
        if not tight.endswith(("最近", "付近")):
            return "approx"
    # 2. Words before the figure, longest phrase first ("no more than" before "more than").
    last = "" if cjk else _last_word(tight)
    if last in _QUALIFIER_LAST_WORDS:
        words = _last_words(tight)
        get = _QUALIFIER_BY_WORDS.get
        q = (
            (len(words) >= 3 and get(tuple(words[-3:])))
            or (len(words) >= 2 and get(tuple(words[-2:])))
            or get(tuple(words[-1:]))
        )
        if q:
            return q
    # 3. Right after the figure: 5兆円超, 5 % or more, 45兆円に達する見通し.
    after = text[end : end + 16]
    head = after[:1]
    if head in _CJK_AFTER_FIRST and after.startswith(_CJK_AFTER_ANY):
        for qualifier, markers in _CJK_AFTER:
            if after.startswith(markers):
                return qualifier
    if head == " ":
        if after[1:2] in _LATIN_AFTER_SECOND:
            low_after = after.lower()
            for qualifier, markers in _LATIN_AFTER:
                if low_after.startswith(markers):
                    return qualifier
    elif cjk:
        m = _CJK_AFTER_CUE.match(text, end, end + 24)
        if m:
            return str(m.lastgroup)
    # 4. Clause-level cues: "objectif de faire passer ... à 20兆円", "目標 ... 20兆円".
    if cjk_cues:
        clause = _clause(text, start, window_start)
        if window_start > start - 150 and window_start > 0 and len(clause) == start - window_start:
            # Another figure earlier in the sentence: a cue before its comma belongs to that figure
            # (13兆円に引き上げる目標で、成長率は3.8ポイント); otherwise the cue scopes over the comma
            # (预计到2030年，市场将达到3万亿元).
            clause = clause[max(clause.rfind("、"), clause.rfind("，"), clause.rfind(",")) + 1 :]
        m = _CJK_LONG_RE.search(clause)
        if m:
            return _CJK_LONG_QUALIFIER[m.group()]
    elif not cjk and last in _LONG_CONNECTORS:
        low_clause = _clause(text, start, window_start).lower()
        for qualifier, trigger, connectors in _LONG_RANGE:
            if last in connectors and trigger.search(low_clause):
                return qualifier
    return "exact"


# --------------------------------------------------------------------------------------------------
# Extraction
# --------------------------------------------------------------------------------------------------


class _Figures:
    """Figures as parallel lists, one entry per figure, in text order.

    No object per figure: a dense text has tens of thousands of them, and per-figure objects would
    cost allocation and garbage-collector time for nothing. Inference and checks edit by index.
    """

    __slots__ = ("ambiguous", "end", "note", "qualifier", "start", "unit", "value", "word_amounts")

    def __init__(self) -> None:
        self.start: list[int] = []
        self.end: list[int] = []
        self.value: list[float] = []
        self.unit: list[str | None] = []
        self.qualifier: list[str] = []
        self.ambiguous: list[bool] = []
        self.note: list[str | None] = []
        self.word_amounts: list[int] = []  # indices of scale-word amounts with no currency yet

    def add_note(self, i: int, note: str) -> None:
        old = self.note[i]
        self.note[i] = note if old is None else f"{old}; {note}"

    def keep(self, keep: list[bool]) -> None:
        for name in ("start", "end", "value", "unit", "qualifier", "ambiguous", "note"):
            column = getattr(self, name)
            setattr(self, name, [x for x, k in zip(column, keep, strict=True) if k])
        self.word_amounts = []


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
    return _script_yuan(text[a : min(b, a + 400)])


@lru_cache(maxsize=512)
def _script_yuan(line: str) -> str:
    trad = sum(map(_TRAD_CHARS.__contains__, line))
    simp = sum(map(_SIMP_CHARS.__contains__, line))
    return "TWD" if trad > simp else "CNY"


_MISSING = "\0"
#: Every unit surface in one table (Latin words by their lower-case form), so most lookups are one get.
_UNIT_LOOKUP: dict[str, str | None] = {**_UNIT_WORDS, **_UNIT_EXACT, **_UNIT_CJK}


_CURRENCY_CACHE: dict[tuple[str | None, str | None, str], tuple[str | None, bool, tuple[str, ...]]] = {}


def _currency(
    pre: str | None, uword: str | None, lang: str, text: str, pos: int, notes: list[str]
) -> tuple[str | None, bool]:
    """Unit from the prefix symbol and the unit word → (unit, ambiguous), memoised per spelling.

    Only 元 alone depends on more than the spelling (the script of its line), so it is not cached.
    """
    key = (pre, uword, lang)
    hit = _CURRENCY_CACHE.get(key)
    if hit is not None:
        notes.extend(hit[2])
        return hit[0], hit[1]
    mark = len(notes)
    unit, ambiguous = _currency_uncached(pre, uword, lang, text, pos, notes)
    if uword != "元" and len(_CURRENCY_CACHE) < 4096:
        _CURRENCY_CACHE[key] = (unit, ambiguous, tuple(notes[mark:]))
    return unit, ambiguous


def _currency_uncached(
    pre: str | None, uword: str | None, lang: str, text: str, pos: int, notes: list[str]
) -> tuple[str | None, bool]:
    ambiguous = False
    pre_code = None
    if pre is not None:
        pre = pre.rstrip(" \u00a0\u202f\u2009")
        pre_code = _PREFIX_CURRENCY.get(pre)
        if lang == "zh" and pre in ("¥", "￥"):
            pre_code = "CNY"
            ambiguous = True
            notes.append("¥ in Chinese text read as CNY (also the yen sign)")
    if uword is None:
        return pre_code, ambiguous
    unit_code = _UNIT_LOOKUP.get(uword, _MISSING)
    if unit_code == _MISSING:
        unit_code = _UNIT_LOOKUP.get(_SP_RE.sub(" ", uword).lower())
    elif unit_code is None:  # 元 alone
        if pre_code is not None:
            return pre_code, ambiguous
        unit_code = _yuan_reading(text, pos)
        other = "TWD" if unit_code == "CNY" else "CNY"
        script = "traditional" if unit_code == "TWD" else "simplified"
        notes.append(f"元 alone is {unit_code} or {other}; read as {unit_code} ({script} script)")
        return unit_code, True
    if unit_code in _PERCENT_UNITS:
        return unit_code, ambiguous
    if unit_code and pre_code and unit_code != pre_code:
        notes.append(f"prefix says {pre_code}, unit word says {unit_code}; kept {unit_code}")
        return unit_code, True
    return unit_code or pre_code, ambiguous


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


# `_scan` unpacks m.groups() positionally (cheaper than named lookups): keep this order.
if tuple(_FIGURE_RE.groupindex) != ("first", "numrest", "cjk", "scale", "unit", "uword", "cnpct", "krest", "kunit"):
    raise RuntimeError("_FIGURE_RE groups changed: update the unpacking in _scan")
#: The usual tail (億, " 億", 兆, 万亿): a single multiplier, no parsing needed.
_CJK_COMPOUNDS = {"万亿": 1e12, "萬億": 1e12, "千亿": 1e11, "千億": 1e11, "千万": 1e7, "千萬": 1e7}
_CJK_SINGLE: dict[str, int] = {
    pre + k: round(math.log10(v)) for pre in ("", " ") for k, v in {**_CJK_SMALL, **_CJK_BIG, **_CJK_COMPOUNDS}.items()
}
_VAGUE_BEFORE_KANJI = frozenset("数數幾几何多余餘")
_KANJI_SCALE_CHARS = frozenset(_CJK_SMALL) | frozenset(_CJK_BIG)
_LINE_SAMPLE = 160


def _scan(text: str, lang: str | None) -> _Figures:
    """First pass: every match that carries a currency, a percent sign or a scale word.

    This loop runs once per regex match, so it is written for speed: one `groups()` call per match,
    bare numbers dropped before any other work, the line language computed once per line.
    """
    doc_lang = lang or detect_language(text)
    line_lang = doc_lang
    line_end = -1
    line_cjk = line_cues = False
    n = len(text)
    figs = _Figures()
    starts, ends, values, units = figs.start, figs.end, figs.value, figs.unit
    qualifiers, ambiguities, notes_col = figs.qualifier, figs.ambiguous, figs.note
    notes: list[str] = []  # scratch, cleared per figure
    last_end = 0
    for m in _FIGURE_RE.finditer(text):
        first, numrest, cjk, scale, _, uword, cnpct, krest, kunit = m.groups()
        start, end = m.span()
        pre = sign = None
        c = text[start - 1 : start]
        if krest is not None and c in _VAGUE_BEFORE_KANJI:
            continue  # 数千億円, 何十万円: "several thousand oku", not an amount
        if c and (
            c in _PREFIX_LAST_CHARS
            or c in "▲△-−"
            or (c in _SP_CHARS and text[start - 2 : start - 1] in _PREFIX_OR_MARK)
        ):
            start, pre, sign = _prefix_and_sign(text, start)
        if numrest is not None and pre is None and cjk is None and scale is None and uword is None:
            continue  # a bare number: year, date, age, count
        if start > line_end:  # first figure of a line
            line_start = text.rfind("\n", 0, start) + 1
            line_end = text.find("\n", start)
            if line_end < 0:
                line_end = n
            # Language of this line (only when the caller did not say): mixed corpora stay correct.
            if lang is None:
                guess, sure = _detect(text[line_start : min(line_end, line_start + _LINE_SAMPLE)])
                line_lang = guess if sure else doc_lang
            line_cjk = line_lang in ("ja", "zh")
            # Clause-level CJK cues (目標, 見通し) are looked for only on lines that have one.
            line_cues = line_cjk and _CJK_LONG_RE.search(text, line_start, line_end) is not None
        if notes:
            notes.clear()
        ambiguous = False
        word_amount = False
        try:
            if cnpct is not None:
                value, unit = _parse_cn_percent(cnpct, line_lang), "percent"
            elif krest is not None:
                kanji = first + krest
                if kunit not in ("%", "％", "パーセント", "ポイント") and _KANJI_SCALE_CHARS.isdisjoint(kanji):
                    continue  # 一円 in 関東一円, 一元化: a lone kanji digit is not an amount
                value = _parse_cjk(None, kanji, line_lang)
                unit, ambiguous = _currency(pre, kunit, line_lang, text, start, notes)
            else:
                # Scale by powers of ten in the decimal string ("2.16e12"), not by multiplying floats
                # (2.16 * 1e12 = 2160000000000.0002).
                num = first + numrest
                digits = num if num.isascii() and num.isdigit() else _number_text(num, line_lang)
                exp = 0
                if cjk is not None:
                    e = _CJK_SINGLE.get(cjk)
                    if e is None:
                        digits, exp = repr(_parse_cjk(float(digits), cjk, line_lang)), 0
                    else:
                        exp = e
                needs_currency = False
                if scale is not None:
                    mult, ambiguous, needs_currency = _scale(scale, line_lang, notes)
                    exp += round(math.log10(mult))
                value = float(f"{digits}e{exp}") if exp else float(digits)
                hit = _CURRENCY_CACHE.get((pre, uword, line_lang))
                if hit is not None:
                    unit, amb, cached_notes = hit
                    if cached_notes:
                        notes.extend(cached_notes)
                else:
                    unit, amb = _currency(pre, uword, line_lang, text, start, notes)
                ambiguous = ambiguous or amb
                if unit is None:
                    if needs_currency or (scale is None and cjk is None):
                        continue  # "a 5m wall", "5K run"
                    if _counts_a_noun(text, end, cjk is not None and scale is None):
                        continue
                    word_amount = True
        except (ValueError, KeyError, OverflowError):
            continue
        if not math.isfinite(value):
            continue
        if sign is not None:
            value = -value
        if word_amount:
            figs.word_amounts.append(len(starts))
        starts.append(start)
        ends.append(end)
        values.append(value)
        units.append(unit)
        qualifiers.append(_qualifier(text, start, end, last_end, line_cjk, line_cues))
        ambiguities.append(ambiguous)
        notes_col.append("; ".join(notes) if notes else None)
        last_end = end
    return figs


def _infer_currencies(text: str, figs: _Figures) -> None:
    """Give "55 milliards" the currency of its context, or drop it when the context is unclear.

    Nearest currency-bearing figure in the same sentence first; otherwise the text's dominant
    currency (≥ 60 % of its money figures), and then only if the sentence talks about money.
    """
    if not figs.word_amounts:
        return
    money = [i for i, u in enumerate(figs.unit) if u is not None and u not in _PERCENT_UNITS]
    counts = Counter(figs.unit[i] for i in money)
    dominant = None
    if counts:
        code, n = counts.most_common(1)[0]
        if n / len(money) >= 0.6:
            dominant = code
    money_starts = [figs.start[i] for i in money]
    keep = [True] * len(figs.start)
    for i in figs.word_amounts:
        start, end = figs.start[i], figs.end[i]
        s, e = _sentence_bounds(text, start, end)
        lo, hi = bisect_left(money_starts, s), bisect_left(money_starts, e)
        near = money[lo:hi]
        if near:
            best = min(near, key=lambda j: min(abs(figs.start[j] - end), abs(start - figs.end[j])))
            unit = figs.unit[best]
        elif dominant is not None and any(cue in text[s:e].lower() for cue in _MONEY_CUES):
            unit = dominant
        else:
            keep[i] = False
            continue
        figs.unit[i] = unit
        figs.add_note(i, f"currency inferred from context: {unit}")
    if not all(keep):
        figs.keep(keep)
    else:
        figs.word_amounts = []


def _check_restatements(text: str, figs: _Figures) -> None:
    """Flag "X (≈ Y)" restatements in another currency that are off by more than 3x.

    The seed gives 196,6 万円 as "environ 40 000 TWD", about a tenth of the real equivalent; the
    rates are rough on purpose (an order-of-magnitude check, not a conversion).
    """
    units, values, starts, ends = figs.unit, figs.value, figs.start, figs.end
    for b in range(1, len(units)):
        a = b - 1
        ua, ub = units[a], units[b]
        if ua == ub or ua not in _JPY_PER_UNIT or ub not in _JPY_PER_UNIT:
            continue
        between = text[ends[a] : starts[b]]
        if len(between) > 25 or ("(" not in between and "（" not in between) or ")" in between:
            continue
        if values[a] == 0 or values[b] == 0:
            continue
        expected = values[a] * _JPY_PER_UNIT[ua] / _JPY_PER_UNIT[ub]
        ratio = expected / values[b]
        if ratio > _RESTATEMENT_TOLERANCE or ratio < 1 / _RESTATEMENT_TOLERANCE:
            figs.ambiguous[b] = True
            figs.add_note(
                b,
                f"given as the {ub} equivalent of {text[starts[a] : ends[a]]}, which is about "
                f"{expected:,.0f} {ub}: off by about {ratio:.1f}x",
            )


def extract_figures(text: str, lang: str | None = None) -> pl.DataFrame:
    """Money, percent and percentage-point figures of `text`, one row per figure (`FIGURE_SCHEMA`).

    `lang` is en, fr, de, ja or zh (``zh-Hant`` etc. accepted); None detects it per line, falling
    back to the whole text, so a corpus of mixed articles reads each line with its own separators
    and scale words. Pure: no I/O, never raises on text input.
    """
    figs = _scan(text, _normalise_lang(lang))
    _infer_currencies(text, figs)
    _check_restatements(text, figs)
    columns = {
        "surface": [text[s:e] for s, e in zip(figs.start, figs.end, strict=True)],
        "start": figs.start,
        "end": figs.end,
        "value": figs.value,
        "unit": figs.unit,
        "qualifier": figs.qualifier,
        "ambiguous": figs.ambiguous,
        "note": figs.note,
    }
    return pl.DataFrame(columns, schema=FIGURE_SCHEMA)
