"""Which requests a source needs, computed from the catalog alone (pure: no I/O).

Each planner returns the first page of every request; paging continues from what the parser
reports (`ParseResult.next_page`), via `next_page_url`.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from catalog.loader import Catalog, Source

BOJ_MAX_CODES = 250  # per getDataCode request (BOJ API manual)


@dataclass(frozen=True)
class Request:
    source_id: str
    url: str
    label: str  # short human label for progress output, e.g. "BP01 (24 series)"
    kind: str  # parser to use: boj_api | worldbank_v2 | article_url


def _with_query(base: str, params: dict[str, str]) -> str:
    return f"{base}?{urlencode(params, safe=',:;')}"


def plan_requests(catalog: Catalog, source: Source) -> list[Request]:
    if source.kind == "boj_api":
        return _plan_boj(catalog, source)
    if source.kind == "worldbank_v2":
        return _plan_worldbank(catalog, source)
    if source.kind in ("article_url", "article_feed"):
        return [Request(source.id, str(source.options["url"]), source.name, source.kind)]
    if source.kind == "curated_csv":
        return [Request(source.id, f"catalog:{source.options['path']}", str(source.options["path"]), source.kind)]
    raise ValueError(f"no request planner for kind {source.kind!r}")


def _plan_boj(catalog: Catalog, source: Source) -> list[Request]:
    requests = []
    inds = sorted(catalog.indicators_of(source.id), key=lambda i: i.series_db or "")
    for db, group in groupby(inds, key=lambda i: i.series_db or ""):
        codes = [i.series_code for i in group]
        for start in range(0, len(codes), BOJ_MAX_CODES):
            chunk = codes[start : start + BOJ_MAX_CODES]
            params = {
                "format": "json",
                "lang": "en",
                "db": db,
                "startDate": str(source.options.get("start", "201401")),
                "code": ",".join(chunk),
            }
            url = _with_query(f"{source.base_url}/getDataCode", params)
            requests.append(Request(source.id, url, f"{db} ({len(chunk)} series)", source.kind))
    return requests


def _plan_worldbank(catalog: Catalog, source: Source) -> list[Request]:
    requests = []
    for ind in catalog.indicators_of(source.id):
        areas = ";".join(ind.areas)
        params = {
            "format": "json",
            "date": str(source.options.get("date", "2014:2030")),
            "per_page": str(source.options.get("per_page", 1000)),
            "page": "1",
        }
        url = _with_query(f"{source.base_url}/country/{areas}/indicator/{ind.series_code}", params)
        requests.append(Request(source.id, url, ind.series_code, source.kind))
    return requests


def next_page_url(request: Request, next_page: int) -> str:
    """URL of the next page: BOJ takes ``startPosition``, the World Bank ``page``."""
    param = {"boj_api": "startPosition", "worldbank_v2": "page"}[request.kind]
    parts = urlsplit(request.url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != param]
    query.append((param, str(next_page)))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query, safe=",:;"), ""))
