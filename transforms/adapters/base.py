"""The one shape every source adapter has.

A source *kind* (BOJ API, World Bank v2, e-Stat, SDMX, a curated CSV, a news feed ...) is the only
thing in mieruka that knows how one kind of service is asked and answered. Each kind is one
module in this package with one `SourceAdapter` subclass, and every adapter answers the same five
questions, so a reader who knows one knows them all:

1. `plan` — which requests does a catalog entry need (first pages only)?
2. `parse` — what does one body mean, read with the entry's options? (observations and rejected
   rows in the `transforms.contracts` shape, plus follow-up requests and any other staged tables)
3. `next_request` — which page comes next, if any?
4. `vintage` — which release date does the response state (e.g. BOJ ``LAST_UPDATE``)?
5. `render_sample` — what would this request's answer look like, in the real layout, for the
   given sample values (so `snapshots/generate_samples.py` writes samples that look like the
   service, not like our parser)?

Two hooks are optional: `check` (does a catalog entry have the options this kind needs?) and
`answer_to_status` (an HTTP error status the service documents as an answer, e.g. SDMX 404 "no data").

Adapters are pure like the rest of `transforms/`: no network, no files, no DuckDB, no Prefect.
The flows give them bytes and metadata; everything they return is data.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import polars as pl

from transforms.contracts import ParseResult, empty_observations, empty_rejected

if TYPE_CHECKING:
    from catalog.loader import Catalog, Source

#: The value planned URLs carry for a secret query parameter (e.g. e-Stat ``appId``). The flows put
#: the real secret in just before sending; every stored form of a URL redacts it again.
SECRET_PLACEHOLDER = "SECRET"


@dataclass(frozen=True)
class Request:
    """One request of a source, as an adapter planned it.

    `step` names which of the adapter's answers this is (``data``, ``structure``, ``list``,
    ``feed``, ``article`` ...); only the adapter reads it. `trusted` is False for URLs taken from a
    response (feed links): the fetcher checks where they point before connecting. A request that
    is not `required` (an article linked from a feed) can fail alone: its error is quarantined and
    the rest of the source still loads.
    """

    source_id: str
    url: str
    label: str
    step: str = "data"
    trusted: bool = True
    required: bool = True


@dataclass(frozen=True)
class ResponseInfo:
    """What an adapter may know about a response besides its body."""

    url: str  # final URL, secrets redacted
    content_type: str | None
    fetched_at: dt.datetime


@dataclass(frozen=True)
class Parsed:
    """What an adapter made of one body.

    `observations`/`rejected` follow `transforms.contracts`. `follow` are further requests this
    answer asks for (the e-Stat table a list names, the articles a feed links). `tables` holds other
    frames to stage, by warehouse table (``articles``, ``figures``, ``claims``, ``codelists``).
    `notes` are short lines for the operator (the table e-Stat discovery chose, "no records").
    """

    observations: pl.DataFrame = field(default_factory=empty_observations)
    rejected: pl.DataFrame = field(default_factory=empty_rejected)
    next_page: int | None = None
    follow: tuple[Request, ...] = ()
    tables: Mapping[str, pl.DataFrame] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    @classmethod
    def of(cls, result: ParseResult, **extra: Any) -> Parsed:
        """A parser's `ParseResult` as a `Parsed` (its notes first, then any in `extra`)."""
        notes = result.notes + tuple(extra.pop("notes", ()))
        return cls(
            observations=result.observations, rejected=result.rejected, next_page=result.next_page, notes=notes,
            **extra,
        )


@dataclass(frozen=True)
class SampleBody:
    """A sample answer in the service's real layout; `part` tells the generator which provenance
    text describes it (e.g. ``BP01``, ``structure``, ``feed``)."""

    body: bytes
    content_type: str
    part: str


class SourceAdapter(ABC):
    """Base class of every adapter; see the module docstring for the five questions."""

    #: The catalog's ``kind`` this adapter serves (sources.yaml).
    kind: ClassVar[str]
    #: Bump when `parse` output changes, so bodies parsed by the old version are parsed again.
    version: ClassVar[int] = 1
    #: Query parameter that carries the page number for `next_request` (None: no paging).
    page_param: ClassVar[str | None] = None

    @property
    def parser_id(self) -> str:
        return f"{self.kind}@{self.version}"

    def check(self, source: Source) -> None:  # noqa: B027 - optional hook
        """Raise `ValueError` naming the option when a catalog entry lacks what this kind needs."""

    @abstractmethod
    def plan(self, source: Source, catalog: Catalog) -> list[Request]:
        """The first request of every series of requests this source needs."""

    @abstractmethod
    def parse(self, body: bytes, request: Request, source: Source, catalog: Catalog, info: ResponseInfo) -> Parsed:
        """One body read with the entry's options. Whole-payload problems raise `PayloadError`."""

    def next_request(self, request: Request, parsed: Parsed) -> Request | None:
        """The next page of `request`, or None. Default: ``page_param`` set to ``parsed.next_page``."""
        if self.page_param is None or parsed.next_page is None:
            return None
        return replace(request, url=with_query_param(request.url, self.page_param, str(parsed.next_page)))

    def answer_to_status(self, request: Request, status: int) -> Parsed | None:
        """What an HTTP error status to `request` means when the provider documents it as an answer.

        The fetcher turns every non-2xx status into a `FetchError`; an adapter whose service answers
        "nothing matched" with an error status (SDMX REST: 404) returns the answer here (usually an
        empty `Parsed` with a note), and the flows carry on. Default: no status is an answer.
        """
        return None

    def vintage(self, parsed: Parsed) -> dt.date | None:
        """The release date the response states (the newest ``source_updated``), if any."""
        stated = parsed.observations["source_updated"].drop_nulls()
        return stated.max() if stated.len() else None  # type: ignore[return-value]

    @abstractmethod
    def render_sample(
        self, request: Request, source: Source, catalog: Catalog, data: Mapping[str, Any]
    ) -> SampleBody:
        """The answer to `request` in the service's real layout, filled with the sample `data`."""


def with_query(base: str, params: Mapping[str, str]) -> str:
    """`base` with `params` as its query string (``,:;`` kept readable, as the services write them)."""
    return f"{base}?{urlencode(dict(params), safe=',:;')}"


def with_query_param(url: str, name: str, value: str) -> str:
    """`url` with query parameter `name` set to `value` (replacing any earlier value)."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != name]
    query.append((name, value))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query, safe=",:;"), ""))


def query_of(url: str) -> dict[str, str]:
    """The query parameters of `url` (last value wins)."""
    return dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))
