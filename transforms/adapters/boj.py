"""Bank of Japan Time-Series Data Search API (``getDataCode``), kind ``boj_api``.

Requests: one ``getDataCode`` per database and frequency (the API takes codes of one frequency per
call), at most `MAX_CODES` series codes each (the API's limit), ``lang=en``, from the source's
``start`` month. Paging: the answer's ``NEXTPOSITION`` is the
``startPosition`` of the next call. Vintage: each series' ``LAST_UPDATE``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from itertools import groupby
from typing import TYPE_CHECKING, Any, ClassVar

from transforms.adapters.base import Parsed, Request, ResponseInfo, SampleBody, SourceAdapter, query_of, with_query
from transforms.boj import parse_boj

if TYPE_CHECKING:
    from catalog.loader import Catalog, Source

MAX_CODES = 250  # series codes per getDataCode call (BOJ API manual)
CONTENT_TYPE = "application/json;charset=UTF-8"


class BojAdapter(SourceAdapter):
    kind: ClassVar[str] = "boj_api"
    page_param: ClassVar[str | None] = "startPosition"

    def plan(self, source: Source, catalog: Catalog) -> list[Request]:
        requests = []
        by_call = sorted(catalog.indicators_of(source.id), key=lambda i: (i.series_db or "", i.frequency))
        for (db, frequency), group in groupby(by_call, key=lambda i: (i.series_db or "", i.frequency)):
            codes = [i.series_code for i in group]
            for start in range(0, len(codes), MAX_CODES):
                chunk = codes[start : start + MAX_CODES]
                params = {
                    "format": "json",
                    "lang": "en",
                    "db": db,
                    "startDate": str(source.options.get("start", "201401")),
                    "code": ",".join(chunk),
                }
                url = with_query(f"{source.base_url}/getDataCode", params)
                requests.append(Request(source.id, url, f"{db} ({len(chunk)} {frequency} series)"))
        return requests

    def parse(self, body: bytes, request: Request, source: Source, catalog: Catalog, info: ResponseInfo) -> Parsed:
        return Parsed.of(parse_boj(body, source.options))

    def render_sample(
        self, request: Request, source: Source, catalog: Catalog, data: Mapping[str, Any]
    ) -> SampleBody:
        """A getDataCode answer (lang=en) for the codes of `request`, in the order the URL lists them.

        `data`: ``reference`` (series code → BOJ metadata row: name_en, unit_en, frequency,
        category_en, last_update), ``dates`` (SURVEY_DATES: one list for every series, or a
        mapping series code → list), ``values`` (series code → values), ``stamp`` (the answer's DATE).
        """
        query = query_of(request.url)
        meta = data["reference"]

        def dates(code: str) -> list[int]:
            return list(data["dates"][code] if isinstance(data["dates"], Mapping) else data["dates"])

        resultset = [
            {
                "SERIES_CODE": code,
                "NAME_OF_TIME_SERIES": meta[code]["name_en"],
                "UNIT": meta[code]["unit_en"],
                "FREQUENCY": meta[code]["frequency"],
                "CATEGORY": meta[code]["category_en"],
                "LAST_UPDATE": int(data.get("last_update") or meta[code]["last_update"]),
                "VALUES": {"SURVEY_DATES": dates(code), "VALUES": list(data["values"][code])},
            }
            for code in query["code"].split(",")
        ]
        answer = {
            "STATUS": 200,
            "MESSAGEID": "M181000I",
            "MESSAGE": "Successfully completed",
            "DATE": data["stamp"],
            "PARAMETER": {
                "FORMAT": query.get("format", "").upper(),
                "LANG": query.get("lang", "").upper(),
                "DB": query["db"],
                "STARTDATE": query.get("startDate", ""),
                "ENDDATE": query.get("endDate", ""),
                "STARTPOSITION": query.get("startPosition", ""),
            },
            "NEXTPOSITION": None,
            "RESULTSET": resultset,
        }
        body = json.dumps(answer, ensure_ascii=False, separators=(",", ":")).encode()
        return SampleBody(body, CONTENT_TYPE, query["db"])


ADAPTER = BojAdapter()
