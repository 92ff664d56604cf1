"""Where a recorded HTTP response lives in `snapshots/`, derived from the request alone.

A snapshot is two files side by side: ``<name>.body`` (the body, byte for byte) and
``<name>.meta.json`` (redacted URL, status, content type, when it was recorded). The name is the
last path segment of the URL plus a hash of the canonical, redacted URL, so replay finds the same
file for the same request whatever the order of query parameters, and a secret never reaches a
file name. Names are restricted to ``[A-Za-z0-9._-]`` so no URL can escape the snapshot folder.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, quote, quote_plus, urlencode, urlsplit, urlunsplit

#: Query parameters that carry credentials; their values never reach disk, logs or hashes.
SECRET_PARAMS = frozenset({"appid", "apikey", "api_key", "key", "token", "access_token"})
REDACTED = "REDACTED"
#: Older recordings of the same requests live under ``<snapshots>/history/<YYYY-MM-DD>/<source>/``.
HISTORY_DIR = "history"
#: Secret values shorter than this are not searched for in bodies: replacing every "ab" of a page
#: would garble it, and no real credential is that short (e-Stat's application id has 40 characters).
MIN_SECRET_CHARS = 4
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")
_PERCENT = re.compile(r"%[0-9A-F]{2}")


def redact_url(url: str) -> str:
    """The URL with every secret query value replaced by ``REDACTED`` (order kept)."""
    parts = urlsplit(url)
    query = [
        (k, REDACTED if k.lower() in SECRET_PARAMS else v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
    ]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query, safe=",:;*"), ""))


def secret_values(url: str) -> tuple[str, ...]:
    """The values of the secret query parameters of `url`, longest first: what a server that
    echoes the request (an error page, a JSON error, a proxy) would send back."""
    values = {
        v for k, v in parse_qsl(urlsplit(url).query, keep_blank_values=True)
        if k.lower() in SECRET_PARAMS and len(v) >= MIN_SECRET_CHARS and v != REDACTED
    }
    return tuple(sorted(values, key=lambda v: (-len(v), v)))


def _echo_forms(value: str) -> list[str]:
    """The ways a server writes a value back: as is, percent-encoded (either case, `+` or `%20` for
    spaces), JSON-escaped (`\\/` too) and HTML-escaped. Longest first, so a longer form is replaced whole."""
    forms = {value, quote(value, safe=""), quote_plus(value), quote(value), json.dumps(value)[1:-1],
             json.dumps(value)[1:-1].replace("/", "\\/"), html.escape(value)}
    forms |= {_PERCENT.sub(lambda m: m.group(0).lower(), f) for f in list(forms)}
    return sorted(forms, key=lambda f: (-len(f), f))


def redact_text(text: str, secrets: tuple[str, ...]) -> str:
    """`text` with every form of every secret value replaced by ``REDACTED``."""
    for value in secrets:
        for form in _echo_forms(value):
            text = text.replace(form, REDACTED)
    return text


def redact_echoed_url(url: str, secrets: tuple[str, ...]) -> str:
    """A URL the server chose (a redirect target), with secret parameters and every echoed secret
    value redacted. The values go first: `redact_url` re-encodes the query in a form of its own."""
    return redact_text(redact_url(redact_text(url, secrets)), secrets)


def redact_bytes(data: bytes, secrets: tuple[str, ...]) -> bytes:
    """`redact_text` for a body: the forms in UTF-8 (which covers ASCII, Shift_JIS and EUC-JP for the
    ASCII values credentials are) and in UTF-16."""
    for value in secrets:
        for form in _echo_forms(value):
            for codec, mark in (("utf-8", REDACTED), ("utf-16-le", REDACTED), ("utf-16-be", REDACTED)):
                data = data.replace(form.encode(codec), mark.encode(codec))
    return data


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
    root: Path, source_id: str, url: str, status: int, content_type: str | None, body: bytes, recorded_at: str,
    final_url: str | None = None,
) -> SnapshotPaths:
    """Write body and metadata atomically (temp file + rename), so a crash leaves no torn snapshot.
    `final_url` (already redacted) is where redirects ended, when they did."""
    paths = snapshot_paths(root, source_id, url)
    paths.body.parent.mkdir(parents=True, exist_ok=True)
    meta = {
        "url": redact_url(url),
        **({"final_url": final_url} if final_url and final_url != redact_url(url) else {}),
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
