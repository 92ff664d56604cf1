"""A news feed (RSS 2.0, Atom) whose items link the articles, kind ``article_feed``.

Requests: the entry's ``url``; then one request per linked article (at most ``max_items``), each
not `trusted` (the fetcher checks where a link points before connecting) and not `required` (one
article that cannot be fetched or read is quarantined; the others load). Items beyond
``max_items`` and items without an http(s) link are rejected rows with the reason, never dropped
silently.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

import polars as pl

from transforms.adapters.article_page import parse_article
from transforms.adapters.base import Parsed, Request, ResponseInfo, SampleBody, SourceAdapter
from transforms.contracts import REJECTED_SCHEMA
from transforms.feeds import parse_feed

if TYPE_CHECKING:
    from catalog.loader import Catalog, Source

DEFAULT_MAX_ITEMS = 50
CONTENT_TYPE = "application/rss+xml; charset=utf-8"


class ArticleFeedAdapter(SourceAdapter):
    kind: ClassVar[str] = "article_feed"
    #: 2: figures and claims carry the text's sha256 (article versions) and claims the definition named
    version: ClassVar[int] = 2

    def check(self, source: Source) -> None:
        if not source.options.get("url"):
            raise ValueError("needs url")

    def plan(self, source: Source, catalog: Catalog) -> list[Request]:
        return [Request(source.id, str(source.options["url"]), source.name, step="feed")]

    def parse(self, body: bytes, request: Request, source: Source, catalog: Catalog, info: ResponseInfo) -> Parsed:
        if request.step == "article":
            return parse_article(body, source, info)
        limit = int(source.options.get("max_items", DEFAULT_MAX_ITEMS))
        entries = parse_feed(body, source.id).with_row_index("item", offset=1)
        linked = entries.filter(pl.col("url").is_not_null())
        follow = tuple(
            Request(source.id, url, f"article {n}", step="article", trusted=False, required=False)
            for n, url in linked.head(limit).select("item", "url").iter_rows()
        )
        rejected = pl.concat(
            [
                entries.filter(pl.col("url").is_null()).select(
                    pl.lit(None, pl.String).alias("series_code"),
                    pl.format("item {}", "item").alias("row_ref"),
                    pl.lit("feed item has no http(s) link").alias("reason"),
                    pl.col("title").str.slice(0, 200).alias("raw_value"),
                ),
                linked.slice(limit).select(
                    pl.lit(None, pl.String).alias("series_code"),
                    pl.format("item {}", "item").alias("row_ref"),
                    pl.lit(f"beyond max_items ({limit}): not fetched this run").alias("reason"),
                    pl.col("url").str.slice(0, 200).alias("raw_value"),
                ),
            ]
        ).cast(REJECTED_SCHEMA)
        notes = (f"{rejected.height} feed item(s) not fetched (see ops.quarantine)",) if rejected.height else ()
        return Parsed(rejected=rejected, follow=follow, notes=notes)

    def render_sample(
        self, request: Request, source: Source, catalog: Catalog, data: Mapping[str, Any]
    ) -> SampleBody:
        """An RSS 2.0 feed of `data["items"]` (title, link), or the recorded page of an article link."""
        if request.step == "article":
            return SampleBody(data["pages"][request.url], "text/plain; charset=utf-8", "article")
        items = "".join(
            "<item>\n"
            f"<title>{_xml(title)}</title>\n<link>{_xml(link)}</link>\n"
            f'<guid isPermaLink="true">{_xml(link)}</guid>\n'
            "</item>\n"
            for title, link in data["items"]
        )
        feed = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<rss version="2.0"><channel>\n'
            f"<title>{_xml(data['title'])}</title>\n"
            f"<link>{_xml(request.url)}</link>\n"
            f"<description>{_xml(data['description'])}</description>\n"
            f"<language>{_xml(data['language'])}</language>\n"
            f"{items}"
            "</channel></rss>\n"
        )
        return SampleBody(feed.encode(), CONTENT_TYPE, "feed")


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


ADAPTER = ArticleFeedAdapter()
