"""Read `sources.yaml` and `indicators.yaml` into typed objects, validating as we go.

Validation happens here, once, so that a typo in the catalog stops the run before any request is
made, with the file and entry named in the message.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
import yaml

CATALOG_DIR = Path(__file__).resolve().parent
CURATED_REQUIRED = (
    "indicator_id", "topic", "area", "period", "value", "unit", "qualifier", "definition", "publisher",
    "reported_by", "source_url", "published_at", "published_at_precision", "only_source_is_article",
)


class CatalogError(ValueError):
    """The catalog is inconsistent; the message names the file and the entry."""


@dataclass(frozen=True)
class Source:
    id: str
    name: str
    kind: str
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def base_url(self) -> str:
        return str(self.options.get("base_url", ""))

    @property
    def min_interval_s(self) -> float:
        return float(self.options.get("min_interval_s", 0.0))

    @property
    def cadence_hours(self) -> float:
        return float(self.options.get("cadence_hours", 0))

    @property
    def credit(self) -> str:
        return str(self.options.get("credit", "") or "")


@dataclass(frozen=True)
class EstatSelection:
    """An e-Stat cell in words (indicators.yaml ``estat:``): resolved against each table at run time.

    ``table`` names an entry of the source's ``tables``; ``categories`` pairs a classification word
    with an item name, e.g. (("年齢", "20～24歳"),). See transforms/estat_names.py for the matching.
    """

    table: str
    measure: str
    categories: tuple[tuple[str, str], ...] = ()

    @property
    def key(self) -> str:
        """The indicator's series code in the catalog: its words (the codes differ from table to table)."""
        words = "|".join(f"{word}={name}" for word, name in self.categories)
        return f"{self.table}:{self.measure}" + (f"|{words}" if words else "")


@dataclass(frozen=True)
class Indicator:
    id: str
    name_en: str
    name_ja: str
    definition: str
    unit: str
    frequency: str
    source: str
    series_code: str
    series_db: str | None
    areas: tuple[str, ...]
    topic: str | None = None  # curated figures only
    publisher: str | None = None  # curated figures only: "MOF via Jiji"
    source_url: str | None = None  # curated figures only
    only_source_is_article: bool = False
    estat: EstatSelection | None = None  # e-Stat indicators: the cell in words; series_code is its key
    #: partner economy of a bilateral series whose source does not state it in the data (a BOJ regional
    #: series); None: the parser's own (an SDMX partner dimension) or the world (W00)
    counterpart_area: str | None = None


@dataclass(frozen=True)
class Catalog:
    sources: dict[str, Source]
    indicators: tuple[Indicator, ...]
    directory: Path = CATALOG_DIR
    #: frames derived from the catalog, built once (a run conforms thousands of bodies against them)
    _derived: dict[str, pl.DataFrame] = field(default_factory=dict, compare=False, repr=False)

    def indicators_of(self, source_id: str) -> list[Indicator]:
        return [i for i in self.indicators if i.source == source_id]

    def series_map(self, source_id: str | None = None) -> pl.DataFrame:
        """One row per (source_id, series_code): the indicator it feeds, its canonical unit and the
        counterpart area the catalog states for it (null when it states none); only `source_id`'s
        series when given."""
        key = source_id or ""
        if key not in self._derived:
            whole = self._series_map()
            self._derived[key] = whole if source_id is None else whole.filter(pl.col("source_id") == source_id)
        return self._derived[key]

    def _series_map(self) -> pl.DataFrame:
        return pl.DataFrame(
            {
                "source_id": [i.source for i in self.indicators],
                "series_code": [i.series_code for i in self.indicators],
                "indicator_id": [i.id for i in self.indicators],
                "catalog_unit": [i.unit for i in self.indicators],
                "catalog_counterpart": [i.counterpart_area for i in self.indicators],
            },
            schema={
                "source_id": pl.String,
                "series_code": pl.String,
                "indicator_id": pl.String,
                "catalog_unit": pl.String,
                "catalog_counterpart": pl.String,
            },
        )

    def indicators_frame(self) -> pl.DataFrame:
        """The indicators as rows for `core.indicators`, with each source's licence and credit."""
        rows = []
        for i in self.indicators:
            src = self.sources[i.source]
            rows.append(
                {
                    "indicator_id": i.id,
                    "name_en": i.name_en,
                    "name_ja": i.name_ja,
                    "definition": i.definition,
                    "unit": i.unit,
                    "frequency": i.frequency,
                    "source_id": i.source,
                    "series_code": i.series_code,
                    "licence": str(src.options.get("licence", "")),
                    "credit": src.credit,
                    "topic": i.topic,
                    "publisher": i.publisher,
                    "source_url": i.source_url,
                    "only_source_is_article": i.only_source_is_article,
                }
            )
        return pl.DataFrame(rows)


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        # libyaml's loader when present: a catalog of thousands of series loads in a fraction of the time
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (OSError, yaml.YAMLError) as exc:
        raise CatalogError(f"{path.name}: cannot be read: {exc}") from exc
    if not isinstance(data, dict):
        raise CatalogError(f"{path.name}: expected a mapping at the top level")
    return data


def _require(entry: dict[str, Any], keys: tuple[str, ...], where: str) -> None:
    missing = [k for k in keys if entry.get(k) in (None, "")]
    if missing:
        raise CatalogError(f"{where}: missing {', '.join(missing)}")


def default_catalog_dir() -> Path:
    """This package's folder, or $MIERUKA_CATALOG_DIR (a test or a deployment may use its own)."""
    return Path(os.environ.get("MIERUKA_CATALOG_DIR") or CATALOG_DIR)


def load_catalog(directory: Path | None = None) -> Catalog:
    """Load and validate the catalog in `directory` (default: `default_catalog_dir()`)."""
    directory = directory or default_catalog_dir()
    sources_doc = _read_yaml(directory / "sources.yaml")
    sources: dict[str, Source] = {}
    for sid, entry in (sources_doc.get("sources") or {}).items():
        where = f"sources.yaml: source '{sid}'"
        if not isinstance(entry, dict):
            raise CatalogError(f"{where}: expected a mapping")
        _require(entry, ("name", "kind"), where)
        opts = {k: v for k, v in entry.items() if k not in ("name", "kind")}
        sources[sid] = Source(id=sid, name=entry["name"], kind=entry["kind"], options=opts)
        _check_source(sources[sid], where)

    ind_doc = _read_yaml(directory / "indicators.yaml")
    indicators: list[Indicator] = []
    seen_ids: set[str] = set()
    seen_series: set[tuple[str, str]] = set()
    for n, entry in enumerate(ind_doc.get("indicators") or [], start=1):
        where = f"indicators.yaml: entry {n} ('{entry.get('id', '?')}')"
        _require(entry, ("id", "name_en", "name_ja", "definition", "unit", "frequency", "source"), where)
        if entry["id"] in seen_ids:
            raise CatalogError(f"{where}: duplicate id '{entry['id']}'")
        if entry["source"] not in sources:
            raise CatalogError(f"{where}: unknown source '{entry['source']}' (declared: {', '.join(sources)})")
        selection = _estat_selection(entry.get("estat"), sources[entry["source"]], where)
        series = entry.get("series") or {}
        if selection is not None:
            series = {"code": selection.key}
        if not isinstance(series, dict) or not series.get("code"):
            raise CatalogError(f"{where}: series needs a code (or, for an e-Stat source, an estat: block)")
        counterpart = entry.get("counterpart_area")
        if counterpart is not None and (not isinstance(counterpart, str) or not counterpart.strip()):
            raise CatalogError(f"{where}: counterpart_area must be an area code (ISO alpha-3 or an aggregate)")
        key = (entry["source"], str(series["code"]))
        if key in seen_series:
            raise CatalogError(f"{where}: series {key[1]} of {key[0]} is already declared by another indicator")
        seen_ids.add(entry["id"])
        seen_series.add(key)
        indicators.append(
            Indicator(
                id=entry["id"],
                name_en=entry["name_en"],
                name_ja=entry["name_ja"],
                definition=entry["definition"],
                unit=str(entry["unit"]),
                frequency=entry["frequency"],
                source=entry["source"],
                series_code=str(series["code"]),
                series_db=series.get("db"),
                areas=tuple(entry.get("areas") or ()),
                estat=selection,
                counterpart_area=counterpart,
            )
        )
    for source in sources.values():
        if source.options.get("path"):  # a source that is a file of the catalog declares its own indicators
            indicators.extend(_curated_indicators(directory, source, seen_ids))
    return Catalog(sources=sources, indicators=tuple(indicators), directory=directory)


def _check_source(source: Source, where: str) -> None:
    """The entry's kind has an adapter, and the adapter finds the options it needs."""
    from transforms.adapters import adapter_for, kinds  # the registry imports every parser: load it on use

    if source.kind not in kinds():
        raise CatalogError(f"{where}: unknown kind '{source.kind}' (known: {', '.join(sorted(kinds()))})")
    try:
        adapter_for(source.kind).check(source)
    except ValueError as exc:
        raise CatalogError(f"{where}: {exc}") from exc


def _estat_selection(block: Any, source: Source, where: str) -> EstatSelection | None:
    """The ``estat:`` block of an indicator: measure and categories in words, and the table to read."""
    if block is None:
        return None
    tables = source.options.get("tables")
    if not isinstance(tables, dict):
        raise CatalogError(f"{where}: an estat: block needs a source with tables (source '{source.id}' has none)")
    if not isinstance(block, dict) or not isinstance(block.get("measure"), str) or not block["measure"].strip():
        raise CatalogError(f"{where}: estat: needs a measure (the item's name, e.g. 所定内給与額)")
    table = block.get("table")
    if table is None and len(tables) == 1:
        table = next(iter(tables))
    if table not in tables:
        raise CatalogError(f"{where}: estat.table '{table}' is not a table of source '{source.id}' "
                           f"({', '.join(map(str, tables))})")
    categories = block.get("categories") or {}
    if not isinstance(categories, dict) or (categories and not _names(categories)):
        raise CatalogError(f"{where}: estat.categories must map a classification word to an item name")
    pairs = tuple((str(word), str(name)) for word, name in categories.items())
    return EstatSelection(table=str(table), measure=block["measure"].strip(), categories=pairs)


def _names(value: Any) -> bool:
    """A non-empty mapping of non-empty words to non-empty names (YAML may read 全国 or 10 as other types)."""
    return isinstance(value, dict) and bool(value) and all(
        isinstance(k, str) and k.strip() and isinstance(v, str | int | float) and str(v).strip()
        for k, v in value.items()
    )


def curated_path(directory: Path, source: Source) -> Path:
    """The CSV file of a curated source, inside the catalog folder."""
    rel = str(source.options.get("path", ""))
    path = (directory / rel).resolve()
    if not rel or directory.resolve() not in path.parents:
        raise CatalogError(f"sources.yaml: source '{source.id}': path must name a file inside {directory.name}/")
    return path


def _curated_indicators(directory: Path, source: Source, seen_ids: set[str]) -> list[Indicator]:
    """One indicator per indicator_id of a curated CSV, described by its topic (curated/topics.yaml)."""
    path = curated_path(directory, source)
    where = f"{path.relative_to(directory.resolve())}"
    try:
        rows = pl.read_csv(path, infer_schema=False)
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise CatalogError(f"{where}: cannot be read: {exc}") from exc
    missing = [c for c in CURATED_REQUIRED if c not in rows.columns]
    if missing:
        raise CatalogError(f"{where}: missing columns {', '.join(missing)}")
    topics = (_read_yaml(path.parent / "topics.yaml").get("topics") or {})
    bad_flags = rows.filter(~pl.col("only_source_is_article").is_in(["true", "false"]))
    if bad_flags.height:
        raise CatalogError(f"{where}: only_source_is_article must be true or false "
                           f"(indicator '{bad_flags['indicator_id'][0]}')")
    only_article = dict(
        rows.group_by("indicator_id")
        .agg((pl.col("only_source_is_article") == "true").any())
        .iter_rows()
    )
    out = []
    for row in rows.unique(subset="indicator_id", keep="first", maintain_order=True).iter_rows(named=True):
        ind_where = f"{where}: indicator '{row['indicator_id']}'"
        if not row["unit"]:
            raise CatalogError(f"{ind_where}: missing unit")
        if row["indicator_id"] in seen_ids:
            raise CatalogError(f"{ind_where}: duplicate id (also in indicators.yaml)")
        topic = topics.get(row["topic"])
        if topic is None:
            raise CatalogError(f"{ind_where}: topic '{row['topic']}' is not described in curated/topics.yaml")
        seen_ids.add(row["indicator_id"])
        by = row["reported_by"] if row["reported_by"] != row["publisher"] else ""
        label = f"{row['publisher']}{f' via {by}' if by else ''}"
        out.append(
            Indicator(
                id=row["indicator_id"],
                name_en=f"{topic['name_en']} — {label}",
                name_ja=f"{topic['name_ja']}（{label}）",
                definition=f"{topic['definition']} Definition used: {row['definition']}.",
                unit=row["unit"],
                frequency="annual",
                source=source.id,
                series_code=row["indicator_id"],
                series_db=None,
                areas=(row["area"],),
                topic=row["topic"],
                publisher=label,
                source_url=row["source_url"],
                only_source_is_article=only_article.get(row["indicator_id"], False),
            )
        )
    return out
