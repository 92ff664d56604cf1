"""Every mart browsable on the page itself: a sortable, filterable table (DataTables) with its CSV.

The rows travel inside the page as JSON (`<script type="application/json">`), so the page needs no server
and no network; a table is built only when its section is opened, so a 4,500-row mart costs nothing until
someone looks at it. Column headers carry the manifest's description and unit as a tooltip.

A mart grows with the warehouse (observation_revisions has a row per indicator, area and period: a million
rows made a 186 MB page), so at most MAX_BROWSABLE_ROWS rows, in the mart's own key order, travel in the
page; the section says so and links the CSV and Parquet files, which hold every row.
"""

from __future__ import annotations

import orjson
import polars as pl

from dashboard.fmt import e

MAX_BROWSABLE_ROWS = 10_000


def _json_for_html(value: object) -> str:
    """JSON that cannot end its <script> element early: <, > and & as \\u escapes (still valid JSON)."""
    text = orjson.dumps(value, option=orjson.OPT_SERIALIZE_NUMPY).decode("utf-8")
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def table_payload(frame: pl.DataFrame, info: dict) -> dict:
    """Columns (name, type, unit, description) and rows (lists, temporal values as ISO text)."""
    described = {c.get("name"): c for c in info.get("columns") or []}
    frame = frame.with_columns(
        [pl.col(c).dt.strftime("%Y-%m-%d %H:%M:%S") for c, dtype in frame.schema.items() if dtype == pl.Datetime]
        + [pl.col(c).cast(pl.String) for c, dtype in frame.schema.items()
           if (dtype.is_temporal() and dtype != pl.Datetime) or dtype == pl.Decimal]
    )
    columns = [
        {
            "name": name,
            "type": (described.get(name) or {}).get("type") or str(dtype),
            "unit": (described.get(name) or {}).get("unit"),
            "description": (described.get(name) or {}).get("description"),
            "numeric": dtype.is_numeric(),
        }
        for name, dtype in frame.schema.items()
    ]
    return {"columns": columns, "rows": frame.rows()}


def _first_sentence(text: str | None) -> str:
    if not text:
        return ""
    head, dot, _ = text.partition(". ")
    return head + ("." if dot else "")


def browser_html(manifest: dict, marts: dict[str, pl.DataFrame]) -> str:
    tables: dict = manifest.get("tables") or {}
    names = sorted(set(tables) | set(marts))
    if not names:
        return "<div class='nodata'><b>No data</b> — the manifest lists no published table.</div>"
    parts = []
    for name in names:
        info = tables.get(name) or {}
        frame = marts.get(name)
        csv = (info.get("csv") or {}).get("path") or f"{name}.csv"
        sample = " <span class='badge sample'>sample data</span>" if info.get("is_sample") else ""
        rows = frame.height if frame is not None else info.get("rows", 0)
        links = (
            f"<a class='mart-csv' href='{e(csv)}' download>Download CSV</a> · "
            f"<a href='{e(info.get('path') or name + '.parquet')}'>Parquet</a>"
        )
        if info.get("sha256"):
            links += f" · sha256 <code title='{e(info['sha256'])}'>{e(str(info['sha256'])[:16])}…</code>"
        if info.get("grain"):
            links += f" · one row per {e(', '.join(info['grain']))}"
        if frame is None:
            body = "<div class='nodata'><b>No data</b> — this table's file was not found next to the page.</div>"
        else:
            body = ""
            if frame.height > MAX_BROWSABLE_ROWS:
                body = (f"<p class='capped'>The first {MAX_BROWSABLE_ROWS:,} of {frame.height:,} rows are browsable "
                        f"here; the CSV and Parquet files hold every row.</p>")
                frame = frame.head(MAX_BROWSABLE_ROWS)
            body += (
                f"<table class='browse display compact stripe' id='browse-{e(name)}' style='width:100%'></table>"
                f"<script type='application/json' class='mart-data' id='data-{e(name)}'>"
                f"{_json_for_html(table_payload(frame, info))}</script>"
            )
        parts.append(
            f"<details class='mart' id='table-{e(name)}' data-mart='{e(name)}'>"
            f"<summary><b>{e(name)}</b> <span class='rows'>{e(rows)} rows</span>{sample} — "
            f"<span class='desc'>{e(_first_sentence(info.get('description')))}</span></summary>"
            f"<p class='links'>{links}</p>{body}</details>"
        )
    return "".join(parts)
