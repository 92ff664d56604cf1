"""The versioned published layout: each publication is a whole directory, and one symlink says which is current.

    data/published -> published-versions/v000007-<run_id>     (a relative symlink)
    data/published-versions/
        v000005-<run_id>/   manifest.json, <mart>.parquet, <mart>.csv, index.html, dictionary.md
        v000006-<run_id>/
        v000007-<run_id>/
        .staging-v000008-<run_id>/    (only while a run is publishing; removed if it fails)

Why: renaming files into one directory one by one lets a reader see the new Parquet beside the old
manifest (a torn set). Here a publication is built whole in a staging directory, renamed to its version
name, and then the single pointer `data/published` is switched with `rename(2)`, which is atomic: a
reader resolving `data/published` gets the old set or the new one, never a mix. Consumers keep their
paths (`data/published/manifest.json`). A reader that reads several files should resolve the pointer
once (or read `version_dir` from the manifest) and read them all from there; the previous versions are
kept (MIERUKA_PUBLISH_KEEP, default 3, at least 2), so a reader that started on the old set can finish.

A `data/published` that is still a plain directory (published before this layout) becomes the first
version on the next publish.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

POINTER = "published"
VERSIONS = "published-versions"
STAGING_PREFIX = ".staging-"
LINK_TMP = ".published.link-tmp"
KEEP_ENV = "MIERUKA_PUBLISH_KEEP"
DEFAULT_KEEP = 3
MIN_KEEP = 2
_VERSION = re.compile(r"^v(\d{6,})-(.+)$")


def publish_keep(env: Mapping[str, str] = os.environ) -> int:
    """How many published versions to keep (MIERUKA_PUBLISH_KEEP): at least 2, so the set a reader
    started on survives the next publication."""
    raw = env.get(KEEP_ENV, "").strip()
    if not raw:
        return DEFAULT_KEEP
    try:
        keep = int(raw)
    except ValueError:
        keep = 0
    if keep < MIN_KEEP:
        raise ValueError(
            f"{KEEP_ENV}={raw!r}: must be a whole number of at least {MIN_KEEP} (the current publication and the "
            f"one before it, which readers may still be reading); default {DEFAULT_KEEP}"
        )
    return keep


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | (os.O_DIRECTORY if path.is_dir() else 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink(missing_ok=True)
    elif path.is_dir():
        shutil.rmtree(path, ignore_errors=False)


@dataclass(frozen=True)
class Plan:
    """Names chosen for one publication before anything is written (the manifest names its version)."""

    staging: Path
    version: Path
    legacy: Path | None  # where a plain `data/published` directory moves to, when there is one


@dataclass(frozen=True)
class PublishedLayout:
    data_dir: Path

    @property
    def pointer(self) -> Path:
        return self.data_dir / POINTER

    @property
    def versions_dir(self) -> Path:
        return self.data_dir / VERSIONS

    def versions(self) -> list[tuple[int, Path]]:
        """Complete versions, oldest first (by their sequence number, not by clock)."""
        if not self.versions_dir.is_dir():
            return []
        found = []
        for entry in self.versions_dir.iterdir():
            match = _VERSION.match(entry.name)
            if match and entry.is_dir() and not entry.is_symlink():
                found.append((int(match.group(1)), entry))
        return sorted(found)

    def current(self) -> Path | None:
        """The version `data/published` points at (None before the first publication, or for a plain
        directory left by an older release)."""
        if not self.pointer.is_symlink():
            return None
        target = (self.pointer.parent / os.readlink(self.pointer)).resolve()
        return target if target.is_dir() else None

    def has_legacy_directory(self) -> bool:
        return self.pointer.is_dir() and not self.pointer.is_symlink()

    def partial_files(self) -> list[Path]:
        """What a publication killed or failed half-way leaves: staging directories and the temporary link."""
        found = [self.data_dir / LINK_TMP] if (self.data_dir / LINK_TMP).is_symlink() else []
        if self.versions_dir.is_dir():
            found += sorted(p for p in self.versions_dir.iterdir() if p.name.startswith(STAGING_PREFIX))
        return found

    def remove_partial_files(self) -> list[Path]:
        removed = self.partial_files()
        for path in removed:
            _remove(path)
        return removed

    def plan(self, label: str) -> Plan:
        """Name the next version (and the legacy directory's version, when there is one to migrate)."""
        if self.pointer.exists() and not self.pointer.is_dir():
            raise RuntimeError(
                f"{self.pointer} is neither a directory nor a link to one: move it away, then run again"
            )
        number = max((n for n, _ in self.versions()), default=0) + 1
        legacy = None
        if self.has_legacy_directory():
            legacy = self.versions_dir / f"v{number:06d}-legacy"
            number += 1
        name = f"v{number:06d}-{label}"
        return Plan(self.versions_dir / f"{STAGING_PREFIX}{name}", self.versions_dir / name, legacy)

    def begin(self, plan: Plan) -> Path:
        """Create the empty staging directory of `plan`."""
        self.versions_dir.mkdir(parents=True, exist_ok=True)
        plan.staging.mkdir()
        return plan.staging

    def activate(self, plan: Plan) -> Path:
        """Make the staged set current: fsync it, rename it to its version name, then switch the pointer.

        The switch is one rename(2) of a symlink over the symlink `data/published`. Only on the first
        publication over a plain `data/published` directory does the path vanish for the time between two
        renames (the directory cannot be replaced by a link in one step)."""
        for path in plan.staging.iterdir():
            _fsync(path)
        _fsync(plan.staging)
        os.rename(plan.staging, plan.version)
        _fsync(self.versions_dir)
        link = self.data_dir / LINK_TMP
        link.unlink(missing_ok=True)
        os.symlink(os.path.relpath(plan.version, self.data_dir), link, target_is_directory=True)
        if plan.legacy is not None and self.has_legacy_directory():
            for leftover in self.pointer.glob("*.tmp"):  # half-renamed files of the old in-place publish
                leftover.unlink()
            os.rename(self.pointer, plan.legacy)
        os.replace(link, self.pointer)
        _fsync(self.data_dir)
        return plan.version

    def clean_up(self, keep: int) -> list[Path]:
        """Remove the versions beyond the newest `keep` (never the current one); return what was removed."""
        current = self.current()
        versions = [path for _, path in self.versions()]
        old = [p for p in versions[: max(len(versions) - keep, 0)] if p.resolve() != current]
        for path in old:
            _remove(path)
        return old
