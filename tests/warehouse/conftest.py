"""Shared warehouse fixtures. A module that needs another warehouse (a pipeline run's, read-only)
defines its own `con`, which takes precedence over this one."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from warehouse import db


@pytest.fixture
def con(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """An empty embedded warehouse with every migration applied."""
    connection = db.connect(tmp_path / "w.duckdb")
    db.migrate(connection)
    yield connection
    connection.close()
