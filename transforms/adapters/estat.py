"""e-Stat API v3 (JSON), kind ``estat_api``.

Requests: ``getStatsList`` for the entry's statistics code and search words (unless the entry
names its ``stats_data_id``); its answer names the table to read (the first whose title contains
``title_contains``), which becomes a ``getStatsData`` request. Paging: ``RESULT_INF.NEXT_KEY`` is
the ``startPosition`` of the next call. Every request carries the application id as the secret
query parameter ``appId`` (declared under the entry's ``secrets``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

import polars as pl

from transforms.adapters.base import (
    SECRET_PLACEHOLDER,
    Parsed,
    Request,
    ResponseInfo,
    SampleBody,
    SourceAdapter,
    with_query,
)
from transforms.errors import PayloadError
from transforms.estat import DEFAULT_SERIES_KEYS, parse_estat, parse_estat_list

if TYPE_CHECKING:
    from catalog.loader import Catalog, Source

CONTENT_TYPE = "application/json;charset=UTF-8"


class EstatAdapter(SourceAdapter):
    kind: ClassVar[str] = "estat_api"
    page_param: ClassVar[str | None] = "startPosition"

    def check(self, source: Source) -> None:
        if not source.options.get("stats_data_id") and not source.options.get("stats_code"):
            raise ValueError("needs stats_code (or stats_data_id)")

    def plan(self, source: Source, catalog: Catalog) -> list[Request]:
        table = source.options.get("stats_data_id")
        if table:
            return [self._data_request(source, str(table))]
        params = {
            "appId": SECRET_PLACEHOLDER,
            "lang": "J",
            "statsCode": str(source.options["stats_code"]),
            "searchWord": str(source.options.get("search_word", "")),
        }
        return [Request(source.id, with_query(f"{source.base_url}/getStatsList", params), "getStatsList", step="list")]

    def parse(self, body: bytes, request: Request, source: Source, catalog: Catalog, info: ResponseInfo) -> Parsed:
        if request.step == "list":
            tables = parse_estat_list(body)
            wanted = str(source.options.get("title_contains", ""))
            matches = tables.filter(pl.col("title").str.contains(wanted, literal=True))
            if matches.height == 0:
                raise PayloadError(source.id, f"no table of statistics code {source.options.get('stats_code')} "
                                   f"has '{wanted}' in its title")
            table, title = matches.row(0)[:2]
            return Parsed(follow=(self._data_request(source, str(table)),), notes=(f"table {table} ({title})",))
        keys = tuple(source.options.get("series_keys") or DEFAULT_SERIES_KEYS)
        return Parsed.of(parse_estat(body, keys))

    def render_sample(
        self, request: Request, source: Source, catalog: Catalog, data: Mapping[str, Any]
    ) -> SampleBody:
        """The sample answer of the step (`data["bodies"]`: step → bytes in the real v3 layout)."""
        return SampleBody(data["bodies"][request.step], CONTENT_TYPE, request.step)

    @staticmethod
    def _data_request(source: Source, table: str) -> Request:
        params = {
            "appId": SECRET_PLACEHOLDER,
            "lang": "J",
            "statsDataId": table,
            "cdArea": "00000",
            "metaGetFlg": "Y",
            "cntGetFlg": "N",
            "limit": str(source.options.get("limit", 100000)),
        }
        return Request(source.id, with_query(f"{source.base_url}/getStatsData", params), f"getStatsData {table}")


ADAPTER = EstatAdapter()
