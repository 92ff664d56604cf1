"""The raw archive: every response body stored unchanged, addressed by its sha256."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path


def raw_path(raw_dir: Path, sha256: str) -> Path:
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise ValueError(f"not a sha256 hex digest: {sha256!r}")
    return raw_dir / sha256[:2] / sha256


def land(raw_dir: Path, body: bytes) -> str:
    """Store `body` under `raw_dir` (once; later calls with the same bytes write nothing); return its sha256."""
    sha = hashlib.sha256(body).hexdigest()
    path = raw_path(raw_dir, sha)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{sha}.{os.getpid()}.tmp")
        tmp.write_bytes(body)
        os.replace(tmp, path)
    return sha
