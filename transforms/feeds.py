"""RSS 2.0 / Atom (and the RSS 0.9x/1.0 dialects feedparser reads) → one row per entry.

feedparser is lenient: a feed with a small error still comes back with its entries (``bozo`` set),
and that is kept. Bytes that are not a feed at all (no entries, no feed title, not recognised as a
feed) raise `PayloadError` with feedparser's reason. The body is handed over as a stream, never as a
string, so feedparser cannot take it for a URL or a file name and fetch or open it.
"""

from __future__ import annotations

import calendar
import contextlib
import io
import re
from datetime import UTC, datetime
from typing import Any

import feedparser
import polars as pl
from lxml import etree
from lxml import html as lxml_html

from transforms.errors import PayloadError

__all__ = ["FEED_SCHEMA", "parse_feed"]

FEED_SCHEMA: dict[str, pl.DataType] = {
    "url": pl.String(),
    "title": pl.String(),
    "published": pl.Datetime("us", "UTC"),  # entry published date, else its updated date; null if neither
    "summary": pl.String(),  # plain text (HTML summaries are reduced to their text)
    "language": pl.String(),  # ISO 639 primary subtag of the entry's or the feed's language; null if neither
}

_LANG_RE = re.compile(r"^\s*([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{1,8})*\s*$")
_SPACES_RE = re.compile(r"\s+")


def _language(*candidates: object) -> str | None:
    for value in candidates:
        if isinstance(value, str):
            m = _LANG_RE.match(value)
            if m:
                return m.group(1).lower()
    return None


def _timestamp(entry: Any) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = entry.get(key)
        if parsed is not None:
            try:  # feedparser gives a UTC struct_time
                return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)
            except (OverflowError, ValueError, OSError, TypeError):
                continue
    return None


def _text(value: object, detail: object) -> str | None:
    if not isinstance(value, str):
        return None
    media_type = detail.get("type", "") if isinstance(detail, dict) else ""
    if "html" in media_type and "<" in value:
        with contextlib.suppress(etree.ParserError, ValueError):  # not parseable: keep the raw string
            value = lxml_html.fromstring(value).text_content()
    value = _SPACES_RE.sub(" ", value).strip()
    return value or None


def _web_url(value: object) -> str | None:
    if isinstance(value, str) and value.strip().lower().startswith(("http://", "https://")):
        return value.strip()
    return None


def _url(entry: Any) -> str | None:
    """The entry's page: its alternate link (of any type), else its link, else an http(s) id.

    feedparser falls back to the id for ``link`` when an Atom entry's only alternate link is not
    HTML (``tag:`` ids are not URLs), so the alternate links are read first.
    """
    for link in entry.get("links") or ():
        if isinstance(link, dict) and link.get("rel", "alternate") == "alternate":
            url = _web_url(link.get("href"))
            if url:
                return url
    return _web_url(entry.get("link")) or _web_url(entry.get("id"))


def parse_feed(body: bytes, source: str = "feed") -> pl.DataFrame:
    """The entries of an RSS or Atom feed as rows of `FEED_SCHEMA`, in feed order.

    A feed with no entries gives an empty frame; bytes that are not a feed raise `PayloadError`.
    """
    try:
        parsed = feedparser.parse(io.BytesIO(body))
    except Exception as exc:  # feedparser reads untrusted bytes; anything it raises means "not a feed"
        raise PayloadError(source, f"feed could not be parsed: {type(exc).__name__}: {exc}") from exc
    feed = parsed.get("feed") or {}
    entries = parsed.get("entries") or []
    if not entries and not feed.get("title"):
        if parsed.get("bozo"):
            reason = parsed.get("bozo_exception")
            raise PayloadError(source, f"not a feed: {type(reason).__name__}: {reason}")
        if not parsed.get("version"):
            raise PayloadError(source, "not a feed: no RSS or Atom root element")
    feed_language = _language(feed.get("language"), (feed.get("title_detail") or {}).get("language"))
    rows = []
    for entry in entries:
        title_detail = entry.get("title_detail") or {}
        summary_detail = entry.get("summary_detail") or {}
        rows.append(
            {
                "url": _url(entry),
                "title": _text(entry.get("title"), title_detail),
                "published": _timestamp(entry),
                "summary": _text(entry.get("summary"), summary_detail),
                "language": _language(
                    entry.get("language"), title_detail.get("language"), summary_detail.get("language")
                )
                or feed_language,
            }
        )
    return pl.DataFrame(rows, schema=FEED_SCHEMA) if rows else pl.DataFrame(schema=FEED_SCHEMA)
