"""`--rows` observations (default 10 M) over 8 sources of real shapes, end to end, against DuckDB alone.

The data: a catalog of 8 sources and a snapshot folder holding the answer to every request their
adapters plan, in the services' real layouts:
- 3 BOJ getDataCode sources (66 % of the rows): monthly series, 250 codes per request, pages of at
  most 60,000 points chained by NEXTPOSITION, as the API sends them;
- 2 World Bank v2 sources (10 %): 250 economies per indicator, 1,000 rows per page;
- 3 SDMX-CSV sources (24 %): one data file per source (plus its structure message).

What it measures, each in a process of its own (peak RSS of that process tree, from wait4):
1. baseline: DuckDB alone reading the same bodies into a table (`read_json` + unnest for the JSON,
   `read_csv` for SDMX-CSV): the physical limit of the peers in ../shared/reference/baselines.md;
2. embedded: `mieruka run` on the default embedded warehouse (replay of the folder: fetch, land raw,
   parse, stage, load, marts, publish), its stage times as the run prints them, and the same run
   again on unchanged inputs (nothing to parse or compare: the pipeline work is the sum of its stages,
   Prefect's start excluded);
3. lake: the DuckLake rows of benchmarks/lake_bench.py (1, 2 and 4 worker processes, DuckDB and Polars
   on one thread each), on a private PostgreSQL (or MIERUKA_TEST_PG_DSN). --skip-lake leaves them out.

    .venv/bin/python benchmarks/bench_scale.py [--rows 10000000] [--workers 1 2 4] [--skip-lake]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson
import yaml

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from catalog import load_catalog  # noqa: E402
from flows.snapshots import write_snapshot  # noqa: E402
from transforms.adapters import Parsed, adapter_for  # noqa: E402

MONTHS = 600  # BOJ monthly series: 1976-01 .. 2025-12
BOJ_CODES_PER_REQUEST = 250
BOJ_POINTS_PER_PAGE = 60_000
WB_AREAS = [f"{chr(65 + i // 676)}{chr(65 + i // 26 % 26)}{chr(65 + i % 26)}" for i in range(250)]  # AAA..AJP
WB_YEARS = list(range(1966, 2026))  # 60 years
WB_PER_PAGE = 1_000
SDMX_AREAS = WB_AREAS
SDMX_YEARS = list(range(1946, 2026))  # 80 years
SHARES = {"boj": 0.22, "wb": 0.05, "sdmx": 0.08}  # per source: 3 x 0.22 + 2 x 0.05 + 3 x 0.08 = 1
SOURCES = {"boj": ["bench_boj_a", "bench_boj_b", "bench_boj_c"], "wb": ["bench_wb_a", "bench_wb_b"],
           "sdmx": ["bench_sdmx_a", "bench_sdmx_b", "bench_sdmx_c"]}
RECORDED_AT = "2026-11-26T00:00:00Z"


# --- the data ----------------------------------------------------------------------------------


def write_catalog(root: Path, rows: int) -> dict[str, int]:
    """sources.yaml + indicators.yaml for the 8 sources; returns the series count of each source."""
    sources, indicators, counts = {}, [], {}
    for source in SOURCES["boj"]:
        series = max(1, round(rows * SHARES["boj"] / MONTHS))
        counts[source] = series
        sources[source] = {"name": f"Bench {source}", "kind": "boj_api", "base_url": f"https://{source}.invalid/api",
                           "start": "197601", "cadence_hours": 0}
        indicators += [{"id": f"{source}_{s}", "name_en": f"{source} {s}", "name_ja": f"{source} {s}",
                        "definition": "Benchmark series.", "unit": "JPY", "frequency": "monthly", "source": source,
                        "series": {"code": f"{source.upper()}{s:05d}", "db": "BENCH"}} for s in range(series)]
    for source in SOURCES["wb"]:
        series = max(1, round(rows * SHARES["wb"] / (len(WB_AREAS) * len(WB_YEARS))))
        counts[source] = series
        sources[source] = {"name": f"Bench {source}", "kind": "worldbank_v2", "base_url": f"https://{source}.invalid/v2",
                           "date": "1966:2025", "per_page": WB_PER_PAGE, "cadence_hours": 0}
        indicators += [{"id": f"{source}_{s}", "name_en": f"{source} {s}", "name_ja": f"{source} {s}",
                        "definition": "Benchmark series.", "unit": "USD", "frequency": "annual", "source": source,
                        "series": {"code": f"BENCH.{source.upper()}.{s}"}, "areas": WB_AREAS} for s in range(series)]
    for source in SOURCES["sdmx"]:
        series = max(1, round(rows * SHARES["sdmx"] / (len(SDMX_AREAS) * len(SDMX_YEARS))))
        counts[source] = series
        sources[source] = {"name": f"Bench {source}", "kind": "sdmx_csv", "base_url": f"https://{source}.invalid/rest",
                           "dataflow": f"BENCH,DF_{source.upper()},1.0", "structure": f"BENCH/DF_{source.upper()}/1.0",
                           "key": "all", "start_period": "1946", "format": "csv", "series_dims": ["MEASURE"],
                           "cadence_hours": 0}
        indicators += [{"id": f"{source}_{s}", "name_en": f"{source} {s}", "name_ja": f"{source} {s}",
                        "definition": "Benchmark series.", "unit": "USD", "frequency": "annual", "source": source,
                        "series": {"code": f"M{s:03d}"}} for s in range(series)]
    root.mkdir(parents=True, exist_ok=True)
    (root / "sources.yaml").write_text(yaml.safe_dump({"sources": sources}, sort_keys=False), encoding="utf-8")
    (root / "indicators.yaml").write_text(yaml.safe_dump({"indicators": indicators}, sort_keys=False,
                                                         width=10_000), encoding="utf-8")
    return counts


def _boj_page(codes: list[str], offset: int, next_position: int | None) -> bytes:
    dates = [(1976 + m // 12) * 100 + m % 12 + 1 for m in range(MONTHS)]
    resultset = [
        {"SERIES_CODE": code, "NAME_OF_TIME_SERIES": code, "UNIT": "100 million Yen", "FREQUENCY": "MONTHLY",
         "CATEGORY": "bench", "LAST_UPDATE": 20261110,
         "VALUES": {"SURVEY_DATES": dates,
                    "VALUES": [None if (i + m) % 53 == 0 else round((i % 97) * 10.0 + m * 0.1, 1)
                               for m in range(MONTHS)]}}
        for i, code in enumerate(codes, start=offset)
    ]
    return orjson.dumps({"STATUS": 200, "MESSAGEID": "M181000I", "MESSAGE": "Successfully completed",
                         "DATE": "2026-11-26T09:00:00.000+09:00", "PARAMETER": {}, "NEXTPOSITION": next_position,
                         "RESULTSET": resultset})


def _wb_page(code: str, page: int, pages: int, chunk: list[tuple[str, int]]) -> bytes:
    rows = [{"indicator": {"id": code, "value": code}, "country": {"id": area[:2], "value": area},
             "countryiso3code": area, "date": str(year),
             "value": None if (ord(area[2]) + year) % 50 == 0 else round((year - 1900) * 1.5e9 + ord(area[1]), 1),
             "unit": "", "obs_status": "", "decimal": 0} for area, year in chunk]
    meta = {"page": page, "pages": pages, "per_page": WB_PER_PAGE, "total": pages * WB_PER_PAGE, "sourceid": "2",
            "lastupdated": "2026-07-01"}
    return orjson.dumps([meta, rows])


def _sdmx_csv(source: str, series: int) -> bytes:
    lines = ["DATAFLOW,REF_AREA,MEASURE,TIME_PERIOD,OBS_VALUE,UNIT_MULT,OBS_STATUS"]
    flow = f"BENCH:DF_{source.upper()}(1.0)"
    for s in range(series):
        measure = f"M{s:03d}"
        lines += [f"{flow},{area},{measure},{year},{(year - 1900) * 1.25 + s:.2f},6,A"
                  for area in SDMX_AREAS for year in SDMX_YEARS]
    return ("\r\n".join(lines) + "\r\n").encode()


def write_snapshots(catalog_dir: Path, snaps: Path, counts: dict[str, int]) -> tuple[int, list[Path], list[Path]]:
    """Every answer the sources' adapters ask for; returns (bytes, JSON body files, CSV body files)."""
    catalog = load_catalog(catalog_dir)
    total, json_files, csv_files = 0, [], []

    def save(source: str, url: str, body: bytes, content_type: str, kind_files: list[Path]) -> None:
        nonlocal total
        paths = write_snapshot(snaps, source, url, 200, content_type, body, RECORDED_AT)
        kind_files.append(paths.body)
        total += len(body)

    for source_id, source in catalog.sources.items():
        adapter = adapter_for(source.kind)
        for request in adapter.plan(source, catalog):
            if source_id in SOURCES["boj"]:
                codes = request.url.split("code=")[1].split("&")[0].split(",")
                per_page = BOJ_POINTS_PER_PAGE // MONTHS
                for start in range(0, len(codes), per_page):
                    last = start + per_page >= len(codes)
                    url = request.url if start == 0 else adapter.next_request(request, Parsed(next_page=start + 1)).url
                    save(source_id, url, _boj_page(codes[start:start + per_page], start, None if last else
                                                   start + per_page + 1), "application/json", json_files)
            elif source_id in SOURCES["wb"]:
                code = request.label
                keys = [(area, year) for area in WB_AREAS for year in reversed(WB_YEARS)]
                pages = -(-len(keys) // WB_PER_PAGE)
                for page in range(1, pages + 1):
                    url = request.url if page == 1 else adapter.next_request(request, Parsed(next_page=page)).url
                    chunk = keys[(page - 1) * WB_PER_PAGE: page * WB_PER_PAGE]
                    save(source_id, url, _wb_page(code, page, pages, chunk), "application/json", json_files)
            elif request.step == "structure":
                body = (b'<?xml version="1.0" encoding="utf-8"?><message:Structure '
                        b'xmlns:message="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message" '
                        b'xmlns:structure="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure" '
                        b'xmlns:common="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common">'
                        b'<message:Structures><structure:Codelists/></message:Structures></message:Structure>')
                save(source_id, request.url, body, "application/vnd.sdmx.structure+xml; version=2.1", [])
            else:
                save(source_id, request.url, _sdmx_csv(source_id, counts[source_id]),
                     "application/vnd.sdmx.data+csv; charset=utf-8", csv_files)
    return total, json_files, csv_files


# --- the runs ----------------------------------------------------------------------------------


def run_measured(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """(wall seconds, peak RSS MB of the process tree, stdout) of one command, waited for with wait4."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(cmd, cwd=PROJECT, env=env, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - started
        out.seek(0)
        text = out.read().decode(errors="replace")
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} exited {proc.returncode}:\n{text[-4000:]}")
    return seconds, usage.ru_maxrss / 1024, text


def stage_times(text: str) -> dict[str, float]:
    return {m.group(1): float(m.group(2)) for m in re.finditer(r"^  (.+?) took ([0-9.]+) s$", text, re.M)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    ap.add_argument("--skip-lake", action="store_true", help="leave out the DuckLake rows (no PostgreSQL)")
    ap.add_argument("--keep", metavar="DIR", help="generate into DIR and keep it (default: a temporary folder)")
    args = ap.parse_args()
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="mieruka-bench-scale-"))
    try:
        started = time.perf_counter()
        counts = write_catalog(work / "catalog", args.rows)
        size, json_files, csv_files = write_snapshots(work / "catalog", work / "snapshots", counts)
        print(f"generated {args.rows:,} observations over {len(counts)} sources ({size / 1e6:,.0f} MB of bodies, "
              f"{len(json_files) + len(csv_files):,} answers) in {time.perf_counter() - started:.1f} s; "
              f"{os.cpu_count()} cores")
        (work / "json.txt").write_text("\n".join(map(str, json_files)))
        (work / "csv.txt").write_text("\n".join(map(str, csv_files)))
        base_s, base_rss, out = run_measured([sys.executable, str(PROJECT / "benchmarks" / "baseline_duckdb.py"),
                                              str(work / "baseline.duckdb"), str(work / "json.txt"),
                                              str(work / "csv.txt")])
        base_rows = int(out.strip().splitlines()[-1])
        env = {**os.environ, "MIERUKA_CATALOG_DIR": str(work / "catalog")}
        cmd = [sys.executable, "-m", "flows.cli", "run", "--data-dir", str(work / "data"),
               "--snapshots", str(work / "snapshots")]
        first_s, first_rss, first_out = run_measured(cmd, env)
        again_s, again_rss, again_out = run_measured(cmd, env)
        first, again = stage_times(first_out), stage_times(again_out)
        loaded = sum(int(m) for m in re.findall(r"parsed: ([0-9]+) new", first_out))
        print(f"baseline  DuckDB alone (read_json/read_csv -> table): {base_s:7.2f} s  "
              f"{base_rows / base_s / 1e6:5.2f} M rows/s  peak RSS {base_rss:,.0f} MB")
        print(f"embedded  mieruka run (first, Prefect start included): {first_s:7.2f} s  "
              f"{loaded / first_s / 1e6:5.2f} M rows/s  peak RSS {first_rss:,.0f} MB  loaded {loaded:,}")
        pipeline_s = sum(first.values())
        print("          its stages: " + ", ".join(f"{k} {v:.2f} s" for k, v in first.items())
              + f"  (pipeline work {pipeline_s:.2f} s)")
        print(f"          unchanged rerun: {again_s:7.2f} s  peak RSS {again_rss:,.0f} MB; pipeline work "
              f"{sum(again.values()):.2f} s (" + ", ".join(f"{k} {v:.2f} s" for k, v in again.items()) + ")")
        print(f"ratio embedded / baseline: {first_s / base_s:.2f}x (pipeline work alone {pipeline_s / base_s:.2f}x); "
              f"peak RSS {first_rss / base_rss:.2f}x")
        marts = re.findall(r"marts rebuilt: (.*)", again_out)
        if marts:
            print(f"          marts rebuilt on the unchanged rerun: {marts[-1]}")
        if not args.skip_lake:
            from benchmarks.lake_bench import SOURCES as LAKE_SOURCES
            from benchmarks.lake_bench import bench_body, lake_rows, pg_dsn

            with pg_dsn() as create_database:
                results = lake_rows(bench_body, LAKE_SOURCES, args.workers, args.rows, create_database)
            one = results[0]
            for r in results:
                print(f"lake      {r['workers']} worker(s), DuckDB threads=1 each: {r['seconds']:7.2f} s  "
                      f"{r['rows_per_s'] / 1e6:5.2f} M rows/s  x{r['rows_per_s'] / one['rows_per_s']:.2f} vs "
                      f"{one['workers']} worker(s)  peak RSS per worker {r['peak_rss_mb']} MB")
        (work / "result.json").write_text(json.dumps({"first": first, "again": again}))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
