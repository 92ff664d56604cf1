"""The BOJ release history (snapshots/history/<date>/ then today's answer) is replayed oldest first, so
the warehouse holds each release as the BOJ stated it and as-of queries see the value known on a date."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from flows.pipeline import pipeline
from tests.conftest import SNAPSHOTS

pytestmark = pytest.mark.usefixtures("prefect_api")
BROAD_NETS = "('bop_services_907_net', 'bop_services_9062_net', 'bop_services_9082_net')"


def test_releases_replay_oldest_first_and_as_of_returns_what_was_known(tmp_path: Path) -> None:
    data = tmp_path / "data"
    first = pipeline(sources=["boj"], snapshots_dir=str(SNAPSHOTS), data_dir=str(data))
    again = pipeline(sources=["boj"], snapshots_dir=str(SNAPSHOTS), data_dir=str(data))
    con = duckdb.connect(str(data / "mieruka.duckdb"), read_only=True)
    try:
        def broad_2024(day: str) -> float:
            return con.sql(
                f"SELECT sum(value) FROM core.observations_as_of(CAST($d AS DATE)) WHERE period LIKE '2024-%' "
                f"AND indicator_id IN {BROAD_NETS}", params={"d": day}).fetchall()[0][0]

        releases = con.sql("SELECT valid_from::DATE::VARCHAR, count(*) FROM core.observation_versions "
                           "GROUP BY 1 ORDER BY 1").fetchall()
        last_month = dict(con.sql("SELECT valid_from::DATE::VARCHAR, max(period) FROM core.observation_versions "
                                  "WHERE indicator_id = 'bop_services_907_net' GROUP BY 1").fetchall())
        revised = con.sql("SELECT DISTINCT indicator_id, substr(period, 1, 4), valid_from::DATE::VARCHAR "
                          "FROM ops.revisions ORDER BY ALL").fetchall()
        before_first = con.sql("SELECT count(*) FROM core.observations_as_of(DATE '2025-02-09')").fetchall()
        fetched = con.sql("SELECT count(*) FROM raw.fetches").fetchall()
        known = {day: broad_2024(day) for day in ("2025-12-19", "2026-02-08", "2026-02-09", "2026-12-01")}
    finally:
        con.close()
    # three releases, each dated by its own LAST_UPDATE, oldest first
    assert [d for d, _ in releases] == ["2025-02-10", "2026-02-09", "2026-11-10"]
    assert last_month == {"2025-02-10": "2024-12", "2026-02-09": "2025-12", "2026-11-10": "2026-09"}
    # as known on the seed article's date: MOF's preliminary 2024 total; today: the revised one
    assert known["2025-12-19"] == pytest.approx(-6.6506e12, rel=1e-9)
    assert known["2026-02-09"] < known["2026-02-08"] == known["2025-12-19"]
    assert known["2026-12-01"] == known["2026-02-09"]
    assert before_first == [(0,)]
    # the revisions each release made, and nothing else
    assert revised == [
        ("bop_services_9062_credit", "2025", "2026-11-10"), ("bop_services_9062_net", "2025", "2026-11-10"),
        ("bop_services_9082_debit", "2024", "2026-02-09"), ("bop_services_9082_net", "2024", "2026-02-09"),
    ]
    boj = first.sources[0]
    assert (boj["requests"], boj["rows_revised"]) == (9, 48)  # BP01 monthly and quarterly, FM08: x 3 releases
    # a second replay changes nothing: history and today's answers are all skipped
    assert again.sources[0]["rows_loaded"] == again.sources[0]["rows_revised"] == 0
    assert fetched == [(18,)]
