"""marts.eu_japan_digital_mirror: its arithmetic recomputed from the recorded sample bodies, and its
rules (complete years, conversion through USD, NULL without a rate, is_sample) on hand-made rows."""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from catalog import load_catalog
from flows.pipeline import pipeline
from flows.snapshots import snapshot_paths
from tests.conftest import SNAPSHOTS
from transforms.adapters import adapter_for
from warehouse import db

MART = "marts.eu_japan_digital_mirror"
BOJ_EU = {  # series → (item, side of Japan)
    "BPBP6QSCEU96": ("TCI", "credit"), "BPBP6QSDEU96": ("TCI", "debit"),
    "BPBP6QSCEU95": ("IP", "credit"), "BPBP6QSDEU95": ("IP", "debit"),
}
EUROSTAT_ITEMS = {"SI": "TCI", "SH": "IP"}


def snapshot_body(source_id: str, wanted: str) -> bytes:
    """The recorded body of the request of `source_id` whose URL contains `wanted`."""
    catalog = load_catalog()
    source = catalog.sources[source_id]
    request = next(r for r in adapter_for(source.kind).plan(source, catalog) if wanted in r.url)
    return snapshot_paths(SNAPSHOTS, source_id, request.url).body.read_bytes()


def expected_from_the_sample() -> dict[tuple[int, str], dict[str, float]]:
    """The mart's figures, computed straight from the sample bodies (not through the warehouse)."""
    quarters: dict[tuple[int, str, str], list[float]] = defaultdict(list)
    for series in json.loads(snapshot_body("boj", "BPBP6QSCEU96"))["RESULTSET"]:
        item, side = BOJ_EU[series["SERIES_CODE"]]
        for date, value in zip(series["VALUES"]["SURVEY_DATES"], series["VALUES"]["VALUES"], strict=True):
            quarters[(date // 100, item, side)].append(value * 1e8)  # 100 million yen
    rates: dict[tuple[str, int], float] = {}
    for row in json.loads(snapshot_body("worldbank", "PA.NUS.FCRF"))[1]:
        if row["value"] is not None:
            rates[(row["countryiso3code"], int(row["date"]))] = row["value"]
    eu: dict[tuple[int, str, str], float] = {}
    for row in csv.DictReader(io.StringIO(snapshot_body("eurostat", "/data/").decode())):
        eu[(int(row["TIME_PERIOD"]), EUROSTAT_ITEMS[row["bop_item"]], row["stk_flow"])] = float(row["OBS_VALUE"]) * 1e6
    expected = {}
    for (year, item, _flow) in eu:
        credit, debit = quarters[(year, item, "credit")], quarters[(year, item, "debit")]
        if len(credit) != 4 or len(debit) != 4:
            continue
        rate = rates[("JPN", year)] / rates[("EMU", year)]
        eu_debit_jpy, eu_credit_jpy = eu[(year, item, "DEB")] * rate, eu[(year, item, "CRE")] * rate
        expected[(year, item)] = {
            "japan_credit_jpy": sum(credit),
            "eu_debit_jpy": eu_debit_jpy,
            "credit_gap_jpy": sum(credit) - eu_debit_jpy,
            "credit_gap_pct": round(100 * (sum(credit) - eu_debit_jpy) / eu_debit_jpy, 2),
            "japan_debit_jpy": sum(debit),
            "eu_credit_jpy": eu_credit_jpy,
            "debit_gap_pct": round(100 * (sum(debit) - eu_credit_jpy) / eu_credit_jpy, 2),
            "japan_credit_eur": sum(credit) / rate,
            "eu_debit_eur": eu[(year, item, "DEB")],
            "jpy_per_eur": rate,
        }
    return expected


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory, prefect_api: str) -> Path:
    data = tmp_path_factory.mktemp("data")
    pipeline(data_dir=str(data), snapshots_dir=str(SNAPSHOTS), sources=["boj", "worldbank", "eurostat"])
    return data / "mieruka.duckdb"


def test_the_mirror_on_the_sample_matches_the_bodies(published: Path) -> None:
    expected = expected_from_the_sample()
    assert sorted(expected) == [(y, i) for y in range(2014, 2025) for i in ("IP", "TCI")]  # 2025: 3 quarters only
    con = duckdb.connect(str(published), read_only=True)
    try:
        rows = con.sql(f"SELECT * FROM {MART}").pl()
    finally:
        con.close()
    assert rows.select("item", "year").rows() == sorted((i, y) for y, i in expected)  # ordered by item, year
    for row in rows.iter_rows(named=True):
        for column, value in expected[(row["year"], row["item"])].items():
            assert row[column] == pytest.approx(value, rel=1e-9, abs=0.006 if column.endswith("_pct") else 0), column
    assert rows["is_sample"].all()
    assert rows.filter(rows["year"] == 2024)["eu_obs_status"].to_list() == ["p", "p"]  # Eurostat's 2024 is provisional


def test_the_published_parquet_holds_the_mart(published: Path) -> None:
    parquet = published.parent / "published" / "eu_japan_digital_mirror.parquet"
    manifest = json.loads((published.parent / "published" / "manifest.json").read_text())
    assert manifest["tables"]["eu_japan_digital_mirror"]["rows"] == 22
    assert manifest["tables"]["eu_japan_digital_mirror"]["is_sample"] is True
    assert parquet.exists()


# --- rules on hand-made rows -------------------------------------------------------------------------


def put(con, indicator: str, area: str, counterpart: str, period: str, value: float, *, sample: bool = False,
        status: str | None = None) -> None:
    con.execute(
        "INSERT INTO core.observation_versions (indicator_id, area, counterpart_area, period, value, unit, obs_status, "
        "source_id, series_code, raw_sha256, is_sample, valid_from, recorded_at, load_id) "
        "VALUES ($i, $a, $c, $p, $v, 'x', $st, 's', $i, 'sha', $sample, $f, $f, 'r')",
        {"i": indicator, "a": area, "c": counterpart, "p": period, "v": value, "st": status, "sample": sample,
         "f": datetime(2026, 1, 1)},
    ).fetchall()


def test_rules_on_hand_made_rows(con) -> None:
    for q, (credit, debit) in enumerate([(10, 20), (10, 20), (10, 20), (10, 20)], start=1):
        put(con, "boj_jpn_eu_tci_credit", "JPN", "EU27_2020", f"2023-Q{q}", credit * 1e8)
        put(con, "boj_jpn_eu_tci_debit", "JPN", "EU27_2020", f"2023-Q{q}", debit * 1e8)
    for q in (1, 2, 3):  # 2024: three quarters, not a complete year
        put(con, "boj_jpn_eu_tci_credit", "JPN", "EU27_2020", f"2024-Q{q}", 1e8)
        put(con, "boj_jpn_eu_tci_debit", "JPN", "EU27_2020", f"2024-Q{q}", 1e8)
    put(con, "boj_jpn_eu_tci_credit", "JPN", "W00", "2023-Q1", 999e8)  # another counterpart: not the EU's
    put(con, "estat_eu_jpn_tci_debit", "EU27_2020", "JPN", "2023", 25e6)  # mirrors Japan's credit
    put(con, "estat_eu_jpn_tci_credit", "EU27_2020", "JPN", "2023", 100e6, sample=True, status="p")
    put(con, "estat_eu_jpn_tci_debit", "EU27_2020", "JPN", "2024", 30e6)
    put(con, "estat_eu_jpn_tci_credit", "EU27_2020", "JPN", "2024", 40e6)
    put(con, "wb_fx_lcu_per_usd", "JPN", "W00", "2023", 140.0)  # yen per USD
    put(con, "wb_fx_lcu_per_usd", "EMU", "W00", "2023", 0.875)  # euro per USD: 160 yen per euro
    db.build_marts(con)
    rows = con.sql(
        f"SELECT year, item, japan_credit_jpy, eu_debit_jpy, credit_gap_jpy, credit_gap_pct, japan_debit_jpy, "
        f"eu_credit_jpy, debit_gap_jpy, debit_gap_pct, japan_credit_eur, japan_debit_eur, jpy_per_eur, "
        f"eu_obs_status, is_sample FROM {MART}"
    ).fetchall()
    assert rows == [
        # 2023: Japan credit 40e8 yen vs EU debit 25e6 € × 160 = 40e8: no gap; Japan debit 80e8 vs EU credit
        # 100e6 € × 160 = 160e8: -80e8, -50 %; in euro 40e8 / 160 = 25e6 and 80e8 / 160 = 50e6
        (2023, "TCI", 40e8, 40e8, 0.0, 0.0, 80e8, 160e8, -80e8, -50.0, 25e6, 50e6, 160.0, "p", True),
        # 2024: the BOJ year is incomplete and there is no rate: Eurostat's side only, nothing converted
        (2024, "TCI", None, None, None, None, None, None, None, None, None, None, None, None, False),
    ]
