"""Spans where numbers are not figures: URLs, e-mail addresses, file names and paths, code.

Why: percent-encoding (``%20``, ``%2C``), query strings (``?share=50%``) and paths (``/2024/05/``)
are full of digits next to percent signs and currency-looking letters; one URL used to give eight
false percent figures. Each sort of span is found from a literal anchor (``://``, ``www.``, ``@``, a
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
_URL_ANCHORS = ("://", "www.")
_EMAIL_RE = re.compile(r"@")
_EXTENSIONS = (
    "pdf", "docx", "doc", "xlsx", "xls", "xlsm", "csv", "tsv", "txt", "pptx", "ppt", "png", "jpg", "jpeg", "gif",
    "svg", "webp", "zip", "gz", "tgz", "7z", "html", "htm", "php", "aspx", "asp", "jsp", "json", "xml", "yaml",
    "yml", "py", "js", "ts", "css", "md", "rst", "ipynb", "parquet", "sql", "sh", "exe", "dmg", "mp3", "mp4",
    "mov", "avi",
)
# Lower- and upper-case spellings instead of IGNORECASE, so that `re` can jump from dot to dot.
_FILE_RE = re.compile(
    r"\.(?:"
    + "|".join(sorted({*_EXTENSIONS, *(e.upper() for e in _EXTENSIONS)}, key=len, reverse=True))
    + r")(?![A-Za-z0-9])"
)
_PATH_RE = re.compile(r"[/\\][A-Za-z0-9_.%~+-]+[/\\]")
#: Where a path can start: after a space or bracket, "/", "~/", "./", "../", or a drive "C:\".
_PATH_ANCHORS = (" /", " ~/", " ./", " ../", "(/", "\n/", ":\\", "\\\\")
_PCT_ENCODED_RE = re.compile(r"%[0-9A-Fa-f]{2}")
_BACKTICK_RE = re.compile(r"```.*?```|`[^`\n]{1,200}`", re.DOTALL)
_TAG_RE = re.compile(r"<[A-Za-z/!][^<>\n]{0,300}>")


_TOKEN_CLASS = "[A-Za-z0-9\\-._~:/?#\\[\\]@!$&*+,;=%'()\\\\\u00c0-\u1fff€£¥₹₽₩]"
_TOKEN_RUN_RE = re.compile(_TOKEN_CLASS + "*")
_MAX_TOKEN = 2000


class _Tokens:
    """Grows a hit to the whole URL-like token around it, with C-level scans both ways.

    The left side is read as a forward match in the reversed text (made once, only if needed), so a
    page full of URLs costs one pass per token, not a character-by-character loop in Python.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.rev: str | None = None

    def bounds(self, i: int, j: int) -> tuple[int, int]:
        text = self.text
        if self.rev is None:
            self.rev = text[::-1]
        n = len(text)
        i -= _TOKEN_RUN_RE.match(self.rev, n - i, min(n, n - i + _MAX_TOKEN)).end() - (n - i)
        j = _TOKEN_RUN_RE.match(text, j, j + _MAX_TOKEN).end()
        while j > i and text[j - 1] in _TRAILING:
            j -= 1
        return i, j


def protected_spans(text: str) -> list[tuple[int, int]]:
    """Sorted, merged [start, end) spans of URLs, e-mail addresses, file names, paths and code."""
    spans: list[tuple[int, int]] = []
    _token_bounds = _Tokens(text).bounds
    for anchor in _URL_ANCHORS:
        k = text.find(anchor)
        while k >= 0:
            a, b = _token_bounds(k, k + len(anchor))
            if b > k + len(anchor):
                spans.append((a, b))
            k = text.find(anchor, max(b, k + 1))
    if "@" in text:
        for m in _EMAIL_RE.finditer(text):
            a, b = _token_bounds(m.start(), m.end())
            if a < m.start() and "." in text[m.end() : b]:
                spans.append((a, b))
    if "." in text:
        for m in _FILE_RE.finditer(text):
            a, b = _token_bounds(m.start(), m.end())
            if a < m.start() and text[m.start() - 1 : m.start()] not in (" ", ""):
                spans.append((a, b))
    paths = [0] if text[:1] in ("/", "~", ".") else []
    for anchor in _PATH_ANCHORS:
        k = text.find(anchor)
        while k >= 0:
            paths.append(k + 1 if anchor[0] in " (\n" else max(0, k - 1))
            k = text.find(anchor, k + 1)
    for k in paths:
        m = _PATH_RE.search(text, k, k + 300)
        if m is None or m.start() > k + 3:
            continue
        a, b = _token_bounds(m.start(), m.end())
        head = text[a : a + 3]
        if head.startswith(("/", "~/", "./", "../", "\\\\")) or (len(head) >= 3 and head[1:3] in (":\\", ":/")):
            spans.append((a, b))
    if "%" in text:
        spans.sort()
        found_starts = [a for a, _ in spans]
        found = list(spans)
        for m in _PCT_ENCODED_RE.finditer(text):
            k = bisect_right(found_starts, m.start()) - 1
            if k >= 0 and found[k][1] > m.start():
                continue  # inside a URL already found
            before, after = text[m.start() - 1 : m.start()], text[m.end() : m.end() + 1]
            if before and after and before in _TOKEN_CHARS and after in _TOKEN_CHARS and after not in " .,;:!?)":
                spans.append(_token_bounds(m.start(), m.end()))
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
