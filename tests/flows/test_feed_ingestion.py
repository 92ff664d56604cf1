"""Articles come in through feeds; the same article at two URLs is stored twice, linked, counted once."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from catalog.loader import CATALOG_DIR
from flows.pipeline import pipeline
from tests.support.loopback import LoopbackServer, Reply

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
