"""A source that reverts to an older answer makes that answer's values current again (#13.1).

Three real Prefect flow runs of `pipeline` on a private snapshot copy: the BOJ answer as recorded
(value A), the same file with one value changed (B), then the original file again. A body that was
parsed before must not be skipped when it becomes the latest answer again: the warehouse's current
value is A, and the revision log shows A -> B -> A.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import orjson
import pytest

from flows.pipeline import pipeline

pytestmark = pytest.mark.usefixtures("prefect_api")

BOJ_BP01 = "getDataCode-44b9183591fc2a7a.body"
SERIES = "BPBP6JYNSN907"
INDICATOR = "bop_services_907_net"
#: the BOJ states this series in 100 million yen; the warehouse holds yen
OKU = 1e8


def _query(path: Path, sql: str, params: dict | None = None) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.sql(sql, params=params or {}).fetchall()
    finally:
        con.close()


def test_a_source_that_reverts_makes_the_older_value_current_again(tmp_path: Path, snapshot_copy: Path) -> None:
    data = tmp_path / "data"
    body_path = snapshot_copy / "boj" / BOJ_BP01
    original = body_path.read_bytes()
    doc = orjson.loads(original)
    series = next(s for s in doc["RESULTSET"] if s["SERIES_CODE"] == SERIES)
    month = str(series["VALUES"]["SURVEY_DATES"][-1])
    period = f"{month[:4]}-{month[4:]}"
    value_a = series["VALUES"]["VALUES"][-1]
    value_b = value_a - 1000.0  # one value changed; LAST_UPDATE and everything else as recorded
    series["VALUES"]["VALUES"][-1] = value_b
    edited = orjson.dumps(doc)
    assert edited != original

    def current() -> list[float]:
        return [v for (v,) in _query(
            data / "mieruka.duckdb",
            "SELECT value FROM core.observations WHERE indicator_id = $i AND period = $p AND valid_to IS NULL",
            {"i": INDICATOR, "p": period},
        )]

    pipeline(data_dir=str(data), snapshots_dir=str(snapshot_copy), sources=["boj"])
    assert current() == [pytest.approx(value_a * OKU)]

    body_path.write_bytes(edited)
    pipeline(data_dir=str(data), snapshots_dir=str(snapshot_copy), sources=["boj"])
    assert current() == [pytest.approx(value_b * OKU)]

    body_path.write_bytes(original)  # the source reverts: the same bytes as the first answer
    pipeline(data_dir=str(data), snapshots_dir=str(snapshot_copy), sources=["boj"])
    assert current() == [pytest.approx(value_a * OKU)]

    revisions = _query(
        data / "mieruka.duckdb",
        "SELECT r.old_value, r.new_value FROM ops.revisions AS r JOIN ops.runs AS u USING (run_id) "
        "WHERE r.indicator_id = $i AND r.period = $p ORDER BY u.started_at",
        {"i": INDICATOR, "p": period},
    )
    assert revisions == [
        (pytest.approx(value_a * OKU), pytest.approx(value_b * OKU)),
        (pytest.approx(value_b * OKU), pytest.approx(value_a * OKU)),
    ]
    # every version is kept (append-only): A, then B, then A again, in that order
    versions = _query(
        data / "mieruka.duckdb",
        "SELECT value FROM core.observations WHERE indicator_id = $i AND period = $p ORDER BY valid_from",
        {"i": INDICATOR, "p": period},
    )
    assert [v for (v,) in versions] == [pytest.approx(x * OKU) for x in (value_a, value_b, value_a)]
