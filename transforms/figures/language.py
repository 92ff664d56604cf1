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
            kana = sum(map(len, _KANA_RE.findall(text)))
            if kana * 20 >= wide > 0 or "円" in text:
                return "ja", wide >= 2
            return "zh", wide >= 2
    counts = {"en": 0, "fr": 0, "de": 0, None: 0}
    get = STOPWORDS.get
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


@lru_cache(maxsize=512)
def _script_yuan(line: str) -> str:
    trad = sum(map(TRAD_CHARS.__contains__, line))
    simp = sum(map(SIMP_CHARS.__contains__, line))
    return "TWD" if trad > simp else "CNY"
