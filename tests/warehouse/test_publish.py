"""The published contract: every mart declares its grain and units, the files are byte-stable and carry
their description, the manifest describes them, and the versioned layout never shows a torn set.

Real DuckDB files throughout; the marts are the real ones, built by one real pipeline run on the
recorded snapshots (module fixture); the layout tests publish a small warehouse many times."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import duckdb
import polars as pl
import pytest

from warehouse import db
from warehouse.publish import (
    MANIFEST_VERSION,
    ContractError,
    MartContract,
    Publication,
    PublishedLayout,
    build_manifest,
    export_marts,
    load_contracts,
    publish_keep,
    utc_z,
)
from warehouse.publish.contract import parse_contracts
from warehouse.publish.publication import COPY_TMP

Z_TIME = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ---------------------------------------------------------------------------------------------
# Contracts declared in warehouse/marts/*.sql


@pytest.fixture(scope="module")
def built(default_run) -> Path:
    """The data directory of one real replay run of the whole pipeline."""
    return default_run[0] / "data"


def _mart_columns(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for table, column in con.sql(
        "SELECT table_name, column_name FROM duckdb_columns() WHERE schema_name = 'marts' ORDER BY column_index"
    ).fetchall():
        found.setdefault(table, []).append(column)
    return found


def test_every_mart_declares_a_grain_and_units_of_columns_it_has(tmp_path: Path) -> None:
    con = db.connect(tmp_path / "empty.duckdb")
    try:
        db.migrate(con)
        db.build_marts(con)
        columns = _mart_columns(con)
    finally:
        con.close()
    contracts = load_contracts()
    assert set(contracts) == set(columns), "every mart built by warehouse/marts/*.sql has a contract, and no more"
    for name, contract in contracts.items():
        assert contract.grain, name
        contract.check_columns(columns[name])  # raises ContractError naming the file
    assert contracts["digital_deficit_annual"].grain == ("year", "definition", "component")
    assert contracts["digital_deficit_annual"].units["balance_usd"] == "USD"


def test_no_two_rows_of_a_mart_share_its_grain(built: Path) -> None:
    con = duckdb.connect(str(built / "mieruka.duckdb"), read_only=True)
    try:
        for name, contract in load_contracts().items():
            grain = ", ".join(f'"{c}"' for c in contract.grain)
            rows, keys = con.sql(
                f'SELECT count(*), count(DISTINCT ({grain})) FROM marts."{name}"'  # names from the contract
            ).fetchall()[0]
            assert rows > 0 and rows == keys, f"marts.{name}: {rows} rows but {keys} distinct grains ({grain})"
    finally:
        con.close()


def test_a_mart_file_without_a_grain_is_an_error_that_names_the_file(tmp_path: Path) -> None:
    marts = tmp_path / "marts"
    shutil.copytree(db.MARTS_DIR, marts)
    path = marts / "30_support_budgets.sql"
    text = path.read_text(encoding="utf-8")
    assert "-- grain:" in text
    path.write_text("\n".join(line for line in text.splitlines() if not line.startswith("-- grain:")), "utf-8")
    with pytest.raises(ContractError, match=r"30_support_budgets\.sql: no grain declared for marts\.support_budgets"):
        load_contracts(marts)


def test_a_header_naming_a_column_the_mart_lacks_is_an_error() -> None:
    text = "-- grain: year, nope\n-- unit amount: JPY\n-- unit typo_jpy: JPY\nCREATE TABLE marts.t AS SELECT 1"
    contract = parse_contracts(Path("99_t.sql"), text)["t"]
    assert contract.grain == ("year", "nope") and contract.units == {"amount": "JPY", "typo_jpy": "JPY"}
    with pytest.raises(ContractError, match=r"99_t\.sql: .*no grain column\(s\) nope; no column\(s\) typo_jpy"):
        contract.check_columns(["year", "amount"])
    reordered = parse_contracts(Path("99_t.sql"), "-- grain: b, a\nCREATE TABLE marts.t AS SELECT 1")["t"]
    with pytest.raises(ContractError, match="list it as '-- grain: a, b'"):
        reordered.check_columns(["a", "b", "amount"])


def test_a_file_creating_two_marts_names_the_mart_in_each_line() -> None:
    text = (
        "-- grain a: id\n-- grain marts.b: year, id\n-- unit a.value, b.value: JPY\n-- unit b.rate: [unit]\n"
        "CREATE OR REPLACE TABLE marts.a AS SELECT 1;\nCREATE TABLE marts.b AS SELECT 2;"
    )
    contracts = parse_contracts(Path("x.sql"), text)
    assert contracts["a"].grain == ("id",) and contracts["b"].grain == ("year", "id")
    assert contracts["a"].units == {"value": "JPY"} and contracts["b"].units == {"value": "JPY", "rate": "[unit]"}
    with pytest.raises(ContractError, match="must name its mart"):
        parse_contracts(Path("x.sql"), text.replace("-- grain a: id", "-- grain: id"))


# ---------------------------------------------------------------------------------------------
# Export: byte-stable Parquet and CSV with their description inside


def _reorder_marts(path: Path, seed: float) -> None:
    """Rewrite every mart's rows in another physical order (comments kept), as a rebuild by a parallel
    query may do."""
    con = duckdb.connect(str(path))
    try:
        con.execute("SELECT setseed($s)", {"s": seed}).fetchall()
        for (name,) in con.sql("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'marts'").fetchall():
            con.execute(f'CREATE TEMP TABLE shuffled AS SELECT * FROM marts."{name}" ORDER BY random()').fetchall()
            con.execute(f'DELETE FROM marts."{name}"').fetchall()
            con.execute(f'INSERT INTO marts."{name}" SELECT * FROM shuffled').fetchall()
            con.execute("DROP TABLE shuffled").fetchall()
        con.execute("CHECKPOINT").fetchall()
    finally:
        con.close()


def _export(warehouse: Path, out: Path) -> dict:
    out.mkdir()
    con = duckdb.connect(str(warehouse))
    try:
        return export_marts(con, out)
    finally:
        con.close()


def _physical_order(path: Path, mart: str) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.sql(f'SELECT * FROM marts."{mart}"').fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def two_orders(built: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The published warehouse twice, each with the marts' rows in a different physical order."""
    root = tmp_path_factory.mktemp("orders")
    first, second = root / "a.duckdb", root / "b.duckdb"
    for target, seed in ((first, 0.1), (second, 0.7)):
        shutil.copyfile(built / "mieruka.duckdb", target)
        _reorder_marts(target, seed)
    return first, second


def test_exporting_the_same_rows_in_another_order_gives_identical_bytes(
    two_orders: tuple[Path, Path], tmp_path: Path
) -> None:
    first, second = two_orders
    assert _physical_order(first, "digital_deficit_annual") != _physical_order(second, "digital_deficit_annual")
    a, b = _export(first, tmp_path / "a"), _export(second, tmp_path / "b")
    assert set(a) == set(b) == set(load_contracts())
    for name in a:
        for suffix in ("parquet", "csv"):
            left = (tmp_path / "a" / f"{name}.{suffix}").read_bytes()
            right = (tmp_path / "b" / f"{name}.{suffix}").read_bytes()
            assert left == right, f"{name}.{suffix} differs between two exports of the same rows"
        assert a[name].parquet.sha256 == b[name].parquet.sha256 and a[name].csv.sha256 == b[name].csv.sha256


def test_files_are_sorted_by_the_grain_and_hold_no_run_time_value(built: Path, tmp_path: Path) -> None:
    exported = _export(built / "mieruka.duckdb", tmp_path / "out")
    manifest = json.loads((built / "published" / "manifest.json").read_text(encoding="utf-8"))
    for name, mart in exported.items():
        frame = pl.read_parquet(mart.parquet.path)
        grain = list(mart.grain)
        assert frame.select(grain).equals(frame.select(grain).sort(grain, nulls_last=True)), name
        raw = mart.parquet.path.read_bytes() + mart.csv.path.read_bytes()
        assert manifest["run_id"].encode() not in raw and manifest["generated_at"][:13].encode() not in raw, name


def _kv(path: Path) -> dict[str, str]:
    rows = duckdb.sql(f"SELECT key, value FROM parquet_kv_metadata('{path.as_posix()}')").fetchall()
    return {k.decode(): v.decode() for k, v in rows}


def test_parquet_key_value_metadata_carries_description_grain_and_units(built: Path, tmp_path: Path) -> None:
    exported = _export(built / "mieruka.duckdb", tmp_path / "out")
    contracts = load_contracts()
    con = duckdb.connect(str(built / "mieruka.duckdb"), read_only=True)
    try:
        comments = dict(
            con.sql("SELECT table_name, comment FROM duckdb_tables() WHERE schema_name = 'marts'").fetchall()
        )
        column_comments = {
            (t, c): text
            for t, c, text in con.sql(
                "SELECT table_name, column_name, comment FROM duckdb_columns() WHERE schema_name = 'marts'"
            ).fetchall()
        }
    finally:
        con.close()
    for name, mart in exported.items():
        kv = _kv(mart.parquet.path)
        assert kv["mieruka.table"] == name
        assert kv["mieruka.description"] == comments[name] and comments[name]
        assert json.loads(kv["mieruka.grain"]) == list(contracts[name].grain)
        columns = json.loads(kv["mieruka.columns"])
        assert [c["name"] for c in columns] == pl.read_parquet(mart.parquet.path).columns
        for column in columns:
            assert column["description"] == column_comments[(name, column["name"])], (name, column["name"])
            assert column["unit"] == contracts[name].units.get(column["name"])
    columns = json.loads(_kv(exported["digital_deficit_annual"].parquet.path)["mieruka.columns"])
    balance = next(c for c in columns if c["name"] == "balance_jpy")
    assert balance["unit"] == "JPY" and balance["type"] == "DOUBLE"


def test_csv_is_utf8_with_a_header_and_the_same_rows_in_the_same_order(built: Path, tmp_path: Path) -> None:
    exported = _export(built / "mieruka.duckdb", tmp_path / "out")
    for name, mart in exported.items():
        text = mart.csv.path.read_bytes().decode("utf-8")  # raises if not UTF-8
        columns = pl.read_parquet_schema(mart.parquet.path)
        assert text.splitlines()[0] == ",".join(columns), name
        as_text = ", ".join(f'CAST("{c}" AS VARCHAR) AS "{c}"' for c in columns)
        parquet_rows = duckdb.sql(f"SELECT {as_text} FROM read_parquet('{mart.parquet.path.as_posix()}')").fetchall()
        csv_rows = duckdb.sql(
            f"SELECT * FROM read_csv('{mart.csv.path.as_posix()}', header = true, all_varchar = true)"
        ).fetchall()
        assert csv_rows == parquet_rows and len(csv_rows) == mart.rows, name
    names_ja = pl.read_csv(exported["indicator_latest"].csv.path, infer_schema=False)["name_ja"]
    assert names_ja.str.contains("[\u3040-\u30ff\u4e00-\u9fff]").any()  # Japanese text survives as UTF-8


# ---------------------------------------------------------------------------------------------
# The manifest


def test_the_published_manifest_follows_the_contract(built: Path) -> None:
    published = built / "published"
    manifest = json.loads((published / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["manifest_version"] == MANIFEST_VERSION and manifest["mode"] == "replay"
    assert manifest["run_id"] and manifest["run_status"] == "succeeded"
    assert (built / manifest["version_dir"]).resolve() == published.resolve()
    times = [manifest["generated_at"], *manifest["source_vintages"].values()]
    times += [s["last_success"] for s in manifest["sources"].values() if s.get("last_success")]
    assert times and all(t.endswith("Z") and len(t) == 20 for t in times), times
    contracts = load_contracts()
    assert set(manifest["tables"]) == set(contracts)
    for name, info in manifest["tables"].items():
        assert {"path", "rows", "sha256", "schema", "is_sample", "grain", "description", "columns", "csv"} <= set(info)
        assert info["path"] == f"{name}.parquet" and info["csv"]["path"] == f"{name}.csv"
        assert _sha(published / info["path"]) == info["sha256"] and _sha(published / info["csv"]["path"]) == info[
            "csv"]["sha256"]
        assert info["grain"] == list(contracts[name].grain) and info["description"]
        assert [c["name"] for c in info["columns"]] == list(info["schema"])
        assert all(set(c) == {"name", "type", "unit", "description"} for c in info["columns"])
    assert {"index.html", "dictionary.md"} <= {p.name for p in published.iterdir()}


def test_timestamps_are_utc_with_a_z() -> None:
    assert utc_z(datetime(2026, 2, 9, 8, 50)) == "2026-02-09T08:50:00Z"  # naive = UTC, as the warehouse stores
    assert utc_z(datetime(2026, 2, 9, 17, 50, tzinfo=timezone(timedelta(hours=9)))) == "2026-02-09T08:50:00Z"
    assert utc_z("2026-02-09T08:50:00.123456") == "2026-02-09T08:50:00Z"
    assert utc_z(None) is None
    manifest = build_manifest(
        run_id="r", mode="live", run_status="partial", generated_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        version_dir="published-versions/v000001-r", marts={}, vintages={"boj": datetime(2026, 2, 9)},
        sources={"boj": {"last_success": "2026-02-09T00:00:00", "stale": False}}, credits={},
        extra={"lake_snapshot": 42},
    )
    assert manifest["generated_at"] == "2026-01-02T03:04:05Z" and manifest["source_vintages"]["boj"].endswith("Z")
    assert manifest["sources"]["boj"]["last_success"] == "2026-02-09T00:00:00Z" and manifest["lake_snapshot"] == 42
    with pytest.raises(ValueError, match="already set"):
        build_manifest(run_id="r", mode="live", run_status="s", generated_at=datetime.now(UTC), version_dir="v",
                       marts={}, vintages={}, sources={}, credits={}, extra={"run_id": "x"})


# ---------------------------------------------------------------------------------------------
# The versioned layout, with a small warehouse published many times

TOY = {"toy": MartContract("toy", Path("toy.sql"), ("year",), {"amount_jpy": "JPY"})}


def _toy_warehouse(path: Path, factor: int) -> None:
    con = duckdb.connect(str(path))
    try:
        con.execute("CREATE SCHEMA IF NOT EXISTS marts").fetchall()
        con.execute(
            "CREATE OR REPLACE TABLE marts.toy AS SELECT 2000 + i AS year, i * $f * 1e9 AS amount_jpy, "
            "'行' || i AS label FROM range(200) AS r(i)",
            {"f": factor},
        ).fetchall()
        con.execute("COMMENT ON TABLE marts.toy IS 'A toy mart.'").fetchall()
        con.execute("COMMENT ON COLUMN marts.toy.amount_jpy IS 'An amount.'").fetchall()
        con.execute("CHECKPOINT").fetchall()
    finally:
        con.close()


def _publish_toy(data: Path, work: Path, run_id: str, keep: int = 3, fail_at: str | None = None) -> Path:
    with Publication(data, run_id, keep) as pub:
        copy = pub.copy_warehouse(work)
        con = duckdb.connect(str(copy))
        try:
            exported = export_marts(con, pub.staging, TOY)
        finally:
            con.close()
        if fail_at == "export":
            raise OSError(28, "No space left on device (test)")
        pub.validate_copy({n: m.rows for n, m in exported.items()})
        pub.write_json("manifest.json", build_manifest(
            run_id=run_id, mode="replay", run_status="succeeded", generated_at=datetime.now(UTC),
            version_dir=pub.version_dir, marts=exported, vintages={}, sources={}, credits={},
        ))
        (pub.staging / "index.html").write_text(f"<p>{run_id}</p>", encoding="utf-8")
        return pub.commit().version_dir


def test_a_plain_published_directory_becomes_the_first_version(tmp_path: Path) -> None:
    data = tmp_path / "data"
    legacy = data / "published"
    legacy.mkdir(parents=True)
    (legacy / "manifest.json").write_text('{"tables": {}}', encoding="utf-8")
    (legacy / "toy.parquet.tmp").write_bytes(b"half")  # left by a kill in the old in-place publish
    work = tmp_path / "work.duckdb"
    _toy_warehouse(work, 1)
    version = _publish_toy(data, work, "run1")
    assert legacy.is_symlink() and legacy.resolve() == version.resolve()
    assert os.readlink(legacy) == "published-versions/v000002-run1"  # relative: the data dir can move
    moved = data / "published-versions" / "v000001-legacy"
    assert (moved / "manifest.json").read_text(encoding="utf-8") == '{"tables": {}}'
    assert not (moved / "toy.parquet.tmp").exists()
    assert json.loads((legacy / "manifest.json").read_text(encoding="utf-8"))["run_id"] == "run1"
    assert (data / "mieruka.duckdb").is_file() and not (data / COPY_TMP).exists()


def test_only_the_newest_versions_are_kept(tmp_path: Path) -> None:
    data, work = tmp_path / "data", tmp_path / "work.duckdb"
    for i in range(1, 6):
        _toy_warehouse(work, i)
        _publish_toy(data, work, f"run{i}", keep=3)
    names = sorted(p.name for p in (data / "published-versions").iterdir())
    assert names == ["v000003-run3", "v000004-run4", "v000005-run5"]
    assert (data / "published").resolve().name == "v000005-run5"


def test_the_number_of_versions_kept_is_configurable_and_at_least_two() -> None:
    assert publish_keep({}) == 3
    assert publish_keep({"MIERUKA_PUBLISH_KEEP": "7"}) == 7
    for bad in ("1", "0", "three", "-2"):
        with pytest.raises(ValueError, match="MIERUKA_PUBLISH_KEEP"):
            publish_keep({"MIERUKA_PUBLISH_KEEP": bad})


def test_a_failed_publication_leaves_nothing_behind_and_the_old_set_current(tmp_path: Path) -> None:
    data, work = tmp_path / "data", tmp_path / "work.duckdb"
    _toy_warehouse(work, 1)
    first = _publish_toy(data, work, "run1")
    old_copy = (data / "mieruka.duckdb").read_bytes()
    _toy_warehouse(work, 2)
    with pytest.raises(OSError, match="No space left"):
        _publish_toy(data, work, "run2", fail_at="export")
    assert (data / "published").resolve() == first.resolve()
    assert sorted(p.name for p in (data / "published-versions").iterdir()) == [first.name]  # no staging left
    assert not (data / COPY_TMP).exists() and (data / "mieruka.duckdb").read_bytes() == old_copy


def test_leftovers_of_a_killed_publication_are_removed_by_the_next(tmp_path: Path) -> None:
    data, work = tmp_path / "data", tmp_path / "work.duckdb"
    _toy_warehouse(work, 1)
    _publish_toy(data, work, "run1")
    staging = data / "published-versions" / ".staging-v000002-dead"
    staging.mkdir()
    (staging / "toy.parquet").write_bytes(b"partial")
    (data / COPY_TMP).write_bytes(b"partial copy")
    os.symlink("published-versions/nowhere", data / ".published.link-tmp")
    assert len(PublishedLayout(data).partial_files()) == 2
    _publish_toy(data, work, "run2")
    assert not staging.exists() and not (data / COPY_TMP).exists() and not (data / ".published.link-tmp").is_symlink()
    assert (data / "published").resolve().name == "v000002-run2"


READER = r"""
import hashlib, json, os, sys
data, stop, log = sys.argv[1], sys.argv[2], sys.argv[3]
def sha(path):
    with open(path, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()
checks = mismatches = vanished = 0
runs = set()
pointer = os.path.join(data, "published")
while not os.path.exists(stop):
    if not os.path.islink(pointer):
        continue
    try:
        # a reader resolves data/published once, then reads every file of that set
        root = os.path.realpath(pointer)
        manifest = json.load(open(os.path.join(root, "manifest.json"), encoding="utf-8"))
        files = [(root, f) for info in manifest["tables"].values() for f in (info, info["csv"])]
        # or reads manifest.json through the link and the files from the version it names
        named = json.load(open(os.path.join(pointer, "manifest.json"), encoding="utf-8"))
        pinned = os.path.join(data, named["version_dir"])
        files += [(pinned, f) for info in named["tables"].values() for f in (info, info["csv"])]
        for folder, info in files:
            checks += 1
            mismatches += sha(os.path.join(folder, info["path"])) != info["sha256"]
        runs.add(manifest["run_id"])
    except FileNotFoundError:
        vanished += 1
open(log, "w").write(json.dumps({"checks": checks, "mismatches": mismatches, "vanished": vanished,
                                 "runs": sorted(runs)}))
"""


def test_a_reader_checking_every_checksum_during_publishes_never_sees_a_torn_set(tmp_path: Path) -> None:
    data, work = tmp_path / "data", tmp_path / "work.duckdb"
    stop, log = tmp_path / "stop", tmp_path / "reader.json"
    _toy_warehouse(work, 1)
    _publish_toy(data, work, "run00", keep=5)
    reader = subprocess.Popen([sys.executable, "-c", READER, str(data), str(stop), str(log)], stderr=subprocess.PIPE)
    try:
        for i in range(1, 21):  # every publication changes the data, so a mixed set would not match
            _toy_warehouse(work, i + 1)
            _publish_toy(data, work, f"run{i:02d}", keep=5)
    finally:
        stop.write_text("")
        _, err = reader.communicate(timeout=60)
    assert reader.returncode == 0, err.decode()
    seen = json.loads(log.read_text())
    assert seen["mismatches"] == 0 and seen["vanished"] == 0, seen
    assert seen["checks"] > 100 and len(seen["runs"]) >= 5, seen  # it read throughout, across many versions
