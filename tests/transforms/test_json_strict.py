"""Tests for transforms.json_strict: repeated keys rejected, non-finite numbers kept as markers."""

from __future__ import annotations

import contextlib
import math
from typing import Any

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.support.contracts import PROPERTY_SETTINGS, json_values
from transforms.errors import PayloadError
from transforms.json_strict import NonFiniteNumber, decode_json, is_non_finite, json_text

# --- repeated keys -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "key", "where"),
    [
        (b'{"a": 1, "a": 2}', "'a'", "the top-level object"),
        (b'{"R": [{"x": 1}, {"V": {"V": 1}, "V": 2}]}', "'V'", "object R[1]"),
        (b'[0, {"k": {"VALUES": [1], "VALUES": [2]}}]', "'VALUES'", "object [1].k"),
        # the same key spelt with an escape is still the same key
        (b'{"VALUES": 1, "\\u0056ALUES": 2}', "'VALUES'", "the top-level object"),
        # a colon written as an escape must not hide a dropped pair from the cheap count
        (b'{"a": 1, "a": 2, "b": "\\u003a"}', "'a'", "the top-level object"),
        (b'{"a": 1, "a": 2, "b": "\\u003A"}', "'a'", "the top-level object"),
        # a repeat inside a body that orjson refuses (NaN) is found by the lenient decode
        (b'{"a": NaN, "a": 1}', "'a'", "the top-level object"),
    ],
)
def test_repeated_key_raises_naming_key_and_object(body: bytes, key: str, where: str) -> None:
    with pytest.raises(PayloadError) as info:
        decode_json(body, "boj")
    assert info.value.source == "boj"
    assert f"key {key} appears more than once in {where}" in str(info.value)
    assert "not read at all" in str(info.value)


def test_the_same_key_in_different_objects_is_fine() -> None:
    body = b'{"RESULTSET": [{"SERIES_CODE": "A", "VALUES": {"VALUES": [1]}}, {"SERIES_CODE": "B", "VALUES": null}]}'
    assert decode_json(body, "boj") == orjson.loads(body)


def test_colons_inside_strings_are_not_taken_for_repeats() -> None:
    body = b'{"DATE": "2026-02-21T15:58:56.071+09:00", "MESSAGE": "a: b: c", "k:": ":"}'
    assert decode_json(body, "boj") == orjson.loads(body)


def test_first_repeat_in_document_order_is_named() -> None:
    with pytest.raises(PayloadError, match="key 'x' appears more than once in object a"):
        decode_json(b'{"a": {"x": 1, "x": 2}, "b": {"y": 1, "y": 2}}', "t")


def test_a_long_repeated_key_is_shortened_in_the_message() -> None:
    key = "k" * 500
    with pytest.raises(PayloadError) as info:
        decode_json(orjson.dumps({key: 1})[:-1] + b"," + orjson.dumps(key) + b":2}", "t")
    assert len(str(info.value)) < 400


keys = st.sampled_from(["a", "b", "VALUES", "x:y", ":"])
scalars = st.none() | st.integers(-5, 5) | st.sampled_from(["", ":", "a:b", "\\", '"'])


@st.composite
def pair_trees(draw: Any, depth: int = 3) -> Any:
    """A JSON object as a list of (key, value) pairs (so keys may repeat), arrays and scalars."""
    if depth == 0:
        return draw(scalars)
    choice = draw(st.integers(0, 2))
    if choice == 0:
        return draw(scalars)
    if choice == 1:
        return [draw(pair_trees(depth=depth - 1)) for _ in range(draw(st.integers(0, 3)))]
    return ("object", [(draw(keys), draw(pair_trees(depth=depth - 1))) for _ in range(draw(st.integers(0, 4)))])


def render(tree: Any) -> str:
    if isinstance(tree, tuple):
        return "{" + ", ".join(f"{orjson.dumps(k).decode()}: {render(v)}" for k, v in tree[1]) + "}"
    if isinstance(tree, list):
        return "[" + ",".join(render(v) for v in tree) + "]"
    return orjson.dumps(tree).decode()


def repeats(tree: Any) -> bool:
    if isinstance(tree, tuple):
        names = [k for k, _ in tree[1]]
        return len(set(names)) < len(names) or any(repeats(v) for _, v in tree[1])
    if isinstance(tree, list):
        return any(repeats(v) for v in tree)
    return False


@PROPERTY_SETTINGS
@given(pair_trees())
def test_a_body_is_rejected_exactly_when_some_object_repeats_a_key(tree: Any) -> None:
    body = render(tree).encode()
    if repeats(tree):
        with pytest.raises(PayloadError, match="appears more than once"):
            decode_json(body, "t")
    else:
        assert decode_json(body, "t") == orjson.loads(body)


# --- numbers that are not finite -----------------------------------------------------------------


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e309", "-1e309", "1E400", "2.5e+999"])
def test_non_finite_literal_becomes_a_marker_and_the_rest_is_kept(literal: str) -> None:
    doc = decode_json(f'{{"VALUES": [1.5, {literal}, null, 3], "n": 2}}'.encode(), "t")
    assert doc["VALUES"][0] == 1.5
    assert doc["VALUES"][1] == NonFiniteNumber(literal)
    assert is_non_finite(doc["VALUES"][1])
    assert doc["VALUES"][2:] == [None, 3]
    assert doc["n"] == 2


def test_marker_is_not_a_number_nor_a_string() -> None:
    marker = decode_json(b"[NaN]", "t")[0]
    assert not isinstance(marker, int | float | str)
    assert repr(marker) == "NaN"


def test_integer_beyond_the_float_range_is_a_marker() -> None:
    huge = "9" * 400
    assert decode_json(f"[{huge}, NaN]".encode(), "t")[0] == NonFiniteNumber(huge)
    assert decode_json(f"[-{huge}]".encode(), "t")[0] == NonFiniteNumber(f"-{huge}")


def test_integers_are_read_as_orjson_reads_them_in_the_lenient_path() -> None:
    body = b"[18446744073709551615, -9223372036854775808, 18446744073709551616, 123456789012345678901234567890"
    lenient = decode_json(body + b", NaN]", "t")
    assert lenient[:4] == orjson.loads(body + b"]")
    assert isinstance(lenient[0], int) and isinstance(lenient[2], float)


@PROPERTY_SETTINGS
@given(json_values)
def test_lenient_path_decodes_everything_else_exactly_as_orjson(doc: Any) -> None:
    body = b"[" + orjson.dumps(doc) + b", -Infinity]"
    decoded = decode_json(body, "t")
    assert decoded[0] == doc
    assert decoded[1] == NonFiniteNumber("-Infinity")


@PROPERTY_SETTINGS
@given(json_values)
def test_valid_json_decodes_as_orjson_does(doc: Any) -> None:
    body = orjson.dumps(doc)
    assert decode_json(body, "t") == orjson.loads(body)


def test_finite_numbers_stay_floats() -> None:
    doc = decode_json(b"[1e308, -1e308, 5e-324, 0.1e-400, NaN]", "t")
    assert doc[:4] == [1e308, -1e308, 5e-324, 0.0]
    assert all(isinstance(x, float) and math.isfinite(x) for x in doc[:4])


# --- what still raises ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"<html>",
        b"[NaN",
        b"[nan]",
        b"[inf]",
        b'["\\ud800", NaN]',  # a lone surrogate orjson refuses, even beside a NaN
        '[NaN, "\u00e9"]'.encode("utf-16"),
        '[NaN, "正常"]'.encode("shift_jis"),
        b"[" * 5000 + b"]" * 5000,
        b"[" * 300 + b"NaN" + b"]" * 300,
    ],
)
def test_what_orjson_refuses_for_other_reasons_still_raises(body: bytes) -> None:
    with pytest.raises(PayloadError) as info:
        decode_json(body, "worldbank")
    assert info.value.source == "worldbank"
    assert "body is" in str(info.value)


def test_not_bytes_raises_payload_error() -> None:
    with pytest.raises(PayloadError, match="not UTF-8 JSON"):
        decode_json(None, "t")  # type: ignore[arg-type]


@PROPERTY_SETTINGS
@given(st.binary(max_size=300))
def test_any_bytes_decode_or_raise_payload_error(body: bytes) -> None:
    with contextlib.suppress(PayloadError):
        decode_json(body, "t")


@PROPERTY_SETTINGS
@given(st.lists(st.sampled_from(["NaN", "1e309", "-Infinity", "1", "[", "]", "{", "}", ",", ":", '"a"', "null"]),
                max_size=20))
def test_token_soup_decodes_or_raises_payload_error(tokens: list[str]) -> None:
    with contextlib.suppress(PayloadError):
        decode_json(" ".join(tokens).encode(), "t")


# --- json_text -----------------------------------------------------------------------------------


def test_json_text_writes_markers_as_they_were_written() -> None:
    doc = decode_json(b'[1e309, {"a": NaN}, "x", 2]', "t")
    assert json_text(doc) == '[1e309,{"a":NaN},"x",2]'
    assert json_text(doc[0]) == "1e309"
    assert json_text(doc[2]) == "x"
    assert json_text(None) == "null"
    assert json_text("y" * 500) == "y" * 200
