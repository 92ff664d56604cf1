"""The page as HTML (pure): claims one row per figure with names, freshness in the CLI's words, source
lines and CSV links under every chart, escaping, and "No data" instead of a broken page."""

from __future__ import annotations

import re

import polars as pl

from dashboard import CHARTS, PageData, build_page
from dashboard.claims import claims_html
from dashboard.freshness import freshness_html
from dashboard.sources import SOURCES
from tests.dashboard import marts


def page(data: dict[str, pl.DataFrame] | None = None, **sources: dict) -> str:
    return build_page(PageData(marts.manifest(**sources), marts.all_marts() if data is None else data)).html


def claim_bodies(html: str) -> list[str]:
    return re.findall(r"<tbody class='claim'.*?</tbody>", html, flags=re.S)


def test_one_row_per_figure_with_the_currency_pair_inside_it() -> None:
    html = claims_html(marts.claims(), {})
    bodies = claim_bodies(html)
    assert len(bodies) == 3  # four checks, three figures: #20 is checked twice
    twenty = next(b for b in bodies if "data-figure='a1:20'" in b)
    assert "data-verdicts='unverifiable inconsistent_within_article'" in twenty
    assert "196,6 万円 ≈ 40 000 TWD" in twenty and "off by 10.2x" in twenty
    assert twenty.count("<tr class='main'>") == 1


def test_the_claims_show_names_not_ids() -> None:
    html = claims_html(marts.claims(), {})
    abouts = re.findall(r"<td class='about'>(.*?)</td>", html, flags=re.S)
    texts = [re.sub(r"<[^>]+>", "", a) for a in abouts]
    assert "Digital deficit, projection — METI via newton-consulting summary" in texts
    assert "Animator annual wage (topic; no series compared)" in texts
    assert not any("pub_" in t or "_" in t.split("(")[0] for t in texts)  # no id shown as the text
    assert "title='pub_digital_deficit_projection_meti_pessimistic'" in html  # the id stays as a tooltip


def test_the_verdict_filter_counts_figures() -> None:
    html = claims_html(marts.claims(), {})
    counts = dict(re.findall(r"data-verdict='([a-z_]*)'.*?<span class='count'>(\d+)</span>", html))
    assert counts == {"": "3", "consistent": "1", "projection": "1", "unverifiable": "1",
                      "inconsistent_within_article": "1"}


def test_a_failing_source_shows_failing_and_its_error_never_stale() -> None:
    error = "boj: GET https://www.stat-search.boj.or.jp/api/v1/getDataCode: connection refused — no network?"
    html = freshness_html(marts.manifest(
        boj={"last_success": "2026-11-30T00:00:00Z", "consecutive_failures": 2, "last_error": error,
             "last_error_at": "2026-12-01T00:00:00Z", "stale": True, "state": "FAILING", "data": "sample"},
        worldbank={"last_success": "2026-12-01T00:00:00Z", "consecutive_failures": 0, "last_error": None,
                   "stale": False, "state": "replayed", "data": "sample"},
    ), None)
    boj = re.search(r"<tr class='source' data-source='boj'.*?</tr>", html, flags=re.S).group(0)
    assert "data-state='FAILING'" in boj and ">FAILING</span>" in boj and "2 failures in a row" in boj
    assert "stale" not in boj.lower()
    assert "connection refused — no network?" in html  # the error, in full
    assert not re.search(r"\bfresh\b", html, flags=re.I)  # sample data is never called fresh; nothing is


def test_an_old_manifest_without_state_words_gets_the_same_rules() -> None:
    html = freshness_html(marts.manifest(
        boj={"last_success": None, "consecutive_failures": 1, "last_error": "timeout", "stale": True},
        estat={"last_success": "2026-12-01T00:00:00Z", "consecutive_failures": 0, "stale": True},
        oecd={"last_success": "2026-12-01T00:00:00Z", "consecutive_failures": 0, "stale": False},
    ), pl.DataFrame({"source_id": ["oecd"], "indicator_id": ["x"], "is_sample": [True]}))
    assert re.search(r"data-source='boj' data-state='FAILING'", html)
    assert re.search(r"data-source='estat' data-state='STALE'", html)
    assert re.search(r"data-source='oecd' data-state='replayed' data-data='sample'", html)  # replay mode
    assert not re.search(r"\bfresh\b", html, flags=re.I)


def test_every_chart_has_its_source_line_csv_link_and_definition() -> None:
    html = page()
    for spec in CHARTS:
        card = re.search(rf"<figure class='chart-card' id='fig-{spec.chart_id}'.*?</figure>", html, flags=re.S)
        assert card, spec.chart_id
        text = card.group(0)
        line = re.search(r"<p class='source-line'>.*?</p>", text, flags=re.S).group(0)
        for source in spec.sources:
            assert f"data-source='{source}'" in line
            if SOURCES[source].url:
                assert f"href='{SOURCES[source].url}'" in line
        assert "data as of 2026-11-10" in line or "boj" not in spec.sources
        assert f"<a class='csv-link' href='{spec.csv_name}' download" in text
        definition = re.search(r"<p class='definition'><b>Definition:</b> (.*?)</p>", text).group(1)
        assert definition.endswith(".") and definition.count(". ") == 0  # one sentence


def test_chart_files_are_the_csv_of_each_chart() -> None:
    result = build_page(PageData(marts.manifest(), marts.all_marts()))
    assert [f.chart_id for f in result.charts] == [s.chart_id for s in CHARTS]
    for file in result.charts:
        assert file.path == f"chart-{file.chart_id}.csv"
        rows = pl.read_csv(file.data, infer_schema=False)
        assert rows.height == file.rows > 0
        assert b"20261201T000000Z" not in file.data and b"2026-12-01T00:00:05" not in file.data  # no run-time value


def test_a_missing_or_empty_mart_says_no_data_and_draws_no_csv() -> None:
    data = marts.all_marts()
    data["support_budgets"] = data["support_budgets"].head(0)
    del data["creator_pay_gap"]
    result = build_page(PageData(marts.manifest(), data))
    assert "No data</b> — marts.support_budgets has no rows." in result.html
    assert "No data</b> — marts.creator_pay_gap was not published in this run." in result.html
    assert {f.chart_id for f in result.charts} == {s.chart_id for s in CHARTS} - {"support-budgets", "pay-gap"}
    assert "chart-pay-gap.csv" not in result.html


def test_article_text_is_escaped() -> None:
    """A sentence is article text: whatever it holds is shown as text, never run as markup."""
    claims = pl.DataFrame({
        "article_id": ["a"], "figure_index": [0], "surface": ["<b>1兆円</b>"],
        "sentence": ["<script>alert('x')</script> & <img src=x onerror=alert(1)>"],
        "verdict": ["differs"], "reason": ["r <i>"], "is_sample": [False],
    })
    manifest = {"generated_at": "now", "is_sample": False, "tables": {}}
    html = build_page(PageData(manifest, {"claims_check": claims})).html
    assert "<script>alert" not in html and "<img src=x" not in html and "<b>1兆円" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(1)&gt;" in html
    assert "sample-banner" not in html  # nothing flagged sample: no banner
    assert html.count("<b>No data</b>") == len(CHARTS) + 1  # every chart and freshness (claims_check is browsable)


def test_table_data_cannot_close_its_script_element() -> None:
    frame = pl.DataFrame({"text": ["</script><script>alert(1)</script>"], "is_sample": [False]})
    manifest = {**marts.manifest(), "tables": {"t": {"path": "t.parquet", "rows": 1, "columns": []}}}
    html = build_page(PageData(manifest, {"t": frame})).html
    payload = re.search(r"<script type='application/json' class='mart-data' id='data-t'>(.*?)</script>", html,
                        flags=re.S).group(1)
    assert "\\u003c/script\\u003e" in payload and "<" not in payload


def test_a_large_mart_puts_only_its_first_rows_in_the_page_and_says_where_the_rest_are() -> None:
    import orjson

    from dashboard.tables import MAX_BROWSABLE_ROWS

    rows = MAX_BROWSABLE_ROWS * 3 + 7
    frame = pl.DataFrame({"period": [f"p{i:06d}" for i in range(rows)], "is_sample": [False] * rows})
    manifest = {**marts.manifest(), "tables": {"big": {"path": "big.parquet", "rows": rows, "columns": []}}}
    html = build_page(PageData(manifest, {"big": frame})).html
    payload = re.search(r"<script type='application/json' class='mart-data' id='data-big'>(.*?)</script>", html,
                        flags=re.S).group(1)
    embedded = orjson.loads(payload)["rows"]
    assert len(embedded) == MAX_BROWSABLE_ROWS and embedded[0][0] == "p000000"  # the first rows, in key order
    assert f"The first {MAX_BROWSABLE_ROWS:,} of {rows:,} rows are browsable here" in html
    assert len(html) < 3_000_000  # not the whole table
