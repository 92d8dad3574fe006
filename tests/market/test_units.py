"""Unit conversion (market.units): mass to mass, volume to volume, countables only to themselves."""

from decimal import Decimal

import pytest

from market.units import convert, convertible, convertible_units, price_per


@pytest.mark.parametrize(
    ("quantity", "source", "target", "expected"),
    [
        (2, "kg", "g", Decimal(2000)),
        (250, "g", "kg", Decimal("0.25")),
        (1, "l", "ml", Decimal(1000)),
        (500, "ml", "l", Decimal("0.5")),
        (3, "box", "box", Decimal(3)),
        (7, "piece", "piece", Decimal(7)),
        (Decimal("1.5"), "kg", "g", Decimal(1500)),
        (0, "kg", "g", Decimal(0)),
    ],
)
def test_convertible_quantities(quantity, source, target, expected):
    assert convert(quantity, source, target) == expected


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("kg", "piece"),
        ("piece", "kg"),
        ("kg", "l"),  # mass is not volume: a litre of honey is not a kilogram
        ("ml", "g"),
        ("box", "bag"),
        ("bottle", "l"),
        ("jar", "kg"),
        ("kg", "tonne"),  # unknown units
        ("pound", "kg"),
    ],
)
def test_impossible_conversions_answer_none(source, target):
    assert convert(1, source, target) is None
    assert convertible(source, target) is False


def test_the_units_a_unit_converts_to():
    assert sorted(convertible_units("kg")) == ["g", "kg"]
    assert sorted(convertible_units("ml")) == ["l", "ml"]
    assert convertible_units("jar") == ["jar"]
    assert convertible_units("tonne") == []


def test_a_price_per_kilogram_as_a_price_per_gram_and_back():
    assert price_per(120_000, "kg", "g") == Decimal(120)
    assert price_per(900, "g", "kg") == Decimal(900_000)
    assert price_per(50_000, "ml", "l") == Decimal(50_000_000)
    assert price_per(35_000, "jar", "jar") == Decimal(35_000)
    assert price_per(35_000, "jar", "kg") is None
