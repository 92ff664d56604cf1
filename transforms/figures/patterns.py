"""The compiled regexes and unit tables of the figure extractor.

Why one regex that starts with a character class: Python's `re` skips every position that cannot
start a match (not a digit, not a kanji numeral) in a tight C loop, which is most of the extractor's
speed. Currency prefixes and signs written before the number ($, US$, CHF, 新台幣, ▲, マイナス) are read
back from the text in Python, only for the numbers that matched. Unit words are compiled as tries, so
a number followed by an ordinary word costs a few checks instead of one per unit word.
"""

from __future__ import annotations

import re

from transforms.figures import spread
from transforms.figures.currencies import tables
from transforms.figures.lexicon import (
    PERCENT_CJK,
    PERCENT_EXACT,
    PERCENT_GLUED,
    PERCENT_WORDS,
    SCALE_FIXED,
    SCALE_LANG_WORDS,
    SCALE_SHORT,
    TENTHS_UNITS,
)
from transforms.figures.tries import optional, trie

SP = "[ \u00a0\u202f\u2009]"
SP_CHARS = " \u00a0\u202f\u2009"
LETTER = "A-Za-zÀ-ÖØ-öø-ÿ"
KANJI_NUMERAL = "〇零一二三四五六七八九两兩十百千"
_KANJI_DIGIT = "〇零一二三四五六七八九两兩"
NOT_LETTER = rf"(?![{LETTER}])"
GLUE_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.,")
SIGN_CHARS = frozenset("▲△-−－﹣–‐‑")


# --------------------------------------------------------------------------------------------------
# Units: one lookup table. A unit is (code, factor, special):
#   code    ISO 4217 code, "percent", "pp", "~family" (a shared name, resolved from context) or None
#           (元 alone: CNY or TWD by script);
#   factor  what the number is multiplied by (‰ → 0.1, basis points → 0.01; money 1);
#   special None, "tenths" (割/成/折), "kuai" (块: colloquial yuan), "glued" (only right after digits).
# --------------------------------------------------------------------------------------------------

Unit = tuple[str | None, float, str | None]
_T = tables()
UNITS: dict[str, Unit] = {}
for _w, _code in _T.latin_names.items():
    UNITS[_w] = (_code, 1.0, None)
for _w, (_u, _f) in PERCENT_WORDS.items():
    UNITS[_w] = (_u, _f, None)
for _w, (_u, _f) in PERCENT_GLUED.items():
    UNITS[_w] = (_u, _f, "glued")
_AFTER_SYMBOLS = {s: c for s, c in _T.symbols.items() if s not in ("R",)}
for _w, _code in _AFTER_SYMBOLS.items():
    UNITS[_w] = (_code, 1.0, None)
for _w, (_u, _f) in PERCENT_EXACT.items():
    UNITS[_w] = (_u, _f, None)
CJK_UNITS: dict[str, Unit] = {w: (c, 1.0, None) for w, c in _T.cjk_names.items()}
CJK_UNITS.update({w: (u, f, None) for w, (u, f) in PERCENT_CJK.items()})
CJK_UNITS.update({w: ("percent", 1.0, "tenths") for w in TENTHS_UNITS})  # fractions.read_tenths scales
CJK_UNITS.update({"元": (None, 1.0, "yuan"), "块": ("CNY", 1.0, "kuai"), "塊": ("CNY", 1.0, "kuai")})
CJK_UNITS.update({"块钱": ("CNY", 1.0, None), "塊錢": ("CNY", 1.0, None)})
UNITS.update(CJK_UNITS)
PERCENT_UNITS = frozenset({"percent", "pp"})

_YUAN_END = "(?![化素旦首帅帥宵老气氣件论論组組])"
_KUAI_END = "(?![一-鿿]|钱|錢)"


def _cjk_suffix(word: str) -> str:
    if word == "元":
        return _YUAN_END
    return ""


_LATIN_UNIT_WORDS = [
    w for w in UNITS if w.isascii() and w[:1].isalpha() and w == w.lower() and w not in PERCENT_GLUED
]
_LATIN_UNIT_WORDS += [w for w in (*_T.latin_names, *PERCENT_WORDS) if not w.isascii()]
_EXACT_UNIT_WORDS = [*_AFTER_SYMBOLS, *PERCENT_EXACT, *PERCENT_GLUED]
_SCALE = SP + "?" + trie(
    [(w, True, NOT_LETTER) for w in (*SCALE_FIXED, *SCALE_LANG_WORDS)] + [(w, False, NOT_LETTER) for w in SCALE_SHORT]
)
_CJK_UNITS_RE = trie((u, False, _cjk_suffix(u)) for u in CJK_UNITS)
_UNITS_RE = trie(
    [(w, True, NOT_LETTER) for w in sorted(set(_LATIN_UNIT_WORDS))]
    + [(w, False, NOT_LETTER if w[-1].isalpha() else "") for w in _EXACT_UNIT_WORDS]
    + [(u, False, _cjk_suffix(u)) for u in CJK_UNITS]
)
# A number: 6,650.6 · 1 238 · 1.238,5 · 1'250 · ７，５００ (groups of three after a separator),
# 1,00,000 (Indian grouping), or 196,6 · 2.5 · 330. Written without its first digit, which the regex
# has already consumed (see below).
#
# Why the lookaheads and `optional` below: `re` runs a repeated or optional group of more than one
# character with a repeat context that it allocates on every attempt, and these groups are tried after
# every number of the text. A one-character lookahead in front of a repeat (the first characters it can
# start with) skips it where it cannot match, and `optional` replaces `(...)?` with an alternation;
# both match exactly what the plain form matches.
_DECIMALS = optional(r"[.,．]\d+")
_NUM_REST = (
    r"\d{0,2}(?=[,.．'’\u00a0\u202f\u2009 ，])(?:(?:[,.．'’\u00a0\u202f\u2009 ]\d{3}|，[０-９]{3})(?!\d))+"
    + _DECIMALS
    + r"|\d?(?=,)(?:,\d\d)+,\d{3}(?!\d)" + optional(r"\.\d+")
    + r"|\d*" + _DECIMALS
)
_CJK_TAIL = (
    rf"(?=[ \u00a0\u202f\u2009]?[十百千万萬億亿兆])"
    rf"(?:{SP}?[十百千万萬億亿兆]+" + optional(rf"\d+{_DECIMALS}|[{_KANJI_DIGIT}]+") + ")+"
)
#: Kanji numerals after the first: digits, scale characters, a decimal point (二十三万, 三点五).
_KANJI_SCALED = optional(rf"(?=[万萬億亿兆])(?:[万萬億亿兆]+[{KANJI_NUMERAL}]*)+")
_KANJI_REST = rf"[{KANJI_NUMERAL}]*" + _KANJI_SCALED + optional(rf"[点點][{_KANJI_DIGIT}]+")
#: "de", "of" or "d'" between a number and its unit (trois millions d'euros, 5 % of).
_DE_OF = optional(f"(?i:de|of){SP}|d['’]")
_SP_UNIT = optional(f"{SP}?(?:{_UNITS_RE})")
_CN_NUMBER = rf"(?:\d{{1,3}}(?:[,，]\d{{3}})+(?:[.．]\d+)?|[{KANJI_NUMERAL}点點\d.．]+)"
_SPREAD_NEXT = "".join(sorted({w[0] for w in CJK_UNITS} | set("十百千万萬億亿兆%％‰")))

FIGURE_RE = re.compile(
    rf"""
    (?P<first>[\d{KANJI_NUMERAL}万萬])
    (?:
        (?<=\d)(?<![a-oqt-z\d.,]\d)    # a digit, not inside a number (1.5) or a word; a capital,
                                        # p, r or s before it must be a currency's (USD5bn, R$5, Rp10.000)
        (?P<numrest>{_NUM_REST})
        {optional("(?P<cjk>" + _CJK_TAIL + ")")}
        {optional("(?P<scale>" + _SCALE + ")")}
        {optional("(?P<unit>" + SP + "?" + _DE_OF + "(?P<uword>" + _UNITS_RE + "))")}
    |
        (?<![{KANJI_NUMERAL}\d].)(?<=[百千万萬])(?P<cnden>[万萬]?)分之(?P<cnpct>{_CN_NUMBER})
    |
        (?<=[{KANJI_NUMERAL}])
        (?P<krest>{_KANJI_REST})
        (?P<kunit>{_CJK_UNITS_RE}|[%％‰])
    |
        (?<=[{KANJI_NUMERAL}])(?P<spread>(?=[ \u3000]{{1,3}}[{_SPREAD_NEXT}]))
    )
    """,
    re.VERBOSE,
)
#: The same figures as FIGURE_RE's, for counting only: a unit, scale or CJK form is required and
#: nothing is captured: a cheap count of what lies beyond the figure cap.
COUNT_RE = re.compile(
    rf"""
    [\d{KANJI_NUMERAL}万萬]
    (?:
        (?<=\d)(?<![a-oqt-z\d.,]\d)
        (?:{_NUM_REST})
        (?:{_CJK_TAIL}{optional(_SCALE)}{_SP_UNIT}|{_SCALE}{_SP_UNIT}|{SP}?{_DE_OF}(?:{_UNITS_RE}))
    |
        (?<=[百千万萬])[万萬]?分之(?:{_CN_NUMBER})
    |
        (?<=[{KANJI_NUMERAL}])[{KANJI_NUMERAL}]*{_KANJI_SCALED}(?:{_CJK_UNITS_RE}|[%％‰])
    )
    """,
    re.VERBOSE,
)
GROUPS = ("first", "numrest", "cjk", "scale", "unit", "uword", "cnden", "cnpct", "krest", "kunit", "spread")
if tuple(FIGURE_RE.groupindex) != GROUPS:
    raise RuntimeError("FIGURE_RE groups changed: update the unpacking in scan.py")

#: The spaced-out form of a figure (see `spread`), tried only where a numeral is followed by spaces.
SPREAD_RE = spread.build(CJK_UNITS)
SPREAD_HINT_RE = re.compile(rf"[ \u3000]{{1,3}}[{_SPREAD_NEXT}]|[{_SPREAD_NEXT}][ \u3000]")

# Prefixes: every symbol, written right before the number, by its last character.
PREFIXES: dict[str, tuple[str, ...]] = {}
for _s in sorted(_T.symbols, key=len, reverse=True):
    PREFIXES.setdefault(_s[-1], ())
    PREFIXES[_s[-1]] = (*PREFIXES[_s[-1]], _s)
PREFIX_LAST_CHARS = frozenset(PREFIXES)
PREFIX_OR_MARK = PREFIX_LAST_CHARS | {"▲", "△"}
SYMBOLS = _T.symbols

SENTENCE_END_RE = re.compile(r"[.!?](?=[\s\"»”)])|[。！？\n]")
NEXT_WORD_RE = re.compile(rf"{SP}*([{LETTER}][{LETTER}'’-]*)?")


def sentence_bounds(text: str, start: int, end: int, window: int = 400) -> tuple[int, int]:
    """Sentence (or title line) around a figure, at most `window` characters each side.

    Bounded so that a text of one endless line costs the same per figure as a normal one.
    """
    lo = max(0, start - window)
    hi = min(len(text), end + window)
    s = text.rfind("\n", lo, start) + 1 or lo
    e = text.find("\n", end, hi)
    e = hi if e < 0 else e
    for m in SENTENCE_END_RE.finditer(text, s, start):
        s = m.end()
    m = SENTENCE_END_RE.search(text, end, e)
    if m is not None:
        e = m.start()
    return s, e
