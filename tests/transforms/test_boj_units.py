"""Tests for transforms.boj_units: every BOJ metadata unit label maps, to the unit a reader would say."""

from __future__ import annotations

import math
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from catalog.loader import load_catalog
from tests.support.contracts import PROPERTY_SETTINGS
from transforms.boj_units import EMPTY_UNIT, canonical_unit, normalize

REFERENCE = Path(__file__).resolve().parents[2] / "catalog" / "reference"
METADATA = {db: pl.read_parquet(REFERENCE / f"{db}.parquet") for db in ("BP01", "FM08")}

#: Labels seen in real answers of other databases (tests/fixtures/boj/README.md): MD10 and CO.
RECORDED_LABELS = ["100 million yen", "100 cases", "%ポイント"]


def metadata_labels() -> list[tuple[str, str, str]]:
    """(db, column, label) for every distinct unit label of the shipped BOJ metadata."""
    return [
        (db, column, label)
        for db, frame in METADATA.items()
        for column in ("unit_en", "unit_j")
        for label in frame[column].unique().sort().to_list()
    ]


def test_the_metadata_has_the_labels_this_test_expects() -> None:
    labels = metadata_labels()
    assert len(labels) == 66  # BP01: 3 English and 3 Japanese labels (one of each empty); FM08: 30 + 30
    assert {label for _, _, label in labels} >= {"100 million Yen", "Billion Yen", "十億円", "億円", "", "￥／＄",
                                                 "1ドルにつき円", "年％", "percent per annum", "Percent per annum"}


@pytest.mark.parametrize(("db", "column", "label"), metadata_labels())
def test_every_metadata_unit_label_maps(db: str, column: str, label: str) -> None:
    mapped = canonical_unit(label)
    assert mapped is not None, f"{db}.{column} label {label!r} is not read by any rule"
    unit, factor = mapped
    assert unit
    assert math.isfinite(factor) and factor > 0


@pytest.mark.parametrize("label", RECORDED_LABELS)
def test_labels_of_recorded_answers_map(label: str) -> None:
    assert canonical_unit(label) is not None


# Verified by hand against the series names in the metadata (e.g. FXARKR "Korean Won, End of Month
# (Yen per 100 Won)" is quoted per 100 won, so one won is worth the value / 100 yen).
@pytest.mark.parametrize(
    ("label", "unit", "factor"),
    [
        ("100 million Yen", "JPY", 1e8),
        ("100 million yen", "JPY", 1e8),
        ("億円", "JPY", 1e8),
        ("Billion Yen", "JPY", 1e9),
        ("十億円", "JPY", 1e9),
        ("Yen", "JPY", 1.0),
        ("円", "JPY", 1.0),
        ("Million U.S. Dollars", "USD", 1e6),
        ("百万ドル", "USD", 1e6),
        ("Yen per U.S. Dollar", "JPY per USD", 1.0),
        ("1ドルにつき円", "JPY per USD", 1.0),
        ("￥／＄", "JPY per USD", 1.0),
        ("U.S. Dollar per Euro", "USD per EUR", 1.0),
        ("＄／ユーロ", "USD per EUR", 1.0),
        ("1ユーロにつきドル", "USD per EUR", 1.0),
        ("Euro per U.S. Dollar", "EUR per USD", 1.0),  # read as written; see the pairing test below
        ("Deutsche Mark per U.S. Dollar", "DEM per USD", 1.0),
        ("1ドルにつきマルク", "DEM per USD", 1.0),
        ("U.S. Dollar per Pound Sterling", "USD per GBP", 1.0),
        ("Yen per pound", "JPY per GBP", 1.0),
        ("Yen per 100 Won", "JPY per KRW", 0.01),
        ("100ウォンにつき円", "JPY per KRW", 0.01),
        ("100ベルギー･フランにつき円", "JPY per BEF", 0.01),  # half-width middle dot
        ("Yen per Ren Min Bi Yuan", "JPY per CNY", 1.0),
        ("%", "percent", 1.0),
        ("％", "percent", 1.0),
        ("年％", "percent per annum", 1.0),
        ("percent per annum", "percent per annum", 1.0),
        ("Percent per annum", "percent per annum", 1.0),
        ("% per annum", "percent per annum", 1.0),
        ("%ポイント", "pp", 1.0),
        ("% points", "pp", 1.0),
        ("100 cases", "count", 100.0),
        ("百口", "count", 100.0),
        ("Jan.4.1999=100", "index (1999-01-04=100)", 1.0),
        ("1999/1/4日＝100", "index (1999-01-04=100)", 1.0),
        ("CY2020=100", "index (2020=100)", 1.0),
        ("2020年=100", "index (2020=100)", 1.0),
        ("FY2015=100", "index (FY2015=100)", 1.0),
        ("", EMPTY_UNIT, 1.0),
    ],
)
def test_hand_checked_labels(label: str, unit: str, factor: float) -> None:
    assert canonical_unit(label) == (unit, factor)


@pytest.mark.parametrize(
    "variant",
    ["100 million yen", "100 MILLION YEN", "100  million\tYen", " 100 million Yen ", "１００ million Ｙｅｎ",
     "100million yen"],
)
def test_case_width_and_space_do_not_matter(variant: str) -> None:
    assert canonical_unit(variant) == ("JPY", 1e8)


def test_width_and_separator_variants_of_japanese_labels() -> None:
    assert canonical_unit("億 円") == canonical_unit("億円") == ("JPY", 1e8)
    franc = ("JPY per BEF", 1.0)
    assert canonical_unit("1ベルギーフランにつき円") == canonical_unit("1ベルギー・フランにつき円") == franc
    assert normalize("％ポイント") == normalize("%ポイント")


def test_english_and_japanese_labels_of_a_series_agree_but_for_one() -> None:
    """For every series the en and jp labels mean the same unit, except FM08 FXAR@02.

    FXAR@02 ("Euro/U.S. Dollar Rate, End of Month, NY Market") is labelled "Euro per U.S. Dollar"
    in English but 1ユーロにつきドル (dollars per euro) in Japanese; the other Euro/U.S. Dollar
    series (FXERD31-34) say "U.S. Dollar per Euro" in both. Each label is read as written, and a
    body that carried both would have its series rejected (see test_boj).
    """
    disagree = set()
    for frame in METADATA.values():
        for code, en, ja in frame.select("series_code", "unit_en", "unit_j").iter_rows():
            if canonical_unit(en) != canonical_unit(ja):
                disagree.add(code)
    assert disagree == {"FXAR@02"}


def test_catalog_units_are_what_the_boj_metadata_labels_map_to() -> None:
    """conform_observations compares the parser's unit with the catalog's: they must be the same name."""
    catalog = load_catalog()
    labels = pl.concat(
        [frame.select("series_code", "unit_en", "unit_j").with_columns(db=pl.lit(db)) for db, frame in METADATA.items()]
    )
    checked = 0
    for indicator in catalog.indicators_of("boj"):
        row = labels.filter((pl.col("db") == indicator.series_db) & (pl.col("series_code") == indicator.series_code))
        if row.height == 0:
            continue  # a series the shipped metadata does not list
        (code, en, ja, _), = row.iter_rows()
        assert canonical_unit(en)[0] == indicator.unit, code  # type: ignore[index]
        assert canonical_unit(ja)[0] == indicator.unit, code  # type: ignore[index]
        checked += 1
    assert checked >= 20


@pytest.mark.parametrize(
    "label",
    ["furlongs", "Yen per Zorkmid", "per", "1につき円", "/", "=100", "yen per " + "9" * 5000 + " won", "億億円", "100"],
)
def test_labels_no_rule_reads_give_none(label: str) -> None:
    assert canonical_unit(label) is None


def test_extra_labels_win_and_are_compared_normalised() -> None:
    extra = {"Number of Banks": ("count", 1.0), "億円": ("JPY", 1.0)}
    assert canonical_unit("number of banks", extra) == ("count", 1.0)
    assert canonical_unit("億 円", extra) == ("JPY", 1.0)
    assert canonical_unit("Billion Yen", extra) == ("JPY", 1e9)


@PROPERTY_SETTINGS
@given(st.text(max_size=40) | st.sampled_from(["100 ", "per", "につき", "=100", "円", "ドル", "/", "%"]))
def test_any_label_gives_none_or_a_positive_finite_factor(label: str) -> None:
    mapped = canonical_unit(label)
    if mapped is not None:
        unit, factor = mapped
        assert isinstance(unit, str) and unit
        assert math.isfinite(factor) and factor > 0
