"""Figures whose characters are spread by spaces, as text copied from PDFs comes out: "3  万  円",
"二 百 个 百 分 点", "８０パ ー セント".

Why conservative: Japanese and Chinese use no spaces inside a number, so a space between a numeral
and a scale character, or inside a unit word, is layout. Between two digits it is not (two numbers
side by side, "3 4万円"), and Latin text is left alone. A spread figure is joined only from its first
numeral to the end of its unit: the span in the text keeps the spaces (offsets still slice back to the
surface) and the value is read from the same characters without them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_S = "[ \u00a0\u3000]{1,3}"
_DIGITS = r"[\d０-９]+(?:[.,．，][\d０-９]+)*"
_KANJI_DIGIT = "[〇零一二三四五六七八九两兩]"
_SCALE = "[十百千万萬億亿兆]"


def _spread_word(word: str) -> str:
    """A unit word whose characters may each be followed by spaces: パーセント → パ\\s*ー\\s*セ..."""
    return f"(?:{_S})?".join(re.escape(ch) for ch in word)


def build(units: Iterable[str]) -> re.Pattern[str]:
    """The spread-figure regex for these CJK unit words (longest first)."""
    words = sorted({u for u in units if u}, key=len, reverse=True)
    unit = "|".join(_spread_word(w) for w in words)
    number = (
        rf"(?:{_DIGITS}|{_KANJI_DIGIT}|{_SCALE})"
        rf"(?:(?:{_S})?{_SCALE}(?:(?:{_S})?(?:{_DIGITS}|{_KANJI_DIGIT}))?)*"
    )
    fraction = (
        rf"[百千万萬](?:{_S})?(?:[万萬](?:{_S})?)?分(?:{_S})?之(?:{_S})?"
        rf"(?:{_DIGITS}|(?:{_KANJI_DIGIT}|{_SCALE}|[点點])+)"
    )
    return re.compile(rf"(?:{fraction}|{number}(?:{_S})?(?:{unit}|[%％‰]))")
