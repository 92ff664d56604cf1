"""DuckDB alone loading the benchmark's bodies into one table: the baseline of bench_scale.py.

    python benchmarks/baseline_duckdb.py DB JSON_LIST CSV_LIST   (prints the rows loaded)

Run in a process of its own, so its peak RSS is its own.
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb

SQL = Path(__file__).resolve().parent / "sql"


def main(db: str, json_list: str, csv_list: str) -> None:
    jsons = [line for line in Path(json_list).read_text().split("\n") if line]
    csvs = [line for line in Path(csv_list).read_text().split("\n") if line]
    shapes = {"baseline_boj": [], "baseline_worldbank": [], "baseline_sdmx": csvs}
    for path in jsons:
        with open(path, "rb") as fh:
            shapes["baseline_boj" if fh.read(1) == b"{" else "baseline_worldbank"].append(path)
    con = duckdb.connect(db)
    con.execute("CREATE TABLE obs (series VARCHAR, area VARCHAR, period VARCHAR, value DOUBLE)").fetchall()
    for name, files in shapes.items():
        if files:
            con.execute((SQL / f"{name}.sql").read_text(), {"files": files}).fetchall()
    con.execute("CHECKPOINT").fetchall()
    print(con.sql("SELECT count(*) FROM obs").fetchall()[0][0])


if __name__ == "__main__":
    main(*sys.argv[1:4])
