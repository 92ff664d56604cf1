"""Which language a text (or one line of it) is written in, and which yuan a bare 元 is.

Why a heuristic and not a model: the extractor only needs five languages apart, per line, for the
separators and scale words of a number; a deterministic rule is versioned with the code, needs no
download, and costs a few microseconds per line (it runs once per line of a mixed corpus).
"""

from __future__ import annotations

import re
from functools import lru_cache

from transforms.figures.lexicon import SIMP_CHARS, STOPWORDS, TRAD_CHARS

SUPPORTED_LANGUAGES: tuple[str, ...] = ("en", "fr", "de", "ja", "zh")

_KANA_RE = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]+")
_HAN_OR_KANA_RE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f]")
#: A word that starts with an elided article or pronoun (l'objectif, d’environ): French. `(?<!\S)` is
#: where `str.split()` starts a word (both use the same Unicode whitespace).
_ELISION_RE = re.compile(r"(?<!\S)[ldjnsc]['’]")
_DETECT_SAMPLE = 20_000
#: A line's own language is judged on its first characters (enough for the script and a few stopwords).
LINE_SAMPLE = 120


def detect(text: str) -> tuple[str, bool]:
    """Language of `text` and whether the evidence is strong enough to trust on a single line.

    Script first: CJK characters outnumbering words → ja when kana make up at least 1/20 of the
    non-ASCII characters or 円 appears, else zh. Latin text is decided by stopwords that belong to one
    language only; no evidence → en (not sure).
    """
    if not text.isascii():
        wide = len(text) - len(text.encode("ascii", "ignore"))
        if wide * 2 > (text.count(" ") + 1) * 3 and _HAN_OR_KANA_RE.search(text):
            if "円" in text or _kana_count(text) * 20 >= wide:  # wide > 0 here
                return "ja", wide >= 2
            return "zh", wide >= 2
    low = text.lower()
    # One C-level lookup per word (map + list.count) instead of a Python loop: this runs once per
    # line of a mixed corpus. No stopword holds an apostrophe, so elisions (l'objectif, d’environ)
    # are counted apart, by a regex that starts where `split()` starts a word.
    found = list(map(STOPWORDS.get, low.split()))
    en, fr, de = found.count("en"), found.count("fr"), found.count("de")
    if "'" in low or "’" in low:
        fr += len(_ELISION_RE.findall(low))
    best, n = max((("en", en), ("fr", fr), ("de", de)), key=lambda kv: kv[1])
    if n == 0 or sorted((en, fr, de))[1] == n:
        return "en", False
    return best, n >= 2


def _kana_count(text: str) -> int:
    """Kana characters in `text`, counted on its UTF-8 bytes (C-level `bytes.count`).

    Why not a regex: `re` reads a character class at ~50 ns per character, and this runs once per
    line. U+3040–U+30FF is exactly the characters whose UTF-8 starts E3 81, E3 82 or E3 83 (a lead
    byte never occurs inside another character). The other kana blocks (U+31F0–U+31FF, half-width
    U+FF66–U+FF9F) share their first two bytes with non-kana characters, so a text holding those bytes
    is counted by the regex.
    """
    data = text.encode("utf-8")
    if b"\xe3\x87" in data or b"\xef\xbd" in data or b"\xef\xbe" in data:
        return sum(map(len, _KANA_RE.findall(text)))
    return data.count(b"\xe3\x81") + data.count(b"\xe3\x82") + data.count(b"\xe3\x83")


def detect_language(text: str) -> str:
    """Guess en/fr/de/ja/zh with a deterministic heuristic (no model to download or version).

    Script first: kana → ja; Han without kana → zh, unless 円 appears (Japanese yen). Latin text is
    decided by counting stopwords that belong to one language only; ties and no evidence → en.
    Only the first 20,000 characters are read: enough for an article, and bounded for a corpus.
    """
    return detect(text[:_DETECT_SAMPLE])[0]


def normalise_lang(lang: str | None) -> str | None:
    """``"zh-Hant"`` → ``"zh"``; unknown languages fall back to English number rules."""
    if lang is None:
        return None
    base = lang.strip().lower().replace("_", "-").split("-", 1)[0]
    return base if base in SUPPORTED_LANGUAGES else "en"


class LineLanguage:
    """The language of the line around a position, computed once per line and reused.

    The figure passes read the text in order, so a one-line cache is enough. With a language given by
    the caller every line has that language; otherwise each line is judged on its first characters
    and falls back to the whole text's language when the evidence is thin (a line of digits).
    """

    __slots__ = ("doc_lang", "fixed", "line_end", "line_lang", "line_start", "seen", "text")

    def __init__(self, text: str, lang: str | None) -> None:
        self.text = text
        self.fixed = lang
        self.doc_lang = lang or detect_language(text)
        self.line_start = 0
        self.line_end = -1
        self.line_lang = self.doc_lang
        self.seen: dict[int, str] = {}  # line start → language, for a second pass over the same text

    def at(self, pos: int) -> str:
        if self.line_start <= pos <= self.line_end:
            return self.line_lang
        text = self.text
        start = text.rfind("\n", 0, pos) + 1
        end = text.find("\n", pos)
        self.line_start, self.line_end = start, (len(text) if end < 0 else end)
        if self.fixed is None:
            known = self.seen.get(start)
            if known is None:
                guess, sure = detect(text[start : min(self.line_end, start + LINE_SAMPLE)])
                known = self.seen[start] = guess if sure else self.doc_lang
            self.line_lang = known
        return self.line_lang


def yuan_reading(text: str, pos: int) -> str:
    """元 alone: TWD if its line is written in traditional characters, else CNY.

    The first 400 characters of the line decide (the same string for every 元 of the line, so the
    count is cached); in a line longer than 2,000 characters, the 400 around the figure do.
    """
    a = text.rfind("\n", max(0, pos - 2000), pos) + 1
    if a == 0 and pos > 2000:
        a = pos - 200
    b = text.find("\n", a, a + 400)
    return _script_yuan(text[a : (a + 400 if b < 0 else b)])


#: Characters only one script has, as regex classes: `findall` counts them in C (a Python `sum` over
#: the characters of each line was ~4x slower, and this runs for every line with a bare 元).
_TRAD_RE = re.compile("[" + "".join(map(re.escape, sorted(TRAD_CHARS))) + "]")
_SIMP_RE = re.compile("[" + "".join(map(re.escape, sorted(SIMP_CHARS))) + "]")


@lru_cache(maxsize=512)
def _script_yuan(line: str) -> str:
    trad = len(_TRAD_RE.findall(line))
    simp = len(_SIMP_RE.findall(line))
    return "TWD" if trad > simp else "CNY"
