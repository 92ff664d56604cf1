"""One writer at a time: an exclusive, non-blocking lock on the data directory.

DuckDB refuses a second read-write open anyway, but only once the second run reaches the
database; the lock refuses it at the start, with a message that says who holds it.

The `mieruka run` command takes the lock itself, before it starts Prefect, so a refusal is
immediate (exit 3) instead of coming after a Prefect server has started. The flow then runs in
the same process under that lock: `run_lock` records that this process holds it for the run, and
`warehouse_lock` (taken by the flow) adopts it instead of refusing itself. Any other second
`warehouse_lock`, in this process or another, is refused as before.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_NAME = ".mieruka.lock"

#: lock files this process took with `run_lock` for the run it is about to start
_HELD_FOR_RUN: set[Path] = set()


class WarehouseLocked(RuntimeError):
    pass


def _lock_path(data_dir: Path) -> Path:
    return data_dir.resolve() / LOCK_NAME


@contextmanager
def _exclusive(data_dir: Path) -> Iterator[Path]:
    data_dir.mkdir(parents=True, exist_ok=True)
    path = _lock_path(data_dir)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "unknown"
            raise WarehouseLocked(
                f"another mieruka run (pid {holder}) holds the warehouse lock {path}; "
                "wait for it to finish, or check it with `mieruka status`"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield path
    finally:
        os.close(fd)  # closing the descriptor releases the lock, also when the process dies


@contextmanager
def warehouse_lock(data_dir: Path) -> Iterator[None]:
    """The writer's lock; adopted when this process already took it for the run with `run_lock`."""
    if _lock_path(data_dir) in _HELD_FOR_RUN:
        yield
        return
    with _exclusive(data_dir):
        yield


@contextmanager
def run_lock(data_dir: Path) -> Iterator[None]:
    """Take the writer's lock before the flow starts; the flow run in this process adopts it.

    Raises WarehouseLocked when another run holds it, and OSError when the data directory cannot
    hold a lock file (not a directory, read-only, no permission).
    """
    with _exclusive(data_dir) as path:
        _HELD_FOR_RUN.add(path)
        try:
            yield
        finally:
            _HELD_FOR_RUN.discard(path)
