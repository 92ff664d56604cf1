"""Word lists of the figure extractor: scales, percent words, qualifiers, cue words, number words.

Why here and not in YAML: these lists are tied to the rules that read them (a scale word's value
depends on the language, a qualifier phrase on word order), so they are reviewed with the code, in one
place per concern. Currencies, which are plain data (codes, symbols, names per language), live in
``catalog/lexicons/figure_currencies.yaml``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# fmt: off

#: Western scale words. Values that depend on the language (billion, trillion) are resolved in
#: `_scale`; the short abbreviations count only next to a currency ("a 5m wall" is not money).
SCALE_FIXED: dict[str, float] = {
    "thousand": 1e3, "thousands": 1e3, "millier": 1e3, "milliers": 1e3, "mille": 1e3,
    "tausend": 1e3, "tsd": 1e3, "tsd.": 1e3,
    "million": 1e6, "millions": 1e6, "millionen": 1e6, "mio": 1e6, "mio.": 1e6, "mn": 1e6, "mln": 1e6,
    "milliard": 1e9, "milliards": 1e9, "milliarde": 1e9, "milliarden": 1e9, "mrd": 1e9, "mrd.": 1e9,
    "md": 1e9, "mds": 1e9, "mrds": 1e9, "bn": 1e9, "bln": 1e9, "lakh": 1e5, "lakhs": 1e5, "crore": 1e7,
    "crores": 1e7,
    "billionen": 1e12, "bio": 1e12, "bio.": 1e12, "tn": 1e12, "trn": 1e12,
    "trillionen": 1e18,
}
SCALE_LANG_WORDS = ("billion", "billions", "trillion", "trillions")
SCALE_SHORT: dict[str, float] = {"m": 1e6, "M": 1e6, "k": 1e3, "K": 1e3, "b": 1e9, "B": 1e9}

CJK_SMALL: dict[str, float] = {"十": 10.0, "百": 100.0, "千": 1000.0}
CJK_BIG: dict[str, float] = {"万": 1e4, "萬": 1e4, "億": 1e8, "亿": 1e8, "兆": 1e12}
KANJI_DIGITS: dict[str, int] = {
    "〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
    "八": 8, "九": 9,
}

#: Words just before a figure that qualify it, as lower-case word tuples (elisions l'/d'/qu'
#: stripped, ’ folded to '). The longest match wins, so "no more than" beats "more than".
QUALIFIER_PHRASES: dict[str, Iterable[str]] = {
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
QUALIFIER_BY_WORDS: dict[tuple[str, ...], str] = {
    tuple(phrase.split()): qualifier
    for qualifier, phrases in QUALIFIER_PHRASES.items()
    for phrase in phrases
}
ELISIONS = frozenset({"l", "d", "qu", "j", "n", "s", "c", "m", "t", "lorsqu", "puisqu"})

#: CJK markers right before (約5兆円) or right after (5兆円超) the figure.
CJK_BEFORE: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("at_most", ("不超过", "不超過", "不到", "不足", "最多", "至多", "最大", "低于", "低於", "少于", "少於")),
    ("at_least", ("超过", "超過", "超", "逾", "至少", "最低", "多于", "多於", "高于", "高於")),
    (
        "approx",
        ("约合", "約合", "约", "約", "およそ", "ほぼ", "概ね", "おおむね", "大约", "大約", "将近", "將近", "接近",
         "相当于", "相當於"),
    ),
)
CJK_AFTER: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("at_least", ("超", "以上", "強", "余り", "余", "を超え", "を上回")),
    ("at_most", ("以下", "未満", "弱", "以内", "を下回", "足らず")),
    ("approx", ("程度", "前後", "ほど", "くらい", "ぐらい", "近く", "左右", "上下")),
    ("target", ("を目指", "を目標", "の目標", "とする目標", "が目標")),
)
#: A target or estimate cue a few characters after the figure, in the same clause:
#: 13兆円に引き上げる目標, 45兆円に達する見通し.
CJK_AFTER_CUE = re.compile(
    r"[^。、，,.!?！？\n]{0,10}?(?:(?P<target>目標|目标|目指)|(?P<estimate>見通し|見込み|と推計|と予測|と試算|と推定))"
)
LATIN_AFTER: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("at_least", (" or more", " or higher", " or above", " ou plus", " oder mehr", " and above")),
    ("at_most", (" or less", " or lower", " or below", " ou moins", " oder weniger")),
    ("estimate", (" geschätzt",)),
)

#: Long-range triggers: the qualifying word is several words before the figure ("avec pour objectif
#: de faire passer les ventes ... à 20兆円"). The trigger must be in the same clause and the figure
#: must follow one of the listed connector words, so "objectifs ... l'investissement de 1兆円" stays
#: exact.
LONG_RANGE: tuple[tuple[str, re.Pattern[str], frozenset[str]], ...] = (
    ("target", re.compile(r"\bobjectifs?\b|\bfaire passer\b"), frozenset({"à", "atteindre"})),
    ("target", re.compile(r"\b(?:target|goal|aim|objective)s?\b"), frozenset({"to", "reach", "hit"})),
    ("target", re.compile(r"\bziel\w*"), frozenset({"auf", "bis", "von"})),
    ("estimate", re.compile(r"\bestimations?\b|\bprévisions?\b"), frozenset({"atteindre", "atteindra"})),
    ("estimate", re.compile(r"\b(?:estimates?|forecasts?|projections?)\b"), frozenset({"at", "reach", "to"})),
    ("estimate", re.compile(r"\b(?:schätzung|prognose)\w*"), frozenset({"auf"})),
)
CJK_LONG_RANGE: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("target", ("目標", "目标", "目指")),
    ("estimate", ("見通し", "見込み", "预计", "預計", "预测", "預測", "预估", "預估", "估计", "估計", "推計",
                  "試算", "予測", "推定")),
)

#: A scale-word amount with no currency ("55 milliards") is money only if it is not counting a noun
#: ("14 million people", "3 millions d'habitants"): the next word must be one of these or absent.
FUNCTION_WORDS = frozenset(
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
MONEY_CUES: tuple[str, ...] = (
    "budget", "invest", "spend", "fund", "fonds", "subvention", "subsid", "revenue", "sales", "vente",
    "chiffre d'affaires", "umsatz", "kosten", "ausgaben", "deficit", "déficit", "defizit", "surplus",
    "excédent", "überschuss", "cost", "coût", "dépense", "price", "prix", "preis", "salaire", "salary",
    "wage", "lohn", "gehalt", "profit", "bénéfice", "gewinn", "debt", "dette", "schulden", "export",
    "import", "予算", "投資", "売上", "赤字", "黒字", "预算", "投资", "销售", "銷售", "收入", "营收", "營收",
)
#: Rough yen per unit, only for an order-of-magnitude check of "X (≈ Y other currency)" restatements.
JPY_PER_UNIT: dict[str, float] = {
    "JPY": 1.0, "USD": 150.0, "EUR": 160.0, "GBP": 190.0, "CNY": 21.0, "TWD": 4.7, "KRW": 0.11,
    "HKD": 19.0, "AUD": 100.0, "CAD": 110.0, "SGD": 110.0, "NZD": 90.0, "CHF": 170.0, "INR": 1.8,
    "RUB": 1.6, "BRL": 27.0, "MXN": 8.0, "IDR": 0.0095, "SAR": 40.0, "TRY": 4.5, "ZAR": 8.0, "THB": 4.2,
    "SEK": 14.0, "NOK": 14.0, "DKK": 22.0, "CZK": 6.5, "PLN": 38.0, "MYR": 33.0, "PHP": 2.6, "VND": 0.006,
}
RESTATEMENT_TOLERANCE = 3.0

# Traditional/simplified character pairs: decide CNY vs TWD for a bare 元 (both stay ambiguous).
TRAD_SIMP_PAIRS = (
    "國国 們们 這这 個个 來来 時时 會会 說说 對对 於于 與与 發发 經经 濟济 灣湾 區区 際际 開开 長长 實实 當当 點点 "
    "學学 機机 體体 關关 無无 產产 業业 將将 進进 現现 後后 還还 億亿 幣币 圓圆 銷销 額额 歲岁 貿贸 購购 營营 資资 "
    "為为 兩两 樣样 覺觉 認认 從从 動动 員员 選选 "
)
TRAD_CHARS = frozenset(p[0] for p in TRAD_SIMP_PAIRS.split())
SIMP_CHARS = frozenset(p[1] for p in TRAD_SIMP_PAIRS.split())

# Language detection: stopwords that belong to one language only (no "in", "an", "was", "des").
STOPWORDS: dict[str, str] = {}
for _lang, _words in (
    ("en", "the and of to is that for with are it on by from this has have be were its which or but not "
     "been their would said"),
    ("fr", "le la les et est une du dans pour qui que sur au aux avec pas ce cette sont par de en un ses "
           "leur été à plus ou mais son sa"),
    ("de", "der die das und ist nicht mit den von zu sich auf dem ein eine einen für im wird werden sind "
           "auch bei nach hat als wie es sie er um oder einer"),
):
    for _w in _words.split():
        STOPWORDS[_w] = _lang


#: Percent, percentage-point and smaller units written after the number. Latin words match
#: case-insensitively (keys lower-case); the rest exactly. Values: (unit, factor to percent or pp).
PERCENT_WORDS: dict[str, tuple[str, float]] = {
    "percent": ("percent", 1.0), "per cent": ("percent", 1.0), "percents": ("percent", 1.0),
    "per centum": ("percent", 1.0), "pct": ("percent", 1.0), "pct.": ("percent", 1.0),
    "pour cent": ("percent", 1.0), "pourcent": ("percent", 1.0), "pourcents": ("percent", 1.0),
    "pour-cent": ("percent", 1.0), "pour 100": ("percent", 1.0), "p. 100": ("percent", 1.0),
    "p. cent": ("percent", 1.0), "prozent": ("percent", 1.0), "v. h.": ("percent", 1.0),
    "percentage points": ("pp", 1.0), "percentage point": ("pp", 1.0), "percentage-points": ("pp", 1.0),
    "percentage-point": ("pp", 1.0), "percentage pts": ("pp", 1.0), "pct points": ("pp", 1.0),
    "pct pts": ("pp", 1.0), "ppts": ("pp", 1.0), "ppt": ("pp", 1.0), "pp": ("pp", 1.0), "p.p.": ("pp", 1.0),
    "points de pourcentage": ("pp", 1.0), "point de pourcentage": ("pp", 1.0),
    "prozentpunkte": ("pp", 1.0), "prozentpunkten": ("pp", 1.0), "prozentpunkt": ("pp", 1.0),
    "basis points": ("pp", 0.01), "basis point": ("pp", 0.01), "bps": ("pp", 0.01), "bp": ("pp", 0.01),
    "points de base": ("pp", 0.01), "point de base": ("pp", 0.01), "pb": ("pp", 0.01),
    "basispunkte": ("pp", 0.01), "basispunkten": ("pp", 0.01), "basispunkt": ("pp", 0.01),
    "per mille": ("percent", 0.1), "per mil": ("percent", 0.1), "pour mille": ("percent", 0.1),
    "promille": ("percent", 0.1),
}
#: Lower-case percent words that are ordinary words too: they count only glued to the number ("5pc").
PERCENT_GLUED: dict[str, tuple[str, float]] = {"pc": ("percent", 1.0)}
PERCENT_EXACT: dict[str, tuple[str, float]] = {
    "%": ("percent", 1.0), "％": ("percent", 1.0), "‰": ("percent", 0.1), "‱": ("percent", 0.01),
    "%-Punkte": ("pp", 1.0), "%-Punkten": ("pp", 1.0), "%-points": ("pp", 1.0), "% points": ("pp", 1.0),
    "%ポイント": ("pp", 1.0), "％ポイント": ("pp", 1.0),
}
PERCENT_CJK: dict[str, tuple[str, float]] = {
    "パーセント": ("percent", 1.0), "パーセントポイント": ("pp", 1.0), "ポイント": ("pp", 1.0),
    "パーミル": ("percent", 0.1), "ベーシスポイント": ("pp", 0.01), "ベーシス・ポイント": ("pp", 0.01),
    "个百分点": ("pp", 1.0), "個百分點": ("pp", 1.0), "百分点": ("pp", 1.0), "百分點": ("pp", 1.0),
    "个基点": ("pp", 0.01), "個基點": ("pp", 0.01), "基点": ("pp", 0.01), "基點": ("pp", 0.01),
}
#: Why a percent unit other than plain percent was rescaled (the note of the row).
PERCENT_NOTES: dict[float, str] = {
    0.1: "per mille: {n} ‰ = {v:g} %",
    0.01: "{n} per ten thousand (‱ or basis points) = {v:g}",
}

#: Tenths and price ratios written with a CJK counter after the number (see `fractions`).
#: 割 (ja) and 成 (zh) are tenths of a whole; 折 (zh) is the share of the full price that is paid.
TENTHS_UNITS = ("割引", "割増", "割", "成", "折")

#: Number words (en, fr, de), lower-case: small values add up, 100 and 1000 multiply what precedes,
#: big scales multiply the group before them. German compounds are split into these pieces.
NUMBER_WORDS: dict[str, dict[str, float]] = {
    "en": {
        "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
        "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
        "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
        "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
        "ninety": 90, "hundred": 100, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
        "dozen": 12,
    },
    "fr": {
        "zéro": 0, "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7,
        "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14,
        "quinze": 15, "seize": 16, "vingt": 20, "vingts": 20, "trente": 30, "quarante": 40,
        "cinquante": 50, "soixante": 60, "septante": 70, "huitante": 80, "octante": 80, "nonante": 90,
        "cent": 100, "cents": 100, "mille": 1e3, "million": 1e6, "millions": 1e6, "milliard": 1e9,
        "milliards": 1e9, "billion": 1e12, "billions": 1e12,
    },
    "de": {
        "null": 0, "ein": 1, "eins": 1, "eine": 1, "einen": 1, "einer": 1, "zwei": 2, "zwo": 2, "drei": 3,
        "vier": 4, "fünf": 5, "sechs": 6, "sech": 6, "sieben": 7, "sieb": 7, "acht": 8, "neun": 9,
        "zehn": 10, "elf": 11, "zwölf": 12, "zwanzig": 20, "dreißig": 30, "dreissig": 30, "vierzig": 40,
        "fünfzig": 50, "sechzig": 60, "siebzig": 70, "achtzig": 80, "neunzig": 90, "hundert": 100,
        "tausend": 1e3, "million": 1e6, "millionen": 1e6, "milliarde": 1e9, "milliarden": 1e9,
        "billion": 1e12, "billionen": 1e12,
    },
}
#: Words that join number words inside one number ("two hundred and five", "soixante et onze").
NUMBER_JOINERS: dict[str, frozenset[str]] = {
    "en": frozenset({"and"}), "fr": frozenset({"et"}), "de": frozenset({"und"}),
}
#: Signs written as words right before the number.
SIGN_WORDS: tuple[str, ...] = ("minus", "moins", "negative", "négatif", "マイナス", "负", "負")
#: A sign word preceded by one of these is not a sign ("au moins 2 %" = at least, "plus or minus").
SIGN_WORD_BLOCKERS = frozenset({"au", "du", "pas", "plus", "ou", "or", "et", "and", "no"})

# fmt: on
