"""Spans where numbers are not figures: URLs, e-mail addresses, file names and paths, code.

Why: percent-encoding (``%20``, ``%2C``), query strings (``?share=50%``) and paths (``/2024/05/``)
are full of digits next to percent signs and currency-looking letters; one URL used to give eight
false percent figures. Each kind of span is found from a literal anchor (``://``, ``www.``, ``@``, a
file extension, ``/``, ``%XX``, a backtick, ``<``), so text without any of them costs a few fast
substring searches, and the figure passes skip any match that overlaps a span.
"""

from __future__ import annotations

import re
from bisect import bisect_right

# Characters a URL, address or path token can hold (ASCII, no spaces or quotes; CJK ends it).
_TOKEN = r"[A-Za-z0-9\-._~:/?#\[\]@!$&*+,;=%'()\\]"
_TOKEN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?#[]@!$&*+,;=%'()\\")
_TRAILING = ".,;:!?)]}'\""
_URL_RE = re.compile(r"://|www\.")
_EMAIL_RE = re.compile(r"@")
_FILE_RE = re.compile(
    r"\.(?:pdf|docx?|xlsx?|xlsm|csv|tsv|txt|pptx?|png|jpe?g|gif|svg|webp|zip|gz|tgz|7z|html?|php|aspx?|jsp|json|"
    r"xml|ya?ml|py|js|ts|css|md|rst|ipynb|parquet|sql|sh|exe|dmg|mp[34]|mov|avi)(?![A-Za-z0-9])",
    re.IGNORECASE,
)
_PATH_RE = re.compile(r"[/\\][A-Za-z0-9_.%~+-]+[/\\]")
_PCT_ENCODED_RE = re.compile(r"%[0-9A-Fa-f]{2}")
_BACKTICK_RE = re.compile(r"```.*?```|`[^`\n]{1,200}`", re.DOTALL)
_TAG_RE = re.compile(r"<[A-Za-z/!][^<>\n]{0,300}>")


def _in_token(ch: str) -> bool:
    """URL characters, plus unencoded non-ASCII ones (IRIs: /wiki/Café, ?p=€7) below the CJK blocks,
    where text written without spaces (…/を参照) resumes."""
    return ch in _TOKEN_CHARS or ("\u00c0" <= ch < "\u2000") or ch in "€£¥₹₽₩"


def _token_bounds(text: str, i: int, j: int) -> tuple[int, int]:
    """Grow [i, j) to the whole URL-like token around it."""
    n = len(text)
    while i > 0 and _in_token(text[i - 1]):
        i -= 1
    while j < n and _in_token(text[j]):
        j += 1
    while j > i and text[j - 1] in _TRAILING:
        j -= 1
    return i, j


def protected_spans(text: str) -> list[tuple[int, int]]:
    """Sorted, merged [start, end) spans of URLs, e-mail addresses, file names, paths and code."""
    spans: list[tuple[int, int]] = []
    if "://" in text or "www." in text:
        for m in _URL_RE.finditer(text):
            a, b = _token_bounds(text, m.start(), m.end())
            if b > m.end():
                spans.append((a, b))
    if "@" in text:
        for m in _EMAIL_RE.finditer(text):
            a, b = _token_bounds(text, m.start(), m.end())
            if a < m.start() and "." in text[m.end() : b]:
                spans.append((a, b))
    if "." in text:
        for m in _FILE_RE.finditer(text):
            a, b = _token_bounds(text, m.start(), m.end())
            if a < m.start() and text[m.start() - 1 : m.start()] not in (" ", ""):
                spans.append((a, b))
    if "/" in text or "\\" in text:
        for m in _PATH_RE.finditer(text):
            a, b = _token_bounds(text, m.start(), m.end())
            head = text[a : a + 3]
            if head.startswith(("/", "~/", "./", "../", "\\\\")) or (len(head) >= 3 and head[1:3] in (":\\", ":/")):
                spans.append((a, b))
    if "%" in text:
        for m in _PCT_ENCODED_RE.finditer(text):
            before, after = text[m.start() - 1 : m.start()], text[m.end() : m.end() + 1]
            if before and after and before in _TOKEN_CHARS and after in _TOKEN_CHARS and after not in " .,;:!?)":
                spans.append(_token_bounds(text, m.start(), m.end()))
    if "`" in text:
        spans.extend(m.span() for m in _BACKTICK_RE.finditer(text))
    if "<" in text:
        spans.extend(m.span() for m in _TAG_RE.finditer(text))
    if not spans:
        return spans
    spans.sort()
    merged = [spans[0]]
    for a, b in spans[1:]:
        if a <= merged[-1][1]:
            if b > merged[-1][1]:
                merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return merged


class SpanFilter:
    """Answers "does [start, end) overlap a protected span?" for positions met in text order."""

    __slots__ = ("ends", "i", "spans", "starts")

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self.spans = spans
        self.starts = [a for a, _ in spans]
        self.ends = [b for _, b in spans]
        self.i = 0

    def overlaps(self, start: int, end: int) -> bool:
        spans = self.spans
        i = self.i
        if i < len(spans) and spans[i][1] <= start:  # moved on: jump ahead
            i = self.i = bisect_right(self.ends, start)
        return i < len(spans) and spans[i][0] < end

    def overlaps_any(self, start: int, end: int) -> bool:
        """Order-free check (for figures read out of order)."""
        i = bisect_right(self.ends, start)
        return i < len(self.spans) and self.spans[i][0] < end
