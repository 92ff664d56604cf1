"""Published data are byte-stable (#9 item 4): two consecutive pipeline runs on the same data dir and the
same snapshots publish byte-identical Parquet files.

The first run builds the marts inside the load transaction, from rows DuckDB still holds in
transaction-local storage; the second run builds them from the same rows read back from disk, in
another order of scan and join. A mart whose values depend on that order (a parallel SUM or AVG of
DOUBLE, a tie in ORDER BY, a run-time value) publishes different bytes. Each Parquet file must also be
rewritten by the second run (a new file swapped in), so the test compares two real exports, not one
file with itself.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pytest

from flows.pipeline import pipeline
from tests.conftest import SNAPSHOTS

pytestmark = pytest.mark.usefixtures("prefect_api")


def published(data: Path, pattern: str = "*.parquet") -> dict[str, tuple[str, int]]:
    """file stem -> (sha256 of data_dir/published/<file>, inode of the file), for the files matching `pattern`."""
    found = {}
    for path in sorted((data / "published").glob(pattern)):
        found[path.stem] = (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_ino)
    return found


def test_two_runs_on_the_same_data_dir_publish_identical_parquet_files(tmp_path: Path) -> None:
    data = tmp_path / "data"
    first = pipeline(data_dir=str(data), snapshots_dir=str(SNAPSHOTS))
    assert first.status == "succeeded"
    before, charts_before = published(data), published(data, "chart-*.csv")
    second = pipeline(data_dir=str(data), snapshots_dir=str(SNAPSHOTS))
    assert second.status == "succeeded"
    after, charts_after = published(data), published(data, "chart-*.csv")

    con = duckdb.connect(str(data / "mieruka.duckdb"), read_only=True)
    try:
        marts = {name for (name,) in con.sql(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'marts'"
        ).fetchall()}
    finally:
        con.close()
    assert set(before) == set(after) == marts, "every mart is published as data_dir/published/<mart>.parquet"
    rewritten = [name for name in marts if before[name][1] != after[name][1]]
    assert sorted(rewritten) == sorted(marts), "the second run must export every mart again"
    changed = sorted(name for name in marts if before[name][0] != after[name][0])
    assert changed == [], f"published Parquet files differ between two runs on the same data: {changed}"
    # the dashboard's CSV of each chart (exactly the rows drawn) is byte-stable too
    assert charts_before and set(charts_before) == set(charts_after)
    assert {k: v[0] for k, v in charts_before.items()} == {k: v[0] for k, v in charts_after.items()}
