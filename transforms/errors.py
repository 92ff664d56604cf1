"""Typed errors raised by parsers, so callers can tell bad input from bugs."""

from __future__ import annotations


class PayloadError(ValueError):
    """The payload as a whole cannot be read: malformed JSON, an error envelope, an unknown shape.

    Row-level problems never raise: they come back as rejected rows (see `transforms.contracts`).
    `source` names the source (e.g. ``boj``) so the message tells an operator where to look.
    """

    def __init__(self, source: str, message: str) -> None:
        super().__init__(f"{source}: {message}")
        self.source = source
        self.message = message
