"""Where a recorded HTTP response lives in `snapshots/`, derived from the request alone.

A snapshot is two files side by side: ``<name>.body`` (the body, byte for byte) and
``<name>.meta.json`` (redacted URL, status, content type, when it was recorded). The name is the
last path segment of the URL plus a hash of the canonical, redacted URL, so replay finds the same
file for the same request whatever the order of query parameters, and a secret never reaches a
file name. Names are restricted to ``[A-Za-z0-9._-]`` so no URL can escape the snapshot folder.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

#: Query parameters that carry credentials; their values never reach disk, logs or hashes.
SECRET_PARAMS = frozenset({"appid", "apikey", "api_key", "key", "token", "access_token"})
REDACTED = "REDACTED"
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def redact_url(url: str) -> str:
    """The URL with every secret query value replaced by ``REDACTED`` (order kept)."""
    parts = urlsplit(url)
    query = [
        (k, REDACTED if k.lower() in SECRET_PARAMS else v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
    ]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query, safe=",:;*"), ""))


def canonical_url(url: str) -> str:
    """Redacted URL with query parameters sorted: the identity of a request for replay."""
    parts = urlsplit(redact_url(url))
    query = sorted(parse_qsl(parts.query, keep_blank_values=True))
    return urlunsplit(
        (parts.scheme.lower(), parts.netloc.lower(), parts.path, urlencode(query, safe=",:;*"), "")
    )


def safe_component(text: str, fallback: str = "x") -> str:
    """A string reduced to a safe single path component (no separators, no dot-only names)."""
    cleaned = _SAFE.sub("_", text).strip("._")[:80]
    return cleaned or fallback


def snapshot_name(url: str) -> str:
    """Stable file stem for a request, e.g. ``getDataCode-1f0c9a7e5b2d4c3a``."""
    canon = canonical_url(url)
    last = urlsplit(canon).path.rstrip("/").rsplit("/", 1)[-1]
    digest = hashlib.sha256(canon.encode()).hexdigest()[:16]
    return f"{safe_component(last, 'root')}-{digest}"


@dataclass(frozen=True)
class SnapshotPaths:
    body: Path
    meta: Path


def snapshot_paths(root: Path, source_id: str, url: str) -> SnapshotPaths:
    """Paths of the snapshot for `url` of `source_id` under `root`; never outside `root`."""
    folder = (root / safe_component(source_id, "source")).resolve()
    root_resolved = root.resolve()
    if root_resolved not in folder.parents:
        raise ValueError(f"snapshot folder {folder} escapes {root_resolved}")
    stem = snapshot_name(url)
    return SnapshotPaths(body=folder / f"{stem}.body", meta=folder / f"{stem}.meta.json")


def write_snapshot(
    root: Path, source_id: str, url: str, status: int, content_type: str | None, body: bytes, recorded_at: str
) -> SnapshotPaths:
    """Write body and metadata atomically (temp file + rename), so a crash leaves no torn snapshot."""
    paths = snapshot_paths(root, source_id, url)
    paths.body.parent.mkdir(parents=True, exist_ok=True)
    meta = {
        "url": redact_url(url),
        "status": status,
        "content_type": content_type,
        "recorded_at": recorded_at,
        "bytes": len(body),
        "sha256": hashlib.sha256(body).hexdigest(),
    }
    for path, data in ((paths.body, body), (paths.meta, json.dumps(meta, indent=2, ensure_ascii=False).encode())):
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
    return paths
