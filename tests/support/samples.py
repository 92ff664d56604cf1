"""Serve a source's SAMPLE answers from the loopback server, exactly for the requests its adapter makes.

Walks the adapter's plan -> parse -> follow-ups -> next page loop (as snapshots/generate_samples.py
does), renders each answer with `render_sample` and scripts it under the request's path and query,
with the secrets filled in as the pipeline will send them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from catalog import Catalog
from flows.secrets import with_secrets
from tests.support.loopback import LoopbackServer, Reply
from transforms.adapters import Request, ResponseInfo, adapter_for


def path_and_query(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def serve_sample_answers(
    server: LoopbackServer, catalog: Catalog, source_id: str, secrets: Mapping[str, str],
    data: Mapping[str, Any] | None = None,
) -> list[tuple[Request, str]]:
    """Script every answer of `source_id`; return (request, URL as sent) in the order the pipeline asks."""
    source = catalog.sources[source_id]
    adapter = adapter_for(source.kind)
    queue, scripted = list(adapter.plan(source, catalog)), []
    while queue:
        request = queue.pop(0)
        url = with_secrets(request.url, dict(secrets))
        sample = adapter.render_sample(request, source, catalog, data or {})
        server.script(path_and_query(url), Reply(200, sample.body, {"Content-Type": sample.content_type}))
        scripted.append((request, url))
        info = ResponseInfo(url, sample.content_type, datetime.now())
        parsed = adapter.parse(sample.body, request, source, catalog, info)
        following = adapter.next_request(request, parsed)
        queue += [*parsed.follow, *([following] if following else [])]
    return scripted
