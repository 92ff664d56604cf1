"""How a request fails: one exception type, a short cause a person can act on, no secret in it.

The cause is what an operator reads first, so it names the host and what failed and, where the
usual reason is the machine rather than the source (no DNS, nothing listening), says so. It never
carries a long URL: the (redacted) URL is an attribute, and the message shortens it.
"""

from __future__ import annotations

import errno
import socket

import httpx

from flows.snapshots import redact_echoed_url, redact_text, secret_values

#: a URL longer than this is cut in messages (an SDMX key makes 600-character URLs)
MESSAGE_URL_CHARS = 160
_UNREACHABLE = frozenset({errno.ENETUNREACH, errno.EHOSTUNREACH, errno.ENETDOWN, errno.EHOSTDOWN})


def shorten_url(url: str, limit: int = MESSAGE_URL_CHARS) -> str:
    return url if len(url) <= limit else f"{url[: limit - 20]}…({len(url)} chars)"


class FetchError(RuntimeError):
    """A request failed for good. The message names the source, the (redacted) URL and the cause.

    `reason` tells failures apart for callers and summaries: http, dns, refused, unreachable,
    timeout, deadline, run_deadline, retry_after, body, blocked, redirect, snapshot, error.
    """

    def __init__(
        self, source_id: str, url: str, cause: str, status: int | None = None, *, attempts: int = 1,
        reason: str = "error",
    ) -> None:
        secrets = secret_values(url)  # `url` is the URL as requested: redact what it carries from everything
        self.source_id = source_id
        self.url = redact_echoed_url(url, secrets)
        self.cause = redact_text(cause, secrets)
        self.status = status
        self.attempts = attempts
        self.reason = reason
        super().__init__(f"{source_id}: GET {shorten_url(self.url)} failed: {self.cause}")


class SnapshotMissing(FetchError):
    """Replay mode has no recorded response for this request."""


class FetchRefused(FetchError):
    """A link or redirect was not fetched: its scheme, port or address is not allowed (no request
    was sent). Callers may record the item and go on rather than fail the source."""


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def describe_transport_error(exc: Exception, host: str, port: int) -> tuple[str, bool]:
    """(short cause, whether retrying can help) for an httpx transport error.

    A DNS failure, a refused or unreachable connection is the same on the next try a second later,
    and usually means this machine has no network: not retried. Timeouts and broken connections are.
    """
    for link in _chain(exc):
        if isinstance(link, socket.gaierror):
            detail = link.strerror or str(link)
            return f"DNS lookup of {host} failed ({detail}); no network? check DNS/proxy", False
        if isinstance(link, ConnectionRefusedError):
            return f"connection refused by {host}:{port}; is the service up, the port right?", False
        if isinstance(link, OSError) and link.errno in _UNREACHABLE:
            return f"network unreachable for {host}:{port} ({link.strerror}); no network? check routes/proxy", False
    if isinstance(exc, httpx.RemoteProtocolError) and "location header" in str(exc):
        return f"refused redirect to an invalid URL ({str(exc)[:150]})", False  # httpx checks Location first
    if isinstance(exc, httpx.TimeoutException):
        return f"timed out ({type(exc).__name__})", True
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"connection error ({type(exc).__name__}: {text[:150]})", True
