"""The raw archive: every response body stored unchanged, addressed by its sha256."""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
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
        # a name of its own per call: sources are fetched on threads of one process, and two of them may
        # land the same bytes at once (a structure message two SDMX sources share)
        fd, tmp = tempfile.mkstemp(prefix=f".{sha}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(body)
            os.replace(tmp, path)  # the same bytes either way: the last rename wins, harmlessly
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
    return sha
