"""`Fetcher.get`: the one way mieruka makes a request, in all three modes.

Live requests are bounded in every dimension a hostile or broken server can stretch: attempts
(retries with backoff on 429/5xx and broken connections, honouring Retry-After up to a limit),
time (a read timeout, a total deadline per request and one per run), size (the decoded body cap)
and reach (links and redirects are checked before connecting, see `guard`). What the server sends
back is scrubbed of the request's secrets before anything keeps it.
"""

from __future__ import annotations

import email.utils
import json
import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx

from flows.http.decode import BodyError, BoundedDecoder, encodings_of
from flows.http.errors import FetchError, FetchRefused, SnapshotMissing, describe_transport_error, shorten_url
from flows.http.guard import (
    DEFAULT_PORTS,
    Address,
    AllowList,
    LookupFailed,
    Refused,
    Resolver,
    parse_allow_map,
    system_resolver,
    vet,
)
from flows.http.settings import HttpSettings
from flows.snapshots import (
    HISTORY_DIR,
    redact_bytes,
    redact_echoed_url,
    redact_text,
    redact_url,
    secret_values,
    snapshot_paths,
    write_snapshot,
)

# httpx logs every request URL at INFO: with an e-Stat appId in the query that would leak a secret
logging.getLogger("httpx").setLevel(logging.WARNING)
logging.getLogger("httpcore").setLevel(logging.WARNING)
RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})
USER_AGENT = "mieruka/0.1 (+https://github.com/mieruka; statistics ETL; contact: operator)"
ERROR_BODY_BYTES = 64 * 1024  # of an error page, enough to quote its start; the rest is not read


@dataclass(frozen=True)
class FetchedResponse:
    source_id: str
    url: str  # as requested, redacted
    status: int
    content_type: str | None
    body: bytes  # decoded, secrets of the request redacted
    fetched_at: datetime
    from_snapshot: bool
    attempts: int = 1
    final_url: str = ""  # where redirects ended, redacted; the requested URL when there were none
    recording: str | None = None  # replayed: the snapshot body's path relative to the snapshot folder

    def __post_init__(self) -> None:
        if not self.final_url:
            object.__setattr__(self, "final_url", self.url)


@dataclass
class _HostClock:
    """Remembers when each host was last called, so live calls keep a minimum interval."""

    last_call: dict[str, float] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


@dataclass(frozen=True)
class _Deadline:
    """The earlier of the request's and the run's deadline, with how to name it in an error."""

    end: float
    label: str
    reason: str
    clock: Callable[[], float]

    def remaining(self) -> float:
        return self.end - self.clock()


@dataclass(frozen=True)
class _Answer:
    status: int
    content_type: str | None
    body: bytes
    retry_after: str | None
    final_url: str


class _Retryable(Exception):
    def __init__(self, cause: str) -> None:
        super().__init__(cause)
        self.cause = cause


class Fetcher:
    """Fetch URLs for a source in the configured mode. Thread-safe; one per pipeline run (the run
    deadline counts from its creation).

    min_interval_s: host -> seconds between live calls to it.
    allow_hosts: source id -> ``host`` / ``host:port`` entries that links and redirects of that
        source may reach although the port is not the default or the address is not public.
    resolver: host, port -> addresses (tests; default: the system resolver).
    """

    def __init__(
        self,
        settings: HttpSettings,
        min_interval_s: dict[str, float] | None = None,
        allow_hosts: Mapping[str, Iterable[str] | None] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        transport: httpx.BaseTransport | None = None,
        resolver: Resolver | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings
        self._min_interval = min_interval_s or {}
        self._allow = parse_allow_map(allow_hosts)
        self._sleep = sleep
        self._clock = clock
        self._run_started = clock()
        self._hosts = _HostClock()
        self._resolver = resolver or system_resolver
        self._transport = transport
        self._clients: dict[str, httpx.Client] = {}
        self._clients_lock = threading.Lock()

    # -- public -------------------------------------------------------------------------------
    def get(self, source_id: str, url: str, *, trusted: bool = True) -> FetchedResponse:
        """GET `url` for `source_id`. `trusted=False` for a URL that did not come from the catalog
        (a feed item's link): it is checked before connecting, as every redirect target is."""
        if self.settings.mode == "replay":
            return self._replay(source_id, url)
        response = self._live(source_id, url, trusted)
        if self.settings.mode == "record" and 200 <= response.status < 300:
            write_snapshot(
                self.settings.snapshots_dir,
                source_id,
                url,
                response.status,
                response.content_type,
                response.body,
                response.fetched_at.isoformat(),
                final_url=response.final_url,
            )
        return response

    def history(self, source_id: str, url: str) -> list[FetchedResponse]:
        """Older recordings of `url` (``<snapshots>/history/<date>/``), oldest first; replay mode only.

        Replaying them before the latest recording gives the warehouse the source's real release
        history (each body states its own release date); live and record modes have none.
        """
        if self.settings.mode != "replay":
            return []
        root = self.settings.snapshots_dir / HISTORY_DIR
        folders = sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []
        return [
            self._replay(source_id, url, folder)
            for folder in folders
            if snapshot_paths(folder, source_id, url).body.exists()
        ]

    def close(self) -> None:
        with self._clients_lock:
            for client in self._clients.values():
                client.close()
            self._clients.clear()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- replay -------------------------------------------------------------------------------
    def _replay(self, source_id: str, url: str, root: Path | None = None) -> FetchedResponse:
        paths = snapshot_paths(root or self.settings.snapshots_dir, source_id, url)
        if not paths.body.exists():
            raise SnapshotMissing(
                source_id,
                url,
                f"no recorded snapshot at {paths.body} (replay mode). Record it with "
                f"`mieruka run --mode record --source {source_id}`, or pass --snapshots DIR "
                "to use another snapshot folder.",
                reason="snapshot",
            )
        meta = json.loads(paths.meta.read_text(encoding="utf-8")) if paths.meta.exists() else {}
        body = paths.body.read_bytes()
        status = int(meta.get("status", 200))
        if len(body) > self.settings.max_body_bytes:
            raise FetchError(source_id, url, f"snapshot body of {len(body)} bytes exceeds the limit", reason="body")
        if not 200 <= status < 300:
            raise FetchError(source_id, url, f"recorded HTTP status {status}", status, reason="http")
        return FetchedResponse(
            source_id=source_id,
            url=redact_url(url),
            status=status,
            content_type=meta.get("content_type"),
            body=body,
            fetched_at=datetime.now(UTC).replace(tzinfo=None),
            from_snapshot=True,
            final_url=str(meta.get("final_url") or ""),
            recording=paths.body.relative_to(self.settings.snapshots_dir.resolve()).as_posix(),
        )

    # -- live ---------------------------------------------------------------------------------
    def _client(self, pinned: bool) -> httpx.Client:
        """One client with keep-alive for requests by name; one without for requests pinned to a
        checked address, so a connection opened for one name is never reused for another."""
        key = "pinned" if pinned else "named"
        with self._clients_lock:
            if key not in self._clients:
                self._clients[key] = httpx.Client(
                    timeout=httpx.Timeout(self.settings.timeout_s),
                    follow_redirects=False,  # we follow by hand, checking each target
                    headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip"},
                    limits=httpx.Limits(max_keepalive_connections=0) if pinned else httpx.Limits(),
                    transport=self._transport,
                )
            return self._clients[key]

    def _respect_interval(self, host: str) -> None:
        interval = self._min_interval.get(host, 0.0)
        with self._hosts.lock:
            last = self._hosts.last_call.get(host)
            now = self._clock()
            wait = 0.0 if last is None else max(0.0, last + interval - now)
            self._hosts.last_call[host] = now + wait
        if wait > 0:
            self._sleep(wait)

    def _deadline(self, source_id: str, url: str) -> _Deadline:
        settings = self.settings
        now = self._clock()
        run_end = self._run_started + settings.run_deadline_s
        run_label = f"run deadline of {settings.run_deadline_s:g} s (MIERUKA_RUN_DEADLINE_S)"
        if now >= run_end:
            raise FetchError(source_id, url, f"the {run_label} has passed: no further requests in this run",
                             reason="run_deadline")
        if run_end < now + settings.request_deadline_s:
            return _Deadline(run_end, run_label, "run_deadline", self._clock)
        return _Deadline(now + settings.request_deadline_s,
                         f"request deadline of {settings.request_deadline_s:g} s (MIERUKA_HTTP_DEADLINE_S)",
                         "deadline", self._clock)

    @staticmethod
    def _late(source_id: str, url: str, deadline: _Deadline, attempt: int, received: int | None = None) -> FetchError:
        got = f"; {received} bytes of the body had arrived" if received is not None else ""
        return FetchError(source_id, url, f"no complete answer within the {deadline.label}{got}",
                          attempts=attempt, reason=deadline.reason)

    def _live(self, source_id: str, url: str, trusted: bool) -> FetchedResponse:
        secrets = secret_values(url)
        deadline = self._deadline(source_id, url)
        scheme = urlsplit(url).scheme
        if trusted and scheme not in DEFAULT_PORTS:
            raise FetchRefused(source_id, url, f"refused non-http scheme {scheme!r}", reason="blocked")
        settings = self.settings
        waited = 0.0
        attempt = 0
        while True:
            attempt += 1
            status: int | None = None
            retry_after: str | None = None
            try:
                answer = self._one_attempt(source_id, url, trusted, deadline, secrets, attempt)
            except _Retryable as exc:
                last_cause = exc.cause
            else:
                status = answer.status
                if status not in RETRYABLE_STATUS:
                    if not 200 <= status < 300:
                        snippet = answer.body[:200].decode("utf-8", "replace")
                        raise FetchError(source_id, url, f"HTTP {status}: {snippet}", status, attempts=attempt,
                                         reason="http")
                    return FetchedResponse(
                        source_id=source_id,
                        url=redact_text(redact_url(url), secrets),
                        status=status,
                        content_type=answer.content_type,
                        body=answer.body,
                        fetched_at=datetime.now(UTC).replace(tzinfo=None),
                        from_snapshot=False,
                        attempts=attempt,
                        final_url=redact_echoed_url(answer.final_url, secrets),
                    )
                last_cause, retry_after = f"HTTP {status}", answer.retry_after
            asked = parse_retry_after(retry_after)
            if asked is not None and asked > settings.max_backoff_s:
                raise FetchError(
                    source_id, url, f"{last_cause}: the server asked to retry after {asked:.0f} s (Retry-After: "
                    f"{retry_after}); the longest wait allowed is {settings.max_backoff_s:g} s "
                    "(MIERUKA_HTTP_MAX_BACKOFF_S), so not retrying", status, attempts=attempt, reason="retry_after",
                )
            if attempt > settings.max_retries:
                raise FetchError(source_id, url, f"{last_cause} after {attempt} attempts", status, attempts=attempt,
                                 reason="http" if status else "transport")
            delay = self._backoff(attempt, asked)
            if waited + delay > settings.max_total_wait_s:
                raise FetchError(
                    source_id, url, f"{last_cause}; giving up: retry wait would exceed "
                    f"{settings.max_total_wait_s:.0f} s", status, attempts=attempt,
                    reason="http" if status else "transport",
                )
            if delay >= deadline.remaining():
                raise FetchError(source_id, url, f"{last_cause}; giving up: a retry in {delay:g} s would pass the "
                                 f"{deadline.label}", status, attempts=attempt, reason=deadline.reason)
            waited += delay
            self._sleep(delay)

    def _backoff(self, attempt: int, retry_after: float | None) -> float:
        delay = self.settings.backoff_base_s * (2 ** (attempt - 1))
        if retry_after is not None:
            delay = max(delay, retry_after)
        return min(delay, self.settings.max_backoff_s)

    def _one_attempt(
        self, source_id: str, url: str, trusted: bool, deadline: _Deadline, secrets: tuple[str, ...], attempt: int
    ) -> _Answer:
        """One request, following allowed redirects; raises `_Retryable` on transient transport errors."""
        allow = self._allow.get(source_id, AllowList())
        current, current_trusted = url, trusted
        for hop in range(self.settings.max_redirects + 1):
            address = None if current_trusted else self._vet(source_id, url, current, allow, deadline, hop, attempt)
            target = httpx.URL(current)
            self._respect_interval(target.host)
            if deadline.remaining() <= 0:
                raise self._late(source_id, url, deadline, attempt)
            try:
                with self._open(current, address, deadline) as resp:
                    if resp.is_redirect:
                        current, current_trusted = self._next_hop(
                            source_id, url, trusted, current, resp.headers.get("location", ""), allow, attempt
                        )
                        continue
                    ok = 200 <= resp.status_code < 300
                    body = self._read_body(source_id, url, resp, deadline, attempt, strict=ok)
                    content_type = resp.headers.get("content-type")
                    return _Answer(
                        resp.status_code,
                        redact_text(content_type, secrets) if content_type else None,
                        redact_bytes(body, secrets),
                        resp.headers.get("retry-after"),
                        current,
                    )
            except httpx.TransportError as exc:
                if deadline.remaining() <= 0:
                    raise self._late(source_id, url, deadline, attempt) from None
                port = target.port or DEFAULT_PORTS.get(target.scheme, 0)
                cause, retry = describe_transport_error(exc, target.host, port)
                if retry:
                    raise _Retryable(cause) from exc
                raise FetchError(source_id, url, cause, attempts=attempt, reason="network") from None
        raise FetchError(source_id, url, f"more than {self.settings.max_redirects} redirects", attempts=attempt,
                         reason="redirect")

    def _vet(
        self, source_id: str, url: str, current: str, allow: AllowList, deadline: _Deadline, hop: int, attempt: int
    ) -> Address | None:
        prefix = f"refused redirect to {shorten_url(redact_echoed_url(current, secret_values(url)))}: " if hop else ""
        try:
            vetted = vet(current, allow, self._resolver, min(self.settings.timeout_s, deadline.remaining()))
        except Refused as exc:
            raise FetchRefused(source_id, url, f"{prefix}{exc}", attempts=attempt, reason="blocked") from None
        except LookupFailed as exc:
            raise FetchError(source_id, url, f"{prefix}{exc}", attempts=attempt, reason="network") from None
        return vetted.address

    def _next_hop(
        self, source_id: str, url: str, trusted: bool, current: str, location: str, allow: AllowList, attempt: int
    ) -> tuple[str, bool]:
        """The redirect target, and whether it is as trusted as the catalog URL (same origin);
        otherwise it is checked like a link. From a catalog URL, redirects stay on its host (or
        allow_hosts)."""
        try:
            target = urljoin(current, location)
            parts = urlsplit(target)
            origin = _origin(target) if parts.scheme in DEFAULT_PORTS else None
        except (httpx.InvalidURL, ValueError) as exc:
            raise FetchRefused(source_id, url, f"refused redirect to an invalid URL ({exc})", attempts=attempt,
                               reason="redirect") from None
        if origin is None:
            raise FetchRefused(source_id, url, f"refused redirect to non-http scheme {parts.scheme!r}",
                               attempts=attempt, reason="redirect")
        if not trusted:
            return target, False
        if origin == _origin(url):
            return target, True
        allowed = {urlsplit(url).hostname or ""} | allow.hosts()
        if (parts.hostname or "") not in allowed:
            raise FetchRefused(source_id, url, f"refused redirect to host {parts.hostname!r} (allowed: "
                               f"{', '.join(sorted(allowed))})", attempts=attempt, reason="redirect")
        return target, False

    def _open(
        self, current: str, address: Address | None, deadline: _Deadline
    ) -> AbstractContextManager[httpx.Response]:
        """Stream a GET of `current`; with `address`, connect to that checked address while the
        name goes in the Host header and TLS SNI (and certificate check)."""
        timeout = httpx.Timeout(max(min(self.settings.timeout_s, deadline.remaining()), 0.001))
        if address is None:
            return self._client(pinned=False).stream("GET", current, timeout=timeout)
        parsed = httpx.URL(current)
        extensions = {"sni_hostname": parsed.raw_host.decode("ascii")} if parsed.scheme == "https" else {}
        return self._client(pinned=True).stream(
            "GET", parsed.copy_with(host=str(address)), headers={"Host": parsed.netloc.decode("ascii")},
            extensions=extensions, timeout=timeout,
        )

    def _read_body(
        self, source_id: str, url: str, resp: httpx.Response, deadline: _Deadline, attempt: int, strict: bool
    ) -> bytes:
        """The decoded body, within the cap and the deadline. `strict=False` (an error answer): only
        its start is read, to quote it, and a body that cannot be decoded is described instead."""
        limit = self.settings.max_body_bytes if strict else min(self.settings.max_body_bytes, ERROR_BODY_BYTES)
        declared = resp.headers.get("content-length")
        if strict and declared and declared.isdigit() and int(declared) > limit:
            raise FetchError(source_id, url, f"body of {declared} bytes exceeds the {limit}-byte limit",
                             resp.status_code, attempts=attempt, reason="body")
        received = 0
        decoder = None
        try:
            decoder = BoundedDecoder(encodings_of(resp.headers.get_list("content-encoding")), limit)
            for chunk in resp.iter_raw():
                received += len(chunk)
                if received > limit:
                    raise BodyError(f"body exceeds the {limit}-byte limit ({received} bytes received)")
                decoder.feed(chunk)
                if deadline.remaining() <= 0:
                    raise self._late(source_id, url, deadline, attempt, received)
            return decoder.finish()
        except BodyError as exc:
            if not strict:
                return (decoder.partial() if decoder else b"") or f"({exc})".encode()
            cause = str(exc) if "received" in str(exc) else f"{exc}; {received} bytes received"
            raise FetchError(source_id, url, cause, resp.status_code, attempts=attempt, reason="body") from None


def _origin(url: str) -> tuple[str, str, int]:
    parsed = httpx.URL(url)
    return parsed.scheme, parsed.host, parsed.port or DEFAULT_PORTS.get(parsed.scheme, 0)


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
