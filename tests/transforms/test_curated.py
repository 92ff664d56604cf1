"""parse_curated: the published-figures CSV becomes observations valid from their publication date."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import PROJECT_ROOT
from transforms.contracts import OBSERVATION_SCHEMA, REJECTED_SCHEMA
from transforms.curated import parse_curated
from transforms.errors import PayloadError

CSV = PROJECT_ROOT / "catalog" / "curated" / "published_figures.csv"
HEADER = "indicator_id,area,period,value,unit,qualifier,published_at\n"


def test_the_shipped_file_parses_without_rejections() -> None:
    result = parse_curated(CSV.read_bytes())
    rows = len(CSV.read_text().splitlines()) - 1
    assert result.observations.height == rows and result.rejected.height == 0
    jiji = result.observations.filter(
        (result.observations["series_code"] == "pub_digital_deficit_jiji") & (result.observations["period"] == "2024")
    ).row(0, named=True)
    assert jiji["value"] == -6.6506e12 and str(jiji["source_updated"]) == "2025-02-10" and jiji["obs_status"] is None


def test_bad_rows_are_rejected_with_reasons() -> None:
    body = (HEADER + "a,JPN,2024,abc,JPY,exact,2025-01-01\n" + "b,JPN,2024,1,JPY,approx,soon\n"
            + "c,JPN,24,1,JPY,exact,2025-01-01\n" + "d,JPN,FY2023,5.4e12,JPY,approx,2024-05-10\n").encode()
    result = parse_curated(body)
    reasons = dict(zip(result.rejected["series_code"], result.rejected["reason"], strict=True))
    assert "is not a number" in reasons["a"] and "is not a YYYY-MM-DD date" in reasons["b"]
    assert "is not YYYY or FYYYYY" in reasons["c"]
    assert result.observations["series_code"].to_list() == ["d"] and result.observations["obs_status"][0] == "approx"


def test_missing_columns_name_them() -> None:
    try:
        parse_curated(b"indicator_id,value\nx,1\n")
    except PayloadError as exc:
        assert "missing columns" in str(exc) and "published_at" in str(exc)
    else:
        raise AssertionError("a CSV without the required columns must raise PayloadError")


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_any_bytes_give_rows_or_one_typed_error(body: bytes) -> None:
    try:
        result = parse_curated(body)
    except PayloadError:
        return
    assert dict(result.observations.schema) == OBSERVATION_SCHEMA
    assert dict(result.rejected.schema) == REJECTED_SCHEMA
