"""Secrets a source's requests carry (e.g. the e-Stat application id), resolved just before sending.

A catalog entry declares them by query parameter: ``secrets: {appId: {env: ESTAT_APP_ID, block:
estat-app-id}}``. Adapters plan URLs with `SECRET_PLACEHOLDER` as the value; `with_secrets` puts
the real value in. Replay needs none (snapshot names hash the URL with secrets redacted), so the
placeholder stays and no secret is ever read.
"""

from __future__ import annotations

import os
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from catalog import Source
from flows.http import FetchError


def resolve_secrets(source: Source, mode: str) -> dict[str, str]:
    """Query parameter → secret value for `source` (empty in replay mode).

    Looks in the environment variable first, then in the Prefect Secret block; a missing secret is
    a `FetchError` that names both places, so the operator knows what to set.
    """
    declared = source.options.get("secrets") or {}
    if mode == "replay" or not declared:
        return {}
    values = {}
    for param, where in declared.items():
        env_name = str(where.get("env", ""))
        block = where.get("block")
        value = os.environ.get(env_name) if env_name else None
        if not value and block:
            value = _secret_block(str(block))
        if not value:
            raise FetchError(
                source.id, source.base_url,
                f"no value for the secret {param}: set {env_name or 'its environment variable'}"
                + (f" (or create the Prefect Secret block '{block}')" if block else "")
                + f" to run {source.id} in {mode} mode",
            )
        values[str(param)] = value
    return values


def _secret_block(name: str) -> str | None:
    try:
        from prefect.blocks.system import Secret

        return str(Secret.load(name).get())
    except Exception:  # no such block, or no Prefect API: treated as "not set"
        return None


def with_secrets(url: str, secrets: dict[str, str]) -> str:
    """`url` with the value of each secret query parameter replaced by its real value."""
    if not secrets:
        return url
    parts = urlsplit(url)
    query = [(k, secrets.get(k, v)) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query, safe=",:;"), parts.fragment))
