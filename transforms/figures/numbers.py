"""Numbers as written: digits with any separators, CJK numerals, and number words in en/fr/de.

Why values go through decimal strings: scaling by a power of ten in the exponent ("2.16e12") is exact,
multiplying floats is not (2.16 * 1e12 = 2160000000000.0002), and the claims check compares values.
"""

from __future__ import annotations

import re

from transforms.figures.lexicon import CJK_BIG, CJK_SMALL, KANJI_DIGITS, NUMBER_JOINERS, NUMBER_WORDS, SCALE_FIXED

SP_CHARS = " \u00a0\u202f\u2009"
SP_RE = re.compile("[ \u00a0\u202f\u2009\u3000]+")
DIGIT_FOLD = str.maketrans("０１２３４５６７８９．，", "0123456789.,", "’'")  # 1'250: Swiss grouping
_CJK_TOKEN_RE = re.compile(r"\d+(?:[.,．]\d+)?|[〇零一二三四五六七八九两兩]+|[十百千]|[万萬億亿兆]+")


def number_text(raw: str, lang: str, currency: str | None = None) -> str:
    """Digits with the separators of `lang` → a plain decimal string: `6,650.6` (en), `196,6` /
    `1 238` (fr), `1.238` (de), `７，５００`, `1'250`, `1,00,000` → "6650.6", "196.6", "1238", "7500",
    "1250", "100000".

    A lone separator followed by exactly three digits is a thousands separator in English, Japanese
    and Chinese (`40,000`) and, for `.`, in French and German (`1.238`) and in rupiah (`Rp 10.000`);
    otherwise it is a decimal mark.
    """
    s = raw.replace(" ", "") if raw.isascii() and "'" not in raw else SP_RE.sub("", raw.translate(DIGIT_FOLD))
    has_comma, has_dot = "," in s, "." in s
    dot_groups = lang in ("fr", "de") or currency == "IDR"
    if not has_comma and (not has_dot or (not dot_groups and s.count(".") == 1)):
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
    if len(parts) > 2 or (dot_groups and len(parts[1]) == 3):
        return s.replace(".", "")
    return s


def scaled(digits: str, exp: int) -> float:
    """``"2.16"``, 12 → 2.16e12 exactly (see the module docstring)."""
    return float(f"{digits}e{exp}") if exp else float(digits)


def kanji_digits(run: str) -> float:
    """二 → 2; 二〇二五 → 2025 (positional, as in years and 一〇〇万)."""
    value = 0
    for ch in run:
        value = value * 10 + KANJI_DIGITS[ch]
    return float(value)


def parse_cjk(first: float | None, tail: str, lang: str) -> float:
    """Combine numerals and scale characters: 6兆6506億 → 6.6506e12, 196万6千 → 1.966e6, 二十兆 → 2e13.

    Small scales (十百千) build a section below 万; each big scale (万億兆, or a run such as 万亿 =
    1e12) multiplies the section and adds it to the total.
    """
    total = 0.0
    section = 0.0
    current = first
    for tok in _CJK_TOKEN_RE.findall(tail.translate(DIGIT_FOLD)):
        ch = tok[0]
        if ch in CJK_SMALL:
            section += (current if current is not None else 1.0) * CJK_SMALL[ch]
            current = None
        elif ch in CJK_BIG:
            mult = 1.0
            for c in tok:
                mult *= CJK_BIG[c]
            section += current or 0.0
            total += (section or 1.0) * mult
            section, current = 0.0, None
        elif ch in KANJI_DIGITS:
            current = kanji_digits(tok)
        else:
            current = float(number_text(tok, lang))
    return total + section + (current or 0.0)


#: Two neighbouring digits before a scale or unit say "this or the next": 二三十 = 20 or 30,
#: 十五六 = 15 or 16, 三五 = 3 to 5. They are loose approximations, not amounts.
_LOOSE_PAIRS = frozenset(
    {(a, a + 1) for a in range(1, 9)} | {(3, 5)}
)
_KANJI_SCALE = frozenset("十百千万萬億亿兆")


def is_loose_approximation(kanji: str) -> bool:
    """True for 二三十, 三四百万, 十五六, 一两 (written as adjacent digits before a scale or the end)."""
    digits = [KANJI_DIGITS.get(c) for c in kanji]
    for i in range(len(kanji) - 1):
        a, b = digits[i], digits[i + 1]
        if a is None or b is None or a == 0 or b == 0:
            continue
        if (a, b) in _LOOSE_PAIRS and (i + 2 == len(kanji) or kanji[i + 2] in _KANJI_SCALE):
            return True
    return False


def parse_cn_fraction(raw: str, lang: str) -> float:
    """The number of 百分之三点五 / 千分之3 / 百分之2,400 / 百分之３．６ → 3.5, 3, 2400, 3.6."""
    raw = raw.translate(DIGIT_FOLD).replace("點", "点").rstrip(".,")
    if raw[:1].isdigit():
        return float(number_text(raw.replace("点", "."), "en"))
    whole, _, frac = raw.partition("点")
    value = parse_cjk(None, whole, lang) if whole else 0.0
    if frac:
        digits = "".join(str(KANJI_DIGITS[c]) if c in KANJI_DIGITS else c for c in frac)
        if digits.isdigit():
            value = float(f"{int(value)}.{digits}") if value.is_integer() else value + float("0." + digits)
    return value


# --------------------------------------------------------------------------------------------------
# Number words (en, fr, de)
# --------------------------------------------------------------------------------------------------

_GERMAN_PIECES = sorted(
    {w for w in NUMBER_WORDS["de"] if NUMBER_WORDS["de"][w] < 1e6} | {"und", "einhalb", "anderthalb"},
    key=len,
    reverse=True,
)
_GERMAN_SPLIT = re.compile("|".join(_GERMAN_PIECES))
#: Halves: "two and a half million" (en), "zweieinhalb Millionen" (de), "deux millions et demi" (fr).
_HALF = 0.5


def german_pieces(word: str) -> list[str] | None:
    """dreiundvierzig → [drei, und, vierzig]; None if the word is not made of number pieces only."""
    pieces = []
    pos = 0
    n = len(word)
    while pos < n:
        m = _GERMAN_SPLIT.match(word, pos)
        if m is None:
            return None
        pieces.append(m.group())
        pos = m.end()
    return pieces


def word_tokens(word: str, lang: str) -> list[float | str] | None:
    """One lower-case word → its number tokens (values or joiners), or None if it is not a number word.

    "twenty-five" → [20, 5]; "quatre-vingt-dix" → [4, 20, 10]; "dreiundvierzig" → [3, "und", 40].
    """
    table = NUMBER_WORDS[lang]
    out: list[float | str] = []
    for part in word.split("-"):
        if not part:
            continue
        value = table.get(part)
        if value is not None:
            out.append(float(value))
            continue
        if part in NUMBER_JOINERS[lang]:
            out.append(part)
            continue
        if lang == "fr" and part == "demi":
            out.append("half")
            continue
        if lang == "de" and part not in ("und",):
            pieces = german_pieces(part)
            if pieces:
                for p in pieces:
                    if p == "und":
                        out.append("und")
                    elif p == "einhalb":
                        out.append("half")
                    elif p == "anderthalb":
                        out.extend([1.0, "half"])
                    else:
                        out.append(float(NUMBER_WORDS["de"][p]))
                continue
        return None
    return out or None


def words_value(tokens: list[float | str], lang: str) -> float | None:
    """Evaluate number tokens: small values add, 100 and 1000 multiply, big scales close a group.

    "quatre vingt" (4, 20) is 80; "soixante dix" (60, 10) is 70 by addition. "half" adds 0.5 of the
    unit it follows (zweieinhalb = 2.5; "deux millions et demi" = 2.5 million; "two and a half" = 2.5).
    """
    total = 0.0  # closed groups (millions and above)
    thousands = 0.0
    small = 0.0
    last_scale = 1.0
    seen = False
    prev: float | str | None = None
    for tok in tokens:
        if isinstance(tok, str):
            if tok == "half":
                if lang == "fr" and last_scale > 1 and small == 0 and thousands == 0:
                    total += last_scale * _HALF
                else:
                    small += _HALF
            prev = tok
            continue
        seen = True
        if tok == 100:
            small = (small or 1.0) * 100
        elif tok == 1000:
            thousands = (thousands + (small or 1.0)) * 1000 if thousands == 0 else thousands + (small or 1.0) * 1000
            small = 0.0
        elif tok >= 1e6:
            group = thousands + small
            total += (group or 1.0) * tok
            thousands = small = 0.0
            last_scale = tok
        elif lang == "fr" and tok == 20 and prev == 4.0:
            small += 76  # quatre-vingt(s) = 80: the 4 already counted becomes 80
        else:
            small += tok
        prev = tok
    if not seen:
        return None
    return total + thousands + small


#: The scale words that also appear among number words, for the digits-then-word check.
SCALE_WORDS = frozenset(SCALE_FIXED) | {"billion", "billions", "trillion", "trillions"}
