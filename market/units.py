"""Units of sale and the conversions between them.

A buyer asks for 500 ``kg``; a producer sells in ``g`` packs or in ``kg``; a honey buyer asks for ``l``
and a producer sells ``ml`` bottles. Mass converts to mass (kg ↔ g) and volume to volume (l ↔ ml).
Countable units (piece, box, bag, bottle, jar) convert only to themselves: a "box" of tea holds no
known number of grams, so a demand in kg and a listing in boxes cannot be compared and
:func:`convert` answers ``None`` ("impossible") rather than guess.
"""

from decimal import Decimal

from .models import Unit

# unit → (dimension, how many base units one of it is)
_DIMENSIONS: dict[str, tuple[str, Decimal]] = {
    Unit.KILOGRAM: ("mass", Decimal(1000)),
    Unit.GRAM: ("mass", Decimal(1)),
    Unit.LITRE: ("volume", Decimal(1000)),
    Unit.MILLILITRE: ("volume", Decimal(1)),
}


UNITS = tuple(Unit.values)  # read once: ``Unit.values`` builds a new list on every access
_KNOWN = frozenset(UNITS)


def is_known(unit: str) -> bool:
    return unit in _KNOWN


def convert(quantity, from_unit: str, to_unit: str) -> Decimal | None:
    """``quantity`` of ``from_unit`` expressed in ``to_unit``; ``None`` when units are unknown or apart.

    ``convert(2, "kg", "g") == 2000``; ``convert(500, "ml", "l") == Decimal("0.5")``;
    ``convert(3, "box", "box") == 3``; ``convert(1, "kg", "piece") is None``.
    """
    if not (is_known(from_unit) and is_known(to_unit)):
        return None
    amount = Decimal(str(quantity)) if not isinstance(quantity, Decimal) else quantity
    if from_unit == to_unit:
        return amount
    source, target = _DIMENSIONS.get(from_unit), _DIMENSIONS.get(to_unit)
    if source is None or target is None or source[0] != target[0]:
        return None
    return amount * source[1] / target[1]


def convertible(from_unit: str, to_unit: str) -> bool:
    """True when a quantity in ``from_unit`` can be expressed in ``to_unit``."""
    return convert(1, from_unit, to_unit) is not None


def price_per(price, price_unit: str, to_unit: str) -> Decimal | None:
    """A price per ``price_unit`` as a price per ``to_unit`` (120,000 VND/kg → 120 VND/g), or None."""
    per_one = convert(1, to_unit, price_unit)  # how many price units one target unit is
    if per_one is None:
        return None
    return Decimal(str(price)) * per_one


def convertible_units(unit: str) -> list[str]:
    """Every unit a quantity in ``unit`` converts to (itself included); [] for an unknown unit."""
    return [other for other in UNITS if convert(1, unit, other) is not None]
