"""Every mart to `<mart>.parquet` and `<mart>.csv`, byte-stable, with its description, grain and units inside.

Byte-stable means: exporting the same rows twice gives the same bytes, whatever order the mart's query
happened to produce them in (parallel aggregation does not keep an order). So rows are sorted by the
grain, then by every other column, and the files hold nothing that changes from run to run: no run id,
no time. Run-time facts go to `manifest.json` only. A dashboard can then compare a file's sha256 with
the previous manifest's to know whether the data changed.

The Parquet key-value metadata carries the table's description (its COMMENT ON), its grain, and per
column the type, unit and description, so a file copied away from the manifest still says what it holds:

    mieruka.table        the mart name
    mieruka.description  the table comment
    mieruka.grain        JSON list of the key columns
    mieruka.columns      JSON list of {name, type, unit, description}
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from warehouse import db
from warehouse.publish.contract import ContractError, MartContract, load_contracts

_MART_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
KV_PREFIX = "mieruka."


@dataclass(frozen=True)
class ColumnInfo:
    name: str
    type: str
    unit: str | None
    description: str | None

    def as_dict(self) -> dict[str, str | None]:
        return {"name": self.name, "type": self.type, "unit": self.unit, "description": self.description}


@dataclass(frozen=True)
class FileInfo:
    path: Path
    sha256: str
    bytes: int


@dataclass(frozen=True)
class ExportedMart:
    """One mart as exported: what the manifest says about it."""

    name: str
    description: str | None
    grain: tuple[str, ...]
    columns: tuple[ColumnInfo, ...]
    rows: int
    is_sample: bool
    parquet: FileInfo
    csv: FileInfo


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _file_info(path: Path) -> FileInfo:
    return FileInfo(path, sha256_of(path), path.stat().st_size)


def kv_metadata(name: str, description: str | None, grain: tuple[str, ...], columns: tuple[ColumnInfo, ...]) -> dict:
    """The Parquet key-value metadata of one mart (pure; the same inputs give the same strings)."""
    return {
        f"{KV_PREFIX}table": name,
        f"{KV_PREFIX}description": description or "",
        f"{KV_PREFIX}grain": json.dumps(list(grain), ensure_ascii=False),
        f"{KV_PREFIX}columns": json.dumps([c.as_dict() for c in columns], ensure_ascii=False),
    }


def export_mart(
    con: duckdb.DuckDBPyConnection, name: str, description: str | None, contract: MartContract, directory: Path
) -> ExportedMart:
    """Write `directory/<name>.parquet` and `<name>.csv` from marts.<name> and describe them."""
    if not _MART_NAME.match(name):
        raise ContractError(f"marts.{name}: a published mart name must be a plain identifier")
    found = con.sql(db.sql_text("published_mart_columns"), params={"mart": name}).fetchall()
    contract.check_columns([column for column, _, _ in found])
    columns = tuple(
        ColumnInfo(column, dtype, contract.units.get(column), comment) for column, dtype, comment in found
    )
    table = f'marts."{name}"'
    grain = list(contract.grain)
    parquet, csv = directory / f"{name}.parquet", directory / f"{name}.csv"
    params = {"table": table, "grain": grain}
    con.execute(
        db.sql_text("export_mart_parquet"),
        {**params, "path": parquet.as_posix(), "kv": kv_metadata(name, description, contract.grain, columns)},
    ).fetchall()
    con.execute(db.sql_text("export_mart_csv"), {**params, "path": csv.as_posix()}).fetchall()
    rows = con.sql(db.sql_text("mart_rows"), params={"table": table}).fetchall()[0][0]
    is_sample = any(c.name == "is_sample" for c in columns) and bool(
        con.sql(db.sql_text("mart_is_sample"), params={"table": table}).fetchall()[0][0]
    )
    return ExportedMart(
        name=name,
        description=description,
        grain=contract.grain,
        columns=columns,
        rows=int(rows),
        is_sample=is_sample,
        parquet=_file_info(parquet),
        csv=_file_info(csv),
    )


def export_marts(
    con: duckdb.DuckDBPyConnection, directory: Path, contracts: dict[str, MartContract] | None = None
) -> dict[str, ExportedMart]:
    """Export every table of schema marts into `directory` (which must exist); return them by name.

    Raises ContractError, before writing anything, when a mart has no declared grain (see contract.py)."""
    contracts = load_contracts() if contracts is None else contracts
    marts = con.sql(db.sql_text("published_marts")).fetchall()
    undeclared = [name for name, _ in marts if name not in contracts]
    if undeclared:
        raise ContractError(
            f"no grain declared for marts.{', marts.'.join(undeclared)}: add '-- grain: ...' to the header of "
            "the warehouse/marts/*.sql file that creates it (see warehouse/marts/README.md)"
        )
    return {name: export_mart(con, name, comment, contracts[name], directory) for name, comment in marts}
