"""Who published what a chart draws: the source line under every chart, as in OWID's grapher.

The publisher, dataset and link of each source are presentation (a page a person can open, not the API
endpoint in catalog/sources.yaml); the vintage ("data as of") and the credit line come from the manifest
of the run, so the line says how recent the data drawn are.
"""

from __future__ import annotations

from dataclasses import dataclass

from dashboard.fmt import e, fmt_when


@dataclass(frozen=True)
class SourceInfo:
    publisher: str
    dataset: str
    url: str | None  # None: no public page (curated figures carry one URL per figure instead)


SOURCES: dict[str, SourceInfo] = {
    "boj": SourceInfo(
        "Bank of Japan",
        "Balance of payments (BP01) and foreign exchange rates (FM08), Time-Series Data Search",
        "https://www.stat-search.boj.or.jp/",
    ),
    "estat": SourceInfo(
        "Ministry of Health, Labour and Welfare, via e-Stat",
        "Basic Survey on Wage Structure (賃金構造基本統計調査)",
        "https://www.e-stat.go.jp/",
    ),
    "worldbank": SourceInfo(
        "World Bank",
        "World Development Indicators (GDP, official exchange rates)",
        "https://data.worldbank.org/",
    ),
    "oecd": SourceInfo(
        "OECD",
        "Trade in services by EBOPS item (DSD_BOP@DF_TIS)",
        "https://data-explorer.oecd.org/",
    ),
    "eurostat": SourceInfo(
        "Eurostat",
        "International trade in services by partner (bop_its6_det)",
        "https://ec.europa.eu/eurostat/databrowser/view/bop_its6_det/default/table",
    ),
    "published": SourceInfo(
        "Figures as published by ministries, researchers and the press",
        "curated in catalog/curated/published_figures.csv, with the URL of each figure",
        None,
    ),
    "news": SourceInfo("News articles", "the checked articles (catalog/sources.yaml)", None),
}


def source_parts(source_ids: tuple[str, ...], manifest: dict, publishers: list[str] | None = None) -> list[str]:
    """One HTML fragment per source: publisher, dataset, link and "data as of" the source's vintage.
    `publishers` names who published the curated figures drawn (from the rows themselves)."""
    vintages: dict = manifest.get("source_vintages") or {}
    parts = []
    for source_id in source_ids:
        info = SOURCES.get(source_id, SourceInfo(source_id, "", None))
        publisher = e(info.publisher)
        if source_id == "published" and publishers:
            publisher = e("; ".join(publishers))
        dataset = e(info.dataset)
        if info.url:
            dataset = f"<a href='{e(info.url)}' rel='noopener'>{dataset}</a>"
        vintage = vintages.get(source_id)
        as_of = f"data as of {e(fmt_when(vintage))}" if vintage else "data as of — (no vintage recorded)"
        parts.append(
            f"<span class='src' data-source='{e(source_id)}'><b>{publisher}</b>, {dataset} "
            f"<span class='asof'>({as_of})</span></span>"
        )
    return parts


def credit_lines(source_ids: tuple[str, ...], manifest: dict) -> list[str]:
    """The credit each source requires next to its data (BOJ, e-Stat and Eurostat ask for one)."""
    credits: dict = manifest.get("credits") or {}
    return [str(credits[s]) for s in source_ids if credits.get(s)]
