"""conform_observations: the catalog decides what a series is; everything else is quarantined."""

from __future__ import annotations

import polars as pl

from catalog import load_catalog
from transforms.contracts import OBSERVATION_SCHEMA, REJECTED_SCHEMA
from transforms.observations import conform_observations


def _parsed(rows: list[tuple]) -> pl.DataFrame:
    return pl.DataFrame(
        [
            {"series_code": s, "area": "JPN", "period": p, "value": v, "unit": u, "obs_status": None,
             "source_updated": None}
            for s, p, v, u in rows
        ],
        schema=OBSERVATION_SCHEMA,
        orient="row",
    )


def test_conform_attaches_indicators_and_rejects_with_reasons() -> None:
    parsed = _parsed([
        ("BPBP6JYNSN907", "2024-01", -1e11, "JPY"),
        ("BPBP6JYNSN907", "2024-01", -2e11, "JPY"),  # duplicate key
        ("NOT_IN_CATALOG", "2024-01", 1.0, "JPY"),
        ("FXERM07", "2024-01", 150.0, "USD"),  # wrong unit
        ("BPBP6JYNSN9062", "2024-01", float("inf"), "JPY"),
        ("BPBP6JYNSN9082", "2024-01", None, "JPY"),  # missing value is kept (status says why)
    ])
    accepted, rejected = conform_observations(parsed, load_catalog().series_map(), "boj")
    assert accepted.select("indicator_id", "value").rows() == [
        ("bop_services_907_net", -1e11), ("bop_services_9082_net", None)]
    assert dict(rejected.schema) == REJECTED_SCHEMA
    reasons = rejected["reason"].to_list()
    assert len(reasons) == 4
    assert any("duplicate" in r for r in reasons)
    assert any("NOT_IN_CATALOG is not declared" in r for r in reasons)
    assert any("unit 'USD' differs from the catalog unit 'JPY per USD'" in r for r in reasons)
    assert any("not finite" in r for r in reasons)
    assert accepted.height + rejected.height == parsed.height


def test_series_of_another_source_are_not_matched() -> None:
    parsed = _parsed([("NY.GDP.MKTP.CD", "2024", 1.0, None)])
    accepted, rejected = conform_observations(parsed, load_catalog().series_map(), "boj")
    assert accepted.height == 0 and rejected.height == 1
