"""`manifest.json`: the published contract a dashboard reads first (pure: builds a dict, writes nothing).

The manifest is the only published file that carries run-time facts (run id, mode, time, status, which
version directory it belongs to); the data files it lists are byte-stable, so their sha256 changes only
when their data does. Every timestamp is UTC with a `Z` suffix. `manifest_version` changes only when a
key is removed or changes meaning; keys are added without a bump.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from warehouse.publish.export import ExportedMart

MANIFEST_VERSION = 2


def utc_z(value: datetime | str | None) -> str | None:
    """`YYYY-MM-DDTHH:MM:SSZ`. A naive datetime (the warehouse stores UTC without a zone) is taken as UTC."""
    if value is None:
        return None
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def table_entry(mart: ExportedMart) -> dict:
    """One entry of `tables`: the keys published before manifest_version 2 (path, rows, sha256, schema,
    is_sample) beside description, grain, columns and the CSV file."""
    return {
        "path": mart.parquet.path.name,
        "rows": mart.rows,
        "bytes": mart.parquet.bytes,
        "sha256": mart.parquet.sha256,
        "schema": {c.name: c.type for c in mart.columns},
        "is_sample": mart.is_sample,
        "description": mart.description,
        "grain": list(mart.grain),
        "columns": [c.as_dict() for c in mart.columns],
        "csv": {"path": mart.csv.path.name, "bytes": mart.csv.bytes, "sha256": mart.csv.sha256},
    }


def _source_state(state: Mapping) -> dict:
    out = dict(state)
    for key in ("last_success", "last_error_at"):
        if key in out:
            out[key] = utc_z(out[key])
    return out


def build_manifest(
    *,
    run_id: str,
    mode: str,
    run_status: str,
    generated_at: datetime,
    version_dir: str,
    marts: Mapping[str, ExportedMart],
    vintages: Mapping[str, datetime | str | None],
    sources: Mapping[str, Mapping],
    credits: Mapping[str, str],
    warehouse: str | None = "mieruka.duckdb",
    extra: Mapping[str, object] | None = None,
) -> dict:
    """The manifest of one publication. `version_dir` is the directory, relative to the data directory,
    that holds exactly this set of files (readers wanting several files of one set read them there).
    `extra` adds top-level keys (e.g. a lake snapshot id) without touching the others."""
    manifest = {
        "manifest_version": MANIFEST_VERSION,
        "run_id": run_id,
        "mode": mode,
        "run_status": run_status,
        "generated_at": utc_z(generated_at),
        "version_dir": version_dir,
        "is_sample": any(m.is_sample for m in marts.values()),
        "warehouse": warehouse,
        "tables": {name: table_entry(mart) for name, mart in sorted(marts.items())},
        "source_vintages": {source: utc_z(v) for source, v in sorted(vintages.items())},
        "sources": {source: _source_state(state) for source, state in sorted(sources.items())},
        "credits": dict(sorted(credits.items())),
    }
    for key, value in (extra or {}).items():
        if key in manifest:
            raise ValueError(f"manifest key {key!r} is already set")
        manifest[key] = value
    return manifest
