"""Units: what a physical unit measures and how units of one dimension convert, from pint.

The vocabulary names each physical unit's pint expression ("gal" -> "gallon", "kWh" ->
"kilowatt_hour"); pint knows the rest: that litres and gallons are both volumes and how
many litres a gallon holds. Currencies and counted nouns ("GPU", "employee") are not
physical units and get no dimension. pint is loaded on first use.
"""

from __future__ import annotations

from functools import lru_cache

from .vocabulary import PINT_DEFINITIONS, PINT_UNITS


@lru_cache(maxsize=1)
def _registry():
    import pint

    registry = pint.UnitRegistry()
    for definition in PINT_DEFINITIONS:
        registry.define(definition)
    return registry


@lru_cache(maxsize=512)
def dimension(unit: str | None) -> str | None:
    """What a unit measures, as pint's root units: "gal" and "l" -> "meter ** 3", "kcal"
    and "kJ" -> "kilogram * meter ** 2 / second ** 2"; None for a unit that is not physical
    (a currency, a counted noun, "percent"). Root units tell apart what pint calls
    dimensionless: bytes ("bit") from angles ("radian") from ratios such as ppm ("")."""
    expression = PINT_UNITS.get(unit or "")
    if expression is None:
        return None
    return str(_registry().Quantity(1, expression).to_root_units().units)


def convert(value: float, unit: str, to_unit: str) -> float | None:
    """``value`` in ``unit`` expressed in ``to_unit`` (3 "gal" -> 11.356... "l"), to twelve
    significant digits; None when the two do not measure the same thing. Temperatures
    convert as temperatures (0 °C -> 32 °F)."""
    if unit == to_unit:
        return value
    if dimension(unit) is None or dimension(unit) != dimension(to_unit):
        return None
    converted = _registry().Quantity(value, PINT_UNITS[unit]).to(PINT_UNITS[to_unit]).magnitude
    return float(f"{converted:.12g}")  # (pint's factors carry float noise: 1 TWh is 1000.0000000000001 GWh)


def same_dimension(unit_a: str | None, unit_b: str | None) -> bool:
    """Whether two physical units measure the same thing ("MWh" and "TWh", "km" and "mi")."""
    return dimension(unit_a) is not None and dimension(unit_a) == dimension(unit_b)


@lru_cache(maxsize=512)
def root_factor(unit: str | None) -> float | None:
    """How many of its dimension's root units one ``unit`` is ("km" -> 1000.0, "TWh" ->
    3.6e15), so values in units of one dimension compare by ratio; None for a unit that is
    not physical, or not a plain multiple of its root (temperatures in °C and °F, whose
    zero is offset)."""
    expression = PINT_UNITS.get(unit or "")
    if expression is None:
        return None
    registry = _registry()
    one = registry.Quantity(1, expression).to_root_units().magnitude
    two = registry.Quantity(2, expression).to_root_units().magnitude
    return float(one) if one and abs(two - 2 * one) <= 1e-9 * abs(two) else None


def proportional(unit_a: str | None, unit_b: str | None) -> bool:
    """Whether values in two physical units compare by ratio once converted: one dimension,
    each a plain multiple of its root ("MWh" and "TWh", "mi" and "km"; not "°C" and "°F")."""
    return root_factor(unit_a) is not None and root_factor(unit_b) is not None and dimension(unit_a) == dimension(unit_b)
