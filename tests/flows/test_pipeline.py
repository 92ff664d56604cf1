"""Real Prefect flow runs of `pipeline` on the recorded snapshots, into real DuckDB files."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb
import orjson
import polars as pl
import pytest

from flows.lock import WarehouseLocked, warehouse_lock
from flows.pipeline import PipelineFailed, pipeline
from flows.snapshots import snapshot_paths
from tests.conftest import PROJECT_ROOT, SNAPSHOTS
from tests.support.warehouse import query

pytestmark = pytest.mark.usefixtures("prefect_api")

BOJ_BP01 = "getDataCode-44b9183591fc2a7a.body"
WB_GDP = "NY.GDP.MKTP.CD-41c244d122bb0ac3.body"
BP01_MONTHS = 12 * 12 + 9  # today's BOJ release: 2014-01 to 2026-09
BOJ_CURRENT = 24 * BP01_MONTHS + BP01_MONTHS + 1 + 4 * 47  # 24 BP01 series, FXERM07 to 2026-10, 4 EU quarterly
CORE_TABLES = ("core.observations", "core.articles", "core.indicators")
PUBLISHED_ROWS = len((PROJECT_ROOT / "catalog" / "curated" / "published_figures.csv").read_text().splitlines()) - 1


def run(data: Path, snapshots: Path = SNAPSHOTS, **kwargs: object):
    return pipeline(data_dir=str(data), snapshots_dir=str(snapshots), **kwargs)


def table(path: Path, name: str) -> pl.DataFrame:
    """Every row of a table or view, in a fixed order (a view's window gives no order of its own)."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.sql(f"SELECT * FROM {name} ORDER BY ALL").pl()
    finally:
        con.close()


@pytest.fixture(scope="module")
def first_run(tmp_path_factory: pytest.TempPathFactory, prefect_api: str):
    data = tmp_path_factory.mktemp("data")
    return data, run(data)


def test_replay_run_loads_both_statistical_sources(first_run) -> None:
    data, summary = first_run
    assert summary.status == "succeeded"
    counts = dict(query(data / "mieruka.duckdb",
                        "SELECT source_id, count(*) FROM core.observations WHERE valid_to IS NULL GROUP BY ALL"))
    # BOJ today: 24 BP01 series to 2026-09, FXERM07 to 2026-10 and 4 quarterly EU series 2014Q1-2025Q3;
    # 4 World Bank indicators x 4 economies x 11 years, plus the euro area's exchange rate;
    # e-Stat: 2 measures x 5 age groups x 2 occupations x 5 years; OECD: 3 items x 4 economies x 11 years;
    # Eurostat: 2 items x credit/debit x 11 years
    assert counts == {"boj": BOJ_CURRENT, "worldbank": 4 * 4 * 11 + 11, "published": PUBLISHED_ROWS,
                      "estat": 100, "oecd": 3 * 4 * 11, "eurostat": 2 * 2 * 11}
    units = dict(
        query(data / "mieruka.duckdb", "SELECT indicator_id, any_value(unit) FROM core.observations GROUP BY ALL")
    )
    assert units["bop_services_907_net"] == "JPY" and units["fx_usdjpy_monthly_avg"] == "JPY per USD"


def test_digital_deficit_mart_has_every_full_year_and_both_definitions(first_run) -> None:
    data, _ = first_run
    rows = query(
        data / "mieruka.duckdb",
        "SELECT definition, min(year), max(year), count(DISTINCT year) FROM marts.digital_deficit_annual "
        "WHERE component = 'total' GROUP BY ALL ORDER BY 1",
    )
    assert rows == [("broad", 2014, 2025, 12), ("narrow", 2014, 2025, 12)]
    # the BOJ release of 2025-02-10 is calibrated to the MOF totals reported by Jiji (2023 and 2024, broad
    # definition); the release of 2026-02-09 revised 2024, so the mart (current values) shows the revision
    totals = dict(query(
        data / "mieruka.duckdb",
        "SELECT year, balance_jpy FROM marts.digital_deficit_annual WHERE definition='broad' AND component='total'",
    ))
    broad_2024 = (
        "SELECT sum(value) FROM {} WHERE period LIKE '2024-%' AND indicator_id IN "
        "('bop_services_907_net', 'bop_services_9062_net', 'bop_services_9082_net')"
    )
    known_then = query(data / "mieruka.duckdb", broad_2024.format("core.observations_as_of(DATE '2025-12-19')"))
    assert totals[2023] == pytest.approx(-5.536e12, rel=1e-9)
    assert known_then[0][0] == pytest.approx(-6.6506e12, rel=1e-9)
    assert totals[2024] < -6.6506e12 and totals[2024] == pytest.approx(-6.6506e12, rel=0.02)


def test_mart_components_add_up_and_usd_uses_monthly_fx(first_run) -> None:
    data, _ = first_run
    path = data / "mieruka.duckdb"
    mart = table(path, "marts.digital_deficit_annual").filter(pl.col("year") == 2024, pl.col("definition") == "broad")
    parts = mart.filter(pl.col("component") != "total")["balance_jpy"].sum()
    total = mart.filter(pl.col("component") == "total")["balance_jpy"].item()
    assert set(mart["component"]) == {"907", "9062", "9082", "total"}
    assert parts == pytest.approx(total)
    usd = query(path, """
        SELECT sum(b.value / f.value) FROM core.observations b JOIN core.observations f
          ON f.indicator_id = 'fx_usdjpy_monthly_avg' AND f.period = b.period AND f.valid_to IS NULL
        WHERE b.valid_to IS NULL AND b.indicator_id = 'bop_services_907_net' AND b.period LIKE '2024-%'
    """)[0][0]
    assert mart.filter(pl.col("component") == "907")["balance_usd"].item() == pytest.approx(usd)


def test_sample_flag_reaches_warehouse_rows_and_published_files(first_run) -> None:
    data, _ = first_run
    path = data / "mieruka.duckdb"
    flags = dict(query(path, "SELECT source_id, bool_and(is_sample) FROM core.observations GROUP BY ALL"))
    assert flags == {"boj": True, "worldbank": True, "published": False, "estat": True, "oecd": True,
                     "eurostat": True}
    assert query(path, "SELECT bool_and(is_sample) FROM marts.digital_deficit_annual") == [(True,)]
    manifest = json.loads((data / "published" / "manifest.json").read_text())
    assert manifest["is_sample"] is True
    assert manifest["tables"]["digital_deficit_annual"]["is_sample"] is True
    assert "sample data" in (data / "published" / "index.html").read_text()


def test_manifest_describes_the_parquet_files_exactly(first_run) -> None:
    data, _ = first_run
    manifest = json.loads((data / "published" / "manifest.json").read_text())
    assert set(manifest) >= {"generated_at", "is_sample", "tables"}
    for name, info in manifest["tables"].items():
        parquet = data / "published" / info["path"]
        assert hashlib.sha256(parquet.read_bytes()).hexdigest() == info["sha256"]
        frame = pl.read_parquet(parquet)
        assert frame.height == info["rows"] > 0
        assert list(info["schema"]) == frame.columns, name
    assert "日本銀行" in manifest["credits"]["boj"]


def test_seed_article_is_stored_once_with_inferred_date(first_run) -> None:
    data, _ = first_run
    art = table(data / "mieruka.duckdb", "core.articles")
    assert art.height == 1
    row = art.row(0, named=True)
    assert row["language"] == "fr" and row["published_at_inferred"] is True
    assert str(row["published_at"]) == "2025-12-19"
    assert row["text"].count("Les ambitions économiques de Sanae Takaichi") == 1
    assert row["repeated_chars_removed"] > 8000
    assert hashlib.sha256(row["text"].encode()).hexdigest() == row["sha256"]


def test_every_body_is_archived_unchanged_by_sha256(first_run) -> None:
    data, _ = first_run
    fetches = table(data / "mieruka.duckdb", "raw.fetches")
    # boj 3 requests x 3 releases, worldbank 4, news 2, published 1, estat 2 tables x 3, oecd 2, eurostat 2
    assert fetches.height == 26
    for sha, size in fetches.select("sha256", "bytes").iter_rows():
        body = (data / "raw" / sha[:2] / sha).read_bytes()
        assert hashlib.sha256(body).hexdigest() == sha and len(body) == size
    snapshot_sources = set(fetches.filter(pl.col("from_snapshot"))["source_id"])
    assert snapshot_sources == {"boj", "worldbank", "news", "estat", "oecd", "eurostat"}


def test_second_run_changes_no_core_rows(tmp_path: Path) -> None:
    first = run(tmp_path)
    before = {name: table(tmp_path / "mieruka.duckdb", name) for name in CORE_TABLES}
    second = run(tmp_path)
    after = {name: table(tmp_path / "mieruka.duckdb", name) for name in CORE_TABLES}
    for name in CORE_TABLES:
        assert after[name].equals(before[name]), name
    assert [s["rows_loaded"] for s in second.sources] == [0] * len(second.sources)
    runs = query(tmp_path / "mieruka.duckdb", "SELECT run_id, status FROM ops.runs ORDER BY started_at")
    assert [r[0] for r in runs] == [first.run_id, second.run_id] and {r[1] for r in runs} == {"succeeded"}
    skipped = query(tmp_path / "mieruka.duckdb",
                    f"SELECT sum(bodies_skipped) FROM ops.run_sources WHERE run_id = '{second.run_id}'")
    # every body: the e-Stat table list and the feed too (the follow-ups they named are remembered)
    assert skipped == [(26,)]


def _edit_json(path: Path, edit) -> None:
    doc = orjson.loads(path.read_bytes())
    edit(doc)
    path.write_bytes(orjson.dumps(doc))


def test_a_revised_value_closes_the_old_row_and_keeps_it(tmp_path: Path, snapshot_copy: Path) -> None:
    data = tmp_path / "data"
    run(data, snapshot_copy)

    def revise(doc: dict) -> None:
        series = next(s for s in doc["RESULTSET"] if s["SERIES_CODE"] == "BPBP6JYNSN907")
        series["VALUES"]["VALUES"][-1] = -9999.5
        series["LAST_UPDATE"] = 20261201

    _edit_json(snapshot_copy / "boj" / BOJ_BP01, revise)
    summary = run(data, snapshot_copy)
    boj = next(s for s in summary.sources if s["source_id"] == "boj")
    # the older releases and the unchanged FM08 answer are skipped; the changed BP01 answer is compared
    assert (boj["rows_loaded"], boj["rows_revised"], boj["rows_unchanged"]) == (0, 1, 24 * BP01_MONTHS - 1)
    history = query(data / "mieruka.duckdb", """
        SELECT value, valid_from, valid_to FROM core.observations
        WHERE indicator_id = 'bop_services_907_net' AND period = '2026-09' ORDER BY valid_from""")
    assert len(history) == 2
    (_, old_from, old_to), (new_value, new_from, new_to) = history
    assert new_value == pytest.approx(-9999.5e8) and new_to is None
    assert old_to == new_from and old_from < new_from
    assert str(new_from.date()) == "2026-12-01"  # the source's release date, not the fetch time


def test_bad_input_is_quarantined_and_other_sources_still_load(tmp_path: Path, snapshot_copy: Path) -> None:
    data = tmp_path / "data"
    (snapshot_copy / "worldbank" / WB_GDP).write_bytes(b'[{"page": 1, "pages": 1}, [{"indicator": ')

    def poison(doc: dict) -> None:
        doc["RESULTSET"][0]["VALUES"]["VALUES"][0] = "abc"

    _edit_json(snapshot_copy / "boj" / BOJ_BP01, poison)
    with pytest.raises(PipelineFailed) as info:
        run(data, snapshot_copy)
    summary = info.value.summary
    by_source = {s["source_id"]: s for s in summary.sources}
    assert by_source["worldbank"]["status"] == "failed"
    assert "worldbank" in by_source["worldbank"]["error"] and "JSON" in by_source["worldbank"]["error"]
    assert by_source["boj"]["status"] == "succeeded" and by_source["boj"]["rows_quarantined"] == 1
    path = data / "mieruka.duckdb"
    quarantined = table(path, "ops.quarantine")
    assert any("abc" in (r or "") for r in quarantined["raw_value"]) and quarantined["reason"].str.contains(
        "not a number").any()
    assert any(s == "worldbank" and "JSON" in r for s, r in quarantined.select("source_id", "reason").iter_rows())
    counts = dict(query(path, "SELECT source_id, count(*) FROM core.observations WHERE valid_to IS NULL GROUP BY ALL"))
    # the failed source loads nothing; the bad point is quarantined (its key keeps the value of an older release)
    assert counts == {"boj": BOJ_CURRENT, "published": PUBLISHED_ROWS, "estat": 100, "oecd": 132, "eurostat": 44}
    poisoned = query(path, "SELECT count(*) FROM core.observation_versions WHERE indicator_id = "
                           "'bop_services_907_credit' AND period = '2014-01'")
    assert poisoned == [(1,)]
    for parsed, loaded, revised, unchanged, quarantined_rows in query(
        path, "SELECT rows_parsed, rows_loaded, rows_revised, rows_unchanged, rows_quarantined FROM ops.run_sources"
    ):
        assert parsed == loaded + revised + unchanged + quarantined_rows
    health = dict(query(path, "SELECT source_id, consecutive_failures FROM ops.source_health"))
    assert health == {"boj": 0, "worldbank": 1, "news": 0, "published": 0, "estat": 0, "oecd": 0, "eurostat": 0}
    assert query(path, "SELECT status FROM ops.runs") == [("partial",)]


def test_missing_snapshot_fails_the_source_with_a_way_forward(tmp_path: Path, snapshot_copy: Path) -> None:
    missing = snapshot_paths(snapshot_copy, "worldbank",
                             "https://api.worldbank.org/v2/country/JPN;KOR;CHN;USA;EMU/indicator/PA.NUS.FCRF"
                             "?format=json&date=2014:2030&per_page=1000&page=1").body
    missing.unlink()
    with pytest.raises(PipelineFailed) as info:
        run(tmp_path / "data", snapshot_copy, sources=["worldbank"])
    message = str(info.value)
    assert str(missing) in message and "mieruka run --mode record --source worldbank" in message


def test_a_second_writer_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    with warehouse_lock(tmp_path), pytest.raises(WarehouseLocked, match="holds the warehouse lock"):
        run(tmp_path)


def test_a_new_world_bank_indicator_needs_only_a_catalog_entry_and_a_snapshot(
    tmp_path: Path, snapshot_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    from catalog.loader import CATALOG_DIR
    from flows.snapshots import write_snapshot

    folder = tmp_path / "catalog"
    shutil.copytree(CATALOG_DIR, folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    with (folder / "indicators.yaml").open("a") as fh:
        fh.write(
            "  - id: wb_ip_receipts_usd\n"
            "    name_en: \"Charges for the use of intellectual property, receipts (BoP, current US$)\"\n"
            "    name_ja: \"知的財産使用料受取（国際収支、名目米ドル）\"\n"
            "    definition: \"World Bank BX.GSR.ROYL.CD, annual.\"\n"
            "    unit: USD\n    frequency: annual\n    source: worldbank\n"
            "    series: {code: BX.GSR.ROYL.CD}\n    areas: [JPN]\n"
        )
    monkeypatch.setenv("MIERUKA_CATALOG_DIR", str(folder))
    url = ("https://api.worldbank.org/v2/country/JPN/indicator/BX.GSR.ROYL.CD"
           "?format=json&date=2014:2030&per_page=1000&page=1")
    body = orjson.dumps([
        {"page": 1, "pages": 1, "per_page": 1000, "total": 1, "sourceid": "2", "lastupdated": "2026-07-01"},
        [{"indicator": {"id": "BX.GSR.ROYL.CD", "value": "IP receipts"}, "country": {"id": "JP", "value": "Japan"},
          "countryiso3code": "JPN", "date": "2024", "value": 5.1e10, "unit": "", "obs_status": "", "decimal": 0}],
    ])
    write_snapshot(snapshot_copy, "worldbank", url, 200, "application/json", body, "2026-11-26T00:00:00")
    run(tmp_path / "data", snapshot_copy, sources=["worldbank"])
    rows = query(tmp_path / "data" / "mieruka.duckdb",
                 "SELECT area, period, value, unit FROM core.observations WHERE indicator_id = 'wb_ip_receipts_usd'")
    assert rows == [("JPN", "2024", 5.1e10, "USD")]
    assert query(tmp_path / "data" / "mieruka.duckdb",
                 "SELECT name_en FROM core.indicators WHERE indicator_id = 'wb_ip_receipts_usd'") != []


def test_seed_figures_and_claims_are_stored_once_and_the_twd_pair_is_flagged(first_run) -> None:
    data, _ = first_run
    path = data / "mieruka.duckdb"
    figures = table(path, "core.figures")
    article = table(path, "core.articles").row(0, named=True)
    assert figures.height == figures.select("start_offset").n_unique()  # no figure twice
    assert figures.filter(pl.col("surface") == "550 億円").height == 4  # the body's four mentions, not eight
    for surface, start, end in figures.select("surface", "start_offset", "end_offset").iter_rows():
        assert article["text"][start:end] == surface
    claims = table(path, "core.claims")
    assert claims.height == figures.height
    deficit = claims.join(figures, on=["article_id", "figure_index"]).filter(pl.col("surface") == "45兆円")
    assert set(deficit["topic"]) == {"digital_deficit"} and "2035" in set(deficit["period"])
    pairs = table(path, "core.figure_pairs")
    assert pairs.height == 1
    pair = pairs.row(0, named=True)
    assert pair["consistent"] is False and pair["ratio"] < 0.15 and "TWD" in pair["reason"]


def test_every_declared_source_loads_and_as_of_sees_only_what_was_published(first_run) -> None:
    data, _ = first_run
    path = data / "mieruka.duckdb"
    sources = {r[0] for r in query(path, "SELECT DISTINCT source_id FROM core.observations")}
    assert sources == {"boj", "worldbank", "estat", "oecd", "published", "eurostat"}
    assert query(path, "SELECT count(*) FROM core.indicators WHERE unit IS NULL OR unit = ''") == [(0,)]
    missing_credit = query(path, "SELECT DISTINCT source_id FROM core.indicators WHERE credit IS NULL OR credit = ''")
    assert missing_credit == []
    as_of = dict(query(path, "SELECT source_id, count(*) FROM core.observations_as_of(DATE '2025-06-30') GROUP BY ALL"))
    published_before = query(path, "SELECT count(*) FROM core.observations WHERE source_id = 'published' "
                                    "AND valid_from < DATE '2025-07-01'")[0][0]
    assert as_of["published"] == published_before > 0
    later = query(path, "SELECT count(*) FROM core.observations_as_of(DATE '2025-06-30') "
                        "WHERE indicator_id = 'pub_digital_deficit_mic'")
    assert later == [(0,)]  # the MIC white paper came out in July 2025
    suppressed = query(path, "SELECT count(*) FROM core.observations WHERE source_id = 'estat' AND value IS NULL "
                             "AND obs_status = '-'")
    assert suppressed[0][0] >= 1
    codes = dict(query(path, "SELECT code, name_en FROM core.codes WHERE source_id = 'oecd'"))
    assert codes["SI"].startswith("Telecommunications")
