"""One run's publication: built aside, switched in at `commit()`, and removed if anything fails before that.

What is published, and in which order:
1. a copy of the writer's working file next to the analysts' copy (`.mieruka.duckdb.publishing`), which the
   caller finishes (final run status) and exports the marts from, so the Parquet files and the analysts'
   copy hold the same rows;
2. the staging directory of the new version: Parquet, CSV, manifest.json, index.html, dictionary.md;
3. commit: the copy is validated and swapped in as `mieruka.duckdb` with `os.replace` (analysts holding the
   old file keep reading it), then the new version is activated by switching the `data/published` link
   (layout.py), then versions beyond the kept number are removed.

A failure or a kill before the swap leaves the previous analysts' copy and the previous published set in
place; the half-built copy and staging directory are removed on the way out, and by the next run if the
process was killed. (Lake mode publishes no copy: it simply never calls `copy_warehouse`.)
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from warehouse import db
from warehouse.publish.layout import Plan, PublishedLayout

ANALYSTS_COPY = "mieruka.duckdb"
COPY_TMP = ".mieruka.duckdb.publishing"


def remove_partial_files(data_dir: Path) -> list[Path]:
    """Remove what a killed or failed publication left (the half-made copy, staging directories, the
    temporary link); return what was removed. Call only while holding the warehouse lock."""
    removed = PublishedLayout(data_dir).remove_partial_files()
    for name in (COPY_TMP, COPY_TMP + ".wal"):
        if (data_dir / name).exists():
            (data_dir / name).unlink()
            removed.append(data_dir / name)
    return removed


@dataclass(frozen=True)
class PublishResult:
    warehouse: Path | None
    published_dir: Path  # data/published (the link consumers use)
    version_dir: Path  # the version it points at
    manifest: Path
    removed_versions: list[Path] = field(default_factory=list)
    cleanup_error: OSError | None = None  # old versions could not be removed (the publication stands)


class Publication:
    """Use as a context manager: `with Publication(data_dir, run_id, keep) as pub: ...; pub.commit()`.
    Leaving the block without a commit (an exception) removes everything it made."""

    def __init__(
        self, data_dir: Path, label: str, keep: int, pause_hook: Callable[[str], None] | None = None
    ) -> None:
        self.data_dir = data_dir
        self.layout = PublishedLayout(data_dir)
        self.keep = keep
        self._pause = pause_hook or (lambda _where: None)
        self._label = label
        self.plan: Plan | None = None
        self.copy_path: Path | None = None
        self.committed = False

    def __enter__(self) -> Publication:
        remove_partial_files(self.data_dir)
        self.plan = self.layout.plan(self._label)
        self.layout.begin(self.plan)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if not self.committed:
            self.discard()

    @property
    def staging(self) -> Path:
        assert self.plan is not None, "use Publication as a context manager"
        return self.plan.staging

    @property
    def version_dir(self) -> str:
        """The version directory relative to the data directory, as the manifest names it."""
        assert self.plan is not None, "use Publication as a context manager"
        return self.plan.version.relative_to(self.data_dir).as_posix()

    def discard(self) -> None:
        """Remove the staging directory and the half-made copy (best effort: a full disk still allows
        deleting, and a failure here must not hide the error that got us here)."""
        if self.plan is not None:
            shutil.rmtree(self.plan.staging, ignore_errors=True)
        if self.copy_path is not None:
            self.copy_path.unlink(missing_ok=True)
            self.copy_path.with_name(self.copy_path.name + ".wal").unlink(missing_ok=True)

    def copy_warehouse(self, work_path: Path) -> Path:
        """Copy the checkpointed working file to `.mieruka.duckdb.publishing` and return its path."""
        self.copy_path = self.data_dir / COPY_TMP
        shutil.copyfile(work_path, self.copy_path)
        return self.copy_path

    def validate_copy(self, expected_rows: dict[str, int]) -> None:
        """The copy opens read-only and holds every mart with the rows exported: otherwise nothing is swapped."""
        assert self.copy_path is not None
        con = db.connect(self.copy_path, read_only=True)
        try:
            present = {name for name, _ in con.sql(db.sql_text("published_marts")).fetchall()}
            missing = set(expected_rows) - present
            if missing:
                raise RuntimeError(f"publish aborted: {self.copy_path.name} lacks marts {sorted(missing)}")
            for name, rows in sorted(expected_rows.items()):
                found = con.sql(db.sql_text("mart_rows"), params={"table": f'marts."{name}"'}).fetchall()[0][0]
                if found != rows:
                    raise RuntimeError(f"publish aborted: marts.{name} has {found} rows in the copy, {rows} exported")
        finally:
            con.close()

    def write_bytes(self, name: str, data: bytes) -> Path:
        path = self.staging / name
        path.write_bytes(data)
        return path

    def write_json(self, name: str, document: dict) -> Path:
        return self.write_bytes(name, json.dumps(document, indent=2, ensure_ascii=False).encode("utf-8"))

    def commit(self) -> PublishResult:
        """Swap in the analysts' copy, then switch `data/published` to the new version, then clean up."""
        assert self.plan is not None
        target = self.data_dir / ANALYSTS_COPY if self.copy_path is not None else None
        self._pause("publish")  # test-only pause point: killed here, the old copy and set stay whole
        if target is not None and self.copy_path is not None:
            os.replace(self.copy_path, target)
            self.copy_path = None
        self._pause("publish-pointer")  # the new analysts' copy is in, the published set is still the old one
        version = self.layout.activate(self.plan)
        self.committed = True
        self._pause("publish-cleanup")  # the new set is current, older versions not yet removed
        try:
            removed, error = self.layout.clean_up(self.keep), None
        except OSError as exc:  # the new set is current: failing to delete an old one must not undo that
            removed, error = [], exc
        pointer = self.layout.pointer
        return PublishResult(target, pointer, version, pointer / "manifest.json", removed, error)
