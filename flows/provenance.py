"""Which snapshots are sample data, from `snapshots/PROVENANCE.yaml`.

A snapshot the provenance file does not list is treated as sample: an unlabelled value must
never pass for a real one.
"""

from __future__ import annotations

from pathlib import Path

import yaml


def load_sample_flags(snapshots_dir: Path) -> dict[str, bool]:
    """Relative path of each snapshot body -> is_sample."""
    path = snapshots_dir / "PROVENANCE.yaml"
    if not path.exists():
        return {}
    doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    entries = doc.get("snapshots", doc) if isinstance(doc, dict) else {}
    flags: dict[str, bool] = {}
    if isinstance(entries, dict):
        for rel, entry in entries.items():
            if isinstance(entry, dict):
                flags[str(rel)] = bool(entry.get("is_sample", True))
    elif isinstance(entries, list):
        for entry in entries:
            if isinstance(entry, dict) and "path" in entry:
                flags[str(entry["path"])] = bool(entry.get("is_sample", True))
    return flags

