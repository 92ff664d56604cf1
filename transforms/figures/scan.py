"""The main pass: every figure written with digits or CJK numerals, in one regex scan.

Why the loop looks the way it does: it runs once per regex match (tens of thousands per MB of news),
so the common case — a number with a currency, a percent sign or a scale word — costs one `groups()`
call, a few set and dict lookups and one qualifier lookup; bare numbers (years, dates, counts) are
dropped before any other work. The rarer families (spread characters, 割/成/折, per-mille, sub-units,
ranges, currencies that need their sentence) are handled by their own modules, called only when the
characters around the match call for them.
"""

from __future__ import annotations

import math
from typing import NamedTuple

from transforms.figures import fractions, ranges, subunits
from transforms.figures.currencies import resolve_family, tables
from transforms.figures.exclusions import SpanFilter
from transforms.figures.language import LineLanguage, yuan_reading
from transforms.figures.lexicon import FUNCTION_WORDS, SCALE_FIXED, SCALE_SHORT, SIGN_WORD_BLOCKERS
from transforms.figures.numbers import (
    SP_RE,
    is_loose_approximation,
    number_text,
    parse_cjk,
    parse_cn_fraction,
    scaled,
)
from transforms.figures.patterns import (
    CJK_UNITS,
    FIGURE_RE,
    GLUE_CHARS,
    NEXT_WORD_RE,
    PERCENT_UNITS,
    PREFIX_LAST_CHARS,
    PREFIX_OR_MARK,
    PREFIXES,
    SIGN_CHARS,
    SP_CHARS,
    SPREAD_HINT_RE,
    SPREAD_RE,
    SYMBOLS,
    UNITS,
    Unit,
    sentence_bounds,
)
from transforms.figures.qualifiers import CJK_AFTER_FIRST, CJK_BEFORE_LAST, CJK_LONG_RE, LATIN_CUES, qualifier

_MISSING: Unit = (None, 1.0, "missing")
_VAGUE_BEFORE_KANJI = frozenset("数數幾几何多余餘")
_KANJI_SCALE_CHARS = frozenset("十百千万萬億亿兆")
_CJK_COMPOUNDS = {"万亿": 1e12, "萬億": 1e12, "千亿": 1e11, "千億": 1e11, "千万": 1e7, "千萬": 1e7}
_CJK_BIG_SMALL = {"十": 1e1, "百": 1e2, "千": 1e3, "万": 1e4, "萬": 1e4, "億": 1e8, "亿": 1e8, "兆": 1e12}
#: The usual CJK tail (億, " 億", 兆, 万亿): a single power of ten, no parsing needed.
_CJK_SINGLE: dict[str, int] = {
    pre + k: round(math.log10(v)) for pre in ("", " ") for k, v in {**_CJK_BIG_SMALL, **_CJK_COMPOUNDS}.items()
}
_FRACTION_DENOMINATORS = {"百": 0, "千": -1, "万": -2, "萬": -2, "百万": -4, "百萬": -4}
_SUB_UNIT_CURRENCIES = frozenset().union(*(of for _, of in tables().sub_units.values()))
_SUB_UNIT_FIRST = frozenset(" \u00a0と、0123456789〇一二三四五六七八九十两兩")
_SPREAD_FIRST = frozenset(" \u3000") | frozenset(w[0] for w in CJK_UNITS)
_YEAR_LIKE_WORD_UNITS = frozenset({"won", "real", "rand", "dong", "pound", "pounds", "lira", "peso"})
_SIGN_WORD_LAST = frozenset("ス负負 \u00a0")
_HAN_LO, _HAN_HI = "\u4e00", "\u9fff"
_PERCENT_NOTES = {
    -1: "per mille: {n} = {v:g} %",
    -2: "per ten thousand: {n} = {v:g} %",
    -4: "per million: {n} = {v:g} %",
}


class _Low(NamedTuple):
    """A number followed by a range connector, waiting for the number after the connector."""

    start: int
    end: int
    digits: str | None  # a bare number's text; None when the lower end is a figure already read
    unit: str | None
    sign: str | None
    exp: int  # power of ten of the figure's scale (0 for a bare number)
    conn_end: int
    dash: str | None
    word: str | None
    index: int | None  # the lower end's row, when it is a figure


class Figures:
    """Figures as parallel lists, one entry per figure, in text order.

    No object per figure: a dense text has tens of thousands of them, and per-figure objects would
    cost allocation and garbage-collector time for nothing. Later passes edit by index.
    """

    __slots__ = ("ambiguous", "end", "high", "low", "note", "qualifier", "start", "unit", "value", "word_amounts")
    COLUMNS = ("start", "end", "value", "unit", "qualifier", "ambiguous", "note", "low", "high")

    def __init__(self) -> None:
        self.start: list[int] = []
        self.end: list[int] = []
        self.value: list[float] = []
        self.unit: list[str | None] = []
        self.qualifier: list[str] = []
        self.ambiguous: list[bool] = []
        self.note: list[str | None] = []
        self.low: list[float | None] = []
        self.high: list[float | None] = []
        self.word_amounts: list[int] = []  # indices of scale-word amounts with no currency yet

    def __len__(self) -> int:
        return len(self.start)

    def add_note(self, i: int, note: str) -> None:
        old = self.note[i]
        self.note[i] = note if old is None else f"{old}; {note}"

    def append(
        self, start: int, end: int, value: float, unit: str | None, qual: str, ambiguous: bool, note: str | None
    ) -> None:
        self.start.append(start)
        self.end.append(end)
        self.value.append(value)
        self.unit.append(unit)
        self.qualifier.append(qual)
        self.ambiguous.append(ambiguous)
        self.note.append(note)
        self.low.append(None)
        self.high.append(None)

    def keep(self, keep: list[bool]) -> None:
        for name in self.COLUMNS:
            column = getattr(self, name)
            setattr(self, name, [x for x, k in zip(column, keep, strict=True) if k])
        self.word_amounts = []

    def extend(self, other: Figures) -> None:
        for name in self.COLUMNS:
            getattr(self, name).extend(getattr(other, name))


def scale_of(word: str, lang: str, notes: list[str]) -> tuple[float, bool, bool]:
    """Multiplier of a Western scale word → (multiplier, ambiguous, needs_currency).

    `billion` is 1e9 in English but 1e12 in French and German (long scale). `trillion` in French or
    German text is literally 1e18, but next to yen it restates 兆 (1e12): read the English short scale
    and flag it. A lower-case English `billion` in German text is read as 1e9 and flagged.
    """
    key = word.strip(" \u00a0\u202f\u2009")
    if key in SCALE_SHORT:
        return SCALE_SHORT[key], False, True
    low = key.lower()
    fixed = SCALE_FIXED.get(low)
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
    if lang in ("fr", "de"):
        name = "French" if lang == "fr" else "German"
        notes.append(
            f"'{key}' in {name} text is literally 1e18 (long scale); read as the English short scale 1e12 "
            "(an English word or a rendering of 兆: 1 trillion de yens = 1兆円)"
        )
        return 1e12, True, False
    return 1e12, False, False


def _is_sign(text: str, i: int) -> bool:
    """A ▲/△/minus at `i` is a sign unless glued to a word (GPT-4) or after a number (20 -30 %)."""
    if text[i] in "▲△":
        return True
    b = text[i - 1 : i]
    if b and (b in GLUE_CHARS or b in ")]" or (b.isalpha() and ord(b) < 0x250)):
        return False  # GPT-4, (a)-5, é-5; but 前年比-2.1% is a minus
    before = text[max(0, i - 3) : i].rstrip(SP_CHARS)[-1:]
    return not (before.isdigit() or before in _RANGE_END_UNITS)  # 20 -30 %, 5%-8%, 2兆円-3兆円: ranges


def prefix_and_sign(text: str, start: int) -> tuple[int, str | None, str | None]:
    """Currency prefix and sign written just before a number → (figure start, prefix, sign).

    ``US$43bn``, ``JPY 6.65tn``, ``新台幣40,000元``, ``▲2.1兆円``, ``-$5bn``, ``$-5bn``, ``\\2500``. A prefix
    glued to a letter or digit (``XJPY``) is not one; a dash after a number is a range (``20 -30``).
    """
    pos = start
    sign = None
    c = text[pos - 1 : pos]
    if c and c in SIGN_CHARS and _is_sign(text, pos - 1):
        sign = c
        pos -= 1
    elif c and c in SP_CHARS and text[pos - 2 : pos - 1] in ("▲", "△"):
        sign = text[pos - 2]  # ▲ 2.1兆円
        pos -= 2
    pre = None
    end = pos
    c = text[end - 1 : end]
    if c and c in SP_CHARS and sign is None:
        end -= 1
        c = text[end - 1 : end]
    if c == "\\":
        b = text[end - 2 : end - 1]
        if not b or not ((b.isascii() and b.isalnum()) or b in "\\/:._-"):
            pre, pos = "\\", end - 1
    else:
        for cand in PREFIXES.get(c, ()):
            if text.endswith(cand, 0, end):
                glue = text[end - len(cand) - 1 : end - len(cand)]
                if glue not in GLUE_CHARS or not glue:
                    pre = cand
                    pos = end - len(cand)
                    break
    if pre is not None and sign is None:
        c = text[pos - 1 : pos]
        if c and c in SIGN_CHARS and _is_sign(text, pos - 1):
            sign = c
            pos -= 1
    return pos, pre, sign


def _sign_word(text: str, start: int) -> int | None:
    """Start of a sign written as a word right before the figure (マイナス三％, 负2.5%, "minus 4 %")."""
    c = text[start - 1]
    if c in "负負":
        return start - 1
    if c == "ス":
        return start - 4 if text.endswith("マイナス", 0, start) else None
    head = text[max(0, start - 24) : start].rstrip(SP_CHARS)
    if len(head) == start - max(0, start - 24):
        return None  # no space before the number
    if head.endswith("マイナス"):
        return start - (len(text[max(0, start - 24) : start]) - len(head)) - 4
    words = head.lower().split()
    if not words or words[-1] not in ("minus", "moins", "negative", "négatif"):
        return None
    if len(words) >= 2 and words[-2] in SIGN_WORD_BLOCKERS:
        return None
    return start - (len(text[max(0, start - 24) : start]) - len(head)) - len(words[-1])


def _counts_a_noun(text: str, end: int, cjk: bool) -> bool:
    """True when a currency-less scale amount counts something: "14 million people", "10万人"."""
    if cjk:
        nxt = text[end : end + 1]
        return bool(nxt) and (nxt.isalnum() or nxt in "'’")
    m = NEXT_WORD_RE.match(text, end)
    word = m.group(1) if m else None
    if not word:
        return False
    return word.lower() not in FUNCTION_WORDS


class _Currencies:
    """Unit of a prefix and a unit word → (code, ambiguous), memoised per spelling.

    Shared names (``~dollar``) depend on their sentence; a bare dollar is resolved from a per-line
    flag first ("does this line name another dollar at all?"), so an English text full of "$" costs
    one regex search per line.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.cache: dict[tuple[str | None, str | None, str], tuple[str | None, bool, tuple[str, ...], Unit]] = {}
        self.dollar_line: tuple[int, int, bool] = (0, -1, False)

    def unit_info(self, surface: str | None) -> Unit:
        if surface is None:
            return _MISSING
        info = UNITS.get(surface)
        if info is None:
            info = UNITS.get(SP_RE.sub(" ", surface).lower(), _MISSING)
        return info

    def resolve(
        self, pre: str | None, info: Unit, surface: str | None, lang: str, start: int, end: int, notes: list[str]
    ) -> tuple[str | None, bool]:
        key = (pre, surface, lang)
        hit = self.cache.get(key)
        if hit is not None:
            unit, ambiguous, cached, _ = hit
            if cached:
                notes.extend(cached)
        else:
            mark = len(notes)
            unit, ambiguous = self._uncached(pre, info, lang, start, notes)
            if info[2] != "yuan" and len(self.cache) < 4096:
                self.cache[key] = (unit, ambiguous, tuple(notes[mark:]), info)
        if unit is not None and unit[0] == "~":
            return self.family(unit, start, end, notes), ambiguous
        return unit, ambiguous

    def _uncached(self, pre: str | None, info: Unit, lang: str, pos: int, notes: list[str]) -> tuple[str | None, bool]:
        ambiguous = False
        pre_code = None
        if pre is not None:
            if pre == "\\":
                if lang != "ja":
                    return None, False
                pre_code = "JPY"
                notes.append("backslash read as ¥ (the yen sign of Shift_JIS text)")
            else:
                pre_code = SYMBOLS.get(pre.rstrip(SP_CHARS))
                if lang == "zh" and pre in ("¥", "￥"):
                    pre_code = "CNY"
                    ambiguous = True
                    notes.append("¥ in Chinese text read as CNY (also the yen sign)")
        code, _, special = info
        if special == "missing":
            return pre_code, ambiguous
        if special == "yuan":
            if pre_code is not None and pre_code[0] != "~":
                return pre_code, ambiguous
            code = yuan_reading(self.text, pos)
            other = "TWD" if code == "CNY" else "CNY"
            script = "traditional" if code == "TWD" else "simplified"
            notes.append(f"元 alone is {code} or {other}; read as {code} ({script} script)")
            return code, True
        if code in PERCENT_UNITS:
            return code, ambiguous
        if code and pre_code and code != pre_code:
            if pre_code[0] == "~":
                return code, ambiguous  # "$5 Canadian dollars": the name says which dollar
            if code[0] == "~":
                return pre_code, ambiguous  # "C$5 dollars"
            notes.append(f"prefix says {pre_code}, unit word says {code}; kept {code}")
            return code, True
        return code or pre_code, ambiguous

    def family(self, marker: str, start: int, end: int, notes: list[str]) -> str | None:
        text = self.text
        if marker == "~dollar":
            lo, hi, named = self.dollar_line
            if not lo <= start <= hi:
                lo = text.rfind("\n", 0, start) + 1
                hi = text.find("\n", end)
                hi = len(text) if hi < 0 else hi
                line = text[lo:hi]
                named = any(cue in line for cue in _OTHER_DOLLAR_CUES) and (
                    tables().named_dollar_re.search(line.lower()) is not None
                )
                self.dollar_line = (lo, hi, named)
            if not named:
                return "USD"
        s, e = sentence_bounds(text, start, end)
        code, note = resolve_family(marker, text, s, e, start, end)
        if note:
            notes.append(note)
        return code


def _spread_match(text: str, start: int) -> tuple[int, str] | None:
    """(end, collapsed surface) of a spread figure starting at `start`, or None."""
    m = SPREAD_RE.match(text, start)
    if m is None or m.end() - m.start() < 2:
        return None
    surface = m.group()
    collapsed = SP_RE.sub("", surface)
    if collapsed == surface:
        return None
    return m.end(), collapsed


def scan(
    text: str,
    lang: str | None,
    protected: SpanFilter | None,
    limit: int | None = None,
    lines: LineLanguage | None = None,
) -> tuple[Figures, int | None]:
    """Every digit or CJK-numeral figure of `text` → (figures, offset where the scan stopped at `limit`)."""
    lines = lines or LineLanguage(text, lang)
    currencies = _Currencies(text)
    cache_get = currencies.cache.get
    figs = Figures()
    starts, ends, values, units = figs.start, figs.end, figs.value, figs.unit
    quals, ambs, notes_col, lows, highs = figs.qualifier, figs.ambiguous, figs.note, figs.low, figs.high
    notes: list[str] = []
    last_end = 0
    pending: _Low | None = None  # a range's lower end waiting for its upper end
    line_end = -1
    line_cjk = line_cues = False
    line_lang = lines.doc_lang
    stop_at = None
    dollar_line = -1  # end of the line known to name no other dollar than the US one
    spans = protected.spans if protected is not None else []
    n_spans = len(spans)
    span_i = 0
    span_start, span_end = spans[0] if spans else (_FAR, _FAR)
    for m in FIGURE_RE.finditer(text):
        first, numrest, cjk, scale, _, uword, cnden, cnpct, krest, kunit, spread_g = m.groups()
        start, end = m.span()
        if start < last_end:
            continue  # inside the figure just read (its sub-unit, its spread characters)
        if end > span_start:  # at or past the next protected span (URL, address, file name, code)
            while span_end <= start and span_i < n_spans:
                span_i += 1
                span_start, span_end = spans[span_i] if span_i < n_spans else (_FAR, _FAR)
            if span_start < end:
                continue
        pre = sign = None
        c = text[start - 1 : start]
        if c:
            if krest is not None and c in _VAGUE_BEFORE_KANJI:
                continue  # 数千億円, 何十万円: "several thousand oku", not an amount
            if c in _GLUED_MARKS:
                start, pre, sign = prefix_and_sign(text, start)
                if pre is None and c.isascii() and c.isalpha():
                    continue  # a number inside a word (A320, H1N1), not after a currency (USD5bn, R$5)
            elif c in SP_CHARS:
                b = text[start - 2 : start - 1]
                if b in _SPACED_MARKS or (b in _LOWER_LAST and text[start - 3 : start - 1] in _LOWER_TAILS):
                    start, pre, sign = prefix_and_sign(text, start)
        if numrest is not None and pre is None and cjk is None and scale is None and uword is None:
            # A bare number: year, date, age, count — unless it is spread out, or a range's lower end.
            nxt = text[end : end + 1]
            if not nxt:
                continue
            if nxt in _SPREAD_FIRST and SPREAD_HINT_RE.match(text, end):
                hit = _spread_match(text, start)
                if hit is not None:
                    if start > line_end:
                        line_end = text.find("\n", start)
                        line_end = len(text) if line_end < 0 else line_end
                        line_lang = lines.at(start)
                    _read_collapsed(text, start, hit[0], hit[1], line_lang, figs, last_end)
                    last_end = hit[0]
                    continue
            if nxt in _CONNECTOR_NEAR or (nxt == " " and text[end + 1 : end + 3] in _AFTER_SPACE):
                cm = ranges.CONNECTOR_RE.match(text, end)
                if cm is not None:
                    dash, word = cm.group("dash", "word")
                    pending = _Low(start, end, first + numrest, None, sign, 0, cm.end(), dash, word, None)
            continue
        if start > line_end:  # first figure of a line
            line_end = text.find("\n", start)
            if line_end < 0:
                line_end = len(text)
            line_lang = lines.at(start)
            line_cjk = line_lang in ("ja", "zh")
            if line_cjk:
                line_cues = _line_has_cues(text, lines.line_start, line_end)
            else:
                low_line = text[lines.line_start : line_end].lower()
                line_cues = any(map(low_line.__contains__, LATIN_CUES))
            dollar_line = -1
        if limit is not None and len(starts) >= limit:
            stop_at = start
            break
        if notes:
            notes.clear()
        ambiguous = False
        word_amount = False
        exp = 0
        unit_surface = None
        try:
            if spread_g is not None:
                hit = _spread_match(text, m.start())
                if hit is not None:
                    _read_collapsed(text, m.start(), hit[0], hit[1], line_lang, figs, last_end)
                    last_end = hit[0]
                continue
            if cnpct is not None:
                den = text[m.start()] + cnden
                number = parse_cn_fraction(cnpct, line_lang)
                exp = _FRACTION_DENOMINATORS.get(den, 0)
                value = scaled(repr(number), exp)
                unit = "percent"
                if exp:
                    notes.append(_PERCENT_NOTES[exp].format(n=text[m.start() : end], v=value))
            elif krest is not None:
                kanji = first + krest
                if is_loose_approximation(kanji) or (c == "、" and text[start - 2 : start - 1] in "一二三四五六七八九"):
                    continue  # 二三十万円, 二、三十万円: "twenty or thirty", not an amount
                info = currencies.unit_info(kunit)
                special = info[2]
                if kanji == "一" and kunit in ("円", "元") and _HAN_LO <= c <= _HAN_HI:
                    continue  # 関東一円, 单一元: "the whole area", "single", not one yen
                if special == "kuai" and _kuai_is_noun(text, end):
                    continue
                if "点" in kanji or "點" in kanji:
                    number = parse_cn_fraction(kanji, line_lang)
                else:
                    number = parse_cjk(None, kanji, line_lang)
                value = number
                unit_surface = kunit
                unit, ambiguous = currencies.resolve(pre, info, kunit, line_lang, start, end, notes)
                if special == "tenths":
                    tenths = fractions.read_tenths(text, end, kunit, number, kanji, line_lang)
                    if tenths is None:
                        continue
                    value, end, note = tenths
                    notes.append(note)
                    exp = 1
                elif info[1] != 1.0:
                    value, exp = _rescale(value, info[1], text[start:end], notes)
            else:
                num = first + numrest
                if (
                    not numrest
                    and c
                    and c in " \u3000"
                    and start >= 2
                    and text[start - 2].isdigit()
                    and not text[start - 3 : start - 2].isdigit()
                    and (
                        " " in text[start:end]
                        or "\u3000" in text[start:end]
                        or (text[start - 3 : start - 2] in (" ", "\u3000") and text[start - 4 : start - 3].isdigit())
                    )
                ):
                    continue  # "1 2 0 億 円": one digit of digits spread apart, never joined (no figure, not 0円)
                if num.isascii() and (
                    num.isdigit() or (line_lang not in _DOT_GROUPED and num.replace(".", "", 1).isdigit())
                ):
                    digits = num  # 330, 6.65: the common case
                else:
                    digits = number_text(num, line_lang, SYMBOLS.get(pre or ""))
                if cjk is not None:
                    e = _CJK_SINGLE.get(cjk)
                    if e is None:
                        digits, exp = repr(parse_cjk(float(digits), cjk, line_lang)), 0
                    else:
                        exp = e
                needs_currency = False
                if scale is not None:
                    mult, ambiguous, needs_currency = scale_of(scale, line_lang, notes)
                    exp += round(math.log10(mult))
                value = float(f"{digits}e{exp}") if exp else float(digits)
                hit = cache_get((pre, uword, line_lang))
                if hit is not None:  # the usual case: a spelling already seen
                    unit, amb, cached_notes, info = hit
                    if cached_notes:
                        notes.extend(cached_notes)
                    if unit is not None and unit[0] == "~":
                        if unit == "~dollar" and dollar_line == line_end:
                            unit = "USD"  # no other dollar named on this line (known from its first "$")
                        else:
                            marker = unit
                            unit = currencies.family(unit, start, end, notes)
                            if marker == "~dollar" and not currencies.dollar_line[2]:
                                dollar_line = line_end
                else:
                    info = currencies.unit_info(uword)
                    if info[2] == "glued" and text[m.start("uword") - 1 : m.start("uword")] in SP_CHARS:
                        info = _MISSING
                        uword = None
                    unit, amb = currencies.resolve(pre, info, uword, line_lang, start, end, notes)
                ambiguous = ambiguous or amb
                special = info[2]
                unit_surface = uword
                if special is not None:
                    if special == "glued" and text[m.start("uword") - 1 : m.start("uword")] in SP_CHARS:
                        continue  # "5 pc" is not "5pc"
                    if special == "tenths":
                        tenths = fractions.read_tenths(text, end, uword, scaled(digits, 0), num, line_lang)
                        if tenths is None:
                            continue
                        value, end, note = tenths
                        notes.append(note)
                        exp += 1
                    elif special == "kuai" and _kuai_is_noun(text, end):
                        continue
                if info[1] != 1.0:
                    value, exp2 = _rescale(value, info[1], text[start:end], notes)
                    exp += exp2
                if uword is not None and info[0] in _YEAR_LIKE and len(num) == 4 and 1800 <= value <= 2199:
                    continue  # "in 2019 won", "2024 real": a year before a word
                if unit is None:
                    if cjk is not None and text[end : end + 1] in (" ", "\u3000") and SPREAD_HINT_RE.match(text, end):
                        hit2 = _spread_match(text, m.start())
                        if hit2 is not None:  # 3 万  円: the unit after more spaces
                            _read_collapsed(text, start, hit2[0], hit2[1], line_lang, figs, last_end)
                            last_end = hit2[0]
                            continue
                    if (info[0] is not None and info[0][0] == "~") or SYMBOLS.get(pre or "", "")[:1] == "~":
                        continue  # "francs", "Rs" with no country named: no figure rather than a wrong one
                    if pending is not None and pending.conn_end == start and pending.unit is not None:
                        unit = pending.unit  # "$5-7bn": the upper end takes the lower end's currency
                    elif needs_currency or (scale is None and cjk is None):
                        continue  # "a 5m wall", "5K run"
                    elif _counts_a_noun(text, end, cjk is not None and scale is None):
                        continue
                    else:
                        word_amount = True
        except (ValueError, KeyError, OverflowError, IndexError):
            continue
        if value != value or value in _INFINITIES:
            continue
        if sign is None and c in _SIGN_WORD_LAST:
            if c == " " or c == "\u00a0":
                if text[start - 2 : start - 1] in _SIGN_WORD_ENDS and text.endswith(
                    _SIGN_WORDS, max(0, start - 12), start - 1
                ):
                    s2 = _sign_word(text, start)
                    if s2 is not None:
                        start, sign = s2, "word"
            else:
                s2 = _sign_word(text, start)
                if s2 is not None:
                    start, sign = s2, "word"
        if sign is not None:
            value = -value
        if (
            unit in _SUB_UNIT_CURRENCIES
            and exp == 0
            and cjk is None
            and scale is None
            and (krest is None or _BIG_KANJI.isdisjoint(krest))
        ):
            nxt = text[end : end + 1]
            if nxt and nxt in _SUB_UNIT_FIRST and (nxt != " " or text[end + 1 : end + 2] in _SUB_UNIT_AFTER_SPACE):
                joined = subunits.join(text, end, unit, line_lang, unit_surface)
                if joined is not None:
                    end, add, note = joined
                    value = float(f"{(value - add if value < 0 else value + add):.12g}")
                    notes.append(note)
        if word_amount:
            figs.word_amounts.append(len(starts))
        starts.append(start)
        ends.append(end)
        values.append(value)
        units.append(unit)
        if (
            line_cjk
            and not line_cues
            and start > 0
            and text[start - 1] not in _CJK_QUAL_BEFORE
            and text[end : end + 1] not in _CJK_QUAL_AFTER
        ):
            quals.append("exact")  # nothing before or after that could qualify it (the common CJK case)
        else:
            quals.append(qualifier(text, start, end, last_end, line_cjk, line_cues))
        ambs.append(ambiguous)
        notes_col.append("; ".join(notes) if notes else None)
        lows.append(None)
        highs.append(None)
        if pending is not None:
            if pending.conn_end == start:
                _join_range(text, figs, pending, exp, line_lang)
            pending = None
        last_end = ends[-1]
        nxt = text[last_end : last_end + 1]
        if nxt and (nxt in _CONNECTOR_NEAR or (nxt == " " and text[last_end + 1 : last_end + 3] in _AFTER_SPACE)):
            cm = ranges.CONNECTOR_RE.match(text, last_end)
            if cm is not None:
                dash, word = cm.group("dash", "word")
                pending = _Low(starts[-1], last_end, None, units[-1], None, exp, cm.end(), dash, word, len(starts) - 1)
    return figs, stop_at


_INFINITIES = (math.inf, -math.inf)
#: Characters right before or after a CJK figure that can start a qualifier (約, 超, 以上, spaces...).
_CJK_QUAL_BEFORE = CJK_BEFORE_LAST | frozenset(" \u00a0\u202f\u2009\u3000\n\t")
_CJK_QUAL_AFTER = CJK_AFTER_FIRST | frozenset(" \u00a0")
#: Every other dollar's name contains one of these (Canadian dollars, カナダドル, 加元, 港幣, 新台币).
_OTHER_DOLLAR_CUES = ("ollar", "OLLAR", "ドル", "元", "币", "幣")
_FAR = 1 << 62
_BIG_KANJI = frozenset("万萬億亿兆")
_DOT_GROUPED = frozenset({"fr", "de"})  # languages where 1.238 is a thousand and more
_RANGE_END_UNITS = frozenset("%％‰円元")
_SIGN_WORD_ENDS = frozenset("seSEfス")
_SIGN_WORDS = ("minus", "moins", "negative", "négatif", "Minus", "Moins", "Negative", "MINUS", "マイナス")
#: Prefix marks read when glued to the number ($5, ¥5, 新台幣40,000元, ▲2.1, -5, \2500): not letters, which
#: the regex already refuses right before a digit.
_GLUED_MARKS = (
    frozenset(ch for ch in PREFIX_LAST_CHARS if not (ch.isascii() and ch.isalpha()))
    | SIGN_CHARS
    | {"\\"}
    | frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZprs")
)
#: ... and after a space (CHF 5, ▲ 2.1). Lower-case and "." endings are common word endings ("was 5",
#: "2024. 5"), so those are looked at only when the two characters match a symbol's (Rs 500, kr 100).
_SPACED_MARKS = frozenset(ch for ch in PREFIX_OR_MARK if not ch.islower() and ch != ".")
_LOWER_TAILS = frozenset(sym[-2:] for sym in SYMBOLS if len(sym) >= 2 and (sym[-1].islower() or sym[-1] == "."))
_LOWER_LAST = frozenset(t[-1] for t in _LOWER_TAILS)
_CONNECTOR_NEAR = frozenset("-–—‐‑~〜～∼至到和与與")
_AFTER_SPACE = frozenset(  # the two characters after a space that can start a connector
    {"to", "à ", "bi", "an", "et", "un", "- ", "– ", "— ", "~ ", "〜", "～"} | {f"{d}" for d in "-–—‐‑~〜～∼"}
    | {d + ch for d in "-–—‐‑~〜～∼" for ch in "0123456789$€£¥ "}
)
_SUB_UNIT_AFTER_SPACE = frozenset("0123456789ae")


_YEAR_LIKE = frozenset(UNITS[w][0] for w in _YEAR_LIKE_WORD_UNITS if w in UNITS)


def _line_has_cues(text: str, start: int, line_end: int) -> bool:
    return CJK_LONG_RE.search(text, start, line_end) is not None


def _kuai_is_noun(text: str, end: int) -> bool:
    """块 is "piece" (三块土地) unless 钱 follows or no Han character does (五块。, 五块五)."""
    nxt = text[end : end + 1]
    return bool(nxt) and _HAN_LO <= nxt <= _HAN_HI and nxt not in "钱錢一二三四五六七八九"


def _rescale(value: float, factor: float, surface: str, notes: list[str]) -> tuple[float, int]:
    """‰ and basis points: 3‰ → 0.3 %, 25 bp → 0.25 pp, as exact decimals; the note says so."""
    exp = round(math.log10(factor))
    new = float(f"{value!r}e{exp}")
    if exp == -1:
        notes.append(f"per mille: {surface} = {new:g} %")
    else:
        notes.append(f"{surface} = {new:g} (hundredths of a percent)")
    return new, exp


def _read_collapsed(text: str, start: int, end: int, collapsed: str, lang: str, figs: Figures, last_end: int) -> None:
    """A spread figure: read its collapsed characters as a figure, keep the span of the spread ones."""
    inner, _ = scan(collapsed, lang, None)  # one short string: the same rules, no spaces
    if len(inner.start) != 1 or inner.start[0] != 0 or inner.end[0] != len(collapsed):
        return
    note = f"read without the spaces: {collapsed}"
    prior = inner.note[0]
    figs.append(
        start,
        end,
        inner.value[0],
        inner.unit[0],
        qualifier(text, start, end, last_end, True, False),
        inner.ambiguous[0],
        note if prior is None else f"{prior}; {note}",
    )


def _join_range(text: str, figs: Figures, pending: _Low, exp: int, lang: str) -> None:
    """Make the last figure a range with the lower end in `pending` (or split off a "from X to Y")."""
    low_start, low_end, low_digits, low_unit, low_sign, low_exp, _, dash, word, low_index = pending
    reading = ranges.connector_reading(text, low_start, dash, word)
    if reading is None:
        return
    hi = len(figs.start) - 1
    high = figs.value[hi]
    if low_index is not None:
        if low_index != hi - 1:
            return
        if low_unit is not None and figs.unit[hi] is not None and low_unit != figs.unit[hi]:
            return
        low = figs.value[low_index]
        if low_unit is not None and figs.unit[hi] is None:
            figs.unit[hi] = low_unit
        if low_exp == 0 and exp > 0:  # "$5-7bn": the lower end takes the upper end's scale
            scaled_low = float(f"{low * 10**exp:.12g}")
            if scaled_low < high:
                low = scaled_low
    else:
        try:
            low_plain = float(number_text(low_digits, lang))
        except ValueError:
            return
        if reading == "change" and len(low_digits) == 4 and 1800 <= low_plain <= 2199:
            return  # "from 2020 to 7 %": a year, not the first value
        low = low_plain * 10**exp if exp else low_plain
        low = float(f"{low:.12g}")
        if low_sign is not None:
            low = -low
        if high > 0 and exp and low >= high:  # "$500 to $1bn": the lower end has its own scale
            low = low_plain
    if reading == "change":
        if low_index is not None:
            return  # two full figures already
        note = f"unit from the figure after it ({text[figs.start[hi] : figs.end[hi]]})"
        figs.start.insert(hi, low_start)
        figs.end.insert(hi, low_end)
        figs.value.insert(hi, low)
        figs.unit.insert(hi, figs.unit[hi])
        figs.qualifier.insert(hi, "exact")
        figs.ambiguous.insert(hi, False)
        figs.note.insert(hi, note)
        figs.low.insert(hi, None)
        figs.high.insert(hi, None)
        figs.word_amounts = [i + 1 if i >= hi else i for i in figs.word_amounts]
        return
    if not low < high:
        return
    start = low_start
    if word in ("and", "et", "und", "和", "与", "與"):
        b = ranges.between_before(text, low_start)
        start = b if b is not None else start
    prior = figs.qualifier[hi]
    if low_index is not None:
        if prior == "exact":
            prior = figs.qualifier[low_index]
        notes = [n for n in (figs.note[low_index], figs.note[hi]) if n]
        for name in Figures.COLUMNS:
            del getattr(figs, name)[low_index]
        figs.word_amounts = [i - 1 if i > low_index else i for i in figs.word_amounts if i != low_index]
        hi -= 1
        figs.note[hi] = "; ".join(dict.fromkeys(notes)) or None
    figs.start[hi] = start
    figs.low[hi] = low
    figs.high[hi] = high
    figs.qualifier[hi] = "range"
    if prior not in ("exact", "range"):
        figs.add_note(hi, f"range; the text also says {prior}")
