"""The one HTTP layer: every request mieruka makes goes through `Fetcher.get`.

Three modes share one code path so that what the tests exercise is what production runs:

* ``replay`` (default) serves recorded responses from ``snapshots/`` and never touches the network;
  an unknown request fails with the snapshot path it expected and how to record it.
* ``live`` calls the source with timeouts, bounded retries with backoff on 429/5xx and transport
  errors (honouring ``Retry-After``), a per-host minimum interval, a maximum body size and
  redirects limited to http(s) on allowed hosts.
* ``record`` is ``live`` that also writes each successful response as a snapshot.

Rate limits and retries apply to live requests only: replay is instant.
"""

from __future__ import annotations

import email.utils
import json
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal
from urllib.parse import urljoin, urlsplit

import httpx

from flows.snapshots import redact_url, snapshot_paths, write_snapshot

Mode = Literal["replay", "live", "record"]
MODES: tuple[Mode, ...] = ("replay", "live", "record")
# httpx logs every request URL at INFO: with an e-Stat appId in the query that would leak a secret
logging.getLogger("httpx").setLevel(logging.WARNING)
logging.getLogger("httpcore").setLevel(logging.WARNING)
RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})
USER_AGENT = "mieruka/0.1 (+https://github.com/mieruka; statistics ETL; contact: operator)"


class FetchError(RuntimeError):
    """A request failed for good. The message names the source, the (redacted) URL and the cause."""

    def __init__(self, source_id: str, url: str, cause: str, status: int | None = None) -> None:
        self.source_id = source_id
        self.url = redact_url(url)
        self.cause = cause
        self.status = status
        super().__init__(f"{source_id}: GET {self.url} failed: {cause}")


class SnapshotMissing(FetchError):
    """Replay mode has no recorded response for this request."""


@dataclass(frozen=True)
class HttpSettings:
    mode: Mode = "replay"
    snapshots_dir: Path = Path("snapshots")
    timeout_s: float = 30.0
    max_retries: int = 4  # retries after the first attempt
    backoff_base_s: float = 0.5  # 0.5, 1, 2, 4 ... seconds
    max_backoff_s: float = 30.0  # cap for a single wait, Retry-After included
    max_total_wait_s: float = 120.0  # cap for all waits of one request
    max_body_bytes: int = 64 * 1024 * 1024
    max_redirects: int = 5


def settings_from_env(mode: Mode, snapshots_dir: Path, env: dict[str, str] | None = None) -> HttpSettings:
    """HttpSettings with operator overrides: MIERUKA_HTTP_TIMEOUT_S, MIERUKA_HTTP_MAX_RETRIES,
    MIERUKA_HTTP_BACKOFF_S, MIERUKA_HTTP_MAX_WAIT_S and MIERUKA_HTTP_MAX_BODY_BYTES."""
    env = dict(os.environ) if env is None else env
    fields = {
        "timeout_s": ("MIERUKA_HTTP_TIMEOUT_S", float),
        "max_retries": ("MIERUKA_HTTP_MAX_RETRIES", int),
        "backoff_base_s": ("MIERUKA_HTTP_BACKOFF_S", float),
        "max_total_wait_s": ("MIERUKA_HTTP_MAX_WAIT_S", float),
        "max_body_bytes": ("MIERUKA_HTTP_MAX_BODY_BYTES", int),
    }
    overrides = {}
    for name, (var, cast) in fields.items():
        if env.get(var):
            try:
                overrides[name] = cast(env[var])
            except ValueError as exc:
                raise ValueError(f"{var}={env[var]!r} is not a valid {cast.__name__}") from exc
    return HttpSettings(mode=mode, snapshots_dir=snapshots_dir, **overrides)


@dataclass(frozen=True)
class FetchedResponse:
    source_id: str
    url: str  # redacted
    status: int
    content_type: str | None
    body: bytes
    fetched_at: datetime
    from_snapshot: bool
    attempts: int = 1


@dataclass
class _HostClock:
    """Remembers when each host was last called, so live calls keep a minimum interval."""

    last_call: dict[str, float] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


class Fetcher:
    """Fetch URLs for a source in the configured mode. Thread-safe; one per pipeline run."""

    def __init__(
        self,
        settings: HttpSettings,
        min_interval_s: dict[str, float] | None = None,
        allowed_hosts: dict[str, frozenset[str]] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.settings = settings
        self._min_interval = min_interval_s or {}
        self._allowed_hosts = allowed_hosts or {}
        self._sleep = sleep
        self._clock = _HostClock()
        self._client: httpx.Client | None = None
        self._transport = transport

    # -- public -------------------------------------------------------------------------------
    def get(self, source_id: str, url: str) -> FetchedResponse:
        if self.settings.mode == "replay":
            return self._replay(source_id, url)
        response = self._live(source_id, url)
        if self.settings.mode == "record" and 200 <= response.status < 300:
            write_snapshot(
                self.settings.snapshots_dir,
                source_id,
                url,
                response.status,
                response.content_type,
                response.body,
                response.fetched_at.isoformat(),
            )
        return response

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- replay -------------------------------------------------------------------------------
    def _replay(self, source_id: str, url: str) -> FetchedResponse:
        paths = snapshot_paths(self.settings.snapshots_dir, source_id, url)
        if not paths.body.exists():
            raise SnapshotMissing(
                source_id,
                url,
                f"no recorded snapshot at {paths.body} (replay mode). Record it with "
                f"`mieruka run --mode record --source {source_id}`, or pass --snapshots DIR "
                "to use another snapshot folder.",
            )
        meta = json.loads(paths.meta.read_text(encoding="utf-8")) if paths.meta.exists() else {}
        body = paths.body.read_bytes()
        status = int(meta.get("status", 200))
        if len(body) > self.settings.max_body_bytes:
            raise FetchError(source_id, url, f"snapshot body of {len(body)} bytes exceeds the limit")
        if not 200 <= status < 300:
            raise FetchError(source_id, url, f"recorded HTTP status {status}", status)
        return FetchedResponse(
            source_id=source_id,
            url=redact_url(url),
            status=status,
            content_type=meta.get("content_type"),
            body=body,
            fetched_at=datetime.now(UTC).replace(tzinfo=None),
            from_snapshot=True,
        )

    # -- live ---------------------------------------------------------------------------------
    def _http(self) -> httpx.Client:
        if self._client is None:
            self._client = httpx.Client(
                timeout=httpx.Timeout(self.settings.timeout_s),
                follow_redirects=False,  # we follow by hand, checking scheme and host each time
                headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip"},
                transport=self._transport,
            )
        return self._client

    def _respect_interval(self, host: str) -> None:
        interval = self._min_interval.get(host, 0.0)
        with self._clock.lock:
            last = self._clock.last_call.get(host)
            now = time.monotonic()
            wait = 0.0 if last is None else max(0.0, last + interval - now)
            self._clock.last_call[host] = now + wait
        if wait > 0:
            self._sleep(wait)

    def _check_target(self, source_id: str, origin: str, target: str) -> None:
        parts = urlsplit(target)
        if parts.scheme not in ("http", "https"):
            raise FetchError(source_id, origin, f"refused redirect to non-http scheme {parts.scheme!r}")
        allowed = self._allowed_hosts.get(source_id) or frozenset({urlsplit(origin).hostname or ""})
        if parts.hostname not in allowed:
            raise FetchError(source_id, origin, f"refused redirect to host {parts.hostname!r} (allowed: "
                             f"{', '.join(sorted(allowed))})")

    def _live(self, source_id: str, url: str) -> FetchedResponse:
        self._check_target(source_id, url, url)
        waited = 0.0
        attempt = 0
        last_cause = ""
        while True:
            attempt += 1
            try:
                status, content_type, body, retry_after = self._one_attempt(source_id, url)
            except _Retryable as exc:
                status, last_cause, retry_after = None, exc.cause, None
            else:
                if status not in RETRYABLE_STATUS:
                    if not 200 <= status < 300:
                        snippet = body[:200].decode("utf-8", "replace")
                        raise FetchError(source_id, url, f"HTTP {status}: {snippet}", status)
                    return FetchedResponse(
                        source_id=source_id,
                        url=redact_url(url),
                        status=status,
                        content_type=content_type,
                        body=body,
                        fetched_at=datetime.now(UTC).replace(tzinfo=None),
                        from_snapshot=False,
                        attempts=attempt,
                    )
                last_cause = f"HTTP {status}"
            if attempt > self.settings.max_retries:
                raise FetchError(source_id, url, f"{last_cause} after {attempt} attempts", status)
            delay = self._backoff(attempt, retry_after)
            if waited + delay > self.settings.max_total_wait_s:
                raise FetchError(
                    source_id, url, f"{last_cause}; giving up: retry wait would exceed "
                    f"{self.settings.max_total_wait_s:.0f} s", status,
                )
            waited += delay
            self._sleep(delay)

    def _backoff(self, attempt: int, retry_after: float | None) -> float:
        delay = self.settings.backoff_base_s * (2 ** (attempt - 1))
        if retry_after is not None:
            delay = max(delay, retry_after)
        return min(delay, self.settings.max_backoff_s)

    def _one_attempt(self, source_id: str, url: str) -> tuple[int, str | None, bytes, float | None]:
        """One request, following allowed redirects; raises `_Retryable` on transport errors."""
        current = url
        for _ in range(self.settings.max_redirects + 1):
            self._respect_interval(urlsplit(current).hostname or "")
            try:
                with self._http().stream("GET", current) as resp:
                    if resp.is_redirect:
                        target = urljoin(current, resp.headers.get("location", ""))
                        self._check_target(source_id, url, target)
                        current = target
                        continue
                    body = self._read_capped(source_id, url, resp)
                    return (
                        resp.status_code,
                        resp.headers.get("content-type"),
                        body,
                        parse_retry_after(resp.headers.get("retry-after")),
                    )
            except httpx.TimeoutException as exc:
                raise _Retryable(f"timed out ({type(exc).__name__})") from exc
            except (httpx.TransportError, httpx.DecodingError) as exc:
                raise _Retryable(f"connection error ({type(exc).__name__}: {exc})") from exc
        raise FetchError(source_id, url, f"more than {self.settings.max_redirects} redirects")

    def _read_capped(self, source_id: str, url: str, resp: httpx.Response) -> bytes:
        limit = self.settings.max_body_bytes
        declared = resp.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > limit:
            raise FetchError(source_id, url, f"body of {declared} bytes exceeds the {limit}-byte limit")
        chunks: list[bytes] = []
        size = 0
        for chunk in resp.iter_bytes():
            size += len(chunk)
            if size > limit:
                raise FetchError(source_id, url, f"body exceeds the {limit}-byte limit")
            chunks.append(chunk)
        return b"".join(chunks)


class _Retryable(Exception):
    def __init__(self, cause: str) -> None:
        super().__init__(cause)
        self.cause = cause


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
