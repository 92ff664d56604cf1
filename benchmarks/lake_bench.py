"""The DuckLake rows of the scale benchmark: sources loaded in parallel by 1, 2 and 4 worker processes.

Each worker is a process of its own, as a Prefect process worker's flow run is, with DuckDB
`threads=1` (MIERUKA_DUCKDB_THREADS=1) and Polars on one thread (POLARS_MAX_THREADS=1), so that N
workers use at most N cores. A worker takes its
share of the sources round-robin and, per source, does what a `mieruka-source` flow run does after
fetching: parse the body (BOJ getDataCode JSON, the real shape), conform it to the catalog, and load
it with `flows.workers.load_source` (appends only, under the source's lake lock, in one transaction).
The Prefect part (about 8 s to start each flow run's process on this machine) is not in these
figures: it is a fixed cost per source, not a cost per row.

For the lead's benchmarks/bench_scale.py: `lake_rows(make_body, sources, workers_list, ...)` returns
one dict per worker count (rows, seconds, rows/s, peak RSS of each worker); `make_body(source, rows)`
must be a module-level function (it runs in the spawned workers) returning one source's bytes in
BOJ getDataCode shape; `pg_dsn()` gives a PostgreSQL server (MIERUKA_TEST_PG_DSN, else a private
one started as the tests do). Standalone:

    .venv/bin/python benchmarks/lake_bench.py --rows 1000000 [--workers 1 2 4]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_load import make_payload, staged_batch
from tests.support.pg import DSN_ENV, PgServer
from transforms.boj import parse_boj
from transforms.observations import conform_observations
from warehouse import db
from warehouse.backend import THREADS_ENV, Warehouse
from warehouse.load import LoadBatch

SOURCES = [f"bench{n}" for n in range(8)]
MONTHS = 250  # BOJ-like monthly series, about 21 years each


def bench_body(source: str, rows: int) -> bytes:
    """One source's getDataCode answer with about `rows` points (series x 250 months)."""
    return make_payload(max(1, rows // MONTHS), MONTHS)


def _series_map(source: str, series: int) -> pl.DataFrame:
    return pl.DataFrame({
        "source_id": [source] * series,
        "series_code": [f"BENCH{s:05d}" for s in range(series)],
        "indicator_id": [f"{source}_{s}" for s in range(series)],
        "catalog_unit": ["JPY"] * series,
    })


def _batch(source: str, body: bytes, run_id: str) -> LoadBatch:
    """Parse + conform one source's body into the batch its flow run would load."""
    parsed = parse_boj(body)
    series = parsed.observations["series_code"].n_unique()
    accepted, rejected = conform_observations(parsed.observations, _series_map(source, series), source)
    return staged_batch(accepted, rejected, source, run_id, datetime(2026, 11, 26), len(body),
                        pl.DataFrame(schema={"indicator_id": pl.String}))  # appends compare no indicators


def _worker(job: tuple) -> dict:
    """One worker process: its sources, one after the other (bodies made before the clock starts)."""
    url, data_path, sources, rows_per_source, make_body, start_at = job
    os.environ[THREADS_ENV] = "1"
    from flows.workers import load_source

    bodies = {source: make_body(source, rows_per_source) for source in sources}
    while time.time() < start_at:  # every worker starts at once
        time.sleep(0.005)
    started = time.perf_counter()
    wh = Warehouse(url, data_path)
    con = wh.connect()  # one per process, as one flow run holds one (loading 80 MB of extensions: 0.6 s)
    loaded = retries = waits = 0
    try:
        for source in sources:
            batch = _batch(source, bodies[source], "bench")
            counts, retried, waited = load_source(wh, "bench", source, batch, before_commit=lambda: None, con=con)
            loaded += counts[source].loaded
            retries += retried
            waits += waited
    finally:
        con.close()
    return {"rows": loaded, "seconds": time.perf_counter() - started, "retries": retries, "waits": waits,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def lake_run(dsn: str, data_path: Path, workers: int, sources: list[str], rows: int,
             make_body: Callable[[str, int], bytes] = bench_body) -> dict:
    """Load `rows` observations spread over `sources` into a fresh lake with `workers` processes."""
    wh = Warehouse(f"ducklake:postgres:{dsn}", str(data_path))
    wh.ensure_data_path()
    con = wh.connect()
    try:
        db.migrate(con)
    finally:
        con.close()
    per_source = rows // len(sources)
    shares = [sources[i::workers] for i in range(workers)]
    context = multiprocessing.get_context("spawn")
    # one core per worker: Polars (parse, classify) reads its thread count when the worker imports it
    saved = os.environ.get("POLARS_MAX_THREADS")
    os.environ["POLARS_MAX_THREADS"] = "1"
    try:
        pool = context.Pool(workers)
    finally:
        if saved is None:
            os.environ.pop("POLARS_MAX_THREADS")
        else:
            os.environ["POLARS_MAX_THREADS"] = saved
    with pool:
        start_at = time.time() + 8.0  # after every worker has imported and made its bodies
        jobs = [(wh.url, str(data_path), share, per_source, make_body, start_at) for share in shares]
        pending = pool.map_async(_worker, jobs)
        while time.time() < start_at:
            time.sleep(0.01)
        started = time.perf_counter()
        results = pending.get(timeout=3600)
        seconds = time.perf_counter() - started
    con = wh.connect(read_only=True)
    try:
        stored = con.sql("SELECT count(*) FROM core.observation_versions").fetchall()[0][0]
    finally:
        con.close()
    loaded = sum(r["rows"] for r in results)
    assert stored == loaded, f"{stored} rows stored, {loaded} loaded"
    return {
        "workers": workers, "rows": loaded, "seconds": seconds, "rows_per_s": loaded / seconds,
        "peak_rss_mb": [round(r["peak_rss_mb"]) for r in results], "retries": sum(r["retries"] for r in results),
        "lock_waits": sum(r["waits"] for r in results),
    }


@contextmanager
def pg_dsn() -> Iterator[Callable[[str], str]]:
    """A function giving a fresh database's DSN on MIERUKA_TEST_PG_DSN's server or a private one."""
    if os.environ.get(DSN_ENV):
        server = PgServer.from_dsn(os.environ[DSN_ENV])
        yield server.create_database
        return
    root = Path(tempfile.mkdtemp(prefix="mieruka-bench-pg-"))
    server = PgServer.start(root)
    try:
        yield server.create_database
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


def lake_rows(make_body: Callable[[str, int], bytes], sources: list[str], workers_list: list[int], rows: int,
              create_database: Callable[[str], str]) -> list[dict]:
    """One lake run per worker count, each on a fresh database and data path."""
    out = []
    for workers in workers_list:
        with tempfile.TemporaryDirectory(prefix="mieruka-bench-lake-") as tmp:
            out.append(lake_run(create_database("bench"), Path(tmp) / "lake", workers, sources, rows, make_body))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    args = ap.parse_args()
    print(f"{args.rows:,} observations over {len(SOURCES)} sources (BOJ getDataCode JSON, {MONTHS} months per "
          f"series), DuckLake over PostgreSQL, DuckDB and Polars on 1 thread per worker, {os.cpu_count()} cores")
    with pg_dsn() as create_database:
        results = lake_rows(bench_body, SOURCES, args.workers, args.rows, create_database)
    base = results[0]
    for r in results:
        print(f"lake, {r['workers']} worker(s): {r['seconds']:6.2f} s  {r['rows_per_s'] / 1e6:5.2f} M rows/s  "
              f"x{r['rows_per_s'] / base['rows_per_s']:.2f} vs {base['workers']} worker(s)  "
              f"peak RSS per worker {r['peak_rss_mb']} MB  conflict retries {r['retries']}  "
              f"lock waits {r['lock_waits']}")


if __name__ == "__main__":
    main()
