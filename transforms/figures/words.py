"""Amounts written in words (en, fr, de): "seven million yen", "quinze pour cent", "dreiundvierzig
Millionen Euro", "twelve dollars and thirty cents".

Why anchored on the unit: number words count only where a currency or percent word makes the phrase
a figure ("one of the two", "un des trois" are not figures), and unit words are far rarer than number
words. So this pass finds unit words in the lower-cased text, then reads the number words right before
each one, backwards. Amounts with digits ("5 million dollars") are the main scan's and are skipped
here; so are loose phrases ("two or three million dollars").

Japanese and Chinese amounts in words are kanji numerals, which the main scan reads (七円, 三美元).
"""

from __future__ import annotations

import math
import re

import polars as pl

from transforms.figures import subunits
from transforms.figures.exclusions import SpanFilter
from transforms.figures.language import LineLanguage
from transforms.figures.lexicon import NUMBER_WORDS
from transforms.figures.numbers import german_pieces, word_tokens, words_value
from transforms.figures.patterns import PERCENT_UNITS, UNITS, trie
from transforms.figures.qualifiers import qualifier
from transforms.figures.scan import Figures, _Currencies, _sign_word

_LETTERS = "a-zà-öø-ÿß"
_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzàâäçéèêëîïôöùûüÿœæßáíóúñ")
_ANCHORS = sorted(
    w
    for w in UNITS
    if w == w.lower() and len(w) >= 3 and all(ch.isalpha() or ch in " -" for ch in w) and ord(w[0]) < 0x250
)
ANCHOR_RE = re.compile(trie((w, False, f"(?![{_LETTERS}])") for w in _ANCHORS))
_ANCHORS_LONGEST_FIRST = sorted(set(_ANCHORS), key=len, reverse=True)
_ALL_NUMBER_WORDS = frozenset().union(*(set(t) for t in NUMBER_WORDS.values()))
_ARTICLES = {"en": ("a", "an"), "fr": (), "de": ()}
_LOOSE = frozenset({"or", "ou", "oder"})
_FR_TENS_ET = (20.0, 30.0, 40.0, 50.0, 60.0)  # vingt et un … soixante et onze
_GLUE_WORDS = frozenset({"a", "an", "and", "et", "und", "half", "demi"})
_BIG = 100.0


def _walk_back(low: str, pos: int, lang: str) -> tuple[int, list[float | str]] | None:
    """Number words ending at `pos` (exclusive) → (phrase start, tokens in text order), or None."""
    words: list[tuple[int, str]] = []
    k = pos
    while True:
        j = k
        while j > 0 and low[j - 1] in " \u00a0,":
            j -= 1
        e = j
        while j > 0 and (low[j - 1] in _WORD_CHARS or low[j - 1] == "-"):
            j -= 1
        if j == e:
            break
        word = low[j:e]
        words.append((j, word))
        k = j
        if len(words) >= 32 or not (word in _ALL_NUMBER_WORDS or word in _GLUE_WORDS or "-" in word or lang == "de"):
            break  # enough: the first word that cannot be part of a number ends the look-back
    phrase: list[tuple[int, list[float | str]]] = []
    for idx, (start, word) in enumerate(words):
        toks = word_tokens(word, lang)
        if toks is None:
            if word in _ARTICLES[lang] and phrase and isinstance(phrase[-1][1][0], float) and phrase[-1][1][0] >= _BIG:
                phrase.append((start, [1.0]))  # "a hundred dollars", "a million yen"
                continue
            if word == "a" and lang == "en" and phrase and phrase[-1][1] == ["half"]:
                continue  # "and a half"
            if word == "half" and lang == "en":
                phrase.append((start, ["half"]))
                continue
            break
        if toks and isinstance(toks[0], str) and toks[0] in ("and", "et", "und") and len(toks) == 1:
            # a joiner is inside a number only after hundred/thousand/a scale (two hundred and five),
            # or before a half; "five and seven" is two numbers
            nxt = phrase[-1][1] if phrase else None
            prev = word_tokens(words[idx + 1][1], lang) if idx + 1 < len(words) else None
            ok = nxt is not None and (
                nxt == ["half"]
                or (prev is not None and isinstance(prev[-1], float) and prev[-1] >= _BIG)
                or (lang == "fr" and prev is not None and prev[-1] in _FR_TENS_ET and nxt[0] in (1.0, 11.0))
            )
            if not ok:
                break
        phrase.append((start, toks))
    while phrase and isinstance(phrase[-1][1][0], str):
        phrase.pop()  # never start with a joiner
    if not phrase:
        return None
    ordered = list(reversed(phrase))
    tokens: list[float | str] = [t for _, toks in ordered for t in toks]
    if lang == "en" and "half" in tokens:
        tokens = [t for t in tokens if t != "and"]
    return ordered[0][0], tokens


#: Below this many characters the regex is cheaper than building the Aho-Corasick automaton (~1 ms).
_AHO_CORASICK_FROM = 50_000


def _anchor_starts(low: str, end: int) -> list[int]:
    """Character offsets where a unit word may start.

    A long text is searched with Aho-Corasick (polars `find_many`: several hundred MB/s, where the
    trie regex reads ~30 MB/s), whose offsets are UTF-8 byte offsets, turned into character offsets
    here; a short one (an article) with the regex, because building the automaton costs about a
    millisecond per call. The exact word and its boundaries are checked by the caller.
    """
    if end < _AHO_CORASICK_FROM:
        return [m.start() for m in ANCHOR_RE.finditer(low, 0, end)]
    hits = pl.Series([low[:end]]).str.find_many(_ANCHORS_LONGEST_FIRST).to_list()[0]
    if not hits:
        return []
    if low.isascii():
        return list(hits)
    data = low[:end].encode("utf-8")
    out = []
    bpos = cpos = 0
    for off in hits:
        cpos += len(data[bpos:off].decode("utf-8", "replace"))
        bpos = off
        out.append(cpos)
    return out


def scan_words(
    text: str,
    lang: str | None,
    protected: SpanFilter | None,
    stop_at: int | None,
    taken: list[tuple[int, int]],
    lines: LineLanguage | None = None,
) -> Figures:
    """Figures written in words, in text order; `taken` are the spans the main scan already read."""
    figs = Figures()
    if lang in ("ja", "zh"):
        return figs
    end_limit = len(text) if stop_at is None else stop_at
    low = text[:end_limit].lower()
    if len(low) != end_limit:  # a character whose lower case is longer (İ): keep offsets exact
        low = "".join(ch if len(ch.lower()) != 1 else ch.lower() for ch in text[:end_limit])
    lines = lines or LineLanguage(text, lang)
    currencies = _Currencies(text)
    notes: list[str] = []
    taken_ends = {e for _, e in taken}
    for us in _anchor_starts(low, end_limit):
        if us == 0 or low[us - 1] not in " \u00a0-'’":
            continue
        # The word before the unit must end in a letter (a number word), not a digit ("5 percent").
        k = us - 1
        while k > 0 and low[k - 1] in " \u00a0":
            k -= 1
        if k == 0 or low[k - 1] not in _WORD_CHARS:
            continue
        m = ANCHOR_RE.match(low, us)
        if m is None:
            continue
        ue = m.end()
        if ue in taken_ends:
            continue
        j = us
        while j > 0 and low[j - 1] in " \u00a0":
            j -= 1
        if low[j - 1 : j] in ("'", "’") and low[j - 2 : j - 1] == "d":
            j -= 2  # trois millions d'euros
        elif low.endswith((" de", " of"), 0, j):
            j -= 2
        if j == 0 or (low[j - 1] not in _WORD_CHARS and low[j - 1] not in " \u00a0"):
            continue
        w0 = low.rfind(" ", max(0, j - 80), j - 1) + 1
        tail = low[w0:j].split()
        last = tail[-1].strip(",") if tail else ""
        if (
            (w0 > 0 or j <= 80)
            and last not in _ALL_NUMBER_WORDS
            and last not in _GLUE_WORDS
            and "-" not in last
            and not (len(last) > 5 and german_pieces(last))
        ):
            continue  # the word before the unit is no number word: nothing to read
        line_lang = lines.at(us)
        if line_lang not in NUMBER_WORDS:
            continue
        walked = _walk_back(low, j, line_lang)
        if walked is None:
            continue
        start, tokens = walked
        if isinstance(tokens[0], float) and tokens[0] >= 1e6:
            continue  # "milliards de dollars", "millions of dollars": no count, not an amount
        value = words_value(tokens, line_lang)
        if value is None:
            continue
        b = start
        while b > 0 and low[b - 1] in " \u00a0":
            b -= 1
        if b > 0 and low[b - 1].isdigit():
            continue  # "5 million dollars": the main scan's
        prev_word = low[max(0, b - 8) : b].split()[-1:] if b > 0 else []
        if prev_word and prev_word[0] in _LOOSE:
            continue  # "two or three million dollars"
        if protected is not None and protected.overlaps_any(start, ue):
            continue
        notes.clear()
        surface_unit = text[us:ue]
        info = currencies.unit_info(surface_unit)
        unit, ambiguous = currencies.resolve(None, info, surface_unit, line_lang, start, ue, notes)
        if unit is None:
            continue
        if info[1] != 1.0:
            value = float(f"{value!r}e{round(math.log10(info[1]))}")
            notes.append(f"{text[start:ue]} = {value:g} {'%' if unit == 'percent' else unit}")
        end = ue
        if unit not in PERCENT_UNITS:
            joined = subunits.join(text, end, unit, line_lang, surface_unit)
            if joined is not None:
                end, add, note = joined
                value = float(f"{value + add:.12g}")
                notes.append(note)
        if start > 0 and text[start - 1] in " \u00a0":
            s2 = _sign_word(text, start)
            if s2 is not None:
                start, value = s2, -value
        figs.append(
            start,
            end,
            value,
            unit,
            qualifier(text, start, end, 0, False, False),
            ambiguous,
            "; ".join(["written in words", *notes]),
        )
    return figs

