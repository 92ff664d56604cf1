"""The one HTTP layer: every request mieruka makes goes through `Fetcher.get`.

Three modes share one code path so that what the tests exercise is what production runs:

* ``replay`` (default) serves recorded responses from ``snapshots/`` and never touches the network;
  an unknown request fails with the snapshot path it expected and how to record it.
* ``live`` calls the source with timeouts, a total deadline per request and per run, bounded
  retries with backoff on 429/5xx and broken connections (honouring ``Retry-After`` up to the
  longest wait allowed), no retry of DNS failures and refused connections, a per-host minimum
  interval, a cap on the decoded body, redirects checked hop by hop, and links that did not come
  from the catalog checked against internal addresses. Secrets of the request URL are redacted
  from everything the server sends back.
* ``record`` is ``live`` that also writes each successful response as a snapshot.

Rate limits, retries and deadlines apply to live requests only: replay is instant.

Modules: `settings` (knobs and their environment variables), `fetcher` (modes, retries,
deadlines), `guard` (which addresses links and redirects may reach), `decode` (bounded
Content-Encoding decoding), `errors` (FetchError and short causes).
"""

from flows.http.errors import FetchError, FetchRefused, SnapshotMissing
from flows.http.fetcher import RETRYABLE_STATUS, USER_AGENT, FetchedResponse, Fetcher, parse_retry_after
from flows.http.guard import parse_allow_hosts
from flows.http.settings import ENV_VARS, MODES, HttpSettings, Mode, settings_from_env

__all__ = [
    "ENV_VARS",
    "MODES",
    "RETRYABLE_STATUS",
    "USER_AGENT",
    "FetchError",
    "FetchRefused",
    "FetchedResponse",
    "Fetcher",
    "HttpSettings",
    "Mode",
    "SnapshotMissing",
    "parse_allow_hosts",
    "parse_retry_after",
    "settings_from_env",
]
