"""The knobs of the HTTP layer, with the environment variables an operator sets them with."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Mode = Literal["replay", "live", "record"]
MODES: tuple[Mode, ...] = ("replay", "live", "record")


@dataclass(frozen=True)
class HttpSettings:
    mode: Mode = "replay"
    snapshots_dir: Path = Path("snapshots")
    timeout_s: float = 30.0  # connect and each read; a trickling server never trips it, hence the deadlines
    max_retries: int = 4  # retries after the first attempt
    backoff_base_s: float = 0.5  # 0.5, 1, 2, 4 ... seconds
    max_backoff_s: float = 30.0  # longest single wait; a Retry-After above it fails at once
    max_total_wait_s: float = 120.0  # cap for all waits of one request
    max_body_bytes: int = 64 * 1024 * 1024  # decoded bytes, and bytes on the wire
    max_redirects: int = 5
    request_deadline_s: float = 120.0  # one `get`, all attempts, redirects and waits included
    run_deadline_s: float = 3600.0  # from the Fetcher's creation (one per run): later requests fail at once


#: setting -> (environment variable, type)
ENV_VARS: dict[str, tuple[str, type]] = {
    "timeout_s": ("MIERUKA_HTTP_TIMEOUT_S", float),
    "max_retries": ("MIERUKA_HTTP_MAX_RETRIES", int),
    "backoff_base_s": ("MIERUKA_HTTP_BACKOFF_S", float),
    "max_backoff_s": ("MIERUKA_HTTP_MAX_BACKOFF_S", float),
    "max_total_wait_s": ("MIERUKA_HTTP_MAX_WAIT_S", float),
    "max_body_bytes": ("MIERUKA_HTTP_MAX_BODY_BYTES", int),
    "request_deadline_s": ("MIERUKA_HTTP_DEADLINE_S", float),
    "run_deadline_s": ("MIERUKA_RUN_DEADLINE_S", float),
}


def settings_from_env(mode: Mode, snapshots_dir: Path, env: dict[str, str] | None = None) -> HttpSettings:
    """HttpSettings with the operator's overrides from `ENV_VARS`; a bad value names its variable."""
    env = dict(os.environ) if env is None else env
    overrides = {}
    for name, (var, cast) in ENV_VARS.items():
        if env.get(var):
            try:
                overrides[name] = cast(env[var])
            except ValueError as exc:
                raise ValueError(f"{var}={env[var]!r} is not a valid {cast.__name__}") from exc
    return HttpSettings(mode=mode, snapshots_dir=snapshots_dir, **overrides)
