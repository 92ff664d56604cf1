"""Parse throughput of the BOJ and World Bank parsers, with strict JSON decoding (issue #13 items 3-4).

Strict decoding (repeated keys rejected, non-finite numbers quarantined point by point) must not
slow the common path much. This prints, for each body, measured in the same process on the same
bytes: the parser as it is (strict decoding), the same parser with plain ``orjson.loads`` patched in
as its decoder (how it decoded before #13: the baseline), and ``orjson.loads`` alone (the floor).
Times are the best of `--repeat` runs, which is steadier than the median on a shared machine.
Bodies:

- a BOJ getDataCode page at the API's limit, 60,000 points (250 series x 240 months);
- 20 World Bank pages of 1,000 rows each (one indicator for all countries, a year each);
- the same BOJ page with one ``1e309`` literal, and with one repeated ``"VALUES"`` key: the slow
  paths, which only such bodies take.

    .venv/bin/python benchmarks/bench_parsers.py [--repeat 15]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import transforms.boj
import transforms.worldbank
from transforms.boj import parse_boj
from transforms.errors import PayloadError
from transforms.worldbank import parse_worldbank


def boj_page(series: int = 250, months: int = 240) -> bytes:
    """A getDataCode answer in the live layout (lang=en), `series` x `months` points, 2 % nulls."""
    dates = [(2000 + m // 12) * 100 + m % 12 + 1 for m in range(months)]
    resultset = []
    for s in range(series):
        values = [None if (s * months + m) % 50 == 0 else round((s % 97) * 10.0 + m * 0.1, 1) for m in range(months)]
        resultset.append({
            "SERIES_CODE": f"BPBP6JYNS{s:05d}", "NAME_OF_TIME_SERIES": f"Services/bench {s}/Credit",
            "UNIT": "100 million Yen", "FREQUENCY": "MONTHLY",
            "CATEGORY": "Balance of Payments (Data Based on the BPM6)", "LAST_UPDATE": 20260209,
            "VALUES": {"SURVEY_DATES": dates, "VALUES": values},
        })
    return orjson.dumps({
        "STATUS": 200, "MESSAGEID": "M181000I", "MESSAGE": "Successfully completed",
        "DATE": "2026-02-21T15:58:56.071+09:00",
        "PARAMETER": {"FORMAT": "JSON", "LANG": "EN", "DB": "BP01", "STARTDATE": "200001", "ENDDATE": "201912",
                      "STARTPOSITION": ""},
        "NEXTPOSITION": None, "RESULTSET": resultset,
    })


def worldbank_pages(pages: int = 20, rows: int = 1000) -> list[bytes]:
    """`pages` v2 pages of `rows` rows each, in the live layout (10 % null values)."""
    out = []
    for p in range(pages):
        data = [
            {
                "indicator": {"id": "BX.GSR.CCIS.CD", "value": "ICT service exports (BoP, current US$)"},
                "country": {"id": f"C{(p * rows + i) % 266:03d}", "value": f"Country {(p * rows + i) % 266}"},
                "countryiso3code": f"X{(p * rows + i) % 266:02d}",
                "date": str(1960 + (p * rows + i) // 266 % 66),
                "value": None if i % 10 == 0 else 1.0e6 + i * 12345.678,
                "unit": "", "obs_status": "", "decimal": 0,
            }
            for i in range(rows)
        ]
        meta = {"page": p + 1, "pages": pages, "per_page": rows, "total": pages * rows, "sourceid": "2",
                "lastupdated": "2026-07-13"}
        out.append(orjson.dumps([meta, data]))
    return out


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Best wall time of `repeat` calls (after one warm-up) and the last result."""
    result = fn()
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


@contextmanager
def plain_orjson() -> Iterator[None]:
    """Both parsers decode with plain orjson.loads, as before strict decoding: the baseline."""
    saved = transforms.boj.decode_json, transforms.worldbank.decode_json

    def plain(body: bytes, source: str) -> Any:
        try:
            return orjson.loads(body)
        except orjson.JSONDecodeError as exc:
            raise PayloadError(source, f"body is not UTF-8 JSON: {exc}") from None

    transforms.boj.decode_json = transforms.worldbank.decode_json = plain
    try:
        yield
    finally:
        transforms.boj.decode_json, transforms.worldbank.decode_json = saved


def outcome(parse: Callable[[bytes], Any], body: bytes) -> Any:
    """The parser's result, or the PayloadError it raised (a body rejected whole is an outcome too)."""
    try:
        return parse(body)
    except PayloadError as exc:
        return exc


def describe(result: Any) -> str:
    if isinstance(result, PayloadError):
        return f"PayloadError: {str(result)[:90]}"
    return f"{result.observations.height} observations, {result.rejected.height} rejected"


def report(name: str, parse: Callable[[], Any], floor: Callable[[], Any], size: int, repeat: int) -> None:
    strict_s, result = timed(parse, repeat)
    with plain_orjson():
        plain_s, before = timed(parse, repeat)
    floor_s, _ = timed(floor, repeat)
    print(f"{name}: {size / 1e6:.2f} MB")
    print(f"  strict decoding  {strict_s * 1e3:8.1f} ms  {size / strict_s / 1e6:7.1f} MB/s  -> {describe(result)}")
    print(f"  plain orjson     {plain_s * 1e3:8.1f} ms  {size / plain_s / 1e6:7.1f} MB/s  -> {describe(before)}"
          "   (baseline)")
    print(f"  orjson.loads     {floor_s * 1e3:8.1f} ms  {size / floor_s / 1e6:7.1f} MB/s   (decode floor)")
    print(f"  ratio strict / plain: {strict_s / plain_s:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()

    boj = boj_page()
    report("BOJ getDataCode, 60,000 points", lambda: outcome(parse_boj, boj), lambda: orjson.loads(boj),
           len(boj), args.repeat)

    pages = worldbank_pages()
    size = sum(map(len, pages))
    report("World Bank, 20 pages x 1,000 rows", lambda: [outcome(parse_worldbank, p) for p in pages][-1],
           lambda: [orjson.loads(p) for p in pages], size, args.repeat)

    bad = boj.replace(b'"VALUES":[null,', b'"VALUES":[1e309,', 1)
    assert bad != boj
    report("BOJ page with one 1e309 literal", lambda: outcome(parse_boj, bad), lambda: orjson.loads(boj),
           len(bad), args.repeat)

    repeated = boj.replace(b'"VALUES":{', b'"VALUES":{"SURVEY_DATES":[],"VALUES":[]},"VALUES":{', 1)
    assert repeated != boj
    report("BOJ page with a repeated VALUES key", lambda: outcome(parse_boj, repeated), lambda: orjson.loads(boj),
           len(repeated), args.repeat)


if __name__ == "__main__":
    main()
