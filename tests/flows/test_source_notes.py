"""An SDMX query that matched no data (HTTP 404, or a "NoRecordsFound" body) is a successful, empty
answer whose note reaches ops.run_sources and ops.source_health, not a failed source."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from catalog import load_catalog
from flows.pipeline import pipeline
from flows.snapshots import snapshot_paths
from tests.support.warehouse import query
from transforms.adapters import adapter_for

pytestmark = pytest.mark.usefixtures("prefect_api")


def oecd_data_snapshot(snapshots: Path) -> tuple[Path, Path]:
    catalog = load_catalog()
    source = catalog.sources["oecd"]
    request = next(r for r in adapter_for(source.kind).plan(source, catalog) if r.step == "data")
    paths = snapshot_paths(snapshots, "oecd", request.url)
    return paths.body, paths.meta


def test_no_records_answers_are_notes_and_real_data_clears_them(tmp_path: Path, snapshot_copy: Path) -> None:
    data = tmp_path / "data"
    body_path, meta_path = oecd_data_snapshot(snapshot_copy)
    original_body, original_meta = body_path.read_bytes(), meta_path.read_text(encoding="utf-8")
    meta = json.loads(original_meta)

    meta_path.write_text(json.dumps({**meta, "status": 404}), encoding="utf-8")
    summary = pipeline(data_dir=str(data), snapshots_dir=str(snapshot_copy), sources=["oecd"])
    assert summary.status == "succeeded"
    published = data / "mieruka.duckdb"
    assert query(published, "SELECT count(*) FROM core.observations WHERE source_id = 'oecd'") == [(0,)]
    health = query(published, "SELECT consecutive_failures, last_success IS NOT NULL, notes FROM ops.source_health")
    assert health == [(0, True, "no records: HTTP 404 to JPN+KOR+CHN+USA.W.S+SI+SH.B.T.A.USD_EXC.N "
                                "(SDMX REST: the query matched no data)")]

    meta_path.write_text(original_meta, encoding="utf-8")
    body_path.write_bytes(b"NoRecordsFound")
    pipeline(data_dir=str(data), snapshots_dir=str(snapshot_copy), sources=["oecd"])
    notes = query(published, "SELECT notes FROM ops.run_sources ORDER BY run_id")
    assert notes[-1] == ("no records: the provider answered 'NoRecordsFound' (the query matched no data)",)
    assert query(published, "SELECT notes FROM raw.parsed_bodies WHERE notes IS NOT NULL") == [notes[-1]]
    # the same body again is skipped as already parsed, and still says what it said
    pipeline(data_dir=str(data), snapshots_dir=str(snapshot_copy), sources=["oecd"])
    latest = query(published, "SELECT bodies_skipped, notes FROM ops.run_sources ORDER BY run_id")[-1]
    assert latest == (2, notes[-1][0])

    body_path.write_bytes(original_body)
    pipeline(data_dir=str(data), snapshots_dir=str(snapshot_copy), sources=["oecd"])
    assert query(published, "SELECT count(*) FROM core.observations WHERE source_id = 'oecd'") == [(132,)]
    assert query(published, "SELECT notes FROM ops.source_health") == [(None,)]
