"""A new source kind is one adapter plus its registration: no other code changes.

The throwaway kind below reads a tiny "key,period,value" CSV that names its next page in a last
line ``next=N``; it is registered, declared in a test catalog and run end to end through the real
pipeline (live mode against the loopback server), with no edit to flows/, catalog/ or warehouse/.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, ClassVar

import duckdb
import polars as pl
import pytest

from catalog.loader import CATALOG_DIR
from flows.pipeline import pipeline
from tests.support.loopback import LoopbackServer, Reply
from transforms.adapters import Parsed, Request, ResponseInfo, SampleBody, SourceAdapter, register, unregister
from transforms.adapters.base import with_query
from transforms.contracts import OBSERVATION_SCHEMA


class ToyCsvAdapter(SourceAdapter):
    kind: ClassVar[str] = "toy_csv"
    page_param: ClassVar[str | None] = "page"

    def plan(self, source, catalog) -> list[Request]:
        return [Request(source.id, with_query(f"{source.base_url}/toy.csv", {"page": "1"}), "toy")]

    def parse(self, body: bytes, request: Request, source, catalog, info: ResponseInfo) -> Parsed:
        lines = body.decode().strip().splitlines()
        next_page = int(lines.pop()[5:]) if lines[-1].startswith("next=") else None
        rows = [line.split(",") for line in lines]
        frame = pl.DataFrame(
            {
                "series_code": [r[0] for r in rows],
                "area": ["JPN"] * len(rows),
                "period": [r[1] for r in rows],
                "value": [float(r[2]) for r in rows],
                "unit": ["JPY"] * len(rows),
                "obs_status": [None] * len(rows),
                "source_updated": [None] * len(rows),
            },
            schema=OBSERVATION_SCHEMA,
        )
        return Parsed(observations=frame, next_page=next_page)

    def render_sample(self, request: Request, source, catalog, data: Mapping[str, Any]) -> SampleBody:
        return SampleBody(b"TOY1,2024,1\n", "text/csv", "data")


@pytest.fixture
def toy_kind() -> Iterator[None]:
    register(ToyCsvAdapter())
    try:
        yield
    finally:
        unregister("toy_csv")


def test_a_registered_adapter_runs_end_to_end_with_no_other_change(
    toy_kind: None, tmp_path: Path, loopback: LoopbackServer, prefect_api: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalog = tmp_path / "catalog"
    shutil.copytree(CATALOG_DIR, catalog, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    with (catalog / "sources.yaml").open("a") as fh:
        fh.write(f"  toy:\n    name: Toy\n    kind: toy_csv\n    base_url: {loopback.url('/api')}\n"
                 "    cadence_hours: 0\n    credit: \"\"\n")
    with (catalog / "indicators.yaml").open("a") as fh:
        fh.write("  - id: toy_one\n    name_en: Toy one\n    name_ja: おもちゃ\n    definition: A test series.\n"
                 "    unit: JPY\n    frequency: annual\n    source: toy\n    series: {code: TOY1}\n")
    monkeypatch.setenv("MIERUKA_CATALOG_DIR", str(catalog))
    loopback.script("/api/toy.csv?page=1", Reply(200, b"TOY1,2023,10\nnext=2\n"))
    loopback.script("/api/toy.csv?page=2", Reply(200, b"TOY1,2024,20\nUNKNOWN,2024,5\n"))

    summary = pipeline(mode="live", sources=["toy"], data_dir=str(tmp_path / "data"))

    assert summary.status == "succeeded"
    assert [p for p, _ in loopback.requests] == ["/api/toy.csv?page=1", "/api/toy.csv?page=2"]
    con = duckdb.connect(str(tmp_path / "data" / "mieruka.duckdb"), read_only=True)
    try:
        rows = con.sql("SELECT indicator_id, period, value FROM core.observations WHERE source_id = 'toy' "
                       "ORDER BY period").fetchall()
        quarantined = con.sql("SELECT series_code, reason FROM ops.quarantine WHERE source_id = 'toy'").fetchall()
        parsers = con.sql("SELECT DISTINCT parser FROM raw.parsed_bodies WHERE source_id = 'toy'").fetchall()
    finally:
        con.close()
    assert rows == [("toy_one", "2023", 10.0), ("toy_one", "2024", 20.0)]
    assert quarantined == [("UNKNOWN", "series UNKNOWN is not declared in catalog/indicators.yaml")]
    assert parsers == [("toy_csv@1",)]


def test_the_catalog_refuses_a_kind_nobody_registered(tmp_path: Path) -> None:
    from catalog import CatalogError, load_catalog

    catalog = tmp_path / "catalog"
    shutil.copytree(CATALOG_DIR, catalog, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    with (catalog / "sources.yaml").open("a") as fh:
        fh.write("  toy:\n    name: Toy\n    kind: toy_csv\n")
    with pytest.raises(CatalogError, match="unknown kind 'toy_csv'"):
        load_catalog(catalog)
