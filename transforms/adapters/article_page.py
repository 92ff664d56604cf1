"""One news article at a URL (HTML or plain text), kind ``article_url``.

Requests: the entry's ``url``. Parse: the page's text (a body the page repeats is kept once),
title, date and language, every money and percent figure in it and what each figure claims. What
the publisher does not state (a date, a language) can be given per URL under the entry's
``known_articles``, marked as inferred. The feed adapter (`article_feed`) reads its linked pages
with `parse_article` too.

Hostile pages are bounded: the text read is cut at ``max_text_chars`` and at most
``max_figures`` figures are read per article (entry options; defaults below). What goes beyond
either cap is a rejected row with the reason (it reaches ops.quarantine), never dropped silently.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

import polars as pl

from transforms.adapters.base import Parsed, Request, ResponseInfo, SampleBody, SourceAdapter
from transforms.articles import drop_repeated_body
from transforms.claims import resolve_claims
from transforms.contracts import REJECTED_SCHEMA
from transforms.figures import detect_language, read_figures
from transforms.html_article import extract_article

if TYPE_CHECKING:
    from catalog.loader import Catalog, Source

#: Columns of the ``articles`` table a parsed page stages (run columns are added by the flows).
ARTICLE_COLUMNS: dict[str, pl.DataType] = {
    "article_id": pl.String(),
    "url": pl.String(),
    "title": pl.String(),
    "language": pl.String(),
    "published_at": pl.Date(),
    "published_at_inferred": pl.Boolean(),
    "text": pl.String(),
    "sha256": pl.String(),
    "repeated_chars_removed": pl.Int64(),
}


#: Characters of one article's text that are read (a long report is about 200,000).
DEFAULT_MAX_TEXT_CHARS = 1_000_000
#: Figures read per article (the seed article has 31).
DEFAULT_MAX_FIGURES = 2_000


def article_id(url: str) -> str:
    """An article's id: the first 16 hex digits of the sha256 of its URL."""
    return hashlib.sha256(url.encode()).hexdigest()[:16]


def parse_article(body: bytes, source: Source, info: ResponseInfo) -> Parsed:
    """The article in one page body, its figures and their claims, as staged tables."""
    doc = extract_article(body, info.content_type, info.url, source.id)
    text, removed = drop_repeated_body(doc.text)
    known = (source.options.get("known_articles") or {}).get(info.url, {})
    stated = known.get("published_at") or source.options.get("published_at")
    published = dt.date.fromisoformat(str(stated)) if stated else doc.published
    inferred = bool(known.get("published_at_inferred", source.options.get("published_at_inferred", False)))
    language = known.get("language") or source.options.get("language") or doc.language or detect_language(text)
    ident = article_id(info.url)
    max_chars = int(source.options.get("max_text_chars", DEFAULT_MAX_TEXT_CHARS))
    overflow = []
    if len(text) > max_chars:
        overflow.append((f"text of {len(text)} characters cut at max_text_chars ({max_chars})", text[max_chars:]))
        text = text[:max_chars]
    extraction = read_figures(text, language, max_figures=int(source.options.get("max_figures", DEFAULT_MAX_FIGURES)))
    figures = extraction.frame
    if extraction.truncated:
        overflow.append((extraction.overflow_reason or "figures beyond max_figures", text[extraction.stopped_at:]))
    text_sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    claims = resolve_claims(text, figures, language or "en", ident, published.year if published else None)
    claims = claims.with_columns(pl.lit(text_sha).alias("article_sha256"))
    title = doc.title or next((line.strip() for line in text.splitlines() if line.strip()), None)
    article = pl.DataFrame(
        [{
            "article_id": ident, "url": info.url, "title": title, "language": language, "published_at": published,
            "published_at_inferred": inferred, "text": text,
            "sha256": text_sha, "repeated_chars_removed": removed,
        }],
        schema=ARTICLE_COLUMNS,
    )
    figure_rows = figures.with_row_index("figure_index").select(
        pl.lit(ident).alias("article_id"),
        pl.col("figure_index").cast(pl.Int32),
        "surface",
        pl.col("start").alias("start_offset"),
        pl.col("end").alias("end_offset"),
        "value",
        "unit",
        "qualifier",
        "ambiguous",
        "note",
        "value_low",
        "value_high",
        pl.lit(language, dtype=pl.String).alias("language"),
        pl.lit(text_sha).alias("article_sha256"),
    )
    rejected = pl.DataFrame(
        {
            "series_code": [None] * len(overflow),
            "row_ref": [f"article {ident}"] * len(overflow),
            "reason": [reason for reason, _ in overflow],
            "raw_value": [rest[:200] for _, rest in overflow],
        },
        schema=REJECTED_SCHEMA,
    )
    return Parsed(rejected=rejected, tables={"articles": article, "figures": figure_rows, "claims": claims})


class ArticlePageAdapter(SourceAdapter):
    kind: ClassVar[str] = "article_url"
    #: 2: figures and claims carry the text's sha256 (article versions) and claims the definition named
    version: ClassVar[int] = 2

    def check(self, source: Source) -> None:
        if not source.options.get("url"):
            raise ValueError("needs url")

    def plan(self, source: Source, catalog: Catalog) -> list[Request]:
        return [Request(source.id, str(source.options["url"]), source.name, step="article")]

    def parse(self, body: bytes, request: Request, source: Source, catalog: Catalog, info: ResponseInfo) -> Parsed:
        return parse_article(body, source, info)

    def render_sample(
        self, request: Request, source: Source, catalog: Catalog, data: Mapping[str, Any]
    ) -> SampleBody:
        """The recorded text of the article at `request.url` (`data`: ``pages``: URL → bytes)."""
        return SampleBody(data["pages"][request.url], "text/plain; charset=utf-8", "article")


ADAPTER = ArticlePageAdapter()
