"""Tenths and price ratios: 割 (ja), 成 and 折 (zh), and what each is a fraction of.

Why a module of its own: these counters look like units but change the value (8割 = 80 %), can carry
a half or hundredths after them (六割半 = 65 %, 2割5分 = 25 %), and each needs a note saying what it
is a fraction of, because 3割引 (30 % off) and 打八折 (pay 80 %) mean opposite things for a price.
They are also ordinary characters (成员, 折旧, 割合), so a counter is read only when what follows
it cannot make it another word.
"""

from __future__ import annotations

import re

from transforms.figures.lexicon import KANJI_DIGITS

#: Characters after 成 / 折 / 割 that make another word (成员 member, 折旧 depreciation, 割合 ratio).
_NOT_AFTER = {
    "成": frozenset("员員立为為本果功长長熟交就年人都绩績分型品效形千倍批像"),
    "折": frozenset("扣合旧舊叠疊算射腾騰磨返线線半价價让讓"),
    "割": frozenset("合りれ当當愛譲賦"),
}
#: ja: 割 then optional 半 (+5 %) or N分 (+N %) and N厘 (+N/10 %); zh 成/折 take 半 only.
_AFTER_WARI = re.compile(r"半|(?P<bu>[\d０-９〇一二三四五六七八九])分(?:(?P<rin>[\d０-９〇一二三四五六七八九])厘)?")
_ONE_DIGIT = frozenset("一二三四五六七八九123456789１２３４５６７８９")
_NUMERAL_OR_UNIT = frozenset("〇零一二三四五六七八九十百千万萬億亿0123456789%％元円块")
_FOLD = str.maketrans("０１２３４５６７８９", "0123456789")

NOTES = {
    "割": "割: tenths of the whole ({s} = {v:g} % of it)",
    "割引": "割引: a discount, {s} = {v:g} % off the price",
    "割増": "割増: a surcharge, {s} = {v:g} % on top of the price",
    "成": "成: tenths of the whole ({s} = {v:g} % of it)",
    "折": "折: share of the full price that is paid ({s} = pay {v:g} % of it, a {off:g} % discount)",
}


def _digit(ch: str) -> int:
    return KANJI_DIGITS[ch] if ch in KANJI_DIGITS else int(ch.translate(_FOLD))


def read_tenths(
    text: str, unit_end: int, counter: str, number: float, number_text: str, lang: str
) -> tuple[float, int, str] | None:
    """Value in percent, end of the figure and note for ``number`` + ``counter`` ending at `unit_end`.

    None when the counter is not one here: 成/折 outside Chinese, 割 outside ja/zh, or the character
    after it makes another word. 折 with two digits (85折, 七五折) is already the percentage.
    """
    base = counter[0]
    if (base in "成折" and lang != "zh") or lang not in ("ja", "zh"):
        return None
    nxt = text[unit_end : unit_end + 1]
    if len(counter) == 1 and nxt and nxt in _NOT_AFTER[base]:
        return None
    end = unit_end
    if base == "折" and number >= 10:
        if not number.is_integer() or number >= 100:
            return None
        value = number  # 85折, 七五折: the percentage paid, written with two digits
    else:
        value = float(f"{number!r}e1")
    if value < 0:
        return None
    if base == "割" and len(counter) == 1:
        m = _AFTER_WARI.match(text, end)
        if m:
            if m.group() == "半":
                value += 5
            else:
                value += _digit(m.group("bu"))
                if m.group("rin"):
                    value = float(f"{value!r}") + _digit(m.group("rin")) / 10
            end = m.end()
    elif base in "成折" and nxt == "半":
        value += 5
        end += 1
    elif base == "成" and nxt and nxt in _ONE_DIGIT and text[unit_end + 1 : unit_end + 2] not in _NUMERAL_OR_UNIT:
        value += _digit(nxt)  # 七成五 = 75 %
        end += 1
    if base in "成折" and value > 100:
        return None
    surface = number_text + text[unit_end - len(counter) : end]
    note = NOTES[counter].format(s=surface, v=value, off=100 - value)
    return value, end, note
