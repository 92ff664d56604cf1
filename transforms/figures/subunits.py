"""Sub-units joined to their main unit: "4 dollars 20 cents", "12 euros et 5 centimes", "8 Dollar 40",
3ドル50セント, 1500円25銭, 20元5角(3分), 7人民元と2角, 五块五, "twelve dollars and thirty cents".

Why: each is one price, and reading the main part alone gives a wrong value. A sub-unit alone ("34
cents", "50銭") is not a figure: it never matches on its own, only right after a main unit it divides.
The bare two digits after a main-unit word ("12 euros 50", "8 Dollar 40", "3€50") are read as cents
only in French and German, where that is how prices are spoken, and only when nothing that could be a
unit follows them.
"""

from __future__ import annotations

import re
from functools import cache

from transforms.figures.currencies import tables
from transforms.figures.lexicon import KANJI_DIGITS
from transforms.figures.numbers import parse_cjk, word_tokens, words_value

_GAP = r"[ \u00a0]*(?:(?:and|et|und|plus)[ \u00a0]+|と|、)?"
_NUM = r"(?P<num>\d{1,3}|[〇一二三四五六七八九十两兩]{1,3}|[a-zà-öø-ÿß]+(?:[- ][a-zà-öø-ÿß]+)?)"
_BARE_TWO = re.compile(
    r"[ \u00a0]?(?P<num>\d{2})(?!\d|[.,’']\d|[ \u00a0]?%)"
    r"(?=[ \u00a0]*(?:$|[.,;:!?)\]」』。、，\n]|[ \u00a0]+(?:le|la|les|l'|l’|par|pièce|pour|au|du|et|ou|pro|je|das|die|"
    r"der|den|für|und|oder|im|am)(?![a-zà-öø-ÿß])))"
)
_KUAI_TAIL = re.compile(r"(?P<num>[一二三四五六七八九\d])(?![\d〇一二三四五六七八九十百千万萬亿億角毛分块塊元钱錢])")
_BARE_CURRENCIES = frozenset({"EUR", "USD", "CHF", "CAD", "AUD"})


@cache
def _sub_re() -> re.Pattern[str]:
    names = sorted(tables().sub_units, key=len, reverse=True)
    alts = "|".join(re.escape(n) for n in names)
    return re.compile(rf"{_GAP}[ \u00a0]*{_NUM}[ \u00a0]*(?P<sub>{alts})(?![A-Za-zà-öø-ÿß])", re.IGNORECASE)


def _number(raw: str, lang: str) -> float | None:
    if raw.isdigit():
        return float(raw)
    if raw[0] in KANJI_DIGITS or raw[0] in "十":
        return parse_cjk(None, raw, lang)
    if lang not in ("en", "fr", "de"):
        return None
    tokens: list[float | str] = []
    for word in raw.lower().split():
        t = word_tokens(word, lang)
        if t is None:
            return None
        tokens.extend(t)
    return words_value(tokens, lang)


def join(text: str, end: int, unit: str, lang: str, unit_surface: str | None) -> tuple[int, float, str] | None:
    """(new end, amount in main units to add, note) for a sub-unit right after a money figure."""
    subs = tables().sub_units
    m = _sub_re().match(text, end)
    if m is not None:
        per, of = subs.get(m.group("sub")) or subs.get(m.group("sub").lower()) or (0, frozenset())
        if unit in of:
            value = _number(m.group("num"), lang)
            if value is not None and 0 <= value < per:
                add, new_end = value / per, m.end()
                if per == 10:  # 20元5角3分: the 分 after the 角
                    m2 = _sub_re().match(text, new_end)
                    if m2 is not None and (subs.get(m2.group("sub")) or (0,))[0] == 100:
                        v2 = _number(m2.group("num"), lang)
                        if v2 is not None and 0 <= v2 < 10:
                            add, new_end = add + v2 / 100, m2.end()
                return new_end, add, f"sub-unit joined: {text[end:new_end].strip()}"
        return None
    if unit_surface in ("块", "塊"):
        k = _KUAI_TAIL.match(text, end)
        if k is not None:
            digit = k.group("num")
            value = KANJI_DIGITS.get(digit, None) if not digit.isdigit() else int(digit)
            if value:
                return k.end(), value / 10, f"{unit_surface}{digit}: {digit} 毛 (tenths) joined"
        return None
    if lang in ("fr", "de") and unit in _BARE_CURRENCIES and unit_surface is not None:
        b = _BARE_TWO.match(text, end)
        if b is not None and (text[end : end + 1] in (" ", "\u00a0") or unit_surface in ("€", "$")):
            return b.end(), int(b.group("num")) / 100, f"'{text[end:b.end()].strip()}' read as cents"
    return None
