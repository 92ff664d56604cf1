"""Decode a response body from its Content-Encoding with memory bounded by the body cap.

httpx inflates each network chunk in full before a caller sees it, so a few kilobytes of
``Content-Encoding: gzip, gzip`` became 2.4 GB in memory before any size check could run. Here
the raw bytes are decoded stage by stage with a bound on every step's output (zlib's
``max_length``), and the decoded size is counted as it grows: decoding stops at the cap having held
at most the cap plus a few 64 KiB steps, for any stack of encodings.

Supported: gzip (x-gzip, several members), deflate (zlib-wrapped, or raw as some servers send it)
and identity. We ask for gzip only; anything else a server sends is refused by name.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator

STEP = 64 * 1024  # the most one decoding step may produce


class BodyError(Exception):
    """The body cannot be decoded, or is larger than allowed once decoded."""


class _Inflate:
    """One zlib stage (gzip or deflate) whose every output step is at most `STEP` bytes."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._gzip = name in ("gzip", "x-gzip")
        self._head = b""  # deflate: the first bytes, until we know zlib-wrapped from raw
        self._obj = zlib.decompressobj(zlib.MAX_WBITS | 16) if self._gzip else None
        self._members_done = False

    @property
    def complete(self) -> bool:
        return self._obj is not None and (self._obj.eof or self._members_done)

    def _start_deflate(self, data: bytes) -> bytes:
        """deflate is meant to be zlib-wrapped, but servers also send raw deflate: the first two
        bytes tell (a zlib header has method 8 and a checksum divisible by 31)."""
        self._head += data
        if len(self._head) < 2:
            return b""
        cmf, flg = self._head[0], self._head[1]
        wrapped = cmf & 0x0F == 8 and (cmf * 256 + flg) % 31 == 0
        self._obj = zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
        data, self._head = self._head, b""
        return data

    def push(self, data: bytes) -> Iterator[bytes]:
        if self._obj is None:
            data = self._start_deflate(data)
            if self._obj is None:
                return
        assert self._obj is not None
        while True:
            if self._members_done:
                return  # padding after the last gzip member
            try:
                out = self._obj.decompress(data, STEP)
            except zlib.error as exc:
                raise BodyError(f"cannot decode the {self.name} body: {exc}") from None
            if out:
                yield out
            if self._obj.eof:
                data = self._obj.unused_data
                if not data:
                    return
                if not self._gzip or not data.strip(b"\x00"):
                    self._members_done = True  # trailing bytes after a deflate stream, or zero padding
                    return
                self._obj = zlib.decompressobj(zlib.MAX_WBITS | 16)  # the next gzip member
                continue
            data = self._obj.unconsumed_tail
            if not data and len(out) < STEP:
                return  # all input used and nothing more pending


def encodings_of(header_values: list[str]) -> list[str]:
    """The Content-Encoding codings in the order they were applied, identity dropped."""
    codings = [c.strip().lower() for value in header_values for c in value.split(",")]
    return [c for c in codings if c and c != "identity"]


class BoundedDecoder:
    """Feed raw chunks; the decoded body grows to at most `limit` bytes, else `BodyError`."""

    def __init__(self, codings: list[str], limit: int) -> None:
        unsupported = [c for c in codings if c not in ("gzip", "x-gzip", "deflate")]
        if unsupported:
            raise BodyError(f"Content-Encoding {unsupported[0]!r} is not supported (this client asks for gzip)")
        self.label = ", ".join(codings) or "identity"
        self._stages = [_Inflate(c) for c in reversed(codings)]  # undo the last coding first
        self._limit = limit
        self._out = bytearray()
        self._fed = 0

    @property
    def size(self) -> int:
        return len(self._out)

    def feed(self, chunk: bytes) -> None:
        self._fed += len(chunk)
        self._push(0, chunk)

    def _push(self, index: int, data: bytes) -> None:
        if index == len(self._stages):
            if len(self._out) + len(data) > self._limit:
                prefix = "decoded body" if self._stages else "body"
                raise BodyError(f"{prefix} exceeds the {self._limit}-byte limit (Content-Encoding: {self.label})")
            self._out += data
            return
        for piece in self._stages[index].push(data):
            self._push(index + 1, piece)

    def partial(self) -> bytes:
        """What was decoded so far (the start of an error page that was cut at its cap)."""
        return bytes(self._out)

    def finish(self) -> bytes:
        if not self._fed:
            return b""  # an empty body is empty whatever its header says (204, some error pages)
        for stage in self._stages:
            if not stage.complete:
                raise BodyError(f"the {stage.name} body ends early (the stream is cut short)")
        return bytes(self._out)
