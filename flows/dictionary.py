"""The data dictionary (`published/dictionary.md`), generated from the warehouse's own comments.

Why generated: every table and column of the warehouse carries a `COMMENT ON` in its migration or
mart SQL, so the comments are the one place where a meaning is written. A hand-written dictionary
would drift from them; this one is rebuilt from `duckdb_tables()` / `duckdb_columns()` of the
published file on every publish, and a table or column someone forgot to comment shows up as
"(no comment)" instead of silently missing.
"""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from warehouse import db
from warehouse.publish.contract import PER_ROW_UNIT, MartContract, load_contracts

SCHEMAS = ("core", "marts", "ops", "raw")
NO_COMMENT = "*(no comment)*"


@dataclass(frozen=True)
class DictionaryData:
    """What the dictionary lists, as read from the warehouse."""

    warehouse_name: str
    tables: list[tuple[str, str, str, str | None]]  # schema, table, table type (table|view), comment
    columns: list[tuple[str, str, str, str, str | None]]  # schema, table, column, type, comment
    credits: list[tuple[str, str]]  # credit line, sources
    marts: dict[str, MartContract] = field(default_factory=dict)  # grain and units declared per mart


def _cell(text: str | None) -> str:
    """Text safe inside a Markdown table cell: one line, pipes and angle brackets escaped (a comment
    such as data/raw/<sha256> must not be read as an HTML tag)."""
    if text is None or not str(text).strip():
        return NO_COMMENT
    out = " ".join(str(text).split())
    for char in ("\\", "|", "<", ">", "*"):
        out = out.replace(char, "\\" + char)
    return out


def _unit(unit: str | None) -> str:
    """A declared unit as a table cell; `[col]` (the unit is given per row by column col) in words."""
    if not unit:
        return ""
    per_row = PER_ROW_UNIT.match(unit)
    return f"per row, in `{per_row.group(1)}`" if per_row else _cell(unit)


def build_dictionary(data: DictionaryData) -> str:
    """The Markdown text (pure): one section per schema, one table of columns per table or view."""
    columns: dict[tuple[str, str], list[tuple[str, str, str | None]]] = defaultdict(list)
    for schema, table, column, dtype, comment in data.columns:
        columns[(schema, table)].append((column, dtype, comment))
    lines = [
        "# mieruka data dictionary",
        "",
        f"Generated from the comments of `{data.warehouse_name}` by `flows/dictionary.py` at every publish: "
        "do not edit by hand; change the `COMMENT ON` statements in `warehouse/migrations/` or "
        "`warehouse/marts/` instead. Open the warehouse read-only (`duckdb -readonly data/mieruka.duckdb`); "
        "see `docs/analysts.md` for worked queries.",
        "",
        "Every table and column below holding an `is_sample` flag says whether its values come from sample "
        "snapshots (not recorded real responses): do not quote those as fact.",
        "",
        "## Contents",
        "",
    ]
    for schema in SCHEMAS:
        names = [f"`{schema}.{t}`" for s, t, _, _ in data.tables if s == schema]
        lines.append(f"- **{schema}**: {', '.join(names) if names else '(no tables)'}")
    for schema in SCHEMAS:
        lines += ["", f"## Schema `{schema}`"]
        for s, table, table_type, comment in data.tables:
            if s != schema:
                continue
            lines += ["", f"### `{schema}.{table}`" + (" (view)" if table_type == "view" else ""), "", _cell(comment)]
            contract = data.marts.get(table) if schema == "marts" else None
            if contract is None:
                lines += ["", "| column | type | comment |", "|---|---|---|"]
                lines += [
                    f"| `{name}` | {_cell(dtype)} | {_cell(text)} |" for name, dtype, text in columns[(schema, table)]
                ]
                continue
            grain = ", ".join(f"`{c}`" for c in contract.grain)
            lines += [
                "",
                f"One row per {grain} (the grain). Published as `published/{table}.parquet` and "
                f"`published/{table}.csv`, sorted by the grain.",
                "",
                "| column | type | unit | comment |",
                "|---|---|---|---|",
            ]
            lines += [
                f"| `{name}` | {_cell(dtype)} | {_unit(contract.units.get(name))} | {_cell(text)} |"
                for name, dtype, text in columns[(schema, table)]
            ]
    lines += ["", "## Credits", "", "Publishing data from this warehouse requires these credit lines:", ""]
    lines += [f"- {_cell(credit)} ({_cell(sources)})" for credit, sources in data.credits] or ["- (none recorded)"]
    return "\n".join(lines) + "\n"


def read_dictionary(
    warehouse_path: Path | None, warehouse_name: str | None = None, con: duckdb.DuckDBPyConnection | None = None
) -> DictionaryData:
    """Read tables, columns and credits from the warehouse, opened read-only (analysts may hold it), or
    from `con` (a DuckLake reader pinned at the published snapshot). `warehouse_name` is the name readers
    know it by (the publish step reads the copy before it is renamed)."""
    own = con is None
    if con is None:
        assert warehouse_path is not None
        con = db.connect(warehouse_path, read_only=True)
    try:
        tables = con.sql(db.sql_text("dictionary_tables")).fetchall()
        columns = con.sql(db.sql_text("dictionary_columns")).fetchall()
        credits = con.sql(db.sql_text("credit_lines")).fetchall()
    finally:
        if own:
            con.close()
    return DictionaryData(
        warehouse_name=warehouse_name or Path(str(warehouse_path)).name,
        tables=[(s, t, k, c) for s, t, k, c in tables],
        columns=[(s, t, col, dtype, c) for s, t, col, dtype, _nullable, c in columns],
        credits=[(credit, sources) for credit, sources in credits],
        marts=load_contracts(),
    )


def write_dictionary(
    warehouse_path: Path | None, published_dir: Path, warehouse_name: str | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
) -> Path:
    """Write `published_dir/dictionary.md` from the warehouse's comments (temp file + os.replace);
    return its path."""
    text = build_dictionary(read_dictionary(Path(warehouse_path) if warehouse_path else None, warehouse_name, con))
    path = Path(published_dir) / "dictionary.md"
    tmp = path.with_name("dictionary.md.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    return path
