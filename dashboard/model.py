"""What the dashboard takes in and gives back, as plain data (no I/O here).

`PageData` is what was published (the manifest and the marts it lists); `Assets` are the static files the
page inlines (so that it opens with no network); `Page` is the HTML plus the CSV of every chart, which the
caller writes next to `index.html`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl


@dataclass(frozen=True)
class PageData:
    """The manifest and every published mart the manifest lists, by name (a listed mart whose file is
    missing is simply absent: its section says so)."""

    manifest: dict
    marts: dict[str, pl.DataFrame]


@dataclass(frozen=True)
class Assets:
    """Static text inlined into the page. Empty strings give a page without behaviour (unit tests)."""

    plotly_js: str = ""
    datatables_js: str = ""  # the DataTables ES-module bundle (itables' offline bundle)
    datatables_css: str = ""
    page_js: str = ""  # dashboard/static/dashboard.js
    page_css: str = ""  # dashboard/static/dashboard.css
    versions: dict[str, str] = field(default_factory=dict)  # library -> version, shown in the page footer


@dataclass(frozen=True)
class ChartFile:
    """The CSV of exactly what one chart draws, written as `path` next to index.html."""

    chart_id: str
    title: str
    path: str
    data: bytes
    rows: int
    marts: tuple[str, ...]
    sources: tuple[str, ...]
    definition: str
    is_sample: bool


@dataclass(frozen=True)
class Page:
    html: str
    charts: tuple[ChartFile, ...]
