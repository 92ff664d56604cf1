"""Figures that exist only in reports or the press, curated by hand in a CSV, kind ``curated_csv``.

Requests: the entry's ``path`` inside the catalog folder, as a ``catalog:`` URL that the flows read
from disk (there is nothing to fetch or record). Each row is a figure as one publisher stated it;
its ``published_at`` is the vintage. The catalog loader also reads the file's indicators.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from transforms.adapters.base import Parsed, Request, ResponseInfo, SampleBody, SourceAdapter
from transforms.curated import parse_curated

if TYPE_CHECKING:
    from catalog.loader import Catalog, Source

CONTENT_TYPE = "text/csv; charset=utf-8"


class CuratedAdapter(SourceAdapter):
    kind: ClassVar[str] = "curated_csv"

    def check(self, source: Source) -> None:
        if not source.options.get("path"):
            raise ValueError("needs path (a CSV file inside the catalog folder)")

    def plan(self, source: Source, catalog: Catalog) -> list[Request]:
        path = str(source.options["path"])
        return [Request(source.id, f"catalog:{path}", path, step="file")]

    def parse(self, body: bytes, request: Request, source: Source, catalog: Catalog, info: ResponseInfo) -> Parsed:
        return Parsed.of(parse_curated(body, source.id))

    def render_sample(
        self, request: Request, source: Source, catalog: Catalog, data: Mapping[str, Any]
    ) -> SampleBody:
        """A curated CSV of `data["rows"]` (dicts with the file's columns, in `data["columns"]` order)."""
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(data["columns"]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(data["rows"])
        return SampleBody(out.getvalue().encode(), CONTENT_TYPE, "file")


ADAPTER = CuratedAdapter()
