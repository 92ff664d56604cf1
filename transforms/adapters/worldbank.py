"""World Bank Indicators API v2 (JSON), kind ``worldbank_v2``.

Requests: one per indicator, for the indicator's areas joined with ``;``, a fixed ``date`` range
(so the request, and its snapshot, stay the same from year to year) and ``per_page``. Paging: the
answer's ``page``/``pages``. Vintage: ``lastupdated`` of the answer.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urlsplit

from transforms.adapters.base import Parsed, Request, ResponseInfo, SampleBody, SourceAdapter, with_query
from transforms.worldbank import parse_worldbank

if TYPE_CHECKING:
    from catalog.loader import Catalog, Source

CONTENT_TYPE = "application/json;charset=utf-8"


class WorldBankAdapter(SourceAdapter):
    kind: ClassVar[str] = "worldbank_v2"
    page_param: ClassVar[str | None] = "page"

    def plan(self, source: Source, catalog: Catalog) -> list[Request]:
        requests = []
        for indicator in catalog.indicators_of(source.id):
            params = {
                "format": "json",
                "date": str(source.options.get("date", "2014:2030")),
                "per_page": str(source.options.get("per_page", 1000)),
                "page": "1",
            }
            areas = ";".join(indicator.areas)
            url = with_query(f"{source.base_url}/country/{areas}/indicator/{indicator.series_code}", params)
            requests.append(Request(source.id, url, indicator.series_code))
        return requests

    def parse(self, body: bytes, request: Request, source: Source, catalog: Catalog, info: ResponseInfo) -> Parsed:
        return Parsed.of(parse_worldbank(body))

    def render_sample(
        self, request: Request, source: Source, catalog: Catalog, data: Mapping[str, Any]
    ) -> SampleBody:
        """A v2 answer ``[paging, rows]``, rows by country name then date descending, as the API sorts.

        `data`: ``names`` (indicator code → name), ``countries`` (ISO3 → (ISO2, name)), ``years``,
        ``values`` (indicator code → ISO3 → values by year, None for not yet published),
        ``lastupdated``.
        """
        code = urlsplit(request.url).path.rstrip("/").rsplit("/", 1)[-1]
        by_area = data["values"][code]
        countries = data["countries"]
        years = list(data["years"])
        rows = [
            {
                "indicator": {"id": code, "value": data["names"][code]},
                "country": {"id": countries[area][0], "value": countries[area][1]},
                "countryiso3code": area,
                "date": str(year),
                "value": by_area[area][years.index(year)],
                "unit": "",
                "obs_status": "",
                "decimal": 0,
            }
            for area in sorted(by_area, key=lambda a: countries[a][1])
            for year in reversed(years)
        ]
        paging = {
            "page": 1, "pages": 1, "per_page": int(source.options.get("per_page", 1000)), "total": len(rows),
            "sourceid": "2", "lastupdated": data["lastupdated"],
        }
        return SampleBody(json.dumps([paging, rows], separators=(",", ":")).encode(), CONTENT_TYPE, code)


ADAPTER = WorldBankAdapter()
