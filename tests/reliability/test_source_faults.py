"""What sources do to a nightly run, end to end: the pipeline in live mode against a loopback server.

Each scenario breaks the World Bank source in one way. Expected: bounded retries where retrying
makes sense, then a clear error naming source, request and cause; the source marked failed in
ops.source_health; the other sources still load and publish; the failed source's last good data
stays published, marked stale in the manifest; the flow run ends Failed (PipelineFailed).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import duckdb
import pytest

from catalog.loader import CATALOG_DIR
from flows.pipeline import PipelineFailed, pipeline
from tests.conftest import SNAPSHOTS
from tests.support.loopback import LoopbackServer, Reply

pytestmark = pytest.mark.usefixtures("prefect_api")

JAPANESE = "デジタル赤字は2024年に6兆6506億円に達し、前年比で約2割拡大した。政府はAI開発に1兆円を投じる。"
SECOND = "コンテンツ産業の海外売上高は5兆7769億円となり、政府は2033年に20兆円を目標とする。"


def _good_worldbank() -> dict[str, bytes]:
    """The recorded World Bank bodies by URL path (same shape a live server returns)."""
    bodies = {}
    for meta in (SNAPSHOTS / "worldbank").glob("*.meta.json"):
        url = json.loads(meta.read_text())["url"]
        bodies[urlsplit(url).path.removeprefix("/v2")] = meta.with_name(meta.name.replace(".meta.json", ".body"))
    return {path: body.read_bytes() for path, body in bodies.items()}


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory, prefect_api: str):
    server = LoopbackServer().start()
    tmp = tmp_path_factory.mktemp("faults")
    catalog = tmp / "catalog"
    shutil.copytree(CATALOG_DIR, catalog, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    sources = catalog / "sources.yaml"
    text = sources.read_text().replace("https://api.worldbank.org/v2", server.url("/wb"))
    text += (
        "  jp_page:\n    name: A Japanese news page (loopback)\n    kind: article_url\n"
        f"    url: {server.url('/news/page.html')}\n    cadence_hours: 0\n    credit: \"\"\n"
    )
    sources.write_text(text)
    good = _good_worldbank()
    page = f"<html><head><title>デジタル赤字</title></head><body><article><h1>デジタル赤字</h1><p>{JAPANESE}</p>" \
           f"<p>{SECOND}</p></article></body></html>"
    server.script("/news/page.html", Reply(200, page.encode("shift_jis"), {"Content-Type": "text/html"}))
    for path, body in good.items():
        server.script(f"/wb{path}", Reply(200, body, {"Content-Type": "application/json"}))
    mp = pytest.MonkeyPatch()
    mp.setenv("MIERUKA_CATALOG_DIR", str(catalog))
    for var, value in {"MIERUKA_HTTP_MAX_RETRIES": "2", "MIERUKA_HTTP_BACKOFF_S": "0.01",
                       "MIERUKA_HTTP_TIMEOUT_S": "0.5", "MIERUKA_HTTP_MAX_BODY_BYTES": "300000"}.items():
        mp.setenv(var, value)
    data = tmp / "data"
    baseline = pipeline(mode="live", sources=["worldbank", "published", "jp_page"], data_dir=str(data))
    yield server, data, good, baseline
    mp.undo()
    server.stop()


def _wb_paths(good: dict[str, bytes]) -> list[str]:
    return [f"/wb{p}" for p in sorted(good)]


def _query(data: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(data / "mieruka.duckdb"), read_only=True)
    try:
        return con.sql(sql).fetchall()
    finally:
        con.close()


def test_baseline_live_run_loads_and_decodes_a_shift_jis_page_without_charset(setup) -> None:
    _, data, _, baseline = setup
    assert baseline.status == "succeeded"
    text = _query(data, "SELECT text FROM core.articles WHERE source_id = 'jp_page'")[0][0]
    assert JAPANESE in text and SECOND in text  # decoded from Shift_JIS although no charset was declared
    surfaces = {r[0] for r in _query(data, "SELECT surface FROM core.figures f JOIN core.articles a USING (article_id) "
                                          "WHERE a.source_id = 'jp_page'")}
    assert {"6兆6506億円", "1兆円", "5兆7769億円", "20兆円"} <= surfaces


RECOVERS = {
    "429-retry-after": [Reply(429, b"slow down", {"Retry-After": "1"}), None],
    "503-burst": [Reply(503), Reply(503), None],
}
FAILS = {
    "500-persistent": (Reply(500, b"internal error"), "HTTP 500 after 3 attempts"),
    "connection-reset": (Reply(action="reset"), "connection error"),
    "read-timeout": (Reply(200, b"[]", action="stall", stall_s=1.2), "timed out"),
    "body-cut-short": (Reply(200, b'[{"page": 1, "pages": 1}, [{"indicator"', action="truncate"), "connection error"),
    "invalid-json": (Reply(200, b'[{"page": 1, "pages": 1}, [{"indicator": ', {"Content-Type": "application/json"}),
                     "not UTF-8 JSON"),
    "html-not-json": (Reply(200, b"<html><body>Maintenance</body></html>", {"Content-Type": "text/html"}),
                      "not UTF-8 JSON"),
    "huge-body": (Reply(200, b"[" + b" " * 400_000 + b"]"), "exceeds the 300000-byte limit"),
    "redirect-other-host": (Reply(302, headers={"Location": "http://example.org/steal"}), "refused redirect to host"),
    "redirect-file-scheme": (Reply(302, headers={"Location": "file:///etc/passwd"}), "non-http scheme"),
}


@pytest.mark.parametrize("scenario", list(RECOVERS))
def test_transient_faults_are_retried_and_the_run_succeeds(setup, scenario: str) -> None:
    server, data, good, _ = setup
    path = _wb_paths(good)[0]
    replies = [r or Reply(200, good[path.removeprefix("/wb")]) for r in RECOVERS[scenario]]
    server.script(path, *replies)
    before = server.hits(path)
    summary = pipeline(mode="live", sources=["worldbank", "published"], data_dir=str(data))
    assert summary.status == "succeeded"
    assert server.hits(path) - before == len(replies)
    server.script(path, Reply(200, good[path.removeprefix("/wb")]))


@pytest.mark.parametrize("scenario", list(FAILS))
def test_a_failing_source_is_reported_and_its_last_good_data_stays_published_as_stale(setup, scenario: str) -> None:
    server, data, good, _ = setup
    reply, cause = FAILS[scenario]
    path = _wb_paths(good)[1]
    server.script(path, reply)
    wb_rows_before = _query(data, "SELECT count(*) FROM core.observations WHERE source_id = 'worldbank' "
                                  "AND valid_to IS NULL")[0][0]
    failures_before = dict(_query(data, "SELECT source_id, consecutive_failures FROM ops.source_health"))["worldbank"]
    try:
        with pytest.raises(PipelineFailed) as info:
            pipeline(mode="live", sources=["worldbank", "published"], data_dir=str(data))
    finally:
        server.script(path, Reply(200, good[path.removeprefix("/wb")]))
    message = str(info.value)
    assert message.startswith("1 source(s) failed: worldbank: GET ") and path.split(";")[-1] in message
    assert cause in message
    by_source = {s["source_id"]: s for s in info.value.summary.sources}
    assert by_source["published"]["status"] == "succeeded" and by_source["worldbank"]["status"] == "failed"
    health = dict(_query(data, "SELECT source_id, consecutive_failures FROM ops.source_health"))
    assert health["worldbank"] == failures_before + 1 and health["published"] == 0
    # the last good World Bank data is still current and published, and marked stale
    assert _query(data, "SELECT count(*) FROM core.observations WHERE source_id = 'worldbank' "
                        "AND valid_to IS NULL")[0][0] == wb_rows_before > 0
    manifest = json.loads((data / "published" / "manifest.json").read_text())
    assert manifest["sources"]["worldbank"]["stale"] is True
    assert cause in manifest["sources"]["worldbank"]["last_error"]
    assert manifest["sources"]["published"]["stale"] is False
    status = _query(data, "SELECT status FROM ops.runs ORDER BY started_at DESC LIMIT 1")[0][0]
    assert status == "partial"
