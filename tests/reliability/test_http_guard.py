"""Links and redirects that did not come from the catalog cannot reach internal addresses (#13.7).

A feed item's link or any redirect target is resolved and checked before connecting: http(s) only,
default ports only, and no loopback, private, link-local, multicast, unspecified or cloud-metadata
address, unless the source's `allow_hosts` in the catalog names that host (and port). The loopback
servers of these tests are reachable only because a test allows them; a second loopback port that
nothing allows is refused with an error that says why and how to allow it.
"""

from __future__ import annotations

import shutil
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from catalog.loader import CATALOG_DIR
from flows.http import Fetcher, FetchError, FetchRefused, HttpSettings
from flows.pipeline import PipelineFailed, pipeline
from tests.support.loopback import LoopbackServer, Reply

ARTICLE = "Japan's digital deficit reached 6.65 trillion yen in 2024, the finance ministry said.\n"
INTERNAL = "INTERNAL-ADMIN-PAGE: db password rotation schedule\n"


@pytest.fixture
def second() -> Iterator[LoopbackServer]:
    """Another port on the same host: an internal service that no catalog entry allows."""
    server = LoopbackServer().start()
    try:
        yield server
    finally:
        server.stop()


class Resolver:
    """A stand-in for DNS that answers from a table and counts the look-ups."""

    def __init__(self, answers: dict[str, list[str]]) -> None:
        self.answers = answers
        self.calls: list[str] = []

    def __call__(self, host: str, port: int) -> list[str]:
        self.calls.append(host)
        return self.answers[host]


def fetcher(tmp_path: Path, allow: list[str] | None = None, resolver: Resolver | None = None) -> Fetcher:
    settings = HttpSettings(mode="live", snapshots_dir=tmp_path, timeout_s=2.0, max_retries=0)
    extra = {"resolver": resolver} if resolver else {}
    return Fetcher(settings, allow_hosts={"src": allow or []}, sleep=lambda _s: None, **extra)


def test_a_link_to_loopback_is_refused_before_connecting(loopback: LoopbackServer, tmp_path: Path) -> None:
    loopback.script("/admin", Reply(200, INTERNAL.encode()))
    with fetcher(tmp_path) as f, pytest.raises(FetchRefused) as info:
        f.get("src", loopback.url("/admin"), trusted=False)
    assert loopback.hits("/admin") == 0
    assert f"127.0.0.1:{loopback.port}" in info.value.cause and "allow_hosts" in info.value.cause


def test_the_same_url_from_the_catalog_is_fetched(loopback: LoopbackServer, tmp_path: Path) -> None:
    loopback.script("/data", Reply(200, b"catalog data"))
    with fetcher(tmp_path) as f:
        assert f.get("src", loopback.url("/data")).body == b"catalog data"  # trusted: the catalog named it


def test_a_link_the_catalog_allows_is_fetched_and_a_second_port_is_refused(
    loopback: LoopbackServer, second: LoopbackServer, tmp_path: Path
) -> None:
    loopback.script("/story", Reply(200, ARTICLE.encode()))
    second.script("/admin", Reply(200, INTERNAL.encode()))
    with fetcher(tmp_path, allow=[f"127.0.0.1:{loopback.port}"]) as f:
        response = f.get("src", loopback.url("/story"), trusted=False)
        assert response.body == ARTICLE.encode() and response.final_url == loopback.url("/story")
        with pytest.raises(FetchRefused) as info:
            f.get("src", second.url("/admin"), trusted=False)
    assert second.hits("/admin") == 0
    assert f"port {second.port}" in info.value.cause and "allow_hosts" in info.value.cause


def test_a_catalog_url_may_not_redirect_to_another_port_of_its_host(
    loopback: LoopbackServer, second: LoopbackServer, tmp_path: Path
) -> None:
    loopback.script("/jump", Reply(302, headers={"Location": second.url("/admin")}))
    second.script("/admin", Reply(200, INTERNAL.encode()))
    with fetcher(tmp_path) as f, pytest.raises(FetchRefused) as info:
        f.get("src", loopback.url("/jump"))
    assert second.hits("/admin") == 0 and "redirect" in str(info.value)


def test_an_allowed_link_may_not_redirect_to_the_metadata_service(loopback: LoopbackServer, tmp_path: Path) -> None:
    loopback.script("/story", Reply(301, headers={"Location": "http://169.254.169.254/latest/meta-data/iam/"}))
    with fetcher(tmp_path, allow=[f"127.0.0.1:{loopback.port}"]) as f, pytest.raises(FetchRefused) as info:
        f.get("src", loopback.url("/story"), trusted=False)
    assert "169.254.169.254" in info.value.cause and "redirect" in str(info.value)


def test_the_final_url_after_redirects_is_kept_beside_the_requested_one(
    loopback: LoopbackServer, tmp_path: Path
) -> None:
    loopback.script("/short", Reply(302, headers={"Location": "/long/story"}))
    loopback.script("/long/story", Reply(200, ARTICLE.encode()))
    with fetcher(tmp_path, allow=[f"127.0.0.1:{loopback.port}"]) as f:
        response = f.get("src", loopback.url("/short"), trusted=False)
    assert (response.url, response.final_url) == (loopback.url("/short"), loopback.url("/long/story"))


@pytest.mark.parametrize(
    ("link", "why"),
    [
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254"),
        ("http://[fd00:ec2::254]/latest/meta-data/", "fd00:ec2::254"),
        ("http://100.100.100.200/latest/meta-data/", "100.100.100.200"),
        ("http://10.0.0.1/", "10.0.0.1"),
        ("http://192.168.1.1/admin", "192.168.1.1"),
        ("http://[::1]/", "::1"),
        ("http://0.0.0.0/", "0.0.0.0"),
        ("http://[::ffff:127.0.0.1]/", "127.0.0.1"),
        ("http://224.0.0.1/", "224.0.0.1"),
        ("http://localhost/", "127.0.0.1"),
        ("http://2130706433/", "127.0.0.1"),  # 127.0.0.1 as one decimal number
        ("http://127.1/", "127.0.0.1"),
        ("http://93.184.215.14:8080/", "port 8080"),
        ("ftp://example.org/file", "scheme 'ftp'"),
        ("file:///etc/passwd", "scheme 'file'"),
    ],
)
def test_links_to_internal_addresses_odd_ports_or_schemes_are_refused(tmp_path: Path, link: str, why: str) -> None:
    with fetcher(tmp_path) as f, pytest.raises(FetchRefused) as info:
        f.get("src", link, trusted=False)
    assert why in info.value.cause


def test_a_name_that_resolves_to_a_private_address_is_refused(tmp_path: Path) -> None:
    resolver = Resolver({"intranet.example.org": ["93.184.215.14", "10.1.2.3"]})
    with fetcher(tmp_path, resolver=resolver) as f, pytest.raises(FetchRefused) as info:
        f.get("src", "https://intranet.example.org/wiki", trusted=False)
    assert "intranet.example.org" in info.value.cause and "10.1.2.3" in info.value.cause


def test_the_connection_goes_to_the_address_that_was_checked(loopback: LoopbackServer, tmp_path: Path) -> None:
    """DNS rebinding: the name is resolved once, and that address is the one connected to; the
    server still sees the name in the Host header."""
    loopback.script("/story", Reply(200, ARTICLE.encode()))
    host = f"news.example.test:{loopback.port}"
    resolver = Resolver({"news.example.test": ["127.0.0.1"]})
    with fetcher(tmp_path, allow=[host], resolver=resolver) as f:
        response = f.get("src", f"http://{host}/story", trusted=False)
    assert response.body == ARTICLE.encode() and resolver.calls == ["news.example.test"]
    assert loopback.headers[-1]["Host"] == host


def test_a_link_whose_name_does_not_resolve_fails_at_once_saying_so(tmp_path: Path) -> None:
    def no_dns(host: str, port: int) -> list[str]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    with fetcher(tmp_path, resolver=no_dns) as f, pytest.raises(FetchError) as info:  # type: ignore[arg-type]
        f.get("src", "https://news.example.org/story", trusted=False)
    assert not isinstance(info.value, FetchRefused) and info.value.attempts == 1
    assert info.value.cause == ("DNS lookup of news.example.org failed (Name or service not known); "
                                "no network? check DNS/proxy")


def test_a_link_lookup_that_hangs_is_cut_at_the_timeout(tmp_path: Path, record_property) -> None:
    def hanging(host: str, port: int) -> list[str]:
        time.sleep(5)
        return ["93.184.215.14"]

    settings = HttpSettings(mode="live", snapshots_dir=tmp_path, timeout_s=0.5, max_retries=0)
    started = time.monotonic()
    with Fetcher(settings, resolver=hanging) as f, pytest.raises(FetchError) as info:
        f.get("src", "https://slow-dns.example.org/story", trusted=False)
    took = time.monotonic() - started
    record_property("dns_lookup_cut_after_s", round(took, 2))
    print(f"\n[measure] a hanging DNS lookup of a link was cut after {took:.2f} s (timeout 0.5 s)")
    assert "DNS lookup of slow-dns.example.org took longer than 0.5 s" in info.value.cause


@pytest.mark.parametrize("entry", ["", "http://127.0.0.1:80", "127.0.0.1:notaport", "host:99999"])
def test_a_bad_allow_hosts_entry_is_a_clear_error(tmp_path: Path, entry: str) -> None:
    with pytest.raises(ValueError, match="allow_hosts"):
        Fetcher(HttpSettings(mode="live", snapshots_dir=tmp_path), allow_hosts={"src": [entry]})


# -- end to end: a live run of a feed that links to an internal service -------------------------------
def _feed(links: list[str]) -> bytes:
    items = "".join(f"<item><title>Story {i}</title><link>{link}</link></item>" for i, link in enumerate(links))
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Wire</title>'
            f"<link>http://news.example.org/</link><description>t</description>{items}</channel></rss>").encode()


@pytest.mark.usefixtures("prefect_api")
def test_a_live_feed_cannot_make_the_pipeline_fetch_an_internal_page(
    tmp_path: Path, loopback: LoopbackServer, second: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalog = tmp_path / "catalog"
    shutil.copytree(CATALOG_DIR, catalog, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    with (catalog / "sources.yaml").open("a") as fh:
        fh.write(f"  wire:\n    name: Test wire\n    kind: article_feed\n    url: {loopback.url('/feed.xml')}\n"
                 f"    allow_hosts: [\"127.0.0.1:{loopback.port}\"]\n"
                 "    max_items: 10\n    cadence_hours: 0\n    credit: \"\"\n")
    monkeypatch.setenv("MIERUKA_CATALOG_DIR", str(catalog))
    monkeypatch.setenv("MIERUKA_HTTP_MAX_RETRIES", "0")
    links = [loopback.url("/story"), second.url("/admin"), loopback.url("/moved"),
             "http://169.254.169.254/latest/meta-data/"]
    loopback.script("/feed.xml", Reply(200, _feed(links), {"Content-Type": "application/rss+xml"}))
    loopback.script("/story", Reply(200, ARTICLE.encode(), {"Content-Type": "text/plain; charset=utf-8"}))
    loopback.script("/moved", Reply(302, headers={"Location": second.url("/admin")}))
    second.script("/admin", Reply(200, INTERNAL.encode(), {"Content-Type": "text/plain; charset=utf-8"}))
    data = tmp_path / "data"
    try:
        pipeline(mode="live", sources=["wire"], data_dir=str(data))
        outcome = "succeeded"
    except PipelineFailed as exc:
        outcome = str(exc)
    assert second.hits("/admin") == 0, "the internal service was contacted"
    assert loopback.hits("/feed.xml") == 1
    con = duckdb.connect(str(data / "mieruka.duckdb"), read_only=True)
    try:
        texts = [t for (t,) in con.sql("SELECT text FROM core.articles").fetchall()]
        errors = [e or "" for (e,) in con.sql("SELECT error FROM ops.run_sources WHERE source_id = 'wire'").fetchall()]
        reasons = [r or "" for (r,) in con.sql("SELECT reason FROM ops.quarantine WHERE source_id = 'wire'").fetchall()]
    finally:
        con.close()
    assert not any(INTERNAL.strip() in t for t in texts)
    # the refusal is on record, as the source's error (today) or a quarantined item (if links are quarantined)
    recorded = " ".join([outcome, *errors, *reasons])
    assert f"127.0.0.1:{second.port}" in recorded and "allow_hosts" in recorded


def test_refusals_are_fetch_errors(tmp_path: Path) -> None:
    """Callers that handle FetchError keep working; those that want to tell refusals apart can."""
    assert issubclass(FetchRefused, FetchError)
