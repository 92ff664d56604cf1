"""warehouse.load.fx_to_jpy: the rates that convert an article's equivalent amounts do not depend on the
order in which the warehouse reads its rows (the embedded file and a DuckLake read them differently)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from warehouse import db
from warehouse.load import fx_to_jpy

# Twelve monthly averages whose DOUBLE mean differs in its last digit between this order and its reverse
# (132.73475833333333 against ...336): found by search, so the test fails on an order-dependent mean.
MONTHS = [157.3621, 156.8696, 103.3931, 105.0923, 150.1299, 144.1582,
          140.1838, 118.4882, 136.3566, 136.4081, 134.8722, 109.503]


def _rates(path: Path, months: list[tuple[int, float]]) -> dict[str, float]:
    con = db.connect(path)
    try:
        db.migrate(con)
        for month, value in months:
            con.execute(
                "INSERT INTO core.observation_versions BY NAME SELECT 'fx_usdjpy_monthly_avg' AS indicator_id, "
                "'JPN' AS area, 'W00' AS counterpart_area, $p AS period, $v AS value, 'JPY' AS unit, "
                "NULL AS obs_status, 'boj' AS source_id, 'FM08' AS series_code, $sha AS raw_sha256, "
                "FALSE AS is_sample, $f AS valid_from, $f AS recorded_at, 'test' AS load_id",
                {"p": f"2024-{month:02d}", "v": value, "sha": "0" * 64, "f": datetime(2025, 1, 10)},
            ).fetchall()
        return fx_to_jpy(con)
    finally:
        con.close()


def test_the_yen_per_dollar_mean_is_exact_whatever_order_the_rows_are_stored_in(tmp_path: Path) -> None:
    months = list(enumerate(MONTHS, start=1))
    forward = _rates(tmp_path / "forward.duckdb", months)
    backward = _rates(tmp_path / "backward.duckdb", months[::-1])
    assert forward["USD"] == backward["USD"]  # bit for bit
    assert abs(forward["USD"] - sum(MONTHS) / 12) < 1e-9
