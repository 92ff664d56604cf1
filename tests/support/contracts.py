"""Shared checks and generators for parser tests: the frame contract and JSON-ish fuzz input."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from transforms.contracts import OBSERVATION_SCHEMA, OPTIONAL_OBSERVATION_SCHEMA, REJECTED_SCHEMA, ParseResult
from transforms.errors import PayloadError

#: Settings of the "any input gives rows or one typed error" properties.
PROPERTY_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**64 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
)
#: Arbitrary JSON documents (nested lists and objects of scalars).
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)


def assert_contract(result: ParseResult) -> None:
    """Both frames carry exactly the contract columns, in order, with the contract dtypes (observations
    may add the optional columns after them, e.g. counterpart_area from an SDMX partner dimension)."""
    columns = list(result.observations.schema.items())
    assert columns[: len(OBSERVATION_SCHEMA)] == list(OBSERVATION_SCHEMA.items())
    assert set(columns[len(OBSERVATION_SCHEMA) :]) <= set(OPTIONAL_OBSERVATION_SCHEMA.items())
    assert list(result.rejected.schema.items()) == list(REJECTED_SCHEMA.items())


def result_or_none(parse: Callable[..., ParseResult], body: bytes, **kwargs: Any) -> ParseResult | None:
    """The parser's result, checked against the contract, or None when it raised PayloadError.

    Any other exception propagates: that is what the "rows or one typed error" properties catch.
    """
    try:
        result = parse(body, **kwargs)
    except PayloadError:
        return None
    assert_contract(result)
    return result
