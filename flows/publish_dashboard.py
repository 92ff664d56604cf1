"""Write the dashboard of a publication: read the published files, let `dashboard` build the page, write it.

This module does the I/O only (the page itself is built by the pure `dashboard` package):
- it reads `manifest.json` and the Parquet files the manifest lists, never the warehouse, so the page shows
  exactly what was published;
- it writes `index.html` and, next to it, `chart-<id>.csv` for every chart (exactly the rows the chart
  draws; byte-stable: no run-time value in them), each through a temporary file and `os.replace`;
- it adds a `charts` entry to `manifest.json` listing those files (path, rows, bytes, sha256, the marts
  and sources behind them), rewriting the manifest the same way. It runs inside the publication's staging
  directory (before the version is switched in), so readers never see a manifest without its files.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import polars as pl

from dashboard import CHART_IDS, NO_DATA_TEXT, SAMPLE_BANNER_TEXT, Assets, Page, PageData, build_page
from dashboard.assets import load_assets

__all__ = ["CHART_IDS", "NO_DATA_TEXT", "SAMPLE_BANNER_TEXT", "load_page_data", "render_dashboard"]


def load_page_data(published_dir: Path) -> PageData:
    """The manifest and every Parquet file it lists (a listed file that is missing is skipped: its section
    then says so rather than the page failing)."""
    manifest = json.loads((published_dir / "manifest.json").read_text(encoding="utf-8"))
    marts: dict[str, pl.DataFrame] = {}
    for name, info in (manifest.get("tables") or {}).items():
        path = published_dir / info["path"]
        if path.is_file():
            marts[name] = pl.read_parquet(path)
    return PageData(manifest, marts)


def _write(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def chart_entries(page: Page) -> dict[str, dict]:
    """The manifest's `charts`: one entry per chart drawn, keyed by chart id."""
    return {
        chart.chart_id: {
            "title": chart.title,
            "path": chart.path,
            "rows": chart.rows,
            "bytes": len(chart.data),
            "sha256": hashlib.sha256(chart.data).hexdigest(),
            "is_sample": chart.is_sample,
            "marts": list(chart.marts),
            "sources": list(chart.sources),
            "definition": chart.definition,
        }
        for chart in page.charts
    }


def render_dashboard(published_dir: Path, assets: Assets | None = None) -> Path:
    """Write the chart CSVs, list them in the manifest, then write `index.html`; return its path."""
    data = load_page_data(published_dir)
    page = build_page(data, assets if assets is not None else load_assets())
    for chart in page.charts:
        _write(published_dir / chart.path, chart.data)
    manifest = {**data.manifest, "charts": chart_entries(page)}
    _write(published_dir / "manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False).encode("utf-8"))
    path = published_dir / "index.html"
    _write(path, page.html.encode("utf-8"))
    return path
