"""What each mart promises its readers beyond its rows: its grain (key columns) and the unit of each column.

Why in the mart's own SQL file: a mart author changes a mart in one place, so the grain and the units are
declared in the leading comment block of `warehouse/marts/NN_<mart>.sql`, right above the query they
describe (see warehouse/marts/README.md); the grain is listed in the table's column order, and the
published files are sorted by it:

    -- grain: year, definition, component
    -- unit credit_jpy, debit_jpy, balance_jpy: JPY
    -- unit value: [unit]

Descriptions are not declared here: they are the warehouse's own `COMMENT ON` statements, read back from
`duckdb_tables()` / `duckdb_columns()` when publishing. A mart without a grain is an error (a dashboard
must know what identifies a row); so is a grain or unit naming a column the mart does not have.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from warehouse.db import MARTS_DIR

_CREATES = re.compile(r"^\s*CREATE\s+(?:OR\s+REPLACE\s+)?TABLE\s+marts\.\"?(\w+)\"?", re.IGNORECASE | re.MULTILINE)
# `-- grain: a, b` (the file's only mart) or `-- grain <mart>: a, b` (a file that creates several)
_GRAIN = re.compile(r"^--\s*grain(?:\s+(?:marts\.)?(\w+))?\s*:\s*(.*)$", re.IGNORECASE)
# `-- unit a, b: JPY`; a column may be written `<mart>.<column>` in a file that creates several marts
_UNIT = re.compile(r"^--\s*unit\s+([\w.,\s]+?)\s*:\s*(.+?)\s*$", re.IGNORECASE)
# a unit written `[column]`: the unit differs per row and is given by that column of the same row
PER_ROW_UNIT = re.compile(r"^\[(\w+)\]$")


class ContractError(ValueError):
    """A mart's header is missing or names columns the mart lacks: fix the header in the named file."""


@dataclass(frozen=True)
class MartContract:
    """Grain and units of one mart, as declared in its SQL file."""

    mart: str
    path: Path
    grain: tuple[str, ...]
    units: dict[str, str] = field(default_factory=dict)  # column -> unit

    def check_columns(self, columns: list[str]) -> None:
        """Raise ContractError when the grain or a unit names a column that the built mart does not have."""
        have = set(columns)
        missing_grain = [c for c in self.grain if c not in have]
        missing_unit = sorted(c for c in self.units if c not in have)
        per_row = sorted(
            ref for u in self.units.values() if (m := PER_ROW_UNIT.match(u)) and (ref := m.group(1)) not in have
        )
        problems = []
        if missing_grain:
            problems.append(f"no grain column(s) {', '.join(missing_grain)}")
        if missing_unit:
            problems.append(f"no column(s) {', '.join(missing_unit)} for its unit line(s)")
        if per_row:
            problems.append(f"no per-row unit column(s) {', '.join(per_row)}")
        in_table_order = [c for c in columns if c in self.grain]
        if not missing_grain and in_table_order != list(self.grain):
            problems.append(
                f"grain {', '.join(self.grain)} in another order than the table's; list it as "
                f"'-- grain: {', '.join(in_table_order)}' (files are sorted by the grain in that order)"
            )
        if problems:
            raise ContractError(
                f"{self.path.name}: the header of marts.{self.mart} does not fit its columns ({', '.join(columns)}): "
                f"{'; '.join(problems)}. Update the '-- grain:' / '-- unit' lines at the top of the file."
            )


def _header(text: str) -> list[str]:
    """The leading comment block: every line up to the first line that is neither a comment nor blank."""
    lines = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("--"):
            break
        lines.append(stripped)
    return lines


def parse_contracts(path: Path, text: str) -> dict[str, MartContract]:
    """The contracts declared by one mart file (pure: `text` is the file's content, `path` names it in errors)."""
    marts = list(dict.fromkeys(_CREATES.findall(text)))
    if not marts:
        return {}
    only = marts[0] if len(marts) == 1 else None
    grains: dict[str, tuple[str, ...]] = {}
    units: dict[str, dict[str, str]] = {m: {} for m in marts}
    for line in _header(text):
        if grain := _GRAIN.match(line):
            mart = grain.group(1) or only
            if mart not in units:
                raise ContractError(
                    f"{path.name}: '{line}' must name its mart ('-- grain <mart>: ...'): the file creates "
                    f"{', '.join(marts)}"
                )
            columns = tuple(c.strip() for c in grain.group(2).split(",") if c.strip())
            if not columns:
                raise ContractError(f"{path.name}: '{line}' lists no column")
            grains[mart] = columns
        elif unit := _UNIT.match(line):
            for name in (c.strip() for c in unit.group(1).split(",") if c.strip()):
                mart, _, column = name.rpartition(".")
                mart = mart.removeprefix("marts.") or only
                if mart not in units:
                    raise ContractError(
                        f"{path.name}: '{line}': write the column as <mart>.<column> (the file creates "
                        f"{', '.join(marts)})"
                    )
                units[mart][column] = unit.group(2)
    missing = [m for m in marts if m not in grains]
    if missing:
        raise ContractError(
            f"{path.name}: no grain declared for marts.{', marts.'.join(missing)}. Add a line such as "
            "'-- grain: year, definition, component' (the columns that identify one row) to the comment block "
            "at the top of the file; see warehouse/marts/README.md."
        )
    return {m: MartContract(m, path, grains[m], units[m]) for m in marts}


def load_contracts(marts_dir: Path = MARTS_DIR) -> dict[str, MartContract]:
    """Every mart's contract, from the headers of `marts_dir/*.sql` (ContractError names the file to fix)."""
    contracts: dict[str, MartContract] = {}
    for path in sorted(marts_dir.glob("*.sql")):
        for mart, contract in parse_contracts(path, path.read_text(encoding="utf-8")).items():
            if mart in contracts:
                raise ContractError(f"marts.{mart} is created in both {contracts[mart].path.name} and {path.name}")
            contracts[mart] = contract
    return contracts
