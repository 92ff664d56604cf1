"""The e-Stat request sequence as pure functions: find a table, read its names, ask for the cells we need.

The Basic Survey on Wage Structure publishes new tables (new statsDataIds) as years are added, and
its codes differ between tables, so nothing in the catalog names an id or a code. For each table a
source's indicators use (sources.yaml ``estat.tables``):

1. ``getStatsList`` (`list_url`) with the statistics code and search words; `choose_table` picks the
   table whose title (with its statistics name) has every title word and none of the excluded ones.
2. ``getMetaInfo`` (`meta_url`) for that id; `transforms.estat.parse_estat_meta` reads its CLASS_INF.
3. `plan_table` resolves every indicator's words to codes (`transforms.estat_names.resolve`) and
   returns the ``cd*`` filters (the union of the chosen codes per classification; time is not
   filtered) and the series map: one row per series code the parser will produce for a wanted cell,
   in the shape of `catalog.loader.Catalog.series_map`, for `transforms.observations.conform_observations`.
4. ``getStatsData`` (`data_url`) with those filters, paged by ``startPosition`` = ``NEXT_KEY``
   (`transforms.estat.parse_estat` reports it as ``next_page``).

Each URL carries the application id the caller passes (the flows use a placeholder that every stored
form redacts).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import polars as pl

from transforms.estat import TableMeta, classification_order
from transforms.estat_names import TIME, Selection, SelectionError, name_key, resolve

#: Rows per getStatsData call: the API's maximum.
MAX_LIMIT = 100_000
SERIES_MAP_SCHEMA: dict[str, pl.DataType] = {
    "source_id": pl.String(),
    "series_code": pl.String(),
    "indicator_id": pl.String(),
    "catalog_unit": pl.String(),
}


@dataclass(frozen=True)
class Wanted:
    """One indicator's cell in words: the measure and the categories it names (catalog ``estat:`` block)."""

    indicator_id: str
    measure: str
    categories: Mapping[str, str] = field(default_factory=dict)
    unit: str = "JPY"


@dataclass(frozen=True)
class TablePlan:
    """What to ask one table for, and which indicator each returned series code feeds."""

    stats_data_id: str
    filters: Mapping[str, tuple[str, ...]]  # class id → codes, in CLASS_INF order; no time
    series_map: pl.DataFrame  # SERIES_MAP_SCHEMA
    selections: Mapping[str, Selection]  # indicator id → what was chosen, for messages and docs


def list_url(base_url: str, app_id: str, stats_code: str, search_word: str = "") -> str:
    """getStatsList for one statistics code; `search_word` may combine words with ``AND`` / ``OR``."""
    params = {"appId": app_id, "lang": "J", "statsCode": stats_code}
    if search_word:
        params["searchWord"] = search_word
    return _url(base_url, "getStatsList", params)


def meta_url(base_url: str, app_id: str, stats_data_id: str) -> str:
    """getMetaInfo: the table's TABLE_INF and CLASS_INF (the names `plan_table` resolves)."""
    params = {"appId": app_id, "lang": "J", "statsDataId": stats_data_id, "explanationGetFlg": "N"}
    return _url(base_url, "getMetaInfo", params)


def data_url(
    base_url: str,
    app_id: str,
    stats_data_id: str,
    filters: Mapping[str, Sequence[str]],
    limit: int = MAX_LIMIT,
    start_position: int | None = None,
) -> str:
    """getStatsData narrowed by `filters` (``{"tab": ("42",), "cat04": ("03", "04")}`` → cdTab, cdCat04).

    ``metaGetFlg=Y`` keeps CLASS_INF in every page, so the parser finds units on CLASS items and the
    full list of classifications even on later pages.
    """
    if not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit must be 1..{MAX_LIMIT}, got {limit}")
    params = {"appId": app_id, "lang": "J", "statsDataId": stats_data_id}
    for class_id in sorted(filters, key=_filter_order):
        codes = list(dict.fromkeys(filters[class_id]))
        if codes:
            params[filter_param(class_id)] = ",".join(codes)
    params |= {"metaGetFlg": "Y", "cntGetFlg": "N", "limit": str(limit)}
    if start_position is not None:
        params["startPosition"] = str(start_position)
    return _url(base_url, "getStatsData", params)


def filter_param(class_id: str) -> str:
    """The getStatsData parameter that narrows a classification: tab → cdTab, cat04 → cdCat04, area → cdArea."""
    return "cd" + class_id[:1].upper() + class_id[1:]


def choose_table(
    tables: pl.DataFrame, title_words: Sequence[str], exclude_words: Sequence[str] = ()
) -> dict[str, Any]:
    """The table of a `parse_estat_list` frame whose title has every title word and no excluded word.

    Words are compared like category names (NFKC, no whitespace) against the statistics name and
    the title together, as e-Stat splits a database's name between them. Several tables with one
    title are re-issues of the same table: the latest updated (then the highest id) wins. Tables with
    different titles raise `SelectionError` with the titles, so the catalog can add a word.
    """
    wanted = [name_key(w) for w in title_words if name_key(w)]
    unwanted = [name_key(w) for w in exclude_words if name_key(w)]
    rows = tables.to_dicts()
    matches = [
        row
        for row in rows
        if all(w in _title_key(row) for w in wanted) and not any(w in _title_key(row) for w in unwanted)
    ]
    if not matches:
        titles = sorted({_full_title(row) for row in rows})
        shown = "; ".join(titles[:20]) + (f" … ({len(titles) - 20} more)" if len(titles) > 20 else "")
        raise SelectionError(
            f"no table has {' + '.join(title_words)} in its title"
            f"{' without ' + ' / '.join(exclude_words) if exclude_words else ''}; "
            f"getStatsList found {len(rows)} table(s): {shown or '(none)'}"
        )
    titles = {_title_key(row) for row in matches}
    if len(titles) > 1:
        listed = "; ".join(sorted(f"{row['stats_data_id']} {_full_title(row)}" for row in matches))
        raise SelectionError(f"several tables match {' + '.join(title_words)}: {listed}; add a title word")
    return max(matches, key=lambda row: (row["updated_date"] is not None, row["updated_date"], row["stats_data_id"]))


def plan_table(
    table: TableMeta,
    wanted: Sequence[Wanted],
    totals: Mapping[str, str] | None = None,
    source_id: str = "estat",
) -> TablePlan:
    """Resolve every indicator against `table` and return the filters and the series map.

    Raises `SelectionError` when a name is missing or ambiguous (see `transforms.estat_names`), and
    when two indicators resolve to the same cell: their words do not tell them apart in this table.
    """
    if not table.stats_data_id:
        raise SelectionError("the metadata has no TABLE_INF @id: cannot ask for its data")
    selections = {w.indicator_id: resolve(table, w.measure, w.categories, totals) for w in wanted}
    rows: list[tuple[str, str, str, str]] = []
    owner: dict[str, str] = {}
    for w in wanted:
        for code in series_codes(selections[w.indicator_id]):
            if code in owner:
                raise SelectionError(
                    f"table {table.stats_data_id}: indicators {owner[code]} and {w.indicator_id} both "
                    f"select {code}; their catalog words do not tell them apart in this table"
                )
            owner[code] = w.indicator_id
            rows.append((source_id, code, w.indicator_id, w.unit))
    filters = {
        c.id: tuple(i.code for i in c.items if any(i.code in s.codes.get(c.id, ()) for s in selections.values()))
        for c in table.classifications
        if c.id != TIME
    }
    series_map = pl.DataFrame(rows, schema=SERIES_MAP_SCHEMA, orient="row")
    return TablePlan(table.stats_data_id, filters, series_map, selections)


def series_codes(selection: Selection) -> list[str]:
    """Every series code `transforms.estat.parse_estat` gives the rows of this selection (one per repeat)."""
    order = classification_order(selection.codes)
    combos = itertools.product(*(selection.codes[c] for c in order))
    return [";".join(f"{c}={code}" for c, code in zip(order, combo, strict=True)) for combo in combos]


def _title_key(row: Mapping[str, Any]) -> str:
    return name_key(_full_title(row))


def _full_title(row: Mapping[str, Any]) -> str:
    return " ".join(part for part in (row.get("statistics_name"), row.get("title")) if part)


def _filter_order(class_id: str) -> tuple[bool, bool, str]:
    return (class_id == "area", class_id != "tab", class_id)


def _url(base_url: str, endpoint: str, params: Mapping[str, str]) -> str:
    return f"{base_url.rstrip('/')}/{endpoint}?{urlencode(params, safe=',:;')}"
