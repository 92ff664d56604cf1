"""A later recorded vintage (snapshots/vintages/2026-03-10) revises values: as-of queries see each."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from flows.pipeline import pipeline
from tests.conftest import SNAPSHOTS

pytestmark = pytest.mark.usefixtures("prefect_api")


def test_old_then_new_vintage_as_of_returns_the_value_known_on_each_date(tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    pipeline(sources=["boj"], snapshots_dir=str(SNAPSHOTS), data_dir=data)
    second = pipeline(sources=["boj"], snapshots_dir=str(SNAPSHOTS / "vintages" / "2026-03-10"), data_dir=data)
    boj = second.sources[0]
    assert (boj["rows_loaded"], boj["rows_revised"]) == (0, 6)  # debit and net of 907, three months
    con = duckdb.connect(str(tmp_path / "data" / "mieruka.duckdb"), read_only=True)
    try:
        def as_of(day: str) -> float:
            return con.sql(
                "SELECT value FROM core.observations_as_of(CAST($d AS DATE)) "
                "WHERE indicator_id = 'bop_services_907_debit' AND period = '2025-12'", params={"d": day}
            ).fetchall()[0][0]

        revisions = con.sql("SELECT indicator_id, period, old_value, new_value, valid_from::DATE::VARCHAR "
                            "FROM ops.revisions ORDER BY indicator_id, period").fetchall()
        mart_total = con.sql("SELECT balance_jpy FROM marts.digital_deficit_annual WHERE year = 2025 "
                             "AND definition = 'broad' AND component = '907'").fetchall()[0][0]
        net_sum = con.sql("SELECT sum(value) FROM core.observations WHERE valid_to IS NULL "
                          "AND indicator_id = 'bop_services_907_net' AND period LIKE '2025-%'").fetchall()[0][0]
        before, after = as_of("2026-03-09"), as_of("2026-03-10")
        summary = con.sql("SELECT rows_added, rows_revised, rows_unchanged, round(largest_change_pct, 1) "
                          "FROM ops.revision_summary WHERE run_id = $r", params={"r": second.run_id}).fetchall()
    finally:
        con.close()
    assert after == pytest.approx(before * 1.015, rel=1e-3)
    assert len(revisions) == 6 and {r[4] for r in revisions} == {"2026-03-10"}
    assert all(new != old for _, _, old, new, _ in revisions)
    assert mart_total == pytest.approx(net_sum)
    # the unchanged FM08 body is skipped as already parsed: only BP01 (24 series) is compared
    assert summary[0][:3] == (0, 6, 24 * 144 - 6) and summary[0][3] > 1.0  # the mart reads the current (revised) values
