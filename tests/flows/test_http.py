"""The HTTP layer against a real server on 127.0.0.1: modes, retries, limits, redirects, secrets."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from urllib.parse import quote, quote_plus, unquote, unquote_plus, urlencode

import pytest

from flows.http import Fetcher, FetchError, HttpSettings, SnapshotMissing, parse_retry_after
from flows.snapshots import canonical_url, redact_url, snapshot_paths, write_snapshot
from tests.support.loopback import LoopbackServer, Reply


class Sleeps:
    """Records requested waits instead of sleeping, so retry tests run instantly."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


def live(tmp_path: Path, sleeps: Sleeps, **overrides: object) -> Fetcher:
    options: dict = {"timeout_s": 2.0, **overrides}
    settings = HttpSettings(mode="live", snapshots_dir=tmp_path / "snaps", **options)
    return Fetcher(settings, sleep=sleeps)


def test_live_get_returns_body_status_and_content_type(loopback: LoopbackServer, tmp_path: Path) -> None:
    loopback.script("/ok", Reply(200, b'{"a": 1}', {"Content-Type": "application/json"}))
    with live(tmp_path, Sleeps()) as fetcher:
        response = fetcher.get("src", loopback.url("/ok"))
    assert (response.status, response.body, response.content_type) == (200, b'{"a": 1}', "application/json")
    assert not response.from_snapshot


def test_retries_5xx_with_exponential_backoff_then_succeeds(loopback: LoopbackServer, tmp_path: Path) -> None:
    loopback.script("/flaky", Reply(503), Reply(500), Reply(200, b"fine"))
    sleeps = Sleeps()
    with live(tmp_path, sleeps, backoff_base_s=0.5) as fetcher:
        response = fetcher.get("src", loopback.url("/flaky"))
    assert response.body == b"fine"
    assert response.attempts == 3
    assert loopback.hits("/flaky") == 3
    assert sleeps.calls == [0.5, 1.0]


def test_429_honours_retry_after(loopback: LoopbackServer, tmp_path: Path) -> None:
    loopback.script("/limited", Reply(429, headers={"Retry-After": "7"}), Reply(200, b"ok"))
    sleeps = Sleeps()
    with live(tmp_path, sleeps) as fetcher:
        assert fetcher.get("src", loopback.url("/limited")).body == b"ok"
    assert sleeps.calls == [7.0]


def test_retries_are_bounded_and_the_error_names_source_url_and_cause(
    loopback: LoopbackServer, tmp_path: Path
) -> None:
    loopback.script("/down", Reply(500, b"boom"))
    sleeps = Sleeps()
    with live(tmp_path, sleeps, max_retries=3) as fetcher, pytest.raises(FetchError) as info:
        fetcher.get("boj", loopback.url("/down?db=BP01"))
    assert loopback.hits("/down") == 4
    message = str(info.value)
    assert message.startswith("boj: GET ")
    assert "/down?db=BP01" in message and "HTTP 500" in message and "4 attempts" in message


def test_total_retry_wait_is_capped(loopback: LoopbackServer, tmp_path: Path) -> None:
    loopback.script("/slow-limit", Reply(429, headers={"Retry-After": "25"}))
    sleeps = Sleeps()
    with live(tmp_path, sleeps, max_backoff_s=30, max_total_wait_s=60) as fetcher, pytest.raises(FetchError) as info:
        fetcher.get("src", loopback.url("/slow-limit"))
    assert sleeps.calls == [25.0, 25.0]  # a third wait would bring the total to 75 s
    assert "retry wait would exceed" in str(info.value)


@pytest.mark.parametrize("asked", ["99999", "Fri, 31 Dec 2100 23:59:59 GMT"], ids=["seconds", "http-date"])
def test_retry_after_beyond_the_longest_wait_fails_at_once_saying_what_was_asked(
    loopback: LoopbackServer, tmp_path: Path, asked: str
) -> None:
    loopback.script("/busy", Reply(429, b"come back tomorrow", {"Retry-After": asked}))
    sleeps = Sleeps()
    with live(tmp_path, sleeps, max_backoff_s=30) as fetcher, pytest.raises(FetchError) as info:
        fetcher.get("src", loopback.url("/busy"))
    assert loopback.hits("/busy") == 1 and sleeps.calls == []  # no retry, no wait
    assert f"Retry-After: {asked}" in info.value.cause and "longest wait allowed is 30 s" in info.value.cause
    assert info.value.status == 429


def _unused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(var, raising=False)


LONG_QUERY = "&".join(f"p{i}=value{i}" for i in range(60))  # a 600-character URL, as an SDMX key makes


@pytest.mark.usefixtures("no_proxy")
def test_a_dns_failure_is_not_retried_and_its_cause_is_short(tmp_path: Path) -> None:
    sleeps = Sleeps()
    url = f"http://no-such-host.invalid/data?{LONG_QUERY}"
    with live(tmp_path, sleeps) as fetcher, pytest.raises(FetchError) as info:
        fetcher.get("src", url)
    assert sleeps.calls == [] and info.value.attempts == 1
    cause = info.value.cause
    assert "no-such-host.invalid" in cause and "DNS" in cause and "no network? check DNS/proxy" in cause
    assert LONG_QUERY not in cause and len(cause) < 200
    assert len(str(info.value)) < 400 and info.value.url.endswith(LONG_QUERY)  # the whole URL stays an attribute


@pytest.mark.usefixtures("no_proxy")
def test_connection_refused_is_not_retried_and_names_host_and_port(tmp_path: Path) -> None:
    port = _unused_port()
    sleeps = Sleeps()
    with live(tmp_path, sleeps) as fetcher, pytest.raises(FetchError) as info:
        fetcher.get("src", f"http://127.0.0.1:{port}/data?{LONG_QUERY}")
    assert sleeps.calls == [] and info.value.attempts == 1
    assert f"connection refused by 127.0.0.1:{port}" in info.value.cause and len(info.value.cause) < 200


def test_client_errors_are_not_retried(loopback: LoopbackServer, tmp_path: Path) -> None:
    loopback.script("/missing", Reply(404, b"not here"))
    with live(tmp_path, Sleeps()) as fetcher, pytest.raises(FetchError) as info:
        fetcher.get("src", loopback.url("/missing"))
    assert loopback.hits("/missing") == 1
    assert info.value.status == 404 and "not here" in str(info.value)


@pytest.mark.parametrize(
    ("reply", "cause"),
    [
        (Reply(action="reset"), "connection error"),
        (Reply(200, b"x" * 100, action="stall", stall_s=1.5), "timed out"),
        (Reply(200, b'{"cut": ', action="truncate"), "connection error"),
    ],
    ids=["connection-reset", "read-timeout", "body-cut-short"],
)
def test_transport_faults_are_retried_then_reported(
    loopback: LoopbackServer, tmp_path: Path, reply: Reply, cause: str
) -> None:
    loopback.script("/fault", reply)
    with live(tmp_path, Sleeps(), max_retries=1, timeout_s=0.5) as fetcher, pytest.raises(FetchError) as info:
        fetcher.get("src", loopback.url("/fault"))
    assert loopback.hits("/fault") == 2
    assert cause in str(info.value)


def test_transport_fault_then_recovery(loopback: LoopbackServer, tmp_path: Path) -> None:
    loopback.script("/blip", Reply(action="reset"), Reply(200, b"back"))
    with live(tmp_path, Sleeps()) as fetcher:
        assert fetcher.get("src", loopback.url("/blip")).body == b"back"


@pytest.mark.parametrize("action", ["normal", "chunked"], ids=["content-length", "streamed"])
def test_body_over_the_limit_is_refused(loopback: LoopbackServer, tmp_path: Path, action: str) -> None:
    loopback.script("/huge", Reply(200, b"y" * 5000, action=action))
    with live(tmp_path, Sleeps(), max_body_bytes=1000) as fetcher, pytest.raises(FetchError) as info:
        fetcher.get("src", loopback.url("/huge"))
    assert "exceeds the 1000-byte limit" in str(info.value)


def test_body_under_the_limit_streams_through(loopback: LoopbackServer, tmp_path: Path) -> None:
    loopback.script("/fits", Reply(200, b"z" * 3000, action="chunked"))
    with live(tmp_path, Sleeps(), max_body_bytes=4000) as fetcher:
        assert fetcher.get("src", loopback.url("/fits")).body == b"z" * 3000


def test_redirect_on_the_same_host_is_followed(loopback: LoopbackServer, tmp_path: Path) -> None:
    loopback.script("/old", Reply(301, headers={"Location": "/new"}))
    loopback.script("/new", Reply(200, b"moved"))
    with live(tmp_path, Sleeps()) as fetcher:
        assert fetcher.get("src", loopback.url("/old")).body == b"moved"


@pytest.mark.parametrize(
    ("location", "why"),
    [("file:///etc/passwd", "non-http scheme"), ("http://example.com/x", "refused redirect to host"),
     ("http://[::1", "refused redirect to an invalid URL")],
    ids=["file-scheme", "other-host", "invalid"],
)
def test_redirects_to_other_schemes_or_hosts_are_refused(
    loopback: LoopbackServer, tmp_path: Path, location: str, why: str
) -> None:
    loopback.script("/jump", Reply(302, headers={"Location": location}))
    with live(tmp_path, Sleeps()) as fetcher, pytest.raises(FetchError) as info:
        fetcher.get("src", loopback.url("/jump"))
    assert why in str(info.value)


def test_per_host_minimum_interval_applies_to_live_calls(loopback: LoopbackServer, tmp_path: Path) -> None:
    loopback.script("/a", Reply(200, b"a"))
    sleeps = Sleeps()
    settings = HttpSettings(mode="live", snapshots_dir=tmp_path)
    # a clock that stands still: the second call comes "at once", so it must wait the whole interval
    with Fetcher(settings, min_interval_s={"127.0.0.1": 1.0}, sleep=sleeps, clock=lambda: 1000.0) as fetcher:
        fetcher.get("src", loopback.url("/a"))
        fetcher.get("src", loopback.url("/a"))
    assert sleeps.calls == [1.0]


def test_record_then_replay_round_trip(loopback: LoopbackServer, tmp_path: Path) -> None:
    loopback.script("/data", Reply(200, b"recorded body", {"Content-Type": "text/plain"}))
    snaps = tmp_path / "snaps"
    url = loopback.url("/data?b=2&a=1")
    with Fetcher(HttpSettings(mode="record", snapshots_dir=snaps)) as fetcher:
        fetcher.get("src", url)
    with Fetcher(HttpSettings(mode="replay", snapshots_dir=snaps)) as fetcher:
        # the same request with parameters in another order finds the same snapshot
        replayed = fetcher.get("src", loopback.url("/data?a=1&b=2"))
    assert replayed.body == b"recorded body" and replayed.from_snapshot
    assert loopback.hits("/data") == 1
    meta = json.loads(snapshot_paths(snaps, "src", url).meta.read_text())
    assert meta["status"] == 200 and meta["content_type"] == "text/plain"


def test_replay_of_an_unknown_request_names_the_snapshot_and_how_to_record(tmp_path: Path) -> None:
    url = "https://www.stat-search.boj.or.jp/api/v1/getDataCode?db=XX"
    fetcher = Fetcher(HttpSettings(mode="replay", snapshots_dir=tmp_path))
    with fetcher, pytest.raises(SnapshotMissing) as info:
        fetcher.get("boj", url)
    message = str(info.value)
    assert str(snapshot_paths(tmp_path, "boj", url).body) in message
    assert "mieruka run --mode record --source boj" in message


def test_replay_makes_no_network_call(loopback: LoopbackServer, tmp_path: Path) -> None:
    url = loopback.url("/never")
    write_snapshot(tmp_path, "src", url, 200, "text/plain", b"from disk", "2026-01-01T00:00:00")
    with Fetcher(HttpSettings(mode="replay", snapshots_dir=tmp_path)) as fetcher:
        assert fetcher.get("src", url).body == b"from disk"
    assert loopback.hits("/never") == 0


def test_secrets_never_reach_errors_or_snapshot_names(loopback: LoopbackServer, tmp_path: Path) -> None:
    key = "SECRET-KEY-123456"
    loopback.script("/estat", Reply(500))
    url = loopback.url(f"/estat?appId={key}&statsDataId=1")
    with live(tmp_path, Sleeps(), max_retries=0) as fetcher, pytest.raises(FetchError) as info:
        fetcher.get("estat", url)
    assert key not in str(info.value) and "appId=REDACTED" in str(info.value)
    assert key not in redact_url(url) and key not in canonical_url(url)
    assert key not in str(snapshot_paths(tmp_path, "estat", url).body)


@pytest.mark.parametrize("source_id", ["../../etc", "..", "a/b", "/abs"])
def test_snapshot_paths_cannot_escape_their_folder(tmp_path: Path, source_id: str) -> None:
    paths = snapshot_paths(tmp_path, source_id, "https://h/../../../../etc/passwd?x=../../y")
    assert tmp_path.resolve() in paths.body.parents and tmp_path.resolve() in paths.meta.parents


def test_retry_after_accepts_seconds_and_http_dates() -> None:
    assert parse_retry_after("12") == 12.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past: no wait
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


# -- secrets a server echoes back -------------------------------------------------------------------
KEYS = ["0123456789abcdef0123456789abcdef01234567", "Ab/c+d=Ef~0123 456:7"]  # e-Stat's form; one needing escapes


def _secret_url(loopback: LoopbackServer, path: str, key: str) -> str:
    return loopback.url(f"{path}?{urlencode({'appId': key, 'statsDataId': '0003999001'})}")


def _leaks(text: str | bytes, key: str) -> bool:
    """Whether any form of the key a server might echo is present: as sent, decoded or escaped."""
    data = text if isinstance(text, bytes) else text.encode()
    forms = {key, quote(key, safe=""), quote_plus(key), json.dumps(key)[1:-1], key.replace("/", "\\/")}
    decoded = data.decode("utf-8", "replace")
    decoded_forms = {unquote(decoded), unquote_plus(decoded), unquote(unquote(decoded)), unquote_plus(unquote(decoded))}
    return any(form.encode() in data for form in forms) or any(key in d for d in decoded_forms)


@pytest.mark.parametrize("key", KEYS, ids=["hex", "escaped"])
@pytest.mark.parametrize(
    "reply",
    [
        Reply(404, b"<html><p>The requested URL {url} was not found on this server.</p></html>",
              {"Content-Type": "text/html"}, echo=True),
        Reply(400, b'{"error": {"code": 100, "message": "invalid appId in {url}"}}',
              {"Content-Type": "application/json"}, echo=True),
        Reply(403, b"{url}" * 50, {"Content-Type": "text/plain; request={url}"}, echo=True),
    ],
    ids=["404-page", "json-error", "long-echo"],
)
def test_an_error_that_echoes_the_request_is_raised_without_the_secret(
    loopback: LoopbackServer, tmp_path: Path, key: str, reply: Reply
) -> None:
    loopback.script("/estat/getStatsData", reply)
    with live(tmp_path, Sleeps()) as fetcher, pytest.raises(FetchError) as info:
        fetcher.get("estat", _secret_url(loopback, "/estat/getStatsData", key))
    assert _leaks(loopback.requests[-1][0], key)  # the server really got (and echoed) the key
    assert f"HTTP {reply.status}" in info.value.cause and "REDACTED" in info.value.cause  # the echo is quoted
    assert not _leaks(str(info.value), key) and not _leaks(info.value.cause, key)
    assert not _leaks(repr(info.value.args), key)


@pytest.mark.parametrize("key", KEYS, ids=["hex", "escaped"])
def test_a_body_and_headers_that_echo_the_request_are_kept_without_the_secret(
    loopback: LoopbackServer, tmp_path: Path, key: str
) -> None:
    body = b'{"GET_STATS_DATA": {"PARAMETER": {"REQUEST": "{url}"}, "RESULT": {"STATUS": 0}}}'
    loopback.script("/estat/getStatsData",
                    Reply(302, headers={"Location": "/estat/landing?from={url}"}, echo=True))
    loopback.script("/estat/landing", Reply(200, body, {"Content-Type": "application/json; echo={url}"}, echo=True))
    url = _secret_url(loopback, "/estat/getStatsData", key)
    snaps = tmp_path / "snaps"
    with Fetcher(HttpSettings(mode="record", snapshots_dir=snaps)) as fetcher:
        response = fetcher.get("estat", url)
    assert loopback.hits("/estat/landing") == 1
    assert b'"REQUEST": "http://127.0.0.1' in response.body and b"REDACTED" in response.body
    json.loads(response.body)  # redaction keeps the JSON valid
    for kept in (response.body, response.content_type or "", response.url, response.final_url):
        assert not _leaks(kept, key), kept
    assert "/estat/landing" in response.final_url and response.url.startswith(loopback.url("/estat/getStatsData"))
    stored = [path for path in snaps.rglob("*") if path.is_file()]
    assert len(stored) == 2  # body and meta
    for path in stored:
        assert not _leaks(path.read_bytes(), key) and key not in path.name, path
