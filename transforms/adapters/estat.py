"""e-Stat API v3 (JSON), kind ``estat_api``.

The survey publishes new tables (new statsDataIds) as years are added, and its category codes
differ from table to table, so the catalog names neither: each indicator says in words which cell
it needs (indicators.yaml ``estat:`` — measure, table, categories), and each table of the source
says in words how to find it (sources.yaml ``tables``: search and title words). Per table:

1. ``getStatsList`` (step ``list:<table>``): `choose_table` picks the table by its title words;
2. ``getMetaInfo`` (``meta:<table>``): `plan_table` resolves every indicator's words against the
   table's own CLASS_INF and gives the ``cd*`` filters;
3. ``getStatsData`` (``data:<table>``) with those filters, paged by ``NEXT_KEY`` → ``startPosition``.
   Each page carries CLASS_INF (``metaGetFlg=Y``), so its series codes are resolved to the
   indicators' catalog codes from the page itself.

Every request carries the application id as the secret query parameter ``appId`` (declared under
the entry's ``secrets``).
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
)
from transforms.contracts import REJECTED_SCHEMA
from transforms.estat import parse_estat, parse_estat_list, parse_estat_meta
from transforms.estat_requests import TablePlan, Wanted, choose_table, data_url, list_url, meta_url, plan_table
from transforms.estat_sample import answer

if TYPE_CHECKING:
    from catalog.loader import Catalog, Source

CONTENT_TYPE = "application/json;charset=UTF-8"


class EstatAdapter(SourceAdapter):
    kind: ClassVar[str] = "estat_api"
    version: ClassVar[int] = 2
    page_param: ClassVar[str | None] = "startPosition"

    def check(self, source: Source) -> None:
        if not source.options.get("stats_code"):
            raise ValueError("needs stats_code")
        tables = source.options.get("tables")
        if not isinstance(tables, dict) or not tables:
            raise ValueError("tables must map a table name to its title_words")
        for name, table in tables.items():
            if not isinstance(table, dict) or not _words(table.get("title_words")):
                raise ValueError(f"table '{name}' needs title_words (a list of words of its title)")
            if table.get("exclude_words") is not None and not _words(table["exclude_words"]):
                raise ValueError(f"table '{name}': exclude_words must be a list of words")
        totals = source.options.get("totals")
        if totals is not None and not _names(totals):
            raise ValueError("totals must map a classification word to an item name")

    def plan(self, source: Source, catalog: Catalog) -> list[Request]:
        tables = source.options["tables"]
        used = sorted({i.estat.table for i in catalog.indicators_of(source.id) if i.estat})
        return [
            Request(
                source.id,
                list_url(source.base_url, SECRET_PLACEHOLDER, str(source.options["stats_code"]),
                         str(tables[table].get("search_word", ""))),
                f"getStatsList ({table})",
                step=f"list:{table}",
            )
            for table in used
        ]

    def parse(self, body: bytes, request: Request, source: Source, catalog: Catalog, info: ResponseInfo) -> Parsed:
        step, table = request.step.split(":", 1)
        spec = source.options["tables"][table]
        if step == "list":
            row = choose_table(parse_estat_list(body), spec["title_words"], spec.get("exclude_words") or ())
            table_id = str(row["stats_data_id"])
            follow = Request(source.id, meta_url(source.base_url, SECRET_PLACEHOLDER, table_id),
                             f"getMetaInfo {table_id}", step=f"meta:{table}")
            return Parsed(follow=(follow,), notes=(f"{table} table: {table_id} ({row['title']})",))
        plan = self._plan(body, source, catalog, table)
        if step == "meta":
            url = data_url(source.base_url, SECRET_PLACEHOLDER, plan.stats_data_id, plan.filters,
                           int(source.options.get("limit", 100000)))
            return Parsed(follow=(Request(source.id, url, f"getStatsData {plan.stats_data_id}", step=f"data:{table}"),))
        return self._cells(parse_estat(body), plan, catalog, source)

    def render_sample(
        self, request: Request, source: Source, catalog: Catalog, data: Mapping[str, Any]
    ) -> SampleBody:
        """The SAMPLE survey's answer (`transforms.estat_sample`), in the real v3 layout."""
        return SampleBody(answer(request.url), CONTENT_TYPE, request.step.split(":", 1)[0])

    @staticmethod
    def _plan(body: bytes, source: Source, catalog: Catalog, table: str) -> TablePlan:
        """Resolve the table's indicators against the CLASS_INF of this answer."""
        wanted = [
            Wanted(i.id, i.estat.measure, dict(i.estat.categories), i.unit)
            for i in catalog.indicators_of(source.id)
            if i.estat and i.estat.table == table
        ]
        return plan_table(parse_estat_meta(body), wanted, source.options.get("totals"), source.id)

    @staticmethod
    def _cells(result: Any, plan: TablePlan, catalog: Catalog, source: Source) -> Parsed:
        """The page's rows under the catalog code of the indicator whose cell each one is.

        The ``cd*`` filters ask for every combination of the chosen items, so a page can hold
        cells no indicator asked for: those are rejected with the reason, never dropped silently.
        """
        catalog_codes = pl.DataFrame(
            {"indicator_id": [i.id for i in catalog.indicators_of(source.id)],
             "catalog_code": [i.series_code for i in catalog.indicators_of(source.id)]},
            schema={"indicator_id": pl.String, "catalog_code": pl.String},
        )
        cells = plan.series_map.select("series_code", "indicator_id").join(catalog_codes, on="indicator_id")
        joined = result.observations.join(cells, on="series_code", how="left")
        wanted = joined.filter(pl.col("catalog_code").is_not_null())
        unwanted = joined.filter(pl.col("catalog_code").is_null()).select(
            pl.col("series_code"),
            pl.format("{} {}", pl.col("area"), pl.col("period")).alias("row_ref"),
            pl.lit(f"table {plan.stats_data_id}: a cell no indicator asked for").alias("reason"),
            pl.col("value").cast(pl.String).alias("raw_value"),
        ).cast(REJECTED_SCHEMA)
        observations = wanted.with_columns(pl.col("catalog_code").alias("series_code")).select(
            result.observations.columns
        )
        rejected = pl.concat([result.rejected, unwanted])
        return Parsed(observations=observations, rejected=rejected, next_page=result.next_page)


def _names(value: Any) -> bool:
    """A non-empty mapping of words to item names (YAML may read 全国 or 10 as other types)."""
    return isinstance(value, dict) and bool(value) and all(
        isinstance(k, str) and k.strip() and isinstance(v, str | int | float) and str(v).strip()
        for k, v in value.items()
    )


def _words(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(w, str) and w.strip() for w in value)


ADAPTER = EstatAdapter()
