"""counterpart_area is part of an observation's key: a bilateral value is its own row, revised on its
own, and every series loaded before the column existed becomes the world's (W00)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import polars as pl
import pytest

from catalog.loader import Catalog, Indicator
from tests.warehouse.test_schema_and_load import _batch, _obs
from transforms.contracts import OBSERVATION_SCHEMA
from transforms.observations import conform_observations
from warehouse import db
from warehouse.load import load_batch


def test_rows_loaded_before_the_migration_become_the_world_s(tmp_path: Path) -> None:
    connection = db.connect(tmp_path / "old.duckdb")
    try:
        connection.execute("CREATE SCHEMA IF NOT EXISTS ops").fetchall()
        connection.execute(
            "CREATE TABLE ops.schema_version (version INTEGER NOT NULL, name VARCHAR NOT NULL, "
            "applied_at TIMESTAMP NOT NULL)"
        ).fetchall()
        for version, name, path in db.migrations():
            if version < 8:
                db.run_script(connection, path)
                connection.execute("INSERT INTO ops.schema_version VALUES ($v, $n, now())", {"v": version, "n": name})
        connection.execute(
            "INSERT INTO core.observations (indicator_id, area, period, value, unit, source_id, series_code, "
            "raw_sha256, is_sample, valid_from, load_id) VALUES ('x', 'JPN', '2024', 1, 'JPY', 'boj', 'X', 'sha', "
            "FALSE, TIMESTAMP '2026-01-01', 'r0')"
        ).fetchall()
        assert 8 in db.migrate(connection)
        assert connection.sql("SELECT counterpart_area FROM core.observations").fetchall() == [("W00",)]
        with pytest.raises(Exception, match="NOT NULL"):
            connection.execute(
                "INSERT INTO core.observation_versions (indicator_id, area, counterpart_area, period, value, unit, "
                "source_id, series_code, raw_sha256, is_sample, valid_from, recorded_at, load_id) VALUES ('x', "
                "'JPN', NULL, '2025', 1, 'JPY', 'boj', 'X', 'sha', FALSE, TIMESTAMP '2026-01-01', "
                "TIMESTAMP '2026-01-01', 'r0')"
            ).fetchall()
    finally:
        connection.close()


def test_partners_are_separate_rows_and_revise_separately(con) -> None:
    world, eu = _obs({"2024": 1.0}, "2026-01-01", "r1", "W00"), _obs({"2024": 0.2}, "2026-01-01", "r1", "EU27_2020")
    both = pl.concat([world, eu])
    assert load_batch(con, _batch(both, "r1"), datetime.now())["boj"].loaded == 2
    counts = load_batch(con, _batch(_obs({"2024": 0.3}, "2026-02-01", "r2", "EU27_2020"), "r2"), datetime.now())
    assert (counts["boj"].loaded, counts["boj"].revised) == (0, 1)
    current = con.sql(
        "SELECT counterpart_area, value FROM core.observations WHERE valid_to IS NULL ORDER BY counterpart_area"
    ).fetchall()
    assert current == [("EU27_2020", 0.3), ("W00", 1.0)]  # the world's row was not closed by the EU's revision
    assert con.sql("SELECT counterpart_area, old_value, new_value FROM ops.revisions").fetchall() == [
        ("EU27_2020", 0.2, 0.3)
    ]
    as_of = con.sql(
        "SELECT counterpart_area, value FROM core.observations_as_of(DATE '2026-01-15') ORDER BY counterpart_area"
    ).fetchall()
    assert as_of == [("EU27_2020", 0.2), ("W00", 1.0)]


def _catalog(counterpart: str | None) -> Catalog:
    indicator = Indicator(
        id="eu_ip_credit", name_en="x", name_ja="x", definition="x", unit="JPY", frequency="quarterly",
        source="boj", series_code="S1", series_db="BP01", areas=("JPN",), counterpart_area=counterpart,
    )
    return Catalog(sources={}, indicators=(indicator,))


def _parsed(counterpart: list[str | None] | None = None) -> pl.DataFrame:
    rows = {"series_code": ["S1", "S1"], "area": ["JPN", "JPN"], "period": ["2024-Q1", "2024-Q2"],
            "value": [1.0, 2.0], "unit": [None, None], "obs_status": [None, None], "source_updated": [None, None]}
    frame = pl.DataFrame(rows, schema=OBSERVATION_SCHEMA)
    if counterpart is None:
        return frame
    return frame.with_columns(counterpart_area=pl.Series(counterpart, dtype=pl.String))


@pytest.mark.parametrize(
    ("catalog_says", "parser_says", "expected"),
    [(None, None, ["W00", "W00"]), ("EU27_2020", None, ["EU27_2020", "EU27_2020"]),
     (None, ["JPN", None], ["JPN", "W00"]), ("JPN", ["JPN", "JPN"], ["JPN", "JPN"])],
)
def test_conform_fills_the_catalog_s_counterpart_or_the_world(
    catalog_says: str | None, parser_says: list[str | None] | None, expected: list[str]
) -> None:
    accepted, rejected = conform_observations(_parsed(parser_says), _catalog(catalog_says).series_map(), "boj")
    assert rejected.height == 0
    assert accepted["counterpart_area"].to_list() == expected


def test_a_parser_s_counterpart_that_contradicts_the_catalog_is_rejected() -> None:
    accepted, rejected = conform_observations(_parsed(["USA", "EU27_2020"]), _catalog("EU27_2020").series_map(), "boj")
    assert accepted["counterpart_area"].to_list() == ["EU27_2020"]
    assert rejected.select("row_ref", "reason").rows() == [
        ("JPN 2024-Q1", "counterpart area 'USA' differs from the catalog's 'EU27_2020'")
    ]
