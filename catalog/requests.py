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
    if source.kind == "sdmx_csv":
        return _plan_sdmx(source)
    if source.kind == "estat_api":
        return [Request(source.id, estat_list_url(source, APP_ID_PLACEHOLDER), "getStatsList", source.kind)]
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


def _plan_sdmx(source: Source) -> list[Request]:
    """The dataflow's structure (codelists, recorded with the data), then the data as SDMX-CSV."""
    base = source.base_url
    structure = _with_query(f"{base}/dataflow/{source.options['structure']}", {"references": "all"})
    data = _with_query(
        f"{base}/data/{source.options['dataflow']}/{source.options['key']}",
        {
            "startPeriod": str(source.options.get("start_period", "2014")),
            "dimensionAtObservation": "AllDimensions",
            "format": "csvfilewithlabels",
        },
    )
    return [
        Request(source.id, structure, "structure (codelists)", "sdmx_structure"),
        Request(source.id, data, str(source.options["key"]), "sdmx_csv"),
    ]


#: Stands for the e-Stat application id in planned URLs; the flow substitutes the real one, and
#: every stored form of the URL redacts it again (flows/snapshots.py).
APP_ID_PLACEHOLDER = "APP_ID"


def estat_list_url(source: Source, app_id: str) -> str:
    """getStatsList: which tables of the statistics code match the search word (live discovery)."""
    params = {
        "appId": app_id,
        "lang": "J",
        "statsCode": str(source.options["stats_code"]),
        "searchWord": str(source.options.get("search_word", "")),
    }
    return _with_query(f"{source.base_url}/getStatsList", params)


def estat_data_url(source: Source, app_id: str, stats_data_id: str) -> str:
    """getStatsData for one table, national figures, up to `limit` rows per page."""
    params = {
        "appId": app_id,
        "lang": "J",
        "statsDataId": stats_data_id,
        "cdArea": "00000",
        "metaGetFlg": "Y",
        "cntGetFlg": "N",
        "limit": str(source.options.get("limit", 100000)),
    }
    return _with_query(f"{source.base_url}/getStatsData", params)


def next_page_url(request: Request, next_page: int) -> str:
    """URL of the next page: BOJ and e-Stat take ``startPosition``, the World Bank ``page``."""
    param = {"boj_api": "startPosition", "worldbank_v2": "page", "estat_api": "startPosition"}[request.kind]
    parts = urlsplit(request.url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != param]
    query.append((param, str(next_page)))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query, safe=",:;"), ""))
