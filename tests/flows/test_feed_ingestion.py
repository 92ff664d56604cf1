"""Articles come in through feeds; the same article at two URLs is stored twice, linked, counted once."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from catalog.loader import CATALOG_DIR
from flows.cli import print_summary
from flows.pipeline import pipeline
from tests.support.loopback import LoopbackServer, Reply
from tests.support.warehouse import query

ARTICLE = (
    "Japan's digital deficit reached 6.65 trillion yen in 2024, the finance ministry said.\n"
    "The government will spend 1 trillion yen on AI over five years.\n"
)


def _feed(server: LoopbackServer, paths: list[str]) -> bytes:
    items = "".join(f"<item><title>Deficit {i}</title><link>{server.url(p)}</link></item>" for i, p in enumerate(paths))
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Test news</title>'
            f"<link>{server.url('/')}</link><description>t</description>{items}</channel></rss>").encode()


def test_feed_articles_are_ingested_and_a_copy_at_another_url_is_linked(
    tmp_path: Path, loopback: LoopbackServer, prefect_api: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalog = tmp_path / "catalog"
    shutil.copytree(CATALOG_DIR, catalog, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    with (catalog / "sources.yaml").open("a") as fh:
        fh.write(f"  wire:\n    name: Test wire\n    kind: article_feed\n    url: {loopback.url('/feed.xml')}\n"
                 f"    allow_hosts: [\"127.0.0.1:{loopback.port}\"]\n"  # feed links to loopback: allowed explicitly
                 "    max_items: 10\n    cadence_hours: 0\n    credit: \"\"\n")
    monkeypatch.setenv("MIERUKA_CATALOG_DIR", str(catalog))
    loopback.script("/feed.xml", Reply(200, _feed(loopback, ["/a/story", "/b/story-copy"]),
                                       {"Content-Type": "application/rss+xml"}))
    for path in ("/a/story", "/b/story-copy"):
        loopback.script(path, Reply(200, ARTICLE.encode(), {"Content-Type": "text/plain; charset=utf-8"}))
    summary = pipeline(mode="live", sources=["wire"], data_dir=str(tmp_path / "data"))
    assert summary.status == "succeeded"
    con = duckdb.connect(str(tmp_path / "data" / "mieruka.duckdb"), read_only=True)
    try:
        articles = con.sql("SELECT article_id, url, language, duplicate_of FROM core.articles ORDER BY url").fetchall()
        figures = con.sql("SELECT article_id, surface, value FROM core.figures ORDER BY figure_index").fetchall()
    finally:
        con.close()
    (first_id, first_url, lang, first_dup), (second_id, second_url, _, second_dup) = articles
    assert second_id != first_id
    assert first_url.endswith("/a/story") and second_url.endswith("/b/story-copy")
    assert lang == "en" and first_dup is None and second_dup == first_id
    assert [(a, s) for a, s, _ in figures] == [(first_id, "6.65 trillion yen"), (first_id, "1 trillion yen")]
    assert figures[0][2] == pytest.approx(6.65e12)
    assert loopback.hits("/a/story") == loopback.hits("/b/story-copy") == 1


def _wire(tmp_path: Path, loopback: LoopbackServer, monkeypatch: pytest.MonkeyPatch, max_items: int) -> None:
    """A catalog with a live feed source `wire` on the loopback server (whose links it allows)."""
    catalog = tmp_path / "catalog"
    shutil.copytree(CATALOG_DIR, catalog, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    with (catalog / "sources.yaml").open("a") as fh:
        fh.write(f"  wire:\n    name: Test wire\n    kind: article_feed\n    url: {loopback.url('/feed.xml')}\n"
                 f"    allow_hosts: [\"127.0.0.1:{loopback.port}\"]\n"
                 f"    max_items: {max_items}\n    cadence_hours: 0\n    credit: \"\"\n")
    monkeypatch.setenv("MIERUKA_CATALOG_DIR", str(catalog))


def test_an_undecodable_article_is_quarantined_and_the_rest_of_the_feed_loads(
    tmp_path: Path, loopback: LoopbackServer, prefect_api: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _wire(tmp_path, loopback, monkeypatch, max_items=10)
    feed = _feed(loopback, ["/good", "/bad"])
    loopback.script("/feed.xml", Reply(200, feed, {"Content-Type": "application/rss+xml"}))
    loopback.script("/good", Reply(200, ARTICLE.encode(), {"Content-Type": "text/plain; charset=utf-8"}))
    # Shift_JIS bytes served as UTF-8: not decodable in the declared charset
    bad = "デジタル赤字は2024年に6.65兆円に達した。".encode("shift_jis")
    loopback.script("/bad", Reply(200, bad, {"Content-Type": "text/plain; charset=utf-8"}))
    summary = pipeline(mode="live", sources=["wire"], data_dir=str(tmp_path / "data"))
    assert summary.status == "succeeded"
    (wire,) = summary.sources
    assert wire["status"] == "succeeded" and wire["error"] is None
    assert (wire["rows_loaded"], wire["rows_quarantined"]) == (1, 1)
    path = tmp_path / "data" / "mieruka.duckdb"
    assert [u for (u,) in query(path, "SELECT url FROM core.articles")] == [loopback.url("/good")]
    assert query(path, "SELECT count(*) FROM core.figures") == [(2,)]
    quarantined = query(path, "SELECT row_ref, reason, raw_sha256 FROM ops.quarantine WHERE source_id = 'wire'")
    assert len(quarantined) == 1  # one row for the one bad article
    ((row_ref, reason, sha),) = quarantined
    assert row_ref == loopback.url("/bad")
    assert "not valid utf-8" in reason and loopback.url("/bad") in reason
    assert (tmp_path / "data" / "raw" / sha[:2] / sha).read_bytes() == bad  # the body is kept as received
    counts = query(path, "SELECT rows_parsed, rows_loaded, rows_revised, rows_unchanged, rows_quarantined "
                         "FROM ops.run_sources WHERE source_id = 'wire'")
    ((parsed, loaded, revised, unchanged, quarantined_rows),) = counts
    assert parsed == loaded + revised + unchanged + quarantined_rows == 2


def test_feed_items_beyond_max_items_or_without_a_web_link_are_quarantined_and_counted(
    tmp_path: Path, loopback: LoopbackServer, prefect_api: str, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _wire(tmp_path, loopback, monkeypatch, max_items=3)
    linked = [f"/story/{i}" for i in range(10)]
    items = "".join(f"<item><title>Story {i}</title><link>{loopback.url(p)}</link></item>"
                    for i, p in enumerate(linked))
    items += ("<item><title>Mail us</title><link>mailto:desk@example.org</link></item>"
              "<item><title>Archive</title><link>ftp://archive.example.org/deficit.txt</link></item>")
    feed = (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Test news</title>'
            f"<link>{loopback.url('/')}</link><description>t</description>{items}</channel></rss>").encode()
    loopback.script("/feed.xml", Reply(200, feed, {"Content-Type": "application/rss+xml"}))
    for p in linked:
        loopback.script(p, Reply(200, ARTICLE.replace("2024", p[-1] + "024").encode(),
                                 {"Content-Type": "text/plain; charset=utf-8"}))
    summary = pipeline(mode="live", sources=["wire"], data_dir=str(tmp_path / "data"))
    assert summary.status == "succeeded"
    assert [loopback.hits(p) for p in linked] == [1, 1, 1] + [0] * 7  # the first three linked items only
    path = tmp_path / "data" / "mieruka.duckdb"
    quarantined = query(path, "SELECT row_ref, reason, raw_value FROM ops.quarantine WHERE source_id = 'wire' "
                              "ORDER BY CAST(split_part(row_ref, ' ', 2) AS INTEGER)")
    assert [r[0] for r in quarantined] == [f"item {n}" for n in range(4, 13)]
    beyond, no_link = quarantined[:7], quarantined[7:]
    assert all(reason == "beyond max_items (3): not fetched this run" for _, reason, _ in beyond)
    assert [raw for _, _, raw in beyond] == [loopback.url(p) for p in linked[3:]]
    assert [(reason, raw) for _, reason, raw in no_link] == [
        ("feed item has no http(s) link", "Mail us"), ("feed item has no http(s) link", "Archive")
    ]
    (wire,) = summary.sources
    assert (wire["rows_loaded"], wire["rows_quarantined"]) == (3, 9)
    assert query(path, "SELECT notes FROM ops.run_sources WHERE source_id = 'wire'") == [
        ("9 feed item(s) not fetched (see ops.quarantine)",)
    ]
    capsys.readouterr()
    print_summary(summary)
    line = next(x for x in capsys.readouterr().out.splitlines() if x.strip().startswith("wire"))
    assert "3 new" in line and "9 quarantined" in line
