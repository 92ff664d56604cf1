"""A static page over the published files: opens from the file system, needs no network.

This first version lists every published table with its rows, shows a banner when any value is
sample data, and carries the credit lines the sources require. Charts come with the answers
issue; the page is rebuilt from `manifest.json` and the Parquet files on every run.
"""

from __future__ import annotations

import html
import json
import os
from pathlib import Path

import polars as pl

PREVIEW_ROWS = 60


def _table_html(frame: pl.DataFrame) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in frame.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape('' if v is None else f'{v:,.0f}' if isinstance(v, float) else str(v))}</td>"
                         for v in row) + "</tr>"
        for row in frame.iter_rows()
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def render_dashboard(published_dir: Path) -> Path:
    """Write `index.html` next to the manifest (temp file + rename); return its path."""
    manifest = json.loads((published_dir / "manifest.json").read_text(encoding="utf-8"))
    sections = []
    for name, info in manifest["tables"].items():
        frame = pl.read_parquet(published_dir / info["path"]).head(PREVIEW_ROWS)
        sample = " <span class='badge'>sample data</span>" if info.get("is_sample") else ""
        sections.append(
            f"<section><h2>{html.escape(name)}{sample}</h2><p>{info['rows']} rows · "
            f"<code>{html.escape(info['path'])}</code> · sha256 <code>{info['sha256'][:12]}…</code></p>"
            f"{_table_html(frame)}</section>"
        )
    banner = (
        "<div class='banner'>Some values shown are <b>sample data</b>, not recorded real responses "
        "(see snapshots/PROVENANCE.yaml). Do not quote them as fact.</div>"
        if manifest.get("is_sample")
        else ""
    )
    vintages = "".join(
        f"<li>{html.escape(source)}: {html.escape(when or 'no data')}</li>"
        for source, when in manifest.get("source_vintages", {}).items()
    )
    credits = "".join(f"<li>{html.escape(c)}</li>" for c in manifest.get("credits", {}).values())
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>mieruka — 見える化</title>
<style>
body{{font-family:system-ui,sans-serif;margin:2rem;color:#222}} table{{border-collapse:collapse;font-size:.85rem}}
td,th{{border:1px solid #ccc;padding:.2rem .5rem;text-align:right}} th{{background:#f3f3f3}}
.banner{{background:#fff3cd;border:2px solid #e0a800;padding:.8rem;margin-bottom:1rem;font-size:1.05rem}}
.badge{{background:#e0a800;color:#fff;border-radius:4px;padding:0 .4rem;font-size:.8rem}}
</style></head><body>
{banner}
<h1>mieruka — 見える化</h1>
<p>Generated {html.escape(manifest['generated_at'])}.</p>
<h2>Freshness</h2><ul>{vintages}</ul>
{''.join(sections)}
<h2>Credits</h2><ul>{credits}</ul>
</body></html>
"""
    path = published_dir / "index.html"
    tmp = path.with_name("index.html.tmp")
    tmp.write_text(page, encoding="utf-8")
    os.replace(tmp, path)
    return path
