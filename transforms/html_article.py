"""An article page (HTML or plain text) → its text, title, publication date and language.

HTML goes through trafilatura (main text without navigation and footers, with metadata, favouring
recall so that short news items keep all their paragraphs). Its bytes are decoded here, not by
trafilatura, so the choice is explicit and tested: a BOM, the Content-Type charset, a ``<meta
charset>`` (or XML declaration), UTF-8, then the most plausible of the East Asian encodings news
sites still serve (Shift_JIS/CP932, EUC-JP, GB18030, Big5) as judged by charset_normalizer. A
declaration that does not decode the bytes is skipped rather than trusted.

Plain-text bodies are decoded by `transforms.articles.decode_text` (declared charset, else UTF-8).
The language comes from the text (py3langid restricted to en, fr, de, ja, zh), falling back to the
page's ``lang`` attribute when the text is too short to tell.
"""

from __future__ import annotations

import codecs
import functools
import re
from dataclasses import dataclass
from datetime import date

import charset_normalizer
import trafilatura
from lxml import etree

from transforms.articles import decode_text
from transforms.errors import PayloadError

__all__ = ["LANGUAGES", "ArticleDoc", "detect_language", "extract_article"]

#: Languages `detect_language` chooses among.
LANGUAGES: tuple[str, ...] = ("en", "fr", "de", "ja", "zh")
#: Fewer letters than this and the language is not guessed (nor is an HTML page said to have an article).
MIN_LETTERS = 20
#: Below this probability the guess is dropped.
MIN_CONFIDENCE = 0.5
#: East Asian encodings tried when neither the headers nor the page declare one and UTF-8 fails.
FALLBACK_ENCODINGS: tuple[str, ...] = ("cp932", "euc_jp", "gb18030", "big5")

_SNIFF_BYTES = 4096
_META_CHARSET_RE = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_\-.:]+)""", re.IGNORECASE)
_XML_ENCODING_RE = re.compile(rb"""^\s*<\?xml[^>]{0,100}?encoding\s*=\s*["']([A-Za-z0-9_\-.:]+)""", re.IGNORECASE)
_HTML_LANG_RE = re.compile(r"""<html[^>]{0,500}?\blang\s*=\s*["']?\s*([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)*""", re.I)
_XML_DECLARATION_RE = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_XML_INVALID_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_NON_TEXT_TYPES = (
    "image/",
    "audio/",
    "video/",
    "font/",
    "application/pdf",
    "application/zip",
    "application/gzip",
    "application/x-gzip",
)
#: Labels browsers read as a superset encoding (WHATWG Encoding Standard); Python decodes them strictly.
_ENCODING_UPGRADES = {
    "shift_jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "ms_kanji": "cp932",
    "windows-31j": "cp932",
    "csshiftjis": "cp932",
    "x-euc-jp": "euc_jp",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "euc-kr": "cp949",
    "big5-hkscs": "big5hkscs",
    "x-mac-roman": "mac_roman",
}
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


@dataclass(frozen=True)
class ArticleDoc:
    text: str
    title: str | None
    published: date | None
    language: str | None  # ISO 639-1


# --------------------------------------------------------------------------------------------------
# Language
# --------------------------------------------------------------------------------------------------


@functools.cache
def _identifier():  # -> py3langid.langid.LanguageIdentifier (its model ships inside the package)
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(LANGUAGES))
    return identifier


def detect_language(text: str) -> str | None:
    """en, fr, de, ja or zh; None for text with fewer than `MIN_LETTERS` letters or no clear answer."""
    sample = text[:5000]
    if sum(1 for ch in sample if ch.isalpha()) < MIN_LETTERS:
        return None
    lang, confidence = _identifier().classify(sample)
    if lang not in LANGUAGES or confidence < MIN_CONFIDENCE:
        return None
    return lang


# --------------------------------------------------------------------------------------------------
# Decoding
# --------------------------------------------------------------------------------------------------


def _encoding(label: str | bytes | None) -> str | None:
    """A Python codec for a charset label, or None when the label is unknown."""
    if not label:
        return None
    name = (label.decode("ascii", "ignore") if isinstance(label, bytes) else label).strip().strip("\"'").lower()
    name = _ENCODING_UPGRADES.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _content_type_charset(content_type: str | None) -> str | None:
    if content_type and "charset=" in content_type.lower():
        return content_type.lower().split("charset=", 1)[1].split(";")[0].strip()
    return None


def _decode_html(body: bytes, content_type: str | None, source: str) -> tuple[str, str]:
    """(text, codec) for an HTML body; PayloadError when no candidate decodes it."""
    for bom, codec in _BOMS:
        if body.startswith(bom):
            try:
                return body.decode(codec), codec
            except UnicodeDecodeError as exc:
                raise PayloadError(source, f"body starts with a {codec} byte-order mark but is not {codec}") from exc
    head = body[:_SNIFF_BYTES]
    meta = _META_CHARSET_RE.search(head) or _XML_ENCODING_RE.search(head)
    declared = [_encoding(_content_type_charset(content_type)), _encoding(meta.group(1) if meta else None)]
    tried: list[str] = []
    for codec in [*declared, "utf-8"]:
        if codec is None or codec in tried:
            continue
        tried.append(codec)
        if codec.startswith("utf-16") or codec.startswith("utf-32"):
            continue  # a declaration that contradicts 8-bit markup: ignore it
        try:
            return body.decode(codec), codec
        except UnicodeDecodeError:
            continue
    if b"\x00" in head:
        raise PayloadError(source, "body looks binary (NUL bytes) and declares no UTF-16 byte-order mark")
    best = charset_normalizer.from_bytes(body, cp_isolation=list(FALLBACK_ENCODINGS)).best()
    candidates = ([_encoding(best.encoding)] if best is not None else []) + list(FALLBACK_ENCODINGS)
    for codec in candidates:
        if codec is None or codec in tried:
            continue
        tried.append(codec)
        try:
            return body.decode(codec), codec
        except UnicodeDecodeError:
            continue
    raise PayloadError(source, f"body does not decode as any of {', '.join(tried)}")


# --------------------------------------------------------------------------------------------------
# Extraction
# --------------------------------------------------------------------------------------------------


def _is_html(body: bytes, content_type: str | None) -> bool:
    ctype = (content_type or "").lower()
    if "html" in ctype or "xml" in ctype:
        return True
    start = body[:64]
    for bom, _ in _BOMS:
        if start.startswith(bom):
            start = start[len(bom) :]
            break
    return start.lstrip().startswith(b"<") or start.replace(b"\x00", b"").lstrip().startswith(b"<")


def _date(value: object) -> date | None:
    if isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def _declared_language(html: str) -> str | None:
    m = _HTML_LANG_RE.search(html[:_SNIFF_BYTES])
    if m is None:
        return None
    lang = m.group(1).lower()
    return lang if len(lang) == 2 else None


def _from_html(html: str, url: str | None, source: str) -> ArticleDoc:
    # lxml refuses a str that carries an encoding declaration or XML-invalid control characters.
    cleaned = _XML_INVALID_RE.sub("", _XML_DECLARATION_RE.sub("", html, count=1))
    try:
        doc = trafilatura.bare_extraction(
            cleaned,
            url=url,
            with_metadata=True,
            favor_recall=True,
            include_comments=False,
            include_tables=True,
            # Only dates the page states as its own; no guessing from the copyright line.
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except (ValueError, TypeError, etree.LxmlError, RecursionError) as exc:
        raise PayloadError(source, f"HTML could not be parsed: {type(exc).__name__}: {exc}") from exc
    text = (getattr(doc, "text", None) or "").strip() if doc is not None else ""
    letters = sum(1 for ch in text if ch.isalpha())
    if letters < MIN_LETTERS:  # nothing, or the remnant of a menu ("Home")
        raise PayloadError(source, f"no article text found in the HTML ({letters} letters extracted)")
    title = (getattr(doc, "title", None) or "").strip() or None
    declared = _declared_language(cleaned)
    return ArticleDoc(
        text=text,
        title=title,
        published=_date(getattr(doc, "date", None)),
        language=detect_language(text) or declared,
    )


def extract_article(
    body: bytes, content_type: str | None, url: str | None = None, source: str = "article"
) -> ArticleDoc:
    """The article in a page body; PayloadError when no text can be decoded or extracted.

    HTML is recognised by its content type (``text/html``, XHTML) or by a body starting with ``<``;
    anything else is read as plain text: the first non-empty line is its title, and it has no date.
    """
    ctype = (content_type or "").lower()
    if ctype.startswith(_NON_TEXT_TYPES):
        raise PayloadError(source, f"content type {content_type} is not text")
    if _is_html(body, content_type):
        html, _codec = _decode_html(body, content_type, source)
        return _from_html(html, url, source)
    decoded = decode_text(body, content_type, source)
    if decoded.count("\x00") > len(decoded) // 100:  # a stray NUL is kept as text; mostly-NUL is binary
        raise PayloadError(source, "body looks binary (NUL characters)")
    text = decoded.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        raise PayloadError(source, "the body has no text")
    title = next((line.strip() for line in text.splitlines() if line.strip()), None)
    return ArticleDoc(text=text, title=title, published=None, language=detect_language(text))
