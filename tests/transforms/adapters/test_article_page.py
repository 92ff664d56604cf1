"""A hostile page is bounded: text beyond max_text_chars and figures beyond max_figures are rejected
rows with the reason (they reach ops.quarantine), and what is kept is read normally (#13 item 11)."""

from __future__ import annotations

import datetime as dt

from catalog.loader import Source
from transforms.adapters import ResponseInfo
from transforms.adapters.article_page import parse_article

INFO = ResponseInfo("https://example.invalid/flood", "text/plain; charset=utf-8", dt.datetime(2026, 12, 1))


def _source(**options: object) -> Source:
    return Source(id="wire", name="Test wire", kind="article_url", options={"url": INFO.url, **options})


def test_figures_beyond_the_cap_are_quarantined_with_the_reason() -> None:
    body = ("Le budget atteint 約1万円、" * 30_000).encode()  # 30,000 figures in 660,000 characters
    parsed = parse_article(body, _source(max_figures=100), INFO)
    assert parsed.tables["figures"].height == 100
    (reason,) = parsed.rejected["reason"].to_list()
    article = parsed.tables["articles"]["article_id"][0]
    assert "100" in reason and parsed.rejected["row_ref"].to_list() == [f"article {article}"]
    assert parsed.rejected["raw_value"][0].startswith("1万円、")  # the text from the first figure not read


def test_text_beyond_max_text_chars_is_cut_and_quarantined() -> None:
    body = ("x" * 5_000 + " 42 % of it. ").encode()
    parsed = parse_article(body, _source(max_text_chars=1_000), INFO)
    assert len(parsed.tables["articles"]["text"][0]) == 1_000
    assert parsed.tables["figures"].height == 0  # the figure lay beyond the cut
    assert parsed.rejected["reason"].str.contains("max_text_chars").to_list() == [True]


def test_an_ordinary_article_has_no_rejected_rows() -> None:
    parsed = parse_article(b"Japan's digital deficit reached 6.65 trillion yen in 2024.", _source(), INFO)
    assert parsed.rejected.height == 0 and parsed.tables["figures"]["value"].to_list() == [6.65e12]
