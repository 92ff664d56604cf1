"""Decode a JSON body strictly about keys and leniently about numbers, for every JSON parser.

Two ways a plain ``orjson.loads`` loses data without telling anyone (issue #13):

- **Repeated keys.** JSON does not forbid ``{"VALUES": ..., "VALUES": ...}`` and decoders keep
  the last one, so a whole series can vanish or change silently. `decode_json` rejects such a
  body with a `PayloadError` that names the key and where it repeats: which of the two values the
  source meant cannot be known, so nothing of the body is read.
- **One number that is not finite.** ``NaN``, ``Infinity``, ``-Infinity`` or a literal beyond the
  float range (``1e309``) makes orjson reject the whole document, so one bad point dropped every
  row of a source. `decode_json` decodes such a body anyway and puts a `NonFiniteNumber` (which
  keeps the literal's text) where the number was. It is not an ``int``, ``float`` or ``str``, so a
  parser's type checks treat it as "not a number" and reject that one point with its reason.

Cost. The common body (valid JSON, no repeated key) is decoded once by orjson. Repeated keys are
then ruled out by counting ``:`` bytes: every ``:`` in a JSON text separates a key from its value
or sits inside a string, so the body and orjson's re-serialisation of what it decoded have the
same count exactly when no key/value pair was dropped, i.e. no key repeated (a colon written as
``\\u003a`` could mask a drop, so a body containing that escape always takes the exact check).
The re-serialisation runs at C speed. Only a body where the counts differ takes the exact check,
Python's decoder with a hook on every object; only a body orjson refuses takes the lenient decode.
`benchmarks/bench_parsers.py` measures the three paths.
"""

from __future__ import annotations

import json
import math
from typing import Any

import orjson

from transforms.contracts import MAX_RAW_VALUE
from transforms.errors import PayloadError

_MAX_IN_MESSAGE = 80  # a key quoted in an error is cut to this many characters
_INT_MIN, _INT_LIMIT = -(2**63), 2**64  # orjson's integer range; beyond it a literal becomes a float
_MAX_FLOAT_DIGITS = 310  # an integer literal with more digits than this is beyond the float range


class NonFiniteNumber:
    """A number literal with no finite float value: ``NaN``, ``Infinity``, ``-Infinity``, ``1e309``.

    It stands where the number was so that the parser can reject that point, quoting `text`. It is
    deliberately not a float (nor a dataclass, which orjson would write as an object).
    """

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NonFiniteNumber) and other.text == self.text

    def __hash__(self) -> int:
        return hash(self.text)


def decode_json(body: bytes, source: str) -> Any:
    """The decoded JSON document of `body`, or `PayloadError` (naming `source`) when it cannot be trusted.

    Raises when the body is not UTF-8 JSON or repeats a key within one object. Numbers that have no
    finite float value come back as `NonFiniteNumber`; every other value is what orjson gives.
    """
    body = _as_bytes(body, source)
    try:
        doc = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        return _decode_lenient(body, source, exc)
    if _may_repeat_keys(body, doc):
        marked, repeats = _decode_marking_repeats(body.decode("utf-8"), source, None)
        if repeats:
            _reject_repeated_keys(marked, source)
    return doc


def _as_bytes(body: Any, source: str) -> bytes:
    """The body as bytes: a str is encoded (a parser may be handed text), anything else refused."""
    if isinstance(body, bytes):
        return body
    if isinstance(body, bytearray | memoryview):
        return bytes(body)
    if isinstance(body, str):
        try:
            return body.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise PayloadError(source, f"body is not UTF-8 JSON: {exc}") from None
    raise PayloadError(source, f"body is not UTF-8 JSON: it is {type(body).__name__}, not bytes")


def json_text(item: Any) -> str:
    """A decoded item as text for a rejected row's raw_value, non-finite literals as they were written."""
    if isinstance(item, str):
        text = item
    elif isinstance(item, NonFiniteNumber):
        text = item.text
    else:
        text = orjson.dumps(item, default=_as_fragment).decode()
    return text[:MAX_RAW_VALUE]


def is_non_finite(item: Any) -> bool:
    """True for the marker `decode_json` puts where a NaN, Infinity or out-of-range literal was."""
    return type(item) is NonFiniteNumber


# --- the cheap check ----------------------------------------------------------------------------


def _may_repeat_keys(body: bytes, doc: Any) -> bool:
    """False only when no key can have repeated: the colon counts of body and decoded document agree."""
    if b"\\" in body and (b"\\u003a" in body or b"\\u003A" in body):  # memchr first: most bodies have no escape
        return True
    try:
        written = orjson.dumps(doc)
    except orjson.JSONEncodeError:  # nested deeper than orjson writes (254 levels): check exactly
        return True
    return body.count(b":") != written.count(b":")


# --- the exact check and the lenient decode -------------------------------------------------------


class _Repeated(dict):  # type: ignore[type-arg]
    """An object in which `key` appeared more than once (built by the decode hook, reported later)."""

    key: str


class _ObjectHook:
    """Python's decoder hook for every object: a plain dict, or a `_Repeated` one when a key repeats.

    `repeats` counts the marked objects, so a body without any is never walked.
    """

    def __init__(self) -> None:
        self.repeats = 0

    def __call__(self, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        obj = dict(pairs)
        if len(obj) == len(pairs):
            return obj
        seen: set[str] = set()
        marked = _Repeated(obj)
        for key, _ in pairs:
            if key in seen:
                marked.key = key
                break
            seen.add(key)
        self.repeats += 1
        return marked


def _float_literal(text: str) -> float | NonFiniteNumber:
    value = float(text)
    return value if math.isfinite(value) else NonFiniteNumber(text)


def _int_literal(text: str) -> int | float | NonFiniteNumber:
    """An integer as orjson reads it: int within [-2**63, 2**64), else the nearest float, if finite."""
    if len(text.lstrip("-")) > _MAX_FLOAT_DIGITS:
        return NonFiniteNumber(text)
    value = int(text)
    if _INT_MIN <= value < _INT_LIMIT:
        return value
    try:
        return float(value)
    except OverflowError:
        return NonFiniteNumber(text)


def _decode_marking_repeats(text: str, source: str, refusal: orjson.JSONDecodeError | None) -> tuple[Any, int]:
    """Python's decoder with `_ObjectHook`: (document, number of objects with a repeated key).

    With `refusal` (orjson's reason for refusing the body), non-finite numbers become
    `NonFiniteNumber` and integers are read as orjson reads them.
    """
    hook = _ObjectHook()
    hooks: dict[str, Any] = {"object_pairs_hook": hook}
    if refusal is not None:
        hooks |= {"parse_constant": NonFiniteNumber, "parse_float": _float_literal, "parse_int": _int_literal}
    try:
        return json.loads(text, **hooks), hook.repeats
    except RecursionError:
        raise PayloadError(source, "body is nested too deeply to be read") from None
    except ValueError as exc:  # also json.JSONDecodeError
        raise PayloadError(source, f"body is not UTF-8 JSON: {refusal or exc}") from None


def _decode_lenient(body: bytes, source: str, refusal: orjson.JSONDecodeError) -> Any:
    """Decode a body orjson refused, accepting only what orjson would accept but non-finite numbers.

    The text must be UTF-8 (Python's decoder would also take UTF-16), and every string must be one
    orjson can write back (Python's decoder lets lone surrogates such as ``"\\ud800"`` through).
    """
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise PayloadError(source, f"body is not UTF-8 JSON: {refusal}") from None
    doc, repeats = _decode_marking_repeats(text, source, refusal)
    try:
        orjson.dumps(doc, default=_as_fragment)
    except orjson.JSONEncodeError as exc:
        raise PayloadError(source, f"body is not UTF-8 JSON: {exc}") from None
    if repeats:
        _reject_repeated_keys(doc, source)
    return doc


def _as_fragment(item: Any) -> orjson.Fragment:
    if isinstance(item, NonFiniteNumber):
        return orjson.Fragment(item.text.encode())
    raise TypeError(f"{type(item).__name__} is not JSON")


def _reject_repeated_keys(doc: Any, source: str) -> None:
    """Raise naming the first repeated key (in document order) and the path of its object."""
    stack: list[tuple[Any, str]] = [(doc, "")]
    while stack:
        item, path = stack.pop()
        if isinstance(item, _Repeated):
            key = item.key if len(item.key) <= _MAX_IN_MESSAGE else item.key[: _MAX_IN_MESSAGE - 1] + "…"
            where = f"object {path}" if path else "the top-level object"
            raise PayloadError(
                source,
                f"key {key!r} appears more than once in {where}; a body with repeated keys is not read at all, "
                "because which of the values the source meant cannot be known: fetch it again, and report it "
                "to the source if it repeats",
            )
        if isinstance(item, dict):
            stack.extend((value, f"{path}.{key}" if path else str(key)) for key, value in reversed(item.items()))
        elif isinstance(item, list):
            stack.extend((value, f"{path}[{i}]") for i, value in reversed(list(enumerate(item))))
