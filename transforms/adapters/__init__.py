"""The source adapter registry: the one place that knows which source kinds exist.

Outside this package no code branches on a source kind: flows ask `adapter_for(source.kind)` and
call the same five methods for every source (see `transforms.adapters.base`). A new kind is one
module here plus one line in `_BUILT_IN`; tests may `register` a throwaway adapter.
"""

from __future__ import annotations

from transforms.adapters import article_feed, article_page, boj, curated, estat, sdmx, worldbank
from transforms.adapters.base import (
    SECRET_PLACEHOLDER,
    Parsed,
    Request,
    ResponseInfo,
    SampleBody,
    SourceAdapter,
)

__all__ = [
    "SECRET_PLACEHOLDER",
    "Parsed",
    "Request",
    "ResponseInfo",
    "SampleBody",
    "SourceAdapter",
    "adapter_for",
    "kinds",
    "register",
    "unregister",
]

_BUILT_IN: tuple[SourceAdapter, ...] = (
    boj.ADAPTER,
    worldbank.ADAPTER,
    estat.ADAPTER,
    sdmx.ADAPTER,
    curated.ADAPTER,
    article_page.ADAPTER,
    article_feed.ADAPTER,
)
_REGISTRY: dict[str, SourceAdapter] = {adapter.kind: adapter for adapter in _BUILT_IN}


def register(adapter: SourceAdapter) -> None:
    """Add (or replace) the adapter of `adapter.kind`."""
    _REGISTRY[adapter.kind] = adapter


def unregister(kind: str) -> None:
    """Remove a registered kind (tests that registered a throwaway adapter clean up with this)."""
    _REGISTRY.pop(kind, None)


def kinds() -> frozenset[str]:
    return frozenset(_REGISTRY)


def adapter_for(kind: str) -> SourceAdapter:
    """The adapter of a source kind; KeyError naming the known kinds when there is none."""
    try:
        return _REGISTRY[kind]
    except KeyError:
        raise KeyError(f"no adapter for source kind {kind!r} (known: {', '.join(sorted(_REGISTRY))})") from None
