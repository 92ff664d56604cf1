"""flows.raw: the raw archive keeps each body once, under its sha256, even when threads land it at once."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

from flows.raw import land, raw_path


def test_threads_landing_the_same_body_at_once_all_succeed_and_leave_one_file(tmp_path: Path) -> None:
    for attempt in range(5):  # a race: several rounds, so that a broken archive fails every time
        _land_at_once(tmp_path / str(attempt), b"<structure/>" * 200_000 + bytes([attempt]))


def _land_at_once(raw_dir: Path, body: bytes) -> None:
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def worker() -> None:
        try:
            barrier.wait()
            land(raw_dir, body)
        except BaseException as exc:  # every failure is reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    sha = hashlib.sha256(body).hexdigest()
    assert errors == []
    assert raw_path(raw_dir, sha).read_bytes() == body
    assert [p.name for p in raw_path(raw_dir, sha).parent.iterdir()] == [sha]  # no temporary file left
