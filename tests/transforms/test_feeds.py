"""Feeds: RSS 2.0 and Atom entries as rows; anything that is not a feed is a PayloadError."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transforms.errors import PayloadError
from transforms.feeds import FEED_SCHEMA, parse_feed

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "articles"
SEED_URL = "https://mieruka.invalid/seed/takaichi-ai-anime-fr.txt"


def test_rss20_entries_with_utc_dates_plain_summaries_and_the_channel_language() -> None:
    feed = parse_feed((FIXTURES / "seed_feed_rss20.xml").read_bytes(), "lequotidien")
    assert feed.schema == pl.Schema(FEED_SCHEMA)
    assert feed["url"].to_list() == [
        SEED_URL,
        "https://mieruka.invalid/articles/deficit-numerique",
        "https://mieruka.invalid/articles/breve",
    ]
    assert feed["title"][0].startswith("Les ambitions économiques de Sanae Takaichi")
    # 09:00 in Tokyo is midnight UTC; an item without pubDate has no date.
    assert feed["published"].to_list() == [
        datetime(2025, 12, 20, 0, 0, tzinfo=UTC),
        datetime(2025, 12, 19, 18, 30, tzinfo=UTC),
        None,
    ]
    # The HTML description is reduced to its text.
    assert feed["summary"][0].startswith("Le Premier ministre japonais a annoncé le 19 décembre")
    assert "<" not in feed["summary"][0] and "1兆円 sur 5 ans" in feed["summary"][0]
    assert feed["language"].to_list() == ["fr", "fr", "fr"]  # <language>fr-FR</language>


def test_atom_entries_take_their_own_language_and_published_before_updated() -> None:
    feed = parse_feed((FIXTURES / "seed_feed_atom.xml").read_bytes())
    assert feed.height == 2
    # The alternate link is the page even when it is not text/html (feedparser would give the tag: id).
    assert feed["url"].to_list() == [SEED_URL, "https://mieruka.invalid/ja/digital-deficit"]
    assert feed["published"].to_list() == [
        datetime(2025, 12, 20, 0, 0, tzinfo=UTC),  # <published>, not the later <updated>
        datetime(2025, 12, 19, 8, 0, tzinfo=UTC),  # only <updated>
    ]
    assert feed["language"].to_list() == ["fr", "ja"]  # feed xml:lang, then the entry's own
    assert feed["summary"][0] == "Une allocation de 550 億円 pour l'animation et les jeux vidéo."
    assert feed["title"][1] == "デジタル赤字、2035年に45兆円の試算"


def test_a_feed_with_an_error_keeps_the_entries_it_has() -> None:
    body = (FIXTURES / "seed_feed_rss20.xml").read_bytes()
    truncated = body[: body.index(b"<item>", body.index(b"<item>") + 1)]  # first item only, no closing tags
    feed = parse_feed(truncated)
    assert feed["url"].to_list() == [SEED_URL]


def test_an_empty_feed_is_an_empty_frame() -> None:
    body = b'<?xml version="1.0"?><rss version="2.0"><channel><title>Rien</title></channel></rss>'
    feed = parse_feed(body)
    assert feed.height == 0 and feed.schema == pl.Schema(FEED_SCHEMA)


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"", "no RSS or Atom root element"),
        (b"hello, world", "SAXParseException"),
        (b'{"items": []}', "SAXParseException"),
        ((FIXTURES / "seed_page_fr.html").read_bytes(), "not a feed"),
        (b'<?xml version="1.0"?><catalog><book/></catalog>', "no RSS or Atom root element"),
    ],
)
def test_bytes_that_are_not_a_feed_are_a_payload_error(body: bytes, reason: str) -> None:
    with pytest.raises(PayloadError, match=reason) as info:
        parse_feed(body, "lequotidien")
    assert info.value.source == "lequotidien"


def test_a_body_that_looks_like_a_path_or_url_is_never_opened_or_fetched(monkeypatch: pytest.MonkeyPatch) -> None:
    import feedparser.http

    fetched: list[object] = []
    monkeypatch.setattr(feedparser.http, "get", lambda *args, **kwargs: fetched.append(args) or b"")
    # If feedparser opened this path it would find a valid feed with three entries.
    feed_path = str(FIXTURES / "seed_feed_rss20.xml").encode()
    for body in (feed_path, b"https://mieruka.invalid/feed.xml"):
        with pytest.raises(PayloadError):  # read as the bytes themselves, which are not a feed
            parse_feed(body)
    assert fetched == []


@settings(max_examples=150, deadline=None)
@given(st.one_of(st.binary(max_size=400), st.text(max_size=200).map(lambda s: f"<rss>{s}</rss>".encode())))
def test_any_bytes_give_a_frame_or_a_payload_error(body: bytes) -> None:
    try:
        feed = parse_feed(body)
    except PayloadError:
        return
    assert feed.schema == pl.Schema(FEED_SCHEMA)
