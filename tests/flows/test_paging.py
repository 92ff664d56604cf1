"""Multi-page responses load completely: BOJ NEXTPOSITION and World Bank pages, live on loopback."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import orjson
import polars as pl
import pytest

from catalog import load_catalog
from catalog.loader import CATALOG_DIR
from flows.http import Fetcher, HttpSettings
from flows.ingest import RunContext, ingest_source
from flows.secrets import with_secrets
from tests.support.loopback import LoopbackServer, Reply
from transforms.adapters import Parsed, Request, ResponseInfo, adapter_for
from transforms.estat_sample import answer


def _catalog_pointing_at(server: LoopbackServer, tmp_path: Path):
    folder = tmp_path / "catalog"
    shutil.copytree(CATALOG_DIR, folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    text = (folder / "sources.yaml").read_text()
    text = text.replace("https://www.stat-search.boj.or.jp/api/v1", server.url("/boj"))
    text = text.replace("https://api.worldbank.org/v2", server.url("/wb"))
    (folder / "sources.yaml").write_text(text)
    return load_catalog(folder)


def _context(tmp_path: Path) -> RunContext:
    fetcher = Fetcher(HttpSettings(mode="live", snapshots_dir=tmp_path / "snaps"))
    return RunContext("run-1", "live", tmp_path / "data", tmp_path / "snaps", fetcher, {}, {}, lambda _: None)


def plan_requests(catalog, source) -> list[Request]:
    return adapter_for(source.kind).plan(source, catalog)


def next_page_url(request: Request, page: int) -> str:
    """The URL the source's adapter asks for after a body that named `page` as the next one."""
    source_kind = {"boj": "boj_api", "worldbank": "worldbank_v2", "estat": "estat_api"}[request.source_id]
    following = adapter_for(source_kind).next_request(request, Parsed(next_page=page))
    assert following is not None
    return following.url


def _path_and_query(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def _boj_page(codes: list[str], next_position: int | None) -> bytes:
    return orjson.dumps({
        "STATUS": 200, "MESSAGEID": "M181000I", "MESSAGE": "ok", "DATE": "2026-02-21T00:00:00+09:00",
        "PARAMETER": {}, "NEXTPOSITION": next_position,
        "RESULTSET": [
            {"SERIES_CODE": code, "UNIT": "100 million Yen", "FREQUENCY": "MONTHLY", "LAST_UPDATE": 20260209,
             "VALUES": {"SURVEY_DATES": [202401, 202402], "VALUES": [1.5, -2.5]}}
            for code in codes
        ],
    })


def test_boj_nextposition_pages_are_followed_until_null(loopback: LoopbackServer, tmp_path: Path) -> None:
    catalog = _catalog_pointing_at(loopback, tmp_path)
    requests = plan_requests(catalog, catalog.sources["boj"])
    bp01 = next(r for r in requests if "db=BP01" in r.url and "monthly" in r.label)
    codes = bp01.url.split("code=")[1].split("&")[0].split(",")
    loopback.script(_path_and_query(bp01.url), Reply(200, _boj_page(codes[:10], 11)))
    loopback.script(_path_and_query(next_page_url(bp01, 11)), Reply(200, _boj_page(codes[10:20], 21)))
    loopback.script(_path_and_query(next_page_url(bp01, 21)), Reply(200, _boj_page(codes[20:], None)))
    others = [r for r in requests if r is not bp01]  # FM08 and the quarterly EU series: one page each
    for request in others:
        page = orjson.loads(_boj_page(request.url.split("code=")[1].split("&")[0].split(","), None))
        if "db=FM08" in request.url:
            page["RESULTSET"][0]["UNIT"] = "Yen per U.S. Dollar"
        else:
            for series in page["RESULTSET"]:
                series["FREQUENCY"], series["VALUES"]["SURVEY_DATES"] = "QUARTERLY", [202401, 202402]
        loopback.script(_path_and_query(request.url), Reply(200, orjson.dumps(page)))
    result = ingest_source(_context(tmp_path), catalog, catalog.sources["boj"])
    assert result.status == "succeeded", result.error
    assert result.requests == 3 + len(others)
    every_code = [c for r in requests for c in r.url.split("code=")[1].split("&")[0].split(",")]
    assert result.rows("observations") == len(every_code) * 2
    assert sorted({c for f in result.frames("observations") for c in f["series_code"]}) == sorted(every_code)


def _wb_page(page: int, pages: int, years: range) -> bytes:
    rows = [
        {"indicator": {"id": "NY.GDP.MKTP.CD", "value": "GDP"}, "country": {"id": "JP", "value": "Japan"},
         "countryiso3code": "JPN", "date": str(y), "value": 1e12 + y, "unit": "", "obs_status": "", "decimal": 0}
        for y in years
    ]
    meta = {"page": page, "pages": pages, "per_page": len(rows), "total": 30, "sourceid": "2",
            "lastupdated": "2026-07-01"}
    return orjson.dumps([meta, rows])


@pytest.mark.parametrize("pages", [1, 3])
def test_world_bank_pages_are_followed(loopback: LoopbackServer, tmp_path: Path, pages: int) -> None:
    catalog = _catalog_pointing_at(loopback, tmp_path)
    years = list(range(1995, 2025))
    chunk = len(years) // pages
    for request in plan_requests(catalog, catalog.sources["worldbank"]):
        for page in range(1, pages + 1):
            url = request.url if page == 1 else next_page_url(request, page)
            body = _wb_page(page, pages, range(years[(page - 1) * chunk], years[(page - 1) * chunk] + chunk))
            if "NY.GDP.MKTP.CD" not in url:
                body = body.replace(b"NY.GDP.MKTP.CD", request.label.encode())
            loopback.script(_path_and_query(url), Reply(200, body))
    result = ingest_source(_context(tmp_path), catalog, catalog.sources["worldbank"])
    assert result.status == "succeeded", result.error
    assert result.requests == 4 * pages
    assert result.rows("observations") == 4 * len(years)


def test_estat_next_key_pages_are_followed(loopback: LoopbackServer, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """With 7 rows per getStatsData call, each table comes in several pages, all of them loaded."""
    catalog = _catalog_pointing_at(loopback, tmp_path)
    folder = catalog.directory
    text = (folder / "sources.yaml").read_text().replace("https://api.e-stat.go.jp/rest/3.0/app/json",
                                                         loopback.url("/estat"))
    (folder / "sources.yaml").write_text(text.replace("    limit: 100000", "    limit: 7"))
    catalog = load_catalog(folder)
    monkeypatch.setenv("ESTAT_APP_ID", "test-key")
    source = catalog.sources["estat"]
    adapter = adapter_for(source.kind)
    # the SAMPLE survey answers every request the adapter makes, paging by NEXT_KEY like e-Stat
    queue, scripted = list(adapter.plan(source, catalog)), 0
    while queue:
        request = queue.pop(0)
        url = with_secrets(request.url, {"appId": "test-key"})
        body = answer(url)
        loopback.script(_path_and_query(url), Reply(200, body, {"Content-Type": "application/json"}))
        scripted += 1
        parsed = adapter.parse(body, request, source, catalog, ResponseInfo(url, "application/json", datetime.now()))
        queue += [*parsed.follow, *filter(None, [adapter.next_request(request, parsed)])]
    result = ingest_source(_context(tmp_path), catalog, source)
    assert result.status == "succeeded", result.error
    data_pages = [p for p, _ in loopback.requests if "/getStatsData" in p]
    assert len(data_pages) > 2 * 2 and any("startPosition=8" in p for p in data_pages)
    assert result.requests == scripted == len(loopback.requests)
    frame = pl.concat(result.frames("observations"))
    assert frame.height == len({i.id for i in catalog.indicators_of("estat")}) * 5
    assert frame.select(pl.struct("indicator_id", "period").is_unique().all()).item()
