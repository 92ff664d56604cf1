"""One writer at a time: an exclusive, non-blocking lock on the data directory.

DuckDB refuses a second read-write open anyway, but only once the second run reaches the
database; the lock refuses it at the start, with a message that says who holds it.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class WarehouseLocked(RuntimeError):
    pass


@contextmanager
def warehouse_lock(data_dir: Path) -> Iterator[None]:
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / ".mieruka.lock"
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
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock, also when the process dies
