"""An edited article is a new version of the same article, not a second article (#13.2).

Real Prefect flow runs of `pipeline` (the news feed and the curated figures) on a private snapshot
copy whose article text is edited between runs. The latest text is the current article; earlier
texts stay as its history (core.article_versions, core.article_history); figures, claims and
marts.claims_check follow the latest text, one row per figure.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from flows.pipeline import pipeline
from tests.support.warehouse import query

pytestmark = pytest.mark.usefixtures("prefect_api")

ARTICLE_BODY = "takaichi-ai-anime-fr.txt-81c6f3b1229c6b39.body"
SEED_URL = "https://mieruka.invalid/seed/takaichi-ai-anime-fr.txt"
SOURCES = ["news", "published"]  # the article, and the curated figures and rates its claims are checked with
NO_FIGURES = "Article retiré.\nLe texte de cet article a été retiré par l'éditeur.\n"


def _query(path: Path, sql: str) -> list[tuple]:
    return query(path, sql, {"u": SEED_URL} if "$u" in sql else None)


def _counts(path: Path) -> dict[str, int]:
    """Rows of the seed article in each table (the current ones for the views)."""
    sql = {
        "articles": "SELECT count(*) FROM core.articles WHERE url = $u",
        "versions": "SELECT count(*) FROM core.article_versions WHERE url = $u",
        "figures": "SELECT count(*) FROM core.figures JOIN core.articles USING (article_id) WHERE url = $u",
        "claims": "SELECT count(*) FROM core.claims JOIN core.articles USING (article_id) WHERE url = $u",
        "checks": "SELECT count(*) FROM marts.claims_check JOIN core.articles USING (article_id) WHERE url = $u",
        "checked_figures": "SELECT count(DISTINCT figure_index) FROM marts.claims_check "
                           "JOIN core.articles USING (article_id) WHERE url = $u",
        "all_checks": "SELECT count(*) FROM marts.claims_check",
        "all_figures": "SELECT count(*) FROM core.figures",
        "all_claims": "SELECT count(*) FROM core.claims",
    }
    return {name: _query(path, q)[0][0] for name, q in sql.items()}


def test_an_edited_article_is_versioned_and_its_claims_follow_the_latest_text(
    tmp_path: Path, snapshot_copy: Path
) -> None:
    data = tmp_path / "data"
    path = data / "mieruka.duckdb"
    body = snapshot_copy / "news" / ARTICLE_BODY
    original = body.read_bytes()
    assert b"Takaichi" in original

    pipeline(data_dir=str(data), snapshots_dir=str(snapshot_copy), sources=SOURCES)
    first = _counts(path)
    assert first["articles"] == first["versions"] == 1
    assert first["figures"] == first["claims"] > 0
    # one row per figure: a figure given with an equivalent (#20 and its TWD amount) is not repeated
    assert first["checks"] == first["checked_figures"] == first["claims"]

    edited = original.replace(b"Takaichi", b"TAKAICHI")
    body.write_bytes(edited)
    summary = pipeline(data_dir=str(data), snapshots_dir=str(snapshot_copy), sources=SOURCES)
    news = next(s for s in summary.sources if s["source_id"] == "news")
    assert (news["rows_loaded"], news["rows_revised"]) == (0, 1)  # a new version of a known article
    second = _counts(path)
    assert second["articles"] == 1 and second["versions"] == 2
    assert {k: second[k] for k in ("figures", "claims", "checks", "all_checks")} == {
        k: first[k] for k in ("figures", "claims", "checks", "all_checks")
    }
    assert second["checks"] == second["checked_figures"]
    ((text, sha, version),) = _query(path, "SELECT text, sha256, version FROM core.articles WHERE url = $u")
    assert "TAKAICHI" in text and "Takaichi" not in text and version == 2
    assert hashlib.sha256(text.encode()).hexdigest() == sha
    history = _query(path, "SELECT version, valid_from, valid_to, position('Takaichi' IN text) > 0 "
                           "FROM core.article_history WHERE url = $u ORDER BY version")
    (v1, from1, to1, old_text), (v2, from2, to2, new_text) = history
    assert (v1, v2, old_text, new_text) == (1, 2, True, False)
    assert from1 < to1 == from2 and to2 is None
    # every figure's offsets point into the current text, and every claim has its figure
    mismatched = _query(path, "SELECT count(*) FROM core.figures f JOIN core.articles a USING (article_id) "
                              "WHERE substr(a.text, f.start_offset + 1, f.end_offset - f.start_offset) <> f.surface "
                              "OR f.article_sha256 <> a.sha256")
    assert mismatched == [(0,)]

    body.write_bytes(NO_FIGURES.encode())
    pipeline(data_dir=str(data), snapshots_dir=str(snapshot_copy), sources=SOURCES)
    third = _counts(path)
    assert third["articles"] == 1 and third["versions"] == 3
    assert (third["figures"], third["claims"], third["checks"]) == (0, 0, 0)
    assert (third["all_figures"], third["all_claims"], third["all_checks"]) == (0, 0, 0)
    assert _query(path, "SELECT count(*) FROM core.figure_pairs") == [(0,)]
    ((text,),) = _query(path, "SELECT text FROM core.articles WHERE url = $u")
    assert text == NO_FIGURES.strip()

    body.write_bytes(original)  # the publisher restores the first text: it is current again, as version 4
    pipeline(data_dir=str(data), snapshots_dir=str(snapshot_copy), sources=SOURCES)
    fourth = _counts(path)
    assert fourth["versions"] == 4 and fourth["articles"] == 1
    kept = ("figures", "claims", "checks")
    assert {k: fourth[k] for k in kept} == {k: first[k] for k in kept}
