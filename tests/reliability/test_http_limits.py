"""What bounds a request's time and memory: deadlines (#13.9) and the decoded-body cap (#13.10).

A server that trickles one byte at a time never trips a read timeout, so each request has a total
deadline and each run one too. A compressed body is decoded here, chunk by bounded chunk, whatever
stack of Content-Encodings the server declares, so the cap holds on the decoded size before the
bytes exist. Times and peak memory are measured and printed (pytest -s) and recorded as test
properties; they are reported, not asserted, apart from the address-space limit the bomb runs under.
"""

from __future__ import annotations

import gzip
import json
import struct
import subprocess
import sys
import textwrap
import time
import zlib
from pathlib import Path

import pytest

from flows.http import Fetcher, FetchError, HttpSettings, settings_from_env
from tests.conftest import PROJECT_ROOT
from tests.support.loopback import LoopbackServer, Reply


def _live(tmp_path: Path, **overrides: object) -> Fetcher:
    options: dict = {"timeout_s": 2.0, "max_retries": 2, "backoff_base_s": 0.01, **overrides}
    return Fetcher(HttpSettings(mode="live", snapshots_dir=tmp_path, **options))


# -- deadlines ----------------------------------------------------------------------------------------
def test_a_server_sending_a_byte_a_second_fails_at_the_request_deadline(
    loopback: LoopbackServer, tmp_path: Path, record_property
) -> None:
    # 0.25 s per byte never trips the 2 s read timeout; without a deadline this takes 100 s
    loopback.script("/drip", Reply(200, b"x" * 400, action="trickle", stall_s=0.25))
    with _live(tmp_path, request_deadline_s=1.5) as fetcher, pytest.raises(FetchError) as info:
        started = time.monotonic()
        fetcher.get("src", loopback.url("/drip"))
    took = time.monotonic() - started
    record_property("request_deadline_time_to_fail_s", round(took, 2))
    print(f"\n[measure] 1.5 s request deadline vs a 4 byte/s body: failed after {took:.2f} s")
    assert "deadline of 1.5 s" in info.value.cause and "MIERUKA_HTTP_DEADLINE_S" in info.value.cause
    assert loopback.hits("/drip") == 1  # a deadline is final: not retried


def test_after_the_run_deadline_every_request_fails_fast_saying_so(
    loopback: LoopbackServer, tmp_path: Path, record_property
) -> None:
    loopback.script("/drip", Reply(200, b"x" * 400, action="trickle", stall_s=0.25))
    loopback.script("/quick", Reply(200, b"fine"))
    with _live(tmp_path, run_deadline_s=1.0) as fetcher:
        assert fetcher.get("src", loopback.url("/quick")).body == b"fine"
        with pytest.raises(FetchError) as first:
            fetcher.get("src", loopback.url("/drip"))
        started = time.monotonic()
        with pytest.raises(FetchError) as later:
            fetcher.get("src", loopback.url("/quick"))
        took = time.monotonic() - started
    record_property("run_deadline_later_request_fail_s", round(took, 4))
    print(f"\n[measure] a request after the 1 s run deadline failed in {took * 1000:.1f} ms")
    assert "run deadline of 1 s" in first.value.cause and "MIERUKA_RUN_DEADLINE_S" in first.value.cause
    assert "run deadline of 1 s" in later.value.cause
    assert loopback.hits("/quick") == 1  # the late request never reached the server


def test_deadlines_come_from_the_environment(tmp_path: Path) -> None:
    settings = settings_from_env("live", tmp_path, {"MIERUKA_HTTP_DEADLINE_S": "45", "MIERUKA_RUN_DEADLINE_S": "900"})
    assert (settings.request_deadline_s, settings.run_deadline_s) == (45.0, 900.0)
    defaults = settings_from_env("live", tmp_path, {})
    assert defaults.request_deadline_s == 120.0 and defaults.run_deadline_s == 3600.0
    with pytest.raises(ValueError, match="MIERUKA_HTTP_DEADLINE_S"):
        settings_from_env("live", tmp_path, {"MIERUKA_HTTP_DEADLINE_S": "soon"})


# -- decoding ---------------------------------------------------------------------------------------
PAYLOAD = json.dumps([{"page": 1}, [{"value": i, "note": "繰り返し" * 3} for i in range(2000)]]).encode()


def _deflate(data: bytes, raw: bool = False) -> bytes:
    packer = zlib.compressobj(wbits=-15 if raw else 15)
    return packer.compress(data) + packer.flush()


@pytest.mark.parametrize(
    ("encoding", "body"),
    [
        ("gzip", gzip.compress(PAYLOAD)),
        ("gzip, gzip", gzip.compress(gzip.compress(PAYLOAD))),
        ("x-gzip", gzip.compress(PAYLOAD)),
        ("deflate", _deflate(PAYLOAD)),
        ("deflate", _deflate(PAYLOAD, raw=True)),  # what some servers send as "deflate"
        ("identity", PAYLOAD),
        ("deflate, identity, gzip", gzip.compress(_deflate(PAYLOAD))),
        ("gzip", gzip.compress(PAYLOAD[:5000]) + gzip.compress(PAYLOAD[5000:])),  # two gzip members
    ],
    ids=["gzip", "gzip-gzip", "x-gzip", "deflate-zlib", "deflate-raw", "identity", "stacked", "multi-member"],
)
@pytest.mark.parametrize("action", ["normal", "chunked"])
def test_encoded_bodies_are_decoded_whatever_the_stack(
    loopback: LoopbackServer, tmp_path: Path, encoding: str, body: bytes, action: str
) -> None:
    loopback.script("/enc", Reply(200, body, {"Content-Encoding": encoding, "Content-Type": "application/json"},
                                  action=action))
    with _live(tmp_path) as fetcher:
        assert fetcher.get("src", loopback.url("/enc")).body == PAYLOAD


@pytest.mark.parametrize(
    ("encoding", "body", "why"),
    [
        ("br", b"\x0b\x02\x80hello\x03", "Content-Encoding 'br' is not supported"),
        ("gzip", b"\x1f\x8b\x08\x00garbage-not-deflate", "cannot decode the gzip body"),
        ("gzip", gzip.compress(PAYLOAD)[:-40], "gzip body ends early"),
    ],
    ids=["unsupported", "corrupt", "cut-short"],
)
def test_bodies_that_cannot_be_decoded_fail_clearly(
    loopback: LoopbackServer, tmp_path: Path, encoding: str, body: bytes, why: str
) -> None:
    loopback.script("/bad", Reply(200, body, {"Content-Encoding": encoding}))
    with _live(tmp_path) as fetcher, pytest.raises(FetchError) as info:
        fetcher.get("src", loopback.url("/bad"))
    assert why in info.value.cause


@pytest.mark.parametrize("encoding", ["gzip", "gzip, gzip", "deflate, gzip"])
def test_the_cap_counts_decoded_bytes(loopback: LoopbackServer, tmp_path: Path, encoding: str) -> None:
    body = bytes(200_000)
    for step in [e.strip() for e in encoding.split(",")]:  # Content-Encoding lists codings in the order applied
        body = gzip.compress(body) if step == "gzip" else _deflate(body)
    assert len(body) < 1_000  # small on the wire ...
    loopback.script("/zeros", Reply(200, body, {"Content-Encoding": encoding}))
    with _live(tmp_path, max_body_bytes=100_000) as fetcher, pytest.raises(FetchError) as info:
        fetcher.get("src", loopback.url("/zeros"))
    assert "decoded body exceeds the 100000-byte limit" in info.value.cause  # ... large once decoded
    assert encoding in info.value.cause


def _bomb() -> bytes:
    """A few KB of `gzip, gzip` that decode to 2.41 GB of zeros, the attack of #13.10 (theirs was 1.8 KB).

    Built without compressing 2.4 GB: after a full flush, deflate encodes each MiB of zeros into the
    same bytes, so the inner gzip member is that block repeated, with the member's CRC and size."""
    mib, count = bytes(1 << 20), 2300
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = packer.compress(mib) + packer.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(count):
        crc = zlib.crc32(mib, crc)
    inner = (b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff" + block * count + packer.flush()
             + struct.pack("<II", crc, (count << 20) & 0xFFFFFFFF))
    return gzip.compress(inner, compresslevel=9)


BOMB_CHILD = textwrap.dedent(
    """
    import json, resource, sys, time
    from pathlib import Path
    from flows.http import Fetcher, FetchError, HttpSettings

    def peak_kib():
        # VmHWM is this process's own peak; ru_maxrss carries the parent's over fork + exec on Linux
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    limit = int(sys.argv[2])
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    before = peak_kib()
    started = time.monotonic()
    try:
        with Fetcher(HttpSettings(mode="live", snapshots_dir=Path("."), max_retries=0)) as fetcher:
            fetcher.get("src", sys.argv[1])
        outcome = "fetched"
    except FetchError as exc:
        outcome = exc.cause
    except MemoryError:
        outcome = "MemoryError"
    took = time.monotonic() - started
    peak = peak_kib()
    print(json.dumps({"outcome": outcome, "rss_before_kib": before, "peak_rss_kib": peak, "seconds": took}))
    """
)


def test_a_gzip_gzip_bomb_fails_at_the_cap_with_bounded_memory(
    loopback: LoopbackServer, tmp_path: Path, record_property
) -> None:
    bomb = _bomb()
    print(f"\n[measure] bomb: {len(bomb)} bytes on the wire, 2.41 GB decoded")
    loopback.script("/bomb", Reply(200, bomb, {"Content-Encoding": "gzip, gzip", "Content-Type": "application/json"}))
    address_space = 1024 * 1024 * 1024  # 1 GiB of address space, less than half of what the bomb decodes to
    child = subprocess.run(
        [sys.executable, "-c", BOMB_CHILD, loopback.url("/bomb"), str(address_space)],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120, check=False,
    )
    assert child.returncode == 0, child.stderr[-2000:]
    report = json.loads(child.stdout.strip().splitlines()[-1])
    peak_mib, before_mib = report["peak_rss_kib"] / 1024, report["rss_before_kib"] / 1024
    record_property("bomb_peak_rss_mib", round(peak_mib, 1))
    record_property("bomb_time_to_fail_s", round(report["seconds"], 2))
    print(f"[measure] gzip,gzip bomb: peak RSS {peak_mib:.0f} MiB (before the request {before_mib:.0f} MiB), "
          f"failed after {report['seconds']:.2f} s: {report['outcome']}")
    assert "decoded body exceeds the 67108864-byte limit" in report["outcome"]
