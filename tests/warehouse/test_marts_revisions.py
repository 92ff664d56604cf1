"""marts.observation_revisions after real revisions: the BOJ release history (2025-02-10, 2026-02-09 which
revises 2024, today's which revises 2025), replayed by one real Prefect flow run. Expected values come from
ops.revisions and core.observations."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from flows.pipeline import pipeline
from tests.conftest import SNAPSHOTS

pytestmark = pytest.mark.usefixtures("prefect_api")


@pytest.fixture(scope="module")
def revised(tmp_path_factory: pytest.TempPathFactory, prefect_api: str) -> Path:
    data = tmp_path_factory.mktemp("revisions") / "data"
    run = pipeline(sources=["boj"], snapshots_dir=str(SNAPSHOTS), data_dir=str(data))
    assert run.sources[0]["rows_revised"] == 48  # 12 months x (debit + net) of 2024 9082 and of 2025 9062
    return data


def test_first_published_against_latest_for_every_revised_value(revised: Path) -> None:
    con = duckdb.connect(str(revised / "mieruka.duckdb"), read_only=True)
    try:
        logged = {
            (i, a, p): (old, new, valid_from)
            for i, a, p, old, new, valid_from in con.sql(
                "SELECT indicator_id, area, period, old_value, new_value, valid_from FROM ops.revisions"
            ).fetchall()
        }
        closed = {
            (i, a, p): valid_from
            for i, a, p, valid_from in con.sql(
                "SELECT indicator_id, area, period, valid_from FROM core.observations WHERE valid_to IS NOT NULL"
            ).fetchall()
        }
        mart = con.sql("SELECT * FROM marts.observation_revisions")
        names = mart.columns
        rows = {(r["indicator_id"], r["area"], r["period"]): r for r in (dict(zip(names, t, strict=True))
                                                                          for t in mart.fetchall())}
        keys = con.sql("SELECT DISTINCT indicator_id, area, period FROM core.observations").fetchall()
        indicator_names = dict(con.sql("SELECT indicator_id, name_en FROM core.indicators").fetchall())
    finally:
        con.close()

    assert len(logged) == 48 and set(closed) == set(logged)
    assert set(rows) == set(keys)
    assert {k for k, r in rows.items() if r["revised"]} == set(logged)
    for key, (old, new, valid_from) in logged.items():
        r = rows[key]
        assert (r["first_value"], r["latest_value"]) == (old, new)
        assert r["first_valid_from"] == closed[key] and r["latest_valid_from"] == valid_from
        assert r["first_valid_from"] < r["latest_valid_from"]
        assert r["vintage_count"] == 2 and r["source_id"] == "boj" and r["unit"] == "JPY"
        assert r["revision"] == pytest.approx(new - old)
        assert r["revision_pct"] == pytest.approx(100 * (new - old) / abs(old))
        assert r["indicator_name_en"] == indicator_names[key[0]] and r["is_sample"] is True
    unrevised = [r for k, r in rows.items() if k not in logged]
    assert all(r["vintage_count"] == 1 and r["revision"] == 0 and not r["revised"] for r in unrevised)
    assert all(r["first_valid_from"] == r["latest_valid_from"] for r in unrevised)
