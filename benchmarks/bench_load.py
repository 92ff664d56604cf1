"""1 M observations: parse (BOJ getDataCode JSON) -> conform -> bitemporal load into a DuckDB file.

Prints wall time, rows/s and peak RSS for mieruka's path, and the ratio against a baseline run in
the same process on the same bytes: DuckDB alone (`read_json` + `unnest` straight into a table,
the peers' physical limit in ../shared/reference/baselines.md). Also times an idempotent rerun
(the same 1 M rows again: all unchanged, nothing written).

    .venv/bin/python benchmarks/bench_load.py [--series 4000 --months 250]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import duckdb
import orjson
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from catalog import load_catalog
from transforms.boj import parse_boj
from transforms.observations import conform_observations
from warehouse import db
from warehouse.load import (
    ARTICLE_SCHEMA,
    FETCH_SCHEMA,
    PARSED_BODY_SCHEMA,
    QUARANTINE_SCHEMA,
    RUN_SOURCE_SCHEMA,
    LoadBatch,
    frame,
    load_batch,
)


def make_payload(series: int, months: int) -> bytes:
    """A getDataCode response in the real shape with `series` x `months` points (2% nulls)."""
    dates = [(2000 + m // 12) * 100 + m % 12 + 1 for m in range(months)]
    resultset = []
    for s in range(series):
        values = [None if (s * months + m) % 50 == 0 else round((s % 97) * 10.0 + m * 0.1, 1) for m in range(months)]
        resultset.append({
            "SERIES_CODE": f"BENCH{s:05d}", "NAME_OF_TIME_SERIES": f"bench {s}", "UNIT": "100 million Yen",
            "FREQUENCY": "MONTHLY", "CATEGORY": "bench", "LAST_UPDATE": 20260209,
            "VALUES": {"SURVEY_DATES": dates, "VALUES": values},
        })
    return orjson.dumps({"STATUS": 200, "MESSAGEID": "M181000I", "MESSAGE": "ok", "DATE": "2026-02-21T00:00:00",
                         "PARAMETER": {}, "NEXTPOSITION": None, "RESULTSET": resultset})


PHASES: dict[str, float] = {}


def staged_batch(accepted: pl.DataFrame, rejected: pl.DataFrame, source: str, run_id: str, now: datetime,
                 size: int, indicators: pl.DataFrame) -> LoadBatch:
    """The batch one source's conformed rows make, as its ingest step would stage them (no articles,
    fetches or quarantine): what the load benchmarks time."""
    stage = accepted.select(
        "indicator_id", "area", "counterpart_area", "period", "value", "unit", "obs_status",
        pl.lit(source).alias("source_id"), "series_code", pl.lit("0" * 64).alias("raw_sha256"),
        pl.lit(False).alias("is_sample"),
        pl.coalesce(pl.col("source_updated").cast(pl.Datetime("us")), pl.lit(now)).alias("valid_from"),
        pl.lit(now, dtype=pl.Datetime("us")).alias("fetched_at"), pl.lit(run_id).alias("load_id"),
    )
    run_sources = frame([{"run_id": run_id, "source_id": source, "status": "succeeded", "requests": 1,
                          "bytes": size, "bodies_skipped": 0, "rows_parsed": stage.height + rejected.height,
                          "rows_quarantined": rejected.height, "error": None}], RUN_SOURCE_SCHEMA)
    return LoadBatch(run_id=run_id, observations=stage, articles=frame([], ARTICLE_SCHEMA),
                     fetches=frame([], FETCH_SCHEMA), quarantine=frame([], QUARANTINE_SCHEMA),
                     parsed_bodies=frame([], PARSED_BODY_SCHEMA), run_sources=run_sources, indicators=indicators)


def mieruka_path(body: bytes, series_map: pl.DataFrame, db_path: Path, run_id: str) -> tuple[int, dict]:
    start = time.perf_counter()
    parsed = parse_boj(body)
    PHASES["parse"] = time.perf_counter() - start
    start = time.perf_counter()
    accepted, rejected = conform_observations(parsed.observations, series_map, "boj")
    PHASES["conform"] = time.perf_counter() - start
    now = datetime(2026, 11, 26)
    # the catalog's indicators, as the pipeline passes them: the run compares them with core.indicators
    batch = staged_batch(accepted, rejected, "boj", run_id, now, len(body), load_catalog().indicators_frame())
    stage = batch.observations
    con = db.connect(db_path)
    try:
        db.migrate(con)
        start = time.perf_counter()
        counts = load_batch(con, batch, now)
        con.execute("CHECKPOINT").fetchall()
        PHASES["load (one transaction, marts rebuilt)"] = time.perf_counter() - start
    finally:
        con.close()
    return stage.height + rejected.height, {k: v.__dict__ for k, v in counts.items()}


def duckdb_alone(json_path: Path, db_path: Path) -> int:
    con = duckdb.connect(str(db_path))
    try:
        con.execute(f"""
            CREATE TABLE obs AS
            WITH s AS (SELECT unnest(RESULTSET) AS r FROM read_json('{json_path}', maximum_object_size=1000000000))
            SELECT r.SERIES_CODE AS series_code, unnest(r."VALUES".SURVEY_DATES)::VARCHAR AS period,
                   unnest(r."VALUES"."VALUES")::DOUBLE * 1e8 AS value
            FROM s""").fetchall()
        con.execute("CHECKPOINT").fetchall()
        return con.sql("SELECT count(*) FROM obs").fetchall()[0][0]
    finally:
        con.close()


def timed(fn, *args):
    start = time.perf_counter()
    out = fn(*args)
    return time.perf_counter() - start, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--series", type=int, default=4000)
    ap.add_argument("--months", type=int, default=250)
    args = ap.parse_args()
    points = args.series * args.months
    body = make_payload(args.series, args.months)
    series_map = pl.DataFrame({
        "source_id": ["boj"] * args.series,
        "series_code": [f"BENCH{s:05d}" for s in range(args.series)],
        "indicator_id": [f"bench_{s}" for s in range(args.series)],
        "catalog_unit": ["JPY"] * args.series,
    })
    print(f"payload: {points:,} observations, {len(body) / 1e6:.1f} MB of BOJ getDataCode JSON")
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        json_path = tmpdir / "payload.json"
        json_path.write_bytes(body)
        base_s, base_rows = timed(duckdb_alone, json_path, tmpdir / "baseline.duckdb")
        first_s, (rows, counts) = timed(mieruka_path, body, series_map, tmpdir / "w.duckdb", "run-1")
        first_phases = dict(PHASES)
        again_s, (_, counts_again) = timed(mieruka_path, body, series_map, tmpdir / "w.duckdb", "run-2")
        con = db.connect(tmpdir / "w.duckdb")
        marts_s, _ = timed(db.build_marts, con)  # the per-run fixed cost inside every load, measured alone
        con.close()
        first_phases["of which: rebuilding the marts (fixed per run, measured again alone)"] = marts_s
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    base_rate, first_rate = base_rows / base_s / 1e6, rows / first_s / 1e6
    print(f"baseline  DuckDB alone (read_json + unnest -> table): {base_s:6.2f} s  {base_rate:5.2f} M rows/s")
    print(f"mieruka   parse + conform + bitemporal load (first):  {first_s:6.2f} s  {first_rate:5.2f} M rows/s"
          f"  loaded={counts['boj']['loaded']:,}")
    print(f"mieruka   idempotent rerun (all unchanged):           {again_s:6.2f} s  "
          f"unchanged={counts_again['boj']['unchanged']:,} loaded={counts_again['boj']['loaded']}")
    for phase, seconds in first_phases.items():
        print(f"          first load, {phase}: {seconds:.2f} s")
    print(f"ratio first load / baseline: {first_s / base_s:.2f}x   rerun / baseline: {again_s / base_s:.2f}x")
    print(f"peak RSS of the process: {rss_mb:,.0f} MB   target: 1 M observations parsed and loaded <= 3 s")


if __name__ == "__main__":
    main()
