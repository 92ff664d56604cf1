"""Migrations, comments and the bitemporal load, on real DuckDB files."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import polars as pl
import pytest

from catalog import load_catalog
from warehouse import db
from warehouse.load import (
    ARTICLE_SCHEMA,
    FETCH_SCHEMA,
    PARSED_BODY_SCHEMA,
    QUARANTINE_SCHEMA,
    RUN_SOURCE_SCHEMA,
    STAGE_OBSERVATION_SCHEMA,
    LoadBatch,
    frame,
    load_batch,
)


def test_migrations_are_recorded_and_applied_once(tmp_path: Path) -> None:
    connection = db.connect(tmp_path / "m.duckdb")
    assert db.migrate(connection) == [v for v, _, _ in db.migrations()]
    assert db.migrate(connection) == []
    versions = connection.sql("SELECT version, name FROM ops.schema_version ORDER BY version").fetchall()
    assert versions[0] == (1, "core")
    connection.close()


def test_every_table_and_column_has_a_comment(con) -> None:
    db.build_marts(con)
    tables = con.sql(
        "SELECT schema_name, table_name FROM duckdb_tables() WHERE comment IS NULL OR comment = ''"
    ).fetchall()
    # a view's columns are described in ops.view_column_comments (a DuckLake cannot comment them)
    columns = con.sql(
        "SELECT c.schema_name, c.table_name, c.column_name FROM duckdb_columns() AS c "
        "LEFT JOIN ops.view_column_comments AS v "
        "ON v.schema_name = c.schema_name AND v.view_name = c.table_name AND v.column_name = c.column_name "
        "WHERE NOT c.internal AND coalesce(nullif(c.comment, ''), v.comment) IS NULL"
    ).fetchall()
    assert tables == [] and columns == []


def _obs(values: dict[str, float], valid_from: str, run_id: str, counterpart_area: str = "W00") -> pl.DataFrame:
    at = datetime.fromisoformat(valid_from)
    return pl.DataFrame(
        {
            "indicator_id": ["bop_services_907_net"] * len(values),
            "area": ["JPN"] * len(values),
            "counterpart_area": [counterpart_area] * len(values),
            "period": list(values),
            "value": list(values.values()),
            "unit": ["JPY"] * len(values),
            "obs_status": [None] * len(values),
            "source_id": ["boj"] * len(values),
            "series_code": ["BPBP6JYNSN907"] * len(values),
            "raw_sha256": ["0" * 64] * len(values),
            "is_sample": [False] * len(values),
            "valid_from": [at] * len(values),
            "fetched_at": [at] * len(values),
            "load_id": [run_id] * len(values),
        },
        schema=STAGE_OBSERVATION_SCHEMA,
    )


def _batch(observations: pl.DataFrame, run_id: str) -> LoadBatch:
    return LoadBatch(
        run_id=run_id,
        observations=observations,
        articles=frame([], ARTICLE_SCHEMA),
        fetches=frame([], FETCH_SCHEMA),
        quarantine=frame([], QUARANTINE_SCHEMA),
        parsed_bodies=frame([], PARSED_BODY_SCHEMA),
        run_sources=frame([{"run_id": run_id, "source_id": "boj", "status": "succeeded", "requests": 1,
                            "bytes": 1, "bodies_skipped": 0, "rows_parsed": observations.height,
                            "rows_quarantined": 0, "error": None}], RUN_SOURCE_SCHEMA),
        indicators=load_catalog().indicators_frame(),
    )


def test_revision_closes_the_old_row_new_key_inserts_and_same_value_writes_nothing(con) -> None:
    counts = load_batch(con, _batch(_obs({"2024-01": 1.0, "2024-02": 2.0}, "2026-01-01", "r1"), "r1"), datetime.now())
    assert counts["boj"].loaded == 2
    counts = load_batch(
        con, _batch(_obs({"2024-01": 1.0, "2024-02": 2.5, "2024-03": 3.0}, "2026-02-01", "r2"), "r2"), datetime.now()
    )
    assert (counts["boj"].loaded, counts["boj"].revised, counts["boj"].unchanged) == (1, 1, 1)
    rows = con.sql(
        "SELECT period, value, valid_from::DATE::VARCHAR, valid_to::DATE::VARCHAR, load_id FROM core.observations "
        "ORDER BY period, valid_from"
    ).fetchall()
    assert rows == [
        ("2024-01", 1.0, "2026-01-01", None, "r1"),
        ("2024-02", 2.0, "2026-01-01", "2026-02-01", "r1"),
        ("2024-02", 2.5, "2026-02-01", None, "r2"),
        ("2024-03", 3.0, "2026-02-01", None, "r2"),
    ]
    current = con.sql("SELECT count(*) FROM core.observations WHERE valid_to IS NULL").fetchall()
    assert current == [(3,)]


def test_a_revision_dated_before_the_current_row_still_orders_its_validity(con) -> None:
    load_batch(con, _batch(_obs({"2024-01": 1.0}, "2026-03-01", "r1"), "r1"), datetime.now())
    load_batch(con, _batch(_obs({"2024-01": 9.0}, "2026-01-01", "r2"), "r2"), datetime.now())
    (old_from, old_to), (new_from, new_to) = con.sql(
        "SELECT valid_from, valid_to FROM core.observations ORDER BY valid_from"
    ).fetchall()
    assert old_from < old_to == new_from and new_to is None


def test_a_failing_load_rolls_back_everything(con) -> None:
    load_batch(con, _batch(_obs({"2024-01": 1.0}, "2026-01-01", "r1"), "r1"), datetime.now())
    bad = _batch(_obs({"2024-02": 2.0}, "2026-02-01", "r2"), "r2")
    bad = LoadBatch(**{**bad.__dict__, "fetches": pl.DataFrame({"no_such_column": [1]})})
    with pytest.raises(Exception, match="no_such_column"):
        load_batch(con, bad, datetime.now())
    assert con.sql("SELECT count(*) FROM core.observations").fetchall() == [(1,)]
    assert con.sql("SELECT count(*) FROM ops.run_sources").fetchall() == [(1,)]


def test_as_of_returns_the_value_known_on_each_date_and_revisions_are_recorded(con) -> None:
    load_batch(con, _batch(_obs({"2024-01": 1.0, "2024-02": 2.0}, "2026-01-01", "r1"), "r1"), datetime.now())
    load_batch(con, _batch(_obs({"2024-01": 1.0, "2024-02": 2.5}, "2026-02-01", "r2"), "r2"), datetime.now())

    def as_of(day: str) -> dict[str, float]:
        return dict(con.sql(
            "SELECT period, value FROM core.observations_as_of(CAST($d AS DATE))", params={"d": day}
        ).fetchall())

    assert as_of("2025-12-31") == {}
    assert as_of("2026-01-01") == {"2024-01": 1.0, "2024-02": 2.0}
    assert as_of("2026-01-31") == {"2024-01": 1.0, "2024-02": 2.0}
    assert as_of("2026-02-01") == {"2024-01": 1.0, "2024-02": 2.5}
    columns = [c[0] for c in con.sql("DESCRIBE SELECT * FROM core.observations_as_of(DATE '2026-03-01')").fetchall()]
    assert columns == [c[0] for c in con.sql("DESCRIBE core.observations").fetchall()]
    revisions = con.sql("SELECT run_id, period, old_value, new_value, change, change_pct FROM ops.revisions").fetchall()
    assert revisions == [("r2", "2024-02", 2.0, 2.5, 0.5, 25.0)]
