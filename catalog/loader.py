"""Read `sources.yaml` and `indicators.yaml` into typed objects, validating as we go.

Validation happens here, once, so that a typo in the catalog stops the run before any request is
made, with the file and entry named in the message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
import yaml

CATALOG_DIR = Path(__file__).resolve().parent
KNOWN_KINDS = frozenset({"boj_api", "worldbank_v2", "article_url"})


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


@dataclass(frozen=True)
class Catalog:
    sources: dict[str, Source]
    indicators: tuple[Indicator, ...]

    def indicators_of(self, source_id: str) -> list[Indicator]:
        return [i for i in self.indicators if i.source == source_id]

    def series_map(self) -> pl.DataFrame:
        """One row per (source_id, series_code): the indicator it feeds and its canonical unit."""
        return pl.DataFrame(
            {
                "source_id": [i.source for i in self.indicators],
                "series_code": [i.series_code for i in self.indicators],
                "indicator_id": [i.id for i in self.indicators],
                "catalog_unit": [i.unit for i in self.indicators],
            },
            schema={
                "source_id": pl.String,
                "series_code": pl.String,
                "indicator_id": pl.String,
                "catalog_unit": pl.String,
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
                }
            )
        return pl.DataFrame(rows)


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CatalogError(f"{path.name}: cannot be read: {exc}") from exc
    if not isinstance(data, dict):
        raise CatalogError(f"{path.name}: expected a mapping at the top level")
    return data


def _require(entry: dict[str, Any], keys: tuple[str, ...], where: str) -> None:
    missing = [k for k in keys if entry.get(k) in (None, "")]
    if missing:
        raise CatalogError(f"{where}: missing {', '.join(missing)}")


def load_catalog(directory: Path = CATALOG_DIR) -> Catalog:
    """Load and validate the catalog in `directory` (default: this package's folder)."""
    sources_doc = _read_yaml(directory / "sources.yaml")
    sources: dict[str, Source] = {}
    for sid, entry in (sources_doc.get("sources") or {}).items():
        where = f"sources.yaml: source '{sid}'"
        if not isinstance(entry, dict):
            raise CatalogError(f"{where}: expected a mapping")
        _require(entry, ("name", "kind"), where)
        if entry["kind"] not in KNOWN_KINDS:
            raise CatalogError(f"{where}: unknown kind '{entry['kind']}' (known: {', '.join(sorted(KNOWN_KINDS))})")
        opts = {k: v for k, v in entry.items() if k not in ("name", "kind")}
        sources[sid] = Source(id=sid, name=entry["name"], kind=entry["kind"], options=opts)

    ind_doc = _read_yaml(directory / "indicators.yaml")
    indicators: list[Indicator] = []
    seen_ids: set[str] = set()
    seen_series: set[tuple[str, str]] = set()
    for n, entry in enumerate(ind_doc.get("indicators") or [], start=1):
        where = f"indicators.yaml: entry {n} ('{entry.get('id', '?')}')"
        _require(entry, ("id", "name_en", "name_ja", "definition", "unit", "frequency", "source", "series"), where)
        if entry["id"] in seen_ids:
            raise CatalogError(f"{where}: duplicate id '{entry['id']}'")
        if entry["source"] not in sources:
            raise CatalogError(f"{where}: unknown source '{entry['source']}' (declared: {', '.join(sources)})")
        series = entry["series"]
        if not isinstance(series, dict) or not series.get("code"):
            raise CatalogError(f"{where}: series needs a code")
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
            )
        )
    return Catalog(sources=sources, indicators=tuple(indicators))
