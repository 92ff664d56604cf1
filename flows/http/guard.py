"""Which addresses a URL that did not come from the catalog may reach.

A feed item's link or a redirect's target is chosen by whoever controls the feed or the server,
so before connecting we check it: http(s) only, the scheme's default port only, and every address
its host resolves to must be public — no loopback, private, link-local, multicast, unspecified,
reserved or cloud-metadata address. A source's ``allow_hosts`` in the catalog lifts the port and
address checks for the hosts it names (an intranet mirror, a test server).

The check resolves the name once and the request then connects to that checked address (the
name still goes in the Host header and TLS SNI), so DNS cannot answer one address to the check and
another to the connection (DNS rebinding).
"""

from __future__ import annotations

import ipaddress
import re
import socket
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import httpx

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[str]]
DEFAULT_PORTS = {"http": 80, "https": 443}
#: Cloud metadata and host-agent services. Most are link-local or private already; listed so the
#: error says what they are, and for the public one (Azure's WireServer).
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a)
    for a in (
        "169.254.169.254",  # AWS, GCP, Azure, OpenStack, DigitalOcean ...
        "169.254.170.2",  # AWS ECS task metadata
        "fd00:ec2::254",  # AWS IMDS over IPv6
        "100.100.100.200",  # Alibaba Cloud
        "192.0.0.192",  # Oracle Cloud (classic)
        "168.63.129.16",  # Azure WireServer
    )
)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_ENTRY = re.compile(r"^(?:\[(?P<v6>[0-9A-Fa-f:.]+)\]|(?P<host>[^\s:/\[\]@]+))(?::(?P<port>\d{1,5}))?$")


class Refused(Exception):
    """The URL may not be fetched; the message says why and how to allow it."""


class LookupFailed(Exception):
    """The host name could not be resolved (or not in time) for the check."""


@dataclass(frozen=True)
class AllowList:
    """``allow_hosts`` of one source: (host, port) pairs; port None = the scheme's default port."""

    entries: frozenset[tuple[str, int | None]] = frozenset()

    def allows(self, host: str, port: int, default_port: int) -> bool:
        return (host, port) in self.entries or (port == default_port and (host, None) in self.entries)

    def hosts(self) -> frozenset[str]:
        return frozenset(host for host, _ in self.entries)


def parse_allow_hosts(source_id: str, entries: Iterable[str] | None) -> AllowList:
    """Validate a source's ``allow_hosts`` (``host`` or ``host:port``, IPv6 in brackets)."""
    if entries is None:
        return AllowList()
    if isinstance(entries, str):
        entries = [entries]
    parsed = set()
    for entry in entries:
        match = _ENTRY.match(str(entry).strip()) if isinstance(entry, str) else None
        port = int(match["port"]) if match and match["port"] else None
        if not match or (port is not None and not 0 < port < 65536):
            raise ValueError(
                f"sources.yaml: source '{source_id}': allow_hosts entry {entry!r} is not host or host:port "
                '(for example "127.0.0.1:8731" or "mirror.example.org")'
            )
        host = (match["v6"] or match["host"]).lower().rstrip(".")
        parsed.add((host, port))
    return AllowList(frozenset(parsed))


def parse_allow_map(allow_hosts: Mapping[str, Iterable[str] | None] | None) -> dict[str, AllowList]:
    return {sid: parse_allow_hosts(sid, entries) for sid, entries in (allow_hosts or {}).items()}


def why_not_public(address: Address) -> str | None:
    """Why this address must not be reached from a link, or None when it is a public address."""
    embedded = _embedded_ipv4(address)
    if embedded is not None:
        inner = why_not_public(embedded)
        return f"{inner} ({embedded})" if inner else None
    if address in METADATA_ADDRESSES:
        return "a cloud metadata address"
    for test, label in (
        ("is_loopback", "a loopback address"),
        ("is_unspecified", "an unspecified address"),
        ("is_link_local", "a link-local address"),
        ("is_multicast", "a multicast address"),
        ("is_private", "a private address"),
        ("is_reserved", "a reserved address"),
    ):
        if getattr(address, test):
            return label
    if not address.is_global:
        return "not a public address"
    return None


def _embedded_ipv4(address: Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address inside an IPv4-mapped, NAT64, 6to4 or Teredo IPv6 address."""
    if not isinstance(address, ipaddress.IPv6Address):
        return None
    if address.ipv4_mapped:
        return address.ipv4_mapped
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address.sixtofour:
        return address.sixtofour
    if address.teredo:
        return address.teredo[1]
    return None


def system_resolver(host: str, port: int) -> list[str]:
    """Addresses of `host` from the system resolver, in its order, without duplicates."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def resolve(resolver: Resolver, host: str, port: int, timeout_s: float) -> list[Address]:
    """Resolve with a time limit: getaddrinfo has none of its own, and with no network it can hang
    for many seconds. A lookup that overruns is left to finish in its (daemon) thread."""
    outcome: dict[str, object] = {}

    def lookup() -> None:
        try:
            outcome["answers"] = resolver(host, port)
        except Exception as exc:
            outcome["error"] = exc

    worker = threading.Thread(target=lookup, name=f"mieruka-dns-{host}", daemon=True)
    worker.start()
    worker.join(max(timeout_s, 0.001))
    if worker.is_alive():
        raise LookupFailed(f"DNS lookup of {host} took longer than {timeout_s:.1f} s; no network? check DNS/proxy")
    error = outcome.get("error")
    if isinstance(error, (OSError, UnicodeError)):
        detail = getattr(error, "strerror", None) or str(error)
        raise LookupFailed(f"DNS lookup of {host} failed ({detail}); no network? check DNS/proxy") from error
    if isinstance(error, Exception):
        raise error
    answers = outcome.get("answers")
    assert isinstance(answers, list)
    addresses = []
    for answer in answers:
        try:
            addresses.append(ipaddress.ip_address(answer.split("%", 1)[0]))
        except ValueError:
            continue
    if not addresses:
        raise LookupFailed(f"DNS lookup of {host} returned no address")
    return addresses


@dataclass(frozen=True)
class Vetted:
    """A URL that passed the check, and the address to connect to (None: connect by name)."""

    url: str
    address: Address | None


def vet(url: str, allow: AllowList, resolver: Resolver, timeout_s: float) -> Vetted:
    """Check a URL that did not come from the catalog; raise `Refused` or `LookupFailed`."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, ValueError) as exc:
        raise Refused(f"not a valid URL ({exc})") from exc
    if parsed.scheme not in DEFAULT_PORTS:
        raise Refused(f"scheme {parsed.scheme!r} is not allowed (http and https only)")
    host = parsed.raw_host.decode("ascii").lower().rstrip(".")
    if not host:
        raise Refused("the URL has no host")
    default = DEFAULT_PORTS[parsed.scheme]
    port = parsed.port or default
    named = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    allowed = allow.allows(host, port, default)
    if port != default and not allowed:
        raise Refused(f"port {port} of {host} is not allowed for links and redirects (only {default} for "
                      f"{parsed.scheme}); to allow it, add \"{named}\" to the source's allow_hosts in the catalog")
    try:
        literal: Address | None = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    addresses = [literal] if literal else resolve(resolver, host, port, timeout_s)
    if not allowed:
        bad = [(address, reason) for address in addresses if (reason := why_not_public(address))]
        if bad:
            what = (f"{host} is {bad[0][1]}" if literal else
                    f"{host} resolves to {'; '.join(f'{address}, {reason}' for address, reason in bad)}")
            raise Refused(f"{what}: not fetched from a link or redirect; to allow it, add \"{named}\" to the "
                          "source's allow_hosts in the catalog")
    return Vetted(url=url, address=addresses[0])
