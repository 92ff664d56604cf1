"""Freshness per source, in the words `mieruka status` uses (flows/status.py):

- state: `ok`, `replayed` (data from a recorded snapshot: its age says nothing about the source),
  `skipped` (this mode does not fetch it), `STALE` (older than its cadence) or `FAILING` (its last
  attempt failed: the error is shown in full);
- data: `sample`, `recorded`, `live`, `curated` or `none`.

A failing source is never shown as stale or left blank, and sample data is never called fresh: the page
never says "fresh" at all. The manifest carries `state` and `data` per source (written by the pipeline
with the CLI's own rules); for an older manifest without them the same rules are applied to what it has.
"""

from __future__ import annotations

import polars as pl

from dashboard.fmt import e, fmt_when

STATE_CLASSES = {"ok": "ok", "replayed": "replayed", "skipped": "skipped", "STALE": "stale", "FAILING": "failing"}
DATA_CLASSES = {"sample": "sample", "recorded": "recorded", "live": "live", "curated": "curated", "none": "none"}


def state_of(state: dict, mode: str | None) -> str:
    """The CLI's state word: the manifest's own, else derived (failures first: a failing source is FAILING)."""
    if state.get("state"):
        return str(state["state"])
    if state.get("consecutive_failures"):
        return "FAILING"
    if state.get("stale"):
        return "STALE"
    return "replayed" if mode == "replay" else "ok"


def data_of(state: dict, source_id: str, samples: set[str]) -> str:
    if state.get("data") and state["data"] != "-":
        return str(state["data"])
    return "sample" if source_id in samples else "—"


def _per_source(latest: pl.DataFrame | None) -> tuple[dict[str, dict], set[str]]:
    if latest is None or latest.is_empty() or "source_id" not in latest.columns:
        return {}, set()
    aggs = [pl.len().alias("indicators")]
    if "latest_period" in latest.columns:
        aggs.append(pl.col("latest_period").cast(pl.String).max().alias("newest_period"))
    if "is_sample" in latest.columns:
        aggs.append(pl.col("is_sample").fill_null(False).any().alias("is_sample"))
    rows = {r["source_id"]: r for r in latest.group_by("source_id").agg(aggs).iter_rows(named=True)}
    return rows, {s for s, r in rows.items() if r.get("is_sample")}


def freshness_html(manifest: dict, latest: pl.DataFrame | None) -> str:
    vintages: dict = manifest.get("source_vintages") or {}
    states: dict = manifest.get("sources") or {}
    per_source, samples = _per_source(latest)
    sources = list(dict.fromkeys([*sorted(states), *sorted(vintages), *sorted(per_source)]))
    if not sources:
        return "<div class='nodata'><b>No data</b> — the manifest names no source.</div>"
    mode = manifest.get("mode")
    body = []
    for source_id in sources:
        state = states.get(source_id) or {}
        word = state_of(state, mode) if state else "—"
        data = data_of(state, source_id, samples)
        stats = per_source.get(source_id) or {}
        badge = f"<span class='badge state-{STATE_CLASSES.get(word, 'unknown')}'>{e(word)}</span>" if state else "—"
        data_badge = f"<span class='badge data-{DATA_CLASSES.get(data, 'unknown')}'>{e(data)}</span>" \
            if data != "—" else "—"
        failures = state.get("consecutive_failures") or 0
        error = state.get("last_error")
        last_error = (
            f"{e(fmt_when(state.get('last_error_at')))}, {failures} failure{'s' if failures != 1 else ''} in a row"
            if failures else "—"
        )
        body.append(
            f"<tr class='source' data-source='{e(source_id)}' data-state='{e(word)}' data-data='{e(data)}'>"
            f"<td><b>{e(source_id)}</b></td><td>{badge}</td><td>{data_badge}</td>"
            f"<td>{e(fmt_when(state.get('last_success')))}</td><td>{last_error}</td>"
            f"<td>{e(fmt_when(vintages.get(source_id)))}</td>"
            f"<td class='num'>{e(stats.get('indicators', '—'))}</td>"
            f"<td>{e(stats.get('newest_period') or '—')}</td></tr>"
        )
        if failures and error:
            body.append(
                f"<tr class='error' data-source='{e(source_id)}'><td></td><td colspan='7'>"
                f"<b>{e(source_id)} failed:</b> "
                f"<span class='error-text'>{e(error)}</span></td></tr>"
            )
    head = ("source", "state", "data", "last successful load", "last error", "data as of (vintage)", "indicators",
            "newest period")
    return (
        f"<table class='freshness'><thead><tr>{''.join(f'<th>{h}</th>' for h in head)}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table>"
        "<p class='note'>State, as <code>mieruka status</code> prints it: <b>ok</b> (loaded within its cadence), "
        "<b>replayed</b> (served from a recorded snapshot, so its age says nothing about the source), "
        "<b>skipped</b> (this mode does not fetch it), <b>STALE</b> (last success older than its cadence), "
        "<b>FAILING</b> (the last attempt failed; the error is shown). Data: <b>sample</b> (not a recorded real "
        "response: never quote it), <b>recorded</b>, <b>live</b> or <b>curated</b>. Data as of: the newest date "
        "from which a value of the source was known (its release date where it states one).</p>"
    )
